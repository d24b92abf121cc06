"""KerasTransformer: a Keras encoder or autoencoder as a scikit-learn transformer."""

import math
import numbers

import numpy as np
import pandas as pd
import scipy.sparse as sp
from sklearn.base import ClassNamePrefixFeaturesOutMixin, TransformerMixin
from sklearn.utils._param_validation import StrOptions
from sklearn.utils.validation import check_array, check_is_fitted

from . import _keras
from ._docs import COMMON_ATTRIBUTES, COMMON_PARAMETERS, ROUTED_PARAMETERS
from .base import BaseKerasEstimator
from .regressor import _FloatTargetsMixin

TRANSFORMER_PARAMETERS = """\
output_layer : str, int or None, default=None
        The layer whose output ``transform`` returns: a layer name, or an
        index into ``model_.layers`` (as ``keras.Model.get_layer(index=...)``;
        a Sequential model does not list its input, a functional model lists
        it first). ``None`` means the model's output. The layers after it form
        the decoder of ``inverse_transform``.
    supervised : "auto" or bool, default="auto"
        What the model learns to output. ``"auto"``: ``y`` when ``fit`` is
        given one, else ``X`` itself (an autoencoder). ``False`` always
        reconstructs ``X`` and ignores ``y``, as a Pipeline passes ``y`` to
        every step; ``True`` requires ``y``."""

TRANSFORMER_ATTRIBUTES = """\
encoder_ : keras.Model
        The model from the inputs to ``output_layer`` (``model_`` itself when
        ``output_layer`` is None); it shares its weights with ``model_``.
    decoder_ : keras.Model or None
        The layers after ``output_layer``, from a code to the reconstruction;
        None when there is none (see ``inverse_transform``).
    n_outputs_ : int
        Columns of the training targets: ``n_features_in_`` for an
        autoencoder, the columns of ``y`` when fitted with ``y``."""


class KerasTransformer(
    ClassNamePrefixFeaturesOutMixin, TransformerMixin, _FloatTargetsMixin, BaseKerasEstimator
):
    __doc__ = f"""A Keras encoder or autoencoder as a scikit-learn transformer.

    ``fit(X)`` trains the model to reconstruct ``X`` (an autoencoder, with
    the mean squared error by default); ``fit(X, y)`` trains it to predict
    ``y``, as :class:`KerasRegressor` does. ``transform`` returns the output of
    ``output_layer`` (the code of an autoencoder, learned features of a
    supervised network) as an array of floats (float32 for a float32 ``X``
    where ``fit`` was given a float32 ``X`` too, float64 otherwise, as
    scikit-learn's transformers), one column per unit, and
    ``inverse_transform`` feeds codes through the layers after it.

    Parameters
    ----------
    {COMMON_PARAMETERS}
    {TRANSFORMER_PARAMETERS}
    {ROUTED_PARAMETERS}

    Attributes
    ----------
    {COMMON_ATTRIBUTES}
    {TRANSFORMER_ATTRIBUTES}

    See Also
    --------
    AutoencoderTransformer : A ready-made dense autoencoder, no Keras code needed.
    KerasRegressor : The same networks as regressors.
    sklearn.decomposition.PCA : The linear counterpart.

    Notes
    -----
    Without ``model``, the network is ``Dense`` layers of
    ``hidden_layer_sizes=(100,)`` units with ReLU and a linear output of
    ``n_outputs_`` units; ``output_layer=0`` picks its first hidden layer.
    Computations run in float32, as in Keras.

    Examples
    --------
    An autoencoder with a 2-unit code layer, named so that ``output_layer``
    can find it:

    >>> import keras
    >>> import numpy as np
    >>> from skdl import KerasTransformer
    >>> def build_autoencoder(meta, code_size=2):
    ...     n_features = meta["n_features_in_"]
    ...     return keras.Sequential([
    ...         keras.Input((n_features,)),
    ...         keras.layers.Dense(16, activation="relu"),
    ...         keras.layers.Dense(code_size, name="code"),
    ...         keras.layers.Dense(16, activation="relu"),
    ...         keras.layers.Dense(n_features),
    ...     ])
    >>> X = np.random.RandomState(0).normal(size=(100, 6))
    >>> encoder = KerasTransformer(build_autoencoder, output_layer="code", epochs=3,
    ...                            random_state=0)
    >>> encoder.fit_transform(X).shape
    (100, 2)
    >>> encoder.get_feature_names_out().tolist()
    ['kerastransformer0', 'kerastransformer1']
    >>> encoder.inverse_transform(encoder.transform(X[:3])).shape
    (3, 6)
    """

    _parameter_constraints = {
        **BaseKerasEstimator._parameter_constraints,
        "output_layer": [str, numbers.Integral, None],
        "supervised": [StrOptions({"auto"}), "boolean"],
    }

    def __init__(
        self,
        model=None,
        *,
        output_layer=None,
        supervised="auto",
        optimizer="adam",
        loss=None,
        metrics=None,
        batch_size=32,
        epochs=1,
        validation_split=0.0,
        callbacks=None,
        shuffle=True,
        verbose=0,
        random_state=None,
        warm_start=False,
        **kwargs,
    ):
        self._store_init_params(locals())

    # -------------------------------------------------------------------- fit
    def fit(self, X, y=None, sample_weight=None, **kwargs):
        """Train the model to reconstruct ``X`` or, given ``y``, to predict ``y``.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Training data; converted to float32.
        y : array-like of shape (n_samples,) or (n_samples, n_outputs), default=None
            Targets of supervised training (see ``supervised``); None trains an
            autoencoder, whose targets are ``X``.
        sample_weight : array-like of shape (n_samples,), default=None
            Per-sample weights, none negative, rescaled to average 1.
        **kwargs
            Keras ``fit`` arguments for this call only (``epochs``,
            ``validation_data``, ``callbacks``, ...). An autoencoder takes
            ``validation_data=X_val`` (or ``(X_val, None)``).

        Returns
        -------
        self : object
            The fitted transformer.
        """
        return self._fit(X, y, sample_weight, kwargs, warm=self.warm_start)

    def partial_fit(self, X, y=None, sample_weight=None):
        """Train for one epoch, continuing from the current weights.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Training data of this call; converted to float32.
        y : array-like of shape (n_samples,) or (n_samples, n_outputs), default=None
            Needed on every call when the first one had it; refused when the
            first one had none, unless ``supervised=False`` (which ignores it).
        sample_weight : array-like of shape (n_samples,), default=None
            Per-sample weights, none negative, rescaled to average 1.

        Returns
        -------
        self : object
        """
        return self._partial_fit(X, y, sample_weight)

    def _fit(self, X, y, sample_weight, call_kwargs, *, warm, classes=None, incremental=False):
        continues_autoencoder = (
            warm and self.__sklearn_is_fitted__() and not self.__dict__.get("_fitted_on_y")
        )
        if continues_autoencoder and y is not None and self.supervised == "auto":
            raise ValueError(
                f"{type(self).__name__} was fitted without y (an autoencoder), and a "
                "warm start keeps reconstructing X: refit without warm_start to train "
                "on y, or set supervised=False to ignore y."
            )
        return super()._fit(
            X, y, sample_weight, call_kwargs, warm=warm, classes=classes, incremental=incremental
        )

    def fit_transform(self, X, y=None, **kwargs):
        """Fit to ``X`` (and ``y``), then return ``transform(X)``.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Training data; converted to float32.
        y : array-like of shape (n_samples,) or (n_samples, n_outputs), default=None
            Targets of supervised training, as in ``fit``.
        **kwargs
            ``sample_weight`` and Keras ``fit`` arguments, as in ``fit``.

        Returns
        -------
        X_new : ndarray of shape (n_samples, n_features_out)
        """
        return self.fit(X, y, **kwargs).transform(X)

    def _uses_y(self, y):
        if self.supervised == "auto":
            return y is not None
        if self.supervised and y is None:
            raise ValueError(
                f"{type(self).__name__} has supervised=True, which needs targets: call "
                "fit(X, y), or set supervised=False to train an autoencoder on X."
            )
        return bool(self.supervised)

    def _validate_inputs(self, X, y, reset):
        uses_y = self._uses_y(y) if reset else self._fitted_on_y
        if uses_y and y is None:
            raise ValueError(
                f"{type(self).__name__} was fitted with y (supervised), so this call "
                "needs y too; refit without warm_start to train an autoencoder."
            )
        if uses_y:
            self._check_numeric_targets(y)
            X, y = super()._validate_inputs(X, y, reset)
        else:
            X = y = self._validate_X(X, reset=reset)
        if reset:
            self._fitted_on_y = uses_y
        return X, y

    def _encode_targets(self, y):
        # an autoencoder's targets are X itself, already checked as X (float32,
        # finite): neither copied nor made dense (a sparse X stays sparse)
        return super()._encode_targets(y) if self._fitted_on_y else y

    def _builder_targets(self, y):
        # an autoencoder fitted without y hands its builder y=None
        return super()._builder_targets(y) if self._fitted_on_y else None

    def _check_numeric_targets(self, y):
        """Class labels (strings) are not targets: say so before validation
        fails to convert them. Missing values are left to the validation."""
        if sp.issparse(y):
            return
        values = np.asarray(y)
        if values.dtype.kind in "biufc":
            return
        try:
            values.astype(np.float64)
            return
        except (TypeError, ValueError):
            pass
        for value in values.ravel():
            if pd.isna(value):
                continue
            try:
                float(value)
            except (TypeError, ValueError):
                example = value.item() if isinstance(value, np.generic) else value
                raise ValueError(
                    f"{type(self).__name__} trains on y as numeric targets, but y holds "
                    f"non-numeric values such as {example!r}. In a Pipeline that "
                    "classifies, set supervised=False for an autoencoder that ignores y; "
                    "to learn features from class labels, encode them as numbers (e.g. "
                    "one-hot) first."
                ) from None

    def _validation_data(self, data):
        # an autoencoder is validated on inputs alone: X_val as well as (X_val, None)
        if not self._fitted_on_y and not isinstance(data, (tuple, list)):
            data = (data, None)
        return super()._validation_data(data)

    def _fit_targets(self, y, classes=None):
        self.n_outputs_ = 1 if y.ndim == 1 else y.shape[1]
        self.out_activation_ = "linear"
        self._record_target_range(y)

    def _check_output(self, units, model):
        if units[0] == self.n_outputs_:
            self._warn_out_of_reach(model)
            return
        if self._fitted_on_y:
            raise ValueError(
                f"The model's output layer has {units[0]} unit(s), but y has "
                f"{self.n_outputs_} column(s): end the model with Dense({self.n_outputs_}) "
                "(meta['n_outputs_'] gives the number), or, for an autoencoder that a "
                "Pipeline hands y, set supervised=False."
            )
        raise ValueError(
            f"The model's output layer has {units[0]} unit(s), but an autoencoder "
            f"reconstructs the {self.n_outputs_} features of X: end the model with "
            f"Dense({self.n_outputs_}) (meta['n_features_in_'] gives the number), or fit "
            "with y to train it on targets."
        )

    def _prepare_training(self, X, y, sample_weight, fit_kwargs):
        # resolve output_layer before training, so that a wrong one fails fast
        index = self._resolve_output_layer(self.model_)
        if not self._submodels_cut_at(index):
            self._output_layer_index = index
            self._build_submodels()
        return super()._prepare_training(X, y, sample_weight, fit_kwargs)

    def _submodels_cut_at(self, index):
        """Whether ``encoder_`` already ends at layer ``index`` of ``model_``: a warm
        fit keeps the sub-models rather than adding a graph to the layers each call."""
        encoder = self.__dict__.get("encoder_")
        if encoder is None or index != self.__dict__.get("_output_layer_index", -1):
            return False
        if index is None:
            return encoder is self.model_
        return encoder.layers[-1] is self.model_.layers[index]

    # ---------------------------------------------------------- sub-models
    def _resolve_output_layer(self, model):
        """Index of ``output_layer`` in ``model.layers`` (None for the model's output)."""
        spec = self.output_layer
        if spec is None:
            return None
        layers = list(getattr(model, "layers", None) or [])
        names = [layer.name for layer in layers]
        if isinstance(spec, numbers.Integral) and not isinstance(spec, bool):
            if not -len(layers) <= spec < len(layers):
                raise ValueError(
                    f"output_layer={spec} is out of range: the model has {len(layers)} "
                    f"layers, {names}. Give an index from {-len(layers)} to "
                    f"{len(layers) - 1}, or a layer name."
                )
            return int(spec) % len(layers)
        if spec not in names:
            raise ValueError(
                f"output_layer={spec!r} is not a layer of the model; its layers are "
                f"{names}. Give one of these names or an index, or name the layer in the "
                "builder (e.g. keras.layers.Dense(2, name='code'))."
            )
        return names.index(spec)

    def _build_submodels(self):
        """``encoder_`` and ``decoder_``, sharing the layers (and weights) of ``model_``."""
        index = self._output_layer_index
        self.decoder_ = None
        if index is None:
            self.encoder_ = self.model_
            self._decoder_error = (
                "output_layer=None: transform returns the model's output, after which "
                "there is no decoder. Set output_layer to the name or index of the code "
                "layer."
            )
        else:
            self._decoder_error = self._decoder_problem(index)
            keras = _keras.keras()
            if isinstance(self.model_, keras.Sequential):
                self._split_sequential(index)
            else:
                self._split_functional(index)
        self._n_features_out = self._code_size()

    def _split_sequential(self, index):
        # a Sequential model's layers are chained anew: after loading, they also
        # hold nodes of the graphs that Keras built while restoring the model
        keras = _keras.keras()

        def chain(shape, layers, sparse=False):
            inputs = keras.Input(tuple(shape), sparse=sparse)
            outputs = inputs
            for layer in layers:
                outputs = layer(outputs)
            return keras.Model(inputs, outputs)

        layers = self.model_.layers
        self.encoder_ = chain(
            self.model_.inputs[0].shape[1:],
            layers[: index + 1],
            sparse=_keras.sparse_inputs(self.model_)[0],  # as the model's input
        )
        if self._decoder_error is None:
            self.decoder_ = chain(self.encoder_.outputs[0].shape[1:], layers[index + 1 :])

    def _split_functional(self, index):
        keras = _keras.keras()
        layer = self.model_.layers[index]
        try:
            inputs, code = self.model_.inputs, layer.output  # a subclassed model has neither
            self.encoder_ = keras.Model(inputs, code)
        except (AttributeError, ValueError) as exc:
            raise ValueError(
                f"output_layer={self.output_layer!r}: the output of layer {layer.name!r} "
                f"cannot be read from the model's graph ({exc}). output_layer needs a "
                "Sequential or functional model in which that layer is used once; a "
                "subclassed keras.Model has no graph of layers to cut."
            ) from exc
        if self._decoder_error is None:
            try:
                decoder = keras.Model(code, self.model_.outputs)
                # Keras 3.10 builds a model whose layers read other inputs too, and
                # fails only when it runs: run it once, on one row of zeros
                shape = [1] + [1 if d is None else d for d in code.shape[1:]]
                decoder(keras.ops.zeros(shape, dtype=code.dtype), training=False)
                self.decoder_ = decoder
            except (KeyError, ValueError) as exc:
                self._decoder_error = (
                    f"the layers after output_layer={self.output_layer!r} do not form a "
                    f"model that takes its output alone ({exc}): layers after it also "
                    "read earlier layers (e.g. skip connections)."
                )

    def _decoder_problem(self, index):
        if self.n_outputs_ != self.n_features_in_:
            return (
                f"the transformer was fitted with y, so the layers after output_layer "
                f"predict the {self.n_outputs_} column(s) of y, not the "
                f"{self.n_features_in_} features of X. Fit without y (or with "
                "supervised=False) to train an autoencoder."
            )
        if index == len(self.model_.layers) - 1:
            return (
                f"output_layer={self.output_layer!r} is the model's last layer: there are "
                "no layers after it to decode with. Choose the code layer."
            )
        return None

    def _code_size(self):
        """Columns of ``transform``: the units of the encoder's output, flattened."""
        try:
            shape = tuple(self.encoder_.outputs[0].shape[1:])
        except (AttributeError, TypeError):  # a subclassed model has no symbolic outputs
            shape = (None,)
        if any(not isinstance(d, int) for d in shape):
            raw = self.encoder_(np.zeros((1, self.n_features_in_), np.float32), training=False)
            shape = tuple(_keras.first_output(raw, self.encoder_).shape[1:])
        return math.prod(shape)

    # ------------------------------------------------------------ transform
    def _predict_with(self, model, X, dtype=np.float64):
        raw = _keras.predict_batched(model, X, self._predict_batch_size())
        return raw.reshape(len(raw), -1).astype(dtype)

    def transform(self, X):
        """Output of ``output_layer`` for ``X``.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)

        Returns
        -------
        X_new : ndarray of shape (n_samples, n_features_out)
            The layer's output (computed in float32), one column per unit;
            outputs of more than one dimension are flattened. float32 for a
            float32 ``X`` where ``fit`` was given a float32 ``X`` too, float64
            otherwise.
        """
        check_is_fitted(self)
        return self._predict_with(self.encoder_, self._validate_X(X), self._output_dtype(X))

    def inverse_transform(self, X):
        """Feed codes through the layers after ``output_layer``: the reconstruction.

        Needs a decoder: an ``output_layer`` before the last layer, in a model
        that outputs X's features (an autoencoder, or a model fitted with a
        ``y`` of X's shape, such as a denoising autoencoder fitted on
        ``(X_noisy, X)``).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features_out)
            Codes, as ``transform`` returns them.

        Returns
        -------
        X_original : ndarray of shape (n_samples, n_features)
            The decoder's output (computed in float32), float32 for float32
            codes where ``fit`` was given a float32 ``X``, float64 otherwise.
        """
        check_is_fitted(self)
        if self.decoder_ is None:
            raise ValueError(
                f"{type(self).__name__}.inverse_transform needs a decoder: {self._decoder_error}"
            )
        dtype = self._output_dtype(X)
        X = check_array(X, dtype=np.float32, input_name="X")
        if X.shape[1] != self._n_features_out:
            raise ValueError(
                f"X has {X.shape[1]} features, but {type(self).__name__}.inverse_transform "
                f"expects codes of {self._n_features_out} features, as transform returns."
            )
        code_shape = tuple(self.decoder_.inputs[0].shape[1:])
        return self._predict_with(self.decoder_, X.reshape((len(X),) + code_shape), dtype)

    # ----------------------------------------------------------------- pickle
    def __getstate__(self):
        # the sub-models are views of model_: rebuilt from it on loading
        state = super().__getstate__()
        return {k: v for k, v in state.items() if k not in ("encoder_", "decoder_")}

    def __setstate__(self, state):
        super().__setstate__(state)
        if "model_" in self.__dict__:
            self._build_submodels()

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.required = False
        tags.target_tags.multi_output = True
        tags.transformer_tags.preserves_dtype = ["float64", "float32"]
        return tags
