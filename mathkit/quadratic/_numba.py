"""numba kernel of :func:`mathkit.quadratic.minimize_batch`; the numpy reference is
:func:`mathkit.quadratic.batched._cholesky_numpy`.

``prange`` over blocks of problems (one scratch factor per block, so nothing is
allocated per problem). Per problem: the symmetric part ``S = A/2 + A^T/2``
(the same two roundings as the reference), the Cholesky factor ``S = L L^T``
row by row, ``L y = -b/2`` and ``L^T x = y``, and ``f(x) = c + b^T x / 2``.
A pivot ``d_j`` (the square of ``L_jj``) that is not above ``tol = n eps
max_i S_ii``, or a non-finite result, flags the problem (``ok = FALLBACK``,
``x = 0``) for the numpy eigen-fallback; a non-finite entry of ``A`` gives
``ok = BAD_INPUT`` (the caller checks ``A`` only then, saving a pass over it).
Sizes up to :data:`UNROLLED_MAX` get a kernel generated for their ``n``, fully
unrolled so the factor lives in registers; it does the same operations in the
same order as the loop kernel, so the two give the same bits.
"""

import re

import numba
import numpy as np

EPS = float(np.finfo(np.float64).eps)
#: Codes the kernels write to ``ok``: solved here; for the eigen-fallback; a
#: non-finite entry of ``A`` (the caller then raises the error).
SOLVED, FALLBACK, BAD_INPUT = 0, 1, 2


@numba.njit(parallel=True, error_model="numpy")
def cholesky_solve(A, b, c, c_step, x, value, ok, n_blocks):  # pragma: no cover - compiled
    """Fill ``x`` (B, n), ``value`` (B,) and ``ok`` (B,) int8 codes for ``A`` (B, n, n).

    The constant of problem ``p`` is ``c[p * c_step]`` (``c_step = 0``: one for all).
    """
    count, n = b.shape
    per_block = (count + n_blocks - 1) // n_blocks
    for block in numba.prange(n_blocks):
        L = np.empty((n, n))
        y = np.empty(n)
        r = np.empty(n)  # 1 / L_jj
        start = block * per_block
        stop = min(count, start + per_block)
        for p in range(start, stop):
            check = 0.0
            for i in range(n):
                for j in range(i + 1):
                    s = 0.5 * A[p, i, j] + 0.5 * A[p, j, i]
                    check += s - s
            if check != 0.0:  # NaN when an entry is not finite
                ok[p] = BAD_INPUT
                continue
            largest = 0.0
            for i in range(n):
                largest = max(largest, 0.5 * A[p, i, i] + 0.5 * A[p, i, i])
            tol = n * EPS * largest
            good = largest > 0.0
            for j in range(n):
                if not good:
                    break
                pivot = 0.5 * A[p, j, j] + 0.5 * A[p, j, j]
                for k in range(j):
                    pivot -= L[j, k] * L[j, k]
                if not pivot > tol:  # also catches NaN
                    good = False
                    break
                L[j, j] = np.sqrt(pivot)
                r[j] = 1.0 / L[j, j]
                for i in range(j + 1, n):
                    s = 0.5 * A[p, i, j] + 0.5 * A[p, j, i]
                    for k in range(j):
                        s -= L[i, k] * L[j, k]
                    L[i, j] = s * r[j]
            if good:
                for i in range(n):  # L y = -b/2
                    s = -0.5 * b[p, i]
                    for k in range(i):
                        s -= L[i, k] * y[k]
                    y[i] = s * r[i]
                total = 0.0
                for i in range(n - 1, -1, -1):  # L^T x = y
                    s = y[i]
                    for k in range(i + 1, n):
                        s -= L[k, i] * x[p, k]
                    x[p, i] = s * r[i] + 0.0  # no negative zeros
                    total += b[p, i] * x[p, i]
                f = c[p * c_step] + 0.5 * total
                good = np.isfinite(f)
                for i in range(n):
                    good = good and np.isfinite(x[p, i])
                value[p] = f + 0.0
            if not good:
                for i in range(n):
                    x[p, i] = 0.0
                value[p] = 0.0
            ok[p] = SOLVED if good else FALLBACK


#: Sizes up to this get a kernel unrolled for their ``n`` (scalars in registers).
UNROLLED_MAX = 8
_UNROLLED: dict = {}


def _problem_lines(n: int) -> list[str]:
    """One problem's straight-line code, problem index ``p``; names end in ``_`` (the lane)."""
    body = []
    for i in range(n):
        body.append(f"s{i}_{i}_ = 0.5 * A[p, {i}, {i}] + 0.5 * A[p, {i}, {i}]")
        for j in range(i):
            body.append(f"s{i}_{j}_ = 0.5 * A[p, {i}, {j}] + 0.5 * A[p, {j}, {i}]")
    entries = [f"s{i}_{j}_" for i in range(n) for j in range(i + 1)]
    body.append("check_ = " + " + ".join(f"({e} - {e})" for e in entries))
    body.append("largest_ = 0.0")
    body.extend(f"largest_ = max(largest_, s{i}_{i}_)" for i in range(n))
    body.append(f"tol_ = {n} * EPS * largest_")
    body.append("good_ = largest_ > 0.0")
    for j in range(n):
        body.append(f"d_ = s{j}_{j}_")
        body.extend(f"d_ -= l{j}_{k}_ * l{j}_{k}_" for k in range(j))
        body.append("good_ = good_ & (d_ > tol_)")
        body.append(f"l{j}_{j}_ = np.sqrt(d_)")
        body.append(f"r{j}_ = 1.0 / l{j}_{j}_")
        for i in range(j + 1, n):
            body.append(f"t_ = s{i}_{j}_")
            body.extend(f"t_ -= l{i}_{k}_ * l{j}_{k}_" for k in range(j))
            body.append(f"l{i}_{j}_ = t_ * r{j}_")
    for i in range(n):
        body.append(f"t_ = -0.5 * b[p, {i}]")
        body.extend(f"t_ -= l{i}_{k}_ * y{k}_" for k in range(i))
        body.append(f"y{i}_ = t_ * r{i}_")
    body.append("total_ = 0.0")
    for i in range(n - 1, -1, -1):
        body.append(f"t_ = y{i}_")
        body.extend(f"t_ -= l{k}_{i}_ * x{k}_" for k in range(i + 1, n))
        body.append(f"x{i}_ = t_ * r{i}_ + 0.0")
        body.append(f"total_ += b[p, {i}] * x{i}_")
    body.append("f_ = c[p * c_step] + 0.5 * total_ + 0.0")
    body.append("good_ = good_ & np.isfinite(f_)")
    body.extend(f"good_ = good_ & np.isfinite(x{i}_)" for i in range(n))
    body.append("if good_:")
    body.extend(f"    x[p, {i}] = x{i}_" for i in range(n))
    body.append("    value[p] = f_")
    body.append("else:")
    body.extend(f"    x[p, {i}] = 0.0" for i in range(n))
    body.append("    value[p] = 0.0")
    body.append("ok[p] = SOLVED if good_ else FALLBACK")
    body.append("if check_ != 0.0:  # NaN when an entry of A is not finite")
    body.append("    ok[p] = BAD_INPUT")
    return body


_LANE_NAME = re.compile(r"\b([A-Za-z]\w*_)(?!\w)")


def _interleave(body: list[str], lanes: int) -> list[str]:
    """``lanes`` independent problems ``p + k``, statement by statement (to hide latency)."""
    out = []
    statements, current = [], []
    for line in body:  # group an if/else block with its indented lines
        if line.startswith(" ") or line.startswith("else"):
            current.append(line)
        else:
            if current:
                statements.append(current)
            current = [line]
    statements.append(current)
    for statement in statements:
        for lane in range(lanes):
            for line in statement:
                line = _LANE_NAME.sub(lambda match, k=lane: f"{match.group(1)}{k}", line)
                line = line.replace("[p * c_step]", f"[(p + {lane}) * c_step]")
                out.append(line.replace("[p,", f"[p + {lane},").replace("[p]", f"[p + {lane}]"))
    return out


def lanes_for(n: int) -> int:
    """Problems interleaved by the unrolled kernel for ``n`` (more lanes compile slower)."""
    return 4 if n <= 4 else 2


def _unrolled_source(n: int, lanes: int | None = None) -> str:
    """Python source of :func:`cholesky_solve` unrolled for one ``n`` (same arithmetic order)."""
    lanes = lanes_for(n) if lanes is None else lanes
    body = _problem_lines(n)
    lines = [
        "def kernel(A, b, c, c_step, x, value, ok, n_blocks):",
        "    count = b.shape[0]",
        "    per_block = (count + n_blocks - 1) // n_blocks",
        "    for block in numba.prange(n_blocks):",
        "        start = block * per_block",
        "        stop = min(count, start + per_block)",
        "        p = start",
        f"        while p + {lanes} <= stop:",
        *("            " + line for line in _interleave(body, lanes)),
        f"            p += {lanes}",
        "        while p < stop:",
        *("            " + line for line in _interleave(body, 1)),
        "            p += 1",
    ]
    return "\n".join(lines) + "\n"


def kernel_for(n: int):
    """The unrolled kernel for ``n <= UNROLLED_MAX`` (compiled on first use), else the loop one."""
    if n > UNROLLED_MAX:
        return cholesky_solve
    if n not in _UNROLLED:
        namespace = {"numba": numba, "np": np, "EPS": EPS, "SOLVED": SOLVED,
                     "FALLBACK": FALLBACK, "BAD_INPUT": BAD_INPUT}
        exec(compile(_unrolled_source(n), f"<mathkit.quadratic._numba n={n}>", "exec"), namespace)
        _UNROLLED[n] = numba.njit(parallel=True, error_model="numpy")(namespace["kernel"])
    return _UNROLLED[n]
