"""Compile CUDA source with ``nvcc`` for the tests: host programs and device compile checks.

mathkit keeps the logic of its CUDA kernels in ``__host__ __device__``
functions in ``.cuh`` headers (DESIGN.md, "Testing"). The tests compile those
headers for the host into small programs and compare the programs' output
with the numpy reference, so the GPU logic is checked on machines without a
GPU; :func:`compile_device_code` checks that kernel source also compiles for
a GPU architecture.

Builds are cached under the system temp directory, keyed by a hash of the
source, the flags, the nvcc version and the contents of every header in the
include directories: each program compiles once, and again only when one of
those changes. Parallel test workers are safe (atomic rename into place).

Usage::

    from tests.nvcc import compile_host_program, requires_nvcc

    @requires_nvcc
    @pytest.mark.nvcc
    def test_something():
        program = compile_host_program(SOURCE, "something")
        subprocess.run([program], input=..., capture_output=True, text=True, check=True)
"""

from __future__ import annotations

import functools
import hashlib
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterable
from pathlib import Path

import pytest

__all__ = [
    "MATHKIT_INCLUDE",
    "NVCC",
    "NvccError",
    "compile_device_code",
    "compile_host_program",
    "requires_nvcc",
]

#: The directory that holds mathkit's headers (``philox.cuh``; subpackages'
#: headers are reached as ``walks/...cuh`` from here). Always on the include path.
MATHKIT_INCLUDE = Path(__file__).resolve().parent.parent / "mathkit"

#: Path of nvcc, or None where it is absent.
NVCC = shutil.which("nvcc")

requires_nvcc = pytest.mark.skipif(NVCC is None, reason="nvcc not found on PATH")

_HEADER_SUFFIXES = (".cuh", ".h", ".hpp", ".inl")


class NvccError(RuntimeError):
    """nvcc failed; the message holds the command line and nvcc's full output."""


def compile_host_program(
    source: str,
    name: str,
    *,
    include_dirs: Iterable[str | os.PathLike] = (),
    flags: Iterable[str] = (),
    language: str = "cu",
) -> Path:
    """Compile ``source`` into a host executable with nvcc; return its path (cached).

    Parameters
    ----------
    source : str
        The program's text (with a ``main``).
    name : str
        A short name for the executable (letters, digits, ``_``, ``-``).
    include_dirs : iterable of path
        Include directories besides :data:`MATHKIT_INCLUDE`.
    flags : iterable of str
        Extra nvcc flags (``-DNAME=1``, ...).
    language : {"cu", "c++"}
        ``"cu"`` compiles as CUDA (``__CUDACC__`` defined, so ``__host__
        __device__`` functions are built for the host by nvcc's host pass);
        ``"c++"`` hands the file to the host compiler as plain C++, which
        checks that a header also compiles outside CUDA.

    Raises
    ------
    NvccError
        If nvcc is missing or the compile fails; the message holds nvcc's stderr.
    """
    if language not in ("cu", "c++"):
        msg = f"language must be 'cu' or 'c++', got {language!r}"
        raise ValueError(msg)
    arguments = ["-x", language, "-O2", "-std=c++17", *flags]
    return _build(source, name, arguments, include_dirs, output_flag=None, suffix="")


def compile_device_code(
    source: str,
    name: str,
    *,
    arch: str = "sm_90",
    include_dirs: Iterable[str | os.PathLike] = (),
    flags: Iterable[str] = (),
) -> Path:
    """Compile CUDA ``source`` to PTX for ``arch``; return the PTX file's path (cached).

    Needs no GPU: it only checks that kernels and the device side of
    ``__host__ __device__`` code compile (``__CUDA_ARCH__`` branches included).

    Raises
    ------
    NvccError
        If nvcc is missing or the compile fails; the message holds nvcc's stderr.
    """
    arguments = ["-x", "cu", "-std=c++17", f"-arch={arch}", *flags]
    return _build(source, name, arguments, include_dirs, output_flag="-ptx", suffix=".ptx")


def _build(source, name, arguments, include_dirs, *, output_flag, suffix) -> Path:
    if NVCC is None:
        msg = "nvcc not found on PATH (mark the test with tests.nvcc.requires_nvcc)"
        raise NvccError(msg)
    if not name or not all(c.isalnum() or c in "_-" for c in name):
        msg = f"name must be letters, digits, '_' or '-', got {name!r}"
        raise ValueError(msg)
    directories = [MATHKIT_INCLUDE, *(Path(d).resolve() for d in include_dirs)]
    includes = [f"-I{d}" for d in directories]
    if output_flag:
        arguments = [output_flag, *arguments]
    digest = hashlib.sha256()
    for part in (_nvcc_version(), source, *arguments, *includes):
        digest.update(part.encode())
        digest.update(b"\0")
    for header in _headers(directories):
        digest.update(str(header).encode())
        digest.update(header.read_bytes())
    cache = _cache_dir()
    target = cache / f"{name}-{digest.hexdigest()[:20]}{suffix}"
    if target.exists():
        return target

    work = Path(tempfile.mkdtemp(prefix=f"{name}-", dir=cache))
    try:
        source_file = work / f"{name}.cu"
        source_file.write_text(source)
        output = work / f"{name}{suffix}"
        command = [NVCC, *arguments, *includes, "-o", str(output), str(source_file)]
        result = subprocess.run(command, capture_output=True, text=True, check=False)
        if result.returncode != 0:
            msg = (
                f"nvcc failed (exit {result.returncode}) compiling {name!r}:\n"
                f"$ {' '.join(command)}\n{result.stderr}{result.stdout}"
            )
            raise NvccError(msg)
        os.replace(output, target)  # atomic: concurrent workers never see half a file
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return target


def _headers(directories: list[Path]) -> list[Path]:
    found = set()
    for directory in directories:
        for path in directory.rglob("*"):
            if path.suffix in _HEADER_SUFFIXES and path.is_file():
                found.add(path)
    return sorted(found)


@functools.cache
def _nvcc_version() -> str:
    result = subprocess.run([NVCC, "--version"], capture_output=True, text=True, check=False)
    return f"{NVCC}\n{result.stdout}"


@functools.cache
def _cache_dir() -> Path:
    user = os.getuid() if hasattr(os, "getuid") else os.environ.get("USERNAME", "user")
    path = Path(tempfile.gettempdir()) / f"mathkit-nvcc-{user}"
    path.mkdir(mode=0o700, exist_ok=True)
    return path
