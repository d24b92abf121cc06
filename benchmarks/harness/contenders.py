"""The estimators compared: one network, built the way each library wants it."""


def dense_network(n_features, n_outputs=1, hidden=30, activation=None, loss=None):
    """``Input -> Dense(hidden, relu) -> Dense(n_outputs)``, compiled with Adam if ``loss``."""
    import keras

    model = keras.Sequential(
        [
            keras.Input((n_features,)),
            keras.layers.Dense(hidden, activation="relu"),
            keras.layers.Dense(n_outputs, activation=activation),
        ]
    )
    if loss is not None:
        model.compile(optimizer="adam", loss=loss)
    return model


def scikeras_network(meta, hidden=30, activation=None):
    """scikeras builder: the network, compiled by scikeras from its ``loss``/``optimizer``."""
    return dense_network(meta["n_features_in_"], 1, hidden, activation)


def wrappers_regressor(X, y, hidden=30):
    """``keras.wrappers`` builder (called with ``X`` and ``y``): compiled regressor."""
    return dense_network(X.shape[1], 1, hidden, loss="mse")


def wrappers_classifier(X, y, hidden=16):
    """``keras.wrappers`` builder: ``y`` arrives one-hot encoded, hence softmax."""
    return dense_network(
        X.shape[1], y.shape[1], hidden, "softmax", loss="categorical_crossentropy"
    )


def build_model(n_hidden=1, n_neurons=30, learning_rate=3e-3, input_shape=[8]):  # noqa: B006
    """The model builder of *Hands-On Machine Learning*, chapter 10 (Keras 3 spelling)."""
    import keras

    model = keras.models.Sequential()
    model.add(keras.layers.InputLayer(shape=input_shape))
    for _ in range(n_hidden):
        model.add(keras.layers.Dense(n_neurons, activation="relu"))
    model.add(keras.layers.Dense(1))
    model.compile(loss="mse", optimizer=keras.optimizers.SGD(learning_rate=learning_rate))
    return model


class RawKeras:
    """Raw Keras as an estimator: build, compile, ``model.fit`` with its defaults."""

    def __init__(self, epochs, seed=None, hidden=30):
        self.epochs, self.seed, self.hidden = epochs, seed, hidden

    def fit(self, X, y):
        import keras

        if self.seed is not None:
            keras.utils.set_random_seed(self.seed)
        self.model_ = dense_network(X.shape[1], 1, self.hidden, loss="mse")
        self.model_.fit(X, y, epochs=self.epochs, batch_size=32, verbose=0)
        return self

    def predict(self, X):
        return self.model_.predict(X, verbose=0).ravel()


class SeededWrapper:
    """A ``keras.wrappers`` estimator whose ``fit`` first seeds Keras globally
    (the wrapper has no ``random_state``)."""

    def __init__(self, estimator, seed):
        self.estimator, self.seed = estimator, seed

    def fit(self, X, y):
        import keras

        if self.seed is not None:
            keras.utils.set_random_seed(self.seed)
        self.estimator.fit(X, y)
        return self

    def predict(self, X):
        return self.estimator.predict(X)


def make_regressor(contender, epochs, seed=None, hidden=30):
    """A fresh Dense(hidden) -> Dense(1) regressor (Adam, MSE, batch 32) of ``contender``."""
    if contender == "skdl":
        from skdl import KerasRegressor

        return KerasRegressor(
            hidden_layer_sizes=(hidden,), epochs=epochs, batch_size=32, random_state=seed
        )
    if contender == "keras":
        return RawKeras(epochs, seed, hidden)
    if contender == "scikeras":
        from scikeras.wrappers import KerasRegressor

        return KerasRegressor(
            scikeras_network, hidden=hidden, loss="mse", optimizer="adam", epochs=epochs,
            batch_size=32, verbose=0, random_state=seed,
        )  # fmt: skip
    if contender == "wrappers":
        from keras.wrappers import SKLearnRegressor

        fit_kwargs = {"epochs": epochs, "batch_size": 32, "verbose": 0}
        model_kwargs = {"hidden": hidden}
        estimator = SKLearnRegressor(
            wrappers_regressor, model_kwargs=model_kwargs, fit_kwargs=fit_kwargs
        )
        return SeededWrapper(estimator, seed)
    from sklearn.neural_network import MLPRegressor

    return MLPRegressor(
        hidden_layer_sizes=(hidden,), max_iter=epochs, batch_size=32, random_state=seed
    )


def make_classifier(contender, epochs, seed, hidden=16):
    """A Dense(hidden) classifier (Adam, batch 32) of ``contender`` for binary targets.

    ``keras.wrappers`` one-hot encodes the target, so its network ends in a
    softmax over two units; the others end in one sigmoid unit.
    """
    if contender == "skdl":
        from skdl import KerasClassifier

        return KerasClassifier(
            hidden_layer_sizes=(hidden,), epochs=epochs, batch_size=32, random_state=seed
        )
    if contender == "scikeras":
        from scikeras.wrappers import KerasClassifier

        return KerasClassifier(
            scikeras_network, hidden=hidden, activation="sigmoid", loss="binary_crossentropy",
            optimizer="adam", epochs=epochs, batch_size=32, verbose=0, random_state=seed,
        )  # fmt: skip
    if contender == "wrappers":
        import keras
        from keras.wrappers import SKLearnClassifier

        keras.utils.set_random_seed(seed)  # once: cross_val_score clones the estimator
        fit_kwargs = {"epochs": epochs, "batch_size": 32, "verbose": 0}
        return SKLearnClassifier(
            wrappers_classifier, model_kwargs={"hidden": hidden}, fit_kwargs=fit_kwargs
        )
    from sklearn.neural_network import MLPClassifier

    return MLPClassifier(
        hidden_layer_sizes=(hidden,), max_iter=epochs, batch_size=32, random_state=seed
    )


def titanic_pipeline(classifier):
    """Impute and scale the numbers, impute and one-hot encode the categories."""
    from sklearn.compose import ColumnTransformer
    from sklearn.impute import SimpleImputer
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import OneHotEncoder, StandardScaler

    numbers = make_pipeline(SimpleImputer(strategy="median"), StandardScaler())
    categories = make_pipeline(
        SimpleImputer(strategy="most_frequent"),
        OneHotEncoder(handle_unknown="ignore", sparse_output=False),
    )
    features = ColumnTransformer(
        [
            ("numbers", numbers, ["Pclass", "Age", "SibSp", "Parch", "Fare"]),
            ("categories", categories, ["Sex", "Embarked"]),
        ]
    )
    return make_pipeline(features, classifier)


def book_distributions():
    """The distributions that the book's ``RandomizedSearchCV`` samples."""
    from scipy.stats import loguniform

    return {
        "n_hidden": [0, 1, 2, 3],
        "n_neurons": list(range(1, 100)),
        "learning_rate": loguniform(3e-4, 3e-2),
    }


def search_estimator(contender, cfg):
    """Section (f): ``StandardScaler`` + regressor and the distributions to sample."""
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    epochs, seed = cfg["search_epochs"], cfg["seed"]
    book = book_distributions()
    if contender == "skdl":
        from skdl import KerasRegressor

        estimator = KerasRegressor(build_model, epochs=epochs, random_state=seed)
    elif contender == "scikeras":
        from scikeras.wrappers import KerasRegressor

        estimator = KerasRegressor(
            build_model, n_hidden=1, n_neurons=30, learning_rate=3e-3, epochs=epochs,
            random_state=seed, verbose=0,
        )  # fmt: skip
    else:
        from sklearn.neural_network import MLPRegressor

        estimator = MLPRegressor(solver="sgd", max_iter=epochs, batch_size=32, random_state=seed)
        sizes = [(n,) * depth for depth in (1, 2, 3) for n in range(1, 100)]
        book = {"hidden_layer_sizes": sizes, "learning_rate_init": book["learning_rate"]}
    pipeline = make_pipeline(StandardScaler(), estimator)
    step = pipeline.steps[-1][0]
    return pipeline, {f"{step}__{name}": values for name, values in book.items()}
