"""The seeded random requests of the API fuzz suite, over all nine /v4.0/barcode/ operations (random and malformed
parameters, JSON and XML bodies, multipart edge cases, Accept variants, Content-Type lies), and what every answer to
them must be. The hot-path parity test replays the generate ones."""

from __future__ import annotations

import base64
import json
import os
import random
from collections.abc import Callable
from typing import Any
from urllib.parse import quote

import httpx
from defusedxml import ElementTree

from tests.support.paths import SPEC

SEED = int(os.environ.get("API_FUZZ_SEED", "20261129"))
ALLOWED = {200, 400, 401, 403, 404, 405, 413, 415}

ENUMS: dict[str, list[str]] = {n: s["enum"] for n, s in SPEC["components"]["schemas"].items() if "enum" in s}
GET_PARAMS = SPEC["paths"]["/barcode/generate/{barcodeType}"]["get"]["parameters"]
ACCEPTS = [
    None,
    "",
    "*/*",
    "application/json",
    "application/xml",
    "text/xml",
    "image/png",
    "image/bmp",
    "image/*",
    "image/png, image/bmp, image/gif, image/jpeg, image/svg+xml, image/tiff",
    "application/xml;q=0.1, application/json",
    "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
    "garbage;;;,,=",
    "application/xml" * 300,
    "\u00e9/\u00e8",
]
ODD_STRINGS = [
    "",
    " ",
    "0",
    "-1",
    "1e999",
    "-1e999",
    "NaN",
    "inf",
    "0x1F",
    "1_000",
    "\u0661\u0662",  # Arabic-Indic digits: float() reads them
    "9" * 400,
    "true",
    "null",
    "[]",
    "{}",
    "%00",
    "\x00",
    "\ud7ff\ue000",
    "\u202e",
    "a" * 5000,
    "../../etc/passwd",
    "<x/>",
    "'; DROP TABLE clients; --",
]


def _odd(rnd: random.Random) -> str:
    roll = rnd.random()
    if roll < 0.4:
        return rnd.choice(ODD_STRINGS)
    if roll < 0.7:
        return str(rnd.choice([rnd.uniform(-1e6, 1e6), rnd.randint(-(2**40), 2**40), rnd.randint(0, 400)]))
    return "".join(
        chr(rnd.choice([rnd.randint(32, 126), rnd.randint(0x80, 0x2FFF)])) for _ in range(rnd.randint(1, 12))
    )


def _mangle_case(rnd: random.Random, text: str) -> str:
    return rnd.choice([text, text.lower(), text.upper(), "".join(rnd.choice([c.lower(), c.upper()]) for c in text)])


def _param_value(rnd: random.Random, param: dict[str, Any]) -> str:
    schema = param["schema"]
    ref = schema.get("$ref", "").split("/")[-1]
    if rnd.random() < 0.3:
        return _odd(rnd)
    if ref:
        return _mangle_case(rnd, rnd.choice(ENUMS[ref]))
    kind = schema.get("type")
    if kind == "boolean":
        return rnd.choice(["true", "false", "True", "FALSE", "1", "0", "yes"])
    if kind == "integer":
        return str(rnd.choice([0, 1, 90, 180, 270, 360, -90, 31, 91, rnd.randint(-1000, 1000)]))
    if kind == "number":
        return repr(rnd.choice([0.5, 1.0, 2.0, 10.0, 96.0, 100.0, 300.0, rnd.uniform(0, 2000)]))
    if param["name"].endswith("Color"):
        return rnd.choice(["Black", "white", "#F00", "#80FF0000", "#12345", "AliceBlue", "Transparent"])
    return _odd(rnd)


def _data(rnd: random.Random) -> str:
    odd = _odd(rnd)
    return rnd.choice(["12345678", "hello", "0123456789012", "(01)09521234543213", "AAAA", "ff00", "aGVsbG8=", odd])


def _query(rnd: random.Random) -> tuple[str, str]:
    """A GET generate path and raw query string."""
    barcode = rnd.choice(
        [_mangle_case(rnd, rnd.choice(ENUMS["EncodeBarcodeType"])) for _ in range(6)] + [quote(_odd(rnd), safe="")]
    )
    pairs = []
    if rnd.random() < 0.9:
        pairs.append(("data", _data(rnd)))
    for param in rnd.sample(GET_PARAMS, rnd.randint(0, 6)):
        if param["in"] == "query":
            value = _data(rnd) if param["name"] == "data" else _param_value(rnd, param)
            pairs.append((_mangle_case(rnd, param["name"]), value))
    if rnd.random() < 0.2:
        pairs.append((_odd(rnd), _odd(rnd)))
    if rnd.random() < 0.1 and pairs:
        pairs.append(rnd.choice(pairs))
    query = "&".join(f"{quote(k, safe='')}={quote(v, safe='')}" for k, v in pairs)
    if rnd.random() < 0.1:  # raw oddities: bare names, stray % and &, invalid UTF-8 escapes
        query += rnd.choice(["&data", "&%", "&%zz=1", "&=1", "&&&", "&data=%FF%FE", "&data=%C0%80", "&imageFormat"])
    return f"/generate/{barcode}", query


def _generate_params(rnd: random.Random) -> dict[str, Any]:
    params: dict[str, Any] = {
        "barcodeType": _mangle_case(rnd, rnd.choice(ENUMS["EncodeBarcodeType"])),
        "encodeData": {"data": _data(rnd), "dataType": _mangle_case(rnd, rnd.choice(ENUMS["EncodeDataType"]))},
    }
    groups = {
        "barcodeImageParams": ["imageFormat", "textLocation", "foregroundColor", "units", "resolution", "imageWidth"],
        "qrParams": ["qrEncodeMode", "qrErrorLevel", "qrVersion", "qrECIEncoding", "qrAspectRatio"],
        "code128Params": ["code128EncodeMode"],
        "pdf417Params": ["pdf417EncodeMode", "pdf417Columns", "pdf417Rows", "pdf417Truncate", "pdf417MacroCharacters"],
    }
    by_name = {p["name"]: p for p in GET_PARAMS}
    for group, names in groups.items():
        if rnd.random() < 0.4:
            chosen = {}
            for name in rnd.sample(names, rnd.randint(1, len(names))):
                value: Any = _param_value(rnd, by_name[name])
                kind = by_name[name]["schema"].get("type")
                if kind in ("integer", "number", "boolean") and rnd.random() < 0.8:
                    try:
                        value = json.loads(value.lower()) if kind == "boolean" else float(value)
                        if kind == "integer" and value == int(value):
                            value = int(value)
                    except (ValueError, OverflowError):
                        pass
                chosen[name] = value
            params[group] = chosen
    return params


def _json_mutations(rnd: random.Random, obj: dict[str, Any]) -> bytes:
    roll = rnd.random()
    if roll < 0.5:
        return json.dumps(obj).encode()
    if roll < 0.6:  # wrong types in random places
        key = rnd.choice(list(obj))
        obj = {**obj, key: rnd.choice([None, 1, -1.5, True, [], {}, [obj.get(key)], "x" * 10, 2**70])}
        return json.dumps(obj).encode()
    if roll < 0.7:  # unknown and duplicated keys
        text = json.dumps(obj)
        return (text[:-1] + ', "zzz": 1, "' + rnd.choice(list(obj)) + '": null}').encode()
    raw = bytearray(json.dumps(obj).encode())
    op = rnd.randrange(6)
    if op == 0:
        return bytes(raw[: rnd.randrange(len(raw))])
    if op == 1:
        for _ in range(rnd.randint(1, 4)):
            raw[rnd.randrange(len(raw))] = rnd.randrange(256)
        return bytes(raw)
    if op == 2:
        return b"\xef\xbb\xbf" + bytes(raw)  # UTF-8 BOM
    if op == 3:
        return json.dumps(obj).encode("utf-16")
    if op == 4:
        return b"[" * 5000 + b"]" * 5000
    return rnd.choice([b"", b"null", b"[]", b"0", b'"x"', b"{", b"\x00" * 64, b"{" + b'"a":1,' * 20000 + b'"b":2}'])


def _to_xml(name: str, obj: Any) -> str:
    if isinstance(obj, dict):
        inner = "".join(_to_xml(k[0].upper() + k[1:], v) for k, v in obj.items())
        return f"<{name}>{inner}</{name}>"
    if isinstance(obj, list):
        return f"<{name}>" + "".join(_to_xml("DecodeBarcodeType", v) for v in obj) + f"</{name}>"
    text = str(obj).replace("&", "&amp;").replace("<", "&lt;")
    return f"<{name}>{text}</{name}>"


XML_TRICKS = [
    '<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
    '<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">]>{body}',
    '<?xml version="1.0"?><!DOCTYPE r [<!ENTITY e SYSTEM "file:///etc/passwd">]>{body}',
    '<?xml version="1.0"?><!DOCTYPE r SYSTEM "http://127.0.0.1:9/x.dtd">{body}',
    '<?xml version="1.0"?><!DOCTYPE r [<!ENTITY % p SYSTEM "http://127.0.0.1:9/p">%p;]>{body}',
    '<?xml version="1.0" encoding="UTF-16"?>{body}',
    # an unknown encoding name is a 500 today (bodies.py): test_conformance.test_xml_unknown_encoding, not here
    '<?xml-stylesheet href="http://127.0.0.1:9/s.xsl"?>{body}',
    '<x:r xmlns:x="urn:x" xmlns:xi="http://www.w3.org/2001/XInclude"><xi:include href="file:///etc/passwd"/></x:r>',
    "<![CDATA[{body}]]>",
    "{body}<trailing/>",
    "\ufeff{body}",
    "<r>" * 10000 + "</r>" * 10000,
    '<r a="1" a="2"/>',
]


def _xml_body(rnd: random.Random, root: str, obj: dict[str, Any]) -> bytes:
    body = _to_xml(root, obj)
    roll = rnd.random()
    if roll < 0.45:
        text = body
    elif roll < 0.55:
        text = body.lower()  # element names in another case
    else:
        text = rnd.choice(XML_TRICKS).replace("{body}", body)
    data = text.encode("utf-8")
    if rnd.random() < 0.1:
        data = data[: rnd.randrange(1, len(data) + 1)]
    if rnd.random() < 0.05:
        data = text.encode("latin-1", "replace") + b"\xff\xfe"
    return data


def _recognize_body(rnd: random.Random, png: bytes, with_types: bool) -> dict[str, Any]:
    choices = [
        base64.b64encode(png).decode(),
        base64.urlsafe_b64encode(png).decode().rstrip("="),
        "data:image/png;base64," + base64.b64encode(png).decode(),
        " \n".join(base64.b64encode(png).decode()[i : i + 76] for i in range(0, 400, 76)),
        base64.b64encode(png[: rnd.randrange(1, len(png))]).decode(),
        base64.b64encode(rnd.randbytes(rnd.randint(1, 300))).decode(),
        _odd(rnd),
    ]
    body: dict[str, Any] = {"fileBase64": rnd.choice(choices)}
    if with_types:
        pool = ENUMS["DecodeBarcodeType"]
        body["barcodeTypes"] = [_mangle_case(rnd, rnd.choice(pool)) for _ in range(rnd.randint(0, 4))]
        if rnd.random() < 0.2:
            body["barcodeTypes"].append(_odd(rnd))
        if rnd.random() < 0.5:
            body["recognitionMode"] = _mangle_case(rnd, rnd.choice(ENUMS["RecognitionMode"]))
        if rnd.random() < 0.5:
            body["recognitionImageKind"] = _mangle_case(rnd, rnd.choice(ENUMS["RecognitionImageKind"]))
    return body


def _multipart(rnd: random.Random, fields: list[tuple[str, bytes, str | None]]) -> tuple[bytes, str]:
    """A multipart body of ``fields`` (name, value, filename), with random damage; and its Content-Type."""
    boundary = rnd.choice(["b0undary", "----x" + "y" * 60, "a b", "é", "x"])
    fields = list(fields)
    if rnd.random() < 0.15 and fields:
        fields += [rnd.choice(fields)] * rnd.randint(1, 3)  # duplicated fields
    if rnd.random() < 0.08:
        fields += [(f"f{i}", b"v", None) for i in range(rnd.choice([40, 70, 300]))]  # many fields
    if rnd.random() < 0.05:
        fields += [(f"file{i}", b"v", "f.bin") for i in range(6)]  # many files
    nl = b"\r\n" if rnd.random() < 0.9 else b"\n"
    parts = []
    for name, value, filename in fields:
        name_bytes = name.encode("utf-8") if rnd.random() < 0.95 else name.encode("utf-8") + b"\xff"
        disposition = b'Content-Disposition: form-data; name="' + name_bytes + b'"'
        if filename is not None:
            disposition += b'; filename="' + filename.encode() + b'"' + nl + b"Content-Type: image/png"
        if rnd.random() < 0.03:
            disposition = b"Content-Disposition: form-data"  # no name
        if rnd.random() < 0.03:
            disposition += nl + b"X-Long: " + b"h" * 20000
        parts.append(b"--" + boundary.encode("utf-8") + nl + disposition + nl + nl + value + nl)
    body = b"".join(parts) + (b"--" + boundary.encode("utf-8") + b"--" + nl if rnd.random() < 0.9 else b"")
    if rnd.random() < 0.05 and body:
        body = body[: rnd.randrange(len(body))]
    roll = rnd.random()
    if roll < 0.8:
        content_type = f"multipart/form-data; boundary={boundary}"
    elif roll < 0.85:
        content_type = f'multipart/form-data; boundary="{boundary}"'
    elif roll < 0.9:
        content_type = "multipart/form-data"  # missing boundary
    elif roll < 0.95:
        content_type = "multipart/form-data; boundary=other"  # wrong boundary
    else:
        content_type = rnd.choice(["application/json", "text/plain", "application/x-www-form-urlencoded", ""])
    return body, content_type


# --- running ------------------------------------------------------------------------------------------------------


def check_answer(response: httpx.Response, what: str) -> None:
    status = response.status_code
    assert status in ALLOWED, f"{what}: {status} {response.text[:500]}"
    media = response.headers.get("content-type", "").split(";")[0]
    if status == 200:
        assert media.startswith("image/") or media in ("application/json", "application/xml"), what
        if response.request.method != "HEAD":
            assert response.content, what
        if media == "application/json":
            assert "barcodes" in response.json(), what
        elif media == "application/xml":
            assert ElementTree.fromstring(response.content).tag == "BarcodeResponseList", what
        return
    if response.request.method == "HEAD":
        return
    assert media in ("application/json", "application/xml"), f"{what}: error as {media!r}"
    if media == "application/json":
        error = response.json()["error"]
        message, code = error["message"], error["code"]
    else:
        root = ElementTree.fromstring(response.content)
        assert root.tag == "ApiErrorResponse", what
        message, code = root.findtext("Error/Message"), root.findtext("Error/Code")
    assert code and message, what
    assert "Traceback" not in message and "object at 0x" not in message, f"{what}: {message}"
    assert len(message) < 4000, f"{what}: a {len(message)}-character message"


Case = Callable[[random.Random], tuple[str, dict[str, Any]]]


def make_cases(png: bytes) -> dict[str, Case]:
    def generate_get(rnd: random.Random) -> tuple[str, dict[str, Any]]:
        path, query = _query(rnd)
        return "GET", {"url": path + ("?" + query if query else "")}

    def generate_head(rnd: random.Random) -> tuple[str, dict[str, Any]]:
        path, query = _query(rnd)
        return "HEAD", {"url": path + "?" + query}

    def body_request(rnd: random.Random, url: str, root: str, obj: dict[str, Any]) -> tuple[str, dict[str, Any]]:
        if rnd.random() < 0.6:
            content, kind = _json_mutations(rnd, obj), "application/json"
        else:
            content, kind = _xml_body(rnd, root, obj), "application/xml"
        if rnd.random() < 0.15:  # Content-Type lies and variants
            kind = rnd.choice(
                [
                    "application/xml",
                    "application/json",
                    "text/plain",
                    "",
                    "text/xml",
                    "application/problem+json",
                    "application/json; charset=latin-1",
                    "multipart/form-data; boundary=x",
                    "application/xml;;;",
                ]
            )
        chunked = rnd.random() < 0.2
        body: Any = iter([content[i : i + 1000] for i in range(0, len(content), 1000)]) if chunked else content
        return "POST", {"url": url, "content": body, "headers": {"Content-Type": kind}}

    def generate_body(rnd: random.Random) -> tuple[str, dict[str, Any]]:
        return body_request(rnd, "/generate-body", "GenerateParams", _generate_params(rnd))

    def generate_multipart(rnd: random.Random) -> tuple[str, dict[str, Any]]:
        params = _generate_params(rnd)
        fields: list[tuple[str, bytes, str | None]] = [
            (_mangle_case(rnd, "barcodeType"), params["barcodeType"].encode(), None),
            ("data", params["encodeData"]["data"].encode("utf-8", "surrogatepass"), None),
        ]
        for group in ("barcodeImageParams", "qrParams", "code128Params", "pdf417Params"):
            for name, value in params.get(group, {}).items():
                fields.append((name, str(value).encode("utf-8", "surrogatepass"), None))
        if rnd.random() < 0.1:
            fields.append(("data", b"\xff\xfe\xfd", rnd.choice([None, "d.txt"])))  # non-UTF-8 value
        rnd.shuffle(fields)
        if rnd.random() < 0.1:
            fields = fields[: rnd.randrange(len(fields) + 1)]
        body, kind = _multipart(rnd, fields)
        if kind.startswith("application/x-www-form-urlencoded") and rnd.random() < 0.5:
            body = "&".join(f"{quote(k)}={quote(v.decode('utf-8', 'replace'))}" for k, v, _ in fields).encode()
        return "POST", {"url": "/generate-multipart", "content": body, "headers": {"Content-Type": kind}}

    def file_url(rnd: random.Random) -> str:
        # loopback and local only: never any traffic (or DNS lookup) beyond this machine
        return rnd.choice(
            [
                "http://127.0.0.1:9/a.png",
                "https://127.0.0.1:9/a.png",
                "http://[::1]:9/a.png",
                "http://localhost:9/a.png",
                "http://0.0.0.0:9/",
                "http://2130706433/",
                "http://127.1/",
                "ftp://127.0.0.1/a.png",
                "file:///etc/passwd",
                "gopher://127.0.0.1:9/",
                "data:image/png;base64," + base64.b64encode(png).decode(),
                "http://user:pass@127.0.0.1:9/",
                "http:///nohost",
                "http://[::ffff:127.0.0.1]:9/",
                "http://127.0.0.1:99999/",
                "//127.0.0.1/a.png",
                "",
                _odd(rnd),
            ]
        )

    def recognize_get(rnd: random.Random) -> tuple[str, dict[str, Any]]:
        params = []
        if rnd.random() < 0.9:
            params.append((rnd.choice(["fileUrl", "fileurl"]) if rnd.random() < 0.2 else "fileUrl", file_url(rnd)))
        if rnd.random() < 0.9:
            params.append(("barcodeType", _mangle_case(rnd, rnd.choice(ENUMS["DecodeBarcodeType"]))))
        for name, enum in (("recognitionMode", "RecognitionMode"), ("recognitionImageKind", "RecognitionImageKind")):
            if rnd.random() < 0.4:
                params.append((name, _mangle_case(rnd, rnd.choice(ENUMS[enum])) if rnd.random() < 0.8 else _odd(rnd)))
        return "GET", {"url": "/recognize", "params": params}

    def scan_get(rnd: random.Random) -> tuple[str, dict[str, Any]]:
        return "GET", {"url": "/scan", "params": [("fileUrl", file_url(rnd))] if rnd.random() < 0.9 else []}

    def recognize_body(rnd: random.Random) -> tuple[str, dict[str, Any]]:
        return body_request(rnd, "/recognize-body", "RecognizeBase64Request", _recognize_body(rnd, png, True))

    def scan_body(rnd: random.Random) -> tuple[str, dict[str, Any]]:
        return body_request(rnd, "/scan-body", "ScanBase64Request", _recognize_body(rnd, png, False))

    def image(rnd: random.Random) -> bytes:
        roll = rnd.random()
        if roll < 0.4:
            return png
        if roll < 0.7:
            damaged = bytearray(png)
            for _ in range(rnd.randint(1, 8)):
                damaged[rnd.randrange(len(damaged))] = rnd.randrange(256)
            return bytes(damaged)
        return rnd.choice([b"", b"GIF89a", png[: rnd.randrange(len(png))], rnd.randbytes(200)])

    def recognize_multipart(rnd: random.Random) -> tuple[str, dict[str, Any]]:
        fields: list[tuple[str, bytes, str | None]] = [("file", image(rnd), "a.png")]
        if rnd.random() < 0.9:
            fields.append(("barcodeType", _mangle_case(rnd, rnd.choice(ENUMS["DecodeBarcodeType"])).encode(), None))
        if rnd.random() < 0.3:
            name = _mangle_case(rnd, "recognitionMode")
            fields.append((name, _odd(rnd).encode("utf-8", "surrogatepass"), None))
        rnd.shuffle(fields)
        body, kind = _multipart(rnd, fields)
        return "POST", {"url": "/recognize-multipart", "content": body, "headers": {"Content-Type": kind}}

    def scan_multipart(rnd: random.Random) -> tuple[str, dict[str, Any]]:
        fields: list[tuple[str, bytes, str | None]] = [("file", image(rnd), rnd.choice(["a.png", "", "é.png"]))]
        if rnd.random() < 0.2:
            fields.append(("file", image(rnd), None))  # the image as a plain field
        body, kind = _multipart(rnd, fields)
        return "POST", {"url": "/scan-multipart", "content": body, "headers": {"Content-Type": kind}}

    return {
        "Generate": generate_get,
        "GenerateHead": generate_head,
        "GenerateBody": generate_body,
        "GenerateMultipart": generate_multipart,
        "Recognize": recognize_get,
        "RecognizeBase64": recognize_body,
        "RecognizeMultipart": recognize_multipart,
        "Scan": scan_get,
        "ScanBase64": scan_body,
        "ScanMultipart": scan_multipart,
    }
