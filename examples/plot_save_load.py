"""
Saving and loading skdl estimators
==================================

A fitted estimator pickles with its Keras model: ``joblib.dump`` it (alone or in
a ``Pipeline``), load it in another process, and get bit-identical
predictions; training can continue where it stopped. The Keras model itself is
``model_`` and saves in Keras' own format too.
"""

# %%
import os
import tempfile

import joblib
import keras
import numpy as np
from sklearn.datasets import load_breast_cancer
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skdl import KerasClassifier

QUICK = os.environ.get("SKDL_EXAMPLES_QUICK") == "1"
X, y = load_breast_cancer(return_X_y=True)
pipe = make_pipeline(
    StandardScaler(), KerasClassifier(epochs=3 if QUICK else 30, random_state=0)
).fit(X, y)
folder = tempfile.mkdtemp()

# %%
# The whole pipeline with joblib
# ------------------------------
path = os.path.join(folder, "pipeline.joblib")
joblib.dump(pipe, path)
loaded = joblib.load(path)
print("identical probabilities:", np.array_equal(loaded.predict_proba(X), pipe.predict_proba(X)))

# %%
# Keep training the loaded model
# ------------------------------
clf = loaded[-1].set_params(warm_start=True)
before = clf.n_iter_
loaded.fit(X, y)
print(f"epochs: {before} -> {clf.n_iter_}; accuracy {loaded.score(X, y):.3f}")

# %%
# Only the Keras network
# ----------------------
# ``model_`` is a plain ``keras.Model``: save it for Keras tools (TF Serving,
# TFLite conversion, ...); it expects the already scaled inputs.
keras_path = os.path.join(folder, "network.keras")
pipe[-1].model_.save(keras_path)
network = keras.saving.load_model(keras_path)
scaled = pipe[0].transform(X[:3]).astype("float32")
print("Keras outputs:", network.predict(scaled, verbose=0).ravel().round(3))
