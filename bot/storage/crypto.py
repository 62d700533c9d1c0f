"""Encryption at rest for the columns that hold people's words (P3): session state, queued
messages and raw updates. Off unless the operator sets MEND_DATA_KEY.

MEND_DATA_KEY is a comma-separated list of Fernet keys: the first encrypts, all decrypt
(MultiFernet), so a key can be rotated without downtime: put the new key first, restart, run
`python -m bot rotate-key`, then drop the old key. Encrypted values carry a prefix, so a database
written before a key was set keeps working and is encrypted as rows are rewritten.
"""
from __future__ import annotations

from cryptography.fernet import Fernet, InvalidToken, MultiFernet

PREFIX = "fernet:"


class DataKeyError(Exception):
    """The key is malformed, missing for encrypted data, or doesn't open it."""


class Cipher:
    def __init__(self, keys: list[str] | None = None):
        self._fernet: MultiFernet | None = None
        if keys:
            try:
                self._fernet = MultiFernet([Fernet(k.strip().encode()) for k in keys])
            except (ValueError, TypeError):
                raise DataKeyError("MEND_DATA_KEY must be Fernet keys (python -c 'from cryptography.fernet import "
                                   "Fernet; print(Fernet.generate_key().decode())'), comma-separated") from None

    @property
    def enabled(self) -> bool:
        return self._fernet is not None

    def seal(self, text: str) -> str:
        if self._fernet is None:
            return text
        return PREFIX + self._fernet.encrypt(text.encode()).decode()

    def open(self, stored: str) -> str:
        if not stored.startswith(PREFIX):
            return stored  # written before encryption was turned on
        if self._fernet is None:
            raise DataKeyError("the database holds encrypted data but MEND_DATA_KEY is not set")
        try:
            return self._fernet.decrypt(stored[len(PREFIX):].encode()).decode()
        except InvalidToken:
            raise DataKeyError("MEND_DATA_KEY does not open the encrypted data in this database") from None

    def rotate(self, stored: str) -> str:
        """Re-encrypt with the first key (or encrypt a plaintext value)."""
        return self.seal(self.open(stored))


NO_ENCRYPTION = Cipher()


def cipher_of(conn: object) -> Cipher:
    cipher = getattr(conn, "mend_cipher", NO_ENCRYPTION)
    assert isinstance(cipher, Cipher)
    return cipher
