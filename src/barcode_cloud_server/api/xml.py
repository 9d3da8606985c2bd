"""The spec's XML form of its JSON models: camelCase keys become PascalCase elements, arrays are wrapped.

``<BarcodeResponseList><Barcodes><BarcodeResponse>...</BarcodeResponse></Barcodes></BarcodeResponseList>``
is the XML of ``{"barcodes": [{...}]}``. Parsing uses defusedxml, so entity and DTD tricks are refused.
"""

from __future__ import annotations

from typing import Any
from xml.etree.ElementTree import Element, SubElement, tostring

from defusedxml import ElementTree as SafeElementTree
from defusedxml.common import DefusedXmlException

# Element names of array items, where the spec names them differently from the array.
ITEM_NAMES = {"barcodes": "BarcodeResponse", "region": "Point", "barcodeTypes": "DecodeBarcodeType"}
# Keys that are arrays when parsed from XML (an element alone cannot tell one item from a scalar).
ARRAY_KEYS = frozenset(ITEM_NAMES)


class XmlBodyError(ValueError):
    """The body is not well-formed XML, or uses forbidden constructs (DTDs, entities)."""


def _pascal(key: str) -> str:
    return key[:1].upper() + key[1:]


def _camel(tag: str) -> str:
    return tag[:1].lower() + tag[1:]


def _fill(element: Element, value: Any, key: str) -> None:
    if isinstance(value, dict):
        for child_key, child_value in value.items():
            if child_value is not None:
                _fill(SubElement(element, _pascal(child_key)), child_value, child_key)
    elif isinstance(value, list):
        item_name = ITEM_NAMES.get(key, "Item")
        for item in value:
            _fill(SubElement(element, item_name), item, item_name)
    elif isinstance(value, bool):
        element.text = "true" if value else "false"
    else:
        element.text = str(value)


def to_xml(root_name: str, data: dict[str, Any]) -> bytes:
    root = Element(root_name)
    _fill(root, data, root_name)
    return b'<?xml version="1.0" encoding="utf-8"?>' + tostring(root, encoding="unicode").encode("utf-8")


def _read(element: Element, key: str) -> Any:
    children = list(element)
    if key in ARRAY_KEYS:
        return [_read(child, child.tag) if len(child) else (child.text or "") for child in children]
    if not children:
        return (element.text or "").strip()
    return {_camel(child.tag): _read(child, _camel(child.tag)) for child in children}


def from_xml(body: bytes) -> dict[str, Any]:
    """Parse an XML request body into the JSON shape of the same model."""
    try:
        root = SafeElementTree.fromstring(body, forbid_dtd=True)
    except (SafeElementTree.ParseError, DefusedXmlException) as exc:
        raise XmlBodyError(f"the XML body could not be parsed: {exc}") from None
    value = _read(root, _camel(root.tag))
    return value if isinstance(value, dict) else {}
