"""Security headers for every response, encoded once: added by ``request_context.RequestContextMiddleware`` (which
already rebuilds each response's header list for X-Request-Id) and by ``protocols`` to its own answers.

API responses (JSON, XML, images, SVG included) load nothing and are framed nowhere: ``default-src 'none'``.
The Swagger UI page at /docs (``docs_page``) loads its script, stylesheet and favicon from this origin and runs
one inline script; its policy allows exactly those (the inline scripts by hash), inline styles (Swagger UI sets
them), ``data:`` images (its icons) and requests to this origin (the spec, the token, "Try it out").
A response that brings its own policy (the dashboard's pages) keeps it and gets the other headers.
"""

from __future__ import annotations

import base64
import hashlib
import re

from barcode_cloud_server.web.docs_page import DOCS_URL, OAUTH2_REDIRECT_URL, docs_html, oauth2_redirect_html

Headers = tuple[tuple[bytes, bytes], ...]

DOCS_PATHS = frozenset({DOCS_URL, OAUTH2_REDIRECT_URL})
_INLINE_SCRIPT = re.compile(r"<script>(.*?)</script>", re.DOTALL)


def _script_hashes() -> str:
    """CSP hashes of the inline scripts of the two docs pages (the same whatever the title)."""
    pages = [docs_html(""), oauth2_redirect_html()]
    scripts = [script for page in pages for script in _INLINE_SCRIPT.findall(bytes(page.body).decode())]
    digests = (base64.b64encode(hashlib.sha256(script.encode()).digest()).decode() for script in scripts)
    return " ".join(f"'sha256-{digest}'" for digest in digests)


_COMMON = ((b"x-content-type-options", b"nosniff"), (b"referrer-policy", b"no-referrer"), (b"x-frame-options", b"DENY"))
API_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
DOCS_CSP = (
    f"default-src 'none'; script-src 'self' {_script_hashes()}; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
)
API_HEADERS: Headers = (*_COMMON, (b"content-security-policy", API_CSP.encode("ascii")))
# For a response that brings its own policy (the dashboard's pages).
COMMON_HEADERS: Headers = _COMMON
DOCS_HEADERS: Headers = (*_COMMON, (b"content-security-policy", DOCS_CSP.encode("ascii")))


def with_own_policy(headers: list[tuple[bytes, bytes]], security: Headers) -> Headers:
    """``security``, less its policy when the response already has one."""
    if any(name == b"content-security-policy" for name, _ in headers):
        return COMMON_HEADERS
    return security


def headers_for(path: str) -> Headers:
    """The docs pages' headers for them (one trailing slash tolerated), the API's for every other path."""
    if path.startswith("/docs") and path.rstrip("/") in DOCS_PATHS:
        return DOCS_HEADERS
    return API_HEADERS
