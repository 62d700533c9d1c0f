"""The baseline for scripts/bench_telegram.py: the smallest python-telegram-bot 22 bot there is.
It echoes every text message and answers every button press, with PTB's defaults (Updater
polling, sequential handlers, no persistence, no pacing). Not part of Mend."""
import os

from telegram import Update
from telegram.ext import Application, CallbackQueryHandler, ContextTypes, MessageHandler, filters


async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await update.effective_message.reply_text(update.effective_message.text)


async def press(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await update.callback_query.answer()
    await update.effective_message.reply_text(update.callback_query.data)


def main() -> None:
    app = (Application.builder().token(os.environ["TELEGRAM_BOT_TOKEN"])
           .base_url(os.environ["TELEGRAM_API_BASE_URL"]).build())
    app.add_handler(MessageHandler(filters.TEXT, echo))
    app.add_handler(CallbackQueryHandler(press))
    app.run_polling(poll_interval=0, timeout=25)


if __name__ == "__main__":
    main()
