"""The official ML-100K folds and the item cold-start split."""

import numpy as np
import pytest

from mtm4f_lib.data.splits import FOLDS, cold_start_split, official_fold
from mtm4f_lib.errors import MTM4FError


@pytest.mark.realdata
def test_the_official_folds_have_their_counts_and_partition_the_ratings(ml100k, data_dir):
    tests = []
    for fold in FOLDS:
        split = official_fold(ml100k, fold, data_dir)
        assert split.name == f"u{fold}" and split.counts == (80_000, 20_000)
        assert len(np.union1d(split.train, split.test)) == ml100k.n_ratings
        tests.append(split.test)
    assert np.array_equal(np.sort(np.concatenate(tests)), np.arange(ml100k.n_ratings))  # u1..u5 test sets: a partition
    assert np.array_equal(official_fold(ml100k, 1, data_dir).test, ml100k.split.test)


def test_folds_are_ml100k_only(synthetic):
    with pytest.raises(MTM4FError, match="official folds u1..u5 are ML-100K's"):
        official_fold(synthetic, 1)


def test_cold_start_holds_no_test_movie_in_training(synthetic):
    split = cold_start_split(synthetic, 0.2, seed=3)
    items = synthetic.ratings["item"].to_numpy()
    assert not np.intersect1d(items[split.train], items[split.test]).size
    assert len(split.train) + len(split.test) == synthetic.n_ratings
    assert len(np.unique(items[split.test])) == round(0.2 * len(np.unique(items)))
    assert np.array_equal(cold_start_split(synthetic, 0.2, seed=3).test, split.test) and not np.array_equal(
        cold_start_split(synthetic, 0.2, seed=4).test, split.test
    )
    with pytest.raises(MTM4FError, match="strictly between 0 and 1"):
        cold_start_split(synthetic, 1.0)


def test_the_cold_start_validation_slice_holds_out_whole_movies(synthetic):
    from mtm4f_lib.data import validation_slice

    split = cold_start_split(synthetic, 0.2, seed=1)
    fit, val = validation_slice(split, 0.1, seed=0)
    items = synthetic.ratings["item"].to_numpy()
    assert not np.intersect1d(items[fit.train], items[val]).size and len(val) > 0  # validation movies are unseen by the fitting rows
    assert np.array_equal(np.sort(np.concatenate([fit.train, val])), split.train)
    plain_fit, plain_val = validation_slice(synthetic.split, 0.1, seed=0)
    assert len(plain_val) == round(0.1 * len(synthetic.split.train)) and np.intersect1d(items[plain_fit.train], items[plain_val]).size
