"""MLPClassifier and MLPRegressor: scikit-learn's MLP parameters, trained by Keras."""

import math

import numpy as np
from sklearn.utils._param_validation import StrOptions
from sklearn.utils.metaestimators import available_if
from sklearn.utils.multiclass import unique_labels
from sklearn.utils.validation import column_or_1d

from ._docs import MLP_ATTRIBUTES, MLP_PARAMETERS
from ._keras_objects import half_poisson_deviance, half_squared_error
from ._mlp import _MLPMixin
from .classifier import KerasClassifier
from .regressor import KerasRegressor


class MLPClassifier(_MLPMixin, KerasClassifier):
    __doc__ = f"""Multi-layer perceptron classifier with scikit-learn's parameters, in Keras.

    A drop-in for :class:`sklearn.neural_network.MLPClassifier`: the same
    constructor parameters, defaults and fitted attributes, trained by Keras
    (``solver="adam"`` or ``"sgd"``) in float32. Binary, multiclass and
    multilabel targets with labels of any type.

    Parameters
    ----------
    {MLP_PARAMETERS}

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
        Class labels.
    {MLP_ATTRIBUTES}

    See Also
    --------
    MLPRegressor : The regression counterpart.
    KerasClassifier : Any Keras network as a classifier.
    sklearn.neural_network.MLPClassifier : scikit-learn's own (with L-BFGS).

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> from skdl import MLPClassifier
    >>> X, y = load_iris(return_X_y=True)
    >>> clf = MLPClassifier(hidden_layer_sizes=(16,), learning_rate_init=0.01, max_iter=50,
    ...                     random_state=0).fit(X, y)
    >>> clf.predict_proba(X[:1]).shape, clf.n_layers_, clf.out_activation_
    ((1, 3), 3, 'softmax')
    """

    class_weight = None

    @available_if(_MLPMixin._check_solver)
    def partial_fit(self, X, y, sample_weight=None, classes=None):
        """Train for one epoch on ``(X, y)``, continuing from the current weights.

        scikit-learn's ``MLPClassifier.partial_fit``: its argument order, and
        only for the stochastic solvers.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Training data of this call; converted to float32.
        y : array-like of shape (n_samples,) or (n_samples, n_labels)
            Class labels of this call (a label indicator matrix for a
            multilabel target).
        sample_weight : array-like of shape (n_samples,), default=None
            Per-sample weights, none negative; each batch's loss is their
            weighted mean, as in scikit-learn.
        classes : array-like of shape (n_classes,), default=None
            Every class label, required on the first call because a batch may
            hold only some of them; later calls may omit it, or must pass the
            same labels.

        Returns
        -------
        self : object

        Examples
        --------
        >>> import numpy as np
        >>> from skdl import MLPClassifier
        >>> X = np.random.RandomState(0).normal(size=(40, 3))
        >>> clf = MLPClassifier(random_state=0)
        >>> clf = clf.partial_fit(X[:20], np.zeros(20), classes=[0, 1, 2])
        >>> clf.partial_fit(X[20:], np.full(20, 2), np.ones(20)).t_
        40
        """
        return super().partial_fit(X, y, classes=classes, sample_weight=sample_weight)

    def __init__(
        self,
        hidden_layer_sizes=(100,),
        activation="relu",
        *,
        solver="adam",
        alpha=0.0001,
        batch_size="auto",
        learning_rate="constant",
        learning_rate_init=0.001,
        power_t=0.5,
        max_iter=200,
        shuffle=True,
        random_state=None,
        tol=1e-4,
        verbose=False,
        warm_start=False,
        momentum=0.9,
        nesterovs_momentum=True,
        early_stopping=False,
        validation_fraction=0.1,
        beta_1=0.9,
        beta_2=0.999,
        epsilon=1e-8,
        n_iter_no_change=10,
        max_fun=15000,
        dropout=0.0,
        batch_normalization=False,
        optimizer=None,
        callbacks=None,
        **kwargs,
    ):
        self._store_init_params(locals())

    def _fit_keras(self, X, y, sample_weight, fit_kwargs, warm, classes=None, incremental=False):
        if warm and not incremental and self.target_type_ != "multilabel-indicator":
            # as scikit-learn's: a warm fit is on every class (partial_fit's batches
            # may hold some); the error is scikit-learn's, word for word
            labels = unique_labels(y)
            if set(labels) != set(self.classes_):
                raise ValueError(
                    "warm_start can only be used where `y` has the same classes as in "
                    f"the previous call to fit. Previously got {self.classes_}, `y` has "
                    f"{labels}"
                )
        super()._fit_keras(X, y, sample_weight, fit_kwargs, warm, classes, incremental)

    def _stratify_early_stopping(self, y):
        """Whether the early-stopping split is stratified: where every class can
        be in both parts (scikit-learn's stratifies binary targets only, and
        fails where a class has a single sample)."""
        if self.target_type_ == "multilabel-indicator":
            return False
        counts = np.unique(y, return_counts=True)[1]
        n_val = math.ceil(float(self.validation_fraction) * len(y))
        return counts.min() >= 2 and min(n_val, len(y) - n_val) >= len(counts)

    def _loss_weight(self):
        # scikit-learn sums the log-loss of a multilabel target over its labels;
        # Keras' binary cross-entropy averages them
        if self.target_type_ == "multilabel-indicator":
            return float(self.n_outputs_)
        return None


class MLPRegressor(_MLPMixin, KerasRegressor):
    __doc__ = f"""Multi-layer perceptron regressor with scikit-learn's parameters, in Keras.

    A drop-in for :class:`sklearn.neural_network.MLPRegressor`: the same
    constructor parameters, defaults and fitted attributes, trained by Keras
    (``solver="adam"`` or ``"sgd"``) in float32.

    Parameters
    ----------
    loss : {{'squared_error', 'poisson'}}, default='squared_error'
        The loss, as scikit-learn's: half the mean squared error, or the half
        Poisson deviance (summed over the targets) with an exponential output
        (log link) for counts and other non-negative targets.
    {MLP_PARAMETERS}

    Attributes
    ----------
    {MLP_ATTRIBUTES}

    See Also
    --------
    MLPClassifier : The classification counterpart.
    KerasRegressor : Any Keras network as a regressor.
    sklearn.neural_network.MLPRegressor : scikit-learn's own (with L-BFGS).

    Examples
    --------
    >>> from sklearn.datasets import load_diabetes
    >>> from sklearn.pipeline import make_pipeline
    >>> from sklearn.preprocessing import StandardScaler
    >>> from skdl import MLPRegressor
    >>> X, y = load_diabetes(return_X_y=True)
    >>> reg = make_pipeline(StandardScaler(), MLPRegressor(max_iter=5, random_state=0))
    >>> reg.fit(X, y / 100).predict(X[:2]).shape
    (2,)
    """

    _parameter_constraints = {
        **_MLPMixin._parameter_constraints,
        "loss": [StrOptions({"squared_error", "poisson"})],
    }

    def __init__(
        self,
        loss="squared_error",
        hidden_layer_sizes=(100,),
        activation="relu",
        *,
        solver="adam",
        alpha=0.0001,
        batch_size="auto",
        learning_rate="constant",
        learning_rate_init=0.001,
        power_t=0.5,
        max_iter=200,
        shuffle=True,
        random_state=None,
        tol=1e-4,
        verbose=False,
        warm_start=False,
        momentum=0.9,
        nesterovs_momentum=True,
        early_stopping=False,
        validation_fraction=0.1,
        beta_1=0.9,
        beta_2=0.999,
        epsilon=1e-8,
        n_iter_no_change=10,
        max_fun=15000,
        dropout=0.0,
        batch_normalization=False,
        optimizer=None,
        callbacks=None,
        **kwargs,
    ):
        self._store_init_params(locals())

    # scikit-learn's "squared_error" is half the mean squared error (stepping
    # along the gradient of the sum over several targets), and "poisson" the
    # half Poisson deviance with an exponential output (log link)
    def _default_loss(self):
        return half_poisson_deviance() if self.loss == "poisson" else half_squared_error()

    def _out_activation(self, target_type):
        return "exponential" if self.loss == "poisson" else "linear"

    _any_sign_loss = "squared_error"

    # as scikit-learn's MLPClassifier: for the stochastic solvers only
    partial_fit = available_if(_MLPMixin._check_solver)(KerasRegressor.partial_fit)

    def _validate_inputs(self, X, y, reset):
        X, y = super()._validate_inputs(X, y, reset)
        if y.ndim == 2 and y.shape[1] == 1:
            # as scikit-learn's MLPRegressor: one target, with a DataConversionWarning
            y = column_or_1d(y, warn=True)
        return X, y

    def predict(self, X):
        """Predict targets for ``X`` (1-D when there is one target, as in scikit-learn).

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)

        Returns
        -------
        y : ndarray of shape (n_samples,) or (n_samples, n_outputs)
        """
        pred = super().predict(X)
        return pred.ravel() if pred.ndim == 2 and pred.shape[1] == 1 else pred
