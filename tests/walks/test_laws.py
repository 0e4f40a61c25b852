"""The distribution base class and TabulatedLaw: conventions shared by every law."""

import math
from fractions import Fraction

import numpy as np
import pytest
import sympy
from hypothesis import given
from hypothesis import strategies as st

from mathkit.walks import LawTable, SimpleWalk, TabulatedLaw, moments_from_pgf

weights = st.lists(st.integers(0, 20), min_size=1, max_size=12).filter(lambda w: sum(w) > 0)


def _tables(w, start, span):
    total = sum(w)
    exact = TabulatedLaw(start, [Fraction(v, total) for v in w], span=span)
    numeric = TabulatedLaw(start, np.array(w, dtype=float) / total, span=span)
    return exact, numeric


@given(w=weights, start=st.integers(-20, 20), span=st.integers(1, 3), k=st.floats(-40, 60))
def test_exact_and_float_tables_agree(w, start, span, k):
    exact, numeric = _tables(w, start, span)
    assert numeric.pmf(k) == pytest.approx(float(exact.pmf(k)), abs=1e-15)
    assert numeric.cdf(k) == pytest.approx(float(exact.cdf(k)), abs=1e-15)
    assert numeric.sf(k) == pytest.approx(float(exact.sf(k)), abs=1e-15)
    assert exact.cdf(k) + exact.sf(k) == 1


@given(w=weights, start=st.integers(-20, 20), span=st.integers(1, 3),
       q=st.floats(0, 1, exclude_min=True, exclude_max=True))
def test_ppf_is_the_generalized_inverse_of_cdf(w, start, span, q):
    exact, numeric = _tables(w, start, span)
    for law in (exact, numeric):
        assert law.ppf(1) == law.support()[1] and law.ppf(0) == law.support()[0] - 1
        k = law.ppf(q)
        assert law.pmf(k) > 0
        assert float(law.cdf(k)) >= q * (1 - 1e-15)
        assert float(law.cdf(k - 1)) < q * (1 + 1e-15)
    assert exact.ppf(q) == numeric.ppf(q) or abs(float(numeric.cdf(numeric.ppf(q))) - q) < 1e-14


@given(w=weights, start=st.integers(-20, 20), q=st.floats(0, 1))
def test_isf(w, start, q):
    exact, numeric = _tables(w, start, 1)
    for law in (exact, numeric):
        k = law.isf(q)
        assert float(law.sf(k)) <= q + 1e-15
        if k > law.support()[0] - 1:
            assert float(law.sf(k - 1)) > q - 1e-15


def test_scalar_and_array_outputs():
    law = TabulatedLaw(-1, [0.25, 0.5, 0.25])
    for method in (law.pmf, law.logpmf, law.cdf, law.logcdf, law.sf, law.logsf):
        assert isinstance(method(0), np.float64)
        assert method([[0, 1]]).shape == (1, 2)
    assert isinstance(law.ppf(0.3), np.float64)
    assert law.pmf(np.int64(0)) == 0.5
    assert law.logpmf(5) == -np.inf and law.logpmf(0.5) == -np.inf
    assert law.cdf(np.inf) == 1.0 and law.cdf(-np.inf) == 0.0
    assert law.cdf(0.99) == 0.75 and law.sf(-0.5) == 0.75
    assert law.ppf(0) == -2.0 and law.ppf(1) == 1.0
    assert law.support() == (-1, 1) and law.span == 1
    assert law.prob_finite() == 1.0
    assert law.std() == pytest.approx(math.sqrt(0.5))


def test_broadcasting_like_ufuncs():
    law = SimpleWalk(0.4).position(6)
    k = np.array([[-6], [0], [6]])
    assert law.pmf(k + np.zeros((1, 4))).shape == (3, 4)
    assert law.logcdf(np.arange(-8, 10).reshape(2, 1, -1)).shape == (2, 1, 9)


def test_log_tails_are_accurate_for_tables():
    tiny = 1e-300
    law = TabulatedLaw(0, [1 - 2 * tiny, tiny, tiny])
    assert law.logsf(0) == pytest.approx(math.log(2 * tiny))
    assert law.logsf(1) == pytest.approx(math.log(tiny))
    assert law.logcdf(0) == pytest.approx(-2 * tiny, rel=1e-12)


def test_exact_table_values_and_logs():
    law = TabulatedLaw(2, [Fraction(1, 3), Fraction(2, 3)])
    assert law.pmf(3) == Fraction(2, 3) and law.pmf(2.5) == 0
    assert law.cdf(2.9) == Fraction(1, 3)
    assert law.logpmf(3) == pytest.approx(math.log(2 / 3))
    assert law.logpmf(7) == -np.inf
    values = law.pmf([2, 3, 4])
    assert values.dtype == object and list(values) == [Fraction(1, 3), Fraction(2, 3), 0]
    assert law.mean() == Fraction(8, 3) and law.var() == Fraction(2, 9)
    tiny = TabulatedLaw(0, [1 - Fraction(1, 10**400), Fraction(1, 10**400)])
    assert tiny.logpmf(1) == pytest.approx(-400 * math.log(10))


def test_symbolic_table():
    a = sympy.Symbol("a")
    law = TabulatedLaw(0, [1 - a, a])
    assert law.is_symbolic
    assert law.pmf(1) == a
    assert sympy.simplify(law.logpmf(1) - sympy.log(a)) == 0
    z = sympy.Symbol("z")
    assert sympy.simplify(law.pgf(z) - (1 - a + a * z)) == 0
    assert law.pgf_moments() == (a, -a * (a - 1))
    with pytest.raises(TypeError, match="needs numeric probabilities"):
        law.rvs(3, rng=0)
    with pytest.raises(TypeError, match="needs numeric probabilities"):
        law.ppf(0.5)


def test_moments_from_pgf():
    z = sympy.Symbol("z")
    mean, var = moments_from_pgf((1 + z) ** 4 / 16, z)
    assert mean == 2 and var == 1


def test_table_truncation_reports_omitted_mass():
    law = SimpleWalk(0.5).position(1000)
    table = law.table(max_terms=101)
    assert isinstance(table, LawTable) and len(table) == 101
    assert table.values[50] == 0
    full = law.table()
    assert len(full) == 1001
    inside = math.fsum(table.probabilities)
    assert inside + table.omitted_mass == pytest.approx(1.0, abs=1e-14)
    assert table.omitted_mass == pytest.approx(2 * law.sf(100), rel=1e-12)
    with pytest.raises(ValueError, match="max_terms must be given"):
        SimpleWalk(0.5).position(10**12).table()
    big = SimpleWalk(0.5).position(10**12).table(max_terms=1001)
    assert big.omitted_mass == pytest.approx(1 - math.fsum(big.probabilities), abs=1e-14)
    exact = TabulatedLaw(0, [Fraction(1, 4), Fraction(1, 2), Fraction(1, 4)]).table(max_terms=1)
    assert list(exact.values) == [1] and exact.omitted_mass == Fraction(1, 2)


def test_pgf_numeric_and_symbolic():
    law = TabulatedLaw(-1, [0.25, 0.5, 0.25])
    assert law.pgf(2.0) == pytest.approx(0.125 + 0.5 + 0.5)
    assert law.pgf(1j) == pytest.approx(0.5 + 0.25 * (1j + 1 / 1j))
    z = sympy.Symbol("z")
    assert sympy.simplify(law.pgf(z) - (0.25 / z + 0.5 + 0.25 * z)) == 0
    with pytest.raises(ValueError, match="z must be non-zero"):
        law.pgf(0.0)
    with pytest.raises(ValueError, match="z must not be NaN"):
        law.pgf(float("nan"))


def test_rvs_argument_checks():
    law = TabulatedLaw(0, [0.5, 0.5])
    assert law.rvs(0, rng=1).shape == (0,)
    with pytest.raises(ValueError, match="size must be non-negative"):
        law.rvs(-1, rng=1)
    with pytest.raises(TypeError, match="size must be an int or a tuple of ints"):
        law.rvs(2.5, rng=1)
    with pytest.raises(TypeError):
        law.rvs(3, rng="seed")


@pytest.mark.parametrize("args, error, message", [
    ((0, []), ValueError, "probabilities must be a non-empty"),
    ((0, [0.5, -0.5, 1.0]), ValueError, r"probabilities\[1\] must be non-negative, got -0.5"),
    ((0, [0.5, 0.6]), ValueError, "probabilities must sum to 1"),
    ((0, [0.5, float("nan")]), ValueError, r"probabilities\[1\] must be finite, got nan"),
    ((0.5, [1.0]), TypeError, "values_start must be an integer"),
    ((0, [Fraction(1, 2), Fraction(1, 3)]), ValueError, "probabilities must sum to 1, got 5/6"),
    ((0, [Fraction(3, 2), Fraction(-1, 2)]), ValueError, r"probabilities\[1\] must be non-neg"),
    ((0, ["a", "b"]), TypeError, "probabilities must be real numbers"),
])
def test_bad_tables(args, error, message):
    with pytest.raises(error, match=message):
        TabulatedLaw(*args)


def test_bad_span():
    with pytest.raises(ValueError, match="span must be a positive integer, got 0"):
        TabulatedLaw(0, [1.0], span=0)


def test_bad_points():
    law = TabulatedLaw(0, [0.5, 0.5])
    with pytest.raises(ValueError, match=r"k must not be NaN, got nan at index \(1,\)"):
        law.pmf([0, float("nan")])
    with pytest.raises(TypeError, match="k must be real numbers"):
        law.cdf("a")
    with pytest.raises(TypeError, match="k must be real numbers"):
        law.pmf(1j)
    with pytest.raises(ValueError, match=r"q must be in \[0, 1\], got -0.5"):
        law.ppf(-0.5)
