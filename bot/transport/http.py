"""The HTTP client under PTB's `Bot`: aiohttp's, in place of PTB's default httpx one.

Why: at a hundred people Mend's event loop spends more of its time making Bot API requests than on
anything else (three per message: getUpdates, the reply, answering or editing a card). Measured
against the loopback fake Bot API (`scripts/bench_http.py`), a request through PTB's `HTTPXRequest`
costs ~2–3.5 ms of CPU (httpcore checks every pooled connection on every request, encode/httpcore
#1035), through this one ~0.5 ms. aiohttp is already Mend's dependency (the webhook receiver).

What PTB's request classes promise is kept: PTB's timeouts (connect, read, pool; aiohttp has no
write timeout, so the read timeout covers the answer and an upload gets a bound on the whole
request) and its errors: TimedOut for a timeout, NetworkError for anything else on the wire, each
raised `from` aiohttp's own error, so the sender can tell a request that never left (`NOT_SENT`)
from one that may have reached Telegram.
"""
from __future__ import annotations

import aiohttp
from telegram._utils.defaultvalue import DefaultValue
from telegram._utils.types import ODVInput
from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, RequestData

# The request never reached Telegram: no connection could be made, or none was free in time.
NOT_SENT = (aiohttp.ClientConnectorError, aiohttp.ConnectionTimeoutError)
UPLOAD_WRITE_SECONDS = 20.0


class AiohttpRequest(BaseRequest):
    """One aiohttp session with a connection pool of `pool_size`, made on `initialize()`."""

    def __init__(self, pool_size: int = 1, read_timeout: float | None = 5.0, connect_timeout: float | None = 5.0,
                 pool_timeout: float | None = 1.0):
        self.pool_size = pool_size
        self._timeouts = {"read": read_timeout, "connect": connect_timeout, "pool": pool_timeout}
        self._session: aiohttp.ClientSession | None = None

    @property
    def read_timeout(self) -> float | None:
        return self._timeouts["read"]

    async def initialize(self) -> None:
        if self._session is None or self._session.closed:
            # No cookies (Telegram sets none); HTTPS_PROXY and the like are honoured, as httpx does for PTB.
            self._session = aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=self.pool_size),
                                                  cookie_jar=aiohttp.DummyCookieJar(), trust_env=True)

    async def shutdown(self) -> None:
        if self._session is not None and not self._session.closed:
            await self._session.close()

    async def do_request(self, url: str, method: str, request_data: RequestData | None = None,
                         read_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
                         write_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
                         connect_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
                         pool_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE) -> tuple[int, bytes]:
        if self._session is None or self._session.closed:
            raise RuntimeError("AiohttpRequest is not initialized")
        read = self._chosen(read_timeout, "read")
        connect = self._chosen(connect_timeout, "connect")
        pool = self._chosen(pool_timeout, "pool")
        body = _body(request_data)
        # aiohttp times reading only once the body is written: an upload (/export) gets a bound on
        # the whole request instead, like PTB's write timeout for media (20 s by default).
        total = None
        if isinstance(body, aiohttp.FormData) and read is not None:
            write = UPLOAD_WRITE_SECONDS if isinstance(write_timeout, DefaultValue) else write_timeout
            total = None if write is None else write + read
        timeout = aiohttp.ClientTimeout(
            total=total, sock_read=read, sock_connect=connect,
            # aiohttp's `connect` covers waiting for a free pooled connection and making a new one.
            connect=None if connect is None or pool is None else connect + pool)
        try:
            # Telegram never redirects the Bot API; httpx under PTB follows no redirect either.
            async with self._session.request(method, url, data=body, timeout=timeout, allow_redirects=False,
                                             headers={"User-Agent": self.USER_AGENT}) as response:
                return response.status, await response.read()
        except (TimeoutError, aiohttp.ServerTimeoutError) as exc:
            raise TimedOut from _without_url(exc)
        except aiohttp.ClientError as exc:
            raise NetworkError(f"aiohttp: {type(exc).__name__}") from _without_url(exc)

    def _chosen(self, given: ODVInput[float], name: str) -> float | None:
        return self._timeouts[name] if isinstance(given, DefaultValue) else given


def _without_url(exc: BaseException) -> BaseException:
    """The error with its message cut to its kind: several of aiohttp's messages quote the request's
    URL, which carries the bot token, and an error's cause is printed with it. Its class stays, so
    the sender can still tell "never sent"; ClientConnectorError's message names only host and port."""
    if not isinstance(exc, aiohttp.ClientConnectorError):
        exc.args = (type(exc).__name__,)
    return exc


def _body(request_data: RequestData | None) -> aiohttp.FormData | dict[str, str] | None:
    """Form fields as PTB encodes them for Telegram (each value a string, JSON for objects), and the
    file parts, when there are any, as multipart."""
    if request_data is None:
        return None
    fields = request_data.json_parameters
    files = request_data.multipart_data
    if not files:
        return fields
    form = aiohttp.FormData()
    for name, value in fields.items():
        form.add_field(name, value)
    for name, (filename, content, mimetype) in files.items():
        form.add_field(name, content, filename=filename, content_type=mimetype)
    return form
