"""Optional proxy keys: stored as SHA-256 digests, compared in constant time, traced by a short id."""

from __future__ import annotations

import hashlib
import hmac

from proxy.errors import AuthenticationError


def key_id(key: str) -> str:
    """A non-reversible id for a key, safe to store and log."""
    return "key_" + hashlib.sha256(key.encode()).hexdigest()[:12]


class KeyChecker:
    def __init__(self, keys: list[str]) -> None:
        self._digests = [hashlib.sha256(k.encode()).digest() for k in keys if k]

    @property
    def enabled(self) -> bool:
        return bool(self._digests)

    def check(self, authorization: str | None) -> str | None:
        """Return the key id, or None when auth is off; raise AuthenticationError on a bad key."""
        if not self._digests:
            return None
        if not authorization or not authorization.lower().startswith("bearer "):
            raise AuthenticationError("Missing proxy API key: send 'Authorization: Bearer <key>'.")
        key = authorization[7:].strip()
        digest = hashlib.sha256(key.encode()).digest()
        ok = False
        for d in self._digests:
            ok |= hmac.compare_digest(d, digest)
        if not ok:
            raise AuthenticationError("Invalid proxy API key.")
        return key_id(key)
