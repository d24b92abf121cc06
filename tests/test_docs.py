"""Every public name has a numpydoc docstring with an Examples section."""

import inspect

import pytest

import skdl
import skdl.datasets

PUBLIC = [(skdl, name) for name in skdl.__all__] + [
    (skdl.datasets, name) for name in skdl.datasets.__all__
]


@pytest.mark.parametrize("module, name", PUBLIC, ids=[n for _, n in PUBLIC])
def test_public_docstrings(module, name):
    obj = getattr(module, name)
    doc = inspect.getdoc(obj)
    assert doc, f"{name} has no docstring"
    assert "Examples\n--------" in doc, f"{name}: no Examples section"
    if not callable(obj) or inspect.signature(obj).parameters:
        assert "Parameters\n----------" in doc, f"{name}: no Parameters section"
    if inspect.isclass(obj):
        assert "Attributes\n----------" in doc, f"{name}: no Attributes section"
        for method in ("fit", "predict", "predict_proba", "partial_fit", "transform"):
            if hasattr(obj, method):
                assert inspect.getdoc(getattr(obj, method)), f"{name}.{method}: no docstring"
