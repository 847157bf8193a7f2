"""Encryption of personal data at rest (GB/T 35273): SM4 in GCM mode under a key from the environment.

Why SM4-GCM: SM4 is the national standard block cipher (GB/T 32907-2016) the assessors expect for data at
rest; GCM (GB/T 36624 lists it for SM4; RFC 8998 uses SM4-GCM in TLS) is an authenticated mode, so one key
and one pass give confidentiality and integrity: a ciphertext edited in the database fails to decrypt
instead of turning into another phone number, with no CBC padding oracle and no separate MAC to get wrong.
The `cryptography` wheels bundle an OpenSSL with SM4 and SM3; `check_sm4_available` (a system check) makes
a build without them fail at start-up instead of at the first save.

Keys: ``SCENARIOHUB_DATA_KEY`` is any high-entropy secret of at least 32 characters; the 128-bit SM4 key is
derived from it with HKDF-SM3, so its format does not matter. The key id (4 bytes of SM3 over the derived
key) is written into each value, so values written under an older key still decrypt while that key is
listed in ``SCENARIOHUB_DATA_KEY_PREVIOUS``.

Stored form: ``sm4gcm:<key id hex>:<base64url(nonce 12 bytes || ciphertext || tag 16 bytes)>``; files
(``encrypt_bytes``) carry the same in binary behind an 8-byte magic. ``scenariohub rotate_data_key``
rewrites every value under the current key (see docs/operations.md).
A random nonce per value means equal plaintexts give different ciphertexts: the database cannot be
searched, filtered or indexed by these values, which is the point (see ``core.fields``).
"""

from __future__ import annotations

import base64
import binascii
import functools
import hashlib
import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

PREFIX = "sm4gcm"
NONCE_BYTES = 12
TAG_BYTES = 16
_HKDF_INFO = b"scenariohub personal data SM4-GCM v1"


class DecryptionError(ValueError):
    """A stored value that does not decrypt: wrong key, unknown key id, or altered in the database."""


def derive_key(secret: str) -> bytes:
    if not secret:
        raise ImproperlyConfigured("The personal-data key is empty.")
    return HKDF(algorithm=hashes.SM3(), length=16, salt=None, info=_HKDF_INFO).derive(secret.encode())


def key_id(key: bytes) -> str:
    digest = hashes.Hash(hashes.SM3())
    digest.update(b"key id" + key)
    return digest.finalize()[:4].hex()


@functools.cache
def _keys(current: str, previous: tuple[str, ...]) -> tuple[tuple[str, bytes], dict[str, bytes]]:
    keys = [derive_key(secret) for secret in (current, *previous)]
    by_id = {key_id(k): k for k in keys}
    return (key_id(keys[0]), keys[0]), by_id


def _settings_keys() -> tuple[tuple[str, bytes], dict[str, bytes]]:
    return _keys(settings.SCENARIOHUB_DATA_KEY, tuple(settings.SCENARIOHUB_DATA_KEY_PREVIOUS))


def is_encrypted(value: str | None) -> bool:
    return isinstance(value, str) and value.startswith(PREFIX + ":")


def current_key_id() -> str:
    """The id of the key new values are written under (``SCENARIOHUB_DATA_KEY``)."""
    (kid, _key), _by_id = _settings_keys()
    return kid


def _seal(key: bytes, data: bytes) -> bytes:
    nonce = os.urandom(NONCE_BYTES)
    encryptor = Cipher(algorithms.SM4(key), modes.GCM(nonce)).encryptor()
    body = encryptor.update(data) + encryptor.finalize()
    return nonce + body + encryptor.tag


def _open(kid: str, raw: bytes) -> bytes:
    _current, by_id = _settings_keys()
    key = by_id.get(kid)
    if key is None:
        raise DecryptionError(
            f"Encrypted under key id {kid}, which is neither the current nor a previous key."
        )
    if len(raw) < NONCE_BYTES + TAG_BYTES:
        raise DecryptionError("The encrypted value is damaged.")
    nonce, body, tag = raw[:NONCE_BYTES], raw[NONCE_BYTES:-TAG_BYTES], raw[-TAG_BYTES:]
    decryptor = Cipher(algorithms.SM4(key), modes.GCM(nonce, tag)).decryptor()
    try:
        return decryptor.update(body) + decryptor.finalize()
    except InvalidTag as exc:
        raise DecryptionError("The encrypted value does not authenticate (wrong key or altered).") from exc


def encrypt(plaintext: str) -> str:
    (kid, key), _by_id = _settings_keys()
    token = base64.urlsafe_b64encode(_seal(key, plaintext.encode("utf-8"))).decode("ascii").rstrip("=")
    return f"{PREFIX}:{kid}:{token}"


def stored_key_id(stored: str) -> str | None:
    """The key id in a stored value's header (None for plaintext); read without decrypting."""
    if not is_encrypted(stored):
        return None
    return stored.split(":", 2)[1] if stored.count(":") >= 2 else None


def decrypt(stored: str) -> str:
    try:
        prefix, kid, token = stored.split(":", 2)
    except ValueError as exc:
        raise DecryptionError("Not an encrypted value.") from exc
    if prefix != PREFIX:
        raise DecryptionError("Not an encrypted value.")
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
    except (binascii.Error, ValueError) as exc:
        raise DecryptionError("The encrypted value is damaged.") from exc
    try:
        return _open(kid, raw).decode("utf-8")
    except UnicodeDecodeError as exc:
        raise DecryptionError("The encrypted value does not authenticate (wrong key or altered).") from exc


def reencrypt(stored: str) -> str:
    """A stored value (under any accepted key, or legacy plaintext) written again under the current key."""
    return encrypt(decrypt(stored) if is_encrypted(stored) else stored)


# Files (import workbooks): the same cipher and keys, a binary header instead of text.
# Stored form: FILE_MAGIC (8 bytes) || key id (4 bytes) || nonce (12) || ciphertext || tag (16).
FILE_MAGIC = b"SM4GCMF1"


def is_encrypted_bytes(blob: bytes) -> bool:
    return blob[: len(FILE_MAGIC)] == FILE_MAGIC


def stored_key_id_bytes(blob: bytes) -> str | None:
    if not is_encrypted_bytes(blob):
        return None
    return blob[len(FILE_MAGIC) : len(FILE_MAGIC) + 4].hex()


def encrypt_bytes(data: bytes) -> bytes:
    (kid, key), _by_id = _settings_keys()
    return FILE_MAGIC + bytes.fromhex(kid) + _seal(key, data)


def decrypt_bytes(blob: bytes) -> bytes:
    """An encrypted file's plaintext; a file stored before encryption (no header) is returned as it is."""
    if not is_encrypted_bytes(blob):
        return blob
    head = len(FILE_MAGIC)
    return _open(blob[head : head + 4].hex(), blob[head + 4 :])


def sm4_gcm_available() -> bool:
    from cryptography.hazmat.backends.openssl import backend

    try:
        return backend.cipher_supported(algorithms.SM4(b"\0" * 16), modes.GCM(b"\0" * NONCE_BYTES))
    except Exception:  # noqa: BLE001 - any failure here means "not available"
        return False


def development_key(secret_key: str) -> str:
    """The development default: derived from SECRET_KEY under its own label, never SECRET_KEY itself."""
    return hashlib.sha256(b"scenariohub development data key:" + secret_key.encode()).hexdigest()
