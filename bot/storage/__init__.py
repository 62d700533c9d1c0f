"""SQLite storage: one writer connection, numbered migrations, repository functions."""
from bot.storage.db import Database, StorageError

__all__ = ["Database", "StorageError"]
