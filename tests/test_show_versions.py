"""skdl.show_versions(): the facts a bug report needs."""

import importlib.metadata

import keras
import sklearn

import skdl
from skdl import _keras, _show_versions


def test_show_versions_prints_versions_backend_and_devices(capsys):
    skdl.show_versions()
    out = capsys.readouterr().out
    for section in ("System:", "Python dependencies:", "Keras:"):
        assert f"\n{section}\n" in out
    lines = {
        line.split(":", 1)[0].strip(): line.split(":", 1)[1].strip()
        for line in out.split("\n")
        if ": " in line
    }
    assert lines["skdl"] == skdl.__version__
    assert lines["keras"] == keras.__version__
    assert lines["scikit-learn"] == sklearn.__version__
    assert lines["backend"] == keras.backend.backend()
    assert "cpu" in lines["devices"].lower()
    assert lines["skdl config"].startswith("share_compiled=")


def test_tensorflow_is_found_under_any_of_its_distribution_names(monkeypatch):
    def version(name):
        if name == "tensorflow-cpu":
            return "2.99.0"
        raise importlib.metadata.PackageNotFoundError(name)

    monkeypatch.setattr(importlib.metadata, "version", version)
    info = _show_versions._dependencies_info()
    assert info["tensorflow"] == "2.99.0 (tensorflow-cpu)"
    assert info["torch"] is None


def test_a_backend_that_fails_to_load_is_reported(monkeypatch, capsys):
    def broken():
        raise ImportError("libcudart.so.12: cannot open shared object file")

    monkeypatch.setattr(_keras, "keras", broken)
    skdl.show_versions()
    out = capsys.readouterr().out
    assert "backend: Keras failed to load: ImportError: libcudart.so.12" in out
