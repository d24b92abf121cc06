"""KerasRegressor: a scikit-learn regressor backed by a Keras model."""

import warnings

import numpy as np
from sklearn.base import RegressorMixin
from sklearn.utils import assert_all_finite

from . import _keras
from ._docs import COMMON_ATTRIBUTES, COMMON_PARAMETERS, ROUTED_PARAMETERS
from ._targets import loss_name
from .base import BaseKerasEstimator

# What output activations can reach: a network ending with one cannot fit
# targets beyond (a sigmoid copied from a classifier, an autoencoder's sigmoid
# on standardized X).
_ACTIVATION_RANGES = {
    "sigmoid": (0.0, 1.0),
    "softmax": (0.0, 1.0),
    "tanh": (-1.0, 1.0),
    "relu": (0.0, np.inf),
    "softplus": (0.0, np.inf),
    "exponential": (0.0, np.inf),
}

# Targets beyond this size make a divergence hint name them: scaled targets
# train at the usual learning rates.
_LARGE_TARGETS = 1e3


class _FloatTargetsMixin:
    """Targets of a network trained like a regressor: float32 columns, the mean
    squared error by default, sample weights but no class weights. Shared by
    :class:`KerasRegressor` and :class:`~skdl.KerasTransformer`."""

    _y_numeric = True

    def _default_loss(self):
        # the full name: Keras 3.15 saves the short "mse" to HDF5 (the book's
        # model_.save("model.h5")) as a name that its load_model cannot read back
        return "mean_squared_error"

    def _encode_targets(self, y):
        # scikit-learn checks an object or string y for missing values before
        # it makes numbers of it: None and "nan" become NaN only here
        try:
            as_numbers = np.asarray(y, dtype=np.float64)
        except (TypeError, ValueError) as exc:
            raise ValueError(
                f"{type(self).__name__} trains on numeric targets, and y holds values "
                f"that are not numbers ({exc}); class labels call for KerasClassifier."
            ) from exc
        assert_all_finite(as_numbers, input_name="y")
        with np.errstate(over="ignore"):
            y = np.asarray(y, dtype=np.float32)
        if not np.isfinite(y).all():  # finite in float64: beyond float32's range
            raise ValueError(
                "y has values too large for float32 (about 3.4e38), in which Keras "
                "trains; scale the targets, e.g. with "
                "TransformedTargetRegressor(regressor, transformer=StandardScaler())."
            )
        return y.reshape(-1, 1) if y.ndim == 1 else y

    def _sample_weight(self, X, y, sample_weight, class_weight, *, incremental=False):
        if class_weight is not None:
            raise ValueError("class_weight applies to classifiers; use sample_weight.")
        return super()._sample_weight(X, y, sample_weight, None)

    def _record_target_range(self, y):
        """The smallest and largest target, for :meth:`_warn_out_of_reach`
        (None where unknown: targets that are no finite numbers fail later)."""
        try:
            seen = (float(y.min()), float(y.max())) if y.size else None
        except (TypeError, ValueError):
            seen = None
        self._target_range = seen if seen and np.isfinite(seen).all() else None

    def _warn_out_of_reach(self, model):
        """Warn where the output layer's activation cannot reach the targets."""
        activation = _keras.main_output_activation(model)
        reach, seen = _ACTIVATION_RANGES.get(activation), self.__dict__.get("_target_range")
        if reach is None or seen is None or reach[0] <= seen[0] and seen[1] <= reach[1]:
            return
        warnings.warn(
            f"{type(self).__name__}: the model's output layer applies a {activation}, "
            f"whose outputs lie in [{reach[0]:g}, {reach[1]:g}], but the targets range "
            f"over [{seen[0]:.4g}, {seen[1]:.4g}]: end the model with a Dense layer "
            "without activation, or scale the targets to the activation's range.",
            UserWarning,
        )


class KerasRegressor(_FloatTargetsMixin, RegressorMixin, BaseKerasEstimator):
    __doc__ = f"""A Keras model as a scikit-learn regressor.

    Single (``y`` of shape (n_samples,)) and multi-output (``y`` of shape
    (n_samples, n_outputs)) regression; ``predict`` returns the shape of the
    ``y`` seen in ``fit`` and ``score`` is the R² of scikit-learn. The loss
    defaults to the mean squared error.

    Parameters
    ----------
    {COMMON_PARAMETERS}
    {ROUTED_PARAMETERS}

    Attributes
    ----------
    {COMMON_ATTRIBUTES}
    n_outputs_ : int
        Number of target columns (units of the default output layer).

    See Also
    --------
    KerasClassifier : The classification counterpart.
    skdl.MLPRegressor : A ready-made network with scikit-learn's MLP parameters.

    Examples
    --------
    The model builder of *Hands-On Machine Learning* (chapter 10): its
    arguments become parameters of the estimator, ready for a search.

    >>> import keras
    >>> from skdl import KerasRegressor
    >>> def build_model(n_hidden=1, n_neurons=30, learning_rate=3e-3, input_shape=[8]):
    ...     model = keras.models.Sequential()
    ...     model.add(keras.layers.InputLayer(shape=input_shape))
    ...     for layer in range(n_hidden):
    ...         model.add(keras.layers.Dense(n_neurons, activation="relu"))
    ...     model.add(keras.layers.Dense(1))
    ...     optimizer = keras.optimizers.SGD(learning_rate=learning_rate)
    ...     model.compile(loss="mse", optimizer=optimizer)
    ...     return model
    >>> keras_reg = KerasRegressor(build_model)
    >>> sorted(k for k in keras_reg.get_params() if k.startswith("n_"))
    ['n_hidden', 'n_neurons']
    >>> import numpy as np
    >>> X = np.random.RandomState(0).normal(size=(100, 8))
    >>> y = X[:, 0] + 0.1
    >>> keras_reg.set_params(n_neurons=10, random_state=0).fit(X, y, epochs=3).predict(X[:2]).shape
    (2,)
    """

    _allow_nd = True  # X of any shape the network takes (images for a CNN)

    # a loss for targets of either sign, named where a Poisson loss refuses negative ones
    _any_sign_loss = "mse"

    def _fit_targets(self, y, classes=None):
        self.n_outputs_ = 1 if y.ndim == 1 else y.shape[1]
        self.target_type_ = "continuous" if y.ndim == 1 else "continuous-multioutput"
        # a Poisson loss takes the logarithm of the predictions: the default
        # network ends with its log link (a linear output goes negative and the
        # loss NaN), as MLPRegressor(loss="poisson") does
        self.out_activation_ = "exponential" if self._poisson_loss() else "linear"
        self._record_target_range(y)

    def _poisson_loss(self):
        return loss_name(self.loss) == "poisson"

    def _build_model(self, X, y):
        model = super()._build_model(X, y)
        # the loss the network trains with (a builder may compile its own; the
        # MLP's is half_poisson_deviance)
        self._poisson = "poisson" in loss_name(_keras.main_loss(model, model.loss))
        self._check_poisson_targets(y)
        return model

    def _check_warm_targets(self, y):
        super()._check_warm_targets(y)
        self._check_poisson_targets(y, warm=True)

    def _check_poisson_targets(self, y, warm=False):
        # fitted before the flag was kept: the log link of the Poisson loss
        poisson = self.__dict__.get("_poisson", self.out_activation_ in ("exp", "exponential"))
        if poisson and np.any(np.asarray(y) < 0):
            anew = ", fitted anew (warm_start=False)," if warm else ""
            raise ValueError(
                "The network trains with a Poisson loss, which needs non-negative "
                f"targets y; use loss={self._any_sign_loss!r}{anew} for targets that "
                "can be negative."
            )

    def _divergence_fix(self):
        seen = self.__dict__.get("_target_range")
        largest = max(abs(seen[0]), abs(seen[1])) if seen else 0.0
        if largest < _LARGE_TARGETS:
            return super()._divergence_fix()
        scale = (
            f"The targets reach {largest:.3g}: scale them, e.g. with "
            "TransformedTargetRegressor(regressor, transformer=StandardScaler())."
        )
        if largest**2 > float(np.finfo(np.float32).max):
            return f"{scale} Their squares overflow float32, in which Keras trains."
        return f"{scale} {super()._divergence_fix()}"

    def _check_output(self, units, model):
        if units[0] != self.n_outputs_:
            raise ValueError(
                f"The model's output layer has {units[0]} unit(s), but y has "
                f"{self.n_outputs_} column(s): end the model with "
                f"Dense({self.n_outputs_}) (meta['n_outputs_'] gives the number)."
            )
        self._refuse_class_losses(units[0], model)
        self._warn_out_of_reach(model)

    def _refuse_class_losses(self, units, model):
        """A categorical cross-entropy reads class indices (sparse), or one
        distribution over several units: on a regressor's 1 unit it failed
        inside TensorFlow, or was 0 whatever the weights (nothing trained)."""
        compiled = getattr(model, "compiled", False) and model.optimizer is not None
        name = loss_name(_keras.main_loss(model, model.loss if compiled else self.loss))
        if "categorical" not in name or "crossentropy" not in name:
            return
        if "sparse" in name or units == 1:
            why = "class indices" if "sparse" in name else "a distribution over several units"
            raise ValueError(
                f"{type(self).__name__} got the loss {name}, which takes {why}: use a "
                "regression loss (the default 'mean_squared_error', 'mae', 'huber'), "
                "or KerasClassifier for class labels."
            )

    def predict(self, X):
        """Predict targets for ``X``.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)

        Returns
        -------
        y : ndarray of shape (n_samples,) or (n_samples, n_outputs)
            Predictions (computed in float32), in the shape of the ``y`` used
            in ``fit``: float32 for a float32 ``X`` where ``fit`` was given a
            float32 ``X`` too, float64 otherwise, as scikit-learn's MLPs give.

        Examples
        --------
        >>> import numpy as np
        >>> from skdl import KerasRegressor
        >>> X = np.arange(20.0).reshape(10, 2)
        >>> reg = KerasRegressor(epochs=2, random_state=0).fit(X, X.sum(axis=1))
        >>> reg.predict(X[:4]).shape
        (4,)
        """
        raw = self._predict_raw(X)
        # a network may give one output without its unit axis
        return raw.reshape(-1) if self.target_type_ == "continuous" else raw.reshape(len(raw), -1)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = True
        tags.target_tags.positive_only = self._poisson_loss()
        return tags
