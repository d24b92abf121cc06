"""Sphinx configuration of the skdl documentation (builds offline)."""

import os
import sys

sys.path.insert(0, os.path.abspath(".."))
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import skdl  # noqa: E402

project = "skdl"
author = "The skdl developers"
copyright = "2026, The skdl developers"
release = version = skdl.__version__

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "numpydoc",
    "sphinx_gallery.gen_gallery",
]
autosummary_generate = True
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False
templates_path = ["_templates"]
exclude_patterns = ["_build", "auto_examples/*.ipynb", "auto_examples/*.py"]

# The test suite runs every example (quick mode); the docs build can skip them:
# SKDL_DOCS_RUN_EXAMPLES=1 executes the gallery.
sphinx_gallery_conf = {
    "examples_dirs": "../examples",
    "gallery_dirs": "auto_examples",
    "filename_pattern": r"/plot_",
    "plot_gallery": os.environ.get("SKDL_DOCS_RUN_EXAMPLES", "0") == "1",
    "download_all_examples": False,
    "remove_config_comments": True,
}

html_theme = "pydata_sphinx_theme"
html_title = f"skdl {release}"
html_theme_options = {"navigation_with_keys": False, "show_toc_level": 2}
html_static_path = []

# Methods of the API pages: the estimator's own; scikit-learn's metadata-routing
# plumbing and ``score`` are documented by scikit-learn.
_SKIPPED = {"score", "get_metadata_routing", "set_output", "fit_transform"}


def _skip_member(app, what, name, obj, skip, options):
    if name in _SKIPPED or (name.startswith("set_") and name.endswith("_request")):
        return True
    return skip


def setup(app):
    app.connect("autodoc-skip-member", _skip_member)
