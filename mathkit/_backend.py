"""Which engine runs a batched kernel: numpy, numba or CuPy.

``backend="auto"`` picks CuPy for CuPy input, or for large input when a GPU
works; numba for everything else past a small size; numpy for tiny input,
where compiled dispatch costs more than it saves. Asking for an engine by name
that cannot run raises :class:`BackendUnavailableError` naming the extra to
install; ``"auto"`` never fails for lack of an optional engine.

Detection is lazy and cached: nothing here imports numba or CuPy until a
kernel needs them. CuPy imports fine on a machine with no GPU or driver and
fails only at first device use, so the probe touches the device and catches
whatever that raises.
"""

from __future__ import annotations

import functools
import importlib
from dataclasses import dataclass

from mathkit._validate import check_one_of

__all__ = [
    "BACKENDS",
    "BackendUnavailableError",
    "EngineStatus",
    "array_namespace",
    "engine_status",
    "is_cupy_array",
    "resolve_backend",
]

BACKENDS = ("auto", "numpy", "numba", "cupy")

#: Below this many elements "auto" uses numpy; at or above GPU_THRESHOLD it
#: prefers CuPy when a GPU works.
NUMBA_THRESHOLD = 2_000
GPU_THRESHOLD = 1_000_000

_INSTALL_HINTS = {
    "numba": "numba is a core dependency: reinstall mathkit (pip install mathkit)",
    "cupy": "install a CuPy extra: pip install 'mathkit[cuda12]' or 'mathkit[cuda13]'",
}


class BackendUnavailableError(RuntimeError):
    """An engine asked for by name cannot run here; the message says why and what to install."""


@dataclass(frozen=True)
class EngineStatus:
    """Whether an engine works here, its version, and why not if it does not."""

    name: str
    available: bool
    version: str | None
    reason: str
    details: dict


@functools.cache
def engine_status(name: str) -> EngineStatus:
    """Probe one engine ("numpy", "numba" or "cupy"); cached for the process.

    Examples
    --------
    >>> engine_status("numpy").available
    True
    """
    check_one_of(name, "name", BACKENDS[1:])
    return {"numpy": _probe_numpy, "numba": _probe_numba, "cupy": _probe_cupy}[name]()


def _probe_numpy() -> EngineStatus:
    import numpy

    return EngineStatus("numpy", True, numpy.__version__, "reference engine", {})


def _probe_numba() -> EngineStatus:
    try:
        numba = importlib.import_module("numba")
    except Exception as error:  # an import can fail in many ways (ABI, llvmlite)
        return EngineStatus("numba", False, None, f"import failed: {error}", {})
    details = {"threads": numba.get_num_threads(), "layer": numba.config.THREADING_LAYER}
    return EngineStatus("numba", True, numba.__version__, "CPU kernels", details)


def _probe_cupy() -> EngineStatus:
    try:
        cupy = importlib.import_module("cupy")
    except ImportError as error:
        return EngineStatus("cupy", False, None, f"not installed ({error})", {})
    except Exception as error:
        return EngineStatus("cupy", False, None, f"import failed: {error}", {})
    try:
        count = cupy.cuda.runtime.getDeviceCount()
        if count < 1:
            return EngineStatus("cupy", False, cupy.__version__, "no CUDA device", {})
        properties = cupy.cuda.runtime.getDeviceProperties(0)
        free, total = cupy.cuda.runtime.memGetInfo()
        cupy.zeros(1).sum().item()  # first real device use: where a broken driver shows
    except Exception as error:  # CUDARuntimeError, missing libcuda, ...: all mean "no GPU"
        return EngineStatus("cupy", False, cupy.__version__, f"no usable GPU: {error}", {})
    name = properties["name"]
    details = {
        "devices": count,
        "gpu": name.decode() if isinstance(name, bytes) else str(name),
        "memory_gib": round(total / 2**30, 1),
        "free_gib": round(free / 2**30, 1),
    }
    return EngineStatus("cupy", True, cupy.__version__, "GPU kernels", details)


def is_cupy_array(x) -> bool:
    """True for a CuPy array, without importing CuPy.

    Examples
    --------
    >>> import numpy as np
    >>> is_cupy_array(np.zeros(3))
    False
    """
    from array_api_compat import is_cupy_array as _is_cupy_array

    return _is_cupy_array(x)


def array_namespace(*arrays):
    """The array namespace (numpy or CuPy, array-API compatible) of the inputs.

    Examples
    --------
    >>> import numpy as np
    >>> array_namespace(np.zeros(2)).__name__
    'array_api_compat.numpy'
    """
    from array_api_compat import array_namespace as _array_namespace

    return _array_namespace(*arrays)


def resolve_backend(backend: str = "auto", *, size: int = 0, array=None) -> str:
    """Turn a ``backend`` argument into the engine that will run.

    Parameters
    ----------
    backend : {"auto", "numpy", "numba", "cupy"}
        What the caller asked for.
    size : int
        Number of elements of work, for "auto".
    array : array, optional
        The input: a CuPy array makes "auto" choose CuPy (CuPy in, CuPy out).

    Returns
    -------
    str
        "numpy", "numba" or "cupy".

    Raises
    ------
    ValueError
        For an unknown backend name.
    BackendUnavailableError
        For an engine asked for by name that cannot run here.

    Examples
    --------
    >>> resolve_backend("numpy")
    'numpy'
    >>> resolve_backend("auto", size=10)
    'numpy'
    """
    check_one_of(backend, "backend", BACKENDS)
    if backend != "auto":
        status = engine_status(backend)
        if not status.available:
            hint = _INSTALL_HINTS[backend]
            msg = f"backend={backend!r} is not available: {status.reason}; {hint}"
            raise BackendUnavailableError(msg)
        return backend
    if array is not None and is_cupy_array(array):
        return "cupy"
    if size >= GPU_THRESHOLD and engine_status("cupy").available:
        return "cupy"
    if size >= NUMBA_THRESHOLD and engine_status("numba").available:
        return "numba"
    return "numpy"
