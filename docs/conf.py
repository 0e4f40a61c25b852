"""Sphinx configuration for the mathkit documentation.

Build (as CI does): ``python -m sphinx -W --keep-going -b html docs docs/_build/html``.
The build needs no network: intersphinx stays off, and MathJax is loaded by the
reader's browser, not at build time.
"""

import sys
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # mathkit itself, when it is not installed

import mathkit

project = "mathkit"
author = "mathkit developers"
copyright = f"2026-{max(date.today().year, 2026)}, {author}"
release = mathkit.__version__
version = ".".join(release.split(".")[:2])

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.mathjax",
    "numpydoc",
    "sphinx_gallery.gen_gallery",
]

templates_path = ["_templates"]
exclude_patterns = ["_build", "Thumbs.db", ".DS_Store"]
default_role = "code"

# -- autodoc / autosummary / numpydoc ---------------------------------------
# Stubs for the API pages are generated into docs/api/generated (git-ignored).
autosummary_generate = True
autosummary_imported_members = False
autodoc_default_options = {"member-order": "bysource"}
autodoc_typehints = "none"  # the numpydoc sections carry the types
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False
numpydoc_xref_param_type = False

# -- sphinx-gallery ------------------------------------------------------------
# Only examples/plot_*.py are executed; the others are shown without running.
sphinx_gallery_conf = {
    "examples_dirs": "../examples",
    "gallery_dirs": "auto_examples",
    "filename_pattern": r"/plot_",
    "download_all_examples": False,
    "remove_config_comments": True,
    "abort_on_example_error": True,
    "within_subsection_order": "FileNameSortKey",
}

# -- HTML ----------------------------------------------------------------------
html_theme = "pydata_sphinx_theme"
html_title = f"mathkit {release}"
html_theme_options = {
    "navigation_with_keys": False,
    "show_toc_level": 2,
    "secondary_sidebar_items": ["page-toc"],
}
html_show_sourcelink = False
