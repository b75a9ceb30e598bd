"""The tuning budget every model gets, ours and the baselines alike, the settings of a search space, and the
search for a torch model trained by the package's loop."""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable
from dataclasses import replace

from ...data import MultiModalDataset, Split
from ...training import TrainConfig, train_and_evaluate

TUNING_BUDGET = 6  # settings tried per model on the validation slice


def settings(space: dict) -> list[dict]:
    """Every combination of a search space ``{parameter: values}``, in order."""
    return [dict(zip(space, values)) for values in itertools.product(*space.values())]


def tune_recommender(dataset: MultiModalDataset, split: Split, name: str, build: Callable, space: dict, seed: int, train: TrainConfig) -> dict:
    """Every setting of ``space`` trained by the loop (``build(params)(dataset, fit_rows)`` makes the model) with early
    stopping on the seeded validation slice; the setting with the lowest validation RMSE, its test RMSE and test predictions."""
    start = time.perf_counter()
    trials = []
    for params in settings(space):
        result = train_and_evaluate(dataset, split, build(params), replace(train, seed=seed))
        trials.append({"params": params, "val_rmse": result.val_rmse, "rmse": result.metrics["rmse"], "best_epoch": result.best_epoch,
                       "predictions": result.test_predictions})  # fmt: skip
    best = min(trials, key=lambda t: t["val_rmse"])
    return {"model": name, "params": best["params"], "val_rmse": best["val_rmse"], "rmse": best["rmse"], "predictions": best["predictions"],
            "trials": [{k: v for k, v in t.items() if k not in ("rmse", "predictions")} for t in trials], "seconds": time.perf_counter() - start}  # fmt: skip
