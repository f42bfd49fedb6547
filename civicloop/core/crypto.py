"""Encryption at rest and keyed hashes for sensitive personal fields (DESIGN §4).

Values are sealed with Fernet (AES-128-CBC + HMAC-SHA256) under FIELD_ENCRYPTION_KEY; lookups use an
HMAC-SHA256 of the normalised value under a key derived from the same secret, so equal values can be found
without storing them in the clear.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings


@lru_cache(maxsize=4)
def _keys(secret: str) -> tuple[Fernet, bytes]:
    master = hashlib.sha256(secret.encode()).digest()
    enc = hmac.new(master, b"civicloop-field-encryption", hashlib.sha256).digest()
    mac = hmac.new(master, b"civicloop-lookup-hash", hashlib.sha256).digest()
    return Fernet(base64.urlsafe_b64encode(enc)), mac


def encrypt(value: str) -> str:
    fernet, _ = _keys(settings.FIELD_ENCRYPTION_KEY)
    return fernet.encrypt(value.encode()).decode()


def decrypt(token: str) -> str:
    fernet, _ = _keys(settings.FIELD_ENCRYPTION_KEY)
    try:
        return fernet.decrypt(token.encode()).decode()
    except InvalidToken as exc:  # a wrong key must fail loudly, never show ciphertext as data
        raise ValueError("sensitive field cannot be decrypted with the configured key") from exc


def lookup_hash(value: str) -> str:
    """Keyed hash of a normalised value, for exact-match lookups (phone, ID number)."""
    _, mac = _keys(settings.FIELD_ENCRYPTION_KEY)
    return hmac.new(mac, value.strip().upper().encode(), hashlib.sha256).hexdigest()


def token_digest(token: str) -> str:
    """Digest of a high-entropy bearer token; case is kept, unlike lookup_hash."""
    return hashlib.sha256(token.encode()).hexdigest()
