"""What the recognition tools report: the barcodes of each file, or why it could not be read."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Found:
    type: str
    value: str
    page: int | None  # from 1; None when a server read an image (its answer does not say which page)
    checksum: str | None = None
    region: tuple[tuple[int, int], ...] = ()

    def as_dict(self) -> dict[str, Any]:
        return {
            "type": self.type,
            "value": self.value,
            "page": self.page,
            "checksum": self.checksum,
            "region": [list(p) for p in self.region],
        }


@dataclass(frozen=True)
class Query:
    """What to look for: ``types`` None scans for every type."""

    types: tuple[str, ...] | None = None
    mode: str = "Normal"  # the API's recognitionMode
    kind: str = "Photo"  # the API's recognitionImageKind


@dataclass
class FileResult:
    file: str
    barcodes: list[Found] = field(default_factory=list)
    error: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {"file": self.file, "barcodes": [b.as_dict() for b in self.barcodes], "error": self.error}
