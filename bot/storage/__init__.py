"""SQLite storage: one writer connection, numbered migrations, repository functions."""
from bot.storage.db import Database, StorageError, check_location

__all__ = ["Database", "StorageError", "check_location"]
