"""``skdl.show_versions()``: what a bug report needs to know about the machine."""

import importlib.metadata
import os
import platform
import sys

# the distributions whose versions decide how skdl behaves, by the name a
# report shows; TensorFlow is installed as one of several distributions
_DEPENDENCIES = {
    "keras": ["keras"],
    "tensorflow": ["tensorflow", "tensorflow-cpu", "tensorflow-macos", "tf-nightly"],
    "jax": ["jax"],
    "jaxlib": ["jaxlib"],
    "torch": ["torch"],
    "scikit-learn": ["scikit-learn"],
    "numpy": ["numpy"],
    "scipy": ["scipy"],
    "pandas": ["pandas"],
    "joblib": ["joblib"],
    "threadpoolctl": ["threadpoolctl"],
}


def _version(distributions):
    for name in distributions:
        try:
            version = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            continue
        return version if name == distributions[0] else f"{version} ({name})"
    return None


def _system_info():
    return {
        "python": sys.version.replace("\n", " "),
        "executable": sys.executable,
        "machine": platform.platform(),
        "CPUs": str(os.cpu_count()),
    }


def _dependencies_info():
    from . import __version__

    info = {name: _version(distributions) for name, distributions in _DEPENDENCIES.items()}
    return {"skdl": __version__, **info}


def _keras_info():
    """Keras' backend and the devices it sees (this imports Keras and its backend)."""
    from . import _keras
    from ._config import get_config

    if _version(["keras"]) is None:
        return {"backend": "Keras is not installed"}
    try:
        keras = _keras.keras()
        devices = ", ".join(keras.distribution.list_devices())
    except Exception as exc:  # a broken backend is what the report is for
        return {"backend": f"Keras failed to load: {type(exc).__name__}: {exc}"}
    return {
        "backend": keras.backend.backend(),
        "floatx": keras.config.floatx(),
        "devices": devices,
        "skdl config": ", ".join(f"{k}={v}" for k, v in get_config().items()),
    }


def _section(title, info):
    width = max(len(key) for key in info)
    lines = [f"{key:>{width}}: {value}" for key, value in info.items()]
    return "\n".join([f"{title}:", *lines])


def show_versions():
    """Print the versions of Python, skdl and its dependencies, and Keras' backend.

    Paste its output into a bug report: it says which Keras backend and
    devices (CPU, GPU) skdl trains on, and which TensorFlow, JAX or PyTorch
    build is installed. It imports Keras and its backend, which ``import skdl``
    alone does not.

    Examples
    --------
    >>> import skdl
    >>> skdl.show_versions()  # doctest: +ELLIPSIS
    <BLANKLINE>
    System:
    ...
    Python dependencies:
    ...keras: 3...
    Keras:
    ...backend: ...
    ...devices: ...
    """
    print()
    print(_section("System", _system_info()))
    print()
    deps = {name: version or "not installed" for name, version in _dependencies_info().items()}
    print(_section("Python dependencies", deps))
    print()
    print(_section("Keras", _keras_info()))
