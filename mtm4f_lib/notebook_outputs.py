"""What a notebook writes: its tables, figures and metrics for one dataset and profile, and the list of files.

Every notebook starts with ``out = NotebookOutputs(dataset, profile, outputs_dir, seed=seed)`` and then
calls ``out.table(frame, "name")``, ``out.figure(fig, "name")`` and ``out.metrics({...}, "name")``;
files land in ``<outputs root>/<profile>/`` (see :mod:`mtm4f_lib.paths`) from whatever folder the
kernel starts in, each named ``<name>_<dataset>`` with the notebook's metadata in its header.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from .paths import profile_outputs
from .reporting import save_figure, save_metrics, save_table


class NotebookOutputs:
    """Writes a notebook's outputs and remembers which files it wrote."""

    def __init__(self, dataset: str, profile: str, outputs_dir=None, **meta):
        self.dataset = dataset
        self.folder = profile_outputs(profile, outputs_dir)
        self.meta = {"dataset": dataset, "profile": profile, **meta}
        self.written: list[Path] = []

    def table(self, frame: pd.DataFrame, name: str, **options) -> pd.DataFrame:
        """Write ``tables/<name>_<dataset>.{csv,md,tex}``; returns the frame for display."""
        self.written.extend(save_table(frame, f"{name}_{self.dataset}", self.folder, self.meta, **options).values())
        return frame

    def figure(self, fig, name: str):
        """Write ``figures/<name>_<dataset>.png``; returns the figure for display."""
        self.written.append(save_figure(fig, f"{name}_{self.dataset}", self.folder))
        return fig

    def metrics(self, values: dict, name: str) -> dict:
        """Write ``metrics/<name>_<dataset>.json`` with the notebook's metadata."""
        self.written.append(save_metrics({**self.meta, **values}, f"{name}_{self.dataset}", self.folder))
        return values

    def report(self) -> str:
        """The files written so far, one per line."""
        return "\n".join(map(str, self.written))
