"""pytest configuration for tests/ and the doctests in mathkit/.

Hypothesis profiles: "dev" (default, 50 random examples) and "ci" (200 examples,
derandomized so that a green run on one machine is green on the CI machine; "dev"
keeps exploring), chosen with ``--hypothesis-profile=ci``. ``mathkit/__main__.py``
and modules that import CuPy at the top (where CuPy cannot be imported) are left
out of doctest collection.
"""

import importlib.util

from hypothesis import HealthCheck, settings

settings.register_profile("dev", max_examples=50, deadline=None)
settings.register_profile(
    "ci", max_examples=200, deadline=None, derandomize=True, print_blob=True,
    suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile("dev")

collect_ignore = ["mathkit/__main__.py"]  # importing it runs the command line
collect_ignore_glob = [] if importlib.util.find_spec("cupy") else ["mathkit/_cupy*.py"]
