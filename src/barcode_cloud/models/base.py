"""The base of every model: snake_case attributes, the wire's camelCase names, JSON and XML forms."""

from __future__ import annotations

import pprint
from typing import TYPE_CHECKING, Any, ClassVar, Self
from xml.etree.ElementTree import Element

from pydantic import BaseModel, ConfigDict
from pydantic.alias_generators import to_camel

import barcode_cloud.models.xml as _xml


class WireModel(BaseModel):
    """A model of the Barcode Cloud v4 contract.

    * Attributes are snake_case (``barcode_value``), as in ``aspose_barcode_cloud``; the wire names are
      camelCase (``barcodeValue``). Both are accepted on input; output uses the wire names and
      leaves out ``None``.
    * ``to_wire()`` / ``to_json()`` / ``to_xml()`` give the wire forms, ``from_wire()`` / ``from_json()`` /
      ``from_xml()`` read them. XML element names follow the spec (``<GenerateParams><BarcodeType>QR</...>``).
    * ``to_dict()`` / ``to_str()`` behave as in ``aspose_barcode_cloud`` (snake_case keys, ``None`` kept).
    * Unknown input fields are ignored, so that a newer server does not break an older client.
    """

    model_config = ConfigDict(
        alias_generator=to_camel,
        validate_by_name=True,
        validate_by_alias=True,
        serialize_by_alias=True,
        validate_assignment=True,
        extra="ignore",
    )

    #: The XML element name of this model when it is the document's root or a list item.
    __xml_name__: ClassVar[str] = ""
    #: XML item element names of list fields holding enum values (field name -> element name).
    __xml_items__: ClassVar[dict[str, str]] = {}

    if not TYPE_CHECKING:
        # aspose's models also take their fields positionally, in declaration order.
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            if args:
                names = list(type(self).model_fields)
                if len(args) > len(names):
                    raise TypeError(f"{type(self).__name__} takes at most {len(names)} positional arguments")
                for name, value in zip(names, args, strict=False):
                    if name in kwargs:
                        raise TypeError(f"{type(self).__name__} got multiple values for argument {name!r}")
                    kwargs[name] = value
            super().__init__(**kwargs)

    # --- wire forms -----------------------------------------------------------------------------------------
    def to_wire(self) -> dict[str, Any]:
        """The JSON-ready dict with the wire's names, without ``None`` values."""
        return self.model_dump(mode="json", by_alias=True, exclude_none=True)

    def to_json(self) -> str:
        """The JSON text with the wire's names, without ``None`` values."""
        return self.model_dump_json(by_alias=True, exclude_none=True)

    @classmethod
    def from_wire(cls, data: Any) -> Self:
        """Validate a decoded JSON value (camelCase or snake_case keys)."""
        return cls.model_validate(data)

    @classmethod
    def from_json(cls, data: str | bytes | bytearray) -> Self:
        """Validate JSON text."""
        return cls.model_validate_json(data)

    def to_xml(self) -> bytes:
        """The XML document (UTF-8, with declaration) with the spec's element names."""
        return _xml.dump(self)

    def to_xml_element(self, tag: str | None = None) -> Element:
        """This model as an :class:`xml.etree.ElementTree.Element`."""
        return _xml.to_element(self, tag or self.__xml_name__)

    @classmethod
    def from_xml(cls, data: str | bytes | Element) -> Self:
        """Read an XML document or element; element names match case-insensitively, the root's is not checked.

        Text with a DOCTYPE is refused (no entity expansion). Raises ``ValueError`` (pydantic's
        ``ValidationError`` is one) on bad input.
        """
        return cls.model_validate(_xml.read(cls, data))

    # --- aspose_barcode_cloud compatibility -----------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        """The attributes as a dict with snake_case keys, nested models as dicts, ``None`` kept."""
        return self.model_dump(by_alias=False)

    def to_str(self) -> str:
        """``to_dict()`` pretty-printed."""
        return pprint.pformat(self.to_dict())
