"""The task registry: t1 rating, t2 genre (multi-hot), t3 gender, t4 age group.

Each :class:`Task` names its kind, its output width, how its labels are read off rating rows, and its
metric. Behaviour is defined per kind in one table each, next to the code that uses it: predictions
and losses in ``models.multitask`` (``KIND_OUTPUTS``), metrics and input-free baselines in
``evaluation`` (``KIND_METRICS``). A new task of an existing kind is one more entry in ``TASK_REGISTRY``.

Age groups follow the MovieLens-1M bins: under 18, 18-24, 25-34, 35-44, 45-49, 50-55, 56+
(ML-100K ages run from 7 to 73).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..errors import MTM4FError, check_choice
from .container import MultiModalDataset

AGE_BINS = (0, 18, 25, 35, 45, 50, 56, 200)
AGE_LABELS = ("<18", "18-24", "25-34", "35-44", "45-49", "50-55", "56+")
KINDS = ("regression", "multilabel", "binary", "multiclass")


def age_group(ages) -> np.ndarray:
    """Index of each age's bin in AGE_LABELS."""
    return np.digitize(np.asarray(ages, dtype=float), AGE_BINS[1:-1])


@dataclass(frozen=True)
class Task:
    """One task: ``kind`` (regression, multilabel, binary, multiclass), ``metric`` (its key in a run's
    metrics), ``width(n_genres)`` (output units), ``labels(dataset, rows_frame)`` and whether it needs
    user demographics."""

    name: str
    kind: str
    metric: str
    width: Callable[[int], int]
    labels: Callable[[MultiModalDataset, pd.DataFrame], np.ndarray]
    demographic: bool = False

    def __post_init__(self):
        check_choice(f"kind of task {self.name!r}", self.kind, KINDS)


TASK_REGISTRY: dict[str, Task] = {
    "rating": Task("rating", "regression", "rmse", lambda n_genres: 1, lambda ds, rows: rows["rating"].to_numpy(dtype=np.float32)),
    "genre": Task("genre", "multilabel", "genre_f1", lambda n_genres: n_genres, lambda ds, rows: ds.genres[rows["item"].to_numpy()].astype(np.float32)),
    "gender": Task(
        "gender",
        "binary",
        "gender_acc",
        lambda n_genres: 1,
        lambda ds, rows: (ds.users["gender"].to_numpy()[rows["user"].to_numpy()] == "F").astype(np.int64),
        demographic=True,
    ),  # fmt: skip
    "age": Task(
        "age",
        "multiclass",
        "age_acc",
        lambda n_genres: len(AGE_LABELS),
        lambda ds, rows: age_group(ds.users["age"].to_numpy()[rows["user"].to_numpy()]).astype(np.int64),
        demographic=True,
    ),  # fmt: skip
}
TASKS = tuple(TASK_REGISTRY)


def get_task(name: str) -> Task:
    return TASK_REGISTRY[check_choice("task", name, TASKS)]


def available_tasks(dataset: MultiModalDataset) -> tuple[str, ...]:
    return tuple(t for t in TASKS if dataset.has_demographics or not TASK_REGISTRY[t].demographic)


def task_labels(dataset: MultiModalDataset, rows: np.ndarray, tasks=TASKS) -> dict[str, np.ndarray]:
    """Labels of the given rating rows for each task; demographic tasks raise on a source without demographics."""
    chosen = [get_task(t) for t in tasks]
    missing = [t.name for t in chosen if t.name not in available_tasks(dataset)]
    if missing:
        raise MTM4FError(f"Task(s) {missing} are unavailable on {dataset.name!r}: the source has no user demographics. Use tasks rating, genre.")
    frame = dataset.ratings.iloc[rows]
    return {t.name: t.labels(dataset, frame) for t in chosen}


def age_group_counts(dataset: MultiModalDataset) -> pd.Series:
    groups = pd.Categorical.from_codes(age_group(dataset.users["age"]), AGE_LABELS)
    return pd.Series(groups).value_counts().reindex(AGE_LABELS)
