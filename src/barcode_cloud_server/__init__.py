"""Barcode Cloud service: identity, Barcode API v4, engine and CLI."""

__version__ = "0.1.0"
