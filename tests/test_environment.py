"""The environment files agree, torch is the build the environment wants, and the code is ruff-clean."""

import re
import subprocess
import sys
import tomllib

import yaml

from mtm4f_lib.paths import REPO
from mtm4f_lib.torch_build import check_build, wanted_build


def _name(spec: str) -> str:
    return re.split(r"[<>=!~\[ ]", spec, maxsplit=1)[0].lower().replace("_", "-")


def test_environment_yml_matches_pyproject():
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    env = yaml.safe_load((REPO / "environment.yml").read_text())
    pip_section = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict))
    env_specs = {s for s in pip_section if not s.startswith("-e")}
    assert env_specs == set(project["dependencies"])
    python = next(d for d in env["dependencies"] if isinstance(d, str) and d.startswith("python="))
    assert python.split("=")[1] == project["requires-python"].lstrip(">=")


def test_torch_pinned_and_the_build_wanted():
    """The CPU build everywhere, except in the GPU environment of `make test-gpu` (MTM4F_TORCH_BUILD=cuda)."""
    import torch

    constraints = (REPO / "constraints.txt").read_text()
    assert "torch==2.13.0" in constraints
    assert (torch.version.cuda is None) == (wanted_build() == "cpu")
    if wanted_build() == "cpu":  # a GPU machine may bring its own CUDA build of another release
        assert torch.__version__.startswith("2.13.0") and check_build() == f"torch {torch.__version__} (CPU build)"


def test_ruff_lint_and_format_clean():
    ruff = [sys.executable, "-m", "ruff"]
    lint = subprocess.run([*ruff, "check", "--output-format", "concise", str(REPO)], capture_output=True, text=True)
    assert lint.returncode == 0, lint.stdout
    fmt = subprocess.run([*ruff, "format", "--check", str(REPO)], capture_output=True, text=True)
    assert fmt.returncode == 0, fmt.stdout


def test_open_clip_is_optional_extra():
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    assert not any(_name(d) == "open-clip-torch" for d in project["dependencies"])
    assert any(_name(d) == "open-clip-torch" for d in project["optional-dependencies"]["clip"])
