"""XML forms of the models, with the element names of the spec.

Rules (from ``spec/aspose-barcode-cloud-v4.json``): the root element is the schema's XML name
(``GenerateParams``, ``BarcodeResponseList``, ``ApiErrorResponse``...); a property's element is its
wire name with the first letter upper-cased (``barcodeValue`` -> ``BarcodeValue``,
``pdf417ECIEncoding`` -> ``Pdf417ECIEncoding``); arrays are
wrapped: ``<Barcodes><BarcodeResponse>...</BarcodeResponse></Barcodes>``, ``<Region><Point><X>1</X>...``,
``<BarcodeTypes><DecodeBarcodeType>QR</DecodeBarcodeType></BarcodeTypes>``. ``None`` values are left out;
booleans are ``true``/``false``. Reading matches element names case-insensitively and ignores unknown ones; an
empty element (``<DataType></DataType>``) holds the empty text, which fails validation wherever that is not a value.

A text XML 1.0 cannot carry as it is (control characters other than tab and line feed, U+FFFE, U+FFFF; a
carriage return, which parsers turn into a line feed; leading or trailing whitespace, which readers strip) is
written as the base64 of its UTF-8 in an element marked ``encoding="base64"``, and read back from that form: a
barcode's data (an ISO/IEC 15434 message with its RS and GS, bytes one character per byte) crosses unchanged.
"""

from __future__ import annotations

import base64
import binascii
import datetime
import enum
import re
import types
import typing
from functools import cache
from typing import Any
from xml.etree import ElementTree
from xml.etree.ElementTree import Element

from pydantic import BaseModel

# Models are pydantic models here, not WireModel: base imports this module, so this one must not import base.

_SCALAR, _MODEL, _LIST = "scalar", "model", "list"


def element_name(alias: str) -> str:
    """The XML element name of a property, from its wire (camelCase) name."""
    return alias[:1].upper() + alias[1:]


def _unwrap_optional(annotation: Any) -> Any:
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        if len(args) == 1:
            return args[0]
    return annotation


def _is_model(tp: Any) -> bool:
    return isinstance(tp, type) and issubclass(tp, BaseModel)


def _xml_name(cls: type[BaseModel]) -> str:
    """A model's ``__xml_name__`` (its element name as a document's root or a list item)."""
    return str(getattr(cls, "__xml_name__", ""))


@cache
def _layout(cls: type[BaseModel]) -> dict[str, tuple[str, str, str, Any]]:
    """field name -> (kind, element name, item element name, model class or None)."""
    out: dict[str, tuple[str, str, str, Any]] = {}
    for name, field in cls.model_fields.items():
        alias = field.alias or name
        tp = _unwrap_optional(field.annotation)
        if typing.get_origin(tp) is list:
            (item,) = typing.get_args(tp)
            if _is_model(item):
                out[name] = (_LIST, element_name(alias), _xml_name(item), item)
            else:
                items: dict[str, str] = getattr(cls, "__xml_items__", {})
                item_name = items.get(name) or getattr(item, "__xml_name__", "") or "Item"
                out[name] = (_LIST, element_name(alias), item_name, None)
        elif _is_model(tp):
            out[name] = (_MODEL, element_name(alias), "", tp)
        else:
            out[name] = (_SCALAR, element_name(alias), "", None)
    return out


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, enum.Enum):
        return str(value.value)
    if isinstance(value, datetime.datetime) and value.utcoffset() == datetime.timedelta(0):
        return value.isoformat().replace("+00:00", "Z")  # as the JSON form writes UTC
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    return str(value)


_NOT_IN_XML = re.compile("[\x00-\x08\x0b-\x1f\ufffe\uffff\ud800-\udfff]|^\\s|\\s$")


def _set_text(elem: Element, text: str) -> None:
    if _NOT_IN_XML.search(text):
        elem.set("encoding", "base64")
        text = base64.b64encode(text.encode("utf-8", "surrogatepass")).decode("ascii")
    elem.text = text


def _get_text(elem: Element) -> str:
    text = (elem.text or "").strip()
    if elem.get("encoding") != "base64":
        return text
    try:
        return base64.b64decode(text, validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError) as exc:
        raise ValueError(f'<{_local(elem.tag)} encoding="base64"> does not hold base64 of UTF-8 text') from exc


def to_element(model: BaseModel, tag: str) -> Element:
    root = Element(tag)
    for name, (kind, elem_name, item_name, _) in _layout(type(model)).items():
        value = getattr(model, name)
        if value is None:
            continue
        if kind == _MODEL:
            root.append(to_element(value, elem_name))
        elif kind == _LIST:
            wrapper = Element(elem_name)
            for item in value:
                if isinstance(item, BaseModel):
                    wrapper.append(to_element(item, item_name))
                else:
                    child = Element(item_name)
                    _set_text(child, _text(item))
                    wrapper.append(child)
            root.append(wrapper)
        else:
            child = Element(elem_name)
            _set_text(child, _text(value))
            root.append(child)
    return root


def dump(model: BaseModel) -> bytes:
    root = to_element(model, _xml_name(type(model)))
    out: bytes = ElementTree.tostring(root, encoding="utf-8", xml_declaration=True)
    return out


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1].casefold()


def from_element(cls: type[BaseModel], elem: Element) -> dict[str, Any]:
    """The dict (snake_case keys) that ``cls.model_validate`` turns into the model."""
    by_tag = {elem_name.casefold(): (name, kind, model) for name, (kind, elem_name, _, model) in _layout(cls).items()}
    data: dict[str, Any] = {}
    for child in elem:
        hit = by_tag.get(_local(child.tag))
        if hit is None:
            continue
        name, kind, model = hit
        if kind == _MODEL:
            data[name] = from_element(model, child)
        elif kind == _LIST:
            if model is not None:
                data[name] = [from_element(model, item) for item in child]
            else:
                data[name] = [_get_text(item) for item in child]
        else:
            # An empty element is the empty value, checked like any other (XmlSerializer reads it so): not absent.
            data[name] = _get_text(child)
    return data


def parse(data: str | bytes) -> Element:
    """Parse an XML document, refusing DTDs (hence entity expansion)."""
    raw = data.encode() if isinstance(data, str) else data
    if b"<!DOCTYPE" in raw.upper() or b"<!ENTITY" in raw.upper():
        raise ValueError("XML with a DOCTYPE or ENTITY declaration is not accepted")
    try:
        return ElementTree.fromstring(raw)  # noqa: S314 - DTDs refused above: no entity expansion
    except ElementTree.ParseError as exc:
        raise ValueError(f"malformed XML: {exc}") from exc


def read(cls: type[BaseModel], data: str | bytes | Element) -> dict[str, Any]:
    elem = data if isinstance(data, Element) else parse(data)
    return from_element(cls, elem)
