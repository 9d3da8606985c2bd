"""The dashboard playground's calls in the usage counts: each user's under a key of their own, as the API
operations they stand for. The key is no application (no client row, no quota); the usage pages name it by its
user."""

from __future__ import annotations

GENERATE_PATH = "/playground/generate"
RECOGNIZE_PATH = "/playground/recognize"
SCAN_PATH = "/playground/scan"
# Route -> the operation it is counted as: the multipart operation of the API that takes the same form.
OPERATIONS = {
    GENERATE_PATH: "generate-multipart",
    RECOGNIZE_PATH: "recognize-multipart",
    SCAN_PATH: "scan-multipart",
}
_PREFIX = "playground:"


def usage_key(user_id: int) -> str:
    """The key a user's playground calls are counted under (in place of a client id)."""
    return f"{_PREFIX}{user_id}"


def user_of(key: str) -> int | None:
    """The user whose playground ``key`` counts, or None when it is not a playground's key."""
    rest = key.removeprefix(_PREFIX)
    return int(rest) if rest != key and rest.isdigit() else None
