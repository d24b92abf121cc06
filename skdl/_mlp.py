"""MLP-style training shared by the MLP presets and the autoencoder: scikit-learn's
MLP parameters (solver, alpha, max_iter, tol, early_stopping, ...), their stopping
rule and fitted attributes, on top of the Keras estimators."""

import numbers
import warnings

import numpy as np
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split
from sklearn.utils import _safe_indexing, check_random_state
from sklearn.utils._param_validation import Interval, Options, StrOptions
from sklearn.utils.validation import _num_samples

from . import _keras, _pool
from ._compile import make_optimizer, python_numbers
from ._routing import route
from .base import HIDDEN_LAYER_SIZES, BaseKerasEstimator, hidden_sizes

_ACTIVATIONS = {"identity": "linear", "logistic": "sigmoid", "tanh": "tanh", "relu": "relu"}
_SKLEARN_OUT_ACTIVATION = {
    "linear": "identity",
    "sigmoid": "logistic",
    "softmax": "softmax",
    "exponential": "exp",
}


# the settings of the optimizer that ``solver`` makes, and of its schedule
_SOLVER_SETTINGS = (
    "solver",
    "learning_rate",
    "learning_rate_init",
    "power_t",
    "momentum",
    "nesterovs_momentum",
    "beta_1",
    "beta_2",
    "epsilon",
)

# skdl's default losses (by the names the Keras bases give them): Keras' classes
_LOSS_CLASSES = {
    "binary_crossentropy": "BinaryCrossentropy",
    "categorical_crossentropy": "CategoricalCrossentropy",
    "sparse_categorical_crossentropy": "SparseCategoricalCrossentropy",
}


def _weighted_mean(loss):
    """``loss`` (a name of :data:`_LOSS_CLASSES` or a ``keras.losses.Loss``
    class) reduced as scikit-learn's MLPs reduce theirs: each batch's loss is
    the weighted sum of its rows' losses divided by the batch's sum of weights,
    a weighted mean (Keras divides by the batch's size, so that batches of
    heavier rows made larger steps)."""
    keras = _keras.keras()
    reduction = "mean_with_sample_weight"
    if isinstance(loss, str):
        loss = getattr(keras.losses, _LOSS_CLASSES[loss])
    return loss(reduction=reduction)


class _Convergence:
    """scikit-learn's stopping rule for MLPs, as a Keras callback factory.

    After each epoch: without early stopping, the training loss must improve by
    ``tol`` at least once in ``n_iter_no_change`` epochs; with early stopping,
    the validation score must. ``learning_rate="adaptive"`` (SGD) divides the
    learning rate by 5 instead of stopping, until it falls below 1e-6. With
    early stopping the best weights are restored at the end. A warm fit and
    ``partial_fit`` go on with the rule's record (best loss or score, epochs
    without improvement), as scikit-learn's do.
    """

    @staticmethod
    def callback(estimator, validation):
        keras = _keras.keras()

        class Convergence(keras.callbacks.Callback):
            def on_train_begin(self, logs=None):
                self.best, self.count, self.best_weights = None, 0, None
                self.epochs_run = 0
                self.rule = "validation" if validation is not None else "loss"
                carried = estimator.__dict__.get("_stopping_state")
                if carried is not None and carried[0] == self.rule:
                    # a warm fit or partial_fit goes on with the rule's record,
                    # as scikit-learn's MLPs do: a converged network stops after
                    # one epoch that does not improve. The last fit ended on its
                    # best weights, which are those of the network now.
                    _, self.best, self.count = carried
                    if validation is not None:
                        self.best_weights = self.model.get_weights()

            def on_epoch_end(self, epoch, logs=None):
                self.epochs_run += 1
                if validation is not None:
                    if self.model is not estimator.model_:  # a shared compiled copy
                        _pool.copy_variables(self.model, estimator.model_)
                    with warnings.catch_warnings():
                        # the split is an array even where X was a DataFrame
                        warnings.filterwarnings("ignore", "X does not have valid feature names")
                        score = estimator.score(*validation)
                    logs["val_score"] = score
                    improved = self.best is None or score >= self.best + estimator.tol
                    if self.best is None or score > self.best:
                        self.best, self.best_weights = score, self.model.get_weights()
                else:
                    loss = logs["loss"]
                    improved = self.best is None or loss <= self.best - estimator.tol
                    self.best = loss if self.best is None else min(self.best, loss)
                self.count = 0 if improved else self.count + 1
                if self.count > estimator.n_iter_no_change:
                    if estimator._adaptive() and self._lower_learning_rate():
                        self.count = 0
                    else:
                        self.model.stop_training = True

            def _lower_learning_rate(self):
                lr = float(self.model.optimizer.learning_rate.numpy())
                if lr <= 1e-6:
                    return False
                self.model.optimizer.learning_rate.assign(lr / 5.0)
                return True

            def on_train_end(self, logs=None):
                if self.best_weights is not None:
                    self.model.set_weights(self.best_weights)
                estimator._stopping_state = (self.rule, self.best, self.count)
                # not when this rule or another callback (EarlyStopping) ended
                # it; fit(epochs=...) sets the maximum for its call
                epochs = self.params.get("epochs")
                if self.epochs_run == epochs and not self.model.stop_training:
                    warnings.warn(
                        f"Stochastic Optimizer: Maximum iterations ({epochs}) "
                        "reached and the optimization hasn't converged yet.",
                        ConvergenceWarning,
                    )

        return Convergence()


def _is_number(rate):
    return isinstance(rate, numbers.Real)


def _same_rate(a, b):
    """Whether two learning rates (numbers or schedules) are the same."""
    if _is_number(a) or _is_number(b):
        return a == b
    config = getattr(a, "get_config", None)
    return a is b or (type(a) is type(b) and config is not None and config() == b.get_config())


def _epoch_samples(n_rows, batch_size, steps_per_epoch, epochs):
    """The samples that each of ``epochs`` epochs trains on: one pass over the
    ``n_rows`` rows, or ``steps_per_epoch`` batches of Keras' data iterator,
    which goes on from epoch to epoch and ends an epoch where a pass ends (its
    last batch holding the rows left)."""
    if steps_per_epoch is None:
        return [n_rows] * epochs
    batches = -(-n_rows // batch_size)
    last = n_rows - (batches - 1) * batch_size
    samples, position = [], 0
    for _ in range(epochs):
        steps = min(steps_per_epoch, batches - position)
        samples.append(steps * batch_size - (batch_size - last) * (position + steps == batches))
        position = (position + steps) % batches
    return samples


class _InvScaling:
    """``learning_rate="invscaling"``, scikit-learn's schedule for SGD: after each
    epoch, lr = learning_rate_init / (t + 1) ** power_t (or
    ``optimizer__learning_rate``, which sets the rate it starts from), with t the
    number of samples seen so far (``seen`` before this fit, then
    ``epoch_samples`` in each epoch). A fit starts at learning_rate_init, a
    ``partial_fit`` at the rate the last call left."""

    @staticmethod
    def callback(estimator, seen, epoch_samples):
        keras = _keras.keras()

        class InvScaling(keras.callbacks.Callback):
            def on_train_begin(self, logs=None):
                self.t, self.epochs = seen, 0

            def on_epoch_end(self, epoch, logs=None):
                self.t += epoch_samples[self.epochs]
                self.epochs += 1
                lr = estimator._learning_rate() / (self.t + 1) ** estimator.power_t
                self.model.optimizer.learning_rate.assign(lr)

        return InvScaling()


class _MLPMixin:
    """The parameters, training and fitted attributes shared by
    :class:`~skdl.MLPClassifier`, :class:`~skdl.MLPRegressor` and
    :class:`~skdl.AutoencoderTransformer`; the estimator machinery comes from
    the Keras bases."""

    # Settings of the Keras bases that scikit-learn's MLP does not have.
    model = None
    loss = None
    metrics = None
    validation_split = 0.0

    # a warm fit restarts the optimizer at learning_rate_init, with its other settings
    _network_params = (
        "hidden_layer_sizes",
        "activation",
        "dropout",
        "batch_normalization",
        "loss",
        "solver",
        "optimizer",
        "momentum",
        "nesterovs_momentum",
        "beta_1",
        "beta_2",
        "epsilon",
    )

    _allow_nd = False  # a table: the network is built from its columns

    # no builder, and the loss of scikit-learn's MLP with no metrics
    _routing_prefixes = ("optimizer", "compile", "fit", "predict", "callbacks")
    _routed_by_estimator = {
        **BaseKerasEstimator._routed_by_estimator,
        "compile": {
            "optimizer": "use solver and its settings, or the optimizer parameter",
            "loss": (
                "it trains the loss of scikit-learn's MLP; KerasClassifier or "
                "KerasRegressor with hidden_layer_sizes takes a loss parameter"
            ),
            "metrics": (
                "it logs the loss in history_ (and val_score with early_stopping), "
                "as scikit-learn's MLP; KerasClassifier or KerasRegressor with "
                "hidden_layer_sizes takes a metrics parameter"
            ),
            "loss_weights": "use sample_weight to weigh the rows",
        },
    }

    _parameter_constraints = {
        "hidden_layer_sizes": HIDDEN_LAYER_SIZES,
        "activation": [StrOptions(set(_ACTIVATIONS))],
        "solver": [StrOptions({"adam", "sgd", "lbfgs"})],
        "alpha": [Interval(numbers.Real, 0, None, closed="left")],
        "batch_size": [StrOptions({"auto"}), Interval(numbers.Integral, 1, None, closed="left")],
        "learning_rate": [StrOptions({"constant", "invscaling", "adaptive"})],
        "learning_rate_init": [Interval(numbers.Real, 0, None, closed="neither")],
        "power_t": [Interval(numbers.Real, 0, None, closed="left")],
        "max_iter": [Interval(numbers.Integral, 1, None, closed="left")],
        "shuffle": ["boolean"],
        "random_state": ["random_state"],
        "tol": [Interval(numbers.Real, 0, None, closed="left")],
        "verbose": ["verbose"],
        "warm_start": ["boolean"],
        "momentum": [Interval(numbers.Real, 0, 1, closed="both")],
        "nesterovs_momentum": ["boolean"],
        "early_stopping": ["boolean"],
        "validation_fraction": [Interval(numbers.Real, 0, 1, closed="left")],
        "beta_1": [Interval(numbers.Real, 0, 1, closed="left")],
        "beta_2": [Interval(numbers.Real, 0, 1, closed="left")],
        "epsilon": [Interval(numbers.Real, 0, None, closed="neither")],
        "n_iter_no_change": [
            Interval(numbers.Integral, 1, None, closed="left"),
            Options(numbers.Real, {np.inf}),
        ],
        "max_fun": [Interval(numbers.Integral, 1, None, closed="left")],
        "dropout": [Interval(numbers.Real, 0, 1, closed="left")],
        "batch_normalization": ["boolean"],
        "optimizer": "no_validation",
        "callbacks": "no_validation",
    }

    # the Keras bases read ``epochs``; scikit-learn's MLP calls it ``max_iter``
    @property
    def epochs(self):
        return self.max_iter

    _FIT_ARGUMENT_PARAMETERS = {"epochs": "max_iter"}

    def _builder(self):
        return self._build_network

    def _hidden_sizes(self):
        return hidden_sizes(self.hidden_layer_sizes)

    def _validate_params(self):
        super()._validate_params()
        self._hidden_sizes()

    def _keras_activation(self):
        """``activation`` in Keras' names (scikit-learn's names are translated)."""
        if isinstance(self.activation, str):
            return _ACTIVATIONS.get(self.activation, self.activation)
        return self.activation

    def _regularizer(self, meta):
        """scikit-learn's L2 penalty as a Keras regularizer: ``0.5 * alpha /
        batch_size`` times the squared weights, added to each batch's mean loss."""
        return self._l2_regularizer(self._batch_size(meta["n_train_samples_"]))

    def _l2_regularizer(self, batch_size):
        l2 = 0.5 * float(self.alpha) / batch_size
        return _keras.keras().regularizers.L2(l2) if l2 > 0 else None

    def _network_settings(self):
        settings = super()._network_settings()
        if self.optimizer is None:  # the rate a warm fit restarts at (_learning_rate)
            settings.pop("optimizer__learning_rate", None)
        return settings

    def _set_penalty(self, batch_size):
        """The penalty for this fit's batches: scikit-learn divides it by the
        size of the batches it trains on, and a warm fit, ``partial_fit`` or
        ``fit(batch_size=...)`` may train on other batches than the network was
        built for (``'auto'`` is ``min(200, n_samples)``)."""
        keras = _keras.keras()
        regularizer = self._l2_regularizer(batch_size)
        wanted = None if regularizer is None else regularizer.get_config()
        dense = [layer for layer in self.model_.layers if isinstance(layer, keras.layers.Dense)]
        if all(_config_of(layer.kernel_regularizer) == wanted for layer in dense):
            return
        for layer in dense:
            layer.kernel_regularizer = regularizer
            layer.kernel.regularizer = regularizer
        _pool.forget_fit_functions(self.model_)  # traced anew, with the new factor

    def _hidden_layers(self, sizes, regularizer, name=None):
        """A ``Dense`` layer per size with the hidden activation (after batch
        normalisation when asked), each followed by dropout when asked; the
        ``Dense`` layers are named ``{name}_0``, ``{name}_1``, ... if ``name``."""
        keras = _keras.keras()
        activation = self._keras_activation()
        layers = []
        for i, units in enumerate(sizes):
            dense_name = None if name is None else f"{name}_{i}"
            if self.batch_normalization:
                layers += [
                    keras.layers.Dense(units, kernel_regularizer=regularizer, name=dense_name),
                    keras.layers.BatchNormalization(),
                    keras.layers.Activation(activation),
                ]
            else:
                layers.append(
                    keras.layers.Dense(
                        units, activation, kernel_regularizer=regularizer, name=dense_name
                    )
                )
            if self.dropout:
                layers.append(keras.layers.Dropout(self.dropout))
        return layers

    def _build_network(self, meta):
        keras = _keras.keras()
        regularizer = self._regularizer(meta)
        out = self._out_activation(meta["target_type_"])
        return keras.Sequential(
            [
                keras.Input((meta["n_features_in_"],), sparse=meta["sparse_input_"]),
                *self._hidden_layers(self._hidden_sizes(), regularizer),
                keras.layers.Dense(meta["n_outputs_"], out, kernel_regularizer=regularizer),
            ]
        )

    def _meta(self):
        return {**super()._meta(), "n_train_samples_": self._n_train}

    def _fit_targets(self, y, classes=None):
        super()._fit_targets(y, classes)
        self.out_activation_ = _SKLEARN_OUT_ACTIVATION[self.out_activation_]
        n = y.shape[0]
        if self.early_stopping and self.validation_fraction == 0:
            raise ValueError(
                "early_stopping=True scores a held-out validation_fraction of the data, "
                "but validation_fraction=0.0 holds out none. Set validation_fraction "
                "above 0 (0.1, say), or early_stopping=False."
            )
        self._n_train = (
            n - int(np.ceil(self.validation_fraction * n)) if self.early_stopping else n
        )
        if self._n_train < 1:
            raise ValueError(
                f"early_stopping holds out validation_fraction={self.validation_fraction} "
                f"of the {n} samples, which leaves none to train on. Lower "
                "validation_fraction, or give more samples."
            )

    def _batch_size(self, n_samples, requested=None, warn=False):
        """The batch size for ``n_samples`` rows, as scikit-learn's MLPs choose it
        (with their warning when ``warn``: once per fit)."""
        requested = self.batch_size if requested is None else requested
        if requested == "auto":
            return min(200, n_samples)
        if warn and requested > n_samples:
            warnings.warn(
                "Got `batch_size` less than 1 or larger than sample size. It is going to be "
                "clipped"
            )
        return int(np.clip(requested, 1, n_samples))

    def _adaptive(self):
        return self._own_sgd() and self.learning_rate == "adaptive"

    def _own_sgd(self):
        """Whether training runs with ``solver="sgd"``'s optimizer, the only one
        that ``learning_rate``'s schedules apply to (as in scikit-learn): not
        with an ``optimizer`` of the user's, which replaces the solver's."""
        return self.optimizer is None and self.solver == "sgd"

    def _optimizer_object(self):
        if self.optimizer is not None:
            return self.optimizer
        keras = _keras.keras()
        if self.solver == "sgd":
            cls = keras.optimizers.SGD
            kwargs = {
                "learning_rate": self.learning_rate_init,
                "momentum": self.momentum,
                "nesterov": bool(self.nesterovs_momentum and self.momentum > 0),
            }
        else:
            cls = keras.optimizers.Adam
            kwargs = {
                "learning_rate": self.learning_rate_init,
                "beta_1": self.beta_1,
                "beta_2": self.beta_2,
                "epsilon": self.epsilon,
            }
        return cls(**python_numbers(cls, kwargs))

    def _compile(self, model, units):
        if self.optimizer is not None:
            self._warn_unused_solver_settings()
        params = self.get_params()  # routed parameters set with set_params
        loss = _weighted_mean(self._default_loss())
        model.compile(
            optimizer=make_optimizer(self._optimizer_object(), route(params, "optimizer")),
            loss=loss,
            loss_weights=self._loss_weight(),
            **self._compile_options(model, loss, params),
        )

    def _warn_unused_solver_settings(self):
        """An ``optimizer`` of the user's replaces the one ``solver`` makes, and
        with it the settings of that one: those changed from their defaults
        are named (a search over ``learning_rate_init`` would change nothing)."""
        unused = self._changed_from_defaults(_SOLVER_SETTINGS)
        if unused:
            warnings.warn(
                f"{type(self).__name__}: optimizer={self.optimizer!r} replaces the optimizer "
                f"of solver={self.solver!r}, so {', '.join(unused)} "
                f"{'is' if len(unused) == 1 else 'are'} not used. Set what you meant on the "
                "optimizer (optimizer__learning_rate=..., say), or leave optimizer=None.",
                UserWarning,
            )

    def _loss_weight(self):
        return None

    def _out_activation(self, target_type):
        # in Keras' names; the presets compile their own loss, on probabilities
        return "softmax" if target_type == "multiclass" else "sigmoid"

    def _fit(self, X, y, sample_weight, call_kwargs, *, warm, classes=None, incremental=False):
        self._validate_params()
        if self.solver == "lbfgs" and self.optimizer is None:
            raise ValueError(
                f"solver='lbfgs' is not available in {type(self).__name__}: Keras trains "
                "with mini-batch gradients. Use solver='adam' or solver='sgd', or "
                "sklearn.neural_network for L-BFGS on small data."
            )
        return super()._fit(
            X, y, sample_weight, call_kwargs, warm=warm, classes=classes, incremental=incremental
        )

    def _fit_keras(self, X, y, sample_weight, fit_kwargs, warm, classes=None, incremental=False):
        rate = self._learning_rate()
        fitted = self.__dict__.get("_fitted_rate", rate)
        if warm and not (_is_number(rate) and _is_number(fitted)):
            # a schedule (optimizer__learning_rate) is the optimizer's own
            # function of its step count, set when the network was built
            if not _same_rate(rate, fitted):
                warnings.warn(
                    f"{type(self).__name__}: optimizer__learning_rate changed from "
                    f"{fitted!r} to {rate!r} since the network was built; a "
                    f"{'partial_fit' if incremental else 'warm fit'} keeps the optimizer's "
                    "learning rate or schedule. Fit with warm_start=False to use it.",
                    UserWarning,
                )
            rate = fitted
        if warm and not incremental and self.optimizer is None:
            # as scikit-learn's: a warm fit starts a fresh optimizer from the
            # fitted weights (moments, step count and rate, after "adaptive"
            # lowered it); partial_fit goes on with it. Inside the fit, which
            # puts the state back if it fails.
            self._restart_optimizer(rate)
        elif warm and _is_number(rate) and rate != fitted:
            # learning_rate_init changed since the last fit (to fine-tune, say):
            # training goes on at the new rate, as a new fit in scikit-learn would
            self.model_.optimizer.learning_rate.assign(rate)
        if not warm:
            self._t = 0  # samples seen: a warm fit and partial_fit count on
            self._stopping_state = None  # and the stopping rule's record
        super()._fit_keras(X, y, sample_weight, fit_kwargs, warm, classes, incremental)
        self._fitted_rate = rate

    def _lower_rate_hint(self):
        if self.optimizer is not None:
            return super()._lower_rate_hint()
        # the routed rate, where given, is the one the optimizer starts from
        routed = "learning_rate" in route(self.get_params(), "optimizer")
        name = "optimizer__learning_rate" if routed else "learning_rate_init"
        rate = self._learning_rate()
        return f"{name}={rate / 10:g}" if _is_number(rate) else name

    def _restart_optimizer(self, rate):
        """The state of a new Adam or SGD optimizer: its slots (all start at
        zero), step count and learning rate."""
        optimizer = self.model_.optimizer
        # under a mixed precision policy Keras wraps the optimizer in a
        # LossScaleOptimizer, whose loss scale starts at its initial value
        scale = getattr(optimizer, "dynamic_scale", None)
        for variable in optimizer.variables:
            if variable is optimizer.learning_rate:
                variable.assign(rate)
            elif variable is scale:
                variable.assign(optimizer.initial_scale)
            else:
                variable.assign(np.zeros(variable.shape, variable.dtype))

    def _learning_rate(self):
        """The rate the optimizer starts from (None for an ``optimizer`` of the user's)."""
        if self.optimizer is not None:
            return None
        routed = route(self.get_params(), "optimizer")
        return routed.get("learning_rate", self.learning_rate_init)

    def _check_solver(self):
        """``partial_fit`` is there for the stochastic solvers only, as in
        scikit-learn (an ``optimizer`` of the user's is one)."""
        if self.solver == "lbfgs" and self.optimizer is None:
            raise AttributeError(
                "partial_fit is only available for stochastic optimizers. lbfgs is not "
                "stochastic: use solver='adam' or solver='sgd'."
            )
        return True

    def _partial_fit(self, X, y, sample_weight, classes=None):
        if self.early_stopping:
            # as scikit-learn's MLPs: each call would hold out part of its batch
            raise ValueError(
                "partial_fit does not support early_stopping=True; set "
                "early_stopping=False, or use fit."
            )
        with warnings.catch_warnings():
            # one epoch per call: as scikit-learn's MLPs, no ConvergenceWarning
            warnings.simplefilter("ignore", ConvergenceWarning)
            return super()._partial_fit(X, y, sample_weight, classes)

    def _prepare_training(self, X, y, sample_weight, fit_kwargs):
        validation = None
        if self.early_stopping:
            # train_test_split's rows, each array split once
            rows = train_test_split(
                np.arange(_num_samples(X)),
                test_size=float(self.validation_fraction),
                random_state=check_random_state(self._seed()),
                stratify=y if self._stratify_early_stopping(y) else None,
            )

            def split(array):
                return [_safe_indexing(array, part) for part in rows]

            targets_are_X = y is X  # an autoencoder's: they stay one array
            X, X_val = split(X)
            y, y_val = (X, X_val) if targets_are_X else split(y)
            if _num_samples(X_val) < 2:  # no score to stop on, as in scikit-learn
                raise ValueError(
                    "The validation set is too small. Increase 'validation_fraction' "
                    "or the size of your dataset."
                )
            validation = (X_val, y_val)
            if sample_weight is not None:
                # the validation score is weighted too, as in scikit-learn
                sample_weight, weight_val = split(sample_weight)
                validation += (weight_val,)
        n_train = _num_samples(X)
        fit_kwargs["batch_size"] = self._batch_size(n_train, fit_kwargs["batch_size"], warn=True)
        self._set_penalty(fit_kwargs["batch_size"])
        fit_kwargs["verbose"] = 2 if fit_kwargs.get("verbose") else 0
        # before the user's callbacks, which then see val_score in the logs
        # (EarlyStopping(monitor="val_score")) and the learning rate set
        callbacks = [_Convergence.callback(self, validation)]
        if self._own_sgd() and self.learning_rate != "constant":
            if not _is_number(self._learning_rate()):
                raise ValueError(
                    f"learning_rate={self.learning_rate!r} sets the rate after each epoch, "
                    "and optimizer__learning_rate is a schedule that sets it at each step: "
                    "use learning_rate='constant' with the schedule, or a number."
                )
        epochs = fit_kwargs["epochs"] - fit_kwargs.get("initial_epoch", 0)
        epoch_samples = _epoch_samples(
            n_train, fit_kwargs["batch_size"], fit_kwargs.get("steps_per_epoch"), epochs
        )
        if self._own_sgd() and self.learning_rate == "invscaling":
            callbacks.append(_InvScaling.callback(self, self._t, epoch_samples))
        fit_kwargs["callbacks"] = [*callbacks, *fit_kwargs["callbacks"]]
        self._epoch_samples = epoch_samples
        return super()._prepare_training(X, y, sample_weight, fit_kwargs)

    def _stratify_early_stopping(self, y):
        return False

    def _epoch_orders(self, n_rows, shuffle, warm):
        # a new order every epoch, drawn from the fit's seed; a warm fit (or
        # partial_fit) goes on with the orders of the epochs after those run so
        # far, as one longer fit would
        seed = int(np.random.randint(np.iinfo(np.int32).max))  # seeded by the fit
        return {"seed": seed, "first_epoch": len(self.history_["loss"]) if warm else 0}

    def _record_history(self, history, warm):
        super()._record_history(history, warm)
        # as scikit-learn's MLPs: the epochs of this fit (or partial_fit call);
        # loss_curve_ and t_ count them all
        self.n_iter_ = len(history.get("loss", []))
        self._t += sum(self._epoch_samples[: self.n_iter_])
        # the attributes of early stopping follow the fit, not a later set_params
        self._fitted_early_stopping = bool(self.early_stopping)

    # ------------------------------------------------- scikit-learn attributes
    @property
    def loss_curve_(self):
        """Training loss (with the L2 penalty) after each epoch."""
        return list(self._history()["loss"])

    @property
    def loss_(self):
        """Training loss after the last epoch."""
        return self.loss_curve_[-1]

    @property
    def best_loss_(self):
        """Lowest training loss; None with ``early_stopping`` (as in scikit-learn)."""
        return None if self._early_stopped() else min(self.loss_curve_)

    @property
    def validation_scores_(self):
        """Validation score (accuracy or R²) after each epoch, with ``early_stopping``
        (NaN for the epochs of earlier warm fits without it)."""
        return list(self._history()["val_score"]) if self._early_stopped() else None

    @property
    def best_validation_score_(self):
        """Best validation score, with ``early_stopping``."""
        return float(np.nanmax(self.validation_scores_)) if self._early_stopped() else None

    def _early_stopped(self):
        """Whether the last fit held out a validation set (``early_stopping``)."""
        self._history()
        return self._fitted_early_stopping

    @property
    def t_(self):
        """Number of training samples seen by the optimizer."""
        self._history()
        return self._t

    @property
    def coefs_(self):
        """Weight matrices of the Dense layers, input to output: copies of the
        network's; assigning a list of arrays sets them."""
        return [np.asarray(d.kernel.numpy(), dtype=np.float64) for d in self._dense_layers()]

    @coefs_.setter
    def coefs_(self, coefs):
        self._set_dense_weights("coefs_", [d.kernel for d in self._dense_layers()], coefs)

    @property
    def intercepts_(self):
        """Bias vectors of the Dense layers, input to output: copies of the
        network's; assigning a list of arrays sets them."""
        return [np.asarray(d.bias.numpy(), dtype=np.float64) for d in self._dense_layers()]

    @intercepts_.setter
    def intercepts_(self, intercepts):
        self._set_dense_weights("intercepts_", [d.bias for d in self._dense_layers()], intercepts)

    @staticmethod
    def _set_dense_weights(name, variables, arrays):
        shapes = [tuple(v.shape) for v in variables]
        given = [np.shape(a) for a in arrays]
        if given != shapes:
            raise ValueError(
                f"{name} must be a list of {len(shapes)} arrays of shapes {shapes}, one per "
                f"Dense layer of the fitted network; got shapes {given}."
            )
        for variable, array in zip(variables, arrays):
            variable.assign(np.asarray(array, dtype=variable.dtype))

    @property
    def n_layers_(self):
        """Number of layers, input and output included."""
        return len(self._dense_layers()) + 1

    def _history(self):
        if "history_" not in self.__dict__:
            raise AttributeError(f"{type(self).__name__} is not fitted yet; call fit first.")
        return self.history_

    def _dense_layers(self):
        self._history()
        keras = _keras.keras()
        return [layer for layer in self.model_.layers if isinstance(layer, keras.layers.Dense)]


def _config_of(regularizer):
    return None if regularizer is None else regularizer.get_config()
