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

from bot.content.catalog import CatalogChecks
from bot.content.graph import GraphChecks, revealed_slots, shared_flow_ids
from bot.content.limits import FLOW_FIELDS, FLOW_KINDS, ID_RE, KEY_RE, SCHEMA_VERSION, parse_duration, yaml_type  # noqa: F401
from bot.content.model import PARTNER_PREFIX, Catalog, Content, Flow, Step
from bot.content.languages import check_resource_languages
from bot.content.safety import check_screen_model, load_lexicon, load_resources
from bot.content.steps import StepParser
from bot.content.yamlio import LDict, LList, Problem, is_unreadable, read_yaml


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


class _Validator(StepParser, GraphChecks, CatalogChecks):
    def __init__(self, root: Path, release: bool, today: date):
        self.root = root
        self.release = release
        self.today = today
        self.problems: list[Problem] = []
        self.pickers: dict[str, tuple[tuple[str, tuple[str, ...]], ...]] = {}
        self.used_keys: dict[str, tuple[str, int]] = {}  # key -> first use (file, line)
        self.flows: dict[str, Flow] = {}
        self.catalogs: dict[str, Catalog] = {}

    def rel(self, path: Path) -> str:
        """How a problem names a file: relative to the current directory, so `file:line` opens in an
        editor or terminal as printed; absolute when the content lives outside it."""
        return display_path(path)

    def err(self, file: str, line: int, message: str) -> None:
        self.problems.append(Problem(file, line, message))

    def use_key(self, key: str, file: str, line: int) -> None:
        self.used_keys.setdefault(key, (file, line))

    def text_field(self, data: LDict, name: str, file: str, required: bool = True) -> str | None:
        if name not in data:
            if required:
                self.err(file, data.line, f"missing '{name}'")
            return None
        value = data[name]
        if not isinstance(value, str):
            self.err(file, data.line_of(name), f"'{name}' must be text, got {yaml_type(value)} {value!r} (quote it)")
            return None
        return value

    def key_field(self, data: LDict, name: str, file: str) -> str | None:
        key = self.text_field(data, name, file)
        if key is not None:
            if not KEY_RE.match(key):
                self.err(file, data.line_of(name), f"'{key}' is not a message key (like 'repair.own_part')")
                return None
            self.use_key(key, file, data.line_of(name))
        return key

    def load_pickers(self) -> None:
        path = self.root / "pickers.yaml"
        if not path.exists():
            return
        file = self.rel(path)
        data = read_yaml(path, self.problems, file)
        if data is None:
            return
        if not isinstance(data, LDict):
            self.err(file, 1, "pickers.yaml must map picker names to lists")
            return
        for name, body in data.items():
            groups: list[tuple[str, tuple[str, ...]]] = []
            seen: set[str] = set()
            raw_groups = body.items() if isinstance(body, LDict) else [("", body)]
            for group, items in raw_groups:
                gline = body.line_of(group) if isinstance(body, LDict) else data.line_of(name)
                if not isinstance(items, LList):
                    self.err(file, gline, f"picker '{name}' group '{group}' must be a list of option ids")
                    continue
                ids = []
                for i, item in enumerate(items):
                    if self.check_option_id(item, file, items.line_of(i), f"picker '{name}'", seen):
                        ids.append(item)
                heading = f"pickers.{name}_groups.{group}" if group else ""
                if heading:
                    self.use_key(heading, file, gline)
                for oid in ids:
                    self.use_key(f"pickers.{name}.{oid}", file, items.line_of(0))
                groups.append((heading, tuple(ids)))
            self.pickers[name] = tuple(groups)

    def load_flow(self, path: Path) -> Flow | None:
        file = self.rel(path)
        data = read_yaml(path, self.problems, file)
        if data is None:
            if not any(p.file == file for p in self.problems):
                self.err(file, 1, "flow file is empty")
            return None
        if not isinstance(data, LDict):
            self.err(file, 1, "a flow file must be a mapping with 'flow' and 'steps'")
            return None
        for k in data:
            if k not in FLOW_FIELDS:
                self.err(file, data.line_of(k), f"unknown flow field '{k}'")
        flow_id = self.text_field(data, "flow", file)
        if flow_id is not None and not ID_RE.match(flow_id):
            self.err(file, data.line_of("flow"), f"flow id '{flow_id}' must be lower_snake_case")
        if data.get("schema_version") != SCHEMA_VERSION:
            self.err(file, data.line_of("schema_version"), f"schema_version must be {SCHEMA_VERSION}")
        version = data.get("version", 1)
        if not isinstance(version, int) or isinstance(version, bool) or version < 1:
            self.err(file, data.line_of("version"), "version must be a whole number ≥ 1")
            version = 1
        title = self.key_field(data, "title", file)
        kind = data.get("kind", "main")
        if kind not in FLOW_KINDS:
            self.err(file, data.line_of("kind"), f"kind must be one of {sorted(FLOW_KINDS)}")
            kind = "main"
        command = self.text_field(data, "command", file, required=False)
        if command is not None and not ID_RE.match(command):
            self.err(file, data.line_of("command"), f"command '{command}' must be lower_snake_case, without '/'")
            command = None
        stages = data.get("stages", 0)
        if not isinstance(stages, int) or isinstance(stages, bool) or stages < 0:
            self.err(file, data.line_of("stages"), "stages must be a whole number")
            stages = 0
        raw_steps = data.get("steps")
        if not isinstance(raw_steps, LList) or not raw_steps:
            self.err(file, data.line_of("steps"), "a flow needs a non-empty 'steps' list")
            return None
        steps: list[Step] = []
        ids: set[str] = set()
        stage = 0
        for i, raw in enumerate(raw_steps):
            step = self.parse_step(raw, file, raw_steps.line_of(i), stage, ids)
            if step is not None:
                stage = step.stage
                steps.append(step)
        if not steps or flow_id is None or title is None:
            return None
        resume = data.get("resume", steps[0].id)
        if resume not in ids:
            self.err(file, data.line_of("resume"), f"resume step '{resume}' does not exist")
            resume = steps[0].id
        return Flow(flow_id, version, title, kind, command, stages, resume, tuple(steps), file, data.line)

    # -- all together ----------------------------------------------------------------------
    def run(self) -> Content | None:
        if not self.root.is_dir():
            self.err(self.rel(self.root), 1, "content directory not found")
            return None
        self.load_pickers()
        flow_dir = self.root / "flows"
        flows = self.flows
        paths = sorted(flow_dir.glob("*.yaml")) if flow_dir.is_dir() else []
        if not paths:
            self.err(self.rel(flow_dir), 1, "no flow files (*.yaml) found")
        for path in paths:
            flow = self.load_flow(path)
            if flow is None:
                continue
            if flow.id in flows:
                self.err(flow.file, flow.line, f"flow '{flow.id}' is also defined in {flows[flow.id].file}")
                continue
            flows[flow.id] = flow
        commands: dict[str, str] = {}
        for flow in flows.values():
            self.use_key(flow.title_key, flow.file, flow.line)
            self.check_flow_graph(flow, flows)
            self.check_reveals(flow)
            if flow.command:
                if flow.command in commands:
                    self.err(flow.file, flow.line, f"command '/{flow.command}' is also used by flow '{commands[flow.command]}'")
                commands[flow.command] = flow.id
        for required in ("home", "welcome", "sos", "cancel", "take_break"):
            if required not in flows and paths:
                self.err(self.rel(flow_dir), 1, f"required flow '{required}' is missing")
        self.check_conditions(flows)
        saved = {s.save_as for f in flows.values() for s in f.steps if s.save_as}
        saved |= {f"{s}_text" for s in saved} | revealed_slots(flows)
        msg_dir = self.root / "messages"
        catalogs = self.catalogs
        for path in sorted(msg_dir.glob("*.yaml")) if msg_dir.is_dir() else []:
            catalog = self.load_catalog(path)
            if catalog is not None:
                catalogs[catalog.locale] = catalog
        if "en" not in catalogs:
            self.err(self.rel(msg_dir / "en.yaml"), 1, "the default locale 'en' is missing")
        lexicons = self.load_lexicons(catalogs)
        resources = None
        if (self.root / "resources.yaml").exists():
            resources = load_resources(self.root / "resources.yaml", self.rel(self.root / "resources.yaml"),
                                       self.problems, self.release, self.today, self.use_key)
            self.check_countries(resources)
            self.problems += check_resource_languages(resources, sorted(catalogs), self.rel(self.root / "resources.yaml"))
        else:
            self.err(self.rel(self.root / "resources.yaml"), 1, "crisis resources (resources.yaml) are missing")
        placeholders = self.check_catalogs(catalogs, saved)
        if self.problems:
            return None
        slot_labels: dict[str, dict[str, str]] = {}
        for flow in flows.values():
            for step in flow.steps:
                if step.save_as and step.option_labels:
                    slot_labels.setdefault(step.save_as, {}).update(step.option_labels)
        for name in revealed_slots(flows):  # a revealed pick shows in the reader's own language
            own = name[len(PARTNER_PREFIX):]
            if own in slot_labels:
                slot_labels[name] = slot_labels[own]
        check_screen_model(self.root / "screen", self.rel, self.problems)
        return Content(flows, catalogs, "en", "home", "welcome", commands, slot_labels, placeholders, lexicons, resources,
                       shared_flow_ids(flows), str(self.root))

    def load_lexicons(self, catalogs: dict[str, Catalog]) -> dict:
        lexicons = {}
        folder = self.root / "lexicons"
        for path in sorted(folder.glob("*.yaml")) if folder.is_dir() else []:
            lexicon = load_lexicon(path, self.rel(path), self.problems, self.release, self.use_key)
            if lexicon is not None:
                lexicons[lexicon.locale] = lexicon
        for locale in catalogs:
            if locale not in lexicons:
                # S3: every language Mend speaks must be screened.
                self.err(self.rel(folder / f"{locale}.yaml"), 1, f"no safety lexicon for locale '{locale}'")
        return lexicons

    def check_countries(self, resources) -> None:
        if resources is None:
            return
        picker = {oid for _, ids in self.pickers.get("countries", ()) for oid in ids}
        for cid in resources.countries:
            if cid not in picker:
                self.err(self.rel(self.root / "pickers.yaml"), 1, f"country '{cid}' has resources but is not in the 'countries' picker")
        for cid in picker - set(resources.countries) - {"other"}:
            self.err(self.rel(self.root / "resources.yaml"), 1, f"country '{cid}' is in the picker but has no resources")


def display_path(path: Path) -> str:
    path = Path(path).resolve()
    try:
        return str(path.relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


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


def _validate(content_dir: Path, release: bool, today: date | None) -> tuple[_Validator, Content | None, list[Problem]]:
    validator = _Validator(Path(content_dir).resolve(), release, today or datetime.now(timezone.utc).date())
    content = validator.run()
    problems = sorted(set(validator.problems), key=lambda p: (p.file, p.line, p.message))
    unreadable = [p for p in problems if is_unreadable(p)]
    if unreadable:
        # A file that doesn't parse is missing to every other check, which would then report its
        # flows, keys and slots as missing everywhere: report only what stops the reading.
        problems = unreadable
    return validator, (content if not problems else None), problems
