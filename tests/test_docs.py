"""Every public name has a numpydoc docstring with an Examples section."""

import inspect
import re

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


@pytest.mark.parametrize("module, name", PUBLIC, ids=[n for _, n in PUBLIC])
def test_every_parameter_is_documented(module, name):
    obj = getattr(module, name)
    section = inspect.getdoc(obj).split("Parameters\n----------", 1)[-1]
    section = re.split(r"\n\w[\w ]*\n-{3,}\n", section)[0]  # up to the next heading
    # numpydoc entries: "name : type" or "name_1, name_2 : type", at the margin
    documented = set()
    for names in re.findall(r"^(\*{0,2}\w[\w, *]*?) :", section, re.MULTILINE):
        documented |= {n.strip().lstrip("*") for n in names.split(",")}
    expected = {
        p.name for p in inspect.signature(obj).parameters.values() if p.kind is not p.VAR_KEYWORD
    }
    assert expected <= documented, f"{name}: undocumented {sorted(expected - documented)}"
