"""What the user named on the command line, as a list of files: files as given, folders walked recursively
(image and PDF files only, symbolic links to folders not followed), globs expanded; names that match nothing are
reported, not fatal."""

from __future__ import annotations

import glob
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

# Every image format the API takes, and PDF.
SUFFIXES = frozenset({".png", ".jpg", ".jpeg", ".gif", ".bmp", ".dib", ".tif", ".tiff", ".webp", ".pdf"})
_GLOB = frozenset("*?[")


@dataclass
class Inputs:
    files: list[Path] = field(default_factory=list)
    problems: list[tuple[str, str]] = field(default_factory=list)  # (name as given, what is wrong)


def _walk(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.suffix.lower() in SUFFIXES and p.is_file())


def collect(names: Sequence[str]) -> Inputs:
    found = Inputs()
    seen: set[Path] = set()

    def add(path: Path) -> None:
        if path not in seen:
            seen.add(path)
            found.files.append(path)

    for name in names:
        path = Path(name)
        if path.is_dir():
            files = _walk(path)
            if not files:
                found.problems.append((name, "the folder holds no image or PDF files"))
            for file in files:
                add(file)
        elif path.exists():
            add(path)
        elif _GLOB & set(name):
            matches = sorted(glob.glob(name, recursive=True))
            files = [f for m in matches for f in (_walk(Path(m)) if Path(m).is_dir() else [Path(m)])]
            if not files:
                found.problems.append((name, "no file matches the pattern"))
            for file in files:
                add(file)
        else:
            found.problems.append((name, "no such file or folder"))
    return found
