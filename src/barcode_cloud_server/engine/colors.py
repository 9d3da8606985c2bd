"""Colors as the spec gives them: a .NET System.Drawing color name or #RGB / #ARGB / #RRGGBB / #AARRGGBB."""

from __future__ import annotations

from functools import lru_cache

from PIL import ImageColor

from barcode_cloud_server.engine.errors import InvalidOption, shown

RGBA = tuple[int, int, int, int]

DOTNET_COLOR_NAMES: tuple[str, ...] = (
    "AliceBlue",
    "AntiqueWhite",
    "Aqua",
    "Aquamarine",
    "Azure",
    "Beige",
    "Bisque",
    "Black",
    "BlanchedAlmond",
    "Blue",
    "BlueViolet",
    "Brown",
    "BurlyWood",
    "CadetBlue",
    "Chartreuse",
    "Chocolate",
    "Coral",
    "CornflowerBlue",
    "Cornsilk",
    "Crimson",
    "Cyan",
    "DarkBlue",
    "DarkCyan",
    "DarkGoldenrod",
    "DarkGray",
    "DarkGreen",
    "DarkKhaki",
    "DarkMagenta",
    "DarkOliveGreen",
    "DarkOrange",
    "DarkOrchid",
    "DarkRed",
    "DarkSalmon",
    "DarkSeaGreen",
    "DarkSlateBlue",
    "DarkSlateGray",
    "DarkTurquoise",
    "DarkViolet",
    "DeepPink",
    "DeepSkyBlue",
    "DimGray",
    "DodgerBlue",
    "Firebrick",
    "FloralWhite",
    "ForestGreen",
    "Fuchsia",
    "Gainsboro",
    "GhostWhite",
    "Gold",
    "Goldenrod",
    "Gray",
    "Green",
    "GreenYellow",
    "Honeydew",
    "HotPink",
    "IndianRed",
    "Indigo",
    "Ivory",
    "Khaki",
    "Lavender",
    "LavenderBlush",
    "LawnGreen",
    "LemonChiffon",
    "LightBlue",
    "LightCoral",
    "LightCyan",
    "LightGoldenrodYellow",
    "LightGray",
    "LightGreen",
    "LightPink",
    "LightSalmon",
    "LightSeaGreen",
    "LightSkyBlue",
    "LightSlateGray",
    "LightSteelBlue",
    "LightYellow",
    "Lime",
    "LimeGreen",
    "Linen",
    "Magenta",
    "Maroon",
    "MediumAquamarine",
    "MediumBlue",
    "MediumOrchid",
    "MediumPurple",
    "MediumSeaGreen",
    "MediumSlateBlue",
    "MediumSpringGreen",
    "MediumTurquoise",
    "MediumVioletRed",
    "MidnightBlue",
    "MintCream",
    "MistyRose",
    "Moccasin",
    "NavajoWhite",
    "Navy",
    "OldLace",
    "Olive",
    "OliveDrab",
    "Orange",
    "OrangeRed",
    "Orchid",
    "PaleGoldenrod",
    "PaleGreen",
    "PaleTurquoise",
    "PaleVioletRed",
    "PapayaWhip",
    "PeachPuff",
    "Peru",
    "Pink",
    "Plum",
    "PowderBlue",
    "Purple",
    "RebeccaPurple",
    "Red",
    "RosyBrown",
    "RoyalBlue",
    "SaddleBrown",
    "Salmon",
    "SandyBrown",
    "SeaGreen",
    "SeaShell",
    "Sienna",
    "Silver",
    "SkyBlue",
    "SlateBlue",
    "SlateGray",
    "Snow",
    "SpringGreen",
    "SteelBlue",
    "Tan",
    "Teal",
    "Thistle",
    "Tomato",
    "Transparent",
    "Turquoise",
    "Violet",
    "Wheat",
    "White",
    "WhiteSmoke",
    "Yellow",
    "YellowGreen",
)


def _named() -> dict[str, RGBA]:
    table: dict[str, RGBA] = {}
    for name in DOTNET_COLOR_NAMES:
        if name == "Transparent":
            table[name.lower()] = (255, 255, 255, 0)
            continue
        rgb = ImageColor.colormap[name.lower()]
        assert isinstance(rgb, str)
        table[name.lower()] = (int(rgb[1:3], 16), int(rgb[3:5], 16), int(rgb[5:7], 16), 255)
    return table


_NAMED = _named()
_HEX = frozenset("0123456789abcdefABCDEF")


@lru_cache(maxsize=256)
def parse_color(value: str, what: str = "color") -> RGBA:
    """Parse a .NET color name (case-insensitive) or #RGB/#ARGB/#RRGGBB/#AARRGGBB into (r, g, b, a). A ``0x``
    prefix stands for ``#`` (Aspose accepts it, as .NET's ColorConverter does; its own test sends ``0xffe``)."""
    text = value.strip()
    if text[:2] in ("0x", "0X"):
        text = "#" + text[2:]
    if text.startswith("#"):
        digits = text[1:]
        if not digits or any(c not in _HEX for c in digits) or len(digits) not in (3, 4, 6, 8):
            raise InvalidOption(
                f"{what} {shown(value)} is not a valid color: use #RGB, #ARGB, #RRGGBB or #AARRGGBB hex digits "
                "(0x in place of #), or a .NET color name such as Black, White, AliceBlue"
            )
        if len(digits) in (3, 4):
            digits = "".join(c * 2 for c in digits)
        if len(digits) == 6:
            digits = "FF" + digits
        a, r, g, b = (int(digits[i : i + 2], 16) for i in range(0, 8, 2))
        return (r, g, b, a)
    found = _NAMED.get(text.lower())
    if found is None:
        raise InvalidOption(
            f"{what} {shown(value)} is not a known color name; use #AARRGGBB/#RRGGBB/#ARGB/#RGB or one of: "
            + ", ".join(DOTNET_COLOR_NAMES)
        )
    return found
