"""The runs a reproduction needs, planned before any notebook starts: one grid, one progress bar, one estimate.

``mtm4f reproduce`` first trains (or finds stored) every run that the selected notebooks' tables need,
as a single grid over the run store, with one progress bar whose estimate of the time left comes from
the runs finished so far; the notebooks then read those runs back. Interrupted, it resumes: a stored
run is never trained again. ``mtm4f reproduce --plan`` prints what is left of the plan, trained nothing;
its estimate also reads the seconds of the committed runs, so it estimates on a machine whose run store is empty.
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd

from ..paths import profile_outputs
from .profiles import get_profile
from .registry import TABLES
from .runs import RunStore, run_grid
from .table_references import specs as reference_specs

REFERENCES_NOTEBOOK = "06_sota"


def planned_grids(profile, notebooks: list[str], dataset: str, data_dir=None, store: RunStore | None = None):
    """(name, specs, whether their test predictions are read, the stem of its metrics file) for each grid that
    ``notebooks`` show for ``dataset`` (the references' as far as ``store`` names them: ``table_references.specs``)."""
    for table in TABLES.values():
        if table.notebook in notebooks and dataset in table.datasets:
            yield f"Table {table.number}", table.specs(profile, dataset, data_dir), False, f"table{table.number}_{dataset}"
    if REFERENCES_NOTEBOOK in notebooks and dataset in TABLES[11].datasets:
        yield "references", reference_specs(dataset, profile, data_dir, store), True, f"references_{dataset}"


def committed_seconds(profile, stem: str, outputs_dir=None) -> dict[str, float]:
    """Seconds per run key of the profile's committed metrics file ``<stem>.json`` (empty when there is none)."""
    path = profile_outputs(get_profile(profile).name, outputs_dir) / "metrics" / f"{stem}.json"
    return {run["key"]: run["seconds"] for run in json.loads(path.read_text())["runs"]} if path.is_file() else {}


def planned_runs(profile, notebooks: list[str], datasets, data_dir=None, store: RunStore | None = None) -> tuple[list, list]:
    """Every run of the tables 1-11 that ``notebooks`` show for ``datasets``, and every run of their references
    tables (which read each run's test predictions), each once."""
    tables, references = {}, {}
    for dataset in datasets:
        for _, specs, predictions, _ in planned_grids(profile, notebooks, dataset, data_dir, store):
            (references if predictions else tables).update((spec.key, spec) for spec in specs)
    return list(tables.values()), [spec for key, spec in references.items() if key not in tables]


def plan_summary(profile, notebooks: list[str], datasets, data_dir=None, store: RunStore | None = None, outputs_dir=None) -> pd.DataFrame:
    """What a reproduction would train, trained nothing: per grid and dataset, its runs (a run two grids share counts
    with the first), how many are stored, how many its committed metrics file holds (what ``mtm4f tables
    --keep-committed`` keeps where its check passes), how many are left to train here, and the run hours left at the
    mean run time of the grid's stored and committed runs (the committed ones as timed on the machine that committed
    them; NaN where there are neither; divide by the workers for the wall time). Where the profile tunes the references on
    one seed, the other seeds' runs are counted once that seed's choices are stored."""
    store, seen, rows = store or RunStore(), set(), []
    for dataset in datasets:
        for name, specs, predictions, stem in planned_grids(profile, notebooks, dataset, data_dir, store):
            fresh = list({spec.key: spec for spec in specs if spec.key not in seen}.values())
            seen.update(spec.key for spec in fresh)
            stored = {spec.key: record["result"]["seconds"] for spec in fresh if (record := store.get(spec, predictions)) is not None}
            committed = committed_seconds(profile, stem, outputs_dir)
            known = [*stored.values(), *(committed[spec.key] for spec in fresh if spec.key in committed and spec.key not in stored)]
            left = len(fresh) - len(stored)
            rows.append({"dataset": dataset, "grid": name, "runs": len(fresh), "stored": len(stored), "committed": sum(spec.key in committed for spec in fresh),
                         "left": left, "run hours left": left * float(np.mean(known)) / 3600 if known else (0.0 if left == 0 else float("nan"))})  # fmt: skip
    return pd.DataFrame(rows, columns=["dataset", "grid", "runs", "stored", "committed", "left", "run hours left"])


def run_planned(profile, notebooks: list[str], datasets, data_dir=None, workers: int = 1, store: RunStore | None = None) -> dict:
    """Train what the store lacks of the plan; a summary: runs planned, found stored, and the seconds of the planned runs."""
    store = store or RunStore()
    tables, references = planned_runs(profile, notebooks, datasets, data_dir, store)
    stored = sum(store.get(spec) is not None for spec in tables) + sum(store.get(spec, with_predictions=True) is not None for spec in references)
    records = run_grid(tables + references, store, data_dir, workers, predictions={spec.key for spec in references})
    # the runs of seeds that train the setting a tuning seed chose, named now that the choices are stored
    _, chosen = planned_runs(profile, notebooks, datasets, data_dir, store)
    records.update(run_grid([spec for spec in chosen if spec.key not in records], store, data_dir, workers, predictions=True))
    return {"planned": len(tables) + len(chosen), "stored before": stored, "run seconds": round(sum(r["result"]["seconds"] for r in records.values()), 1)}
