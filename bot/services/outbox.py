"""What an outbox row holds: one typed item per row, and its JSON form, written and read only here.

The JSON is the stored format (rows survive restarts and upgrades), so it stays as it was: a Send's
fields for a message, and an "op" for everything else.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, assert_never

import aiosqlite

from bot import locales
from bot.engine.effects import Choice, Send
from bot.storage import repo


@dataclass(frozen=True)
class Message:
    send: Send
    edit_message_id: int | None = None  # a multi-select toggle: re-draw this card instead of sending
    locale: str = locales.DEFAULT  # the reader's language when it was queued (partners may differ)


@dataclass(frozen=True)
class Document:
    """/export: the person's own data as a file."""

    filename: str
    data: dict[str, Any]
    locale: str = locales.DEFAULT  # for the caption


@dataclass(frozen=True)
class DeleteMessages:
    """/delete: the bot's recent messages in the chat go too (best effort)."""

    message_ids: tuple[int, ...]


@dataclass(frozen=True)
class Redacted:
    """A delivered row whose words were erased by their author's /delete: only its message ids stay."""


@dataclass(frozen=True)
class CloseCard:
    """The pressed card's question is answered: its buttons are taken away."""

    message_id: int


OutboxItem = Message | Document | DeleteMessages | CloseCard | Redacted


def to_json(item: OutboxItem) -> dict[str, Any]:
    match item:
        case Message():
            payload = send_to_json(item.send)
            if item.edit_message_id is not None:
                payload["edit_message_id"] = item.edit_message_id
            payload["locale"] = item.locale
            return payload
        case Document():
            return {"op": "document", "filename": item.filename, "data": item.data, "locale": item.locale}
        case DeleteMessages():
            return {"op": "delete_messages", "message_ids": list(item.message_ids)}
        case CloseCard():
            return {"op": "close_card", "message_id": item.message_id}
        case Redacted():
            return {"op": "redacted"}
        case _:
            assert_never(item)


def from_json(payload: dict[str, Any]) -> OutboxItem:
    op = payload.get("op")
    if op == "document":
        return Document(payload["filename"], payload["data"], payload.get("locale", locales.DEFAULT))
    if op == "delete_messages":
        return DeleteMessages(tuple(payload["message_ids"]))
    if op == "close_card":
        return CloseCard(payload["message_id"])
    if op == "redacted":
        return Redacted()
    if op is not None:
        raise ValueError(f"unknown outbox op {op!r}")
    # A row queued before languages were stamped on rows reads in English.
    return Message(send_from_json(payload), payload.get("edit_message_id"), payload.get("locale", locales.DEFAULT))


def send_to_json(send: Send) -> dict[str, Any]:
    return {
        "seat": send.seat, "key": send.key, "params": send.params,
        "choices": [[c.id, c.label] for c in send.choices],
        "groups": [[h, list(ids)] for h, ids in send.groups],
        "selected": list(send.selected), "multi": send.multi, "turn": send.turn, "prompt": send.prompt,
        **({"protect": True} if send.protect else {}),
        **({"invite_token": send.invite_token} if send.invite_token else {}),
        **({"answer": send.answer} if send.answer else {}),
    }


def send_from_json(d: dict[str, Any]) -> Send:
    return Send(
        d["seat"], d["key"], d.get("params", {}), tuple(Choice(i, lbl) for i, lbl in d.get("choices", [])),
        tuple((h, tuple(ids)) for h, ids in d.get("groups", [])), tuple(d.get("selected", [])),
        d.get("multi", False), d.get("turn", 0), d.get("prompt", False), d.get("protect", False),
        d.get("invite_token"), d.get("answer", ""),
    )


async def enqueue(conn: aiosqlite.Connection, user_id: str, item: OutboxItem, now: datetime,
                  words_of: str | None = None) -> int:
    """`words_of`: whose words the row carries (a partner's), so their /delete can erase it too."""
    return await repo.enqueue(conn, user_id, to_json(item), now, words_of=words_of)
