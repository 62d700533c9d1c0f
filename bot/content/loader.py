"""Load and validate everything under CONTENT_DIR, reporting every problem at once as `file:line: message`.

Checks: YAML syntax and duplicate keys, step schema and unknown fields, text where text is expected
(YAML 1.1 turns `no`, `12:30`, `07` into non-strings), unknown targets, unreachable steps, dead ends,
loops that never wait for the person, conditions (grammar, slots, option ids), duplicate option ids,
callback data over 64 bytes, message keys missing in any locale, unknown template placeholders,
text over 4096 characters, and (with `release=True`) safety copy still waiting for clinician sign-off.
"""
from __future__ import annotations

from datetime import date, datetime, timezone
from pathlib import Path

from bot import locales
from bot.content.catalog import check_catalogs, load_catalog, load_overlay
from bot.content.checks import Checks, display_path
from bot.content.graph import check_conditions, check_flow_graph, check_reveals, revealed_slots, shared_flow_ids
from bot.content.languages import check_resource_languages
from bot.content.limits import FLOW_FIELDS, FLOW_KINDS, ID_RE, SCHEMA_VERSION
from bot.content.model import (
    PARTNER_PREFIX,
    Catalog,
    ChoiceStep,
    Content,
    Flow,
    Lexicon,
    MultiStep,
    Resources,
    Step,
    saved_slot,
)
from bot.content.safety import check_coach_model, check_screen_model, load_lexicon, load_resources, read_anchor_index
from bot.content.step_parser import check_option_id, parse_step
from bot.content.yamlio import LDict, LList, Problem, is_unreadable, read_yaml

__all__ = ["ContentError", "display_path", "load_content", "read_flows", "validate_content"]


class ContentError(Exception):
    """Content failed validation; `problems` lists every finding."""

    def __init__(self, problems: list[Problem]):
        super().__init__(f"{len(problems)} content problem(s)")
        self.problems = problems


def load_content(content_dir: Path, release: bool = False) -> Content:
    content, problems = validate_content(content_dir, release=release)
    if problems or content is None:
        raise ContentError(problems)
    return content


def load_pickers(v: Checks) -> None:
    path = v.root / "pickers.yaml"
    if not path.exists():
        return
    file = v.rel(path)
    data = read_yaml(path, v.problems, file)
    if data is None:
        return
    if not isinstance(data, LDict):
        v.err(file, 1, "pickers.yaml must map picker names to lists")
        return
    for name, body in data.items():
        groups: list[tuple[str, tuple[str, ...]]] = []
        seen: set[str] = set()
        raw_groups = body.items() if isinstance(body, LDict) else [("", body)]
        for group, items in raw_groups:
            gline = body.line_of(group) if isinstance(body, LDict) else data.line_of(name)
            if not isinstance(items, LList):
                v.err(file, gline, f"picker '{name}' group '{group}' must be a list of option ids")
                continue
            ids = []
            for i, item in enumerate(items):
                if check_option_id(v, item, file, items.line_of(i), f"picker '{name}'", seen):
                    ids.append(item)
            heading = f"pickers.{name}_groups.{group}" if group else ""
            if heading:
                v.use_key(heading, file, gline)
            for oid in ids:
                v.use_key(f"pickers.{name}.{oid}", file, items.line_of(0))
            groups.append((heading, tuple(ids)))
        v.pickers[name] = tuple(groups)

def load_flow(v: Checks, path: Path) -> Flow | None:
    file = v.rel(path)
    data = read_yaml(path, v.problems, file)
    if data is None:
        if not any(p.file == file for p in v.problems):
            v.err(file, 1, "flow file is empty")
        return None
    if not isinstance(data, LDict):
        v.err(file, 1, "a flow file must be a mapping with 'flow' and 'steps'")
        return None
    for k in data:
        if k not in FLOW_FIELDS:
            v.err(file, data.line_of(k), f"unknown flow field '{k}'")
    flow_id = v.text_field(data, "flow", file)
    if flow_id is not None and not ID_RE.match(flow_id):
        v.err(file, data.line_of("flow"), f"flow id '{flow_id}' must be lower_snake_case")
    if data.get("schema_version") != SCHEMA_VERSION:
        v.err(file, data.line_of("schema_version"), f"schema_version must be {SCHEMA_VERSION}")
    version = data.get("version", 1)
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        v.err(file, data.line_of("version"), "version must be a whole number ≥ 1")
        version = 1
    title = v.key_field(data, "title", file)
    kind = data.get("kind", "main")
    if kind not in FLOW_KINDS:
        v.err(file, data.line_of("kind"), f"kind must be one of {sorted(FLOW_KINDS)}")
        kind = "main"
    command = v.text_field(data, "command", file, required=False)
    if command is not None and not ID_RE.match(command):
        v.err(file, data.line_of("command"), f"command '{command}' must be lower_snake_case, without '/'")
        command = None
    stages = data.get("stages", 0)
    if not isinstance(stages, int) or isinstance(stages, bool) or stages < 0:
        v.err(file, data.line_of("stages"), "stages must be a whole number")
        stages = 0
    raw_steps = data.get("steps")
    if not isinstance(raw_steps, LList) or not raw_steps:
        v.err(file, data.line_of("steps"), "a flow needs a non-empty 'steps' list")
        return None
    steps: list[Step] = []
    ids: set[str] = set()
    stage = 0
    for i, raw in enumerate(raw_steps):
        step = parse_step(v, raw, file, raw_steps.line_of(i), stage, ids)
        if step is not None:
            stage = step.stage
            steps.append(step)
    if not steps or flow_id is None or title is None:
        return None
    resume = data.get("resume", steps[0].id)
    if resume not in ids:
        v.err(file, data.line_of("resume"), f"resume step '{resume}' does not exist")
        resume = steps[0].id
    return Flow(flow_id, version, title, kind, command, stages, resume, tuple(steps), file, data.line)

# -- all together ----------------------------------------------------------------------
def run(v: Checks) -> Content | None:
    if not v.root.is_dir():
        v.err(v.rel(v.root), 1, "content directory not found")
        return None
    load_pickers(v)
    flow_dir = v.root / "flows"
    flows = v.flows
    paths = sorted(flow_dir.glob("*.yaml")) if flow_dir.is_dir() else []
    if not paths:
        v.err(v.rel(flow_dir), 1, "no flow files (*.yaml) found")
    for path in paths:
        flow = load_flow(v, path)
        if flow is None:
            continue
        if flow.id in flows:
            v.err(flow.file, flow.line, f"flow '{flow.id}' is also defined in {flows[flow.id].file}")
            continue
        flows[flow.id] = flow
    commands: dict[str, str] = {}
    for flow in flows.values():
        v.use_key(flow.title_key, flow.file, flow.line)
        check_flow_graph(v, flow, flows)
        check_reveals(v, flow)
        if flow.command:
            if flow.command in commands:
                v.err(flow.file, flow.line, f"command '/{flow.command}' is also used by flow '{commands[flow.command]}'")
            commands[flow.command] = flow.id
    for required in ("home", "welcome", "sos", "cancel", "take_break"):
        if required not in flows and paths:
            v.err(v.rel(flow_dir), 1, f"required flow '{required}' is missing")
    check_conditions(v, flows)
    saved = {slot for f in flows.values() for s in f.steps if (slot := saved_slot(s))}
    saved |= {f"{s}_text" for s in saved} | revealed_slots(flows)
    msg_dir = v.root / "messages"
    catalogs = v.catalogs
    paths = sorted(msg_dir.glob("*.yaml")) if msg_dir.is_dir() else []
    for path in paths:
        if path.stem in locales.ADDRESSED:
            continue  # an overlay of its language's file, read below
        catalog = load_catalog(v, path)
        if catalog is not None:
            catalogs[catalog.locale] = catalog
    addressed = {path.stem: overlay for path in paths if path.stem in locales.ADDRESSED
                 and (overlay := load_overlay(v, path, catalogs.get(locales.language(path.stem)))) is not None}
    if "en" not in catalogs:
        v.err(v.rel(msg_dir / "en.yaml"), 1, "the default locale 'en' is missing")
    lexicons = load_lexicons(v, catalogs)
    resources = None
    if (v.root / "resources.yaml").exists():
        resources = load_resources(v.root / "resources.yaml", v.rel(v.root / "resources.yaml"),
                                   v.problems, v.release, v.today, v.use_key)
        check_countries(v, resources)
        v.problems += check_resource_languages(resources, sorted(catalogs), v.rel(v.root / "resources.yaml"))
    else:
        v.err(v.rel(v.root / "resources.yaml"), 1, "crisis resources (resources.yaml) are missing")
    placeholders = check_catalogs(v, catalogs, saved)
    if v.problems:
        return None
    slot_labels: dict[str, dict[str, str]] = {}
    for flow in flows.values():
        for step in flow.steps:
            if isinstance(step, (ChoiceStep, MultiStep)) and step.save_as and step.option_labels:
                slot_labels.setdefault(step.save_as, {}).update(step.option_labels)
    for name in revealed_slots(flows):  # a revealed pick shows in the reader's own language
        own = name[len(PARTNER_PREFIX):]
        if own in slot_labels:
            slot_labels[name] = slot_labels[own]
    check_screen_model(v.root / "screen", v.rel, v.problems)
    check_coach_model(v.root / "coach", v.rel, v.problems)
    return Content(flows, catalogs, "en", "home", "welcome", commands, slot_labels, placeholders, lexicons, resources,
                   shared_flow_ids(flows), str(v.root), addressed)

def load_lexicons(v: Checks, catalogs: dict[str, Catalog]) -> dict[str, Lexicon]:
    lexicons = {}
    folder = v.root / "lexicons"
    index = read_anchor_index(folder)
    for path in sorted(folder.glob("*.yaml")) if folder.is_dir() else []:
        lexicon = load_lexicon(path, v.rel(path), v.problems, v.release, v.use_key, index)
        if lexicon is not None:
            lexicons[lexicon.locale] = lexicon
    for locale in catalogs:
        if locale not in lexicons:
            # S3: every language Mend speaks must be screened.
            v.err(v.rel(folder / f"{locale}.yaml"), 1, f"no safety lexicon for locale '{locale}'")
    return lexicons

def check_countries(v: Checks, resources: Resources | None) -> None:
    if resources is None:
        return
    picker = {oid for _, ids in v.pickers.get("countries", ()) for oid in ids}
    for cid in resources.countries:
        if cid not in picker:
            v.err(v.rel(v.root / "pickers.yaml"), 1, f"country '{cid}' has resources but is not in the 'countries' picker")
    for cid in picker - set(resources.countries) - {"other"}:
        v.err(v.rel(v.root / "resources.yaml"), 1, f"country '{cid}' is in the picker but has no resources")


def validate_content(content_dir: Path, release: bool = False,
                     today: date | None = None) -> tuple[Content | None, list[Problem]]:
    """`today` only matters with `release`: crisis lines must have been checked in the last six months."""
    _, content, problems = _validate(content_dir, release, today)
    return content, problems


def read_flows(content_dir: Path) -> tuple[dict[str, Flow], dict[str, Catalog], list[Problem]]:
    """The flows and catalogs that parse, even when the content as a whole is invalid (so a
    broken flow can still be drawn), with the problems found."""
    validator, _, problems = _validate(content_dir, False, None)
    return validator.flows, validator.catalogs, problems


def _validate(content_dir: Path, release: bool, today: date | None) -> tuple[Checks, Content | None, list[Problem]]:
    validator = Checks(Path(content_dir).resolve(), release, today or datetime.now(timezone.utc).date())
    content = run(validator)
    problems = sorted(set(validator.problems), key=lambda p: (p.file, p.line, p.message))
    unreadable = [p for p in problems if is_unreadable(p)]
    if unreadable:
        # A file that doesn't parse is missing to every other check, which would then report its
        # flows, keys and slots as missing everywhere: report only what stops the reading.
        problems = unreadable
    return validator, (content if not problems else None), problems
