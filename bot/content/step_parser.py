"""Parsing one flow step (and its `next` routes, options and schedule) with schema checks."""
from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from bot.content.checks import Checks
from bot.content.conditions import ConditionError, parse_condition
from bot.content.limits import (
    ACTIONS,
    CALLBACK_DATA_LIMIT,
    COMMON_FIELDS,
    ID_RE,
    KIND_FIELDS,
    MAX_BREAK,
    MAX_OPTION_ID_BYTES,
    RECORDS,
    REWRITE_SHAPES,
    STEP_KINDS,
    TIME_KINDS,
    parse_duration,
    yaml_type,
)
from bot.content.model import (
    DONE,
    OWN_WORDS,
    SHARE,
    SKIP,
    STEP_CLASSES,
    Route,
    Step,
)
from bot.content.yamlio import LDict, LList


def check_option_id(v: Checks, item: Any, file: str, line: int, where: str, seen: set[str]) -> bool:
    if not isinstance(item, str):
        v.err(file, line, f"{where}: option id must be text, got {yaml_type(item)} {item!r} (quote it)")
        return False
    if not ID_RE.match(item):
        v.err(file, line, f"{where}: option id '{item}' must be lower_snake_case")
        return False
    if len(item.encode()) > MAX_OPTION_ID_BYTES:
        v.err(file, line, f"{where}: option id '{item}' makes callback data longer than {CALLBACK_DATA_LIMIT} bytes")
        return False
    if item in (SKIP, DONE):
        v.err(file, line, f"{where}: option id '{item}' is reserved")
        return False
    if item in seen:
        v.err(file, line, f"{where}: duplicate option id '{item}'")
        return False
    seen.add(item)
    return True

def parse_step(v: Checks, raw: Any, file: str, line: int, stage: int, ids: set[str]) -> Step | None:
    if not isinstance(raw, LDict):
        v.err(file, line, "each step must be a mapping with an 'id'")
        return None
    sid = v.text_field(raw, "id", file)
    if sid is None:
        return None
    if not ID_RE.match(sid):
        v.err(file, raw.line_of("id"), f"step id '{sid}' must be lower_snake_case")
    if sid in ids:
        v.err(file, raw.line_of("id"), f"duplicate step id '{sid}'")
        return None
    ids.add(sid)
    kinds = [k for k in STEP_KINDS if k in raw]
    if len(kinds) != 1:
        what = "none" if not kinds else ", ".join(kinds)
        v.err(file, raw.line, f"step '{sid}' must have exactly one of {', '.join(STEP_KINDS)} (has {what})")
        return None
    kind = kinds[0]
    allowed = COMMON_FIELDS | {kind} | KIND_FIELDS[kind]
    for k in raw:
        if k not in allowed:
            v.err(file, raw.line_of(k), f"step '{sid}': unknown field '{k}' for a '{kind}' step")
    if "stage" in raw:
        if isinstance(raw["stage"], int) and not isinstance(raw["stage"], bool) and raw["stage"] >= 0:
            stage = raw["stage"]
        else:
            v.err(file, raw.line_of("stage"), "stage must be a whole number")
    fields: dict[str, Any] = {"id": sid, "file": file, "line": raw.line, "stage": stage}
    fields["routes"] = parse_routes(v, raw, file, sid)
    extra = STEP_PARSERS[kind](v, raw, file, sid)
    if extra is None:
        return None
    fields.update(extra)
    return STEP_CLASSES[fields.pop("kind")](**fields)

def parse_routes(v: Checks, raw: LDict, file: str, sid: str) -> tuple[Route, ...]:
    if "next" not in raw:
        return ()
    nxt = raw["next"]
    if isinstance(nxt, str):
        return (Route(nxt, None, raw.line_of("next")),)
    if not isinstance(nxt, LList) or not nxt:
        v.err(file, raw.line_of("next"), f"step '{sid}': 'next' must be a step id or a list of if/then and else")
        return ()
    routes: list[Route] = []
    for i, item in enumerate(nxt):
        iline = nxt.line_of(i)
        if not isinstance(item, LDict):
            v.err(file, iline, f"step '{sid}': each 'next' entry needs 'if' + 'then', or 'else'")
            continue
        if "else" in item:
            if set(item) != {"else"} or i != len(nxt) - 1:
                v.err(file, iline, f"step '{sid}': 'else' stands alone, as the last 'next' entry")
            target = v.text_field(item, "else", file)
            if target is not None:
                routes.append(Route(target, None, iline))
            continue
        if set(item) != {"if", "then"}:
            v.err(file, iline, f"step '{sid}': a 'next' entry needs exactly 'if' and 'then'")
            continue
        target = v.text_field(item, "then", file)
        cond_text = item["if"]
        try:
            cond = parse_condition(cond_text)
        except ConditionError as exc:
            v.err(file, item.line_of("if"), f"step '{sid}': {exc}")
            continue
        if target is not None:
            routes.append(Route(target, cond, item.line_of("if")))
    if routes and routes[-1].condition is not None:
        v.err(file, raw.line_of("next"), f"step '{sid}': conditional 'next' must end with 'else'")
    return tuple(routes)

def step_ask(v: Checks, raw: LDict, file: str, sid: str) -> dict[str, Any] | None:
    key = v.key_field(raw, "ask", file)
    out: dict[str, Any] = {"key": key}
    save_as = v.text_field(raw, "save_as", file, required=False)
    if save_as is None and ("collect" in raw or "multi" in raw):
        v.err(file, raw.line, f"step '{sid}': free text and multi-selects need 'save_as'")
    if save_as is not None and not ID_RE.match(save_as):
        v.err(file, raw.line_of("save_as"), f"slot name '{save_as}' must be lower_snake_case")
    out["save_as"] = save_as
    out["optional"] = flag(v, raw, "optional", file)
    out["skip_keeps"] = flag(v, raw, "skip_keeps", file)
    out["check"] = flag(v, raw, "check", file)
    if "recap" in raw:
        out["recap"] = v.key_field(raw, "recap", file)
    if "if_nothing" in raw:
        out["if_nothing"] = v.key_field(raw, "if_nothing", file)
        if not (out["optional"] and raw.get("collect") == "text"):
            v.err(file, raw.line_of("if_nothing"), f"step '{sid}': 'if_nothing' goes on an optional free-text question")
            out["if_nothing"] = None
    if "if_no_one" in raw:
        out["if_no_one"] = v.key_field(raw, "if_no_one", file)
        if not (out["optional"] and raw.get("collect") == "text") or "if_nothing" in raw:
            v.err(file, raw.line_of("if_no_one"),
                  f"step '{sid}': 'if_no_one' goes on an optional free-text question without 'if_nothing'")
            out["if_no_one"] = None
    out["rewrite"] = v.text_field(raw, "rewrite", file, required=False)
    if out["rewrite"] is not None and out["rewrite"] not in REWRITE_SHAPES:
        v.err(file, raw.line_of("rewrite"), f"step '{sid}': 'rewrite' is one of {', '.join(REWRITE_SHAPES)}")
        out["rewrite"] = None
    if out["rewrite"] and not out["check"]:
        v.err(file, raw.line_of("rewrite"), f"step '{sid}': 'rewrite' shapes coaching hints, so it needs 'check: true'")
    out["for_partner"] = flag(v, raw, "for_partner", file)
    if "share" in raw:
        out["share"] = slot_list(v, raw, "share", file, sid)
        if SHARE not in (raw.get("options") or ()):
            v.err(file, raw.line_of("share"), f"step '{sid}': a 'share' question needs a '{SHARE}' option")
    has_options = "options" in raw or "options_from" in raw
    if "collect" in raw:
        if raw["collect"] != "text" or has_options:
            v.err(file, raw.line_of("collect"), f"step '{sid}': 'collect' must be 'text' and has no options")
        out["kind"] = "text"
    elif has_options:
        groups = step_options(v, raw, file, sid, key)
        if groups is None:
            return None
        out["option_groups"] = groups["groups"]
        out["options"] = groups["ids"]
        out["option_labels"] = groups["labels"]
        out["allow_text"] = flag(v, raw, "allow_text", file)
        out["kind"] = "choice"
        if "multi" in raw:
            multi = raw["multi"]
            lo, hi = (multi.get("min", 1), multi.get("max", len(groups["ids"]))) if isinstance(multi, LDict) else (None, None)
            if not (isinstance(lo, int) and isinstance(hi, int) and 0 <= lo <= hi <= len(groups["ids"]) and hi >= 1):
                v.err(file, raw.line_of("multi"), f"step '{sid}': multi needs min ≤ max ≤ number of options")
                lo, hi = 1, len(groups["ids"])
            out.update(kind="multi", min_picks=lo, max_picks=hi)
    else:
        v.err(file, raw.line, f"step '{sid}': an 'ask' step needs 'options', 'options_from' or 'collect: text'")
        return None
    max_len = raw.get("max_len", 2000)  # own words: free text, or words typed instead of (or beside) the picks
    if not isinstance(max_len, int) or isinstance(max_len, bool) or not 1 <= max_len <= 3500:
        v.err(file, raw.line_of("max_len"), "max_len must be a whole number from 1 to 3500")
        max_len = 2000
    out["max_len"] = max_len
    if out["kind"] == "choice" and out["allow_text"] and OWN_WORDS not in out["options"]:
        v.err(file, raw.line_of("allow_text"),
              f"step '{sid}': a single-choice question with 'allow_text' needs an '{OWN_WORDS}' option (saved when words are typed)")
    if out["optional"] and key:
        v.use_key("system.skip", file, raw.line)
    if "time" in raw:
        out.update(time_spec(v, raw, file, sid, out))
    if flag(v, raw, "careful", file):
        if out.get("kind") != "choice" or out["allow_text"] or "time" in raw or "story" in raw:
            v.err(file, raw.line_of("careful"), f"step '{sid}': 'careful' is for a single choice read as whole "
                  "answers (no own words, times or story)")
        else:
            out["careful"] = True
    if "story" in raw:
        out["story"] = raw["story"]
        if out.get("kind") != "choice" or raw["story"] not in out.get("options", ()):
            v.err(file, raw.line_of("story"), f"step '{sid}': 'story' names one of a single-choice question's options")
            out["story"] = None
    return out


def time_spec(v: Checks, raw: LDict, file: str, sid: str, out: dict[str, Any]) -> dict[str, Any]:
    """`time: {kind: moment|daily, option: <id>, min: 20m, max: 24h}` on a choice question."""
    spec, line = raw["time"], raw.line_of("time")
    if not isinstance(spec, LDict) or spec.get("kind") not in TIME_KINDS:
        v.err(file, line, f"step '{sid}': time needs 'kind: moment' or 'kind: daily'")
        return {}
    if out.get("kind") != "choice":
        v.err(file, line, f"step '{sid}': 'time' goes on a single-choice question")
        return {}
    for extra in spec:
        if extra not in ("kind", "option", "min", "max"):
            v.err(file, spec.line_of(extra), f"step '{sid}': unknown time field '{extra}'")
    fields: dict[str, Any] = {"time_kind": spec["kind"]}
    option = spec.get("option")
    if option is not None and option not in out.get("options", ()):
        v.err(file, spec.line_of("option"), f"step '{sid}': time option '{option}' is not one of the options")
    fields["time_option"] = option
    for bound in ("min", "max"):
        if bound in spec:
            value = parse_duration(spec[bound])
            if value is None:
                v.err(file, spec.line_of(bound), f"step '{sid}': duration must look like '20m', '3h' or '3d'")
            fields[f"time_{bound}"] = value
    return fields

def step_options(v: Checks, raw: LDict, file: str, sid: str, key: str | None) -> dict[str, Any] | None:
    seen: set[str] = set()
    if "options_from" in raw:
        name = raw["options_from"]
        if name not in v.pickers:
            v.err(file, raw.line_of("options_from"), f"step '{sid}': unknown picker '{name}'")
            return None
        groups = v.pickers[name]
        ids = tuple(oid for _, g in groups for oid in g)
        labels = {oid: f"pickers.{name}.{oid}" for oid in ids}
        return {"groups": groups, "ids": ids, "labels": labels}
    options = raw["options"]
    if not isinstance(options, LList) or not options:
        v.err(file, raw.line_of("options"), f"step '{sid}': 'options' must be a non-empty list of ids")
        return None
    ids_list = []
    for i, oid in enumerate(options):
        if check_option_id(v, oid, file, options.line_of(i), f"step '{sid}'", seen):
            ids_list.append(oid)
            if key:
                v.use_key(f"{key}.options.{oid}", file, options.line_of(i))
    labels = {oid: f"{key}.options.{oid}" for oid in ids_list}
    return {"groups": (("", tuple(ids_list)),), "ids": tuple(ids_list), "labels": labels}

def flag(v: Checks, raw: LDict, name: str, file: str) -> bool:
    value = raw.get(name, False)
    if not isinstance(value, bool):
        v.err(file, raw.line_of(name), f"'{name}' must be true or false")
        return False
    return value

def step_say(v: Checks, raw: LDict, file: str, sid: str) -> dict[str, Any]:
    return {"kind": "say", "key": v.key_field(raw, "say", file)}

def step_branch(v: Checks, raw: LDict, file: str, sid: str) -> dict[str, Any]:
    if raw["branch"] is not True or "next" not in raw:
        v.err(file, raw.line_of("branch"), f"step '{sid}': write 'branch: true' with a 'next' list")
    return {"kind": "branch"}

def step_end(v: Checks, raw: LDict, file: str, sid: str) -> dict[str, Any]:
    if raw["end"] is True:
        return {"kind": "end"}
    return {"kind": "end", "key": v.key_field(raw, "end", file)}

def step_call(v: Checks, raw: LDict, file: str, sid: str) -> dict[str, Any]:
    return {"kind": "call", "target_flow": v.text_field(raw, "call", file)}

def step_goto(v: Checks, raw: LDict, file: str, sid: str) -> dict[str, Any]:
    return {"kind": "goto", "target_flow": v.text_field(raw, "goto", file)}

def step_record(v: Checks, raw: LDict, file: str, sid: str) -> dict[str, Any] | None:
    what = raw["record"]
    if what not in RECORDS:
        v.err(file, raw.line_of("record"), f"step '{sid}': record must be one of {sorted(RECORDS)}")
        return None
    return {"kind": "record", "record": what}

def step_action(v: Checks, raw: LDict, file: str, sid: str) -> dict[str, Any] | None:
    what = raw["action"]
    if what not in ACTIONS:
        v.err(file, raw.line_of("action"), f"step '{sid}': action must be one of {sorted(ACTIONS)}")
        return None
    return {"kind": "action", "action": what}

def step_await_partner(v: Checks, raw: LDict, file: str, sid: str) -> dict[str, Any]:
    barrier = raw["await_partner"]
    if barrier is True:
        barrier = sid
    if not isinstance(barrier, str) or not ID_RE.match(barrier):
        v.err(file, raw.line_of("await_partner"), f"step '{sid}': await_partner names a barrier (lower_snake_case)")
        barrier = sid
    out: dict[str, Any] = {"kind": "await_partner", "barrier": barrier}
    if "reveal" in raw:
        out["reveal"] = slot_list(v, raw, "reveal", file, sid)
    return out

def slot_list(v: Checks, raw: LDict, name: str, file: str, sid: str) -> tuple[str, ...]:
    items = raw[name]
    if not isinstance(items, LList) or not items or not all(isinstance(i, str) and ID_RE.match(i) for i in items):
        v.err(file, raw.line_of(name), f"step '{sid}': '{name}' must be a list of slot names")
        return ()
    return tuple(items)

def step_cancel_timer(v: Checks, raw: LDict, file: str, sid: str) -> dict[str, Any]:
    return {"kind": "cancel_timer", "timer": v.text_field(raw, "cancel_timer", file)}

def step_schedule(v: Checks, raw: LDict, file: str, sid: str) -> dict[str, Any] | None:
    spec = raw["schedule"]
    line = raw.line_of("schedule")
    if not isinstance(spec, LDict):
        v.err(file, line, f"step '{sid}': schedule needs 'timer' and 'in' (or 'in_by' + 'durations')")
        return None
    timer = v.text_field(spec, "timer", file)
    out: dict[str, Any] = {"kind": "schedule", "timer": timer}
    if "in" in spec:
        delay = parse_duration(spec["in"])
        if delay is None:
            v.err(file, spec.line_of("in"), f"step '{sid}': duration must look like '20m', '3h' or '3d'")
            return None
        out["delay"] = delay
    elif "in_by" in spec and isinstance(spec.get("durations"), LDict):
        out["delay_by"] = spec["in_by"]
        delays: dict[str, timedelta | None] = {}
        for oid, text in spec["durations"].items():
            if text == "never":  # this choice schedules nothing
                delays[oid] = None
                continue
            delay = parse_duration(text)
            if delay is None:
                v.err(file, spec["durations"].line_of(oid), f"step '{sid}': duration must look like '20m', '3h' or '3d'")
                continue
            delays[oid] = delay
        out["delays"] = delays
    else:
        v.err(file, line, f"step '{sid}': schedule needs 'in', or 'in_by' with 'durations'")
        return None
    if timer == "break_return":
        for d in [out.get("delay")] + list(out.get("delays", {}).values()):
            if d is not None and not timedelta(minutes=20) <= d <= MAX_BREAK:
                v.err(file, line, f"step '{sid}': a break lasts at least 20 minutes and at most 24 hours")
    return out


# A step kind as written in a flow file -> its parser (which returns the class's fields, with "kind").
STEP_PARSERS: dict[str, Callable[[Checks, LDict, str, str], dict[str, Any] | None]] = {
    "ask": step_ask, "say": step_say, "branch": step_branch, "end": step_end, "call": step_call, "goto": step_goto,
    "record": step_record, "action": step_action, "await_partner": step_await_partner,
    "cancel_timer": step_cancel_timer, "schedule": step_schedule,
}
