"""Reed-Solomon error correction of PDF417's code over the prime field GF(929) (ISO/IEC 15438 and the codes that
share it: MicroPDF417, the GS1 composite components): the generator's roots are 3^1 ... 3^k.

Berlekamp-Massey gives the error locator, a Chien search its roots and Forney's formula the values; a correction
counts only when the corrected word's syndromes all vanish.
"""

from __future__ import annotations

from collections.abc import Sequence

P = 929
_ALPHA = 3


def _eval(poly: Sequence[int], x: int) -> int:
    """The polynomial with coefficients ``poly`` (lowest degree first) at ``x``."""
    total = 0
    for c in reversed(poly):
        total = (total * x + c) % P
    return total


def syndromes(word: Sequence[int], k: int) -> list[int]:
    """The word (first codeword the highest power of x) at 3^1 ... 3^k."""
    out = []
    for j in range(1, k + 1):
        x, total = pow(_ALPHA, j, P), 0
        for c in word:
            total = (total * x + c) % P
        out.append(total)
    return out


def correct(word: Sequence[int], k: int, spare: int = 0) -> tuple[list[int], int] | None:
    """The codeword nearest ``word`` (its last ``k`` codewords the error correction) and the number of codewords
    changed, or None when more than ``(k - spare) // 2`` are wrong or the code cannot tell. ``spare`` check
    codewords are kept for detection only."""
    n = len(word)
    if n > P - 1 or any(not 0 <= c < P for c in word):
        return None
    synd = syndromes(word, k)
    if not any(synd):
        return list(word), 0
    locator = _berlekamp_massey(synd)
    errors = len(locator) - 1
    if 2 * errors + spare > k:
        return None
    # A codeword wrong at power e of x makes the locator vanish at 3^-e.
    positions = [e for e in range(n) if _eval(locator, pow(_ALPHA, -e, P)) == 0]
    if len(positions) != errors:
        return None
    evaluator = [sum(synd[i - j] * locator[j] for j in range(min(i, errors) + 1)) % P for i in range(k)]
    derivative = [(i * locator[i]) % P for i in range(1, len(locator))]
    fixed = list(word)
    for e in positions:
        inverse = pow(_ALPHA, -e, P)
        bottom = _eval(derivative, inverse)
        if bottom == 0:
            return None
        fixed[n - 1 - e] = (fixed[n - 1 - e] + _eval(evaluator, inverse) * pow(bottom, -1, P)) % P
    if any(syndromes(fixed, k)):
        return None
    return fixed, errors


def _berlekamp_massey(synd: Sequence[int]) -> list[int]:
    """The shortest connection polynomial (lowest degree first, constant 1) that generates the syndromes."""
    current, previous = [1], [1]
    length, shift, last = 0, 1, 1
    for r, s in enumerate(synd):
        discrepancy = s
        for i in range(1, min(length, len(current) - 1) + 1):
            discrepancy = (discrepancy + current[i] * synd[r - i]) % P
        if discrepancy == 0:
            shift += 1
            continue
        scale = discrepancy * pow(last, -1, P) % P
        updated = current + [0] * max(0, len(previous) + shift - len(current))
        for i, c in enumerate(previous):
            updated[i + shift] = (updated[i + shift] - scale * c) % P
        if 2 * length <= r:
            previous, length, last, shift = current, r + 1 - length, discrepancy, 1
        else:
            shift += 1
        current = updated
    while len(current) > 1 and current[-1] == 0:
        current.pop()
    return current
