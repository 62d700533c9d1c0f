"""Flow charts for authors: one flow as Mermaid or Graphviz, or one Markdown page per flow.

Reads only the loaded content model (bot/content/model.py): every step with its id and kind, every
edge with its condition (`else` for the fallback, nothing for "the next step listed"), sub-flow
calls and gotos, partner barriers with what they reveal, share questions, and timers scheduled or
cancelled. The chart is a picture of the YAML, not of the engine: commands such as /sos that can
interrupt any step are named in the page header, not drawn on every step.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

from bot.content.model import Catalog, Flow, Step

MAX_OPTIONS_SHOWN = 8  # long pickers (countries, timezones) are cut so the chart stays readable
OPTIONS_PER_LINE = 4


@dataclass(frozen=True)
class Edge:
    source: str
    target: str
    label: str  # the condition, "else", or "" for the step listed next / after a call returns


def condition_lines(label: str) -> list[str]:
    """A long condition, one `or` per line, with single quotes (they need no escaping in either chart)."""
    return label.replace('"', "'").replace(" or ", "\nor ").split("\n")


@dataclass(frozen=True)
class Node:
    step: Step
    lines: tuple[str, ...]  # first line: id and kind; then the details an author checks


# The step kinds by class name, for a content model whose steps are typed classes (no `kind` field).
_CLASS_KINDS = {"ChoiceStep": "choice", "MultiStep": "multi", "TextStep": "text", "SayStep": "say",
                "BranchStep": "branch", "EndStep": "end", "CallStep": "call", "GotoStep": "goto",
                "ScheduleStep": "schedule", "CancelTimerStep": "cancel_timer", "RecordStep": "record",
                "ActionStep": "action", "AwaitPartnerStep": "await_partner"}
_DEFAULTS: dict[str, Any] = {"options": (), "option_labels": {}, "share": (), "reveal": (), "delays": {},
                             "min_picks": 1, "max_picks": 1}


def step_kind(step: Step) -> str:
    """choice | multi | text | say | branch | call | goto | schedule | cancel_timer | record | action |
    await_partner | end."""
    kind = getattr(step, "kind", None)
    return kind if isinstance(kind, str) else _CLASS_KINDS[type(step).__name__]


def _get(step: Step, name: str) -> Any:
    """A step's field, or its neutral default on a kind of step that doesn't have it."""
    return getattr(step, name, _DEFAULTS.get(name))


def edges(flow: Flow) -> list[Edge]:
    """Where each step can go next, in the order the engine tries the routes."""
    out: list[Edge] = []
    for step in flow.steps:
        if step_kind(step) in ("end", "goto"):
            continue
        if step.routes:
            for route in step.routes:
                label = route.condition.source if route.condition is not None else ("else" if len(step.routes) > 1 else "")
                out.append(Edge(step.id, route.target, label))
            continue
        following = flow.following(step.id)
        if following is not None:
            out.append(Edge(step.id, following, ""))
    return out


def kind_name(step: Step) -> str:
    """The step's kind as an author writes it (`ask` for every question)."""
    if step_kind(step) == "choice":
        return "ask"
    if step_kind(step) == "multi":
        return f"ask, pick {_get(step, 'min_picks')}–{_get(step, 'max_picks')}"
    if step_kind(step) == "text":
        return "ask, free text"
    return step_kind(step)


def node(step: Step) -> Node:
    lines = [f"{step.id} · {kind_name(step)}"]
    if _get(step, 'key'):
        lines.append(_get(step, 'key'))
    if step_kind(step) in ("choice", "multi"):
        lines += _options(step)
    if _get(step, 'save_as'):
        lines.append(f"→ {_get(step, 'save_as')}")
    flags = [name for name, on in (("optional", _get(step, 'optional')), ("free text too", _get(step, 'allow_text')),
                                   ("coached", _get(step, 'check')), ("for partner", _get(step, 'for_partner'))) if on]
    if flags:
        lines.append(", ".join(flags))
    if _get(step, 'share'):
        lines.append("asks to share: " + ", ".join(_get(step, 'share')))
    if step_kind(step) in ("call", "goto"):
        lines.append(f"flow {_get(step, 'target_flow')}")
    if step_kind(step) == "await_partner":
        lines.append(f"barrier {_get(step, 'barrier')}")
        if _get(step, 'reveal'):
            lines.append("reveals: " + ", ".join(_get(step, 'reveal')))
    if step_kind(step) == "schedule":
        lines.append(f"timer {_get(step, 'timer')} " + _delay(step))
    if step_kind(step) == "cancel_timer":
        lines.append(f"cancels timer {_get(step, 'timer')}")
    if step_kind(step) == "record":
        lines.append(f"records {_get(step, 'record')}")
    if step_kind(step) == "action":
        lines.append(f"does {_get(step, 'action')}")
    return Node(step, tuple(lines))


def _options(step: Step) -> list[str]:
    """Option ids, a few per line; a long picker is cut after MAX_OPTIONS_SHOWN."""
    shown = list(_get(step, 'options')[:MAX_OPTIONS_SHOWN])
    more = len(_get(step, 'options')) - len(shown)
    if more > 0:
        shown.append(f"… (+{more})")
    picker = _picker(step)
    lines = [", ".join(shown[i:i + OPTIONS_PER_LINE]) for i in range(0, len(shown), OPTIONS_PER_LINE)]
    lines[0] = ("options: " if not picker else f"picker {picker}: ") + lines[0]
    return lines


def _picker(step: Step) -> str | None:
    labels = set(_get(step, 'option_labels').values())
    first = next(iter(labels), "")
    if first.startswith("pickers."):
        return first.split(".")[1]
    return None


def _duration(delay: timedelta | None) -> str:
    if delay is None:
        return "never"
    minutes = int(delay.total_seconds() // 60)
    if minutes % (24 * 60) == 0:
        return f"{minutes // (24 * 60)}d"
    if minutes % 60 == 0:
        return f"{minutes // 60}h"
    return f"{minutes}m"


def _delay(step: Step) -> str:
    if _get(step, 'delay') is not None:
        return f"in {_duration(_get(step, 'delay'))}"
    by = ", ".join(f"{oid} {_duration(d)}" for oid, d in _get(step, 'delays').items())
    return f"by {_get(step, 'delay_by')}: {by}"


def _stages(flow: Flow) -> dict[int, list[Step]]:
    out: dict[int, list[Step]] = {}
    for step in flow.steps:
        out.setdefault(step.stage, []).append(step)
    return out


# -- Mermaid -----------------------------------------------------------------------------------

# Shapes by kind, so a glance tells questions from messages, decisions, calls, barriers and timers.
_MERMAID_SHAPES = {
    "choice": ('["', '"]'), "multi": ('["', '"]'), "text": ('["', '"]'),
    "say": ('("', '")'), "branch": ('{"', '"}'), "call": ('[["', '"]]'), "goto": ('[/"', '"/]'),
    "schedule": ('{{"', '"}}'), "cancel_timer": ('{{"', '"}}'), "record": ('[("', '")]'),
    "action": ('>"', '"]'), "await_partner": ('[/"', '"\\]'), "end": ('(["', '"])'),
}


_QUESTION = "fill:#ffffff,stroke:#333"
_TIMER = "fill:#e8f7ee,stroke:#3f9a62"
_MERMAID_STYLES = {
    "choice": _QUESTION, "multi": _QUESTION, "text": _QUESTION, "say": "fill:#eef6ff,stroke:#6b9bd1",
    "branch": "fill:#fff8e1,stroke:#c9a227", "call": "fill:#fdeee8,stroke:#c46a3c", "goto": "fill:#fdeee8,stroke:#c46a3c",
    "schedule": _TIMER, "cancel_timer": _TIMER, "record": "fill:#f2f2f2,stroke:#777", "action": "fill:#f2f2f2,stroke:#777",
    "await_partner": "fill:#f3e8ff,stroke:#8e5bd1", "end": "fill:#f2f2f2,stroke:#333",
}


def _mermaid_id(step_id: str) -> str:
    return f"s_{step_id}"  # prefixed: a step called `end` would otherwise end the chart


def _mermaid_text(text: str) -> str:
    return text.replace("&", "#amp;").replace('"', "#quot;").replace("<", "#lt;").replace(">", "#gt;")


def to_mermaid(flow: Flow) -> str:
    out = ["flowchart TD"]
    out.append(f"  %% flow {flow.id} ({flow.kind}) from {flow.file}")
    out.append(f'  start_(("start")) --> {_mermaid_id(flow.first)}')

    def emit(step: Step, indent: str) -> None:
        n = node(step)
        left, right = _MERMAID_SHAPES[step_kind(step)]
        label = "<br/>".join(_mermaid_text(line) for line in n.lines)
        out.append(f"{indent}{_mermaid_id(step.id)}{left}{label}{right}:::k_{step_kind(step)}")

    for stage, steps in _stages(flow).items():
        if stage and flow.stages:
            out.append(f'  subgraph stage_{stage}["step {stage} of {flow.stages}"]')
            for step in steps:
                emit(step, "    ")
            out.append("  end")
        else:
            for step in steps:
                emit(step, "  ")
    for edge in edges(flow):
        text = "<br/>".join(_mermaid_text(line) for line in condition_lines(edge.label))
        label = f'|"{text}"|' if edge.label else ""
        out.append(f"  {_mermaid_id(edge.source)} -->{label} {_mermaid_id(edge.target)}")
    out += [f"  classDef k_{kind} {style}" for kind, style in _MERMAID_STYLES.items()]
    return "\n".join(out) + "\n"


# -- Graphviz ----------------------------------------------------------------------------------

_DOT_SHAPES = {
    "choice": "box", "multi": "box", "text": "box", "say": "note", "branch": "diamond", "call": "component",
    "goto": "cds", "schedule": "hexagon", "cancel_timer": "hexagon", "record": "cylinder", "action": "parallelogram",
    "await_partner": "trapezium", "end": "doubleoctagon",
}


def _dot_text(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"')


def to_dot(flow: Flow) -> str:
    out = [f'digraph "{_dot_text(flow.id)}" {{',
           f'  label="{_dot_text(flow.id)} ({flow.kind}) from {_dot_text(flow.file)}"; labelloc=t;',
           '  node [fontname="Helvetica", fontsize=10]; edge [fontname="Helvetica", fontsize=9];',
           '  "start_" [label="start", shape=circle];',
           f'  "start_" -> "{flow.first}";']

    def emit(step: Step, indent: str) -> None:
        label = "\\n".join(_dot_text(line) for line in node(step).lines)
        out.append(f'{indent}"{step.id}" [label="{label}", shape={_DOT_SHAPES[step_kind(step)]}];')

    for stage, steps in _stages(flow).items():
        if stage and flow.stages:
            out.append(f'  subgraph cluster_stage_{stage} {{ label="step {stage} of {flow.stages}"; style=dashed;')
            for step in steps:
                emit(step, "    ")
            out.append("  }")
        else:
            for step in steps:
                emit(step, "  ")
    for edge in edges(flow):
        text = "\\n".join(_dot_text(line) for line in condition_lines(edge.label))
        label = f' [label="{text}"]' if edge.label else ""
        out.append(f'  "{edge.source}" -> "{edge.target}"{label};')
    out.append("}")
    return "\n".join(out) + "\n"


# -- Markdown pages ----------------------------------------------------------------------------

def _title(flow: Flow, catalog: Catalog | None) -> str:
    message = catalog.messages.get(flow.title_key) if catalog is not None else None
    return message.variants[0] if message is not None else flow.title_key


LEGEND = ("Shapes: rectangle, a question (with its options and the slot it saves) · rounded, a message · "
          "diamond, a decision · double-sided box, a sub-flow it calls and comes back from · slanted box, "
          "a flow it goes on to · trapezoid, a partner barrier (and what it reveals) · hexagon, a timer set or "
          "cancelled · flag, an action · cylinder, a record · stadium, the end. An arrow without a label "
          "goes to the step listed next.")


def page(flow: Flow, flows: dict[str, Flow], catalog: Catalog | None) -> str:
    """One flow's page: what it is, the chart, and the flows it leads to and comes from."""
    facts = [f"file `{flow.file}`", f"kind `{flow.kind}`"]
    if flow.command:
        facts.append(f"command `/{flow.command}`")
    if flow.stages:
        facts.append(f"{flow.stages} stages")
    if flow.resume_step != flow.first:
        facts.append(f"resumes at `{flow.resume_step}` if an edit removes the step a person is at")
    lines = [f"# {flow.id}: {_title(flow, catalog)}", "", " · ".join(facts), ""]
    if flow.kind == "interrupt":
        lines += ["An interrupt: it opens over whatever the person is doing and returns there when it ends.", ""]
    lines += ["```mermaid", to_mermaid(flow).rstrip("\n"), "```", "", LEGEND, ""]
    calls = sorted({_get(s, 'target_flow') for s in flow.steps if step_kind(s) == "call" and _get(s, 'target_flow')})
    gotos = sorted({_get(s, 'target_flow') for s in flow.steps if step_kind(s) == "goto" and _get(s, 'target_flow')})
    callers = sorted({f.id for f in flows.values() for s in f.steps
                      if step_kind(s) in ("call", "goto") and _get(s, 'target_flow') == flow.id})
    for what, names in (("Calls", calls), ("Goes on to", gotos), ("Reached from", callers)):
        if names:
            lines.append(f"{what}: " + ", ".join(f"[{n}]({n}.md)" for n in names) + "  ")
    lines.append("")
    return "\n".join(lines)


def index(flows: dict[str, Flow], catalog: Catalog | None) -> str:
    lines = ["# Mend flows", "", "Generated by `python -m bot graph --all`; regenerate after editing a flow.", "",
             "| flow | title | kind | command | steps |", "|---|---|---|---|---:|"]
    for flow in sorted(flows.values(), key=lambda f: f.id):
        command = f"`/{flow.command}`" if flow.command else ""
        lines.append(f"| [{flow.id}]({flow.id}.md) | {_title(flow, catalog)} | {flow.kind} | {command} | {len(flow.steps)} |")
    return "\n".join(lines) + "\n"


def write_pages(flows: dict[str, Flow], catalog: Catalog | None, folder: Path) -> list[Path]:
    """One Markdown page per flow plus an index; returns the files written."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for flow in sorted(flows.values(), key=lambda f: f.id):
        path = folder / f"{flow.id}.md"
        path.write_text(page(flow, flows, catalog), encoding="utf-8")
        written.append(path)
    path = folder / "index.md"
    path.write_text(index(flows, catalog), encoding="utf-8")
    written.append(path)
    return written
