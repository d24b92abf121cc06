"""
Hands-On ML: tuning a Keras regressor with RandomizedSearchCV
=============================================================

Chapter 10 of *Hands-On Machine Learning* wraps a model-building function and
searches its hyperparameters with ``RandomizedSearchCV``. With skdl the book's
search code runs as written: the builder's arguments (``n_hidden``,
``n_neurons``, ``learning_rate``) are parameters of the estimator, and Keras'
fit arguments (``epochs``, ``validation_data``, ``callbacks``) go straight
through the search. ``best_estimator_.model`` is now ``best_estimator_.model_``,
and ``score`` is the R², scikit-learn's convention. The builder takes Keras 3's
spelling: ``SGD(learning_rate=...)`` (Keras 3 refuses ``lr``) and
``InputLayer(shape=...)``.
"""

# %%
# The data: California housing, scaled
# ------------------------------------
import os

import keras
import matplotlib.pyplot as plt
import numpy as np
from scipy.stats import reciprocal
from sklearn.datasets import fetch_california_housing
from sklearn.model_selection import RandomizedSearchCV, train_test_split
from sklearn.preprocessing import StandardScaler

from skdl import KerasRegressor

QUICK = os.environ.get("SKDL_EXAMPLES_QUICK") == "1"

housing = fetch_california_housing(data_home=os.environ.get("SCIKIT_LEARN_DATA"))
X_train_full, X_test, y_train_full, y_test = train_test_split(
    housing.data, housing.target, random_state=42
)
X_train, X_valid, y_train, y_valid = train_test_split(X_train_full, y_train_full, random_state=42)
if QUICK:
    X_train, y_train = X_train[:1000], y_train[:1000]
scaler = StandardScaler()
X_train = scaler.fit_transform(X_train)
X_valid = scaler.transform(X_valid)
X_test = scaler.transform(X_test)


# %%
# The book's model builder
# ------------------------
def build_model(n_hidden=1, n_neurons=30, learning_rate=3e-3, input_shape=[8]):  # noqa: B006
    model = keras.models.Sequential()
    model.add(keras.layers.InputLayer(shape=input_shape))
    for _ in range(n_hidden):
        model.add(keras.layers.Dense(n_neurons, activation="relu"))
    model.add(keras.layers.Dense(1))
    optimizer = keras.optimizers.SGD(learning_rate=learning_rate)
    model.compile(loss="mse", optimizer=optimizer)
    return model


keras_reg = KerasRegressor(build_model, random_state=42)

# %%
# The search
# ----------
param_distribs = {
    "n_hidden": [0, 1, 2, 3],
    "n_neurons": np.arange(1, 100),
    "learning_rate": reciprocal(3e-4, 3e-2),
}
rnd_search_cv = RandomizedSearchCV(
    keras_reg, param_distribs, n_iter=2 if QUICK else 10, cv=3, random_state=42
)
rnd_search_cv.fit(
    X_train,
    y_train,
    epochs=2 if QUICK else 100,
    validation_data=(X_valid, y_valid),
    callbacks=[keras.callbacks.EarlyStopping(patience=10)],
)
print("best parameters:", rnd_search_cv.best_params_)
print(f"best CV R²: {rnd_search_cv.best_score_:.3f}")
best = rnd_search_cv.best_estimator_
print(f"test R²: {best.score(X_test, y_test):.3f}")
model = best.model_  # the trained Keras model

# %%
# Learning curves of the best model
# ---------------------------------
fig, ax = plt.subplots(figsize=(6, 4))
ax.plot(best.history_["loss"], label="training")
ax.plot(best.history_["val_loss"], label="validation")
ax.set_xlabel("epoch")
ax.set_ylabel("MSE")
ax.set_title("Best model of the search")
ax.legend()
plt.show()
