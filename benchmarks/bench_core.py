"""Area "core": the cost of ``import mathkit`` and of mathkit's counter-based randomness.

Cases
-----
- import time of ``import mathkit`` in a fresh interpreter, from ``python -X importtime``
  (the cumulative time of the top-level import, so interpreter start-up is left out),
  against the goal of 0.15 s; ``import numpy`` alone is the peer, for scale;
- Philox4x32-10 words for n items (10^6, 10^5 with ``--quick``): mathkit's numba kernel
  ``random_words_array`` and its numpy reference ``random_words``, against numpy's own
  Philox (the 4x64 variant: same family, not the same stream), drawing the same number
  of bits; the numba words are checked bit for bit against the numpy reference;
- 53-bit uniforms, two per item: mathkit's ``uniform53`` (numpy reference; a numba loop
  over the same compiled function as a variant) against ``numpy.random.default_rng()``
  (PCG64) and numpy's Philox ``random``.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import numpy as np
from harness import Case, Timed

ROOT = Path(__file__).resolve().parent.parent
IMPORT_GOAL_S = 0.15
SEED = 20261129
_IMPORT_LINE = re.compile(r"^import time:\s+\d+\s+\|\s+(\d+)\s+\|\s(\s*)(\S+)\s*$")


def import_seconds(module: str) -> Timed:
    """Cumulative ``-X importtime`` of ``import <module>`` in a fresh interpreter."""
    completed = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", f"import {module}"],
        capture_output=True, text=True, cwd=ROOT, check=False,
    )
    if completed.returncode != 0:
        msg = f"import {module} failed in a fresh interpreter:\n{completed.stderr[-2000:]}"
        raise RuntimeError(msg)
    for line in reversed(completed.stderr.splitlines()):
        match = _IMPORT_LINE.match(line)
        if match and not match.group(2) and match.group(3) == module:
            return Timed(int(match.group(1)) * 1e-6)
    msg = f"no -X importtime line for the top-level import of {module!r}"
    raise RuntimeError(msg)


def _import_case() -> Case:
    return Case(
        name="import time (fresh interpreter)",
        area="core",
        mathkit=lambda: import_seconds("mathkit"),
        mathkit_name="import mathkit",
        peers={"import numpy": lambda: import_seconds("numpy")},
        notes={"import numpy": "for scale"},
        goal=IMPORT_GOAL_S,
    )


def _exact(reference):
    def judge(result):
        if result.shape == reference.shape and np.array_equal(result, reference):
            return "bit-exact"
        differing = np.count_nonzero(result != reference) if result.shape == reference.shape else -1
        return f"MISMATCH ({differing} differ)"

    return judge


def _words_case(n: int, label: str) -> Case:
    from mathkit._random import key_from_rng, random_words, split_key
    from mathkit._random_numba import random_words_array

    key = key_from_rng(SEED)
    k0, k1 = split_key(key)
    items = np.arange(n, dtype=np.uint64)
    reference = random_words(key, items)
    philox = np.random.Philox(key=key)
    generator = np.random.Generator(np.random.Philox(key=key))
    other_stream = "numpy's Philox4x64-10: same family, not the same stream"
    return Case(
        name=f"Philox words, {label} items (x4 uint32)",
        area="core",
        mathkit=lambda: random_words_array(k0, k1, items, 0),
        mathkit_name="mathkit numba random_words_array",
        variants={"mathkit numpy random_words (ref)": lambda: random_words(key, items)},
        peers={
            "numpy Philox.random_raw(2n) u64": lambda: philox.random_raw(2 * n),
            "numpy Generator(Philox).integers": lambda: generator.integers(
                0, 2**32, size=4 * n, dtype=np.uint32
            ),
        },
        accuracy={
            "mathkit numba random_words_array": _exact(reference),
            "mathkit numpy random_words (ref)": _exact(reference),
        },
        jitted={"mathkit numba random_words_array"},
        notes={
            "mathkit numba random_words_array": "prange over items",
            "numpy Philox.random_raw(2n) u64": other_stream,
            "numpy Generator(Philox).integers": other_stream,
        },
    )


def _uniform53_numba():
    import numba

    from mathkit._random_numba import uniform53

    @numba.njit(parallel=True)
    def uniform53_array(k0, k1, items, block):
        out = np.empty((items.size, 2), dtype=np.float64)
        for index in numba.prange(items.size):
            out[index, 0], out[index, 1] = uniform53(k0, k1, items[index], block)
        return out

    return uniform53_array


def _uniform_case(n: int, label: str) -> Case:
    from mathkit._random import key_from_rng, split_key, uniform53

    key = key_from_rng(SEED)
    k0, k1 = split_key(key)
    items = np.arange(n, dtype=np.uint64)
    reference = uniform53(key, items)
    uniform53_numba = _uniform53_numba()
    pcg = np.random.default_rng(SEED)
    philox = np.random.Generator(np.random.Philox(key=key))
    return Case(
        name=f"53-bit uniforms, {label} items (x2)",
        area="core",
        mathkit=lambda: uniform53(key, items),
        mathkit_name="mathkit uniform53 (numpy ref)",
        variants={"mathkit numba uniform53 loop": lambda: uniform53_numba(k0, k1, items, 0)},
        peers={
            "numpy default_rng().random(2n)": lambda: pcg.random(2 * n),
            "numpy Generator(Philox).random": lambda: philox.random(2 * n),
        },
        accuracy={"mathkit numba uniform53 loop": _exact(reference)},
        jitted={"mathkit numba uniform53 loop"},
        notes={
            "mathkit numba uniform53 loop": "prange loop over the compiled uniform53",
            "numpy default_rng().random(2n)": "PCG64, another generator",
            "numpy Generator(Philox).random": "Philox4x64: not the same stream",
        },
    )


def cases(quick: bool) -> list[Case]:
    """The core cases; ``quick`` uses 10^5 items instead of 10^6."""
    n, label = (10**5, "10^5") if quick else (10**6, "10^6")
    return [_import_case(), _words_case(n, label), _uniform_case(n, label)]
