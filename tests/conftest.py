import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault(
    "SCIKIT_LEARN_DATA",
    os.path.join(os.path.dirname(__file__), "..", "..", "shared", "data", "scikit_learn_data"),
)
