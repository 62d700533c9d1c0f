"""Claimed outbox rows as the Bot API calls that deliver them: HTML-escaped text split under 4096 characters, inline keyboards with
short callback data (`o:<turn>:<option>`, ≤ 64 bytes), neighbouring messages merged into one."""
from __future__ import annotations

import html
import json
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot import locales
from bot.content.model import Content
from bot.engine import Send
from bot.presenter import Rendered, invite_link, render
from bot.services import outbox

TEXT_LIMIT = 4096


@dataclass
class Call:
    """One Bot API call for one chat, and the outbox rows whose fate it decides."""

    method: str  # send_message | edit_markup | send_document | delete_messages
    rows: list[int]
    text: str = ""
    markup: InlineKeyboardMarkup | None = None
    message_id: int | None = None
    protect: bool = False
    document: bytes | None = None
    message_ids: list[int] | None = None
    caption: str | None = None  # a document's caption, in the reader's language


def callback_data(turn: int, option: str) -> str:
    data = f"o:{turn}:{option}"
    assert len(data.encode()) <= 64, data  # guaranteed by content validation
    return data


def keyboard(rendered: Rendered, turn: int) -> InlineKeyboardMarkup | None:
    if not rendered.buttons:
        return None
    main = [b for b in rendered.buttons if b.id not in ("done", "skip")]
    tail = [b for b in rendered.buttons if b.id in ("done", "skip")]
    longest = max((len(b.label) for b in main), default=0)
    per_row = 3 if longest <= 12 and len(main) > 4 else 2 if longest <= 22 and len(main) > 3 else 1
    rows, row = [], []
    for b in main:
        row.append(InlineKeyboardButton(("✓ " if b.selected else "") + b.label, callback_data=callback_data(turn, b.id)))
        if len(row) == per_row:
            rows.append(row)
            row = []
    if row:
        rows.append(row)
    if tail:
        rows.append([InlineKeyboardButton(b.label, callback_data=callback_data(turn, b.id)) for b in tail])
    return InlineKeyboardMarkup(rows)


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def split_text(text: str, limit: int = TEXT_LIMIT) -> list[str]:
    """Split at paragraph, then line, then word boundaries; Telegram counts UTF-16 code units."""
    chunks: list[str] = []
    rest = text
    while utf16_len(rest) > limit:
        cut = _fit(rest, limit)
        for sep in ("\n\n", "\n", " "):
            pos = rest.rfind(sep, 0, cut)
            if pos > cut // 2:
                cut = pos
                break
        chunks.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    if rest:
        chunks.append(rest)
    return chunks or [""]


def _fit(text: str, limit: int) -> int:
    """Largest prefix length (in str indices) whose UTF-16 length is within limit."""
    units = 0
    for i, ch in enumerate(text):
        units += 2 if ord(ch) > 0xFFFF else 1
        if units > limit:
            return i
    return len(text)


def share_keyboard(content: Content, send: Send, locale: str, bot_username: str | None) -> InlineKeyboardMarkup:
    """"Send to my partner": Telegram's share screen, with the invitation link filled in."""
    catalog = content.catalog(locale)
    link = invite_link(send.invite_token or "", bot_username)
    url = "https://t.me/share/url?" + urlencode({"url": link, "text": catalog.text("couple.share_text")})
    return InlineKeyboardMarkup([[InlineKeyboardButton(catalog.text("couple.share_button"), url=url)]])


def plan_calls(content: Content, rows: list[tuple[int, dict[str, Any]]],
               bot_username: str | None = None) -> list[Call]:
    """Turn a chat's claimed outbox rows into as few calls as possible, in order. Each row is
    rendered in the language stamped on it when it was queued (the reader's; English for rows
    from before languages were stamped).

    Messages without buttons are merged into the next message while the result fits, so one
    answer usually costs one notification on the person's phone and one message of flood budget.
    """
    calls: list[Call] = []
    pending_text: list[str] = []
    pending_rows: list[int] = []
    pending_protect: list[bool] = [False]  # a merged message is protected if any part of it is

    def flush(markup: InlineKeyboardMarkup | None = None, protect: bool = False) -> None:
        if not pending_text:
            return
        protect = protect or pending_protect[0]
        pending_protect[0] = False
        text = "\n\n".join(pending_text)
        pieces = split_text(text)
        for n, piece in enumerate(pieces):
            last = n == len(pieces) - 1
            calls.append(Call("send_message", list(pending_rows) if last else [], html.escape(piece),
                              markup if last else None, protect=protect))
        pending_text.clear()
        pending_rows.clear()

    closing: list[Call] = []
    for row_id, payload in rows:
        item = outbox.from_json(payload)
        if isinstance(item, outbox.Document):
            flush()
            data = json.dumps(item.data, ensure_ascii=False, indent=2).encode()
            caption = locales.set_direction(content.catalog(item.locale).text("privacy.export_caption"),
                                            item.locale)
            calls.append(Call("send_document", [row_id], text=item.filename, document=data, protect=True,
                              caption=html.escape(caption)))
            continue
        if isinstance(item, outbox.DeleteMessages):
            flush()
            calls.append(Call("delete_messages", [row_id], message_ids=list(item.message_ids)))
            continue
        if isinstance(item, outbox.Redacted):  # erased words: nothing to send (only delivered rows are redacted)
            continue
        if isinstance(item, outbox.CloseCard):
            # Closed after the new messages go out: the person sees the next question one round trip sooner.
            closing.append(Call("edit_markup", [row_id], message_id=item.message_id))
            continue
        send, reader = item.send, item.locale  # the language stamped on the row: its reader's
        rendered = render(content, send, reader, bot_username)
        markup = keyboard(rendered, send.turn)
        if send.invite_token and markup is None:
            markup = share_keyboard(content, send, reader, bot_username)
        if item.edit_message_id:
            flush()
            calls.append(Call("edit_markup", [row_id], markup=markup, message_id=item.edit_message_id))
            continue
        text = rendered.text
        joined = "\n\n".join(pending_text + [text])
        if pending_text and utf16_len(joined) > TEXT_LIMIT:
            flush()
        pending_text.append(text)
        pending_rows.append(row_id)
        pending_protect[0] = pending_protect[0] or send.protect
        if markup is not None:
            flush(markup)
    flush()
    return calls + closing
