"""Re-encrypting every sensitive column with the first key of MEND_DATA_KEY (`python -m bot rotate-key`)."""
from __future__ import annotations

import aiosqlite

from bot.storage.crypto import cipher_of


async def rotate_key(conn: aiosqlite.Connection) -> int:
    """Re-encrypt every sensitive value with the first key of MEND_DATA_KEY; returns how many."""
    cipher, count = cipher_of(conn), 0
    for table, key, column in (("sessions", "id", "state"), ("outbox", "id", "payload"), ("inbox", "update_id", "payload")):
        async with conn.execute(f"SELECT {key}, {column} FROM {table} WHERE {column} IS NOT NULL") as cur:
            rows = await cur.fetchall()
        for row_id, value in rows:
            await conn.execute(f"UPDATE {table} SET {column} = ? WHERE {key} = ?", (cipher.rotate(value), row_id))
            count += 1
    return count
