"""The top-level layout of DESIGN.md is there in a fresh clone (git keeps no empty folders)."""

import subprocess

from .test_layout import ROOT

TOP_LEVEL = ["platform", "plugins", "exchange", "toolbox", "alliance", "search", "templates",
             "tests"]  # fmt: skip


def test_design_layout_is_tracked_by_git():
    tracked = subprocess.run(
        ["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.split()
    for folder in TOP_LEVEL:
        assert any(path.startswith(folder + "/") for path in tracked), folder
    for name in ["manage.py", "pyproject.toml", "docker-compose.yml", "README.md", ".ci/run"]:
        assert name in tracked, name
