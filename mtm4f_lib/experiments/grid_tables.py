"""A paper table as a grid: rows are modality subsets, columns are model variants, cells are test RMSEs.

Each table module lists its :class:`Column` s; :func:`make_table` turns them into run specs (one per
row, column and seed of the profile), runs the grid through the run store, and writes
``outputs/tables/table<N>_<dataset>.{csv,md,tex}`` (mean +- std over seeds, with the paper's value
in a column labelled "paper"), the same as a dot plot in ``outputs/figures/table<N>_<dataset>.png``,
and ``outputs/metrics/table<N>_<dataset>.json`` (every run's metrics, seconds and epochs).
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..data import available_tasks, complete_modality_split, parse_modalities
from ..data.container import MultiModalDataset
from ..models import ModelConfig
from ..plots.tables import rmse_comparison_figure
from ..reporting import DEFAULT_OUTPUTS, save_figure, save_metrics, save_table
from .paper_values import paper_value
from .profiles import Profile, get_profile
from .runs import RunSpec, RunStore, prepared_dataset, run_grid

PAPER_DATASETS = ("ml100k", "mmtf")
NAMES = {"A": "Audio", "M": "Meta", "S": "Subtitle", "V": "Video"}


@dataclass(frozen=True)
class Column:
    """One model variant: ModelConfig fields (besides modalities) and the tasks it learns.

    ``tasks`` None means every task the dataset has. A column whose tasks or inputs the dataset
    cannot supply is shown as ``unavailable`` (a reason) instead of a number.
    """

    name: str
    label: str
    model: dict = field(default_factory=dict)
    tasks: tuple[str, ...] | None = None
    unavailable: str | None = None

    def reason_unavailable(self, dataset: MultiModalDataset) -> str | None:
        if self.unavailable:
            return self.unavailable
        if self.tasks and any(t not in available_tasks(dataset) for t in self.tasks):
            return "n/a: no user demographics"
        return None

    def spec(self, dataset: MultiModalDataset, subset: str, profile: Profile, seed: int) -> RunSpec:
        tasks = self.tasks or available_tasks(dataset)
        return RunSpec(dataset.name, ModelConfig(modalities=subset, tasks=tasks, **self.model), profile.train_config(seed))


def subset_label(abbrev: str) -> str:
    return " + ".join(NAMES[a] for a in abbrev)


def grid_specs(dataset: MultiModalDataset, columns, profile: Profile) -> dict[tuple[str, str], list[RunSpec]]:
    """{(subset, column): [one spec per seed]} for the columns the dataset supports."""
    return {(subset, c.name): [c.spec(dataset, subset, profile, s) for s in profile.seeds]
            for subset in profile.subsets for c in columns if c.reason_unavailable(dataset) is None}


def _cell(values: list[float]) -> str:
    if len(values) == 1:
        return f"{values[0]:.3f}"
    return f"{np.mean(values):.3f} ± {np.std(values, ddof=1):.3f}"


def table_frame(number: int, dataset: MultiModalDataset, columns, profile: Profile, specs, records) -> pd.DataFrame:
    """The table: one row per subset, 'mean ± std' per column, the paper's value beside each (real datasets)."""
    rows = []
    for subset in profile.subsets:
        train, test = complete_modality_split(dataset, parse_modalities(subset), verbose=False).counts
        row = {"modalities": subset_label(subset), "abbrev": subset, "train": train, "test": test}
        for c in columns:
            reason = c.reason_unavailable(dataset)
            row[c.label] = reason or _cell([records[s.key]["result"]["metrics"]["rmse"] for s in specs[(subset, c.name)]])
            if dataset.name in PAPER_DATASETS:
                paper = paper_value(number, subset, c.name)
                row[f"paper: {c.label}"] = "-" if paper is None else f"{paper:.3f}"
        rows.append(row)
    return pd.DataFrame(rows)


def comparison_frames(table: pd.DataFrame, columns) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(our mean RMSE, the paper's RMSE) per subset (rows) and column label, NaN where either has none."""
    def number(value) -> float:
        try:
            return float(str(value).split(" ")[0])
        except ValueError:
            return float("nan")

    labels = [c.label for c in columns]
    ours = table.set_index("abbrev")[labels].map(number)
    paper_labels = {f"paper: {c}": c for c in labels if f"paper: {c}" in table}
    paper = table.set_index("abbrev")[list(paper_labels)].map(number).rename(columns=paper_labels)
    return ours.dropna(axis=1, how="all"), paper


def run_summary(specs, records) -> list[dict]:
    """Per run: subset, column, seed, metrics, best epoch, epochs run and seconds."""
    out = []
    for (subset, column), runs in specs.items():
        for spec in runs:
            result = records[spec.key]["result"]
            out.append({"subset": subset, "column": column, "seed": spec.train.seed, "key": spec.key, **result["metrics"],
                        "val_rmse": result["val_rmse"], "best_epoch": result["best_epoch"], "epochs": len(result["history"]),
                        "seconds": round(result["seconds"], 2)})
    return out


def make_table(number: int, dataset_name: str, columns, profile="quick", data_dir=None, outputs_dir=DEFAULT_OUTPUTS,
               workers: int = 1, store: RunStore | None = None, progress: bool = True) -> tuple[pd.DataFrame, list[dict]]:
    """Run (or read from the store) every run of the table and write it; returns (table, per-run summary)."""
    profile = get_profile(profile)
    dataset = prepared_dataset(dataset_name, data_dir)
    specs = grid_specs(dataset, columns, profile)
    records = run_grid([s for runs in specs.values() for s in runs], store, data_dir, workers, progress)
    table = table_frame(number, dataset, columns, profile, specs, records)
    summary = run_summary(specs, records)
    meta = {"table": number, "dataset": dataset_name, "profile": profile.name, "seeds": list(profile.seeds),
            "protocol": "complete-modality", "metric": "test RMSE (mean ± std over seeds)"}
    if profile.device != "cpu":
        meta["device"] = profile.device
    name = f"table{number}_{dataset_name}"
    save_table(table, name, outputs_dir, meta)
    ours, paper = comparison_frames(table, columns)
    save_figure(rmse_comparison_figure(ours, paper, f"Table {number}, {dataset_name} ({profile.name} profile, seeds {list(profile.seeds)})"), name, outputs_dir)
    save_metrics({**meta, "runs": summary, "total_seconds": round(sum(r["seconds"] for r in summary), 1)}, name, outputs_dir)
    return table, summary
