"""The README stays true to the code: its Quickstart is what CI runs, and every verb is documented."""

import re
from pathlib import Path

from quotegraph.cli import quotegraph

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def quickstart_commands() -> list[str]:
    section = README.split("## Quickstart", 1)[1]
    block = re.search(r"```sh\n(.*?)```", section, re.S).group(1)
    return [line for line in block.splitlines() if line.strip()]


def test_quickstart_has_two_commands_and_ci_runs_the_second():
    commands = quickstart_commands()
    assert len(commands) == 2
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert commands[1] in ci.splitlines()


def test_every_cli_verb_is_in_the_readme():
    for verb in quotegraph.commands:
        assert f"quotegraph {verb}" in README, f"`quotegraph {verb}` is not documented in README.md"
