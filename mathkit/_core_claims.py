"""Claims of the foundation: Philox known answers and the law of its uniforms."""

from fractions import Fraction

import numpy as np

from mathkit import _random
from mathkit.claims import Claim, Estimate, register

SIMULATION_SEED = 20261129
SIMULATION_ITEMS = 500_000


def _published_words():
    return tuple(word for _, _, output in _random.PHILOX_KNOWN_ANSWERS for word in output)


def _numpy_words():
    counters = np.array([c for c, _, _ in _random.PHILOX_KNOWN_ANSWERS], dtype=np.uint32)
    keys = np.array([k for _, k, _ in _random.PHILOX_KNOWN_ANSWERS], dtype=np.uint32)
    return tuple(int(w) for w in _random.philox4x32(counters, keys).ravel())


def _numba_words():
    from mathkit import _random_numba

    return tuple(
        int(word)
        for counter, key, _ in _random.PHILOX_KNOWN_ANSWERS
        for word in _random_numba.philox4x32(*counter, *key)
    )


register(Claim(
    name="philox-known-answers",
    area="core",
    statement="Philox4x32-10 (numpy reference) gives the Random123 known answers",
    symbolic=_published_words,
    numeric=_numpy_words,
    rtol=0.0,
))

register(Claim(
    name="philox-known-answers-numba",
    area="core",
    statement="Philox4x32-10 compiled with numba gives the Random123 known answers",
    symbolic=_published_words,
    numeric=_numba_words,
    rtol=0.0,
))


def _uniform_moment(resolution_bits: int, power: int) -> Fraction:
    """E[U^power] for U uniform on the grid {k 2^-b : 0 <= k < 2^b}, exactly."""
    size = 2**resolution_bits
    if power == 1:
        return Fraction(size - 1, 2 * size)
    return Fraction((size - 1) * (2 * size - 1), 6 * size**2)


def _simulated(sampler, power: int):
    def simulate():
        key = _random.key_from_rng(SIMULATION_SEED)
        return Estimate.from_samples(sampler(key, np.arange(SIMULATION_ITEMS)).ravel() ** power)

    return simulate


def _integral(power: int):
    def integrate():
        import sympy

        u = sympy.Symbol("u")
        return sympy.integrate(u**power, (u, 0, 1))

    return integrate


for _bits, _sampler in ((53, _random.uniform53), (24, _random.uniform24)):
    for _power, _what in ((1, "mean"), (2, "second-moment")):
        register(Claim(
            name=f"uniform{_bits}-{_what}",
            area="core",
            statement=(
                f"E[U^{_power}] = 1/{_power + 1} for {_bits}-bit Philox uniforms "
                f"(numeric: exact moment of the grid k 2^-{_bits})"
            ),
            symbolic=_integral(_power),
            numeric=lambda b=_bits, k=_power: float(_uniform_moment(b, k)),
            simulated=_simulated(_sampler, _power),
            rtol=2.0 ** -(_bits - 1),
        ))
