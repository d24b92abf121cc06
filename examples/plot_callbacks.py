"""
Callbacks: checkpoints, early stopping, TensorBoard and learning curves
=======================================================================

Keras callbacks work with skdl estimators in two ways: as an estimator
parameter (every fit, including every fit of a search, gets its own copy) or as
a ``fit`` argument for one call. Their arguments can be routed like any
parameter: ``callbacks__patience``.
"""

# %%
import os
import tempfile

import keras
import matplotlib.pyplot as plt
from sklearn.datasets import load_breast_cancer
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skdl import KerasClassifier

QUICK = os.environ.get("SKDL_EXAMPLES_QUICK") == "1"
X, y = load_breast_cancer(return_X_y=True)
X_train, X_valid, y_train, y_valid = train_test_split(X, y, stratify=y, random_state=0)
scaler = StandardScaler().fit(X_train)
X_train, X_valid = scaler.transform(X_train), scaler.transform(X_valid)
workdir = tempfile.mkdtemp()

# %%
# Callbacks as parameters
# -----------------------
clf = KerasClassifier(
    hidden_layer_sizes=(64, 32),
    epochs=5 if QUICK else 200,
    metrics=["accuracy"],
    callbacks=[
        keras.callbacks.EarlyStopping,  # a class: its arguments are routed below
        keras.callbacks.ModelCheckpoint(os.path.join(workdir, "best.keras"), save_best_only=True),
        keras.callbacks.TensorBoard(log_dir=os.path.join(workdir, "logs")),
    ],
    callbacks__monitor="val_loss",
    callbacks__patience=10,
    callbacks__restore_best_weights=True,
    random_state=0,
)
clf.fit(X_train, y_train, validation_data=(X_valid, y_valid))
print(f"stopped after {clf.n_iter_} epochs; validation accuracy {clf.score(X_valid, y_valid):.3f}")
print("checkpoint:", sorted(os.listdir(workdir)))
# the best model on disk is a plain Keras model
best = keras.saving.load_model(os.path.join(workdir, "best.keras"))

# %%
# Learning curves from ``history_``
# ---------------------------------
fig, axes = plt.subplots(1, 2, figsize=(9, 3.5))
for ax, metric in zip(axes, ["loss", "accuracy"]):
    ax.plot(clf.history_[metric], label="training")
    ax.plot(clf.history_[f"val_{metric}"], label="validation")
    ax.set_xlabel("epoch")
    ax.set_title(metric)
    ax.legend()
fig.tight_layout()
plt.show()

# %%
# A pipeline with a one-call callback
# -----------------------------------
# ``fit`` arguments of a ``Pipeline`` step are addressed with the step name.
pipe = make_pipeline(StandardScaler(), KerasClassifier(epochs=3 if QUICK else 50, random_state=0))
pipe.fit(X, y, kerasclassifier__callbacks=[keras.callbacks.EarlyStopping(monitor="loss")])
print("pipeline training accuracy:", round(pipe.score(X, y), 3))
