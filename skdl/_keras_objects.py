"""skdl's own Keras objects (a layer, a loss), made and registered with Keras
on first use, so that importing skdl does not import Keras; all of them are
registered as soon as Keras is imported in a process that imported skdl
(:func:`register`), so that ``keras.models.load_model`` reads a network saved
with them."""

from . import _keras


def register():
    """Register every Keras object of skdl's with Keras (importing Keras)."""
    column_selector()
    half_poisson_deviance()
    half_squared_error()
    on_probabilities()


@_keras.per_keras
def column_selector():
    """The Keras layer that picks columns of its input (registered on first use,
    so that importing skdl does not import Keras)."""
    keras = _keras.keras()

    @keras.saving.register_keras_serializable(package="skdl")
    class ColumnSelector(keras.layers.Layer):
        """Selects the input columns ``indices`` (a list of ints)."""

        def __init__(self, indices, **kwargs):
            super().__init__(**kwargs)
            self.indices = [int(i) for i in indices]

        def call(self, inputs):
            return keras.ops.take(inputs, self.indices, axis=-1)

        def compute_output_shape(self, input_shape):
            return (*input_shape[:-1], len(self.indices))

        def get_config(self):
            return {**super().get_config(), "indices": self.indices}

    return ColumnSelector


@_keras.per_keras
def half_poisson_deviance():
    """scikit-learn's Poisson loss as a Keras loss class (registered on first
    use, so that importing skdl does not import Keras)."""
    keras = _keras.keras()
    ops = keras.ops

    @keras.saving.register_keras_serializable(package="skdl")
    def half_poisson_deviance(y_true, y_pred):
        """``xlogy(y, y / y_pred) - y + y_pred``, summed over the outputs as in
        scikit-learn (Keras' ``poisson`` leaves out ``y log y - y`` and averages
        the outputs)."""
        y_true = ops.cast(y_true, y_pred.dtype)
        eps = keras.config.epsilon()
        y_log_y = ops.where(y_true > 0, y_true * ops.log(ops.maximum(y_true, eps)), 0.0)
        deviance = y_log_y - y_true * ops.log(y_pred + eps) - y_true + y_pred
        return ops.sum(deviance, axis=-1)

    @keras.saving.register_keras_serializable(package="skdl")
    class HalfPoissonDeviance(keras.losses.Loss):
        """:func:`half_poisson_deviance` of each row, reduced as ``reduction``
        says (a class, where a function has Keras' reduction only)."""

        def __init__(self, reduction="sum_over_batch_size", name=None, dtype=None):
            name = name or "half_poisson_deviance"
            super().__init__(name=name, reduction=reduction, dtype=dtype)

        def call(self, y_true, y_pred):
            return half_poisson_deviance(y_true, y_pred)

    return HalfPoissonDeviance


@_keras.per_keras
def half_squared_error():
    """scikit-learn's squared-error loss of its MLPs as a Keras loss class
    (registered on first use, so that importing skdl does not import Keras)."""
    keras = _keras.keras()
    ops = keras.ops

    @keras.saving.register_keras_serializable(package="skdl")
    class HalfSquaredError(keras.losses.Loss):
        """Half the squared error of each row averaged over its outputs, the
        value scikit-learn's ``MLPRegressor`` reports, with the gradient it
        steps along: that of the error summed over the outputs (the same with
        one output). ``reduction`` reduces the rows."""

        def __init__(self, reduction="sum_over_batch_size", name=None, dtype=None):
            name = name or "half_squared_error"
            super().__init__(name=name, reduction=reduction, dtype=dtype)

        def call(self, y_true, y_pred):
            y_true = ops.cast(y_true, y_pred.dtype)
            squares = ops.square(y_pred - y_true)
            mean = 0.5 * ops.mean(squares, axis=-1)
            total = 0.5 * ops.sum(squares, axis=-1)
            # the value of the mean, the gradient of the sum
            return total - ops.stop_gradient(total - mean)

    return HalfSquaredError


@_keras.per_keras
def on_probabilities():
    """The Keras metric that reads a network's scores as the probabilities
    ``predict_proba`` gives (registered on first use, so that importing skdl
    does not import Keras)."""
    keras = _keras.keras()

    @keras.saving.register_keras_serializable(package="skdl")
    class OnProbabilities(keras.metrics.Metric):
        """``metric`` of ``activation`` (``"softmax"``) of the outputs: on a
        network that outputs logits, a metric of probabilities (``AUC``,
        ``Precision``) sees those that ``predict_proba`` gives."""

        def __init__(self, metric, activation="softmax", name=None, dtype=None):
            if isinstance(metric, dict):
                metric = keras.metrics.deserialize(metric)
            super().__init__(name=name or metric.name, dtype=dtype)
            self.metric = metric  # its variables are this one's
            self.activation = activation

        def update_state(self, y_true, y_pred, sample_weight=None):
            probabilities = keras.activations.get(self.activation)(y_pred)
            return self.metric.update_state(y_true, probabilities, sample_weight=sample_weight)

        def result(self):
            return self.metric.result()

        def reset_state(self):
            self.metric.reset_state()

        def get_config(self):
            return {
                **super().get_config(),
                "metric": keras.metrics.serialize(self.metric),
                "activation": self.activation,
            }

    return OnProbabilities
