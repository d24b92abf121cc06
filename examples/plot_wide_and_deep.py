"""
Wide & deep networks on California housing
===========================================

The wide-and-deep architecture of *Hands-On Machine Learning* (chapter 10):
five features take a short path straight to the output (``X[:, :5]``), six go
through two hidden layers (``X[:, 2:]``), and an auxiliary output on the deep
path, weighted 0.1, keeps that path useful on its own. With
:class:`skdl.WideAndDeepRegressor` it is one estimator in a ``Pipeline``; both
losses are in ``history_``. It trains with Adam at a learning rate of 1e-3, as
in the book's third edition (the second edition's ``SGD(lr=1e-3)`` is
``optimizer="sgd"``).
"""

# %%
import os

import matplotlib.pyplot as plt
from sklearn.datasets import fetch_california_housing
from sklearn.linear_model import LinearRegression
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skdl import WideAndDeepRegressor

QUICK = os.environ.get("SKDL_EXAMPLES_QUICK") == "1"

housing = fetch_california_housing(data_home=os.environ.get("SCIKIT_LEARN_DATA"))
X_train, X_test, y_train, y_test = train_test_split(housing.data, housing.target, random_state=42)
if QUICK:
    X_train, y_train = X_train[:2000], y_train[:2000]

# %%
# The book's network
# ------------------
model = make_pipeline(
    StandardScaler(),
    WideAndDeepRegressor(
        wide_features=[0, 1, 2, 3, 4],
        deep_features=[2, 3, 4, 5, 6, 7],
        hidden_layer_sizes=(30, 30),
        aux_loss_weight=0.1,
        epochs=3 if QUICK else 20,
        optimizer__learning_rate=1e-3,
        random_state=42,
    ),
)
model.fit(X_train, y_train)
linear = make_pipeline(StandardScaler(), LinearRegression()).fit(X_train, y_train)
print(f"wide & deep test R²: {model.score(X_test, y_test):.3f}")
print(f"linear model test R²: {linear.score(X_test, y_test):.3f}")

# %%
# Both losses, epoch by epoch
# ---------------------------
history = model[-1].history_
fig, ax = plt.subplots(figsize=(6, 4))
ax.plot(history["main_loss"], label="main output")
ax.plot(history["aux_loss"], label="auxiliary output (deep path only)")
ax.plot(history["loss"], "--", label="weighted total (0.9 main + 0.1 aux)")
ax.set_xlabel("epoch")
ax.set_ylabel("MSE")
ax.legend()
ax.set_title("Wide & deep on California housing")
plt.show()
