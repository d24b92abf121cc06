"""
skdl's MLPClassifier next to scikit-learn's
===========================================

:class:`skdl.MLPClassifier` takes the parameters of
:class:`sklearn.neural_network.MLPClassifier` and trains the same network with
Keras. Swapping one import for the other is all a script needs: here the same
grid search runs with both on the digits dataset (8x8 images of hand-written
digits), and we compare test accuracy, fit time and learning curves.
"""

# %%
# The same script for both libraries
# -----------------------------------
import os
import time
import warnings

import matplotlib.pyplot as plt
from sklearn import neural_network
from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import GridSearchCV, train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

import skdl

QUICK = os.environ.get("SKDL_EXAMPLES_QUICK") == "1"
MAX_ITER = 10 if QUICK else 100

X, y = load_digits(return_X_y=True)
X_train, X_test, y_train, y_test = train_test_split(X, y, stratify=y, random_state=0)


def run(MLPClassifier):
    search = GridSearchCV(
        make_pipeline(StandardScaler(), MLPClassifier(max_iter=MAX_ITER, random_state=0)),
        {
            "mlpclassifier__hidden_layer_sizes": [(64,), (128,)],
            "mlpclassifier__alpha": [1e-4, 1e-2],
        },
        cv=3,
    )
    start = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        search.fit(X_train, y_train)
    return search, time.perf_counter() - start


results = {
    "scikit-learn": run(neural_network.MLPClassifier),
    "skdl (Keras)": run(skdl.MLPClassifier),
}
for name, (search, seconds) in results.items():
    print(
        f"{name:13s} test accuracy {search.score(X_test, y_test):.3f}  "
        f"best {search.best_params_}  search time {seconds:.1f} s"
    )

# %%
# Learning curves
# ---------------
# Both expose ``loss_curve_``: the training loss (with the L2 penalty) per epoch.
fig, ax = plt.subplots(figsize=(6, 4))
for name, (search, _) in results.items():
    ax.plot(search.best_estimator_[-1].loss_curve_, label=name)
ax.set_xlabel("epoch")
ax.set_ylabel("training loss")
ax.set_yscale("log")
ax.set_title("Digits: best MLP of the grid search")
ax.legend()
plt.show()
