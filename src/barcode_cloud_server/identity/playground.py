"""The dashboard playground's calls in the usage counts: each user's under a key of their own, as the API
operations they stand for. The key is no application (no client row, no quota); the usage pages name it by its
user."""

from __future__ import annotations

from sqlalchemy import select

from barcode_cloud_server.storage.db import Database
from barcode_cloud_server.storage.tables import UserRow

# The dashboard serves these paths; they are named here, below it, for usage counting.
GENERATE_PATH = "/playground/generate"
RECOGNIZE_PATH = "/playground/recognize"
SCAN_PATH = "/playground/scan"
# Route -> the operation it is counted as: the multipart operation of the API that takes the same form.
OPERATIONS = {
    GENERATE_PATH: "generate-multipart",
    RECOGNIZE_PATH: "recognize-multipart",
    SCAN_PATH: "scan-multipart",
}


def usage_key(user_id: int) -> str:
    """The key a user's playground calls are counted under (in place of a client id)."""
    return f"playground:{user_id}"


def names(db: Database) -> dict[str, str]:
    """Every user's playground key and the name to show for it ("playground of EMAIL")."""
    with db.session() as session:
        users = session.execute(select(UserRow.id, UserRow.email)).all()
    return {usage_key(user_id): f"playground of {email}" for user_id, email in users}
