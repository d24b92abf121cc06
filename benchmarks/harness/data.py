"""The data the tasks train on."""


def california(cfg):
    """Scaled California housing: train, test and all rows, with the targets."""
    from sklearn.datasets import fetch_california_housing
    from sklearn.model_selection import train_test_split
    from sklearn.preprocessing import StandardScaler

    X, y = fetch_california_housing(return_X_y=True)
    if cfg["california_rows"]:
        X, y = X[: cfg["california_rows"]], y[: cfg["california_rows"]]
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=0.25, random_state=cfg["seed"]
    )
    scaler = StandardScaler().fit(X_train)
    return {
        "X_train": scaler.transform(X_train),
        "X_test": scaler.transform(X_test),
        "X_all": scaler.transform(X),
        "y_train": y_train,
        "y_test": y_test,
    }


def small_data(seed=0):
    import numpy as np

    rng = np.random.RandomState(seed)
    X = rng.normal(size=(200, 8)).astype("float32")
    return X, X @ rng.normal(size=8)
