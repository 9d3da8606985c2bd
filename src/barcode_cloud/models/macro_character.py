"""The module path ``aspose_barcode_cloud.models.macro_character`` names: :class:`MacroCharacter`."""

from barcode_cloud.models.enums import MacroCharacter

__all__ = ["MacroCharacter"]
