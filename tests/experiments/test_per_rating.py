"""Statistics over single test ratings: the popularity buckets, the paired test and the stored predictions they read."""

import numpy as np
import pandas as pd

from mtm4f_lib.experiments.per_rating import bucket_rmse, paired_rating_test, popularity_bucket


def test_a_movie_falls_in_the_bucket_of_its_training_ratings():
    assert list(popularity_bucket(np.array([0, 1, 9, 10, 49, 50, 149, 150, 900]))) == [
        "unseen",
        "1-9",
        "1-9",
        "10-49",
        "10-49",
        "50-149",
        "50-149",
        "150+",
        "150+",
    ]


def _errors(rng, shift):
    rows = np.arange(400)
    base = rng.normal(0, 1, (2, len(rows))) ** 2
    frames = [pd.DataFrame({"model": m, "protocol": "full", "seed": seed, "row": rows, "squared_error": base[seed] + (shift if m == "B" else 0),
                            "bucket": np.where(rows < 200, "1-9", "150+")}) for m in ("A", "B") for seed in (0, 1)]  # fmt: skip
    return pd.concat(frames, ignore_index=True)


def test_the_paired_test_pairs_each_rating_once_and_finds_a_planted_gap():
    rng = np.random.default_rng(0)
    found = paired_rating_test(_errors(rng, 0.3), "A", "B", "full")
    assert found["rated pairs"] == 400 and found["per-rating paired t-test p"] < 1e-6
    assert paired_rating_test(_errors(rng, 0.0), "A", "B", "full")["per-rating paired t-test p"] != found["per-rating paired t-test p"]
    assert np.isnan(paired_rating_test(_errors(rng, 0.3), "A", "A", "full")["per-rating paired t-test p"])
    assert np.isnan(paired_rating_test(_errors(rng, 0.3), "A", "C", "full")["per-rating paired t-test p"])  # C predicted nothing


def test_bucket_rmse_averages_each_seeds_rmse():
    errors = _errors(np.random.default_rng(1), 0.3)
    buckets = bucket_rmse(errors).set_index(["model", "bucket"])
    part = errors[(errors["model"] == "B") & (errors["bucket"] == "150+")]
    expected = np.mean([np.sqrt(g["squared_error"].mean()) for _, g in part.groupby("seed")])
    assert np.isclose(buckets.loc[("B", "150+"), "rmse"], expected) and buckets.loc[("B", "150+"), "ratings"] == 200
