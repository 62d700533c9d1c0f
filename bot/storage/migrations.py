"""Numbered schema migrations, applied in order by PRAGMA user_version (D8).

Each migration is a list of single statements (never executescript, which commits on its own),
run in one BEGIN IMMEDIATE transaction together with the user_version bump, so a crash leaves the
database at the old version or the new one, never in between. Append only; never edit a shipped one.
"""
from __future__ import annotations

MIGRATIONS: list[list[str]] = [
    # 1: people, sessions (JSON state + version for optimistic concurrency), timers, outbox.
    [
        """CREATE TABLE meta (
            key TEXT PRIMARY KEY,
            value TEXT NOT NULL
        )""",
        """CREATE TABLE sessions (
            id INTEGER PRIMARY KEY,
            state TEXT NOT NULL,
            version INTEGER NOT NULL DEFAULT 0,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        )""",
        """CREATE TABLE users (
            id TEXT PRIMARY KEY,
            session_id INTEGER REFERENCES sessions(id),
            seat TEXT NOT NULL DEFAULT 'a',
            locale TEXT NOT NULL DEFAULT 'en',
            created_at TEXT NOT NULL,
            consented_at TEXT,
            blocked_at TEXT,
            deleted_at TEXT
        )""",
        "CREATE INDEX users_session ON users(session_id)",
        """CREATE TABLE records (
            id INTEGER PRIMARY KEY,
            user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
            what TEXT NOT NULL,
            at TEXT NOT NULL
        )""",
        """CREATE TABLE timers (
            id INTEGER PRIMARY KEY,
            session_id INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
            seat TEXT NOT NULL,
            kind TEXT NOT NULL,
            payload TEXT NOT NULL,
            due_at TEXT NOT NULL,
            status TEXT NOT NULL DEFAULT 'scheduled',
            created_at TEXT NOT NULL,
            done_at TEXT
        )""",
        "CREATE INDEX timers_due ON timers(status, due_at)",
        "CREATE INDEX timers_session ON timers(session_id, seat, status)",
        """CREATE TABLE outbox (
            id INTEGER PRIMARY KEY,
            user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
            payload TEXT NOT NULL,
            status TEXT NOT NULL DEFAULT 'pending',
            created_at TEXT NOT NULL,
            sent_at TEXT
        )""",
        "CREATE INDEX outbox_user_status ON outbox(user_id, status, id)",
    ],
    # 2: Telegram intake and delivery. `inbox` holds each raw update durably before it is acked
    # (R1) and dedupes by update_id as a set (R2). The outbox gains delivery states
    # (pending -> sending -> sent | ambiguous | failed), pacing (`not_before`) and message ids (O1-O4).
    [
        """CREATE TABLE inbox (
            update_id INTEGER PRIMARY KEY,
            payload TEXT,
            received_at TEXT NOT NULL,
            processed_at TEXT,
            outcome TEXT
        )""",
        "CREATE INDEX inbox_unprocessed ON inbox(processed_at, received_at)",
        "ALTER TABLE outbox ADD COLUMN not_before TEXT",
        "ALTER TABLE outbox ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0",
        "ALTER TABLE outbox ADD COLUMN message_ids TEXT",
        "CREATE INDEX outbox_status ON outbox(status, id)",
    ],
    # 3: safety metrics without identifiers (S12): only what kind of disclosure and when.
    [
        """CREATE TABLE safety_events (
            id INTEGER PRIMARY KEY,
            kind TEXT NOT NULL,
            at TEXT NOT NULL
        )""",
    ],
    # 4: couples. Invitations keep only the SHA-256 of their token (P8); the inviter's chosen name is
    # sealed like other personal text. Failed redemptions are counted per person for rate limiting.
    [
        """CREATE TABLE invites (
            id INTEGER PRIMARY KEY,
            token_hash TEXT NOT NULL UNIQUE,
            inviter_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
            inviter_name TEXT NOT NULL,
            created_at TEXT NOT NULL,
            expires_at TEXT NOT NULL,
            used_by TEXT,
            used_at TEXT,
            outcome TEXT,
            revoked_at TEXT
        )""",
        "CREATE INDEX invites_inviter ON invites(inviter_id, used_at, revoked_at)",
        """CREATE TABLE invite_failures (
            id INTEGER PRIMARY KEY,
            user_id TEXT NOT NULL,
            at TEXT NOT NULL
        )""",
        "CREATE INDEX invite_failures_user ON invite_failures(user_id, at)",
    ],
    # 5: poison updates and privacy leftovers (issue 17). `inbox.attempts` counts how often an update
    # was taken in hand, so one that keeps failing (or killing the process) is set aside. `outbox.words_of`
    # names the partner whose words a message carries, so their /delete can erase it from this
    # person's rows too. `users.answered_card` is the card this person last answered by a press, so a
    # double tap on it is only acknowledged, not answered with a second copy of the next prompt.
    [
        "ALTER TABLE inbox ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0",
        "ALTER TABLE outbox ADD COLUMN words_of TEXT",
        "CREATE INDEX outbox_words_of ON outbox(words_of) WHERE words_of IS NOT NULL",
        "ALTER TABLE users ADD COLUMN answered_card INTEGER",
    ],
]

LATEST = len(MIGRATIONS)
