"""
Linear, logistic and softmax regression in Keras, next to scikit-learn
======================================================================

A ``Dense`` layer with no hidden layer *is* a linear model: with a linear output
and the squared error it is linear regression, with a sigmoid and the log loss
logistic regression, with a softmax multinomial (softmax) regression. Trained
by gradient descent in Keras, they reach the scores of scikit-learn's closed-form
or second-order solvers.
"""

# %%
import os

import keras
import matplotlib.pyplot as plt
from sklearn.datasets import load_breast_cancer, load_diabetes, load_iris
from sklearn.linear_model import LinearRegression, LogisticRegression
from sklearn.model_selection import cross_val_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skdl import KerasClassifier, KerasRegressor

QUICK = os.environ.get("SKDL_EXAMPLES_QUICK") == "1"
EPOCHS = 3 if QUICK else 200


def linear_model(meta):
    """One Dense layer: the output activation fits the task (linear, sigmoid, softmax)."""
    return keras.Sequential(
        [
            keras.Input((meta["n_features_in_"],)),
            keras.layers.Dense(meta["n_outputs_"], activation=meta["out_activation_"]),
        ]
    )


tasks = {
    "linear regression (diabetes)": (
        load_diabetes(return_X_y=True),
        KerasRegressor(linear_model, epochs=EPOCHS, optimizer__learning_rate=0.05, random_state=0),
        LinearRegression(),
    ),
    "logistic regression (breast cancer)": (
        load_breast_cancer(return_X_y=True),
        KerasClassifier(
            linear_model, epochs=EPOCHS, optimizer__learning_rate=0.01, random_state=0
        ),
        LogisticRegression(),
    ),
    "softmax regression (iris)": (
        load_iris(return_X_y=True),
        KerasClassifier(
            linear_model, epochs=EPOCHS, optimizer__learning_rate=0.05, random_state=0
        ),
        LogisticRegression(),
    ),
}

results = {}
for task, ((X, y), keras_model, sklearn_model) in tasks.items():
    if "linear" in task:
        y = (y - y.mean()) / y.std()  # a scaled target suits gradient descent
    scores = [
        cross_val_score(make_pipeline(StandardScaler(), model), X, y, cv=3).mean()
        for model in (keras_model, sklearn_model)
    ]
    results[task] = scores
    print(f"{task:36s} Keras {scores[0]:.3f}   scikit-learn {scores[1]:.3f}")

# %%
fig, ax = plt.subplots(figsize=(7, 3))
names = list(results)
ax.barh([i + 0.2 for i in range(3)], [results[n][0] for n in names], 0.4, label="Keras (skdl)")
ax.barh([i - 0.2 for i in range(3)], [results[n][1] for n in names], 0.4, label="scikit-learn")
ax.set_yticks(range(3), names)
ax.set_xlabel("cross-validated score (R² or accuracy)")
ax.legend(loc="lower left")
fig.tight_layout()
plt.show()
