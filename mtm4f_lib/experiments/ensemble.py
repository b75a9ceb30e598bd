"""An ensemble of the references table's models (beyond the paper): per seed and protocol, the mean of the test
predictions of the ``size`` models with the lowest validation RMSE.

Every model of the table chooses its setting on the same seeded validation slice of the training rows, so their
validation RMSEs compare; the members are chosen on them alone, and the size is a fixed parameter, not tuned (the
validation predictions are not stored, so nothing could tune it). The ensemble trains nothing of its own: it averages
the test predictions its members' runs stored (with ``refit``: the refitted ones). Its record's ``seconds`` are its own
(reading and averaging); its cost is every candidate's run (``candidate seconds``).
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np

from ..data import load_dataset
from ..errors import MTM4FError
from ..evaluation import rmse
from .executors import stored_or_trained
from .reference_runs import reference_split
from .runs import RunStore, spec_key, stored_record

ENSEMBLE = "Ensemble"
ENSEMBLE_SIZE = 3


@dataclass(frozen=True)
class EnsembleSpec:
    """The mean of the ``size`` candidates (model name, its run of one seed and protocol) with the lowest validation RMSE."""

    candidates: tuple[tuple[str, object], ...]
    size: int = ENSEMBLE_SIZE

    def __post_init__(self):
        if not 1 <= self.size <= len(self.candidates):
            raise MTM4FError(
                f"The ensemble averages the {self.size} models with the lowest validation RMSE; list at least {self.size} other models (got {len(self.candidates)})."
            )
        if len({(spec.dataset, spec.protocol, spec.seed) for _, spec in self.candidates}) > 1:
            raise MTM4FError("An ensemble's candidates must share one dataset, protocol and seed.")

    @property
    def dataset(self) -> str:
        return self.candidates[0][1].dataset

    @property
    def protocol(self) -> str:
        return self.candidates[0][1].protocol

    @property
    def seed(self) -> int:
        return self.candidates[0][1].seed

    @property
    def label(self) -> str:
        return f"{self.dataset} ensemble of {self.size}"

    @property
    def named_keys(self) -> dict:
        """What names the ensemble: its candidates' runs and its size."""
        return {"ensemble": [[name, spec.key] for name, spec in self.candidates], "size": self.size}

    @property
    def key(self) -> str:
        return spec_key(self.named_keys)

    def trained_record(self, data_dir: str | None, store: RunStore) -> dict:
        """Every candidate's record (stored, else trained), the members by validation RMSE, their mean test prediction, stored."""
        records = {name: stored_or_trained(spec, store, data_dir, True) for name, spec in self.candidates}
        start = time.perf_counter()
        members = sorted(records, key=lambda name: records[name]["result"]["val_rmse"])[: self.size]
        predictions = np.mean([store.predictions(spec) for name, spec in self.candidates if name in members], axis=0)
        dataset = load_dataset(self.dataset, data_dir=data_dir)
        split = reference_split(dataset, self.protocol, self.seed, data_dir)
        test = rmse(predictions, dataset.ratings["rating"].to_numpy()[split.test], dataset.rating_range)
        result = {"metrics": {"rmse": test}, "val_rmse": None, "params": {"members": members}, "seconds": time.perf_counter() - start,
                  "candidate seconds": sum(r["result"]["seconds"] for r in records.values()),
                  "candidates": {name: r["result"]["val_rmse"] for name, r in records.items()}, "counts": {"train": len(split.train), "test": len(split.test)}}  # fmt: skip
        fields = {**self.named_keys, "dataset": self.dataset, "protocol": self.protocol, "seed": self.seed}
        return stored_record(self, fields, result, store, ("mtm4f", "numpy"), predictions)
