"""Turn a Telegram Update into what Mend should do with it. The only module that reads Update
internals; everything after it sees engine events and plain ids."""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from telegram import CallbackQuery, Update
from telegram.constants import ChatType

from bot.engine import CommandReceived, Event, OptionChosen, TextReceived, Unsupported

CALLBACK_RE = re.compile(r"^o:(\d{1,10}):([a-z0-9_]{1,52})$")
COMMAND_RE = re.compile(r"^/([A-Za-z0-9_]{1,32})(?:@[A-Za-z0-9_]+)?(?:\s+(.*))?$", re.S)
MEDIA_KINDS = ("sticker", "photo", "voice", "video", "video_note", "animation", "audio", "document", "location",
               "venue", "contact", "poll", "dice", "game", "story", "invoice")
STALE = "#stale"  # an option no step has: the engine answers "that button is from an earlier question"
LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def valid_text(text: str) -> str:
    """Text as Mend uses it: a lone UTF-16 surrogate (which Telegram can send, and which no UTF-8
    encoder accepts) becomes U+FFFD, so the words can be screened, stored and shown back. The stored
    update keeps the original; this is only what the conversation sees."""
    return LONE_SURROGATE.sub("\ufffd", text)


def private_sender(raw: dict[str, Any]) -> str | None:
    """The person a raw update came from, if it is from a private chat; None when that can't be told.
    For telling someone kindly that their message couldn't be read, without trusting anything else in it."""
    try:
        for kind in ("message", "edited_message", "callback_query"):
            part = raw.get(kind)
            if isinstance(part, dict):
                chat = part.get("chat") or (part.get("message") or {}).get("chat") or {}
                person = part.get("from") or {}
                if chat.get("type") == ChatType.PRIVATE and not person.get("is_bot") and isinstance(person.get("id"), int):
                    return user_key(person["id"])
    except AttributeError:
        return None
    return None


@dataclass(frozen=True)
class Parsed:
    """kind: 'event' (for the engine), 'group' (a group chat: say Mend works in private chats),
    'blocked' / 'unblocked' (my_chat_member in a private chat), or 'ignore'."""

    kind: str
    user_id: str | None = None
    chat_id: int | None = None
    event: Event | None = None
    card_message_id: int | None = None
    callback_query_id: str | None = None
    language_code: str | None = None  # the client's language; sets the person's on first contact


def user_key(telegram_user_id: int) -> str:
    return f"tg:{telegram_user_id}"


def chat_of(user_id: str) -> int:
    """In a private chat the chat id is the user id."""
    return int(user_id.split(":", 1)[1])


def parse_update(update: Update) -> Parsed:
    if update.callback_query is not None:
        return _parse_callback(update.callback_query)
    if update.my_chat_member is not None:
        change = update.my_chat_member
        if change.chat.type != ChatType.PRIVATE:
            return Parsed("ignore")
        status = change.new_chat_member.status
        kind = "blocked" if status in ("kicked", "left") else "unblocked" if status == "member" else "ignore"
        return Parsed(kind, user_key(change.from_user.id), change.chat.id)
    message = update.message or update.edited_message
    if message is None or message.from_user is None or message.from_user.is_bot:
        return Parsed("ignore")  # channel posts, service updates, other bots
    if message.chat.type != ChatType.PRIVATE:
        return Parsed("group", None, message.chat.id, language_code=message.from_user.language_code)
    user_id = user_key(message.from_user.id)
    lang = message.from_user.language_code
    if update.edited_message is not None:
        return Parsed("event", user_id, message.chat.id, Unsupported("edited_message"), language_code=lang)
    if message.text is not None:
        text = valid_text(message.text)
        m = COMMAND_RE.match(text.strip())
        if m and text.lstrip().startswith("/"):
            command = CommandReceived(m.group(1).lower(), (m.group(2) or "").strip())
            return Parsed("event", user_id, message.chat.id, command, language_code=lang)
        return Parsed("event", user_id, message.chat.id, TextReceived(text), language_code=lang)
    kind = next((k for k in MEDIA_KINDS if getattr(message, k, None)), "other")
    return Parsed("event", user_id, message.chat.id, Unsupported(kind), language_code=lang)


def _parse_callback(query: CallbackQuery) -> Parsed:
    message = query.message
    if message is None or getattr(message, "chat", None) is None:
        return Parsed("ignore", callback_query_id=query.id)
    if message.chat.type != ChatType.PRIVATE:
        return Parsed("group", None, message.chat.id, callback_query_id=query.id)
    user_id = user_key(query.from_user.id)
    m = CALLBACK_RE.match(query.data or "")
    # Anything we can't read (forged, from an older Mend, too long) is treated as a stale button.
    event = OptionChosen(m.group(2), int(m.group(1))) if m else OptionChosen(STALE, -1)
    return Parsed("event", user_id, message.chat.id, event, card_message_id=message.message_id,
                  callback_query_id=query.id, language_code=query.from_user.language_code)
