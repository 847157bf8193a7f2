"""A file storage whose files are SM4-GCM encrypted on disk (``core.crypto.encrypt_bytes``).

For uploads that carry personal data in bulk (import workbooks: contact names, phones and e-mails of
every row). The bytes are encrypted when saved and decrypted when opened, so code that saves and opens
through the model's ``FileField`` is unchanged; what sits under ``MEDIA_ROOT`` (and in backups) is
ciphertext. Files written before encryption (no header) are read as they are; ``encrypt_in_place`` and
``scenariohub rotate_data_key`` rewrite them under the current key.

The whole file is held in memory (import workbooks are capped by ``SCENARIOHUB_UPLOAD_MAX_BYTES``).
"""

from __future__ import annotations

import io
import os
import tempfile

from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage
from django.utils.deconstruct import deconstructible

from scenariohub.core import crypto


class DecryptedFile(ContentFile):
    """The plaintext of a stored file, in memory; can be opened again after it is closed."""

    def __init__(self, content: bytes, name: str):
        self._content = content
        super().__init__(content, name=name)

    def open(self, mode=None):
        if self.closed:
            self.file = io.BytesIO(self._content)
        self.seek(0)
        return self


@deconstructible(path="scenariohub.core.storage.EncryptedFileSystemStorage")
class EncryptedFileSystemStorage(FileSystemStorage):
    encrypted = True

    def _save(self, name, content):
        if hasattr(content, "seek"):
            content.seek(0)
        return super()._save(name, ContentFile(crypto.encrypt_bytes(content.read())))

    def _open(self, name, mode="rb"):
        if "w" in mode or "a" in mode or "+" in mode:
            raise ValueError("Encrypted files are written through save(), not opened for writing.")
        return DecryptedFile(crypto.decrypt_bytes(self.read_raw(name)), name=name)

    def read_raw(self, name: str) -> bytes:
        with open(self.path(name), "rb") as handle:
            return handle.read()

    def _replace(self, name: str, blob: bytes) -> None:
        # Written beside the file and renamed over it: a crash leaves the old or the new file, never half.
        path = self.path(name)
        fd, temporary = tempfile.mkstemp(dir=os.path.dirname(path), prefix=".rotate-")
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(blob)
            if self.file_permissions_mode is not None:
                os.chmod(temporary, self.file_permissions_mode)
            os.replace(temporary, path)
        except BaseException:
            if os.path.exists(temporary):
                os.unlink(temporary)
            raise

    def encrypt_in_place(self, name: str) -> bool:
        """Rewrite the file under the current key unless it already is; True when it was rewritten.

        Plaintext files (stored before encryption) are encrypted; files under a previous key re-encrypted.
        """
        blob = self.read_raw(name)
        if crypto.stored_key_id_bytes(blob) == crypto.current_key_id():
            return False
        self._replace(name, crypto.encrypt_bytes(crypto.decrypt_bytes(blob)))
        return True

    def decrypt_in_place(self, name: str) -> bool:
        """The reverse (a migration's backward step): write the plaintext back."""
        blob = self.read_raw(name)
        if not crypto.is_encrypted_bytes(blob):
            return False
        self._replace(name, crypto.decrypt_bytes(blob))
        return True


def encrypted_storage() -> EncryptedFileSystemStorage:
    """The storage of import workbooks (a callable, so migrations do not freeze MEDIA_ROOT)."""
    return EncryptedFileSystemStorage()


def encrypted_file_fields():
    """Every FileField whose storage encrypts: ``(model, field)``, found by storage class."""
    from django.apps import apps
    from django.db import models

    found = []
    for model in apps.get_models():
        if model._meta.proxy or not model._meta.managed:
            continue
        for field in model._meta.local_concrete_fields:
            if isinstance(field, models.FileField) and getattr(field.storage, "encrypted", False):
                found.append((model, field))
    return found
