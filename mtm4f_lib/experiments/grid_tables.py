"""A paper table as a grid: rows are modality subsets, columns are model variants, cells are test RMSEs.

Each table module lists its :class:`Column` s; :func:`make_table` turns them into run specs (one per
row, column and seed of the profile), runs the grid through the run store (or, with
``from_metrics``, reads every run's numbers from the table's committed metrics file, or from the metrics
files of several outputs folders, checking that each run key is the one the grid asks for), and writes
into the profile's outputs folder: ``tables/table<N>_<dataset>.{csv,md,tex}`` (the CSV holds mean, std and n per cell and the paper's
value; Markdown and LaTeX show "mean ± std"), a dot plot in ``figures/``, and ``metrics/`` with every
run's metrics and full configuration and the table's provenance.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path

import numpy as np
import pandas as pd

from ..data import available_tasks, complete_modality_split, load_dataset, parse_modalities, subset_label
from ..data.container import MultiModalDataset
from ..embeddings.media_folder import embeddings_id
from ..errors import MTM4FError
from ..models import ModelConfig
from ..paths import profile_outputs, shown_path
from ..plots.tables import rmse_comparison_figure
from ..provenance import machine, provenance
from ..reporting import save_figure, save_metrics, save_table
from .paper_values import paper_value
from .profiles import Profile, get_profile
from .runs import RunSpec, RunStore, prepared_dataset, run_grid, train_spec

PAPER_DATASETS = ("ml100k", "mmtf")
STATS = ("mean", "std", "n")


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
        return RunSpec(dataset.name, ModelConfig(modalities=subset, tasks=tasks, **self.model), profile.train_config(seed), embeddings=embeddings_id())


def grid_specs(dataset: MultiModalDataset, columns, profile: Profile) -> dict[tuple[str, str], list[RunSpec]]:
    """{(subset, column): [one spec per seed]} for the columns the dataset supports."""
    return {
        (subset, c.name): [c.spec(dataset, subset, profile, s) for s in profile.seeds]
        for subset in profile.subsets
        for c in columns
        if c.reason_unavailable(dataset) is None
    }


@dataclass(frozen=True)
class GridTable:
    """The numbers of a table: per row (subset) the kept counts, per column the RMSE's mean, std and n
    over seeds and the paper's value; columns the dataset cannot run carry a reason instead."""

    rows: pd.DataFrame  # index abbrev; modalities, train, test
    cells: pd.DataFrame  # index abbrev; columns (label, 'mean' | 'std' | 'n')
    paper: pd.DataFrame  # index abbrev; columns label (NaN where the paper has none); empty for synthetic
    unavailable: dict[str, str]
    labels: tuple[str, ...]  # the columns in the table's order

    def means(self) -> pd.DataFrame:
        """Our mean RMSE per subset and column that has numbers."""
        return self.cells.xs("mean", axis=1, level=1)

    def numbers(self) -> pd.DataFrame:
        """One flat frame of numbers (the CSV): counts, then '<label> mean/std/n' and 'paper: <label>'."""
        out = self.rows.reset_index()[["modalities", "abbrev", "train", "test"]]
        for label in self.labels:
            for stat in STATS:
                out[f"{label} {stat}"] = self.cells[(label, stat)].to_numpy() if (label, stat) in self.cells else np.nan
            if label in self.paper:
                out[f"paper: {label}"] = self.paper[label].to_numpy()
        return out

    def shown(self) -> pd.DataFrame:
        """The table as read: 'mean ± std' (or the one value), the reason for columns without numbers, '-' where the paper has none."""
        out = self.rows.reset_index()[["modalities", "abbrev", "train", "test"]]
        for label in self.labels:
            out[label] = (
                [self.unavailable[label]] * len(out)
                if label in self.unavailable
                else [format_cell(m, s, n) for m, s, n in self.cells[label][list(STATS)].itertuples(index=False)]
            )
            if label in self.paper:
                out[f"paper: {label}"] = ["-" if np.isnan(v) else f"{v:.3f}" for v in self.paper[label]]
        return out


def format_cell(mean: float, std: float, n: int) -> str:
    return f"{mean:.3f}" if n == 1 else f"{mean:.3f} ± {std:.3f}"


def run_summary(specs, records) -> list[dict]:
    """Per run: subset, column, seed, key, test metrics, best validation RMSE, best epoch, epochs, seconds, and its configs."""
    out = []
    for (subset, column), runs in specs.items():
        for spec in runs:
            result = records[spec.key]["result"]
            out.append(
                {
                    "subset": subset,
                    "column": column,
                    "seed": spec.train.seed,
                    "key": spec.key,
                    **result["metrics"],
                    "val_rmse": result["val_rmse"],
                    "best_epoch": result["best_epoch"],
                    "epochs": len(result["history"]),
                    "seconds": round(result["seconds"], 2),
                    "model": asdict(spec.model),
                    "train": asdict(spec.train),
                }
            )
    return out


RMSE_CHECK = 1e-6  # a kept run's test RMSE, trained again, may differ from the committed one by at most this


def committed_runs(path: Path) -> dict[str, dict]:
    """The per-run numbers of a metrics file written by a table's grid, by run key, each with the commit and machine
    that measured it (its own where the file kept it from an earlier file, else the file's)."""
    metrics = json.loads(Path(path).read_text())
    return {run["key"]: {**run, **{field: run.get(field, metrics[field]) for field in ("commit", "machine")}} for run in metrics["runs"]}


def summary_from_metrics(specs, paths, cell_fields=("subset", "column")) -> list[dict]:
    """The per-run numbers of metrics files written by :func:`make_table`, for exactly the grid's runs.

    ``paths``: the metrics files (one, or slices of one table, e.g. measured on different machines), a run held by
    several taken from the first. Every spec's key must be in one of them (a changed config or results version changes
    the key), so a table rebuilt this way holds the numbers those very runs measured.
    """
    paths = [Path(p) for p in paths]
    absent = [str(p) for p in paths if not p.is_file()]
    if absent:
        raise MTM4FError(f"No metrics file {', '.join(absent)} to rebuild the table from; run the grid instead (without --from-metrics).")
    stored = {}
    for path in reversed(paths):
        stored.update(committed_runs(path))
    wanted = [(cell, spec) for cell, runs in specs.items() for spec in runs]
    missing = [f"{'/'.join(map(str, cell))} seed {spec.train.seed}" for cell, spec in wanted if spec.key not in stored]
    if missing:
        raise MTM4FError(
            f"{' and '.join(map(str, paths))} lack{'s' if len(paths) == 1 else ''} {len(missing)} run(s) of this grid (e.g. {missing[:3]}); "
            "their configs changed or they were never run. Run the grid instead."
        )
    return [{**stored[spec.key], **dict(zip(cell_fields, cell)), "model": asdict(spec.model), "train": asdict(spec.train)} for cell, spec in wanted]


def metrics_sources(folders, profile: str, name: str) -> list[Path]:
    """The metrics files of table ``name`` in the ``profile`` folders of the outputs roots ``folders``."""
    return [profile_outputs(profile, folder) / "metrics" / f"{name}.json" for folder in folders]


def grid_summary(specs, summarise, path: Path, cell_fields, store=None, data_dir=None, workers: int = 1, progress: bool = True,
                 from_metrics: bool = False, keep_committed: bool = False, sources=()) -> tuple[list[dict], dict]:  # fmt: skip
    """The per-run summary of the grid ``specs`` ({cell: [one spec per seed]}, rows made by ``summarise(specs, records)``)
    in the grid's order, and where its runs came from.

    By default every run is trained or read back from the run store. ``from_metrics``: every run's numbers come from
    the committed metrics file ``path``, or from the metrics files ``sources`` where given (:func:`summary_from_metrics`).
    ``keep_committed``: the runs of the file ``path`` whose key the grid asks for are kept and only the others are
    trained, so a grid grows across machines whose run stores are gone (e.g. more seeds); first the kept run that trained fastest is trained again, and its test RMSE must
    equal the committed one within ``RMSE_CHECK``, else the grid stops before training anything else (runs repeat
    exactly only on a machine that computes alike: ``provenance.machine``). Rows read from a file carry the commit and
    machine that measured them.
    """
    if from_metrics:
        rows = summary_from_metrics(specs, sources or [path], cell_fields)
        if not sources:
            return rows, {"runs from": "per-run numbers of the committed metrics file (rebuilt without training)"}
        measured = {field: sorted({row[field] for row in rows}) for field in ("commit", "machine")}
        shown = [shown_path(source) for source in sources]
        return rows, {"runs from": f"per-run numbers of the metrics files {', '.join(shown)} (rebuilt without training; a run in several from "
                                   f"the first), measured on {len(measured['machine'])} machine(s)",
                      "merged runs": {"sources": shown, **{f"{field}s": values for field, values in measured.items()}}}  # fmt: skip
    committed = committed_runs(path) if keep_committed and Path(path).is_file() else {}
    kept = {cell: [spec for spec in runs if spec.key in committed] for cell, runs in specs.items()}
    todo = {cell: [spec for spec in runs if spec.key not in committed] for cell, runs in specs.items()}
    kept, todo = ({cell: runs for cell, runs in part.items() if runs} for part in (kept, todo))
    origin = {"runs from": "run store (trained or read back)"}
    if kept:
        pairs = [(cell, spec) for cell, runs in kept.items() for spec in runs]
        check = check_kept_run(*min(pairs, key=lambda pair: committed[pair[1].key]["seconds"]), committed, store, data_dir)
        count, total = len({spec.key for _, spec in pairs}), len({spec.key for runs in specs.values() for spec in runs})
        origin = {"runs from": f"run store (trained or read back), and {count} of {total} runs kept from the committed metrics file",
                  "kept runs": {"count": count, **{f"{field}s": sorted({committed[spec.key][field] for _, spec in pairs}) for field in ("commit", "machine")},
                                "check": check}}  # fmt: skip
    records = run_grid([spec for runs in todo.values() for spec in runs], store, data_dir, workers, progress)
    rows = {}
    for part, part_rows in ((todo, summarise(todo, records) if todo else []), (kept, summary_from_metrics(kept, [path], cell_fields) if kept else [])):
        rows.update(zip([(cell, spec.key) for cell, runs in part.items() for spec in runs], part_rows))
    return [rows[(cell, spec.key)] for cell, runs in specs.items() for spec in runs], origin


def check_kept_run(cell, spec, committed: dict, store, data_dir) -> dict:
    """Train one run of the committed metrics again (whether the run store holds it or not; the store then holds the
    new record): its test RMSE must be the committed one."""
    retrained = train_spec(spec, data_dir, store or RunStore())[1]["result"]["metrics"]["rmse"]
    was = committed[spec.key]
    check = {"cell": "/".join(map(str, cell)), "seed": spec.train.seed, "key": spec.key, "committed rmse": was["rmse"], "retrained rmse": retrained}
    if abs(retrained - was["rmse"]) > RMSE_CHECK:
        raise MTM4FError(
            f"Run {check['cell']} seed {check['seed']} of the committed metrics (commit {was['commit']}, on {was['machine']}) measured test RMSE "
            f"{was['rmse']:.6f}; trained again here ({machine()}) it measures {retrained:.6f}. Either this machine computes differently (another "
            "CPU or instruction set) or the code's results moved since (then raise RESULTS_VERSION in mtm4f_lib/experiments/runs.py): "
            "rerun the grid without --keep-committed."
        )
    return check


def grid_table(number: int, dataset: MultiModalDataset, columns, profile: Profile, summary: list[dict]) -> GridTable:
    """The table's numbers from the per-run summary."""
    runs = pd.DataFrame(summary)
    stats = runs.groupby(["subset", "column"])["rmse"].agg(mean="mean", std=lambda v: v.std(ddof=1), n="count")
    cells = pd.DataFrame(index=pd.Index(profile.subsets, name="abbrev"))
    for c in columns:
        if c.name in stats.index.get_level_values("column"):
            for stat in STATS:
                cells[(c.label, stat)] = stats.xs(c.name, level="column")[stat].reindex(profile.subsets).to_numpy()
    cells.columns = pd.MultiIndex.from_tuples(cells.columns) if len(cells.columns) else pd.MultiIndex.from_tuples([], names=[None, None])
    counts = [complete_modality_split(dataset, parse_modalities(s), verbose=False).counts for s in profile.subsets]
    rows = pd.DataFrame(
        {"modalities": [subset_label(s) for s in profile.subsets], "train": [c[0] for c in counts], "test": [c[1] for c in counts]}, index=cells.index
    )
    paper = (
        pd.DataFrame(
            {c.label: [np.nan if (v := paper_value(number, s, c.name, dataset.name)) is None else v for s in profile.subsets] for c in columns},
            index=cells.index,
        )
        if dataset.name in PAPER_DATASETS
        else pd.DataFrame(index=cells.index)
    )
    unavailable = {c.label: reason for c in columns if (reason := c.reason_unavailable(dataset)) is not None}
    return GridTable(rows, cells, paper, unavailable, tuple(c.label for c in columns))


def make_table(
    number: int,
    dataset_name: str,
    columns,
    profile="quick",
    data_dir=None,
    outputs_dir=None,
    workers: int = 1,
    store: RunStore | None = None,
    progress: bool = True,
    from_metrics: bool = False,
    keep_committed: bool = False,
    defined_in: str = "",
    notebook: str = "",
    subsets: tuple[str, ...] | None = None,
    from_folders=(),
) -> tuple[GridTable, list[dict]]:
    """Run (or read from the store, or with ``from_metrics`` from the committed metrics) every run of the table and write it;
    ``keep_committed`` keeps the runs of the committed metrics and trains the rest (:func:`grid_summary`).

    Returns (table numbers, per-run summary). ``outputs_dir`` is the outputs root; files go to its ``<profile>/`` folder.
    ``subsets``: the table's rows when they are not the profile's (Table 11: AMSV alone). ``from_folders``: with
    ``from_metrics``, the outputs roots whose metrics files of this table hold the runs, instead of ``outputs_dir``.
    """
    profile = get_profile(profile)
    profile = replace(profile, subsets=subsets) if subsets else profile
    folder = profile_outputs(profile.name, outputs_dir)
    name = f"table{number}_{dataset_name}"
    dataset = (
        load_dataset(dataset_name, data_dir=data_dir) if from_metrics else prepared_dataset(dataset_name, data_dir)
    )  # no embeddings needed to read numbers
    specs = grid_specs(dataset, columns, profile)
    summary, origin = grid_summary(specs, run_summary, folder / "metrics" / f"{name}.json", ("subset", "column"), store, data_dir, workers, progress,
                                   from_metrics, keep_committed, metrics_sources(from_folders, profile.name, name))  # fmt: skip
    table = grid_table(number, dataset, columns, profile, summary)
    seeds = " ".join(map(str, profile.seeds))
    meta = {
        "table": number,
        "dataset": dataset_name,
        "profile": profile.name,
        "seeds": list(profile.seeds),
        "protocol": "complete-modality",
        "metric": "test RMSE (mean ± std over seeds)",
        "defined in": defined_in,
        "shown in": f"notebooks/{notebook}.ipynb",
        "regenerate": f"mtm4f tables --table {number} --profile {profile.name} --seeds {seeds}"
        + ("" if profile.device == "cpu" else f" --device {profile.device}"),
        "runs from": origin["runs from"],
    }
    save_table(table.numbers(), name, folder, meta, float_format="{:.4f}", shown=table.shown())
    title = f"Table {number}, {dataset_name} ({profile.name} profile, seeds {list(profile.seeds)})"
    save_figure(rmse_comparison_figure(table.means(), table.paper, title), name, folder)
    save_metrics(
        {
            **meta,
            **provenance(meta["regenerate"], profile.device),
            **origin,
            "runs": summary,
            "total_seconds": round(sum(r["seconds"] for r in summary), 1),
        },
        name,
        folder,
    )
    return table, summary
