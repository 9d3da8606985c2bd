"""The dashboard at ``/``: accounts, applications and their credentials (server-rendered pages)."""
