"""Small datasets shipped inside skdl, gzip-compressed, verified on load."""

import gzip
import hashlib
import io
import zlib
from importlib import resources

from sklearn.utils import Bunch

# SHA-256 of the uncompressed files, as published by their sources.
CHECKSUMS = {
    "titanic_train.csv.gz": "14769fb1850e2d26d8e6db0ee49c213878040432827e39b13caaa15603c6598f",
    "titanic_test.csv.gz": "d88facfbcf53fe855b1c15290521aee9c61b3a6283631fa953983a95bacf1399",
    "housing.csv.gz": "2364609dc48bec7df3ba9dbb7041478e704ecddcee70ef1827ec3fc49d22c0cc",
}


def read_csv(name):
    """Read a shipped ``data/<name>`` into a DataFrame, after checking its digest."""
    import pandas as pd

    try:
        raw = gzip.decompress(resources.files(__package__).joinpath("data", name).read_bytes())
    except (OSError, EOFError, zlib.error) as exc:  # a truncated or overwritten file
        raise OSError(f"The shipped dataset {name} is corrupted ({exc}); reinstall skdl.") from exc
    digest = hashlib.sha256(raw).hexdigest()
    if digest != CHECKSUMS[name]:
        raise OSError(
            f"The shipped dataset {name} is corrupted (SHA-256 {digest}, expected "
            f"{CHECKSUMS[name]}); reinstall skdl."
        )
    return pd.read_csv(io.BytesIO(raw))


def describe(name):
    return resources.files(__package__).joinpath("descr", f"{name}.rst").read_text("utf-8")


def as_bunch(frame, target_column, descr, *, as_frame, return_X_y):
    """A scikit-learn ``Bunch`` (or ``(X, y)``) from a frame and its target column."""
    target = frame[target_column] if target_column is not None else None
    data = frame.drop(columns=[target_column]) if target_column is not None else frame
    if not as_frame:
        data = data.to_numpy(dtype=object)
        target = target.to_numpy() if target is not None else None
    if return_X_y:
        return data, target
    return Bunch(
        data=data,
        target=target,
        frame=frame if as_frame else None,
        feature_names=list(frame.columns.drop(target_column, errors="ignore")),
        target_names=[target_column] if target_column is not None else [],
        DESCR=descr,
    )
