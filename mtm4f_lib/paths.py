"""Where the package keeps things: the cache (data downloads, embeddings, runs) and the outputs.

Cache: ``$MTM4F_CACHE``, else ``~/.cache/mtm4f``; it holds ``data/`` (downloaded sources),
``embeddings/`` and ``runs/``. Outputs: ``$MTM4F_OUTPUTS``, else the ``outputs/`` folder of the
repository the package was installed from (an editable install or a checkout), else ``./outputs``.
Each profile writes into its own sub-folder (``outputs/quick/``, ``outputs/paper/``), so a quick run
never touches the committed paper results.
"""

from __future__ import annotations

import os
from pathlib import Path

CACHE_ENV = "MTM4F_CACHE"
OUTPUTS_ENV = "MTM4F_OUTPUTS"
REPO = Path(__file__).resolve().parents[1]


def cache_root(kind: str | None = None) -> Path:
    """``$MTM4F_CACHE`` (default ``~/.cache/mtm4f``), or its ``kind`` sub-folder ('data', 'embeddings', 'runs')."""
    base = Path(os.environ.get(CACHE_ENV) or Path.home() / ".cache" / "mtm4f")
    return base / kind if kind else base


def is_checkout(folder: Path) -> bool:
    """True when ``folder`` is this project's repository (it has the notebooks and pyproject.toml)."""
    return (folder / "pyproject.toml").is_file() and (folder / "notebooks").is_dir()


def outputs_root(root=None) -> Path:
    """``root``, else $MTM4F_OUTPUTS, else the repository's ``outputs/``, else ``./outputs`` (absolute)."""
    chosen = root or os.environ.get(OUTPUTS_ENV)
    if chosen:
        return Path(chosen).expanduser().resolve()
    return REPO / "outputs" if is_checkout(REPO) else Path.cwd().resolve() / "outputs"


def shown_path(path) -> str:
    """``path`` relative to the repository where it lies inside it (as committed files name it), else absolute."""
    path = Path(path).resolve()
    return str(path.relative_to(REPO)) if path.is_relative_to(REPO) else str(path)


def profile_outputs(profile: str, root=None) -> Path:
    """The outputs folder of one profile: ``<outputs root>/<profile>``."""
    return outputs_root(root) / profile
