"""Variants of one table cell: its run with some model or training settings changed, over seeds.

A variant is written ``field=value,...``: a :class:`~mtm4f_lib.models.ModelConfig` field, or
``train.<field>`` for a :class:`~mtm4f_lib.training.TrainConfig` one; values are read as JSON
(``dropout=0.3``, ``fusion_hidden=[256,128]``) or else as text (``gat=gatv2``). ``base`` is the cell as
the table runs it. Variants are ranked by mean validation RMSE; the test RMSE stands beside it and
never chooses. Runs go through the run store, so a comparison resumes and a repeated one reads back.
"""

from __future__ import annotations

import dataclasses
import json

import numpy as np
import pandas as pd

from ..errors import MTM4FError
from ..models import ModelConfig
from ..training import TrainConfig
from .profiles import Profile, get_profile
from .registry import find_column
from .runs import RunSpec, RunStore, prepared_dataset, run_grid

BASE = "base"
MODEL_FIELDS = tuple(f.name for f in dataclasses.fields(ModelConfig) if f.name != "modalities")
TRAIN_FIELDS = tuple(f.name for f in dataclasses.fields(TrainConfig) if f.name not in ("seed", "device"))


def _value(text: str):
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        return text


def field_changes(values: dict, what: str) -> dict[str, dict]:
    """``{'dropout': 0.3, 'train.lr': 0.001}`` -> ``{'model': {'dropout': 0.3}, 'train': {'lr': 0.001}}``; a name that is
    no field stops with one message that starts with ``what``."""
    out = {"model": {}, "train": {}}
    for name, value in values.items():
        part, field = ("train", name[len("train.") :]) if name.startswith("train.") else ("model", name)
        if field not in (TRAIN_FIELDS if part == "train" else MODEL_FIELDS):
            raise MTM4FError(
                f"{what}: {name!r} is not a settable field. Model fields: {', '.join(MODEL_FIELDS)}; training fields: "
                f"train.{', train.'.join(TRAIN_FIELDS)} (the modalities come from the subset, seed and device from their own options)."
            )
        out[part][field] = value
    return out


def parse_variant(text: str) -> dict[str, dict]:
    """``'dropout=0.3,train.lr=0.001'`` -> ``{'model': {'dropout': 0.3}, 'train': {'lr': 0.001}}``; ``'base'`` -> no change."""
    if text.strip() == BASE:
        return {"model": {}, "train": {}}
    pairs = {}
    for item in text.split(","):
        name, sep, value = item.partition("=")
        if not sep:
            raise MTM4FError(f"Variant {text!r}: write field=value pairs joined by commas, or 'base'; {item.strip()!r} is not one.")
        pairs[name.strip()] = _value(value.strip())
    return field_changes(pairs, f"Variant {text!r} (write field=value pairs joined by commas, or 'base')")


def changed_spec(spec: RunSpec, changes: dict[str, dict], what: str) -> RunSpec:
    """``spec`` with ``changes`` (as :func:`field_changes` gives them); the configs check the values and say what is wrong."""
    try:
        return dataclasses.replace(spec, model=dataclasses.replace(spec.model, **changes["model"]), train=dataclasses.replace(spec.train, **changes["train"]))
    except (TypeError, ValueError) as exc:
        raise MTM4FError(f"{what} has a value of the wrong kind: {exc}.") from exc


def variant_spec(spec: RunSpec, text: str) -> RunSpec:
    """``spec`` with the variant's settings."""
    return changed_spec(spec, parse_variant(text), f"Variant {text!r}")


def _std(values: np.ndarray) -> float:
    return float(np.std(values, ddof=1)) if len(values) > 1 else float("nan")


def compare_variants(
    dataset: str,
    column: str,
    subset: str,
    variants,
    profile: str | Profile = "quick",
    data_dir=None,
    workers: int = 1,
    store: RunStore | None = None,
    progress: bool = True,
) -> pd.DataFrame:
    """One row per variant of the cell (``column`` on ``subset``), best validation RMSE first.

    Columns: variant, val_rmse and test_rmse (means over the profile's seeds), their standard
    deviations, epochs and seconds summed over the seeds, and ``chosen`` (the lowest validation RMSE).
    """
    profile = get_profile(profile)
    variants = list(dict.fromkeys(variants)) or [BASE]
    ds = prepared_dataset(dataset, data_dir)
    chosen_column = find_column(column)
    if (reason := chosen_column.reason_unavailable(ds)) is not None:
        raise MTM4FError(f"Column {column!r} cannot run on {dataset}: {reason}.")
    specs = {v: [variant_spec(chosen_column.spec(ds, subset, profile, seed), v) for seed in profile.seeds] for v in variants}
    records = run_grid([s for runs in specs.values() for s in runs], store, data_dir, workers, progress)
    rows = []
    for variant, runs in specs.items():
        results = [records[s.key]["result"] for s in runs]
        val, test = np.array([r["val_rmse"] for r in results]), np.array([r["metrics"]["rmse"] for r in results])
        rows.append(
            {
                "variant": variant,
                "val_rmse": float(val.mean()),
                "val_std": _std(val),
                "test_rmse": float(test.mean()),
                "test_std": _std(test),
                "epochs_total": sum(len(r["history"]) for r in results),
                "seconds_total": round(sum(r["seconds"] for r in results)),
            }
        )
    frame = pd.DataFrame(rows).sort_values("val_rmse", kind="stable").reset_index(drop=True)
    frame["chosen"] = frame.index == 0
    return frame
