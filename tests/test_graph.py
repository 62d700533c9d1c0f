"""Flow charts (`python -m bot graph`): every step and edge of every shipped flow is drawn."""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from bot.authoring.graph import edges, to_dot, to_mermaid, write_pages
from tests.conftest import CONTENT_DIR


def _all_flows(content):
    return sorted(content.flows.values(), key=lambda f: f.id)


def test_every_step_of_every_shipped_flow_is_in_its_mermaid_chart(content):
    for flow in _all_flows(content):
        chart = to_mermaid(flow)
        for step in flow.steps:
            # A node per step, labelled with its id and kind.
            node = re.search(rf'^\s*s_{step.id}\W.*?"{re.escape(step.id)} · ', chart, re.MULTILINE)
            assert node, f"{flow.id}: step {step.id} is missing from the chart"
        for edge in edges(flow):
            assert re.search(rf"^\s*s_{edge.source} -->.* s_{edge.target}$", chart, re.MULTILINE), (flow.id, edge)


def test_every_step_and_edge_is_in_the_dot_chart(content):
    for flow in _all_flows(content):
        chart = to_dot(flow)
        for step in flow.steps:
            assert f'"{step.id}" [label="{step.id} · ' in chart, (flow.id, step.id)
        for edge in edges(flow):
            assert f'"{edge.source}" -> "{edge.target}"' in chart, (flow.id, edge)


def test_conditions_calls_barriers_reveals_and_timers_are_drawn(content):
    calm = to_mermaid(content.flows["calm"])  # the calm gate, shared by the solo and the shared repair
    assert 's_body_cues -->|"activation in [high, flooded]<br/>or body_cues has cant_think"| s_break_offer' in calm
    assert 's_body_cues -->|"else"| s_settled' in calm
    assert 's_break[["break · call<br/>flow take_break"]]' in calm
    repair = to_mermaid(content.flows["repair"])
    assert 'subgraph stage_2["step 2 of 3"]' in repair
    together = to_mermaid(content.flows["together"])
    assert "wait_step1 · await_partner<br/>barrier step1<br/>reveals: feelings, my_part" in together
    assert "asks to share: feelings, my_part" in together
    assert "timer plan_followup by followup_in: d3 3d, w1 7d, none never" in together
    take_break = to_dot(content.flows["take_break"])
    assert "timer break_return by break_length: m20 20m, h1 1h, h3 3h, h8 8h" in take_break
    assert "cancels timer break_return" in take_break


def test_a_step_named_end_does_not_break_the_chart(content):
    """Mermaid reads a bare `end` as the end of a subgraph: node ids are prefixed."""
    for flow in _all_flows(content):
        assert not re.search(r"^\s*end[\[\(\{>]", to_mermaid(flow), re.MULTILINE)


def test_one_markdown_page_per_flow_and_an_index(content, tmp_path):
    written = write_pages(content.flows, content.catalogs["en"], tmp_path / "charts")
    assert {p.name for p in written} == {f"{f}.md" for f in content.flows} | {"index.md"}
    page = (tmp_path / "charts" / "repair.md").read_text()
    assert page.startswith("# repair: ") and "```mermaid\nflowchart TD" in page
    assert "Calls: [calm](calm.md), [grounding](grounding.md), [take_break](take_break.md)" in page
    assert "[home](home.md)" in page  # reached from the menu
    index = (tmp_path / "charts" / "index.md").read_text()
    assert all(f"[{f}]({f}.md)" in index for f in content.flows)


def _cli(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "DATABASE_PATH": str(cwd / "unused.sqlite3")}
    env.pop("CONTENT_DIR", None)
    return subprocess.run([sys.executable, "-m", "bot", "graph", *args], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=60)


@pytest.mark.slow
def test_cli_on_the_content_and_on_a_broken_copy(tmp_path):
    shutil.copytree(CONTENT_DIR, tmp_path / "content")
    result = _cli("repair", cwd=tmp_path)
    assert result.returncode == 0 and result.stdout.startswith("flowchart TD") and not result.stderr
    result = _cli("take_break", "--format", "dot", cwd=tmp_path)
    assert result.returncode == 0 and result.stdout.startswith('digraph "take_break"')
    result = _cli("repiar", cwd=tmp_path)
    assert result.returncode == 2 and "unknown flow 'repiar'" in result.stderr
    result = _cli("--all", "charts", cwd=tmp_path)
    assert result.returncode == 0 and (tmp_path / "charts" / "index.md").exists()
    # Broken: a target that doesn't exist. The flow is still drawn; the problem is named; exit 1.
    flow = tmp_path / "content" / "flows" / "gratitude.yaml"
    flow.write_text(flow.read_text().replace("        then: second", "        then: secnod"))
    result = _cli("gratitude", "--content", "content", cwd=tmp_path)
    assert result.returncode == 1 and "s_more -->" in result.stdout
    assert "content/flows/gratitude.yaml:" in result.stderr and "'secnod' does not exist" in result.stderr
