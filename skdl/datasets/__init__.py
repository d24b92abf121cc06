"""Datasets for the examples and the tour, all available offline.

Titanic and the Hands-On ML housing table ship inside the package
(gzip-compressed, checked against SHA-256 digests); California housing comes
from scikit-learn's :func:`~sklearn.datasets.fetch_california_housing`.
"""

from ._loaders import load_housing, load_titanic
from ._logic import make_logic_gate

__all__ = ["load_housing", "load_titanic", "make_logic_gate"]
