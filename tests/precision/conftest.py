"""Test options of the precision area: the ``exhaustive`` marker.

Tests marked ``exhaustive`` (all 2^32 float32 inputs; about 1.5 minutes on 2
cores) run only when asked for: ``pytest -m exhaustive tests/precision`` or
with the environment variable ``MATHKIT_EXHAUSTIVE=1``; ``.ci/run`` runs them.
The marker is registered in pyproject.toml.
"""

import os

import pytest


def pytest_collection_modifyitems(config, items):
    asked = "exhaustive" in (config.getoption("markexpr", "") or "")
    if asked or os.environ.get("MATHKIT_EXHAUSTIVE") == "1":
        return
    skip = pytest.mark.skip(reason="exhaustive sweep: run with -m exhaustive")
    for item in items:
        if "exhaustive" in item.keywords:
            item.add_marker(skip)
