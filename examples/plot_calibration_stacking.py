"""
Calibrating and stacking Keras classifiers
==========================================

Because ``KerasClassifier`` is a true scikit-learn classifier (``predict_proba``
of shape (n_samples, n_classes), ``classes_``, classifier tags), it works in
``CalibratedClassifierCV``, ``VotingClassifier`` and ``StackingClassifier``.
"""

# %%
import os

import matplotlib.pyplot as plt
from sklearn.calibration import CalibratedClassifierCV, CalibrationDisplay
from sklearn.datasets import make_classification
from sklearn.ensemble import RandomForestClassifier, StackingClassifier, VotingClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split

from skdl import KerasClassifier

QUICK = os.environ.get("SKDL_EXAMPLES_QUICK") == "1"
EPOCHS = 3 if QUICK else 40

X, y = make_classification(
    n_samples=2000, n_features=20, n_informative=6, class_sep=0.8, random_state=0
)
X_train, X_test, y_train, y_test = train_test_split(X, y, random_state=0)


def keras_clf():
    return KerasClassifier(hidden_layer_sizes=(64,), epochs=EPOCHS, random_state=0)


models = {
    "Keras": keras_clf(),
    "Keras, calibrated (isotonic)": CalibratedClassifierCV(keras_clf(), method="isotonic", cv=3),
    "soft vote (Keras + forest)": VotingClassifier(
        [("keras", keras_clf()), ("forest", RandomForestClassifier(random_state=0))],
        voting="soft",
    ),
    "stack (Keras + forest -> logistic)": StackingClassifier(
        [("keras", keras_clf()), ("forest", RandomForestClassifier(random_state=0))],
        final_estimator=LogisticRegression(),
        cv=3,
    ),
}
fig, ax = plt.subplots(figsize=(6, 5))
for name, model in models.items():
    model.fit(X_train, y_train)
    print(f"{name:36s} test accuracy {model.score(X_test, y_test):.3f}")
    CalibrationDisplay.from_estimator(model, X_test, y_test, n_bins=10, name=name, ax=ax)
ax.set_title("Reliability of the predicted probabilities")
plt.show()
