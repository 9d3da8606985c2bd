"""Paths an agent names, kept inside one allowed folder: resolved with every symbolic link followed, then refused
unless the result is still inside the folder (so neither '..' nor a link leads out of it)."""

from __future__ import annotations

from pathlib import Path

from barcode_cloud_server.tools.errors import ToolError


def inside(root: Path | None, name: str) -> Path:
    """``name`` (relative to ``root``, or absolute) as a resolved path inside ``root``, or :class:`ToolError`."""
    if root is None:
        raise ToolError("file paths are not available here: send the image as base64 or an http(s) URL")
    base = root.resolve(strict=True)
    candidate = (base / name).resolve()
    if not candidate.is_relative_to(base):
        raise ToolError(f"{name!r} is outside the allowed folder {base}")
    return candidate


def read_inside(root: Path | None, name: str, max_bytes: int) -> bytes:
    path = inside(root, name)
    if not path.is_file():
        raise ToolError(f"{name!r} is not a file in the allowed folder")
    if path.stat().st_size > max_bytes:
        raise ToolError(f"{name!r} is larger than the limit of {max_bytes} bytes")
    return path.read_bytes()


def write_inside(root: Path | None, name: str, content: bytes) -> Path:
    path = inside(root, name)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
    except OSError as exc:
        raise ToolError(f"cannot write {name!r}: {exc.strerror or exc}") from None
    return path
