"""Metrics: rating RMSE (predictions clipped to the rating range), genre micro-F1, gender and age accuracy."""
from __future__ import annotations

import numpy as np
from sklearn.metrics import f1_score

from .errors import MTM4FError

METRIC_OF_TASK = {"rating": "rmse", "genre": "genre_f1", "gender": "gender_acc", "age": "age_acc"}


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


def task_metrics(predictions: dict[str, np.ndarray], labels: dict[str, np.ndarray], rating_range: tuple[float, float]) -> dict[str, float]:
    """One metric per predicted task: rmse, genre_f1, gender_acc (probability >= 0.5 is F), age_acc (arg-max group)."""
    unknown = [t for t in predictions if t not in METRIC_OF_TASK]
    if unknown:
        raise MTM4FError(f"No metric for task(s) {unknown}; tasks are {list(METRIC_OF_TASK)}.")
    metrics = {}
    for task, value in predictions.items():
        if task == "rating":
            metrics["rmse"] = rmse(value, labels[task], rating_range)
        elif task == "genre":
            metrics["genre_f1"] = genre_f1(value, labels[task])
        elif task == "gender":
            metrics["gender_acc"] = accuracy(np.asarray(value) >= 0.5, np.asarray(labels[task]) == 1)
        else:
            metrics["age_acc"] = accuracy(np.asarray(value).argmax(axis=1), labels[task])
    return metrics


def global_mean_rmse(train_ratings, test_ratings) -> float:
    """RMSE of predicting the training mean for every test rating: the baseline every model must beat."""
    train_ratings = np.asarray(train_ratings, dtype=float)
    if len(train_ratings) == 0:
        raise MTM4FError("global_mean_rmse needs at least one training rating.")
    return rmse(np.full(len(test_ratings), train_ratings.mean()), test_ratings)


def trivial_baselines(train_labels: dict[str, np.ndarray], test_labels: dict[str, np.ndarray], rating_range: tuple[float, float]) -> dict[str, float]:
    """Each task's metric for a predictor that ignores its input, fitted on the training labels.

    rating: the training mean; genre: every training genre prevalence as the probability (F1 at
    0.5 then counts the genres most movies have); gender, age: the training majority class.
    """
    predictions = {}
    for task, train in train_labels.items():
        n = len(test_labels[task])
        train = np.asarray(train)
        if task == "rating":
            predictions[task] = np.full(n, train.mean())
        elif task == "genre":
            predictions[task] = np.tile(train.mean(axis=0), (n, 1))
        elif task == "gender":
            predictions[task] = np.full(n, float(train.mean() >= 0.5))
        else:
            predictions[task] = np.tile(np.bincount(train.astype(int), minlength=int(train.max()) + 1) / len(train), (n, 1))
    return task_metrics(predictions, test_labels, rating_range)
