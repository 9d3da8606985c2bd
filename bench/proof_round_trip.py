"""The issue's proof: every EncodeBarcodeType through the API of a live server. Each type's sample (from the
symbology table) is generated with ``GET /generate/{type}``, then recognized asked for the type (Excellent mode)
and with ``scan``. Asked for, the value in the spec's meaning must come back under the type's name; a scan cannot
tell a subset from its symbology by the bars (an ISBN is an EAN-13, an SSCC-18 a GS1-128), so there the value
counts under any type read by the same reader, and the types read only when asked for (no start, stop or check
characters: Pharmacode, Patch Code) are not expected.

Types that are not decode types are asked for as what they are read as: the UPC-A coupons as ``UPCA`` (their
GS1 part comes along), SingaporePost as ``RM4SCC`` (the same bars). Prints one line per type and why those that
fail do. Run from the repository: ``PYTHONPATH=src:. python bench/proof_round_trip.py [TYPE ...]``.
"""

from __future__ import annotations

import argparse
import base64
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

import httpx
from tests.support.servers import running_server

from barcode_cloud_server.engine import recognition, symbologies
from barcode_cloud_server.engine.symbologies import Symbology

ASKED_AS = {"UpcaGs1Code128Coupon": "UPCA", "UpcaGs1DatabarCoupon": "UPCA", "SingaporePost": "RM4SCC"}


def expected(row: Symbology) -> set[tuple[str, str]]:
    """(type, value) pairs a reader should report for the row's sample."""
    if row.builder in ("coupon_code128", "coupon_databar"):
        upc, gs1 = row.sample[: row.sample.index("(")], row.sample[row.sample.index("(") :]
        part = "GS1Code128" if row.builder == "coupon_code128" else "DatabarExpanded"
        return {("UPCA", symbologies.BY_NAME["UPCA"].prepare("UPCA", upc).canonical), (part, gs1)}
    value = row.sample if row.binary else row.prepare(row.name, row.sample).canonical
    return {(ASKED_AS.get(row.name, row.name), value)}


def _found(response: httpx.Response) -> tuple[set[tuple[str, str]], str]:
    if response.status_code != 200:
        return set(), f"{response.status_code}: {response.json().get('error', {}).get('message', '')[:90]}"
    return {(b["type"], b.get("barcodeValue", "")) for b in response.json()["barcodes"]}, ""


def check(client: httpx.Client, row: Symbology) -> tuple[bool, bool, str]:
    """(read when asked for, read by scan, why not)."""
    generated = client.get(f"/barcode/generate/{row.name}", params={"data": row.sample})
    if generated.status_code != 200:
        return False, False, "not generated: " + generated.json()["error"]["message"][:100]
    body = base64.b64encode(generated.content).decode()
    want = expected(row)
    asked = client.post(
        "/barcode/recognize-body",
        json={"barcodeTypes": [ASKED_AS.get(row.name, row.name)], "fileBase64": body, "recognitionMode": "Excellent"},
    )
    by_type, why = _found(asked)
    scanned, why_scan = _found(client.post("/barcode/scan-body", json={"fileBase64": body}))
    scan_ok = row.name in recognition.ASKED_ONLY or all(_scanned(t, v, scanned) for t, v in want)
    reasons = []
    if not want <= by_type:
        reasons.append(f"asked: {why or sorted(by_type) or 'nothing found'}")
    if not scan_ok:
        reasons.append(f"scan: {why_scan or sorted(scanned) or 'nothing found'}")
    return want <= by_type, scan_ok, "; ".join(reasons)


def _scanned(type_name: str, value: str, scanned: set[tuple[str, str]]) -> bool:
    """``value`` found by a scan under ``type_name`` or a type its reader reads too."""
    reader = symbologies.BY_NAME[type_name].zxing
    return any(
        v == value and (t == type_name or (reader is not None and symbologies.BY_NAME[t].zxing == reader))
        for t, v in scanned
    )


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("types", nargs="*", help="encode types (all by default)")
    args = ap.parse_args(argv)
    rows = [r for r in symbologies.ROWS if r.encode and (not args.types or r.name in args.types)]
    passed = 0
    with tempfile.TemporaryDirectory() as tmp, running_server(Path(tmp) / "data") as server:
        creds = server.create_client("proof", ["barcode.generate", "barcode.recognize"])
        headers = {"Authorization": f"Bearer {server.token(creds)}"}
        with httpx.Client(base_url=server.api_url, headers=headers, timeout=120) as client:
            for row in rows:
                asked, scanned, why = check(client, row)
                passed += asked and scanned
                mark = "pass" if asked and scanned else "FAIL"
                print(f"{row.name:32} {mark} {'type' if asked else '-   '} {'scan' if scanned else '-   '} {why}")
                sys.stdout.flush()
    print(f"{passed} of {len(rows)} encode types round-trip (generated, read asked for the type and by scan)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
