"""What the benchmarks compare, and the sizes of a full and a quick run."""

import os

# the folder of the benchmark scripts
BENCHMARKS = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

SECTIONS = {
    "a": "Import time",
    "b": "California housing: fit time and test R²",
    "c": "Predict latency",
    "d": "Fresh small fit",
    "e": "Titanic pipeline, cross-validation",
    "f": "Hands-On ML RandomizedSearchCV, n_jobs=1 vs n_jobs=2",
    "g": "Memory over many fresh fits",
    "h": "skdl's MLP presets vs scikit-learn's on four datasets",
}

NAMES = {
    "skdl": "skdl",
    "keras": "raw Keras",
    "scikeras": "scikeras",
    "wrappers": "keras.wrappers",
    "sklearn": "scikit-learn MLP",
}

REGRESSORS = ("skdl", "keras", "scikeras", "wrappers", "sklearn")

CLASSIFIERS = ("skdl", "scikeras", "wrappers", "sklearn")

SEARCHERS = ("skdl", "scikeras", "sklearn")

FULL = {
    "seed": 42,
    "import_repeats": 7,
    "fit_repeats": 3,  # fresh processes per contender in (b) and (e); the median time
    "california_rows": None,  # all 20,640
    "california_epochs": 20,
    "preset_max_iter": None,  # the presets' default, 200 with early stopping on tol
    "latency_repeats": 200,
    "latency_budget_s": 3.0,
    "latency_all_repeats": 10,
    "small_fit_repeats": 5,
    "small_fit_epochs": 5,
    "titanic_epochs": 20,
    "titanic_folds": 5,
    "search_candidates": 4,
    "search_folds": 3,
    "search_epochs": 10,
    "search_rows": None,  # the whole training split, 15,480 rows
    "book_candidates": 10,  # the book's own search, at full size
    "book_epochs": 100,
    "book_rows": None,  # the book's training set, 11,610 rows
    "ceiling_repeats": 5,
    "memory_fits": 50,
    "memory_warmup": 5,
}

QUICK = {
    **FULL,
    "import_repeats": 2,
    "fit_repeats": 1,
    "california_rows": 2000,
    "california_epochs": 2,
    "preset_max_iter": 5,
    "latency_repeats": 20,
    "latency_budget_s": 0.5,
    "latency_all_repeats": 2,
    "small_fit_repeats": 2,
    "small_fit_epochs": 2,
    "titanic_epochs": 2,
    "titanic_folds": 2,
    "search_candidates": 2,
    "search_folds": 2,
    "search_epochs": 2,
    "search_rows": 1000,
    "book_candidates": 2,
    "book_epochs": 2,
    "book_rows": 1000,
    "ceiling_repeats": 1,
    "memory_fits": 5,
    "memory_warmup": 1,
}

IMPORTS = {  # contender: the import statement timed
    "sklearn": "import sklearn; from sklearn.neural_network import MLPClassifier",
    "skdl": "from skdl import KerasClassifier",
    "keras": "import keras",
    "scikeras": "from scikeras.wrappers import KerasClassifier",
    "wrappers": "from keras.wrappers import SKLearnClassifier",
}

IMPORT_PROBE = (
    "import json, sys, time\n"
    "t = time.perf_counter()\n"
    "{statement}\n"
    "t = time.perf_counter() - t\n"
    "print(json.dumps({{'seconds': t, 'tensorflow': 'tensorflow' in sys.modules,"
    " 'keras': 'keras' in sys.modules}}))\n"
)
