"""Task labels: t1 rating, t2 genre (multi-hot), t3 gender, t4 age group.

Age groups follow the MovieLens-1M bins: under 18, 18-24, 25-34, 35-44, 45-49, 50-55, 56+
(ML-100K ages run from 7 to 73).
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from ..errors import MTM4FError
from .container import MultiModalDataset

TASKS = ("rating", "genre", "gender", "age")
AGE_BINS = (0, 18, 25, 35, 45, 50, 56, 200)
AGE_LABELS = ("<18", "18-24", "25-34", "35-44", "45-49", "50-55", "56+")


def age_group(ages) -> np.ndarray:
    """Index of each age's bin in AGE_LABELS."""
    return np.digitize(np.asarray(ages, dtype=float), AGE_BINS[1:-1])


def available_tasks(dataset: MultiModalDataset) -> tuple[str, ...]:
    return TASKS if dataset.has_demographics else ("rating", "genre")


def task_labels(dataset: MultiModalDataset, rows: np.ndarray, tasks=TASKS) -> dict[str, np.ndarray]:
    """Labels of the given rating rows for each task; gender/age raise on a source without them."""
    missing = [t for t in tasks if t not in available_tasks(dataset)]
    unknown = [t for t in tasks if t not in TASKS]
    if unknown:
        raise MTM4FError(f"Unknown task(s) {unknown}; tasks are {list(TASKS)}.")
    if missing:
        raise MTM4FError(f"Task(s) {missing} are unavailable on {dataset.name!r}: the source has no user demographics. Use tasks rating, genre.")
    frame = dataset.ratings.iloc[rows]
    users = frame["user"].to_numpy()
    items = frame["item"].to_numpy()
    labels = {}
    for task in tasks:
        if task == "rating":
            labels[task] = frame["rating"].to_numpy(dtype=np.float32)
        elif task == "genre":
            labels[task] = dataset.genres[items].astype(np.float32)
        elif task == "gender":
            labels[task] = (dataset.users["gender"].to_numpy()[users] == "F").astype(np.int64)
        else:
            labels[task] = age_group(dataset.users["age"].to_numpy()[users]).astype(np.int64)
    return labels


def age_group_counts(dataset: MultiModalDataset) -> pd.Series:
    groups = pd.Categorical.from_codes(age_group(dataset.users["age"]), AGE_LABELS)
    return pd.Series(groups).value_counts().reindex(AGE_LABELS)
