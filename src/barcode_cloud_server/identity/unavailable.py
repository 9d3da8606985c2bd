"""Errors that mean the database cannot be reached right now (down, restarting, out of connections): requests
that need it are answered with 503 and Retry-After, never 500, and work again once it is back."""

from __future__ import annotations

from sqlalchemy.exc import InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout

DATABASE_UNAVAILABLE: tuple[type[Exception], ...] = (OperationalError, InterfaceError, PoolTimeout)
RETRY_AFTER = {"Retry-After": "2"}
