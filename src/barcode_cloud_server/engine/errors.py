"""Errors the engine raises for bad input. The API turns every one of them into a 400."""


class EngineError(Exception):
    """Input the engine cannot process; ``message`` is safe to show to the caller."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class InvalidBarcodeData(EngineError):
    """The data cannot be encoded in the chosen symbology."""


# Aspose's words first (its SDK's own test looks for them), then ours.
DATA_REQUIRED = (
    "Error: Field name: 'Data' errors: The Data field is required. "
    "data is the text (or Base64/hex bytes, see dataType) to encode and may not be empty"
)


class InvalidOption(EngineError):
    """An option (size, color, format, unit, version...) is out of range or unknown."""


class InvalidImage(EngineError):
    """An uploaded or fetched image is empty, truncated, not an image, or too large."""


SHOWN_LIMIT = 80


def shown(value: str, limit: int = SHOWN_LIMIT) -> str:
    """A caller's value quoted for an error message: ``repr`` (control and other unprintable characters escaped,
    so the message stays readable and an XML error body well-formed), cut to ``limit`` characters with the
    whole length named when longer."""
    if len(value) <= limit:
        return repr(value)
    return f"{value[:limit]!r}... ({len(value)} characters)"


def shown_number(value: float) -> str:
    """A number for an error message: as written when short (``1e+308``, not 309 digits), whole numbers as digits."""
    if value == value and abs(value) < 1e15 and value == int(value):  # finite and whole
        return str(int(value))
    return f"{value:.6g}"
