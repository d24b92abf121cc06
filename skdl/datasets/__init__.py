"""Datasets for the examples and the tour, available offline.

Titanic and the Hands-On ML housing table ship inside the package
(gzip-compressed, checked against SHA-256 digests), and
:func:`make_logic_gate` makes the truth tables of the logic-gate tutorials.
The examples on California housing read scikit-learn's own copy
(:func:`~sklearn.datasets.fetch_california_housing`, downloaded once).
"""

from ._loaders import load_housing, load_titanic
from ._logic import make_logic_gate

__all__ = ["load_housing", "load_titanic", "make_logic_gate"]
