"""The oldest versions CI tests are pyproject.toml's lower bounds.

``.ci/run`` runs the test suite a second time with ``.ci/minimum-versions.txt``
as pip constraints: this keeps each pinned version equal to the lower bound that
pyproject.toml declares, so that every bound a user relies on is a tested one.
"""

import os

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

tomllib = pytest.importorskip("tomllib")  # Python 3.11+; the bounds are the same on 3.10

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
LINUX_X86_64 = {"sys_platform": "linux", "platform_machine": "x86_64"}


def _pyproject():
    with open(os.path.join(ROOT, "pyproject.toml"), "rb") as f:
        return tomllib.load(f)["project"]


def _lower_bound(requirement):
    bounds = [s.version for s in requirement.specifier if s.operator == ">="]
    assert len(bounds) == 1, f"{requirement}: one lower bound (>=) expected"
    return bounds[0]


def _pins():
    pins = {}
    with open(os.path.join(ROOT, ".ci", "minimum-versions.txt")) as f:
        for line in f:
            line = line.split("#")[0].strip()
            if line:
                requirement = Requirement(line)
                (spec,) = requirement.specifier
                assert spec.operator == "==", line
                pins[canonicalize_name(requirement.name)] = spec.version
    return pins


def _bounds(requirements, environment=LINUX_X86_64):
    """{name: lower bound} of the requirements that apply in ``environment`` (CI's by default)."""
    bounds = {}
    for text in requirements:
        requirement = Requirement(text)
        if requirement.marker is None or requirement.marker.evaluate(environment):
            bounds[canonicalize_name(requirement.name)] = _lower_bound(requirement)
    return bounds


def test_every_dependency_is_pinned_at_its_lower_bound():
    bounds = _bounds(_pyproject()["dependencies"])
    pins = _pins()
    assert {name: pins.get(name) for name in bounds} == bounds


def test_jax_is_pinned_at_the_jax_extras_lower_bound():
    (jax,) = _pyproject()["optional-dependencies"]["jax"]
    pins = _pins()
    assert pins["jax"] == pins["jaxlib"] == _lower_bound(Requirement(jax))


def test_tensorflow_has_the_same_lower_bound_on_every_platform():
    dependencies = _pyproject()["dependencies"]
    macos = {"sys_platform": "darwin", "platform_machine": "arm64"}
    assert _bounds(dependencies)["tensorflow-cpu"] == _bounds(dependencies, macos)["tensorflow"]
