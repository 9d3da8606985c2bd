"""The scopes a token can carry, and which operation needs which."""

GENERATE = "barcode.generate"
RECOGNIZE = "barcode.recognize"
ALL_SCOPES: tuple[str, ...] = (GENERATE, RECOGNIZE)


def parse_scopes(value: str | None) -> list[str]:
    """Space-separated scope names, de-duplicated, in a stable order."""
    seen: dict[str, None] = {}
    for name in (value or "").split():
        seen.setdefault(name, None)
    return list(seen)
