"""Engine choice: names, "auto" rules, and CuPy that imports but has no GPU."""

import sys
import types

import numpy as np
import pytest

from mathkit import _backend


@pytest.fixture(autouse=True)
def fresh_probes():
    _backend.engine_status.cache_clear()
    yield
    _backend.engine_status.cache_clear()


def broken_cupy(error: Exception) -> types.ModuleType:
    """A stand-in for CuPy installed on a machine without a usable GPU."""

    def fail(*args):
        raise error

    module = types.ModuleType("cupy")
    module.__version__ = "13.9.9"
    module.cuda = types.SimpleNamespace(runtime=types.SimpleNamespace(getDeviceCount=fail))
    return module


def test_numpy_and_numba_work_here():
    assert _backend.engine_status("numpy").available
    numba = _backend.engine_status("numba")
    assert numba.available and numba.details["threads"] >= 1


def test_names_resolve_to_themselves():
    assert _backend.resolve_backend("numpy") == "numpy"
    assert _backend.resolve_backend("numba") == "numba"


def test_auto_uses_numpy_for_tiny_and_numba_for_larger_input(monkeypatch):
    monkeypatch.setitem(sys.modules, "cupy", None)  # as if CuPy were not installed
    assert _backend.resolve_backend("auto", size=10) == "numpy"
    assert _backend.resolve_backend("auto", size=_backend.NUMBA_THRESHOLD) == "numba"
    assert _backend.resolve_backend("auto", size=10**9) == "numba"


@pytest.mark.parametrize(
    "error", [RuntimeError("cudaErrorInsufficientDriver"), OSError("libcuda.so.1: not found")]
)
def test_cupy_without_gpu_is_reported_not_raised(monkeypatch, error):
    monkeypatch.setitem(sys.modules, "cupy", broken_cupy(error))
    status = _backend.engine_status("cupy")
    assert not status.available
    assert "no usable GPU" in status.reason and str(error) in status.reason
    assert _backend.resolve_backend("auto", size=10**9) == "numba"
    with pytest.raises(_backend.BackendUnavailableError, match=r"mathkit\[cuda12\]"):
        _backend.resolve_backend("cupy")


def test_cupy_with_zero_devices(monkeypatch):
    module = broken_cupy(RuntimeError())
    module.cuda.runtime.getDeviceCount = lambda: 0
    monkeypatch.setitem(sys.modules, "cupy", module)
    assert _backend.engine_status("cupy").reason == "no CUDA device"


def test_missing_cupy_names_the_extra(monkeypatch):
    monkeypatch.setitem(sys.modules, "cupy", None)
    status = _backend.engine_status("cupy")
    assert not status.available and status.reason.startswith("not installed")
    with pytest.raises(_backend.BackendUnavailableError,
                       match=r"backend='cupy' is not available: not installed.*mathkit\[cuda13\]"):
        _backend.resolve_backend("cupy", size=5)


def test_missing_numba_names_the_fix(monkeypatch):
    monkeypatch.setitem(sys.modules, "numba", None)
    with pytest.raises(_backend.BackendUnavailableError, match="numba is a core dependency"):
        _backend.resolve_backend("numba")
    assert _backend.resolve_backend("auto", size=10**6) == "numpy"


@pytest.mark.parametrize(("backend", "error"), [("gpu", ValueError), ("NumPy", ValueError),
                                                (None, TypeError)])
def test_unknown_backend(backend, error):
    with pytest.raises(error, match="backend must be"):
        _backend.resolve_backend(backend)


def test_namespace_of_numpy_input():
    assert not _backend.is_cupy_array(np.zeros(2))
    xp = _backend.array_namespace(np.zeros(2), np.ones(3))
    assert xp.__name__ == "array_api_compat.numpy"


def test_engine_status_rejects_auto():
    with pytest.raises(ValueError, match="name must be one of 'numpy', 'numba', 'cupy'"):
        _backend.engine_status("auto")


@pytest.mark.gpu
def test_cupy_input_selects_cupy():
    if not _backend.engine_status("cupy").available:
        pytest.skip("needs CuPy and a GPU")
    import cupy

    assert _backend.resolve_backend("auto", array=cupy.zeros(3)) == "cupy"
    assert _backend.resolve_backend("auto", size=10**7) == "cupy"
