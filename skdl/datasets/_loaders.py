"""Loaders of the shipped datasets: Titanic and the Hands-On ML housing table."""

from sklearn.utils._param_validation import validate_params

from ._base import as_bunch, describe, read_csv

_SPLITS = ("train", "test")
# checked as scikit-learn's loaders check theirs
_OPTIONS = {"as_frame": ["boolean"], "return_X_y": ["boolean"]}


@validate_params({"split": [str], **_OPTIONS}, prefer_skip_nested_validation=True)
def load_titanic(split="train", *, as_frame=True, return_X_y=False):
    """Load Kaggle's Titanic passengers (shipped with skdl, works offline).

    Parameters
    ----------
    split : {"train", "test"}, default="train"
        ``"train"`` has 891 passengers with the target ``Survived``;
        ``"test"`` has 418 passengers and no target.
    as_frame : bool, default=True
        Return pandas objects; ``False`` gives NumPy arrays (object dtype for
        the mixed feature columns).
    return_X_y : bool, default=False
        Return ``(data, target)`` instead of a ``Bunch`` (train split only).

    Returns
    -------
    data : :class:`~sklearn.utils.Bunch`
        ``data`` (features), ``target`` (``Survived``, None for the test split),
        ``frame`` (both), ``feature_names``, ``target_names`` and ``DESCR``.
    (data, target) : tuple if ``return_X_y`` is True

    Examples
    --------
    >>> from skdl.datasets import load_titanic
    >>> X, y = load_titanic(return_X_y=True)
    >>> X.shape, round(float(y.mean()), 3)
    ((891, 11), 0.384)
    >>> load_titanic("test").data.shape
    (418, 11)
    """
    if split not in _SPLITS:
        raise ValueError(f"split must be 'train' or 'test'; got {split!r}.")
    if split == "test" and return_X_y:
        raise ValueError(
            "The Titanic test split has no target (Kaggle keeps it); use "
            "load_titanic('test').data, or split='train' with return_X_y=True."
        )
    frame = read_csv(f"titanic_{split}.csv.gz")
    target = "Survived" if split == "train" else None
    return as_bunch(frame, target, describe("titanic"), as_frame=as_frame, return_X_y=return_X_y)


@validate_params(_OPTIONS, prefer_skip_nested_validation=True)
def load_housing(*, as_frame=True, return_X_y=False):
    """Load the California housing table of *Hands-On Machine Learning*, chapter 2.

    Unlike :func:`sklearn.datasets.fetch_california_housing` it has the raw
    totals, the categorical column ``ocean_proximity`` and missing values in
    ``total_bedrooms``: a table that needs a preprocessing pipeline. Shipped
    with skdl, it works offline.

    Parameters
    ----------
    as_frame : bool, default=True
        Return pandas objects; ``False`` gives NumPy arrays.
    return_X_y : bool, default=False
        Return ``(data, target)`` instead of a ``Bunch``.

    Returns
    -------
    data : :class:`~sklearn.utils.Bunch`
        ``data``, ``target`` (``median_house_value``), ``frame``,
        ``feature_names``, ``target_names`` and ``DESCR``.
    (data, target) : tuple if ``return_X_y`` is True

    Examples
    --------
    >>> from skdl.datasets import load_housing
    >>> housing = load_housing()
    >>> housing.data.shape, int(housing.data["total_bedrooms"].isna().sum())
    ((20640, 9), 207)
    >>> sorted(housing.data["ocean_proximity"].unique())[:2]
    ['<1H OCEAN', 'INLAND']
    """
    frame = read_csv("housing.csv.gz")
    return as_bunch(
        frame,
        "median_house_value",
        describe("housing"),
        as_frame=as_frame,
        return_X_y=return_X_y,
    )
