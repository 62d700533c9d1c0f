"""Mend's own fake Telegram Bot API (RELIABILITY T0).

`FakeTelegram` keeps users, chats, updates and sent messages, enforces Telegram's limits with
Telegram-shaped errors (400 for bad text or callback data, 403 for blocked users, 429 with
`retry_after` from flood buckets, 409 for a second poller), and has fault knobs (500, connection
reset, "slow success": delivered but the client times out). `FakeUser` builds real Update JSON
the way a phone would. Adapters: `transport()` for PTB's HTTPXRequest in-process (no sockets), and
`tests/fake_server.py` serving the same core on 127.0.0.1 for tests that run Mend as a process.
"""
from __future__ import annotations

import asyncio
import email.policy
import html.parser
import itertools
import json
import time
import urllib.parse
from dataclasses import dataclass
from email.parser import BytesParser
from typing import Any

import httpx

BOT_USER = {"id": 424242, "is_bot": True, "first_name": "Mend", "username": "mend_test_bot"}


@dataclass
class Sent:
    chat_id: int
    message_id: int
    text: str
    markup: dict | None
    protect: bool
    at: float
    edits: int = 0

    @property
    def buttons(self) -> list[tuple[str, str]]:
        """(label, callback_data) of every button, in order."""
        rows = (self.markup or {}).get("inline_keyboard", [])
        return [(b["text"], b.get("callback_data", "")) for row in rows for b in row]

    @property
    def urls(self) -> list[str]:
        rows = (self.markup or {}).get("inline_keyboard", [])
        return [b["url"] for row in rows for b in row if "url" in b]

    def to_api(self) -> dict:
        msg = {"message_id": self.message_id, "date": int(time.time()), "from": BOT_USER,
               "chat": {"id": self.chat_id, "type": "private", "first_name": "Person"}, "text": self.text}
        if self.markup and self.markup.get("inline_keyboard"):
            msg["reply_markup"] = self.markup
        return msg


class ApiError(Exception):
    def __init__(self, code: int, description: str, retry_after: int | None = None):
        super().__init__(description)
        self.code, self.description, self.retry_after = code, description, retry_after

    def body(self) -> dict:
        body = {"ok": False, "error_code": self.code, "description": self.description}
        if self.retry_after is not None:
            body["parameters"] = {"retry_after": self.retry_after}
        return body


class ConnectionDropped(Exception):
    """Fault: the connection fails; `delivered` says whether the call took effect first."""

    def __init__(self, delivered: bool):
        self.delivered = delivered


class _Bucket:
    def __init__(self, rate: float, burst: float):
        self.rate, self.burst, self.tokens, self.stamp = rate, burst, burst, time.monotonic()

    def take(self) -> float:
        """0 if allowed now, else seconds until a token is free."""
        now = time.monotonic()
        self.tokens = min(self.burst, self.tokens + (now - self.stamp) * self.rate)
        self.stamp = now
        if self.tokens >= 1 - 1e-9:
            self.tokens -= 1
            return 0.0
        return (1 - self.tokens) / self.rate


class _HtmlCheck(html.parser.HTMLParser):
    ALLOWED = {"b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "a", "code", "pre", "tg-spoiler",
               "blockquote", "span"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.plain: list[str] = []
        self.bad = False

    def handle_starttag(self, tag, attrs):
        if tag not in self.ALLOWED:
            self.bad = True
        self.stack.append(tag)

    def handle_endtag(self, tag):
        if not self.stack or self.stack.pop() != tag:
            self.bad = True

    def handle_data(self, data):
        self.plain.append(data)


def plain_text(text: str, parse_mode: str | None) -> str:
    """Text as Telegram counts it: after entity parsing. Raises 400 on malformed HTML."""
    if parse_mode != "HTML":
        return text
    if "<" in text.replace("&lt;", ""):
        checker = _HtmlCheck()
        checker.feed(text)
        checker.close()
        if checker.bad or checker.stack:
            raise ApiError(400, "Bad Request: can't parse entities: unsupported start tag or unclosed tag")
        return "".join(checker.plain)
    if "&" in text:
        for entity in __import__("re").findall(r"&[^;\s]*;?", text):
            if entity not in ("&lt;", "&gt;", "&amp;", "&quot;", "&#x27;", "&#39;"):
                raise ApiError(400, "Bad Request: can't parse entities: unsupported entity")
    return html.unescape(text)


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


class FakeTelegram:
    def __init__(self, token: str = "123456:TEST-CANARY-TOKEN", flood_limits: bool = True,
                 chat_rate: float = 1.0, chat_burst: float = 3.0, global_rate: float = 30.0):
        self.token = token
        self.flood_limits = flood_limits
        self.chat_rate, self.chat_burst = chat_rate, chat_burst
        self.global_bucket = _Bucket(global_rate, global_rate)
        self.chat_buckets: dict[int, _Bucket] = {}
        self.pending: list[dict] = []            # updates not yet confirmed by an offset
        self.deliveries: dict[int, int] = {}     # update_id -> times returned by getUpdates
        self.acked_offset = 0
        self.ids = itertools.count(1000)
        self.message_ids = itertools.count(1)
        self.query_ids = itertools.count(1)
        self.sent: list[Sent] = []
        self.by_id: dict[tuple[int, int], Sent] = {}
        self.log: list[tuple[float, str, dict]] = []
        self.errors: list[tuple[str, int, str]] = []
        self.started: set[int] = set()
        self.blocked: set[int] = set()
        self.open_queries: set[str] = set()
        self.answered: set[str] = set()
        self.faults: list[dict] = []
        self.commands: list = []
        self.webhook: dict | None = None
        self.listeners: list = []
        self.deleted: list[tuple[int, int]] = []
        self.menus: dict[str, list] = {}  # language_code ('' for the default) -> commands
        self.captions: list[tuple[int, str | None]] = []  # each document's caption, as sent
        self.documents: list[tuple[int, Any]] = []  # called with chat_id after every successful send or edit
        self.polling = 0
        self.poll_generation = 0
        self.conflicts = 0
        self._waiters: dict[int, asyncio.Event] = {}

    # -- the simulated phones ------------------------------------------------------------------
    def user(self, uid: int, name: str = "Person", language_code: str | None = "en") -> FakeUser:
        return FakeUser(self, uid, name, language_code)

    def push(self, update: dict) -> int:
        update_id = next(self.ids)
        self.pending.append({"update_id": update_id, **update})
        self.wake_pollers()
        return update_id

    def wake_pollers(self) -> None:
        for waiter in self._waiters.values():
            waiter.set()

    # -- oracles -------------------------------------------------------------------------------
    def messages_to(self, chat_id: int) -> list[Sent]:
        return [m for m in self.sent if m.chat_id == chat_id]

    def texts(self, chat_id: int) -> list[str]:
        return [m.text for m in self.messages_to(chat_id)]

    def count(self, method: str, chat_id: int | None = None) -> int:
        return sum(1 for _, m, p in self.log if m == method and (chat_id is None or str(p.get("chat_id")) == str(chat_id)))

    def count_429(self) -> int:
        return sum(1 for _, code, _ in self.errors if code == 429)

    def send_times(self, chat_id: int) -> list[float]:
        return [m.at for m in self.sent if m.chat_id == chat_id]

    # -- faults --------------------------------------------------------------------------------
    def fail_next(self, method: str, kind: str, count: int = 1, chat_id: int | None = None, **extra: Any) -> None:
        """kind: 'http500', 'reset' (not delivered), 'slow' (delivered, then the client times out),
        'flood' (429 with extra['retry_after'])."""
        self.faults.append({"method": method, "kind": kind, "count": count, "chat_id": chat_id, **extra})

    def _fault_for(self, method: str, params: dict) -> dict | None:
        for fault in self.faults:
            if fault["method"] == method and fault["count"] > 0 and (
                    fault["chat_id"] is None or str(fault["chat_id"]) == str(params.get("chat_id"))):
                fault["count"] -= 1
                return fault
        return None

    # -- the API -------------------------------------------------------------------------------
    async def call(self, token: str, method: str, params: dict) -> tuple[int, dict]:
        if token != self.token:
            return 401, {"ok": False, "error_code": 401, "description": "Unauthorized"}
        self.log.append((time.monotonic(), method, params))
        fault = self._fault_for(method, params)
        if fault and fault["kind"] == "http500":
            return 500, {"ok": False, "error_code": 500, "description": "Internal Server Error"}
        if fault and fault["kind"] == "reset":
            raise ConnectionDropped(delivered=False)
        if fault and fault["kind"] == "flood":
            err = ApiError(429, f"Too Many Requests: retry after {fault['retry_after']}", fault["retry_after"])
            self.errors.append((method, 429, err.description))
            return 429, err.body()
        handler = getattr(self, "api_" + method, None)
        if handler is None:
            return 404, {"ok": False, "error_code": 404, "description": "Not Found: method not found"}
        try:
            result = await handler(params)
        except ApiError as err:
            self.errors.append((method, err.code, err.description))
            return err.code, err.body()
        if fault and fault["kind"] == "slow":
            raise ConnectionDropped(delivered=True)
        return 200, {"ok": True, "result": result}

    async def api_getMe(self, p):
        return {**BOT_USER, "can_join_groups": True, "can_read_all_group_messages": False, "supports_inline_queries": False}

    async def api_deleteWebhook(self, p):
        return True

    async def api_setWebhook(self, p):
        self.webhook = p
        return True

    async def api_setMyCommands(self, p):
        commands = p.get("commands", [])
        if isinstance(commands, str):
            commands = json.loads(commands)
        self.menus[p.get("language_code") or ""] = commands  # Telegram keeps one menu per client language
        if not p.get("language_code"):
            self.commands = commands
        return True

    async def api_sendChatAction(self, p):
        return True

    async def api_getUpdates(self, p):
        # Like Telegram: a newer getUpdates terminates the one still waiting, which gets 409.
        self.poll_generation += 1
        mine = self.poll_generation
        for waiter in self._waiters.values():
            waiter.set()
        self.polling += 1
        try:
            offset = int(p.get("offset", 0) or 0)
            if offset > 0:
                self.acked_offset = max(self.acked_offset, offset)
                self.pending = [u for u in self.pending if u["update_id"] >= offset]
            timeout = min(float(p.get("timeout", 0) or 0), 30.0)
            if not self.pending and timeout > 0:
                waiter = self._waiters[mine] = asyncio.Event()
                try:
                    await asyncio.wait_for(waiter.wait(), timeout)
                except TimeoutError:
                    pass
                finally:
                    del self._waiters[mine]
            if mine != self.poll_generation:
                self.conflicts += 1
                raise ApiError(409, "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running")
            batch = self.pending[: int(p.get("limit", 100) or 100)]
            for u in batch:
                self.deliveries[u["update_id"]] = self.deliveries.get(u["update_id"], 0) + 1
            return batch
        finally:
            self.polling -= 1

    def _check_chat(self, chat_id: int) -> None:
        if chat_id in self.blocked:
            raise ApiError(403, "Forbidden: bot was blocked by the user")
        if chat_id > 0 and chat_id not in self.started:
            raise ApiError(403, "Forbidden: bot can't initiate conversation with a user")

    def _check_markup(self, markup: dict | None) -> None:
        for row in (markup or {}).get("inline_keyboard", []):
            for button in row:
                data = button.get("callback_data")
                if (data is None) == (button.get("url") is None):  # exactly one action per button
                    raise ApiError(400, "Bad Request: can't parse inline keyboard button")
                if data is not None and not 1 <= len(data.encode()) <= 64:
                    raise ApiError(400, "Bad Request: BUTTON_DATA_INVALID")
                if not button.get("text"):
                    raise ApiError(400, "Bad Request: text buttons are unallowed in the inline keyboard")

    def _flood(self, chat_id: int) -> None:
        if not self.flood_limits:
            return
        wait = self.global_bucket.take()
        if not wait:
            bucket = self.chat_buckets.setdefault(chat_id, _Bucket(self.chat_rate, self.chat_burst))
            wait = bucket.take()
        if wait:
            seconds = max(1, int(wait + 0.999))
            raise ApiError(429, f"Too Many Requests: retry after {seconds}", seconds)

    async def api_sendMessage(self, p):
        chat_id = int(p["chat_id"])
        self._check_chat(chat_id)
        text = p.get("text", "")
        plain = plain_text(text, p.get("parse_mode"))
        if not plain.strip():
            raise ApiError(400, "Bad Request: message text is empty")
        if utf16_len(plain) > 4096:
            raise ApiError(400, "Bad Request: message is too long")
        markup = p.get("reply_markup")
        self._check_markup(markup)
        self._flood(chat_id)
        msg = Sent(chat_id, next(self.message_ids), plain, markup, str(p.get("protect_content")).lower() == "true",
                   time.monotonic())
        self.sent.append(msg)
        self.by_id[(chat_id, msg.message_id)] = msg
        for listener in self.listeners:
            listener(chat_id)
        return msg.to_api()

    async def api_editMessageReplyMarkup(self, p):
        chat_id, message_id = int(p["chat_id"]), int(p["message_id"])
        self._check_chat(chat_id)
        msg = self.by_id.get((chat_id, message_id))
        if msg is None:
            raise ApiError(400, "Bad Request: message to edit not found")
        markup = p.get("reply_markup") or None
        self._check_markup(markup)
        if (markup or {}).get("inline_keyboard") == (msg.markup or {}).get("inline_keyboard"):
            raise ApiError(400, "Bad Request: message is not modified: specified new message content and reply markup are exactly the same")
        msg.markup, msg.edits = markup, msg.edits + 1
        for listener in self.listeners:
            listener(chat_id)
        return msg.to_api()

    async def api_answerCallbackQuery(self, p):
        query_id = p.get("callback_query_id")
        if query_id not in self.open_queries:
            raise ApiError(400, "Bad Request: query is too old and response timeout expired or query ID is invalid")
        self.open_queries.discard(query_id)
        self.answered.add(query_id)
        return True

    async def api_deleteMessage(self, p):
        return True

    async def api_deleteMessages(self, p):
        chat_id = int(p["chat_id"])
        ids = p["message_ids"] if isinstance(p["message_ids"], list) else json.loads(p["message_ids"])
        self.deleted.extend((chat_id, int(i)) for i in ids)
        self.sent = [m for m in self.sent if not (m.chat_id == chat_id and m.message_id in ids)]
        return True

    async def api_sendDocument(self, p):
        chat_id = int(p["chat_id"])
        self._check_chat(chat_id)
        self._flood(chat_id)
        self.documents.append((chat_id, p.get("document")))
        self.captions.append((chat_id, p.get("caption")))
        msg = Sent(chat_id, next(self.message_ids), "", None, str(p.get("protect_content")).lower() == "true", time.monotonic())
        return {**msg.to_api(), "document": {"file_id": "DOC", "file_unique_id": "d1", "file_name": "export.json"}}

    # -- HTTP adapters -------------------------------------------------------------------------
    @staticmethod
    def parse_body(content_type: str, body: bytes, query: str = "") -> dict:
        params: dict[str, Any] = {}
        if "multipart/form-data" in content_type and body:
            message = BytesParser(policy=email.policy.default).parsebytes(
                b"Content-Type: " + content_type.encode() + b"\r\n\r\n" + body)
            for part in message.iter_parts():
                name = part.get_param("name", header="content-disposition")
                payload = part.get_payload(decode=True)
                params[name] = payload if part.get_filename() else payload.decode()
        elif "application/json" in content_type and body:
            params.update(json.loads(body))
        elif body:
            for key, values in urllib.parse.parse_qs(body.decode(), keep_blank_values=True).items():
                params[key] = values[-1]
        for key, values in urllib.parse.parse_qs(query).items():
            params.setdefault(key, values[-1])
        for key in ("reply_markup", "allowed_updates", "commands", "entities", "message_ids"):
            if isinstance(params.get(key), str):
                try:
                    params[key] = json.loads(params[key])
                except ValueError:
                    pass
        return params

    def transport(self) -> httpx.MockTransport:
        async def handler(request: httpx.Request) -> httpx.Response:
            parts = request.url.path.strip("/").split("/")
            token, method = parts[-2][3:], parts[-1]
            params = self.parse_body(request.headers.get("content-type", ""), await request.aread(), request.url.query.decode())
            try:
                status, body = await self.call(token, method, params)
            except ConnectionDropped as drop:
                if drop.delivered:
                    raise httpx.ReadTimeout("fake: delivered, then no answer", request=request) from None
                raise httpx.ConnectError("fake: connection refused", request=request) from None
            # ASCII-escaped like Telegram's own JSON, so text that isn't valid Unicode (a lone
            # surrogate) travels as `\ud800` instead of breaking the encoder.
            return httpx.Response(status, content=json.dumps(body).encode(), headers={"content-type": "application/json"})

        return httpx.MockTransport(handler)


class FakeUser:
    """A person on a phone: produces the updates Telegram would send for what they do."""

    def __init__(self, fake: FakeTelegram, uid: int, name: str, language_code: str | None = "en"):
        self.fake, self.uid, self.name = fake, uid, name
        self.language_code = language_code  # what the phone's Telegram is set to
        self.message_ids = itertools.count(1)

    @property
    def chat(self) -> dict:
        return {"id": self.uid, "type": "private", "first_name": self.name}

    @property
    def sender(self) -> dict:
        return {"id": self.uid, "is_bot": False, "first_name": self.name,
                **({"language_code": self.language_code} if self.language_code else {})}

    def _message(self, **fields) -> dict:
        return {"message_id": next(self.message_ids), "from": self.sender, "chat": self.chat, "date": int(time.time()), **fields}

    def send_text(self, text: str) -> int:
        fields: dict[str, Any] = {"text": text}
        if text.startswith("/"):
            fields["entities"] = [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}]
        self.fake.started.add(self.uid)
        return self.fake.push({"message": self._message(**fields)})

    def start(self, payload: str = "") -> int:
        return self.send_text("/start" + (f" {payload}" if payload else ""))

    def send_sticker(self) -> int:
        return self.fake.push({"message": self._message(sticker={
            "file_id": "CAAD", "file_unique_id": "u1", "type": "regular", "width": 512, "height": 512,
            "is_animated": False, "is_video": False})})

    def send_photo(self, caption: str | None = None) -> int:
        fields: dict[str, Any] = {"photo": [{"file_id": "PH", "file_unique_id": "p1", "width": 90, "height": 90}]}
        if caption:
            fields["caption"] = caption
        return self.fake.push({"message": self._message(**fields)})

    def send_voice(self) -> int:
        return self.fake.push({"message": self._message(voice={"file_id": "V", "file_unique_id": "v1", "duration": 3})})

    def send_location(self) -> int:
        return self.fake.push({"message": self._message(location={"latitude": 52.5, "longitude": 13.4})})

    def edit_last(self, text: str) -> int:
        msg = self._message(text=text, edit_date=int(time.time()))
        return self.fake.push({"edited_message": msg})

    def send_in_group(self, text: str) -> int:
        chat = {"id": -1001234, "type": "supergroup", "title": "Family"}
        return self.fake.push({"message": {**self._message(text=text), "chat": chat}})

    @property
    def last_card(self) -> Sent | None:
        """The newest message to this chat that still has buttons."""
        for msg in reversed(self.fake.messages_to(self.uid)):
            if msg.buttons:
                return msg
        return None

    def press(self, choice: str, card: Sent | None = None) -> int:
        """Press a button by its option id (the end of its callback data) or its label."""
        card = card or self.last_card
        assert card is not None, f"{self.name} has no buttons to press"
        for label, data in card.buttons:
            if data.rsplit(":", 1)[-1] == choice or label.lstrip("✓ ") == choice:
                return self.press_data(data, card)
        raise AssertionError(f"no button {choice!r} on {[b for b, _ in card.buttons]}")

    def press_data(self, data: str, card: Sent) -> int:
        query_id = str(next(self.fake.query_ids))
        self.fake.open_queries.add(query_id)
        return self.fake.push({"callback_query": {"id": query_id, "from": self.sender, "message": card.to_api(),
                                                  "chat_instance": "ci", "data": data}})

    def block(self) -> int:
        self.fake.blocked.add(self.uid)
        return self.fake.push({"my_chat_member": {
            "chat": self.chat, "from": self.sender, "date": int(time.time()),
            "old_chat_member": {"user": BOT_USER, "status": "member"},
            "new_chat_member": {"user": BOT_USER, "status": "kicked", "until_date": 0}}})

    def unblock(self) -> int:
        self.fake.blocked.discard(self.uid)
        return self.fake.push({"my_chat_member": {
            "chat": self.chat, "from": self.sender, "date": int(time.time()),
            "old_chat_member": {"user": BOT_USER, "status": "kicked", "until_date": 0},
            "new_chat_member": {"user": BOT_USER, "status": "member"}}})
