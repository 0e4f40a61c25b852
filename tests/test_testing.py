"""Tests for mathkit.testing: the strategies give what they promise."""

import importlib
import math
import sys
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import find, given
from hypothesis import strategies as st

from mathkit._random import key_from_rng
from mathkit.testing import (
    finite_arrays,
    finite_floats,
    nonzero_vectors,
    probabilities,
    seeds,
)

TINY = sys.float_info.min


# --- finite_floats -----------------------------------------------------------


@given(finite_floats())
def test_finite_floats_are_finite(value):
    assert isinstance(value, float) and math.isfinite(value)


@given(finite_floats(-2.5, 1e-3))
def test_finite_floats_respect_bounds(value):
    assert -2.5 <= value <= 1e-3


@pytest.mark.parametrize(("width", "dtype"), [(16, np.float16), (32, np.float32)])
@given(data=st.data())
def test_finite_floats_of_a_width_are_representable(width, dtype, data):
    value = data.draw(finite_floats(width=width))
    assert float(dtype(value)) == value and math.isfinite(value)


@given(finite_floats(0.1, 0.2, width=32))
def test_bounds_are_rounded_inward_for_narrow_widths(value):
    assert 0.1 <= value <= 0.2
    assert float(np.float32(value)) == value


@given(finite_floats(allow_subnormal=False))
def test_no_subnormals_when_asked(value):
    assert value == 0 or abs(value) >= TINY


def test_finite_floats_reach_the_edge_cases():
    assert math.copysign(1, find(finite_floats(), lambda v: v == 0 and math.copysign(1, v) < 0)) < 0
    assert 0 < find(finite_floats(), lambda v: 0 < v < TINY) < TINY
    assert find(finite_floats(), lambda v: v > 1e300) > 1e300


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"min_value": 2.0, "max_value": 1.0}, ValueError,
         "min_value must be <= max_value, got min_value=2.0, max_value=1.0"),
        ({"min_value": math.nan}, ValueError, "min_value must be finite, got nan"),
        ({"max_value": math.inf}, ValueError, "max_value must be finite, got inf"),
        ({"min_value": "0"}, TypeError, "min_value must be a real number or None"),
        ({"width": 8}, ValueError, "width must be 16, 32 or 64, got 8"),
        ({"width": 16, "min_value": 1e6}, ValueError, "no float16 value lies in"),
        ({"width": 32, "min_value": 0.1, "max_value": 0.1}, ValueError, "no float32 value"),
        ({"allow_subnormal": "no"}, TypeError, "allow_subnormal must be True or False"),
    ],
)
def test_finite_floats_bad_arguments(kwargs, error, match):
    with pytest.raises(error, match=match):
        finite_floats(**kwargs)


# --- finite_arrays -----------------------------------------------------------


@given(finite_arrays(shape=(2, 3)))
def test_fixed_shape(array):
    assert array.shape == (2, 3) and array.dtype == np.float64
    assert np.isfinite(array).all()


@given(finite_arrays(shape=4, dtype=np.float32, min_value=-1, max_value=1))
def test_int_shape_dtype_and_bounds(array):
    assert array.shape == (4,) and array.dtype == np.float32
    assert ((array >= -1) & (array <= 1)).all()


@given(finite_arrays(min_dims=2, max_dims=3, min_side=2, max_side=4))
def test_drawn_shapes_respect_the_limits(array):
    assert 2 <= array.ndim <= 3
    assert all(2 <= side <= 4 for side in array.shape)
    assert np.isfinite(array).all()


@given(finite_arrays())
def test_default_shapes(array):
    assert 1 <= array.ndim <= 2 and all(1 <= side <= 8 for side in array.shape)
    assert array.dtype == np.float64 and np.isfinite(array).all()


@given(finite_arrays(shape=(5,), dtype=np.float16))
def test_float16_arrays_are_finite(array):
    assert array.dtype == np.float16 and np.isfinite(array).all()


@given(finite_arrays(shape=(3, 3), dtype=np.int8, min_value=-5.5, max_value=100))
def test_integer_arrays(array):
    assert array.dtype == np.int8 and array.shape == (3, 3)
    assert ((array >= -5) & (array <= 100)).all()


@given(finite_arrays(shape=(6,), unique=True, min_value=0, max_value=1))
def test_unique_entries(array):
    assert len(set(array.tolist())) == 6


@given(finite_arrays(shape=st.tuples(st.integers(1, 3), st.just(2))))
def test_shape_strategy(array):
    assert array.ndim == 2 and array.shape[1] == 2 and 1 <= array.shape[0] <= 3


def test_arrays_reach_zero_sized_sides_when_allowed():
    array = find(finite_arrays(min_side=0), lambda a: a.size == 0)
    assert array.size == 0


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"dtype": np.complex128}, TypeError, "dtype must be float16, float32, float64 or an"),
        ({"dtype": "not a dtype"}, TypeError, "dtype must be a numpy dtype"),
        ({"dtype": np.bool_}, TypeError, "dtype must be"),
        ({"min_value": 1, "max_value": 0}, ValueError, "min_value must be <= max_value"),
        ({"dtype": np.uint8, "max_value": -1}, ValueError, "no uint8 value lies in"),
        ({"min_dims": 3, "max_dims": 2}, ValueError, "min_dims must be <= max_dims"),
        ({"min_side": 5, "max_side": 4}, ValueError, "min_side must be <= max_side"),
        ({"min_dims": -1}, ValueError, "min_dims must be >= 0, got -1"),
        ({"max_side": 0}, ValueError, "max_side must be >= 1, got 0"),
        ({"max_dims": 2.0}, TypeError, "max_dims must be an integer"),
        ({"shape": (2, -1)}, TypeError, "shape must be None, an int or a tuple"),
        ({"shape": "3"}, TypeError, "shape must be None, an int or a tuple"),
    ],
)
def test_finite_arrays_bad_arguments(kwargs, error, match):
    with pytest.raises(error, match=match):
        finite_arrays(**kwargs)


# --- nonzero_vectors ---------------------------------------------------------


@given(data=st.data(), dim=st.integers(1, 6))
def test_nonzero_vectors_have_finite_positive_norm(data, dim):
    vector = data.draw(nonzero_vectors(dim))
    assert vector.shape == (dim,) and vector.dtype == np.float64
    assert np.isfinite(vector).all()
    norm = np.linalg.norm(vector)
    assert 0 < norm < math.inf
    unit = vector / norm
    assert np.isfinite(unit).all()
    assert abs(np.linalg.norm(unit) - 1) < 1e-12


@pytest.mark.parametrize("dtype", [np.float32, np.float16])
@given(data=st.data())
def test_narrow_nonzero_vectors(dtype, data):
    vector = data.draw(nonzero_vectors(3, dtype=dtype))
    assert vector.dtype == dtype
    norm = np.linalg.norm(vector)
    assert norm.dtype == dtype and 0 < norm < np.inf


@given(nonzero_vectors(2, min_value=0, max_value=1))
def test_nonzero_vectors_bounds(vector):
    assert ((vector >= 0) & (vector <= 1)).all() and vector.any()


def test_nonzero_vectors_may_contain_zeros_and_subnormals():
    assert find(nonzero_vectors(3), lambda v: (v == 0).sum() == 2) is not None
    assert find(nonzero_vectors(2), lambda v: ((v != 0) & (abs(v) < TINY)).any()) is not None


@pytest.mark.parametrize(
    ("args", "kwargs", "error", "match"),
    [
        ((0,), {}, ValueError, "dim must be a positive integer, got 0"),
        ((-2,), {}, ValueError, "dim must be a positive integer, got -2"),
        ((2.0,), {}, TypeError, "dim must be a positive integer, got float"),
        ((3,), {"dtype": np.int64}, TypeError, "dtype must be float16, float32 or float64"),
        ((3,), {"min_value": 0, "max_value": 1e-200}, ValueError, "must allow an entry of abs"),
        ((3,), {"min_value": 1, "max_value": 0}, ValueError, "min_value must be <= max_value"),
        ((3,), {"min_value": 1e200}, ValueError, "norm of a float64 vector of length 3 cannot"),
    ],
)
def test_nonzero_vectors_bad_arguments(args, kwargs, error, match):
    with pytest.raises(error, match=match):
        nonzero_vectors(*args, **kwargs)


# --- probabilities -----------------------------------------------------------


@given(probabilities())
def test_float_probabilities(p):
    assert isinstance(p, float) and 0 <= p <= 1


@given(probabilities(exact=True))
def test_exact_probabilities(p):
    assert isinstance(p, Fraction) and 0 <= p <= 1


@given(probabilities(exclude_min=True, exclude_max=True))
def test_open_interval(p):
    assert 0 < p < 1


@given(probabilities(exact=True, min_value=Fraction(1, 4), max_value=Fraction(1, 2),
                     exclude_max=True, max_denominator=10))
def test_exact_sub_interval(p):
    assert Fraction(1, 4) <= p < Fraction(1, 2) and p.denominator <= 10


def test_probabilities_reach_the_ends():
    assert find(probabilities(), lambda p: p == 1) == 1
    assert find(probabilities(exact=True), lambda p: p == 0) == 0


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"min_value": -0.1}, ValueError, r"min_value must be in \[0, 1\], got -0.1"),
        ({"max_value": 1.5}, ValueError, r"max_value must be in \[0, 1\], got 1.5"),
        ({"min_value": 0.6, "max_value": 0.5}, ValueError, "min_value must be <= max_value"),
        ({"min_value": 0.5, "max_value": 0.5, "exclude_min": True}, ValueError, "empty"),
        ({"max_denominator": 10}, ValueError, "max_denominator applies only with exact=True"),
        ({"exact": True, "max_denominator": 0}, ValueError, "max_denominator must be a positive"),
        ({"min_value": "0"}, TypeError, r"min_value must be a number in \[0, 1\]"),
    ],
)
def test_probabilities_bad_arguments(kwargs, error, match):
    with pytest.raises(error, match=match):
        probabilities(**kwargs)


# --- seeds -------------------------------------------------------------------


@given(seeds())
def test_seeds_are_valid_rng_arguments(seed):
    assert seed is not None
    assert isinstance(seed, int | np.random.SeedSequence)
    if isinstance(seed, int):
        assert seed >= 0
    first = np.random.default_rng(seed).integers(0, 2**32, size=3)
    assert (first == np.random.default_rng(seed).integers(0, 2**32, size=3)).all()
    assert key_from_rng(seed) == key_from_rng(seed)


def test_seeds_draw_both_kinds():
    assert isinstance(find(seeds(), lambda s: isinstance(s, np.random.SeedSequence)),
                      np.random.SeedSequence)
    assert find(seeds(), lambda s: isinstance(s, int) and s > 2**40) > 2**40


def test_seeds_with_generators():
    generator = find(seeds(allow_generator=True), lambda s: isinstance(s, np.random.Generator))
    assert isinstance(generator, np.random.Generator)
    with pytest.raises(TypeError, match="allow_generator must be True or False"):
        seeds(allow_generator=1)


# --- import ------------------------------------------------------------------


def test_missing_hypothesis_says_what_to_install(monkeypatch):
    monkeypatch.setitem(sys.modules, "hypothesis", None)
    monkeypatch.delitem(sys.modules, "mathkit.testing")
    with pytest.raises(ImportError, match=r"pip install 'mathkit\[test\]'"):
        importlib.import_module("mathkit.testing")


# --- step_laws and simple_walks (mathkit.walks) --------------------------------


@given(st.data())
def test_step_laws_are_valid_walk_laws(data):
    from mathkit.testing import step_laws
    from mathkit.walks import Walk

    exact = data.draw(st.booleans())
    law = data.draw(step_laws(exact=exact, min_step=-2, max_step=5, max_size=3))
    assert 1 <= len(law) <= 3
    assert all(-2 <= s <= 5 for s in law)
    assert all(v > 0 for v in law.values())
    if exact:
        assert all(isinstance(v, Fraction) for v in law.values()) and sum(law.values()) == 1
    else:
        assert math.isclose(math.fsum(law.values()), 1.0, abs_tol=1e-14)
    assert Walk(law).law == law  # accepted by the walk's own validation


def test_step_laws_reach_single_and_full_supports():
    from mathkit.testing import step_laws

    assert len(find(step_laws(min_step=0, max_step=1), lambda law: len(law) == 2)) == 2
    assert find(step_laws(min_step=4, max_step=4), lambda law: True) == {4: 1.0}


@pytest.mark.parametrize(("kwargs", "error", "match"), [
    ({"min_step": 1.5}, TypeError, "min_step must be an integer"),
    ({"min_step": 2, "max_step": 1}, ValueError, "min_step must be <= max_step"),
    ({"max_size": 0}, ValueError, "max_size must be a positive integer"),
])
def test_step_laws_bad_arguments(kwargs, error, match):
    from mathkit.testing import step_laws

    with pytest.raises(error, match=match):
        step_laws(**kwargs)


@given(st.data())
def test_simple_walks(data):
    from mathkit.testing import simple_walks
    from mathkit.walks import SimpleWalk

    exact = data.draw(st.booleans())
    walk = data.draw(simple_walks(exact=exact))
    assert isinstance(walk, SimpleWalk) and 0 < walk.p < 1
    assert walk.is_exact == exact


def test_simple_walks_degenerate_and_bad_arguments():
    from mathkit.testing import simple_walks

    assert find(simple_walks(exact=True, allow_degenerate=True), lambda w: w.p == 1).p == 1
    with pytest.raises(TypeError, match="exact must be True or False"):
        simple_walks(exact=1)
