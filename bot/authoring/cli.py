"""`python -m bot graph`, `test-content` and `overlay-sources`: the authoring tools' command lines.

Exit codes: 0 all good; 1 the content (or a transcript) has problems, listed as `file:line: …`;
2 the command was used wrongly (an unknown flow, no flow named).
"""
from __future__ import annotations

import asyncio
import sys
from datetime import date
from pathlib import Path

from bot import locales
from bot.authoring import graph as charts
from bot.authoring.transcripts import Result, run_file, transcript_files
from bot.content.catalog import load_catalog, record_sources, sources_path
from bot.content.checks import Checks
from bot.content.loader import display_path, read_flows, validate_content
from bot.content.model import Content


def graph(content_dir: Path, flow_id: str | None, fmt: str, all_dir: Path | None) -> int:
    flows, catalogs, problems = read_flows(content_dir)
    if problems:  # still draw what parses: seeing a broken flow helps to mend it
        print(f"{len(problems)} problem(s) in {display_path(content_dir)}; drawing what reads:", file=sys.stderr)
        for problem in problems:
            print(f"  {problem}", file=sys.stderr)
    catalog = catalogs.get("en") or next(iter(catalogs.values()), None)
    if all_dir is not None:
        written = charts.write_pages(flows, catalog, all_dir)
        print(f"wrote {len(written) - 1} flow pages and an index to {display_path(all_dir)}")
        return 1 if problems else 0
    if flow_id is None:
        print(f"mend: name a flow (one of: {', '.join(sorted(flows))}) or use --all DIR", file=sys.stderr)
        return 2
    flow = flows.get(flow_id)
    if flow is None:
        known = ", ".join(sorted(flows)) or "none could be read"
        print(f"mend: unknown flow '{flow_id}' (flows: {known})", file=sys.stderr)
        return 1 if problems else 2
    print(charts.to_dot(flow) if fmt == "dot" else charts.to_mermaid(flow), end="")
    return 1 if problems else 0


def overlay_sources(content_dir: Path) -> int:
    """Records, for each overlay (messages/ar-f.yaml), the language text each of its messages was rewritten
    from, so validation can say which ones an edit to ar.yaml left behind. Run after rewriting them."""
    checks = Checks(Path(content_dir).resolve(), False, date.today())
    folder = Path(content_dir) / "messages"
    written = 0
    for path in sorted(folder.glob("*.yaml")):
        if path.stem not in locales.ADDRESSED:
            continue
        base = load_catalog(checks, folder / f"{locales.language(path.stem)}.yaml")
        over = load_catalog(checks, path)
        if base is None or over is None or checks.problems:
            continue  # nothing is recorded from files that don't read cleanly: the problems are listed below
        count = record_sources(path, base, over)
        written += 1
        print(f"{display_path(sources_path(path))}: {count} messages, as of {base.locale}.yaml now")
    for problem in checks.problems:
        print(problem, file=sys.stderr)
    return 1 if checks.problems or not written else 0


def test_content(content_dir: Path, only: str | None = None, show: bool = False) -> int:
    content, problems = validate_content(content_dir)
    if content is None:
        for problem in problems:
            print(problem)
        print(f"{len(problems)} content problem(s) in {display_path(content_dir)}: transcripts not run", file=sys.stderr)
        return 1
    paths = transcript_files(content_dir, only)
    if not paths:
        where = display_path(Path(content_dir) / "transcripts")
        print(f"no transcripts (*.yaml) in {where}" + (f" matching '{only}'" if only else ""), file=sys.stderr)
        return 1
    results = asyncio.run(_run_all(paths, content))
    failures = [f for r in results for f in r.failures]
    if show:  # what each person received at each turn: how an author finds the keys to expect
        for result in results:
            for line in result.seen:
                print(line)
    for failure in failures:
        print(failure)
    turns = sum(r.turns_run for r in results)
    failed = sum(1 for r in results if r.failures)
    if failures:
        print(f"{len(failures)} failure(s) in {failed} of {len(results)} transcripts")
        return 1
    print(f"ok: {len(results)} transcripts, {turns} turns")
    return 0


async def _run_all(paths: list[Path], content: Content) -> list[Result]:
    return [await run_file(path, content) for path in paths]
