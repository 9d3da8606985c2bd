"""Issuing and verifying access tokens (JWTs signed with the key ring's current key)."""

from __future__ import annotations

import secrets
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

import jwt

from barcode_cloud_server.identity.keys import ALGORITHM, KeyRing

LEEWAY_SECONDS = 30
_REQUIRED_CLAIMS = ["iss", "aud", "sub", "client_id", "scope", "iat", "nbf", "exp", "jti"]


class InvalidToken(Exception):
    """Why a token was refused; the message is safe to show."""


@dataclass(frozen=True)
class TokenClaims:
    client_id: str
    scopes: frozenset[str]
    expires_at: float
    jti: str
    kid: str
    issued_at: int


@dataclass(frozen=True)
class IssuedToken:
    access_token: str
    expires_in: int
    scope: str


class TokenService:
    def __init__(self, keys: KeyRing, issuer: str, audience: str, lifetime: int) -> None:
        self._keys = keys
        self.issuer = issuer
        self.audience = audience
        self.lifetime = lifetime
        # Verified tokens by their text: a repeated token skips the signature check (still checked for expiry, and
        # for its key still being in the ring: a revoked key's tokens fail at the next reload).
        self._verified: OrderedDict[str, TokenClaims] = OrderedDict()
        self._verified_lock = threading.Lock()
        self._verified_max = 10_000

    def issue(self, client_id: str, scopes: list[str], not_before: int = 0) -> IssuedToken:
        """``not_before`` is the client's mark (ClientInfo.valid_after): a token issued in the second it was set
        is dated from it, or it would be void with the tokens issued before."""
        key = self._keys.signing_key()
        now = max(int(time.time()), not_before)
        scope = " ".join(scopes)
        claims: dict[str, Any] = {
            "iss": self.issuer,
            "aud": self.audience,
            "sub": client_id,
            "client_id": client_id,
            "scope": scope,
            "iat": now,
            "nbf": now,
            "exp": now + self.lifetime,
            "jti": secrets.token_urlsafe(16),
        }
        token = jwt.encode(claims, key.private_key, algorithm=ALGORITHM, headers={"kid": key.kid})
        return IssuedToken(token, self.lifetime, scope)

    def verify(self, token: str) -> TokenClaims:
        cached = self._verified.get(token)
        if cached is not None:
            if cached.expires_at + LEEWAY_SECONDS < time.time():
                raise InvalidToken("the token has expired")
            if self._keys.get(cached.kid) is None:
                raise InvalidToken("the token was not signed by a key of this server")
            return cached
        claims = self._verify_signed(token)
        with self._verified_lock:
            self._verified[token] = claims
            while len(self._verified) > self._verified_max:
                self._verified.popitem(last=False)
        return claims

    def _verify_signed(self, token: str) -> TokenClaims:
        try:
            header = jwt.get_unverified_header(token)
        except jwt.PyJWTError:
            raise InvalidToken("the token is malformed") from None
        # The algorithm is pinned: "none", HS256 signed with our public key and the like never get this far.
        if header.get("alg") != ALGORITHM:
            raise InvalidToken("the token's signing algorithm is not accepted")
        kid = header.get("kid")
        key = self._keys.get(kid) if isinstance(kid, str) else None
        if key is None:
            raise InvalidToken("the token was not signed by a key of this server")
        try:
            payload = jwt.decode(
                token,
                key.public_key,
                algorithms=[ALGORITHM],
                audience=self.audience,
                issuer=self.issuer,
                leeway=LEEWAY_SECONDS,
                options={"require": _REQUIRED_CLAIMS},
            )
        except jwt.ExpiredSignatureError:
            raise InvalidToken("the token has expired") from None
        except jwt.ImmatureSignatureError:
            raise InvalidToken("the token is not valid yet") from None
        except jwt.InvalidAudienceError:
            raise InvalidToken("the token is for another audience") from None
        except jwt.InvalidIssuerError:
            raise InvalidToken("the token is from another issuer") from None
        except jwt.PyJWTError:
            raise InvalidToken("the token's signature or claims are invalid") from None
        client_id, scope = payload["client_id"], payload["scope"]
        if not isinstance(client_id, str) or not isinstance(scope, str) or payload["sub"] != client_id:
            raise InvalidToken("the token's claims are invalid")
        return TokenClaims(
            client_id,
            frozenset(scope.split()),
            float(payload["exp"]),
            str(payload["jti"]),
            key.kid,
            int(payload["iat"]),
        )
