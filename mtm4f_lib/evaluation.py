"""Metrics: rating RMSE (predictions clipped to the rating range), genre micro-F1, gender and age accuracy."""

from __future__ import annotations

import numpy as np
from sklearn.metrics import f1_score

from .data.tasks import get_task
from .errors import MTM4FError


def _same_length(a: np.ndarray, b: np.ndarray, what: str) -> None:
    if len(a) != len(b) or len(a) == 0:
        raise MTM4FError(f"{what}: predictions and labels must be non-empty and of equal length, got {len(a)} and {len(b)}.")


def rmse(predicted, true, rating_range: tuple[float, float] | None = None) -> float:
    """Root mean squared error; ``rating_range`` clips the predictions first."""
    predicted, true = np.asarray(predicted, dtype=float), np.asarray(true, dtype=float)
    _same_length(predicted, true, "RMSE")
    if rating_range is not None:
        predicted = np.clip(predicted, *rating_range)
    return float(np.sqrt(np.mean((predicted - true) ** 2)))


def genre_f1(probabilities, true, threshold: float = 0.5) -> float:
    """Micro-averaged F1 of the multi-hot genres, a genre predicted where its probability >= threshold."""
    probabilities, true = np.asarray(probabilities), np.asarray(true)
    _same_length(probabilities, true, "genre F1")
    return float(f1_score(true.astype(int), (probabilities >= threshold).astype(int), average="micro", zero_division=0))


def accuracy(predicted_labels, true) -> float:
    predicted_labels, true = np.asarray(predicted_labels), np.asarray(true)
    _same_length(predicted_labels, true, "accuracy")
    return float(np.mean(predicted_labels == true))


def _rating_score(value, label, rating_range) -> float:
    return rmse(value, label, rating_range)


def _multilabel_score(value, label, rating_range) -> float:
    return genre_f1(value, label)


def _binary_score(value, label, rating_range) -> float:
    return accuracy(np.asarray(value) >= 0.5, np.asarray(label) == 1)


def _multiclass_score(value, label, rating_range) -> float:
    return accuracy(np.asarray(value).argmax(axis=1), label)


def _mean(train: np.ndarray, n: int) -> np.ndarray:
    return np.full(n, train.mean()) if train.ndim == 1 else np.tile(train.mean(axis=0), (n, 1))


def _majority(train: np.ndarray, n: int) -> np.ndarray:
    return np.full(n, float(train.mean() >= 0.5))


def _class_shares(train: np.ndarray, n: int) -> np.ndarray:
    return np.tile(np.bincount(train.astype(int), minlength=int(train.max()) + 1) / len(train), (n, 1))


# Per task kind: the metric of predictions against labels, and the input-free predictor fitted on the
# training labels (rating: the mean; genre: each genre's prevalence as its probability, so F1 at 0.5
# counts the genres most movies have; gender: the majority class; age: the class shares, arg-max the majority).
KIND_METRICS = {
    "regression": (_rating_score, _mean),
    "multilabel": (_multilabel_score, _mean),
    "binary": (_binary_score, _majority),
    "multiclass": (_multiclass_score, _class_shares),
}


def task_metrics(predictions: dict[str, np.ndarray], labels: dict[str, np.ndarray], rating_range: tuple[float, float]) -> dict[str, float]:
    """One metric per predicted task (the registry's name for it): rmse, genre_f1, gender_acc (probability >= 0.5 is F), age_acc (arg-max group)."""
    tasks = {t: get_task(t) for t in predictions}
    return {task.metric: KIND_METRICS[task.kind][0](predictions[t], labels[t], rating_range) for t, task in tasks.items()}


def global_mean_rmse(train_ratings, test_ratings) -> float:
    """RMSE of predicting the training mean for every test rating: the baseline every model must beat."""
    train_ratings = np.asarray(train_ratings, dtype=float)
    if len(train_ratings) == 0:
        raise MTM4FError("global_mean_rmse needs at least one training rating.")
    return rmse(np.full(len(test_ratings), train_ratings.mean()), test_ratings)


def trivial_baselines(train_labels: dict[str, np.ndarray], test_labels: dict[str, np.ndarray], rating_range: tuple[float, float]) -> dict[str, float]:
    """Each task's metric for a predictor that ignores its input, fitted on the training labels (see ``KIND_METRICS``)."""
    predictions = {t: KIND_METRICS[get_task(t).kind][1](np.asarray(train), len(test_labels[t])) for t, train in train_labels.items()}
    return task_metrics(predictions, test_labels, rating_range)
