"""Parameter documentation shared by the estimators (written once, used by each)."""

COMMON_PARAMETERS = """\
model : callable or keras.Model, default=None
        A function (or ``keras.Model`` subclass) that builds the network, or a
        ``keras.Model`` instance, which is copied (layers, weights, compile
        settings) for every fit. The builder receives the estimator parameters
        that its signature names (its keyword arguments become estimator
        parameters, visible to ``get_params`` and searchable), ``meta``, a
        dict of facts about the training data (``n_features_in_``,
        ``n_outputs_``, ``out_activation_``, ...), and the training data
        ``X`` and ``y`` (as Keras' own scikit-learn wrappers give them), if it
        asks for them. ``None`` uses a ReLU network with
        ``hidden_layer_sizes=(100,)``.
    hidden_layer_sizes : int or tuple of int, default=(100,)
        Units of each hidden layer of the default network (``model=None``):
        an argument of its builder, hence an estimator parameter that
        ``get_params`` lists and a search can tune.
    activation : str, default="relu"
        Activation of the default network's hidden layers (``model=None``),
        in Keras' names.
    optimizer : str, keras.optimizers.Optimizer class or instance, default="adam"
        Used when the builder returns an uncompiled model (a compiled one keeps
        its own, and ``fit`` warns of the settings left unused). Its arguments
        are routed parameters: ``optimizer__learning_rate=1e-2``.
    loss : str, keras.losses.Loss or callable, default=None
        Used when the builder returns an uncompiled model; ``None`` chooses
        one from the targets.
    metrics : list, default=None
        Keras metrics, reported in ``history_``; used when the builder returns
        an uncompiled model.
    batch_size : int, default=32
        Mini-batch size of training.
    epochs : int, default=1
        Passes over the training data per ``fit`` (as in Keras).
    validation_split : float, default=0.0
        Fraction of the training data held out for validation (Keras takes the
        *last* samples, before shuffling).
    callbacks : list of keras.callbacks.Callback (instances or classes), default=None
        Copied for each fit; class arguments are routed: ``callbacks__patience``.
    shuffle : bool or "batch", default=True
        Shuffle the training data before each epoch; Keras' ``"batch"``
        shuffles in batch-sized chunks (on Keras' own data path).
    verbose : int or "auto", default=0
        Keras' progress output (0: silent, 1: progress bar, 2: one line per
        epoch, ``"auto"``: Keras' choice, 1 here).
    random_state : int, RandomState instance or None, default=None
        Seeds weight initialisation, shuffling and dropout for a reproducible
        fit, without changing the global random state of the caller.
    warm_start : bool, default=False
        Continue training the fitted model on the next ``fit``: the network
        and its compiled optimizer are kept, so changed builder, ``loss``,
        ``optimizer`` and routed parameters take effect at the next fit without
        it (a warm fit and ``partial_fit`` name them in a warning)."""

ROUTED_PARAMETERS = """\
**kwargs
        Arguments of the model builder, and routed parameters with a prefix
        ``model__``, ``optimizer__``, ``loss__``, ``metrics__``, ``compile__``,
        ``fit__``, ``predict__`` (``predict__batch_size``) or ``callbacks__``."""

CLASS_WEIGHT = """\
class_weight : dict, "balanced" or None, default=None
        Weights of the classes, multiplied into ``sample_weight``: a dict
        ``{label: weight}`` (the classes it omits weigh 1), or ``'balanced'``,
        inversely proportional to the class frequencies in ``y`` (not for
        ``partial_fit``, whose batches need not hold the data's frequencies:
        pass the dict that ``compute_class_weight`` computes on the whole ``y``)."""

COMMON_ATTRIBUTES = """\
model_ : keras.Model
        The trained network.
    history_ : dict of lists
        Loss and metrics per epoch (accumulated over warm starts).
    n_features_in_ : int
        Number of features seen during fit.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Column names, when X was a DataFrame with string column names.
    n_iter_ : int
        Number of epochs run, over all warm-started fits and ``partial_fit``
        calls (as ``history_``)."""

MLP_TRAINING_PARAMETERS = """\
solver : {'adam', 'sgd'}, default='adam'
        Keras optimizer. ``'lbfgs'`` raises a ``ValueError`` at ``fit`` that
        names the alternatives (Keras trains with mini-batch gradients), and
        leaves no ``partial_fit``, as in scikit-learn's ``MLPClassifier``.
    alpha : float, default=0.0001
        L2 penalty, scaled as in scikit-learn (``0.5 * alpha / batch_size``
        times the squared weights, added to each batch's loss), with the
        batch size of each ``fit`` or ``partial_fit`` call (and a changed
        ``alpha``) applied to a warm start too.
    batch_size : int or 'auto', default='auto'
        ``'auto'`` means ``min(200, n_samples)``.
    learning_rate : {'constant', 'invscaling', 'adaptive'}, default='constant'
        Schedule for ``solver='sgd'``: ``'invscaling'`` sets it to
        ``learning_rate_init / (t + 1) ** power_t`` after each epoch (t:
        samples seen so far); ``'adaptive'`` divides it by 5 when training
        stops improving.
    learning_rate_init : float, default=0.001
        Initial learning rate.
    power_t : float, default=0.5
        Exponent of ``'invscaling'``.
    max_iter : int, default=200
        Maximum number of epochs; a ``ConvergenceWarning`` is issued when it
        is reached before the stopping rule.
    shuffle : bool, default=True
        Shuffle samples in each epoch.
    random_state : int, RandomState instance or None, default=None
        Seeds initialisation, shuffling, dropout and the early-stopping split,
        without changing the global random state.
    tol : float, default=1e-4
        Improvement of the loss (or validation score) that counts as progress.
    verbose : bool, default=False
        Print Keras' progress: each epoch's number, then its loss.
    warm_start : bool, default=False
        Continue training the fitted network on the next ``fit``, with a fresh
        optimizer as in scikit-learn: its moments and step count start again,
        its rate at ``learning_rate_init`` (``partial_fit`` goes on with the
        optimizer's state; an ``optimizer`` of the user's keeps its state). The
        stopping rule goes on with its record, as in scikit-learn: a network
        that converged stops after one epoch that does not improve by ``tol``.
        Other changes to the network or the optimizer apply at the
        next fit without it (a warm fit and ``partial_fit`` name them in a
        warning).
    momentum : float, default=0.9
        Momentum of ``solver='sgd'``.
    nesterovs_momentum : bool, default=True
        Nesterov momentum for ``solver='sgd'``.
    early_stopping : bool, default=False
        Hold out ``validation_fraction`` of the data (stratified for
        classifiers where both parts can hold every class) and stop when
        ``score`` on it stops improving; the best weights are kept.
    validation_fraction : float, default=0.1
        Share of the training data held out for early stopping.
    beta_1, beta_2, epsilon : float, default=0.9, 0.999, 1e-8
        Parameters of ``solver='adam'``.
    n_iter_no_change : int, default=10
        Epochs without ``tol`` improvement before stopping."""

MLP_KERAS_EXTRAS = """\
dropout : float, default=0.0
        Keras extra: dropout rate after each hidden layer.
    batch_normalization : bool, default=False
        Keras extra: batch normalisation before each hidden activation.
    optimizer : keras.optimizers.Optimizer or str, default=None
        Keras extra: replaces the optimizer chosen by ``solver``, and with it
        ``learning_rate_init``, ``momentum``, ``nesterovs_momentum``,
        ``beta_1``, ``beta_2``, ``epsilon`` and the schedules of
        ``learning_rate`` (``fit`` names those changed from their defaults in
        a warning). Its arguments are routed parameters:
        ``optimizer__learning_rate=1e-2``.
    callbacks : list of keras.callbacks.Callback, default=None
        Keras extra: callbacks for training.
    **kwargs
        Keras extra: routed parameters, as ``set_params`` takes them
        (``predict__batch_size``, ``fit__`` for Keras ``fit`` arguments,
        ``optimizer__``, ``callbacks__``, ...); any other name raises a
        ``ValueError`` at ``fit`` that suggests the parameter meant."""

MLP_PARAMETERS = f"""\
hidden_layer_sizes : array-like of shape (n_layers - 2,), default=(100,)
        Units of each hidden layer.
    activation : {{'identity', 'logistic', 'tanh', 'relu'}}, default='relu'
        Activation of the hidden layers.
    {MLP_TRAINING_PARAMETERS}
    max_fun : int, default=15000
        Accepted for compatibility; used by L-BFGS only.
    {MLP_KERAS_EXTRAS}"""

MLP_FIT_ATTRIBUTES = """\
loss_ : float
        Training loss after the last epoch (with the L2 penalty).
    best_loss_ : float or None
        Lowest training loss (None with ``early_stopping``).
    loss_curve_ : list of float
        Training loss after each epoch.
    validation_scores_ : list of float or None
        Validation score after each epoch, with ``early_stopping``.
    best_validation_score_ : float or None
        Best validation score, with ``early_stopping``.
    n_iter_ : int
        Number of epochs of the last ``fit`` or ``partial_fit`` call, as in
        scikit-learn; ``loss_curve_`` and ``t_`` count those of every call.
    t_ : int
        Number of training samples seen.
    coefs_ : list of ndarray
        Weight matrix of each ``Dense`` layer, input to output.
    intercepts_ : list of ndarray
        Bias vector of each ``Dense`` layer, input to output.
    n_layers_ : int
        Number of layers, input and output included."""

MODEL_ATTRIBUTES = """\
n_features_in_ : int
        Number of features seen during fit.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Column names, when X was a DataFrame with string column names.
    model_ : keras.Model
        The trained network.
    history_ : dict of lists
        Keras' per-epoch history."""

MLP_ATTRIBUTES = f"""\
{MLP_FIT_ATTRIBUTES}
    n_outputs_ : int
        Number of output units.
    out_activation_ : str
        Output activation in scikit-learn's names: 'logistic', 'softmax',
        'identity', or 'exp' for a regressor with ``loss='poisson'``.
    {MODEL_ATTRIBUTES}"""
