"""Errors the engine raises for bad input. The API turns every one of them into a 400."""


class EngineError(Exception):
    """Input the engine cannot process; ``message`` is safe to show to the caller."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class InvalidBarcodeData(EngineError):
    """The data cannot be encoded in the chosen symbology."""


class InvalidOption(EngineError):
    """An option (size, color, format, unit, version...) is out of range or unknown."""


class InvalidImage(EngineError):
    """An uploaded or fetched image is empty, truncated, not an image, or too large."""
