"""Load and validate everything under CONTENT_DIR, reporting every problem at once as `file:line: message`.

Checks: YAML syntax and duplicate keys, step schema and unknown fields, text where text is expected
(YAML 1.1 turns `no`, `12:30`, `07` into non-strings), unknown targets, unreachable steps, dead ends,
loops that never wait for the person, conditions (grammar, slots, option ids), duplicate option ids,
callback data over 64 bytes, message keys missing in any locale, unknown template placeholders,
text over 4096 characters, and (with `release=True`) safety copy still waiting for clinician sign-off.
"""
from __future__ import annotations

import re
import string
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from bot.content.conditions import ConditionError, parse_condition
from bot.content.model import (
    DONE, INTERACTIVE_KINDS, SKIP, SYSTEM_KEYS, SYSTEM_PARAMS, Catalog, Content, Flow, Message, Route, Step,
)
from bot.content.safety import load_lexicon, load_resources
from bot.content.yamlio import LDict, LList, Problem, line_of, read_yaml

SCHEMA_VERSION = 1
TELEGRAM_TEXT_LIMIT = 4096
CALLBACK_DATA_LIMIT = 64
# Callback data is "o:<turn>:<option>"; reserve 12 bytes for the prefix and a turn counter.
MAX_OPTION_ID_BYTES = CALLBACK_DATA_LIMIT - 12
ID_RE = re.compile(r"^[a-z][a-z0-9_]*$")
KEY_RE = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)+$")
DURATION_RE = re.compile(r"^(\d+)([mhd])$")
MAX_BREAK = timedelta(hours=24)

STEP_KINDS = ("ask", "say", "call", "goto", "schedule", "cancel_timer", "record", "action", "await_partner", "end")
COMMON_FIELDS = {"id", "next", "stage"}
KIND_FIELDS = {
    "ask": {"options", "options_from", "collect", "save_as", "multi", "optional", "allow_text", "max_len", "skip_keeps",
            "check"},
    "say": set(), "call": set(), "goto": set(), "schedule": set(), "cancel_timer": set(),
    "record": set(), "action": set(), "await_partner": set(), "end": set(),
}
RECORDS = {"consent", "adult"}
ACTIONS = {"park", "discard", "erase", "start_nudged", "snooze_nudge", "stop_reminders", "resume_reminders",
           "set_daily", "set_timezone", "set_quiet"}
FLOW_FIELDS = {"flow", "schema_version", "version", "title", "kind", "command", "stages", "resume", "steps"}
FLOW_KINDS = {"main", "sub", "interrupt"}


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


def parse_duration(text: Any) -> timedelta | None:
    if not isinstance(text, str):
        return None
    m = DURATION_RE.match(text.strip())
    if not m:
        return None
    n, unit = int(m.group(1)), m.group(2)
    return {"m": timedelta(minutes=n), "h": timedelta(hours=n), "d": timedelta(days=n)}[unit]


class _Validator:
    def __init__(self, root: Path, release: bool, today: date):
        self.root = root
        self.release = release
        self.today = today
        self.problems: list[Problem] = []
        self.pickers: dict[str, tuple[tuple[str, tuple[str, ...]], ...]] = {}
        self.used_keys: dict[str, tuple[str, int]] = {}  # key -> first use (file, line)

    # -- helpers ---------------------------------------------------------------------------
    def rel(self, path: Path) -> str:
        try:
            return str(path.relative_to(self.root.parent))
        except ValueError:
            return str(path)

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
            self.err(file, data.line_of(name), f"'{name}' must be text, got {_yaml_type(value)} {value!r} (quote it)")
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

    # -- pickers ---------------------------------------------------------------------------
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

    def check_option_id(self, item: Any, file: str, line: int, where: str, seen: set[str]) -> bool:
        if not isinstance(item, str):
            self.err(file, line, f"{where}: option id must be text, got {_yaml_type(item)} {item!r} (quote it)")
            return False
        if not ID_RE.match(item):
            self.err(file, line, f"{where}: option id '{item}' must be lower_snake_case")
            return False
        if len(item.encode()) > MAX_OPTION_ID_BYTES:
            self.err(file, line, f"{where}: option id '{item}' makes callback data longer than {CALLBACK_DATA_LIMIT} bytes")
            return False
        if item in (SKIP, DONE):
            self.err(file, line, f"{where}: option id '{item}' is reserved")
            return False
        if item in seen:
            self.err(file, line, f"{where}: duplicate option id '{item}'")
            return False
        seen.add(item)
        return True

    # -- flows -----------------------------------------------------------------------------
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

    def parse_step(self, raw: Any, file: str, line: int, stage: int, ids: set[str]) -> Step | None:
        if not isinstance(raw, LDict):
            self.err(file, line, "each step must be a mapping with an 'id'")
            return None
        sid = self.text_field(raw, "id", file)
        if sid is None:
            return None
        if not ID_RE.match(sid):
            self.err(file, raw.line_of("id"), f"step id '{sid}' must be lower_snake_case")
        if sid in ids:
            self.err(file, raw.line_of("id"), f"duplicate step id '{sid}'")
            return None
        ids.add(sid)
        kinds = [k for k in STEP_KINDS if k in raw]
        if len(kinds) != 1:
            what = "none" if not kinds else ", ".join(kinds)
            self.err(file, raw.line, f"step '{sid}' must have exactly one of {', '.join(STEP_KINDS)} (has {what})")
            return None
        kind = kinds[0]
        allowed = COMMON_FIELDS | {kind} | KIND_FIELDS[kind]
        for k in raw:
            if k not in allowed:
                self.err(file, raw.line_of(k), f"step '{sid}': unknown field '{k}' for a '{kind}' step")
        if "stage" in raw:
            if isinstance(raw["stage"], int) and not isinstance(raw["stage"], bool) and raw["stage"] >= 0:
                stage = raw["stage"]
            else:
                self.err(file, raw.line_of("stage"), "stage must be a whole number")
        fields: dict[str, Any] = {"id": sid, "file": file, "line": raw.line, "stage": stage}
        fields["routes"] = self.parse_routes(raw, file, sid)
        parse = getattr(self, f"step_{kind}")
        extra = parse(raw, file, sid)
        if extra is None:
            return None
        fields.update(extra)
        return Step(**fields)

    def parse_routes(self, raw: LDict, file: str, sid: str) -> tuple[Route, ...]:
        if "next" not in raw:
            return ()
        nxt = raw["next"]
        if isinstance(nxt, str):
            return (Route(nxt, None, raw.line_of("next")),)
        if not isinstance(nxt, LList) or not nxt:
            self.err(file, raw.line_of("next"), f"step '{sid}': 'next' must be a step id or a list of if/then and else")
            return ()
        routes: list[Route] = []
        for i, item in enumerate(nxt):
            iline = nxt.line_of(i)
            if not isinstance(item, LDict):
                self.err(file, iline, f"step '{sid}': each 'next' entry needs 'if' + 'then', or 'else'")
                continue
            if "else" in item:
                if set(item) != {"else"} or i != len(nxt) - 1:
                    self.err(file, iline, f"step '{sid}': 'else' stands alone, as the last 'next' entry")
                target = self.text_field(item, "else", file)
                if target is not None:
                    routes.append(Route(target, None, iline))
                continue
            if set(item) != {"if", "then"}:
                self.err(file, iline, f"step '{sid}': a 'next' entry needs exactly 'if' and 'then'")
                continue
            target = self.text_field(item, "then", file)
            cond_text = item["if"]
            try:
                cond = parse_condition(cond_text)
            except ConditionError as exc:
                self.err(file, item.line_of("if"), f"step '{sid}': {exc}")
                continue
            if target is not None:
                routes.append(Route(target, cond, item.line_of("if")))
        if routes and routes[-1].condition is not None:
            self.err(file, raw.line_of("next"), f"step '{sid}': conditional 'next' must end with 'else'")
        return tuple(routes)

    def step_ask(self, raw: LDict, file: str, sid: str) -> dict | None:
        key = self.key_field(raw, "ask", file)
        out: dict[str, Any] = {"key": key}
        save_as = self.text_field(raw, "save_as", file, required=False)
        if save_as is None and ("collect" in raw or "multi" in raw):
            self.err(file, raw.line, f"step '{sid}': free text and multi-selects need 'save_as'")
        if save_as is not None and not ID_RE.match(save_as):
            self.err(file, raw.line_of("save_as"), f"slot name '{save_as}' must be lower_snake_case")
        out["save_as"] = save_as
        out["optional"] = self.flag(raw, "optional", file)
        out["skip_keeps"] = self.flag(raw, "skip_keeps", file)
        out["check"] = self.flag(raw, "check", file)
        has_options = "options" in raw or "options_from" in raw
        if "collect" in raw:
            if raw["collect"] != "text" or has_options:
                self.err(file, raw.line_of("collect"), f"step '{sid}': 'collect' must be 'text' and has no options")
            out["kind"] = "text"
            max_len = raw.get("max_len", 2000)
            if not isinstance(max_len, int) or isinstance(max_len, bool) or not 1 <= max_len <= 3500:
                self.err(file, raw.line_of("max_len"), "max_len must be a whole number from 1 to 3500")
                max_len = 2000
            out["max_len"] = max_len
        elif has_options:
            groups = self.step_options(raw, file, sid, key)
            if groups is None:
                return None
            out["option_groups"] = groups["groups"]
            out["options"] = groups["ids"]
            out["option_labels"] = groups["labels"]
            out["allow_text"] = self.flag(raw, "allow_text", file)
            out["kind"] = "choice"
            if "multi" in raw:
                multi = raw["multi"]
                lo, hi = (multi.get("min", 1), multi.get("max", len(groups["ids"]))) if isinstance(multi, LDict) else (None, None)
                if not (isinstance(lo, int) and isinstance(hi, int) and 0 <= lo <= hi <= len(groups["ids"]) and hi >= 1):
                    self.err(file, raw.line_of("multi"), f"step '{sid}': multi needs min ≤ max ≤ number of options")
                    lo, hi = 1, len(groups["ids"])
                out.update(kind="multi", min_picks=lo, max_picks=hi)
        else:
            self.err(file, raw.line, f"step '{sid}': an 'ask' step needs 'options', 'options_from' or 'collect: text'")
            return None
        if out["optional"] and key:
            self.use_key("system.skip", file, raw.line)
        return out

    def step_options(self, raw: LDict, file: str, sid: str, key: str | None) -> dict | None:
        seen: set[str] = set()
        if "options_from" in raw:
            name = raw["options_from"]
            if name not in self.pickers:
                self.err(file, raw.line_of("options_from"), f"step '{sid}': unknown picker '{name}'")
                return None
            groups = self.pickers[name]
            ids = tuple(oid for _, g in groups for oid in g)
            labels = {oid: f"pickers.{name}.{oid}" for oid in ids}
            return {"groups": groups, "ids": ids, "labels": labels}
        options = raw["options"]
        if not isinstance(options, LList) or not options:
            self.err(file, raw.line_of("options"), f"step '{sid}': 'options' must be a non-empty list of ids")
            return None
        ids_list = []
        for i, oid in enumerate(options):
            if self.check_option_id(oid, file, options.line_of(i), f"step '{sid}'", seen):
                ids_list.append(oid)
                if key:
                    self.use_key(f"{key}.options.{oid}", file, options.line_of(i))
        labels = {oid: f"{key}.options.{oid}" for oid in ids_list}
        return {"groups": (("", tuple(ids_list)),), "ids": tuple(ids_list), "labels": labels}

    def flag(self, raw: LDict, name: str, file: str) -> bool:
        value = raw.get(name, False)
        if not isinstance(value, bool):
            self.err(file, raw.line_of(name), f"'{name}' must be true or false")
            return False
        return value

    def step_say(self, raw: LDict, file: str, sid: str) -> dict:
        return {"kind": "say", "key": self.key_field(raw, "say", file)}

    def step_end(self, raw: LDict, file: str, sid: str) -> dict:
        if raw["end"] is True:
            return {"kind": "end"}
        return {"kind": "end", "key": self.key_field(raw, "end", file)}

    def step_call(self, raw: LDict, file: str, sid: str) -> dict:
        return {"kind": "call", "target_flow": self.text_field(raw, "call", file)}

    def step_goto(self, raw: LDict, file: str, sid: str) -> dict:
        return {"kind": "goto", "target_flow": self.text_field(raw, "goto", file)}

    def step_record(self, raw: LDict, file: str, sid: str) -> dict | None:
        what = raw["record"]
        if what not in RECORDS:
            self.err(file, raw.line_of("record"), f"step '{sid}': record must be one of {sorted(RECORDS)}")
            return None
        return {"kind": "record", "record": what}

    def step_action(self, raw: LDict, file: str, sid: str) -> dict | None:
        what = raw["action"]
        if what not in ACTIONS:
            self.err(file, raw.line_of("action"), f"step '{sid}': action must be one of {sorted(ACTIONS)}")
            return None
        return {"kind": "action", "action": what}

    def step_await_partner(self, raw: LDict, file: str, sid: str) -> dict:
        return {"kind": "await_partner"}

    def step_cancel_timer(self, raw: LDict, file: str, sid: str) -> dict:
        return {"kind": "cancel_timer", "timer": self.text_field(raw, "cancel_timer", file)}

    def step_schedule(self, raw: LDict, file: str, sid: str) -> dict | None:
        spec = raw["schedule"]
        line = raw.line_of("schedule")
        if not isinstance(spec, LDict):
            self.err(file, line, f"step '{sid}': schedule needs 'timer' and 'in' (or 'in_by' + 'durations')")
            return None
        timer = self.text_field(spec, "timer", file)
        out: dict[str, Any] = {"kind": "schedule", "timer": timer}
        if "in" in spec:
            delay = parse_duration(spec["in"])
            if delay is None:
                self.err(file, spec.line_of("in"), f"step '{sid}': duration must look like '20m', '3h' or '3d'")
                return None
            out["delay"] = delay
        elif "in_by" in spec and isinstance(spec.get("durations"), LDict):
            out["delay_by"] = spec["in_by"]
            delays = {}
            for oid, text in spec["durations"].items():
                if text == "never":  # this choice schedules nothing
                    delays[oid] = None
                    continue
                delay = parse_duration(text)
                if delay is None:
                    self.err(file, spec["durations"].line_of(oid), f"step '{sid}': duration must look like '20m', '3h' or '3d'")
                    continue
                delays[oid] = delay
            out["delays"] = delays
        else:
            self.err(file, line, f"step '{sid}': schedule needs 'in', or 'in_by' with 'durations'")
            return None
        if timer == "break_return":
            for d in [out.get("delay")] + list(out.get("delays", {}).values()):
                if d is not None and not timedelta(minutes=20) <= d <= MAX_BREAK:
                    self.err(file, line, f"step '{sid}': a break lasts at least 20 minutes and at most 24 hours")
        return out

    # -- cross-checks ----------------------------------------------------------------------
    def check_flow_graph(self, flow: Flow, flows: dict[str, Flow]) -> None:
        file = flow.file
        for step in flow.steps:
            for route in step.routes:
                if flow.step(route.target) is None:
                    self.err(file, route.line, f"step '{step.id}': next step '{route.target}' does not exist in flow '{flow.id}'")
            if step.kind in ("call", "goto") and step.target_flow is not None:
                target = flows.get(step.target_flow)
                if target is None:
                    self.err(file, step.line, f"step '{step.id}': unknown flow '{step.target_flow}'")
                elif step.kind == "call" and target.kind != "sub":
                    self.err(file, step.line, f"step '{step.id}': can only call a flow of kind 'sub' ('{target.id}' is '{target.kind}')")
            if step.kind == "multi" and step.save_as is None:
                self.err(file, step.line, f"step '{step.id}': a multi-select needs 'save_as'")
            if step.delay_by is not None:
                options = self.slot_options(flows, step.delay_by)
                if options is not None:
                    missing = options - set(step.delays)
                    if missing:
                        self.err(file, step.line, f"step '{step.id}': no duration for option(s) {sorted(missing)}")
            if step.kind == "end" and step.routes:
                self.err(file, step.line, f"step '{step.id}': an 'end' step has no 'next'")
        succ = {s.id: self.successors(flow, s) for s in flow.steps}
        # Reachability from the first step (and the resume step).
        seen: set[str] = set()
        todo = [flow.first, flow.resume_step]
        while todo:
            sid = todo.pop()
            if sid in seen or flow.step(sid) is None:
                continue
            seen.add(sid)
            todo.extend(t for t in succ[sid] if t)
        for step in flow.steps:
            if step.id not in seen:
                self.err(file, step.line, f"step '{step.id}' is unreachable in flow '{flow.id}'")
        # Dead ends: every step must be able to reach an exit (end/goto/flow end).
        exits = {s.id for s in flow.steps if None in succ[s.id] or s.kind in ("end", "goto")}
        for step in flow.steps:
            if None in succ[step.id] and step.kind not in ("end", "goto"):
                self.err(file, step.line, f"step '{step.id}' is the last step but does not end the flow (add 'end:' or 'next:')")
        can_exit = set(exits)
        changed = True
        while changed:
            changed = False
            for sid, targets in succ.items():
                if sid not in can_exit and any(t in can_exit for t in targets if t):
                    can_exit.add(sid)
                    changed = True
        for step in flow.steps:
            if step.id in seen and step.id not in can_exit:
                self.err(file, step.line, f"step '{step.id}' can never reach the end of flow '{flow.id}' (dead end)")
        # Loops made only of steps that never wait for the person would spin forever.
        auto = {s.id for s in flow.steps if not s.interactive and s.kind not in ("end", "goto")}
        state: dict[str, int] = {}

        def visit(sid: str) -> bool:
            state[sid] = 1
            for t in succ[sid]:
                if t in auto and (state.get(t) == 1 or (state.get(t) is None and visit(t))):
                    return True
            state[sid] = 2
            return False

        for sid in auto:
            if state.get(sid) is None and visit(sid):
                self.err(file, flow.step(sid).line, f"step '{sid}' is in a loop that never waits for the person")

    def successors(self, flow: Flow, step: Step) -> list[str | None]:
        if step.kind in ("end", "goto"):
            return []
        if step.routes:
            return [r.target for r in step.routes]
        return [flow.following(step.id)]

    def slot_options(self, flows: dict[str, Flow], slot: str) -> set[str] | None:
        options: set[str] | None = None
        for flow in flows.values():
            for step in flow.steps:
                if step.save_as == slot:
                    if step.kind == "text":
                        return None
                    options = (options or set()) | set(step.options)
        return options

    def check_conditions(self, flows: dict[str, Flow]) -> None:
        saved = {s.save_as for f in flows.values() for s in f.steps if s.save_as}
        for flow in flows.values():
            for step in flow.steps:
                for route in step.routes:
                    if route.condition is None:
                        continue
                    for test in route.condition.tests():
                        if test.slot not in saved:
                            self.err(flow.file, route.line, f"step '{step.id}': condition uses '{test.slot}', which no step saves")
                            continue
                        options = self.slot_options(flows, test.slot)
                        for value in test.values:
                            if options is not None and value not in options | {SKIP}:
                                self.err(flow.file, route.line, f"step '{step.id}': '{value}' is not an option of slot '{test.slot}'")

    def load_catalog(self, path: Path) -> Catalog | None:
        file = self.rel(path)
        data = read_yaml(path, self.problems, file)
        if not isinstance(data, LDict):
            if data is not None:
                self.err(file, 1, "a message file must be a mapping of keys to text")
            return None
        messages: dict[str, Message] = {}
        self.flatten(data, "", file, messages)
        return Catalog(path.stem, messages)

    def flatten(self, node: LDict, prefix: str, file: str, out: dict[str, Message]) -> None:
        for name, value in node.items():
            key = f"{prefix}{name}"
            line = node.line_of(name)
            if isinstance(value, LDict) and "text" in value:
                self.add_message(key, value["text"], file, value.line_of("text"), out, value)
                for extra in value:
                    if extra not in ("text", "options", "review", "reviewed_by", "reviewed_on"):
                        self.err(file, value.line_of(extra), f"'{key}': unknown field '{extra}'")
                options = value.get("options")
                if options is not None:
                    if not isinstance(options, LDict):
                        self.err(file, value.line_of("options"), f"'{key}': options must map option ids to labels")
                    else:
                        for oid, label in options.items():
                            self.add_message(f"{key}.options.{oid}", label, file, options.line_of(oid), out, None)
            elif isinstance(value, LDict):
                self.flatten(value, key + ".", file, out)
            else:
                self.add_message(key, value, file, line, out, None)

    def add_message(self, key: str, value: Any, file: str, line: int, out: dict[str, Message], meta: LDict | None) -> None:
        variants = list(value) if isinstance(value, LList) else [value]
        good = True
        for i, text in enumerate(variants):
            vline = value.line_of(i) if isinstance(value, LList) else line
            if not isinstance(text, str) or not text.strip():
                self.err(file, vline, f"'{key}' must be non-empty text, got {_yaml_type(text)} {text!r} (quote it)")
                good = False
                continue
            if len(text) > TELEGRAM_TEXT_LIMIT:
                self.err(file, vline, f"'{key}' is {len(text)} characters; Telegram allows {TELEGRAM_TEXT_LIMIT}")
            try:
                list(string.Formatter().parse(text))
            except ValueError:
                self.err(file, vline, f"'{key}': unbalanced braces (write '{{{{' for a literal brace)")
                good = False
        if not variants:
            self.err(file, line, f"'{key}' has no text")
            good = False
        if good:
            review = meta.get("review") if meta is not None else None
            out[key] = Message(tuple(variants), review,
                               meta.get("reviewed_by") if meta is not None else None,
                               str(meta.get("reviewed_on")) if meta is not None and meta.get("reviewed_on") else None,
                               file, line)

    def check_catalogs(self, catalogs: dict[str, Catalog], saved_slots: set[str]) -> dict[str, tuple[str, ...]]:
        placeholders: dict[str, set[str]] = {}
        for catalog in catalogs.values():
            for key in SYSTEM_KEYS:
                self.use_key(key, "(engine)", 0)
            for key, (ufile, uline) in sorted(self.used_keys.items()):
                if key not in catalog.messages:
                    where = f"{ufile}:{uline}" if uline else "the engine"
                    file = f"messages/{catalog.locale}.yaml"
                    self.err(self.rel(self.root / file), 1, f"missing message key '{key}' (used at {where})")
            for key, msg in catalog.messages.items():
                for text in msg.variants:
                    for _, name, _, _ in string.Formatter().parse(text):
                        if name is None:
                            continue
                        if not re.match(r"^[a-z_][a-z0-9_]*$", name):
                            self.err(msg.file, msg.line, f"'{key}': placeholder '{{{name}}}' must be a plain name")
                        elif name not in saved_slots and name not in SYSTEM_PARAMS:
                            self.err(msg.file, msg.line, f"'{key}': placeholder '{{{name}}}' is not a saved slot or known parameter")
                        else:
                            placeholders.setdefault(key, set()).add(name)
                if msg.review == "clinician" and self.release and not (msg.reviewed_by and msg.reviewed_on):
                    self.err(msg.file, msg.line, f"'{key}' is safety copy awaiting clinician sign-off (reviewed_by, reviewed_on)")
                elif msg.review not in (None, "clinician"):
                    self.err(msg.file, msg.line, f"'{key}': review must be 'clinician'")
        return {k: tuple(sorted(v)) for k, v in placeholders.items()}

    # -- all together ----------------------------------------------------------------------
    def run(self) -> Content | None:
        if not self.root.is_dir():
            self.err(str(self.root), 1, "content directory not found")
            return None
        self.load_pickers()
        flow_dir = self.root / "flows"
        flows: dict[str, Flow] = {}
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
            if flow.command:
                if flow.command in commands:
                    self.err(flow.file, flow.line, f"command '/{flow.command}' is also used by flow '{commands[flow.command]}'")
                commands[flow.command] = flow.id
        for required in ("home", "welcome", "sos", "cancel", "take_break"):
            if required not in flows and paths:
                self.err(self.rel(flow_dir), 1, f"required flow '{required}' is missing")
        self.check_conditions(flows)
        saved = {s.save_as for f in flows.values() for s in f.steps if s.save_as}
        saved |= {f"{s}_text" for s in saved}
        msg_dir = self.root / "messages"
        catalogs: dict[str, Catalog] = {}
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
        return Content(flows, catalogs, "en", "home", "welcome", commands, slot_labels, placeholders, lexicons, resources)

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


def _yaml_type(value: Any) -> str:
    return {bool: "true/false", int: "a number", float: "a number", type(None): "nothing"}.get(type(value), type(value).__name__)


def validate_content(content_dir: Path, release: bool = False,
                     today: date | None = None) -> tuple[Content | None, list[Problem]]:
    """`today` only matters with `release`: crisis lines must have been verified in the last six months."""
    validator = _Validator(Path(content_dir).resolve(), release, today or datetime.now(timezone.utc).date())
    content = validator.run()
    problems = sorted(set(validator.problems), key=lambda p: (p.file, p.line, p.message))
    return (content if not problems else None), problems
