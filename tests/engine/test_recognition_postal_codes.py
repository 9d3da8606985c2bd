"""The decoders of Australia Post, USPS Intelligent Mail (OneCode) and Royal Mail Mailmark bar strings: the
specifications' worked examples, every format through zint's encoder, the wrong reading direction refused, and
their error correction (Reed-Solomon in Australia Post and Mailmark) or detection (CRC-11 in Intelligent Mail)."""

from __future__ import annotations

import random
from itertools import combinations

import pytest

from barcode_cloud_server.engine.datacheck import prepare_auspost, prepare_mailmark, prepare_onecode
from barcode_cloud_server.engine.generate import _auspost_symbology
from barcode_cloud_server.engine.recognition import australia_post, intelligent_mail, mailmark, reed_solomon
from barcode_cloud_server.engine.recognition.fourstate import flipped
from tests.support.postal_bars import WORKED_EXAMPLES, zint_states

OTHER = {"F": "ADT", "A": "FDT", "D": "FAT", "T": "FAD"}


def _auspost(data: str) -> str:
    return zint_states(_auspost_symbology(data[:2]), prepare_auspost("AustraliaPost", data).encoder_input)


def _onecode(data: str) -> str:
    return zint_states("USPS_IMAIL", prepare_onecode("OneCode", data).encoder_input)


def _mailmark(data: str) -> str:
    return zint_states("MAILMARK_4S", prepare_mailmark("Mailmark", data).encoder_input)


def _codeword(gf: reed_solomon.Field, data: list[int], parity: int) -> list[int]:
    """``data`` and the check symbols that make it vanish at alpha^1..alpha^parity (the division's remainder)."""
    word = data + [0] * parity
    for i in range(len(data)):
        factor = word[i]
        for j, g in enumerate(_generator(gf, parity)[1:], 1):
            word[i + j] ^= gf.mul(factor, g)
    return data + word[len(data) :]


FIELDS = [(reed_solomon.Field(6, 0x43), 4), (reed_solomon.Field(5, 0x25), 6), (reed_solomon.Field(5, 0x25), 7)]


@pytest.mark.parametrize(("gf", "parity"), FIELDS)
def test_reed_solomon_corrects_half_its_parity_and_no_more(gf: reed_solomon.Field, parity: int) -> None:
    rng = random.Random(5)
    for _ in range(200):
        codeword = _codeword(
            gf, [rng.randrange(gf.order + 1) for _ in range(rng.randint(1, gf.order - parity))], parity
        )
        assert reed_solomon.syndromes(gf, codeword, parity, 1) == [0] * parity
        assert reed_solomon.correct(gf, codeword, parity) == (codeword, 0)
        for wrong in (parity // 2, parity // 2 + 1):
            damaged = list(codeword)
            for p in rng.sample(range(len(codeword)), min(wrong, len(codeword))):
                damaged[p] ^= rng.randrange(1, gf.order + 1)
            result = reed_solomon.correct(gf, damaged, parity)
            if wrong <= parity // 2:
                assert result == (codeword, min(wrong, len(codeword)))
            else:
                assert result is None or result[0] != codeword


@pytest.mark.parametrize(("gf", "parity"), FIELDS)
def test_reed_solomon_erasures_cost_one_check_symbol_and_spares_are_kept(gf: reed_solomon.Field, parity: int) -> None:
    rng = random.Random(6)
    for _ in range(200):
        codeword = _codeword(gf, [rng.randrange(gf.order + 1) for _ in range(gf.order - parity)], parity)
        erased = rng.randint(0, parity)
        wrong = rng.randint(0, (parity - erased) // 2)
        places = rng.sample(range(len(codeword)), erased + wrong)
        damaged = list(codeword)
        for p in places:
            damaged[p] = rng.randrange(gf.order + 1)
        fixed = reed_solomon.correct(gf, damaged, parity, erasures=places[:erased])
        assert fixed is not None and fixed[0] == codeword
        budget = erased + 2 * sum(damaged[p] != codeword[p] for p in places[erased:])
        if budget:  # with checks kept spare past the budget, the same word is refused
            assert (
                reed_solomon.correct(gf, damaged, parity, erasures=places[:erased], spare=parity - budget + 1) is None
            )


def _generator(gf: reed_solomon.Field, parity: int) -> list[int]:
    g = [1]
    for j in range(1, parity + 1):
        g = [a ^ gf.mul(b, gf.power(j)) for a, b in zip([*g, 0], [0, *g], strict=True)]
    return g


def test_reed_solomon_refuses_what_is_no_codeword_of_its_field() -> None:
    with pytest.raises(ValueError, match="not a primitive"):
        reed_solomon.Field(6, 0x41)
    gf = reed_solomon.Field(6, 0x43)
    assert reed_solomon.correct(gf, [0] * 64, 4) is None  # longer than 63 symbols
    assert reed_solomon.correct(gf, [64] + [0] * 10, 4) is None  # a symbol outside the field
    assert reed_solomon.correct(gf, [0] * 11, 4, erasures=[11]) is None  # an erasure outside the word


# --- Australia Post ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("value", "bars"), WORKED_EXAMPLES["AustraliaPost"])
def test_australia_post_worked_examples(value: str, bars: str) -> None:
    assert australia_post.decode(bars) == (value, None)
    assert _auspost(value) == bars  # zint writes the specification's bars


AUSPOST = [
    "1196184209",
    "4512345678",
    "8700000001",
    "9299999999",
    "5912345678ABCDE",
    "5912345678a",
    "591234567812345678",
    "6201234567ASPOSE",
    "6201234567123456789012345",
    "6201234567a b#z9 Q",
]


@pytest.mark.parametrize("data", AUSPOST)
def test_australia_post_every_fcc_and_table(data: str) -> None:
    states = _auspost(data)
    assert australia_post.decode(states) == (data, None)
    assert australia_post.decode(flipped(states)) is None  # read from the stop end: the sampler tries both


def test_australia_post_c_table_every_character() -> None:
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxy0123456789 #"  # 'z' is the filler
    for start in range(0, len(alphabet), 10):
        data = "6212345678" + alphabet[start : start + 10]
        assert australia_post.decode(_auspost(data)) == (data, None), data


def test_australia_post_fcc_62_field_of_both_tables_reads_as_characters() -> None:
    # Digits 0-8 are bar pairs of 0-2, so are C characters A-Z and 0: such a field is read with the C table.
    assert australia_post.decode(_auspost("6212345678ABCDEFGHIJ")) == ("6212345678ABCDEFGHIJ", None)
    assert australia_post.decode(_auspost("6212345678012345678012345")) == ("6212345678ALKOURALKO", None)


def test_australia_post_corrects_one_wrong_symbol_and_refuses_two_or_three() -> None:
    states = _auspost("5912345678ABCDE")
    symbols = (len(states) - 4) // 3
    rng = random.Random(1)
    for wrong in (1, 2, 3):
        for places in combinations(range(symbols), wrong):
            bars = list(states)
            for symbol in places:
                for bar in range(2 + 3 * symbol, 5 + 3 * symbol):  # every bar of the symbol, or some
                    if rng.random() < 0.6 or bar == 2 + 3 * symbol:
                        bars[bar] = rng.choice(OTHER[bars[bar]])
            expected = ("5912345678ABCDE", None) if wrong == 1 else None
            assert australia_post.decode("".join(bars)) == expected, places


def test_australia_post_refuses_broken_structure() -> None:
    states = _auspost("1112345678")
    assert australia_post.decode(states[:-1]) is None
    assert australia_post.decode("TT" + states[2:]) is None  # no start bars
    assert australia_post.decode(states.replace("T", "X")) is None
    # An FCC 11 symbol's bars under a 52-bar length: the FCC does not fit the length.
    assert australia_post.decode(_auspost("5912345678ABCDE")[:37]) is None


# --- USPS Intelligent Mail (OneCode) ----------------------------------------------------------------------------


@pytest.mark.parametrize(("value", "bars"), WORKED_EXAMPLES["OneCode"])
def test_onecode_specification_examples(value: str, bars: str) -> None:
    assert intelligent_mail.decode(bars) == (value, None)
    assert intelligent_mail.decode(flipped(bars)) is None  # codeword J is odd read from the far end
    assert _onecode(value) == bars  # zint writes the specification's bars


def test_onecode_tables_and_frame_check_sequence() -> None:
    # USPS-B-3200: the example's binary data and its 11-bit frame check sequence.
    assert intelligent_mail.crc11(0x016907B2A24ABC16A2E5C004B1) == 0x751
    five, two = intelligent_mail.n_of_13(5), intelligent_mail.n_of_13(2)
    assert (len(five), len(two)) == (1287, 78)
    assert five[:4] == [0x001F, 0x1F00, 0x002F, 0x1E80] and two[:4] == [0x0003, 0x1800, 0x0005, 0x1400]


@pytest.mark.parametrize("routing", ["", "12345", "123456789", "98765432109"])
def test_onecode_every_routing_length(routing: str) -> None:
    rng = random.Random(len(routing))
    for _ in range(10):
        tracking = f"{rng.randrange(10)}{rng.randrange(5)}" + "".join(str(rng.randrange(10)) for _ in range(18))
        routing_digits = "".join(str(rng.randrange(10)) for _ in routing)
        states = _onecode(tracking + routing_digits)
        assert intelligent_mail.decode(states) == (tracking + routing_digits, None)


def test_onecode_any_one_wrong_bar_is_refused() -> None:
    states = WORKED_EXAMPLES["OneCode"][0][1]
    for i, bar in enumerate(states):
        for other in OTHER[bar]:
            assert intelligent_mail.decode(states[:i] + other + states[i + 1 :]) is None, (i, other)


# --- Royal Mail Mailmark -----------------------------------------------------------------------------------------

MAILMARK_EXAMPLES = dict(WORKED_EXAMPLES["Mailmark"])


@pytest.mark.parametrize(("value", "bars"), MAILMARK_EXAMPLES.items())
def test_mailmark_specification_examples(value: str, bars: str) -> None:
    assert mailmark.decode(bars) == (value, None)
    assert mailmark.decode(flipped(bars)) is None


@pytest.mark.parametrize(
    "data",
    [
        "11210012341234567AB19XY1A",  # the symbology table's sample: barcode L, postcode type 2
        "01E99999999999999A9A9ZZ9Z",  # L, type 1
        "4400000000000AA999ZZ9Z",  # C, type 3
        "3390000000000ZZ9Z9ZZ9Z",  # C, type 4
        "0100000000000A00AA0A  ",  # C, type 5
        "2420000000000B999ZZ9Z ",  # C, type 6
        "1100000000000XY11     ",  # C, international
    ],
)
def test_mailmark_every_postcode_pattern(data: str) -> None:
    states = _mailmark(data)
    assert mailmark.decode(states) == (data, None)
    assert mailmark.decode(flipped(states)) is None


# A bar changed by one of its halves (ascender or descender) changes one bit of its symbol: an erasure.
ONE_HALF = {"F": "AD", "A": "FT", "D": "FT", "T": "AD"}


@pytest.mark.parametrize("data", list(MAILMARK_EXAMPLES)[1::2])
def test_mailmark_corrects_any_wrong_bar(data: str) -> None:
    states = MAILMARK_EXAMPLES[data]
    for i, bar in enumerate(states):
        for other in OTHER[bar]:
            assert mailmark.decode(states[:i] + other + states[i + 1 :]) == (data, None), (i, other)


@pytest.mark.parametrize("data", list(MAILMARK_EXAMPLES)[1::2])
def test_mailmark_corrects_erased_symbols_and_keeps_three_checks_spare(data: str) -> None:
    states = MAILMARK_EXAMPLES[data]
    correctable = 3 if len(states) == 66 else 4  # 6 or 7 check numbers, 3 kept for detection
    rng = random.Random(3)
    for erased in (correctable, correctable + 1):
        for _ in range(50):
            bars = list(states)
            for group in rng.sample(range(len(states) // 3), erased):
                bar = 3 * group + rng.randrange(3)
                bars[bar] = rng.choice(ONE_HALF[bars[bar]])
            expected = (data, None) if erased == correctable else None
            assert mailmark.decode("".join(bars)) == expected


@pytest.mark.parametrize("bar", "FADT")
def test_rows_of_one_bar_are_nothing(bar: str) -> None:
    for length in range(30, 80):
        assert australia_post.decode(bar * length) is None
        assert intelligent_mail.decode(bar * length) is None
        assert mailmark.decode(bar * length) is None


def test_mailmark_refuses_other_lengths() -> None:
    assert mailmark.decode(MAILMARK_EXAMPLES["21B2254800659JW5O9QA6Y"][:-3]) is None
    assert mailmark.decode("T" * 66) is None
