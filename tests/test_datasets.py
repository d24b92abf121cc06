import numpy as np
import pandas as pd
import pytest

import skdl.datasets._base as base
from skdl.datasets import load_housing, load_titanic, make_logic_gate


def test_titanic_train_matches_the_reference_file():
    bunch = load_titanic()
    assert bunch.frame.shape == (891, 12)
    assert bunch.target.name == "Survived" and bunch.target.sum() == 342
    assert "Survived" not in bunch.data.columns
    assert bunch.feature_names == list(bunch.data.columns)
    assert bunch.data["Age"].isna().sum() == 177
    assert "Kaggle" in bunch.DESCR


def test_titanic_test_split_has_no_target():
    bunch = load_titanic("test")
    assert bunch.data.shape == (418, 11) and bunch.target is None
    with pytest.raises(ValueError, match="test split has no target"):
        load_titanic("test", return_X_y=True)
    with pytest.raises(ValueError, match="split must be 'train' or 'test'; got 'valid'"):
        load_titanic("valid")


def test_titanic_as_arrays():
    X, y = load_titanic(as_frame=False, return_X_y=True)
    assert isinstance(X, np.ndarray) and X.dtype == object and X.shape == (891, 11)
    assert y.tolist()[:3] == [0, 1, 1]


def test_housing():
    X, y = load_housing(return_X_y=True)
    assert isinstance(X, pd.DataFrame) and X.shape == (20640, 9)
    assert y.name == "median_house_value" and y.max() == 500001
    assert X["total_bedrooms"].isna().sum() == 207
    assert set(X["ocean_proximity"]) == {"<1H OCEAN", "INLAND", "ISLAND", "NEAR BAY", "NEAR OCEAN"}
    assert "Hands-On Machine Learning" in load_housing().DESCR


def test_corrupted_file_is_detected(monkeypatch):
    monkeypatch.setitem(base.CHECKSUMS, "housing.csv.gz", "0" * 64)
    with pytest.raises(OSError, match="corrupted.*reinstall skdl"):
        load_housing()


def _flip_middle(data):
    middle = len(data) // 2
    return data[:middle] + bytes([data[middle] ^ 0xFF]) + data[middle + 1 :]


@pytest.mark.parametrize(
    "damage", [lambda data: data[: len(data) // 2], lambda data: b"x" + data, _flip_middle]
)
def test_a_truncated_or_overwritten_file_is_detected(monkeypatch, damage):
    """gzip's own error (BadGzipFile, EOFError) said nothing of reinstalling."""
    data = base.resources.files(base.__package__).joinpath("data", "housing.csv.gz").read_bytes()

    class Damaged:
        def joinpath(self, *parts):
            return self

        def read_bytes(self):
            return damage(data)

    monkeypatch.setattr(base.resources, "files", lambda package: Damaged())
    with pytest.raises(OSError, match=r"housing.csv.gz is corrupted \(.*\); reinstall skdl"):
        load_housing()


@pytest.mark.parametrize(
    "gate, expected",
    [("xor", [0, 1, 1, 0]), ("or", [0, 1, 1, 1]), ("AND", [0, 0, 0, 1]), ("nand", [1, 1, 1, 0])],
)
def test_logic_gates(gate, expected):
    X, y = make_logic_gate(gate)
    assert X.tolist() == [[0, 0], [0, 1], [1, 0], [1, 1]] and X.dtype == np.float32
    assert y.tolist() == expected
    X, y = make_logic_gate(gate, n_repeats=3)
    assert X.shape == (12, 2) and y.tolist() == expected * 3


def test_unknown_gate():
    with pytest.raises(ValueError, match=r"Unknown logic gate 'xnr'; choose one of \["):
        make_logic_gate("xnr")


@pytest.mark.parametrize("n_repeats", [0, 2.7, "3", True, None])
def test_n_repeats_must_be_a_positive_integer(n_repeats):
    with pytest.raises(ValueError, match="n_repeats must be a positive integer"):
        make_logic_gate(n_repeats=n_repeats)
    assert len(make_logic_gate(n_repeats=np.int64(2))[0]) == 8


def test_importing_datasets_does_not_import_keras():
    import subprocess
    import sys

    out = subprocess.run(
        [sys.executable, "-c", "import sys, skdl.datasets; print('keras' in sys.modules)"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.stdout.strip() == "False", out.stderr


@pytest.mark.parametrize("load", [load_titanic, load_housing])
def test_descriptions_state_the_shape_of_the_data(load):
    bunch = load()
    n_rows, n_features = bunch.data.shape
    assert f":Number of Instances: {n_rows} " in bunch.DESCR
    assert f":Number of Attributes: {n_features} features" in bunch.DESCR
    listed = bunch.DESCR.split(":Attribute Information:")[1].split("\n\n")[0]
    assert all(name in listed for name in bunch.feature_names)


@pytest.mark.parametrize("loader", [load_titanic, load_housing])
@pytest.mark.parametrize("option", ["as_frame", "return_X_y"])
def test_loader_options_are_checked_as_scikit_learns(loader, option):
    with pytest.raises(ValueError, match=f"The '{option}' parameter of {loader.__name__}"):
        loader(**{option: "yes"})
