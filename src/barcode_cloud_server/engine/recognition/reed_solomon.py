"""Reed-Solomon error correction over small binary fields GF(2^m), for the symbologies whose codewords are a few
bits wide (Australia Post's GF(64), Mailmark's GF(32)).

Written here rather than taken from ``reedsolo``: that package keeps its field tables in module globals that
each codec swaps in and out around a call, so two fields decoded in two threads corrupt each other's results.
Decoding is Berlekamp-Massey for the error locator, a Chien search over the code's (shortened) length and
Forney's formula for the values; a correction counts only when the corrected word's syndromes all vanish.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Field:
    """GF(2^bits) built from a primitive polynomial (its bit mask, e.g. 0x43 for x^6 + x + 1); alpha is x."""

    bits: int
    polynomial: int
    exp: tuple[int, ...] = field(init=False, repr=False)
    log: tuple[int, ...] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        size = 1 << self.bits
        exp, log = [0] * (2 * size), [0] * size
        x = 1
        for i in range(size - 1):
            exp[i] = x
            log[x] = i
            x <<= 1
            if x & size:
                x ^= self.polynomial
        if x != 1:
            raise ValueError(f"{self.polynomial:#x} is not a primitive polynomial of degree {self.bits}")
        for i in range(size - 1, 2 * size):
            exp[i] = exp[i - (size - 1)]
        object.__setattr__(self, "exp", tuple(exp))
        object.__setattr__(self, "log", tuple(log))

    @property
    def order(self) -> int:
        """The multiplicative group's order, 2^bits - 1."""
        return (1 << self.bits) - 1

    def mul(self, a: int, b: int) -> int:
        return 0 if a == 0 or b == 0 else self.exp[self.log[a] + self.log[b]]

    def div(self, a: int, b: int) -> int:
        return 0 if a == 0 else self.exp[(self.log[a] - self.log[b]) % self.order]

    def power(self, n: int) -> int:
        """alpha^n."""
        return self.exp[n % self.order]

    def evaluate(self, word: Sequence[int], x: int) -> int:
        """The polynomial whose coefficients are ``word``, highest degree first, at ``x`` (Horner)."""
        total = 0
        for c in word:
            total = self.mul(total, x) ^ c
        return total


def syndromes(gf: Field, word: Sequence[int], parity: int, first_root: int) -> list[int]:
    """The word evaluated at the generator's roots alpha^first_root ... alpha^(first_root + parity - 1)."""
    return [gf.evaluate(word, gf.power(first_root + j)) for j in range(parity)]


def remainder(gf: Field, data: Sequence[int], parity: int, first_root: int = 1) -> list[int]:
    """The ``parity`` check symbols of ``data`` (highest degree first): data x^parity modulo the generator whose
    roots are alpha^first_root ... alpha^(first_root + parity - 1)."""
    generator = [1]
    for j in range(parity):
        root = gf.power(first_root + j)
        generator = [a ^ gf.mul(root, b) for a, b in zip([*generator, 0], [0, *generator], strict=True)]
    rest = [*data, *[0] * parity]
    for i in range(len(data)):
        lead = rest[i]
        if lead:
            for k, g in enumerate(generator):
                rest[i + k] ^= gf.mul(lead, g)
    return rest[len(data) :]


def correct(
    gf: Field,
    word: Sequence[int],
    parity: int,
    first_root: int = 1,
    erasures: Sequence[int] = (),
    spare: int = 0,
) -> tuple[list[int], int] | None:
    """The codeword nearest ``word`` (symbols highest degree first, the last ``parity`` of them check symbols)
    and the number of symbols changed, or None when the code cannot tell it (or the word is longer than the
    field's 2^bits - 1 symbols a codeword may have).

    ``erasures`` are indices of symbols known to be wrong (a value outside the symbology's table); each costs
    one check symbol, each other wrong symbol two. ``spare`` check symbols are kept for detection only: a word
    whose errors and erasures need more than ``parity - spare`` of them is refused, so that a random word is
    not corrected into a codeword.
    """
    n = len(word)
    if n > gf.order or any(not 0 <= c <= gf.order for c in word) or any(not 0 <= i < n for i in erasures):
        return None
    erased = sorted({n - 1 - i for i in erasures})  # as powers of x
    if len(erased) + spare > parity:
        return None
    synd = syndromes(gf, word, parity, first_root)
    if not any(synd):
        return list(word), 0
    start = [1]
    for p in erased:  # the erasure locator: the product of (1 - alpha^p x)
        start = [a ^ gf.mul(b, gf.power(p)) for a, b in zip([*start, 0], [0, *start], strict=True)]
    locator, count = _locator(gf, synd, start)
    errors = count - len(erased)
    if 2 * errors + len(erased) + spare > parity or len(locator) - 1 != count:
        return None
    # Chien search: a symbol wrong at power p of x makes the locator vanish at alpha^-p.
    positions = [p for p in range(n) if gf.evaluate(locator[::-1], gf.power(-p)) == 0]
    if len(positions) != count:
        return None
    evaluator = [0] * parity  # S(x) * locator(x) mod x^parity, lowest degree first
    for i, s in enumerate(synd):
        for j, term in enumerate(locator[: parity - i]):
            evaluator[i + j] ^= gf.mul(s, term)
    derivative = [locator[i] if i % 2 else 0 for i in range(1, len(locator))]  # characteristic 2
    fixed = list(word)
    for p in positions:
        inverse = gf.power(-p)
        top = gf.evaluate(evaluator[::-1], inverse)
        bottom = gf.evaluate(derivative[::-1], inverse)
        if bottom == 0:
            return None
        fixed[n - 1 - p] ^= gf.mul(gf.power(p * (1 - first_root)), gf.div(top, bottom))
    if any(syndromes(gf, fixed, parity, first_root)):
        return None
    return fixed, sum(a != b for a, b in zip(fixed, word, strict=True))


def _locator(gf: Field, synd: Sequence[int], erasure_locator: list[int]) -> tuple[list[int], int]:
    """Berlekamp-Massey started from the erasure locator: the shortest errata locator polynomial (lowest degree
    first) that the syndromes fit, and the number of wrong symbols it stands for (its degree, when the syndromes
    are consistent)."""
    erased = len(erasure_locator) - 1
    current, previous = list(erasure_locator), list(erasure_locator)
    length, shift, last = erased, 1, 1
    for r in range(erased, len(synd)):
        discrepancy = synd[r]
        for i in range(1, min(length, len(current) - 1) + 1):
            discrepancy ^= gf.mul(current[i], synd[r - i])
        if discrepancy == 0:
            shift += 1
            continue
        scale = gf.div(discrepancy, last)
        updated = current + [0] * max(0, len(previous) + shift - len(current))
        for i, c in enumerate(previous):
            updated[i + shift] ^= gf.mul(scale, c)
        if 2 * length <= r + erased:
            previous, length, last, shift = current, r + 1 + erased - length, discrepancy, 1
        else:
            shift += 1
        current = updated
    while len(current) > 1 and current[-1] == 0:
        current.pop()
    return current, length
