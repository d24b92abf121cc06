"""The machine, the package versions and the source a run measured."""

import os
import platform
import subprocess
import sys
from importlib import metadata

from .config import BENCHMARKS
from .processes import child_env

PACKAGES = {  # label: distributions that provide it, first installed wins
    "skdl": ["skdl"],
    "Keras": ["keras"],
    "TensorFlow": ["tensorflow-cpu", "tensorflow"],
    "scikit-learn": ["scikit-learn"],
    "scikeras": ["scikeras"],
    "NumPy": ["numpy"],
}


def package_versions(packages=PACKAGES):
    """``{label: version or "not installed"}`` of ``packages``."""
    versions = {}
    for label, dists in packages.items():
        for dist in dists:
            try:
                versions[label] = metadata.version(dist)
                break
            except metadata.PackageNotFoundError:
                continue
        versions.setdefault(label, "not installed")
    return versions


def keras_backend():
    code = "import keras; print(keras.backend.backend())"
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=child_env()
    )
    return out.stdout.strip() or "unknown"


def source_state():
    """skdl's git commit, with the files of ``skdl/`` that differ from it, or None."""
    repo = os.path.dirname(BENCHMARKS)

    def git(*args):
        out = subprocess.run(["git", "-C", repo, *args], capture_output=True, text=True)
        return out.stdout.rstrip() if out.returncode == 0 else None

    try:
        commit = git("rev-parse", "--short", "HEAD")
        changed = git("status", "--porcelain", "--", "skdl")
    except OSError:  # no git
        return None
    if commit is None:
        return None
    files = [line[3:] for line in (changed or "").splitlines()]
    return f"commit {commit}" + (
        f" with uncommitted changes in {', '.join(files)}" if files else ""
    )


def machine():
    load = os.getloadavg() if hasattr(os, "getloadavg") else None
    return {
        "platform": platform.platform(),
        "machine": platform.machine(),
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "load": load,
    }
