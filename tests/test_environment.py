"""The environment files agree, and torch is the CPU build."""
import re
import tomllib

import yaml

from mtm4f_lib.notebooks import REPO


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


def test_torch_pinned_and_cpu():
    import torch

    constraints = (REPO / "constraints.txt").read_text()
    assert "torch==2.13.0" in constraints
    assert torch.__version__.startswith("2.13.0")
    assert torch.version.cuda is None


def test_open_clip_is_optional_extra():
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    assert not any(_name(d) == "open-clip-torch" for d in project["dependencies"])
    assert any(_name(d) == "open-clip-torch" for d in project["optional-dependencies"]["clip"])
