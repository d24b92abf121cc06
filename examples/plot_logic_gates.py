"""
Logic gates: XOR and OR with a tiny Keras network
=================================================

The first program of many Keras courses: a network with two sigmoid hidden
units learns the XOR truth table, which no single neuron can represent, with
plain SGD (learning rate 0.1) on the mean squared error. Here the same network
is a scikit-learn classifier: ``fit``, ``predict`` and ``predict_proba`` instead
of thresholding raw outputs by hand.
"""

# %%
# The network of the tutorial, as a model builder
# -----------------------------------------------
import os

import keras
import matplotlib.pyplot as plt
import numpy as np

from skdl import KerasClassifier
from skdl.datasets import make_logic_gate

QUICK = os.environ.get("SKDL_EXAMPLES_QUICK") == "1"


def build_gate_network(hidden_units=2):
    model = keras.Sequential()
    model.add(keras.Input(shape=(2,)))
    model.add(keras.layers.Dense(units=hidden_units, activation="sigmoid"))
    model.add(keras.layers.Dense(units=1, activation="sigmoid"))
    return model


def gate_classifier():
    return KerasClassifier(
        build_gate_network,
        optimizer="sgd",
        optimizer__learning_rate=0.1,
        loss="mean_squared_error",
        batch_size=1,
        epochs=20 if QUICK else 3000,
        random_state=0,
    )


# %%
# Learning XOR and OR
# -------------------
results = {}
for gate in ("xor", "or"):
    X, y = make_logic_gate(gate)
    clf = gate_classifier().fit(X, y)
    results[gate] = clf
    print(f"{gate.upper():3s} truth table: {y.tolist()}  predicted: {clf.predict(X).tolist()}")
    print("    P(output = 1):", [f"{p:.3f}" for p in clf.predict_proba(X)[:, 1]])

# %%
# The decision surface of XOR
# ---------------------------
# Two hidden units bend the plane so that (0, 1) and (1, 0) land on one side.
grid = np.linspace(-0.25, 1.25, 101)
xx, yy = np.meshgrid(grid, grid)
proba = results["xor"].predict_proba(np.column_stack([xx.ravel(), yy.ravel()]))[:, 1]
fig, ax = plt.subplots(figsize=(4.5, 4))
contour = ax.contourf(xx, yy, proba.reshape(xx.shape), levels=20, cmap="RdBu_r")
X, y = make_logic_gate("xor")
ax.scatter(X[:, 0], X[:, 1], c=y, cmap="RdBu_r", edgecolors="k", s=120)
fig.colorbar(contour, label="P(XOR = 1)")
ax.set_title("XOR learned by a 2-2-1 network")
plt.show()
