"""Statistics over single test ratings, read from the predictions the run store keeps beside each run:
a paired test of two models on the same test ratings, and the RMSE per item-popularity bucket.

Pairing: for each test rating (a row of the dataset's ratings) the squared error of each model is
averaged over the seeds whose test set holds that rating (every seed, under a fixed split; the seeds
that held its movie out, under item cold start), and the two models' averages are compared by a
paired t-test over the ratings both models predicted. Ratings of one user are not independent, so the
p-value is a guide, not an exact level; the over-seed test of ``table_references`` sits beside it.
Popularity: the number of ratings the movie has in the run's training rows (the validation slice included).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from ..data.container import MultiModalDataset
from ..errors import MTM4FError
from .reference_runs import reference_split
from .runs import RunStore

POPULARITY_EDGES = (0, 1, 10, 50, 150)  # a bucket holds movies with at least its edge and fewer than the next edge's training ratings
POPULARITY_LABELS = ("unseen", "1-9", "10-49", "50-149", "150+")


def popularity_bucket(counts: np.ndarray) -> np.ndarray:
    """The label of the bucket of each training-rating count (``POPULARITY_EDGES``)."""
    return np.asarray(POPULARITY_LABELS)[np.searchsorted(POPULARITY_EDGES, counts, side="right") - 1]


def rated_errors(dataset: MultiModalDataset, specs: dict, store: RunStore, data_dir=None) -> pd.DataFrame:
    """One row per (model, protocol, seed, test rating) with a stored prediction: the rating's row, its squared
    error and its movie's popularity bucket. ``specs``: {(model, protocol): [spec per seed]} as ``table_references.grid`` makes them."""
    ratings, items = dataset.ratings["rating"].to_numpy(), dataset.ratings["item"].to_numpy()
    frames = []
    for (model, kind), seeded in specs.items():
        for spec in seeded:
            predicted = store.predictions(spec)
            if predicted is None:
                continue
            split = reference_split(dataset, kind, spec.seed, data_dir)
            if len(predicted) != len(split.test):
                raise MTM4FError(f"The stored predictions of run {spec.key} ({len(predicted)}) do not match its {len(split.test)} test rows; rerun it.")
            counts = np.bincount(items[split.train], minlength=dataset.n_items)[items[split.test]]
            frames.append(pd.DataFrame({"model": model, "protocol": kind, "seed": spec.seed, "row": split.test,
                                        "squared_error": (predicted - ratings[split.test]) ** 2, "bucket": popularity_bucket(counts)}))  # fmt: skip
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=["model", "protocol", "seed", "row", "squared_error", "bucket"])


def paired_rating_test(errors: pd.DataFrame, reference: str, model: str, protocol: str) -> dict:
    """``reference`` against ``model`` under ``protocol`` on the same test ratings: the number of ratings, the
    paired t-test's p and the mean of the reference's minus the model's squared error (NaN where none pair)."""
    part = errors[(errors["protocol"] == protocol) & errors["model"].isin([reference, model])]
    per_rating = part.groupby(["row", "model"])["squared_error"].mean().unstack("model").dropna()
    if model == reference or not {reference, model} <= set(per_rating.columns) or len(per_rating) < 2:
        return {"rated pairs": len(per_rating) if model != reference else np.nan, "per-rating paired t-test p": np.nan}
    test = stats.ttest_rel(per_rating[reference], per_rating[model])
    return {"rated pairs": len(per_rating), "per-rating paired t-test p": float(test.pvalue)}


def bucket_rmse(errors: pd.DataFrame) -> pd.DataFrame:
    """Per (protocol, model, bucket), in the grid's order: the RMSE per seed averaged over seeds, its std and the test ratings per seed (mean)."""
    per_seed = errors.groupby(["model", "protocol", "bucket", "seed"], sort=False)["squared_error"].agg(["mean", "size"])
    per_seed["rmse"] = np.sqrt(per_seed["mean"])
    out = per_seed.groupby(["model", "protocol", "bucket"], sort=False).agg(rmse=("rmse", "mean"), std=("rmse", "std"), ratings=("size", "mean"))
    out = out.reset_index()
    for column, order in (("protocol", errors["protocol"].unique()), ("model", errors["model"].unique()), ("bucket", POPULARITY_LABELS)):
        out[column] = pd.Categorical(out[column], [c for c in order if c in set(out[column])], ordered=True)  # the grid's order, buckets by size
    out["ratings"] = out["ratings"].round().astype(int)
    return out.sort_values(["protocol", "model", "bucket"]).reset_index(drop=True)
