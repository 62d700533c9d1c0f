"""The container image (issue 17): installed with the README's own script, run as an unprivileged
user that owns only the data volume. No Docker daemon is needed: the Dockerfile is read as text."""
from __future__ import annotations

import re

from tests.process_harness import ROOT


def instructions() -> list[tuple[str, str]]:
    text = (ROOT / "Dockerfile").read_text()
    text = re.sub(r"\\\n\s*", " ", text)  # join continued lines
    return [(line.split(None, 1)[0].upper(), line.split(None, 1)[1] if " " in line else "")
            for line in (raw.strip() for raw in text.splitlines()) if line and not line.startswith("#")]


def test_the_image_installs_with_the_quick_start_script():
    runs = [arg for op, arg in instructions() if op == "RUN"]
    assert runs[0] == "scripts/install"  # README: "The image installs with scripts/install"
    assert not [r for r in runs if "pip " in r]  # no second, untested way of installing
    assert ("CMD", '["scripts/start", "run"]') in instructions()


def test_mend_runs_as_an_unprivileged_user_that_owns_only_the_data_volume():
    ops = instructions()
    users = [arg for op, arg in ops if op == "USER"]
    assert users and users[-1] not in ("root", "0", "0:0")
    user = users[-1]
    assert ops.index(("USER", user)) > max(i for i, (op, _) in enumerate(ops) if op == "RUN")  # after every RUN
    setup = " ".join(arg for op, arg in ops if op == "RUN")
    assert "useradd --system" in setup and re.search(rf"\b{user}\b", setup)
    chowns = re.findall(r"chown\s+(?:-\w+\s+)*(\S+)\s+(\S+)", setup)
    assert chowns == [(f"{user}:{user}", "/data")]  # it owns the data folder and nothing else
    assert ("ENV", "DATABASE_PATH=/data/mend.sqlite3 PYTHONDONTWRITEBYTECODE=1") in ops
    assert ("VOLUME", '["/data"]') in ops
