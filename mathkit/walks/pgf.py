"""Generating functions of the simple random walk, and their coefficients.

For the simple walk (``+1`` with probability ``p``, ``-1`` with ``q = 1 - p``),
with ``rho(s) = sqrt(1 - 4 p q s^2)`` (Feller 1968, ch. XI.3 and XIV.4):

- step PGF ``G(z) = p z + q / z``; position PGF ``G(z)^n`` (any :class:`Walk`:
  ``sum_s P(X = s) z^s`` and its ``n``-th power);
- returns to 0: ``U(s) = sum_n P(S_n = 0) s^n = 1 / rho(s)``;
- first return: ``F(s) = E[s^T_0; T_0 < inf] = 1 - 1/U(s) = 1 - rho(s)``;
- first passage to ``r > 0``: ``Phi_r(s) = ((1 - rho(s)) / (2 q s))^r``,
  written here as ``(2 p s / (1 + rho(s)))^r`` (the same function, no 0/0 at
  ``s = 0`` or ``q = 0``); for ``r < 0`` swap ``p`` and ``q``;
- ruin time (absorbing at 0 and ``N``, start ``a``): with ``B_0 = 0``,
  ``B_1 = 1``, ``B_(k+1) = B_k - p q s^2 B_(k-1)`` (polynomials in ``s^2``),
  ``E[s^T; win] = (p s)^(N-a) B_a / B_N`` and ``E[s^T; ruin] = (q s)^a B_(N-a) / B_N``.
  This is Feller's ``(lambda_1^a - lambda_2^a) / (lambda_1^N - lambda_2^N)`` with
  ``lambda_(1,2) = (1 +- rho(s)) / (2 p s)`` (:func:`ruin_roots`), cleared of
  the square root, so it has no 0/0 at ``p = q``, ``s = 1``.

:class:`GeneratingFunction` holds one of these: ``expression`` is the sympy
form (symbolic ``p`` allowed); calling it evaluates numerically (numpy,
complex ``s`` allowed, ``|s| <= 1``). :func:`coefficients` extracts the
coefficients:

- **closed forms** for exact or symbolic ``p``: the binomial series
  ``(1 - x)^alpha = sum_j C(alpha, j) (-x)^j`` for ``U`` and ``F``
  (``[s^2j] U = C(2j, j) (pq)^j``, ``[s^2j] F = C(2j, j) (pq)^j / (2j - 1)``);
  Lagrange inversion for ``Phi_r``: ``w = Phi_1`` solves ``w = s (p + q w^2)``,
  so ``[s^n] w^r = (r/n) [w^(n-r)] (p + q w^2)^n
  = (r/n) C(n, (n+r)/2) p^((n+r)/2) q^((n-r)/2)`` (the hitting-time theorem);
  the binomial theorem for the position; exact power-series division for the
  ruin time. These work where :func:`sympy.fps` gives up on symbolic ``p``.
- **numeric** coefficients for float ``p``: the Cauchy integral on the circle
  ``|s| = R`` by one FFT of ``M`` points (``M`` a power of two,
  ``M >= 8 n_terms``, ``R^M = 1e-13``): aliasing adds at most ``1e-13`` and
  rounding at most ``~eps sqrt(M) R^-n``; absolute error below ``1e-12``
  (measured ``< 1e-14`` against the exact coefficients for ``n_terms <= 2000``,
  ``p`` from 0.01 to 0.9).
- any other sympy expression: its Taylor series by :func:`sympy.series`.

References: W. Feller, *An Introduction to Probability Theory and Its
Applications*, vol. 1, 3rd ed., 1968; H. S. Wilf, *generatingfunctionology*,
1994, ch. 5 (Lagrange inversion).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction

import numpy as np

from mathkit._validate import check_nonnegative_integer, check_positive_integer

__all__ = [
    "GeneratingFunction", "SeriesCoefficients", "coefficients", "first_passage_pgf",
    "first_return_pgf", "position_pgf", "return_pgf", "ruin_roots", "ruin_time_pgf", "step_pgf",
]

#: ``absorbed`` values of :func:`ruin_time_pgf`.
ABSORPTIONS = ("either", "zero", "target")
#: ``R^M`` of the FFT circle (the aliasing bound).
_ALIASING = 1e-13


# ---------------------------------------------------------------- the probability p


def _p_kind(walk) -> str:
    """"symbolic", "sympy" (a sympy Rational), "fraction" or "float"."""
    from mathkit.walks.steps import _is_sympy

    if _is_symbolic_walk(walk):
        return "symbolic"
    if not walk.is_exact:
        return "float"
    return "sympy" if any(_is_sympy(v) for v in walk.law.values()) else "fraction"


def _is_symbolic_walk(walk) -> bool:
    return bool(getattr(walk, "is_symbolic", False))


def _exact_p(walk):
    """``p`` as a Fraction (exact numeric walks) or a sympy expression (symbolic)."""
    kind = _p_kind(walk)
    if kind == "symbolic":
        return walk.p
    if kind == "sympy":
        return Fraction(int(walk.p.p), int(walk.p.q))
    return Fraction(walk.p)


def _output(walk, value):
    """An exact value in the walk's own kind (sympy Rational for a sympy ``p``)."""
    if _p_kind(walk) == "sympy" and isinstance(value, Fraction | int):
        import sympy

        return sympy.Rational(value.numerator, value.denominator)
    return value


def _sympy_p(walk):
    import sympy

    kind = _p_kind(walk)
    if kind == "float":
        return sympy.Float(walk.p, 17)
    if kind == "fraction":
        return sympy.Rational(walk.p.numerator, walk.p.denominator)
    return walk.p


def _check_simple(walk, what: str):
    from mathkit.walks.steps import SimpleWalk, Walk

    if not isinstance(walk, SimpleWalk):
        kind = "a Walk" if isinstance(walk, Walk) else type(walk).__name__
        msg = f"{what} needs a SimpleWalk, got {kind}"
        raise TypeError(msg)


# ---------------------------------------------------------------- results


@dataclass(frozen=True)
class SeriesCoefficients:
    """Coefficients of a generating function: ``[s^powers[i]] f = values[i]``.

    Attributes
    ----------
    powers : numpy.ndarray of int64
        The powers, consecutive and increasing (negative for a Laurent
        polynomial such as the position PGF).
    values : tuple or numpy.ndarray
        Exact (Fractions, sympy numbers or expressions) in a tuple, or a
        float64 array.
    method : str
        ``"closed form"``, ``"series division"``, ``"sympy series"`` or ``"fft"``.
    """

    powers: np.ndarray
    values: tuple | np.ndarray
    method: str

    def __len__(self) -> int:
        return len(self.powers)

    def coefficient(self, power: int):
        """The coefficient of ``s^power`` (0 outside the computed range is an error).

        Raises
        ------
        ValueError
            If ``power`` is outside the computed powers.
        """
        index = int(power) - int(self.powers[0])
        if not 0 <= index < len(self.powers):
            msg = (f"power must be in [{self.powers[0]}, {self.powers[-1]}], got {power}")
            raise ValueError(msg)
        return self.values[index]


@dataclass(frozen=True)
class GeneratingFunction:
    """A generating function of a walk: sympy expression, numeric evaluation, coefficients.

    Build it with :func:`step_pgf`, :func:`position_pgf`, :func:`return_pgf`,
    :func:`first_return_pgf`, :func:`first_passage_pgf` or
    :func:`ruin_time_pgf`.

    Attributes
    ----------
    kind : str
        One of ``"step"``, ``"position"``, ``"returns"``, ``"first_return"``,
        ``"first_passage"``, ``"ruin_time"``.
    walk : Walk
        The walk.
    parameters : tuple
        ``(n,)`` for the position, ``(r,)`` for first passage,
        ``(start, target, absorbed)`` for the ruin time, ``()`` otherwise.
    variable : sympy.Symbol
        The variable of :attr:`expression`.

    Examples
    --------
    >>> import sympy
    >>> from mathkit.walks import SimpleWalk
    >>> F = first_return_pgf(SimpleWalk(sympy.Rational(1, 2)))
    >>> F.expression
    1 - sqrt(1 - s**2)
    >>> float(F(0.5))  # 1 - sqrt(3/4)
    0.1339745962155614
    >>> F.coefficients(7).values
    (0, 0, 1/2, 0, 1/8, 0, 1/16)
    """

    kind: str
    walk: object
    parameters: tuple
    variable: object

    @property
    def radius(self) -> float:
        """Radius of convergence of the series: ``inf`` for the step and position laws.

        ``1 / (2 sqrt(pq))`` for returns, first return and first passage
        (Feller 1968, ch. XI.3), ``1 / (2 sqrt(pq) cos(pi / target))`` for the
        ruin time (the largest eigenvalue of the chain inside, Feller ch. XIV.5).
        """
        if self.kind in ("step", "position") or _is_symbolic_walk(self.walk):
            return math.inf
        p, q = _float_pq(self)
        rate = 2 * math.sqrt(p * q)
        if self.kind == "ruin_time":
            start, target, _ = self.parameters
            # target 2 from 1 ends at time 1 (and cos(pi/2) would round to 6e-17, not 0)
            rate *= math.cos(math.pi / target) if 0 < start < target and target > 2 else 0.0
        return math.inf if rate == 0 else 1 / rate

    @property
    def lowest_power(self) -> int:
        """The lowest power with a possibly non-zero coefficient."""
        if self.kind == "step":
            return min(self.walk.law)
        if self.kind == "position":
            return self.parameters[0] * min(self.walk.law)
        return 0

    @property
    def expression(self):
        """The sympy expression in :attr:`variable` (floats ``p`` as sympy Floats)."""
        return _EXPRESSIONS[self.kind](self)

    def __call__(self, s):
        """Evaluate at numeric ``s`` (array_like, complex allowed) within :attr:`radius`.

        Returns numpy values; a sympy expression for a symbolic walk or a sympy ``s``.
        On the circle of convergence a divergent series gives ``inf``.

        Raises
        ------
        ValueError
            If some ``|s|`` exceeds :attr:`radius`, where the series diverges
            (the closed form would return its analytic continuation instead).
        """
        from mathkit.walks.steps import _is_sympy

        if _is_sympy(s) or _is_symbolic_walk(self.walk):
            return self.expression.subs(self.variable, s)
        return self._evaluate(s, "s")

    def _evaluate(self, s, name: str):
        """Numeric evaluation; errors name the argument ``name``."""
        s = np.asarray(s)
        if s.dtype.kind not in "biufc":
            msg = f"{name} must be a number or an array of numbers, got dtype {s.dtype}"
            raise TypeError(msg)
        s = s.astype(np.complex128 if s.dtype.kind == "c" else np.float64)
        if np.isnan(s).any():
            msg = f"{name} must not be NaN, got nan"
            raise ValueError(msg)
        radius = self.radius
        outside = np.abs(s) > radius * (1 + 1e-12)
        if outside.any():
            msg = (f"{name} must satisfy |{name}| <= {radius:.17g}, the radius of convergence "
                   f"of this {self.kind} generating function, got {s[outside].flat[0]}")
            raise ValueError(msg)
        with np.errstate(divide="ignore", invalid="ignore"):  # poles on the circle: inf
            value = _EVALUATORS[self.kind](self, s)
        if s.dtype.kind != "c":
            value = np.real(value)
        return np.asarray(value)[()]

    def coefficients(self, n_terms: int) -> SeriesCoefficients:
        """The first ``n_terms`` coefficients; see :func:`coefficients`."""
        return coefficients(self, n_terms)


def _variable(name, variable):
    import sympy

    if variable is None:
        return sympy.Symbol(name)
    if not isinstance(variable, sympy.Symbol):
        msg = f"variable must be a sympy Symbol, got {type(variable).__name__}"
        raise TypeError(msg)
    return variable


# ---------------------------------------------------------------- constructors


def step_pgf(walk, variable=None) -> GeneratingFunction:
    """The step PGF ``G(z) = E[z^X] = sum_s P(X = s) z^s`` of any :class:`Walk`.

    Parameters
    ----------
    walk : Walk
        Any walk (``SimpleWalk``: ``p z + q / z``).
    variable : sympy.Symbol, optional
        Default ``z``.

    Returns
    -------
    GeneratingFunction

    Raises
    ------
    TypeError
        If ``walk`` is not a :class:`Walk` or ``variable`` not a sympy Symbol.

    Notes
    -----
    ``E[X] = G'(1)``, ``Var X = G''(1) + G'(1) - G'(1)^2`` (Feller 1968, ch. XI.1).

    Examples
    --------
    >>> import sympy
    >>> from mathkit.walks import SimpleWalk
    >>> step_pgf(SimpleWalk(sympy.Symbol("p"))).expression
    p*z + (1 - p)/z
    """
    from mathkit.walks.steps import Walk

    if not isinstance(walk, Walk):
        msg = f"walk must be a Walk, got {type(walk).__name__}"
        raise TypeError(msg)
    return GeneratingFunction("step", walk, (), _variable("z", variable))


def position_pgf(walk, n, variable=None) -> GeneratingFunction:
    """The PGF ``G(z)^n`` of the position ``S_n`` of any :class:`Walk`.

    Parameters
    ----------
    walk : Walk
        Any walk.
    n : int
        Number of steps, ``n >= 0``.
    variable : sympy.Symbol, optional
        Default ``z``.

    Returns
    -------
    GeneratingFunction

    Raises
    ------
    TypeError, ValueError
        If ``n`` is not a non-negative integer, or ``walk`` is not a Walk.

    Notes
    -----
    Sums of independent steps multiply PGFs. For the simple walk
    ``[z^k] (p z + q/z)^n = C(n, (n+k)/2) p^((n+k)/2) q^((n-k)/2)`` (binomial theorem).

    Examples
    --------
    >>> import sympy
    >>> from mathkit.walks import SimpleWalk
    >>> position_pgf(SimpleWalk(sympy.Rational(1, 2)), 2).coefficients(5).values
    (1/4, 0, 1/2, 0, 1/4)
    """
    n = check_nonnegative_integer(n, "n")
    step = step_pgf(walk, variable)
    return GeneratingFunction("position", walk, (n,), step.variable)


def return_pgf(walk, variable=None) -> GeneratingFunction:
    """``U(s) = sum_n P(S_n = 0) s^n = 1 / sqrt(1 - 4 p q s^2)`` for a :class:`SimpleWalk`.

    Parameters
    ----------
    walk : SimpleWalk
        ``p`` float, Fraction, sympy Rational or symbolic.
    variable : sympy.Symbol, optional
        Default ``s``.

    Returns
    -------
    GeneratingFunction
        ``U(1) = 1 / |p - q|``: the expected number of visits to 0 (infinite for ``p = 1/2``).

    Raises
    ------
    TypeError
        If ``walk`` is not a SimpleWalk.

    Notes
    -----
    ``u_2n = C(2n, n) (pq)^n`` and ``C(2n, n) = (-4)^n C(-1/2, n)``: the
    binomial series of ``(1 - 4pq s^2)^(-1/2)`` (Feller 1968, ch. XI.3).

    Examples
    --------
    >>> import sympy
    >>> from mathkit.walks import SimpleWalk
    >>> return_pgf(SimpleWalk(sympy.Rational(1, 3))).coefficients(5).values
    (1, 0, 4/9, 0, 8/27)
    """
    _check_simple(walk, "return_pgf")
    return GeneratingFunction("returns", walk, (), _variable("s", variable))


def first_return_pgf(walk, variable=None) -> GeneratingFunction:
    """``F(s) = E[s^T_0; T_0 < inf] = 1 - 1/U(s) = 1 - sqrt(1 - 4 p q s^2)``.

    Parameters
    ----------
    walk : SimpleWalk
        ``p`` float, Fraction, sympy Rational or symbolic.
    variable : sympy.Symbol, optional
        Default ``s``.

    Returns
    -------
    GeneratingFunction
        ``F(1) = 1 - |p - q|``, the return probability.

    Raises
    ------
    TypeError
        If ``walk`` is not a SimpleWalk.

    Notes
    -----
    Renewal: ``U = 1 + F U``. ``[s^2n] F = C(2n, n) (pq)^n / (2n - 1)``
    (Feller 1968, ch. XI.3).

    Examples
    --------
    >>> import sympy
    >>> from mathkit.walks import SimpleWalk
    >>> p = sympy.Symbol("p")
    >>> first_return_pgf(SimpleWalk(p)).coefficients(5).values[4]
    2*p**2*(1 - p)**2
    """
    _check_simple(walk, "first_return_pgf")
    return GeneratingFunction("first_return", walk, (), _variable("s", variable))


def first_passage_pgf(walk, r, variable=None) -> GeneratingFunction:
    """``Phi_r(s) = E[s^T_r; T_r < inf]``, first passage to ``r != 0``.

    Parameters
    ----------
    walk : SimpleWalk
        ``p`` float, Fraction, sympy Rational or symbolic.
    r : int
        The level, non-zero.
    variable : sympy.Symbol, optional
        Default ``s``.

    Returns
    -------
    GeneratingFunction
        ``((1 - sqrt(1 - 4pq s^2)) / (2 q s))^r`` for ``r > 0``, written
        ``(2 p s / (1 + sqrt(1 - 4pq s^2)))^r``; ``p``, ``q`` swapped for ``r < 0``.

    Raises
    ------
    TypeError
        If ``walk`` is not a SimpleWalk or ``r`` not an integer.
    ValueError
        If ``r`` is 0.

    Notes
    -----
    ``Phi_1`` is the root of ``w = s (p + q w^2)`` that vanishes at 0 (first
    step up, or down and then twice up); Lagrange inversion gives
    ``[s^n] Phi_r = (|r|/n) P(S_n = r)``, the hitting-time theorem (Feller 1968,
    ch. XI.3; Wilf 1994, ch. 5).

    Examples
    --------
    >>> import sympy
    >>> from mathkit.walks import SimpleWalk
    >>> p = sympy.Symbol("p")
    >>> first_passage_pgf(SimpleWalk(p), 2).coefficients(5).values[4]
    2*p**3*(1 - p)
    """
    from mathkit.walks.passage import check_level

    _check_simple(walk, "first_passage_pgf")
    return GeneratingFunction("first_passage", walk, (check_level(r),), _variable("s", variable))


def ruin_time_pgf(walk, start, target, absorbed: str = "either",
                  variable=None) -> GeneratingFunction:
    """PGF of the absorption time of the walk started at ``start`` between 0 and ``target``.

    Parameters
    ----------
    walk : SimpleWalk
        ``p`` float, Fraction, sympy Rational or symbolic.
    start, target : int
        ``0 <= start <= target``, ``target >= 1``.
    absorbed : {"either", "zero", "target"}
        ``E[s^T]``, ``E[s^T; ruin]`` (absorbed at 0) or ``E[s^T; win]``.
    variable : sympy.Symbol, optional
        Default ``s``.

    Returns
    -------
    GeneratingFunction
        A rational function of ``s`` (see the module notes).

    Raises
    ------
    TypeError, ValueError
        For a walk that is not a SimpleWalk, non-integer ``start``/``target``,
        ``target < 1``, ``start`` outside ``[0, target]``, or an unknown ``absorbed``.

    Notes
    -----
    ``E[s^T; win]`` from ``a`` solves ``w_a = s (p w_(a+1) + q w_(a-1))``,
    ``w_0 = 0``, ``w_N = 1``: ``w_a = (p s)^(N-a) B_a / B_N``; equivalently
    ``(lambda_1^a - lambda_2^a) / (lambda_1^N - lambda_2^N)`` (Feller 1968, ch. XIV.4).

    Examples
    --------
    >>> import sympy
    >>> from mathkit.walks import SimpleWalk
    >>> g = ruin_time_pgf(SimpleWalk(sympy.Rational(1, 2)), 1, 3)
    >>> g.expression  # (s^2/4 + s/2) / (1 - s^2/4)
    -s/(s - 2)
    >>> g.coefficients(6).values
    (0, 1/2, 1/4, 1/8, 1/16, 1/32)
    """
    from mathkit._validate import check_one_of

    _check_simple(walk, "ruin_time_pgf")
    start, target = check_ruin_bounds(start, target)
    absorbed = check_one_of(absorbed, "absorbed", ABSORPTIONS)
    return GeneratingFunction("ruin_time", walk, (start, target, absorbed),
                              _variable("s", variable))


def check_ruin_bounds(start, target) -> tuple[int, int]:
    """``(start, target)`` as ints with ``target >= 1`` and ``0 <= start <= target``."""
    from mathkit._validate import _integer

    start = _integer(start, "start", "an integer")
    target = check_positive_integer(target, "target")
    if not 0 <= start <= target:
        msg = f"start must be in [0, target] = [0, {target}], got {start}"
        raise ValueError(msg)
    return start, target


def ruin_roots(walk, variable=None) -> tuple:
    """``lambda_(1,2)(s) = (1 +- sqrt(1 - 4pq s^2)) / (2ps)``: the roots of ``ps x^2 - x + qs = 0``.

    Parameters
    ----------
    walk : SimpleWalk
        ``p`` exact or symbolic (floats become sympy Floats).
    variable : sympy.Symbol, optional
        Default ``s``.

    Returns
    -------
    tuple of two sympy expressions

    Raises
    ------
    TypeError
        If ``walk`` is not a SimpleWalk.

    Notes
    -----
    ``x^a`` solves ``x^a = s (p x^(a+1) + q x^(a-1))`` exactly for these
    roots; ``E[s^T; win] = (lambda_1^a - lambda_2^a) / (lambda_1^N - lambda_2^N)``
    (Feller 1968, ch. XIV.4). ``lambda_1 lambda_2 = q / p``.

    Examples
    --------
    >>> import sympy
    >>> from mathkit.walks import SimpleWalk
    >>> l1, l2 = ruin_roots(SimpleWalk(sympy.Rational(1, 2)))
    >>> sympy.simplify(l1 * l2)
    1
    """
    import sympy

    _check_simple(walk, "ruin_roots")
    s = _variable("s", variable)
    p = _sympy_p(walk)
    root = sympy.sqrt(1 - 4 * p * (1 - p) * s**2)
    return (1 + root) / (2 * p * s), (1 - root) / (2 * p * s)


# ---------------------------------------------------------------- sympy expressions


def _pq_symbolic(g):
    p = _sympy_p(g.walk)
    return p, 1 - p


def _step_expression(g):
    import sympy

    z = g.variable
    if _is_symbolic_walk(g.walk):
        return g.walk.pgf(z)
    terms = [_sympy_number(v) * z**s for s, v in g.walk.law.items()]
    return sympy.Add(*terms)


def _sympy_number(value):
    import sympy

    if isinstance(value, Fraction):
        return sympy.Rational(value.numerator, value.denominator)
    if isinstance(value, float):
        return sympy.Float(value, 17)
    return sympy.sympify(value)


def _position_expression(g):
    return _step_expression(g) ** g.parameters[0]


def _rho_expression(g):
    import sympy

    p, q = _pq_symbolic(g)
    return sympy.sqrt(1 - 4 * p * q * g.variable**2)


def _returns_expression(g):
    return 1 / _rho_expression(g)


def _first_return_expression(g):
    return 1 - _rho_expression(g)


def _first_passage_expression(g):
    p, q = _pq_symbolic(g)
    r = g.parameters[0]
    up = p if r > 0 else q
    return (2 * up * g.variable / (1 + _rho_expression(g))) ** abs(r)


def _b_polynomials(pq, s2, count: int, one=1) -> list:
    """``B_0..B_(count-1)``: ``B_0 = 0``, ``B_1 = 1``, ``B_(k+1) = B_k - pq s2 B_(k-1)``."""
    values = [one - one, one]
    while len(values) < count:
        values.append(values[-1] - pq * s2 * values[-2])
    return values[:count]


def _ruin_time_expression(g):
    import sympy

    p, q = _pq_symbolic(g)
    s = g.variable
    start, target, absorbed = g.parameters
    b = [sympy.expand(v) for v in _b_polynomials(p * q, s**2, target + 1, sympy.Integer(1))]
    win = (p * s) ** (target - start) * b[start]
    ruin = (q * s) ** start * b[target - start]
    numerator = {"either": win + ruin, "zero": ruin, "target": win}[absorbed]
    return sympy.factor(sympy.cancel(numerator / b[target]))


_EXPRESSIONS = {
    "step": _step_expression, "position": _position_expression, "returns": _returns_expression,
    "first_return": _first_return_expression, "first_passage": _first_passage_expression,
    "ruin_time": _ruin_time_expression,
}


# ---------------------------------------------------------------- numeric evaluation


def _float_pq(g):
    p = float(g.walk.p)
    return p, 1.0 - p


def _rho(g, s):
    p, q = _float_pq(g)
    return np.sqrt(1 - 4 * p * q * s**2 + 0j)


def _evaluate_step(g, s):
    return sum(float(v) * s**k for k, v in g.walk.law.items() if v != 0)


def _evaluate_position(g, s):
    return _evaluate_step(g, s) ** g.parameters[0]


def _evaluate_returns(g, s):
    return 1 / _rho(g, s)


def _evaluate_first_return(g, s):
    return 1 - _rho(g, s)


def _evaluate_first_passage(g, s):
    p, q = _float_pq(g)
    r = g.parameters[0]
    up = p if r > 0 else q
    return (2 * up * s / (1 + _rho(g, s))) ** abs(r)


def _evaluate_ruin_time(g, s):
    p, q = _float_pq(g)
    start, target, absorbed = g.parameters
    b = _b_polynomials(p * q, s * s + 0j, target + 1, np.ones_like(s, dtype=complex))
    win = (p * s) ** (target - start) * b[start]
    ruin = (q * s) ** start * b[target - start]
    numerator = {"either": win + ruin, "zero": ruin, "target": win}[absorbed]
    return numerator / b[target]


_EVALUATORS = {
    "step": _evaluate_step, "position": _evaluate_position, "returns": _evaluate_returns,
    "first_return": _evaluate_first_return, "first_passage": _evaluate_first_passage,
    "ruin_time": _evaluate_ruin_time,
}


# ---------------------------------------------------------------- coefficients


def coefficients(pgf, n_terms, variable=None, method: str = "auto") -> SeriesCoefficients:
    """The first ``n_terms`` coefficients of a generating function.

    Parameters
    ----------
    pgf : GeneratingFunction or sympy expression
        A :class:`GeneratingFunction`, or any sympy expression analytic at 0
        (then ``variable`` is required).
    n_terms : int
        Number of coefficients, ``>= 1``, from :attr:`GeneratingFunction.lowest_power` up.
    variable : sympy.Symbol, optional
        The variable of a plain sympy expression.
    method : {"auto", "exact", "fft"}
        ``"auto"``: exact (closed forms or series division) for exact or
        symbolic ``p``, FFT for float ``p``. ``"fft"`` forces the numeric
        route (numeric ``p`` only).

    Returns
    -------
    SeriesCoefficients

    Raises
    ------
    TypeError
        For a plain expression without ``variable``, ``method="fft"`` with
        symbolic ``p``, or ``method="exact"`` with float ``p``.
    ValueError
        If ``n_terms`` is not a positive integer or ``method`` is unknown.

    Notes
    -----
    See the module notes for the closed forms and the FFT's accuracy
    (absolute error below ``1e-12``).

    Examples
    --------
    >>> import sympy
    >>> from mathkit.walks import SimpleWalk
    >>> p = sympy.Symbol("p")
    >>> coefficients(return_pgf(SimpleWalk(p)), 5).values[4]
    6*p**2*(1 - p)**2
    >>> c = coefficients(first_passage_pgf(SimpleWalk(0.5), 1), 4)
    >>> c.method, [round(float(v), 12) for v in c.values]
    ('fft', [0.0, 0.5, 0.0, 0.125])
    """
    from mathkit._validate import check_one_of

    n_terms = check_positive_integer(n_terms, "n_terms")
    method = check_one_of(method, "method", ("auto", "exact", "fft"))
    if not isinstance(pgf, GeneratingFunction):
        return _sympy_series(pgf, n_terms, variable)
    numeric = not pgf.walk.is_exact
    if method == "fft" or (method == "auto" and numeric):
        if _is_symbolic_walk(pgf.walk):
            msg = "method='fft' needs a numeric p; this walk's p is symbolic"
            raise TypeError(msg)
        return _fft_coefficients(pgf, n_terms)
    if numeric:
        msg = "method='exact' needs an exact or symbolic p, got a float p"
        raise TypeError(msg)
    values, method_name = _EXACT[pgf.kind](pgf, n_terms)
    powers = pgf.lowest_power + np.arange(n_terms, dtype=np.int64)
    return SeriesCoefficients(powers, tuple(_output(pgf.walk, v) for v in values), method_name)


def _sympy_series(expression, n_terms: int, variable) -> SeriesCoefficients:
    import sympy

    if variable is None:
        msg = "variable must be given (a sympy Symbol) for a plain sympy expression"
        raise TypeError(msg)
    variable = _variable("s", variable)
    expression = sympy.sympify(expression)
    series = sympy.series(expression, variable, 0, n_terms).removeO()
    values = tuple(sympy.simplify(series.coeff(variable, k)) if k else
                   sympy.simplify(series.subs(variable, 0)) for k in range(n_terms))
    return SeriesCoefficients(np.arange(n_terms, dtype=np.int64), values, "sympy series")


def _zero_one(walk):
    """Exact 0 and 1 in the walk's arithmetic (Fractions, or sympy for symbolic p)."""
    if _is_symbolic_walk(walk):
        import sympy

        return sympy.Integer(0), sympy.Integer(1)
    return Fraction(0), Fraction(1)


def _binomial_series(alpha: Fraction, count: int) -> list[Fraction]:
    """``C(alpha, j) (-4)^j`` for ``j < count``: ``[x^j] (1 - 4x)^alpha``."""
    values = [Fraction(1)]
    for j in range(count - 1):
        values.append(values[-1] * (alpha - j) / (j + 1) * -4)
    return values


def _even_series(g, n_terms: int, factors: list) -> list:
    """``sum_j factors[j] (pq s^2)^j`` as the coefficients of ``s^0..s^(n_terms-1)``."""
    zero, _ = _zero_one(g.walk)
    p = _exact_p(g.walk)
    pq = p * (1 - p)
    out = [zero] * n_terms
    power = zero + 1
    for j in range(0, (n_terms + 1) // 2):
        out[2 * j] = factors[j] * power
        power = power * pq
    return out


def _expand(value):
    """sympy's ``expand`` for symbolic values (keeps the series division polynomial)."""
    from mathkit.walks.steps import _is_symbolic

    if _is_symbolic(value):
        import sympy

        return sympy.expand(value)
    return value


def _exact_returns(g, n_terms):
    factors = _binomial_series(Fraction(-1, 2), (n_terms + 1) // 2)
    return _even_series(g, n_terms, factors), "closed form"


def _exact_first_return(g, n_terms):
    factors = [-c for c in _binomial_series(Fraction(1, 2), (n_terms + 1) // 2)]
    factors[0] = Fraction(0)  # 1 - sqrt(...) has no constant term
    return _even_series(g, n_terms, factors), "closed form"


def _lagrange_power(r: int, n: int, a, b, m: int):
    """``[s^n] w^r`` for ``w = s (a + b w^m)``, ``r, n >= 1``: ``(r/n) [w^(n-r)] (a + b w^m)^n``."""
    if n < r or (n - r) % m:
        return a - a
    j = (n - r) // m
    return Fraction(r * math.comb(n, j), n) * a ** (n - j) * b**j


def _exact_first_passage(g, n_terms):
    p = _exact_p(g.walk)
    q = 1 - p
    r = g.parameters[0]
    up, down = (p, q) if r > 0 else (q, p)
    zero, _ = _zero_one(g.walk)
    # w = Phi_1 solves w = s (up + down w^2): a step up, or a step down then two passages up
    values = [zero] + [_lagrange_power(abs(r), n, up, down, 2) + zero for n in range(1, n_terms)]
    return values, "closed form"


def _exact_step(g, n_terms):
    zero, _ = _zero_one(g.walk)
    law = g.walk.law
    low = min(law)
    values = [law.get(low + i, zero) for i in range(n_terms)]
    return [_exact_value(v) for v in values], "closed form"


def _exact_value(value):
    from mathkit.walks.steps import _is_symbolic, _is_sympy

    if _is_sympy(value) and not _is_symbolic(value):
        return Fraction(int(value.p), int(value.q))
    return value


def _exact_position(g, n_terms):
    from mathkit.walks.steps import SimpleWalk

    n = g.parameters[0]
    zero, _ = _zero_one(g.walk)
    if isinstance(g.walk, SimpleWalk):
        p = _exact_p(g.walk)
        values = []
        for i in range(n_terms):  # power -n + i: (n + k)/2 = i/2 steps up
            up, odd = divmod(i, 2)
            ok = not odd and up <= n
            values.append(math.comb(n, up) * p**up * (1 - p) ** (n - up) if ok else zero)
        return values, "closed form"
    table = g.walk.position(n).table()
    lattice = dict(zip(table.values.tolist(), table.probabilities, strict=True))
    low = g.lowest_power
    return [_exact_value(lattice.get(low + i, zero)) for i in range(n_terms)], "closed form"


def _exact_ruin_time(g, n_terms):
    """Power-series division ``numerator / B_N`` in exact arithmetic (``B_N(0) = 1``)."""
    p = _exact_p(g.walk)
    q = 1 - p
    zero, one = _zero_one(g.walk)
    start, target, absorbed = g.parameters
    b = [_poly_coefficients(v, n_terms)
         for v in _poly_b(_expand(p * q), target + 1, zero, one)]
    win = _shift(_scale(b[start], p ** (target - start)), target - start, n_terms, zero)
    ruin = _shift(_scale(b[target - start], q**start), start, n_terms, zero)
    numerator = {"either": [x + y for x, y in zip(win, ruin, strict=True)],
                 "zero": ruin, "target": win}[absorbed]
    denominator = b[target]
    out = []
    for n in range(n_terms):
        value = numerator[n] - sum((denominator[k] * out[n - k] for k in range(1, n + 1)
                                    if denominator[k] != 0), zero)
        out.append(_expand(value))
    return out, "series division"


def _poly_b(pq, count, zero, one) -> list[dict]:
    """``B_k`` as ``{power of s: coefficient}``: ``B_(k+1) = B_k - pq s^2 B_(k-1)``."""
    values = [{}, {0: one}]
    while len(values) < count:
        last, before = values[-1], values[-2]
        new = dict(last)
        for power, c in before.items():
            new[power + 2] = _expand(new.get(power + 2, zero) - pq * c)
        values.append(new)
    return values[:count]


def _poly_coefficients(poly: dict, n_terms: int) -> list:
    zero = next(iter(poly.values())) * 0 if poly else 0
    return [poly.get(k, zero) for k in range(n_terms)]


def _scale(values, factor):
    return [v * factor for v in values]


def _shift(values, by: int, n_terms: int, zero) -> list:
    return ([zero] * by + values)[:n_terms] if by < n_terms else [zero] * n_terms


_EXACT = {
    "step": _exact_step, "position": _exact_position, "returns": _exact_returns,
    "first_return": _exact_first_return, "first_passage": _exact_first_passage,
    "ruin_time": _exact_ruin_time,
}


def _fft_coefficients(g, n_terms: int) -> SeriesCoefficients:
    """Cauchy integral on ``|s| = R`` by one FFT (see the module notes for the error)."""
    low = g.lowest_power
    if g.kind in ("step", "position"):
        # a Laurent polynomial: M above its width makes the transform exact (R = 1)
        width = (max(g.walk.law) - min(g.walk.law)) * (g.parameters[0] if g.parameters else 1)
        size = 1 << max(6, int(max(n_terms, width + 1) - 1).bit_length())
        radius = 1.0
    else:
        size = 1 << max(6, int(8 * n_terms - 1).bit_length())
        radius = _ALIASING ** (1.0 / size)
    points = radius * np.exp(2j * np.pi * np.arange(size) / size)
    values = g(points) * points ** (-low)
    series = np.fft.fft(values) / size
    k = np.arange(n_terms)
    powers = low + k.astype(np.int64)
    # every coefficient here is a probability or an expected count: >= 0, and exactly 0
    # off the walk's lattice, where the transform leaves only rounding noise
    out = np.maximum(np.real(series[k]) / radius**k, 0.0)
    out[_off_lattice(g, powers)] = 0.0
    return SeriesCoefficients(powers, out, "fft")


def _off_lattice(g, powers: np.ndarray) -> np.ndarray:
    """Powers whose coefficient is 0 by the walk's lattice: parity and first possible time."""
    steps, span = g.walk.steps, g.walk.span
    if g.kind == "step":
        return ~np.isin(powers, steps)
    if g.kind == "position":
        n, low = g.parameters[0], steps[0]
        lattice = (powers - n * low) % span == 0 if span else powers == n * low
        return ~lattice | (powers > n * steps[-1])
    def before_or_off_parity(first: int) -> np.ndarray:
        """Off the times ``first, first + 2, ...`` of a walk that needs ``first`` steps."""
        return (powers < first) | (powers % 2 != first % 2)

    if g.kind in ("returns", "first_return"):
        return before_or_off_parity(0 if g.kind == "returns" else 2)
    if g.kind == "first_passage":
        return before_or_off_parity(abs(g.parameters[0]))
    start, target, absorbed = g.parameters  # ruin time: absorbed at 0 or at the target
    ruin, win = before_or_off_parity(start), before_or_off_parity(target - start)
    return {"zero": ruin, "target": win, "either": ruin & win}[absorbed]
