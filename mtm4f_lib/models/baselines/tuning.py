"""The tuning budget every model gets, ours and the baselines alike, the settings of a search space, and the
search for a torch model trained by the package's loop."""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable
from dataclasses import replace

import numpy as np

from ...data import MultiModalDataset, Split, validation_slice
from ...evaluation import rmse
from ...training import TrainConfig, train_and_evaluate

TUNING_BUDGET = 6  # settings tried per model on the validation slice


def settings(space: dict) -> list[dict]:
    """Every combination of a search space ``{parameter: values}``, in order."""
    return [dict(zip(space, values)) for values in itertools.product(*space.values())]


def tune_fitted(dataset: MultiModalDataset, split: Split, name: str, space: dict, predict: Callable, val_fraction: float = 0.1, seed: int = 0) -> dict:
    """Every setting of ``space`` fitted outside the loop by ``predict(fit_rows, [rows, ...], params)`` (estimates per
    array of rows) on the training rows minus the seeded validation slice; the setting with the lowest validation RMSE,
    its test RMSE and test predictions (clipped to the rating range), the trials and seconds."""
    start = time.perf_counter()
    fit_split, val_rows = validation_slice(split, val_fraction, seed)
    ratings = dataset.ratings["rating"].to_numpy()
    trials, best = [], None
    for params in settings(space):
        val, test = predict(fit_split.train, [val_rows, split.test], params)
        trials.append({"params": params, "val_rmse": rmse(val, ratings[val_rows], dataset.rating_range)})
        if best is None or trials[-1]["val_rmse"] < best[0]["val_rmse"]:
            best = (trials[-1], test)
    chosen, test = best
    return {"model": name, "params": chosen["params"], "val_rmse": chosen["val_rmse"], "rmse": rmse(test, ratings[split.test], dataset.rating_range),
            "predictions": np.clip(test, *dataset.rating_range), "trials": trials, "seconds": time.perf_counter() - start}  # fmt: skip


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
