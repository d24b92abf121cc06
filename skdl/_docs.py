"""Parameter documentation shared by the estimators (written once, used by each)."""

COMMON_PARAMETERS = """\
model : callable or keras.Model, default=None
        A function (or ``keras.Model`` subclass) that builds the network, or a
        ``keras.Model`` instance, which is copied (layers, weights, compile
        settings) for every fit. The builder receives the estimator parameters
        that its signature names (its keyword arguments become estimator
        parameters, visible to ``get_params`` and searchable) and ``meta``, a
        dict of facts about the training data (``n_features_in_``,
        ``n_outputs_``, ``out_activation_``, ...), if it asks for it. ``None``
        uses a ReLU network with ``hidden_layer_sizes=(100,)``.
    optimizer : str, keras.optimizers.Optimizer class or instance, default="adam"
        Used when the builder returns an uncompiled model. Its arguments are
        routed parameters: ``optimizer__learning_rate=1e-2``.
    loss : str, keras.losses.Loss or callable, default=None
        Used when the builder returns an uncompiled model; ``None`` chooses
        one from the targets.
    metrics : list, default=None
        Keras metrics, reported in ``history_``.
    batch_size : int, default=32
        Mini-batch size of training.
    epochs : int, default=1
        Passes over the training data per ``fit`` (as in Keras).
    validation_split : float, default=0.0
        Fraction of the training data held out for validation (Keras takes the
        *last* samples, before shuffling).
    callbacks : list of keras.callbacks.Callback (instances or classes), default=None
        Copied for each fit; class arguments are routed: ``callbacks__patience``.
    shuffle : bool, default=True
        Shuffle the training data before each epoch.
    verbose : int, default=0
        Keras' progress output (0: silent, 1: progress bar, 2: one line per epoch).
    random_state : int, RandomState instance or None, default=None
        Seeds weight initialisation, shuffling and dropout for a reproducible
        fit, without changing the global random state of the caller.
    warm_start : bool, default=False
        Continue training the fitted model on the next ``fit``."""

ROUTED_PARAMETERS = """\
**kwargs
        Arguments of the model builder, and routed parameters with a prefix
        ``model__``, ``optimizer__``, ``loss__``, ``metrics__``, ``compile__``,
        ``fit__``, ``predict__`` (``predict__batch_size``) or ``callbacks__``."""

COMMON_ATTRIBUTES = """\
model_ : keras.Model
        The trained network.
    history_ : dict of lists
        Loss and metrics per epoch (accumulated over warm starts).
    n_features_in_ : int
        Number of features seen during fit.
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Column names, when X was a DataFrame with string column names.
    n_iter_ : int
        Number of epochs run."""
