"""Command line: `python -m bot [run|chat|validate|screen|coach|graph|test-content|rotate-key]`.

With no subcommand Mend starts the Telegram bot when a token is configured and the console chat
otherwise. Every start-up problem (config, content, database) ends with clear lines, exit code 2
for configuration and 1 for content, never a traceback.
"""
from __future__ import annotations

import argparse
import asyncio
import gc
import json
import logging
import os
import sys
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Any, BinaryIO, TextIO

from dotenv import load_dotenv

from bot.config import ConfigError, Settings, load_settings
from bot.content.loader import ContentError, load_content, validate_content
from bot.content.model import Content
from bot.content.yamlio import is_unreadable
from bot.locales import SUPPORTED
from bot.logs import set_pseudonym_salt, setup_logging
from bot.storage import Database, StorageError
from bot.storage.crypto import Cipher, DataKeyError
from bot.understanding.checker import Checker, checker_for
from bot.understanding.encoder import EncoderUnavailable
from bot.understanding.linear import ModelProblem
from bot.understanding.screen import Screen, screen_for

SCREEN_BATCH = 64  # messages encoded together by `screen`: one encoder call per batch


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bot", description="Mend: repair after an argument.")
    sub = parser.add_subparsers(dest="command")
    sub.add_parser("run", help="run the Telegram bot (needs TELEGRAM_BOT_TOKEN)")
    chat = sub.add_parser("chat", help="chat in the terminal (no token, no network)")
    chat.add_argument("--as", dest="user", default="local", help="local profile name (default: local)")
    chat.add_argument("--lang", choices=SUPPORTED, help="the language Mend writes in (saved with the profile)")
    validate = sub.add_parser("validate", help="check flows and messages; list every problem")
    validate.add_argument("content_dir", nargs="?", help="content directory (default: CONTENT_DIR or ./content)")
    validate.add_argument("--release", action="store_true", help="also require clinician sign-off on safety copy")
    sub.add_parser("rotate-key", help="re-encrypt stored data with the first key of MEND_DATA_KEY")
    graph = sub.add_parser("graph", help="draw a flow as a Mermaid (or Graphviz) chart")
    graph.add_argument("flow", nargs="?", help="flow id, like repair")
    graph.add_argument("--format", choices=("mermaid", "dot"), default="mermaid", help="chart language (default: mermaid)")
    graph.add_argument("--all", dest="all_dir", metavar="DIR", help="write one Markdown page per flow into DIR")
    graph.add_argument("--content", dest="content_dir", help="content directory (default: CONTENT_DIR or ./content)")
    test_content = sub.add_parser("test-content", help="run the conversation transcripts in content/transcripts/")
    test_content.add_argument("content_dir", nargs="?", help="content directory (default: CONTENT_DIR or ./content)")
    test_content.add_argument("-k", dest="only", metavar="TEXT", help="run only transcripts whose file name contains TEXT")
    test_content.add_argument("--show", action="store_true", help="print the message keys each turn received")
    sources = sub.add_parser("overlay-sources", help="after rewriting ar-f.yaml: record the ar.yaml text each message came from")
    sources.add_argument("--content-dir", help="content folder (default: CONTENT_DIR or ./content)")
    sub.add_parser("screen", help="safety-screen messages: one per line on stdin, one JSON verdict per line out")
    sub.add_parser("coach", help="check drafts: one per line on stdin, one JSON object of labels per line out")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    load_dotenv(override=False)  # .env fills in only what the environment doesn't already say
    try:
        settings = load_settings()
    except ConfigError as exc:
        print(f"mend: configuration error: {exc}", file=sys.stderr)
        return 2
    command = args.command or ("run" if settings.telegram_token else "chat")
    try:
        cipher = Cipher(list(settings.data_keys))
    except DataKeyError as exc:
        print(f"mend: configuration error: {exc}", file=sys.stderr)
        return 2
    if command == "rotate-key":
        return _run_async(rotate_key(settings, cipher))
    if command == "validate":
        return validate(Path(args.content_dir) if args.content_dir else settings.content_dir, args.release)
    if command in ("graph", "test-content", "overlay-sources"):
        from bot.authoring import cli as authoring  # imported here so the bot never loads the tools
        content_dir = Path(args.content_dir) if args.content_dir else settings.content_dir
        if command == "overlay-sources":
            return authoring.overlay_sources(content_dir)
        if command == "graph":
            return authoring.graph(content_dir, args.flow, args.format, Path(args.all_dir) if args.all_dir else None)
        return authoring.test_content(content_dir, args.only, args.show)
    try:
        content = load_content(settings.content_dir)
    except ContentError as exc:
        if len(exc.problems) == 1:  # the usual case after an edit: one line that says where and what
            print(f"mend: content in {settings.content_dir} is invalid, not starting: {exc.problems[0]}", file=sys.stderr)
            return 1
        print(f"mend: content in {settings.content_dir} is invalid, not starting:", file=sys.stderr)
        for problem in exc.problems:
            print(f"  {problem}", file=sys.stderr)
        return 1
    try:
        screen = screen_for(content)  # loads the encoder now: start-up fails here, not at the first message
    except (EncoderUnavailable, ModelProblem) as exc:
        print(f"mend: the safety screen could not start, not starting: {exc}", file=sys.stderr)
        return 1
    if command == "screen":
        return _until_reader_leaves(lambda: screen_lines(screen, sys.stdin.buffer, sys.stdout))
    try:
        checker = checker_for(content)
    except ModelProblem as exc:
        print(f"mend: the coaching checker could not start, not starting: {exc}", file=sys.stderr)
        return 1
    # Content, lexicons, encoder and models live as long as the process: move them out of the
    # garbage collector's reach, or every full collection walks their ~50,000 objects again (~60 ms
    # on the 2-core machine, a pause the 10-person benchmark's p99 showed).
    gc.freeze()
    if command == "coach":
        return _until_reader_leaves(lambda: coach_lines(checker, sys.stdin.buffer, sys.stdout))
    if command == "chat":
        setup_logging("WARNING" if settings.log_level == "INFO" else settings.log_level)
        return _run_async(chat(settings, content, getattr(args, "user", "local"), cipher, getattr(args, "lang", None)))
    if not settings.telegram_token:
        print("mend: configuration error: TELEGRAM_BOT_TOKEN is not set (use `python -m bot chat` to try Mend offline)",
              file=sys.stderr)
        return 2
    setup_logging(settings.log_level)
    from bot.transport.app import run_bot  # imported here so the console never loads Telegram
    return _run_async(run_bot(settings, content, cipher=cipher), loop_factory=fast_loop())


def fast_loop() -> Callable[[], asyncio.AbstractEventLoop] | None:
    """uvloop's event loop for the Telegram bot, where it is installed (not on Windows). Every reply
    takes a dozen trips between the event loop and SQLite's thread and three Bot API requests; on
    uvloop, the 10-person benchmark's p50 fell ~6 ms and its p99 ~15 ms (README, Benchmarks). None:
    the standard loop."""
    try:
        import uvloop
    except ImportError:
        return None
    return uvloop.new_event_loop


def _run_async(coro: Coroutine[Any, Any, int],
               loop_factory: Callable[[], asyncio.AbstractEventLoop] | None = None) -> int:
    try:
        with asyncio.Runner(loop_factory=loop_factory) as runner:
            return runner.run(coro)
    except StorageError as exc:
        print(f"mend: database error: {exc}", file=sys.stderr)
        return 2
    except DataKeyError as exc:
        print(f"mend: data key error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("\nmend: stopped. Everything you wrote is saved.", file=sys.stderr)
        return 130


def _until_reader_leaves(run: Callable[[], int]) -> int:
    """Run a line filter; when its reader stops early (`… | head`), stop quietly with status 1
    instead of a traceback. Output goes to /dev/null from then on, so the interpreter's own last
    flush of stdout can't fail again (the recipe in Python's `signal` documentation)."""
    try:
        return run()
    except BrokenPipeError:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1


def screen_lines(screen: Screen, stdin: BinaryIO, stdout: TextIO) -> int:
    """`python -m bot screen`: one UTF-8 message per input line, one JSON verdict per output line, in
    the same order ({route, categories, layer, score, urgent}). Undecodable bytes are replaced, not
    fatal; an empty line gets a "none" verdict. The text is never logged."""
    batch: list[str] = []

    def flush() -> None:
        for verdict in screen.verdicts(batch):
            stdout.write(json.dumps({"route": verdict.route, "categories": list(verdict.categories),
                                     "layer": verdict.layer, "score": verdict.score,
                                     "urgent": verdict.urgent}) + "\n")
        stdout.flush()
        batch.clear()

    for raw in stdin:
        batch.append(raw.decode("utf-8", errors="replace").rstrip("\r\n"))
        if len(batch) >= SCREEN_BATCH:
            flush()
    flush()
    return 0


def coach_lines(checker: Checker, stdin: BinaryIO, stdout: TextIO) -> int:
    """`python -m bot coach`: one UTF-8 draft per input line, one JSON object per output line, in
    the same order: {"labels": [...]} (empty: nothing to note). Undecodable bytes are replaced;
    an empty line gets no labels. The text is never logged."""
    batch: list[str] = []

    def flush() -> None:
        for labels in checker.labels_for(batch):
            stdout.write(json.dumps({"labels": list(labels)}) + "\n")
        stdout.flush()
        batch.clear()

    for raw in stdin:
        batch.append(raw.decode("utf-8", errors="replace").rstrip("\r\n"))
        if len(batch) >= SCREEN_BATCH:
            flush()
    flush()
    return 0


def validate(content_dir: Path, release: bool) -> int:
    content, problems = validate_content(content_dir, release=release)
    for problem in problems:
        print(problem)
    if problems:
        print(f"{len(problems)} problem(s) found in {content_dir}", file=sys.stderr)
        if all(is_unreadable(p) for p in problems):
            print("Fix the YAML first: the other checks run once every file reads.", file=sys.stderr)
        return 1
    assert content is not None  # no problems means the content loaded
    steps = sum(len(f.steps) for f in content.flows.values())
    keys = len(content.catalogs[content.default_locale].messages)
    print(f"ok: {len(content.flows)} flows, {steps} steps, {keys} messages, locales: {', '.join(sorted(content.catalogs))}")
    return 0


async def rotate_key(settings: Settings, cipher: Cipher) -> int:
    if not cipher.enabled:
        print("mend: configuration error: set MEND_DATA_KEY (new key first) to rotate", file=sys.stderr)
        return 2
    from bot.storage.key_rotation import rotate_key as rotate

    db = await Database.open(settings.database_path, cipher)
    try:
        async with db.write() as conn:
            count = await rotate(conn)
        await db.checkpoint()
    finally:
        await db.close()
    print(f"ok: re-encrypted {count} values with the first key; the other keys can now be removed")
    return 0


async def chat(settings: Settings, content: Content, user: str, cipher: Cipher | None = None,
               lang: str | None = None) -> int:
    from bot.clock import SystemClock
    from bot.console import ConsoleChat

    db = await Database.open(settings.database_path, cipher)
    try:
        set_pseudonym_salt(await db.meta("log_salt") or "")
        return await ConsoleChat(db, content, SystemClock(), user, locale=lang).run()
    finally:
        await db.close()


logging.getLogger("mend").addHandler(logging.NullHandler())
