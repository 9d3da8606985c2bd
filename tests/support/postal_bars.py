"""Four-state bar strings ("FADT"): the specifications' worked examples, and zint's postal symbols read from its
module rows (not from an image)."""

from __future__ import annotations

from barcode_cloud_server.engine import zintenc

_STATE = {(True, True): "F", (True, False): "A", (False, True): "D", (False, False): "T"}


def zint_states(symbology: str, data: str) -> str:
    """zint's bars for ``data``: its rows are ascender, tracker and descender, a bar in every other column."""
    symbol = zintenc.make_symbol(zintenc.ZintJob(symbology, data))
    zintenc.encode_symbol(symbol, data, symbology)
    bars = zintenc.symbol_bits(symbol)[:, ::2]
    assert bars.shape[0] == 3 and bars[1].all(), "a four-state symbol: three rows, a tracker in every bar"
    return "".join(_STATE[bool(up), bool(down)] for up, down in zip(bars[0], bars[2], strict=True))


# (value as the generator takes it, bars) from the specifications' worked examples.
WORKED_EXAMPLES: dict[str, list[tuple[str, str]]] = {
    "AustraliaPost": [
        # Customer Barcoding Technical Specifications, diagram 1: standard customer barcode, DPID 96184209.
        ("1196184209", "ATFAFATFDFFADDAAFDFFTFTDFFTDADADTADAT"),
        # A Guide to Printing the 4-State Barcode, figure 4: customer barcode 2, DPID 56439111, C table "ABA 9".
        ("5956439111ABA 9", "ATADTFADDFAAAFTFFAFAFAFFFFFAFFFFFTTDDTTAFADAFFFTTAAT"),
    ],
    # USPS-B-3200 appendix C: the example tracking code with each length of routing code.
    "OneCode": [
        ("01234567094987654321", "ATTFATTDTTADTAATTDTDTATTDAFDDFADFDFTFFFFFTATFAAAATDFFTDAADFTFDTDT"),
        ("0123456709498765432101234", "DTTAFADDTTFTDTFTFDTDDADADAFADFATDDFTAAAFDTTADFAAATDFDTDFADDDTDFFT"),
        ("01234567094987654321012345678", "ADFTTAFDTTTTFATTADTAAATFTFTATDAAAFDDADATATDTDTTDFDTDATADADTDFFTFA"),
        ("0123456709498765432101234567891", "AADTFFDFTDADTAADAATFDTDDAAADDTDTTDAFADADDDTFFFDDTTTADFAAADFTDAADA"),
    ],
    # Royal Mail Mailmark barcode C and L encoding and decoding instructions, examples 1 and 2 of each.
    "Mailmark": [
        ("1100000000000XY11     ", "TTDTTATTDTAATTDTAATTDTAATTDTTDDAATAADDATAATDDFAFTDDTAADDDTAAFDFAFF"),
        ("21B2254800659JW5O9QA6Y", "DAATATTTADTAATTFADDDDTTFTFDDDDFFDFDAFTADDTFFTDDATADTTFATTDAFDTFDDA"),
        ("11000000000000000XY11  ", "TTDTTATDDTTATTDTAATTDTAATDDTTATTDTTDATFTAATDDTAATDDTATATFAADDAATAATDDTAADFTFTA"),
        ("41038422416563762EF61AH8T", "DTTFATTDDTATTTATFTDFFFTFDFDAFTTTADTTFDTFDDDTDFDDFTFAADTFDTDTDTFAATAFDDTAATTDTT"),
    ],
}
