"""
Linear, logistic and softmax regression in Keras, next to scikit-learn
======================================================================

A ``Dense`` layer with no hidden layer *is* a linear model: with a linear output
and the squared error it is linear regression, with a sigmoid and the log loss
logistic regression, with a softmax multinomial (softmax) regression. Trained
by gradient descent in Keras, they reach the scores of scikit-learn's closed-form
or second-order solvers. The last section runs a Keras tutorial's own iris
program (a functional model, one-hot targets) through ``KerasClassifier``.
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
# The Keras tutorial's own program: a functional model and one-hot targets
# -------------------------------------------------------------------------
# Keras tutorials often one-hot encode the classes with ``to_categorical``,
# build the model with the functional API and compile it with
# ``categorical_crossentropy``. The same program runs with the compiled model
# given to ``KerasClassifier``: on one-hot targets, ``predict`` returns one-hot
# rows, as the targets came, and ``score`` is the accuracy.
from sklearn.metrics import classification_report  # noqa: E402
from sklearn.model_selection import train_test_split  # noqa: E402

X, y = load_iris(return_X_y=True)
x_train, x_val, y_train, y_val = train_test_split(
    StandardScaler().fit_transform(X), y, test_size=0.1, stratify=y, random_state=0
)
y_train = keras.utils.to_categorical(y_train, 3)
y_val = keras.utils.to_categorical(y_val, 3)

input_layer = keras.layers.Input(shape=(4,))
output_layer = keras.layers.Dense(3, activation="softmax")(input_layer)
model = keras.models.Model(inputs=input_layer, outputs=output_layer)
model.compile(loss="categorical_crossentropy", optimizer="adam", metrics=["accuracy"])

clf = KerasClassifier(model, epochs=5 if QUICK else 1000, random_state=0)
clf.fit(x_train, y_train)
pred = clf.predict(x_val)  # one-hot rows
print(classification_report(y_val.argmax(axis=1), pred.argmax(axis=1)))
print(f"accuracy on the held-out rows: {clf.score(x_val, y_val):.3f}")

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
