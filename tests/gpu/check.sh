#!/usr/bin/env bash
# All of mathkit's GPU checks in one go, for a short call on a lent GPU machine:
# the GPU tests (pytest -m gpu), a Philox throughput reading, and the benchmarks.
#
#   bash tests/gpu/check.sh           # from anywhere; exit status is pytest's
#
# Environment:
#   PYTHON            interpreter to use (default: python3)
#   MATHKIT_INSTALL   auto (default): when CuPy already imports, run from the
#                     source tree (PYTHONPATH) and install nothing, so machines
#                     without network access work; else
#                     pip install -e ".[test,cuda12|cuda13]" as nvidia-smi's CUDA
#                     version says. always: install regardless. never: never.
#   BENCH_AREA        benchmark area to run (default: all)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
PYTHON=${PYTHON:-python3}
export PYTHONUNBUFFERED=1

section() { printf '\n===== %s =====\n' "$*"; }

section "GPU"
if ! nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader; then
    echo "nvidia-smi failed: no usable NVIDIA GPU here" >&2
    exit 2
fi
cuda_version=$(nvidia-smi | sed -n 's/.*CUDA Version: *\([0-9][0-9.]*\).*/\1/p' | head -n 1)
cuda_major=${cuda_version%%.*}
if [[ -n "$cuda_major" && "$cuda_major" -ge 13 ]]; then extra=cuda13; else extra=cuda12; fi
echo "driver CUDA version: ${cuda_version:-unknown} -> extra [$extra]"
echo "nvcc: $(command -v nvcc || echo absent)"

section "install"
mode=${MATHKIT_INSTALL:-auto}
if [[ "$mode" == auto ]] && "$PYTHON" -c "import cupy" 2>/dev/null; then
    mode=never
    echo "CuPy already installed: running from the source tree, installing nothing"
fi
if [[ "$mode" == never ]]; then
    export PYTHONPATH="$PWD${PYTHONPATH:+:$PYTHONPATH}"
else
    "$PYTHON" -m pip install --retries 1 --timeout 30 -e ".[test,$extra]"
fi
"$PYTHON" - <<'EOF'
import importlib
for name in ("numpy", "scipy", "sympy", "numba", "cupy", "pytest", "hypothesis",
             "array_api_compat", "mathkit"):
    try:
        module = importlib.import_module(name)
        print(f"  {name:<17} {getattr(module, '__version__', '?')}")
    except Exception as error:
        print(f"  {name:<17} MISSING ({type(error).__name__}: {error})")
EOF

section "engine"
"$PYTHON" - <<'EOF'
import sys
from mathkit._backend import engine_status

status = engine_status("cupy")
print(f"  cupy available={status.available} version={status.version} {status.reason}")
print(f"  {status.details}")
sys.exit(0 if status.available else 3)
EOF

section "pytest -m gpu"
set +e
"$PYTHON" -m pytest -m gpu -v -rs -p no:cacheprovider --continue-on-collection-errors
tests_rc=$?
set -e

section "walk simulation on the GPU: Gsteps/s per statistic against the Philox bound"
"$PYTHON" benchmarks/bench_walks_sim.py --gpu || echo "walk simulation benchmark failed (ignored)"

section "Philox4x32-10 throughput (random_words: 4 words per item)"
"$PYTHON" - <<'EOF' || echo "throughput reading failed"
import time

import cupy
import numpy as np

from mathkit import _cupy_random, _random

key = _random.key_from_rng(0)


def gpu_seconds(items, repeats=5):
    _cupy_random.random_words(key, items)  # warm-up: compile and load the kernel
    times = []
    for _ in range(repeats):
        start, stop = cupy.cuda.Event(), cupy.cuda.Event()
        start.record()
        _cupy_random.random_words(key, items)
        stop.record()
        stop.synchronize()
        times.append(cupy.cuda.get_elapsed_time(start, stop) / 1e3)
    return float(np.median(times))


def cpu_seconds(function, repeats=3):
    function()  # warm-up (numba compiles here)
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return float(np.median(times))


n_gpu, n_cpu = 2**26, 2**20
gpu = gpu_seconds(cupy.arange(n_gpu, dtype=cupy.uint64))
items = np.arange(n_cpu, dtype=np.uint64)
numpy_time = cpu_seconds(lambda: _random.random_words(key, items))
rates = {"cupy": n_gpu / gpu, "numpy": n_cpu / numpy_time}
try:
    from mathkit import _random_numba

    k0, k1 = _random.split_key(key)
    numba_time = cpu_seconds(lambda: _random_numba.random_words_array(k0, k1, items, 0))
    rates["numba"] = n_cpu / numba_time
except Exception as error:
    print(f"  numba: unavailable ({error})")
print(f"  cupy  items={n_gpu:>10}  time_ms={gpu * 1e3:9.3f}  items_per_s={rates['cupy']:.3e}"
      f"  output_GB_per_s={16 * n_gpu / gpu / 1e9:.1f}")
for engine in ("numpy", "numba"):
    if engine in rates:
        print(f"  {engine:<5} items={n_cpu:>10}  items_per_s={rates[engine]:.3e}"
              f"  cupy_speedup={rates['cupy'] / rates[engine]:.1f}x")
EOF

section "benchmarks"
if [[ -f benchmarks/run.py ]]; then
    bench_args=(--quick)
    if "$PYTHON" benchmarks/run.py --help 2>/dev/null | grep -q -- '--gpu'; then
        bench_args+=(--gpu)
    fi
    # shellcheck disable=SC2086
    "$PYTHON" benchmarks/run.py ${BENCH_AREA:-} "${bench_args[@]}" || echo "benchmarks failed (ignored)"
else
    echo "no benchmarks/run.py"
fi

section "summary"
if [[ $tests_rc -eq 0 ]]; then echo "GPU tests: PASSED"; else echo "GPU tests: FAILED (pytest exit $tests_rc)"; fi
exit "$tests_rc"
