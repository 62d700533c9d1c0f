"""Operator settings: read once from the environment (and `.env`) into a frozen dataclass.

A missing or malformed value raises ConfigError with one line that says what to fix.
"""
from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

DEFAULT_API_BASE_URL = "https://api.telegram.org/bot"
TOKEN_RE = re.compile(r"^\d{1,20}:[A-Za-z0-9_-]{10,}$")
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")
PROJECT_ROOT = Path(__file__).resolve().parent.parent


class ConfigError(Exception):
    """A setting is missing or malformed; str(exc) is the one line to show."""


@dataclass(frozen=True)
class Webhook:
    url: str  # public HTTPS URL Telegram posts to
    listen: str
    port: int
    secret: str  # checked on every request (X-Telegram-Bot-Api-Secret-Token)

    @property
    def path(self) -> str:
        return urlparse(self.url).path or "/"

    def __repr__(self) -> str:
        return f"Webhook(url={self.url}, listen={self.listen}, port={self.port}, secret=set)"


@dataclass(frozen=True)
class Settings:
    telegram_token: str | None
    api_base_url: str
    database_path: Path
    content_dir: Path
    log_level: str
    webhook: Webhook | None = None
    data_keys: tuple[str, ...] = ()  # MEND_DATA_KEY: encryption at rest, first key encrypts

    def __repr__(self) -> str:  # never print the token or keys (P1)
        token = "set" if self.telegram_token else "unset"
        return f"Settings(token={token}, database_path={self.database_path}, content_dir={self.content_dir})"


def load_settings(env: Mapping[str, str] | None = None) -> Settings:
    env = os.environ if env is None else env
    token = env.get("TELEGRAM_BOT_TOKEN", "").strip() or None
    if token is not None and not TOKEN_RE.match(token):
        raise ConfigError("TELEGRAM_BOT_TOKEN is malformed: expected the '123456789:AA...' token from @BotFather")
    base = env.get("TELEGRAM_API_BASE_URL", "").strip() or DEFAULT_API_BASE_URL
    if not re.match(r"^https?://[^\s/]+", base):
        raise ConfigError("TELEGRAM_API_BASE_URL must be an http(s) URL, like https://api.telegram.org/bot")
    db = env.get("DATABASE_PATH", "").strip() or str(PROJECT_ROOT / "data" / "mend.sqlite3")
    content = env.get("CONTENT_DIR", "").strip() or str(PROJECT_ROOT / "content")
    level = (env.get("LOG_LEVEL", "").strip() or "INFO").upper()
    if level not in LOG_LEVELS:
        raise ConfigError(f"LOG_LEVEL must be one of {', '.join(LOG_LEVELS)}")
    keys = tuple(k.strip() for k in env.get("MEND_DATA_KEY", "").split(",") if k.strip())
    return Settings(token, base, Path(db), Path(content), level, _webhook(env), keys)


def _webhook(env: Mapping[str, str]) -> Webhook | None:
    url = env.get("WEBHOOK_URL", "").strip()
    if not url:
        return None
    if not re.match(r"^https://[^\s/]+", url) and not re.match(r"^http://(127\.0\.0\.1|localhost)[:/]", url):
        raise ConfigError("WEBHOOK_URL must be a public https:// URL (Telegram only posts to HTTPS)")
    secret = env.get("WEBHOOK_SECRET", "").strip()
    if not re.match(r"^[A-Za-z0-9_-]{16,256}$", secret):
        raise ConfigError("WEBHOOK_SECRET must be 16-256 characters of A-Z, a-z, 0-9, _ and - "
                          "(for example: python -c 'import secrets; print(secrets.token_urlsafe(32))')")
    port_text = env.get("WEBHOOK_PORT", "").strip() or "8080"
    if not port_text.isdigit() or not 1 <= int(port_text) <= 65535:
        raise ConfigError("WEBHOOK_PORT must be a port number (1-65535)")
    listen = env.get("WEBHOOK_LISTEN", "").strip() or "127.0.0.1"
    return Webhook(url, listen, int(port_text), secret)
