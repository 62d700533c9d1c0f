"""Telegram transport: parse updates into engine events, deliver the outbox, run the bot."""
import os

# Opt in to PTB 22's timedelta durations now (RetryAfter.retry_after), instead of a deprecation
# warning on every 429; the sender handles both forms.
os.environ.setdefault("PTB_TIMEDELTA", "true")

import bot.logs  # noqa: E402,F401  (holds PTB's and httpx's logging, which carries text and the token, at WARNING)
