"""What of a Telegram update Mend keeps in its inbox: only what parse.py reads (P4, issue 17).

Telegram sends names, usernames, captions, quoted messages and the full text of the bot message a
button sits under; none of it is needed to answer, and all of it would sit in the database file and
its WAL until the row is applied and pruned. So each update is rebuilt from a short list of fields
before it is stored: ids, chat type, dates, the typed text, the button's data, whether a message
was something other than text, and the sender's app language (a new person's first language). An
invitation token typed as `/start <token>` is replaced by its SHA-256, the only form Mend ever
looks a token up by.

Raises (KeyError, TypeError, ValueError, AttributeError) on an update that isn't shaped like
Telegram's; the poller then records that one update as unstorable and moves on.
"""
from __future__ import annotations

from typing import Any

from bot.services.couples import hashed_start_args

PERSON_NAME = "-"  # PTB's User requires a first name; Mend never reads it


def slim_update(raw: dict[str, Any]) -> dict[str, Any]:
    update_id = int(raw["update_id"])
    out: dict[str, Any] = {"update_id": update_id}
    for kind in ("message", "edited_message"):
        if raw.get(kind) is not None:
            out[kind] = _message(raw[kind])
    if raw.get("callback_query") is not None:
        query = raw["callback_query"]
        slim = {"id": str(query["id"]), "from": _person(query["from"]), "chat_instance": str(query.get("chat_instance", ""))}
        if query.get("data") is not None:
            slim["data"] = str(query["data"])
        if query.get("message") is not None:  # only where the button was: chat and message id
            card = query["message"]
            slim["message"] = {"message_id": int(card["message_id"]), "date": int(card.get("date", 0)),
                               "chat": _chat(card["chat"])}
        out["callback_query"] = slim
    if raw.get("my_chat_member") is not None:
        change = raw["my_chat_member"]
        out["my_chat_member"] = {
            "chat": _chat(change["chat"]), "from": _person(change["from"]), "date": int(change["date"]),
            "old_chat_member": _member(change["old_chat_member"]), "new_chat_member": _member(change["new_chat_member"]),
        }
    return out


def _message(message: dict[str, Any]) -> dict[str, Any]:
    slim: dict[str, Any] = {"message_id": int(message["message_id"]), "date": int(message["date"]),
                            "chat": _chat(message["chat"])}
    if message.get("from") is not None:
        slim["from"] = _person(message["from"])
    if message.get("edit_date") is not None:
        slim["edit_date"] = int(message["edit_date"])
    if isinstance(message.get("text"), str):
        slim["text"] = hashed_start_args(message["text"])
    return slim  # anything else (a sticker, a photo, a location) becomes "not text", which is all Mend answers to


def _chat(chat: dict[str, Any]) -> dict[str, Any]:
    return {"id": int(chat["id"]), "type": str(chat["type"])}


def _person(person: dict[str, Any]) -> dict[str, Any]:
    slim: dict[str, Any] = {"id": int(person["id"]), "is_bot": bool(person.get("is_bot", False)),
                            "first_name": PERSON_NAME}
    if isinstance(person.get("language_code"), str):  # the app's language: a new person's first language
        slim["language_code"] = person["language_code"][:35]
    return slim


def _member(member: dict[str, Any]) -> dict[str, Any]:
    slim: dict[str, Any] = {"status": str(member["status"]), "user": _person(member["user"])}
    if member.get("until_date") is not None:
        slim["until_date"] = int(member["until_date"])
    return slim
