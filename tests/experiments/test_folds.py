"""The protocol 'folds': ML-100K's official folds u1..u5 as five runs (seeds 0-4), fold u1 shared with 'full'."""

from dataclasses import replace

import numpy as np
import pytest

from mtm4f_lib.data.splits import official_fold, seeded_split
from mtm4f_lib.errors import MTM4FError
from mtm4f_lib.evaluation import global_mean_rmse
from mtm4f_lib.experiments import PROFILES, RunStore
from mtm4f_lib.experiments.reference_runs import ReferenceSpec, reference_split
from mtm4f_lib.experiments.table_references import grid


@pytest.mark.realdata
def test_seed_s_reads_fold_s_plus_one_and_fold_u1_is_the_full_protocol(ml100k, data_dir):
    for seed in range(5):
        split, fold = reference_split(ml100k, "folds", seed, data_dir), official_fold(ml100k, seed + 1, data_dir)
        assert np.array_equal(split.train, fold.train) and np.array_equal(split.test, fold.test)
    assert np.array_equal(reference_split(ml100k, "folds", 0, data_dir).test, reference_split(ml100k, "full", 0).test)
    specs = grid(ml100k, PROFILES["quick"], ("folds",), ("MTM4F", "BaselineOnly"))
    assert [s.seed for s in specs[("MTM4F", "folds")]] == [0, 1, 2, 3, 4]
    assert [s.protocol for s in specs[("BaselineOnly", "folds")]] == ["full", "folds", "folds", "folds", "folds"]
    with pytest.raises(MTM4FError, match="seeds 0-4 are the five folds"):
        seeded_split(ml100k, "folds", 5, data_dir)


@pytest.mark.realdata
def test_a_reference_on_a_fold_learns_from_that_folds_training_rows(ml100k, data_dir, tmp_path):
    store = RunStore(tmp_path)
    spec = ReferenceSpec("ml100k", "BaselineOnly", seed=2, protocol="folds")
    record = spec.trained_record(str(data_dir), store)
    fold = official_fold(ml100k, 3, data_dir)
    ratings = ml100k.ratings["rating"].to_numpy()
    assert record["result"]["counts"] == {"train": 80_000, "test": 20_000}
    assert record["result"]["metrics"]["rmse"] < global_mean_rmse(ratings[fold.train], ratings[fold.test]) - 0.1
    assert np.isclose(np.sqrt(np.mean((store.predictions(spec) - ratings[fold.test]) ** 2)), record["result"]["metrics"]["rmse"], atol=1e-5)
    assert replace(spec, seed=3).key != spec.key


def test_folds_are_refused_where_a_dataset_has_none(synthetic):
    with pytest.raises(MTM4FError, match="protocol 'folds' reads ML-100K's official folds"):
        grid(synthetic, PROFILES["quick"], ("folds",), ("SVD",))
