"""
Titanic survival with a ColumnTransformer and a Keras classifier
================================================================

The classic tabular workflow: impute and scale the numeric columns, impute and
one-hot encode the categorical ones, then classify. The Keras network sits at
the end of the ``Pipeline`` like any scikit-learn classifier, so
``cross_val_score`` stratifies the folds, and it can be compared with
scikit-learn's own models on equal terms.
"""

# %%
# Data and preprocessing
# ----------------------
import os

import keras
import matplotlib.pyplot as plt
from sklearn.compose import ColumnTransformer
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold, cross_val_score
from sklearn.neural_network import MLPClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

from skdl import KerasClassifier
from skdl.datasets import load_titanic

QUICK = os.environ.get("SKDL_EXAMPLES_QUICK") == "1"

X, y = load_titanic(return_X_y=True)
numeric = ["Age", "SibSp", "Parch", "Fare", "Pclass"]
categorical = ["Sex", "Embarked"]
preprocess = ColumnTransformer(
    [
        ("num", make_pipeline(SimpleImputer(strategy="median"), StandardScaler()), numeric),
        (
            "cat",
            make_pipeline(
                SimpleImputer(strategy="most_frequent"), OneHotEncoder(handle_unknown="ignore")
            ),
            categorical,
        ),
    ]
)


# %%
# A Keras network with dropout
# ----------------------------
def build(meta, n_neurons=32, dropout=0.2):
    return keras.Sequential(
        [
            keras.Input((meta["n_features_in_"],)),
            keras.layers.Dense(n_neurons, activation="relu"),
            keras.layers.Dropout(dropout),
            keras.layers.Dense(1, activation="sigmoid"),
        ]
    )


models = {
    "Keras (skdl)": KerasClassifier(
        build, epochs=5 if QUICK else 60, optimizer__learning_rate=3e-3, random_state=0
    ),
    "LogisticRegression": LogisticRegression(),
    "MLPClassifier (sklearn)": MLPClassifier((32,), max_iter=500, random_state=0),
}

# %%
# Stratified 5-fold cross-validation
# ----------------------------------
cv = StratifiedKFold(3 if QUICK else 5, shuffle=True, random_state=0)
scores = {
    name: cross_val_score(make_pipeline(preprocess, model), X, y, cv=cv)
    for name, model in models.items()
}
for name, s in scores.items():
    print(f"{name:24s} accuracy {s.mean():.3f} +/- {s.std():.3f}")

fig, ax = plt.subplots(figsize=(6, 3))
ax.boxplot(list(scores.values()), orientation="horizontal")
ax.set_yticks(range(1, len(scores) + 1), list(scores))
ax.set_xlabel("cross-validated accuracy")
ax.set_title("Titanic survival")
fig.tight_layout()
plt.show()
