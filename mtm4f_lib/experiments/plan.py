"""The runs a reproduction needs, planned before any notebook starts: one grid, one progress bar, one estimate.

``mtm4f reproduce`` first trains (or finds stored) every run that the selected notebooks' tables need,
as a single grid over the run store, with one progress bar whose estimate of the time left comes from
the runs finished so far; the notebooks then read those runs back. Interrupted, it resumes: a stored
run is never trained again.
"""

from __future__ import annotations

from .registry import TABLES
from .runs import RunStore, run_grid
from .table_references import specs as reference_specs

REFERENCES_NOTEBOOK = "06_sota"


def planned_runs(profile, notebooks: list[str], datasets, data_dir=None) -> tuple[list, list]:
    """Every run of the tables 1-11 that ``notebooks`` show for ``datasets``, and every run of their references
    tables (which read each run's test predictions), each once."""
    tables, references = {}, {}
    for dataset in datasets:
        for table in TABLES.values():
            if table.notebook in notebooks and dataset in table.datasets:
                tables.update((spec.key, spec) for spec in table.specs(profile, dataset, data_dir))
        if REFERENCES_NOTEBOOK in notebooks and dataset in TABLES[11].datasets:
            references.update((spec.key, spec) for spec in reference_specs(dataset, profile, data_dir))
    return list(tables.values()), [spec for key, spec in references.items() if key not in tables]


def run_planned(profile, notebooks: list[str], datasets, data_dir=None, workers: int = 1, store: RunStore | None = None) -> dict:
    """Train what the store lacks of the plan; a summary: runs planned, found stored, and the seconds of the planned runs."""
    store = store or RunStore()
    tables, references = planned_runs(profile, notebooks, datasets, data_dir)
    stored = sum(store.get(spec) is not None for spec in tables) + sum(store.get(spec, with_predictions=True) is not None for spec in references)
    records = run_grid(tables + references, store, data_dir, workers, predictions={spec.key for spec in references})
    return {"planned": len(tables) + len(references), "stored before": stored, "run seconds": round(sum(r["result"]["seconds"] for r in records.values()), 1)}
