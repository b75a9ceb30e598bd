"""ContentBaseline: the baseline predictor whose item bias has a prior read from the movie's modalities."""

import numpy as np

from mtm4f_lib.data.splits import cold_start_split
from mtm4f_lib.evaluation import global_mean_rmse, rmse
from mtm4f_lib.experiments import RunStore, run_grid
from mtm4f_lib.experiments.reference_runs import ReferenceSpec
from mtm4f_lib.models.baselines import CONTENT_SPACE, TUNING_BUDGET, content_predictions, tune_content
from mtm4f_lib.models.baselines.tuning import settings


def test_the_content_baseline_beats_the_global_mean_within_the_tuning_budget(synthetic):
    result = tune_content(synthetic, synthetic.split)
    ratings = synthetic.ratings["rating"].to_numpy()
    assert result["rmse"] < global_mean_rmse(ratings[synthetic.split.train], ratings[synthetic.split.test])
    assert len(settings(CONTENT_SPACE)) == len(result["trials"]) == TUNING_BUDGET


def test_the_content_prior_predicts_movies_unseen_in_training_better_than_the_user_biases_alone(synthetic):
    """Synthetic item biases are linear in the modalities: the prior must find them; an infinite penalty leaves user biases only."""
    split = cold_start_split(synthetic, seed=0)
    ratings = synthetic.ratings["rating"].to_numpy()[split.test]
    with_prior, without = (content_predictions(synthetic, split.train, [split.test], {"alpha": a, "reg_i": 10.0, "reg_u": 10.0})[0] for a in (1e3, 1e12))
    assert rmse(with_prior, ratings, synthetic.rating_range) < rmse(without, ratings, synthetic.rating_range) - 0.015
    repeated = content_predictions(synthetic, split.train, [split.test], {"alpha": 1e3, "reg_i": 10.0, "reg_u": 10.0})[0]
    assert np.array_equal(with_prior, repeated)


def test_a_content_baseline_run_is_stored_with_its_predictions_and_refits(synthetic, tmp_path):
    store = RunStore(tmp_path / "runs")
    specs = [ReferenceSpec("synthetic", "ContentBaseline", 0, "cold", refit) for refit in (False, True)]
    records = run_grid(specs, store, progress=False)
    plain, refitted = (records[spec.key]["result"] for spec in specs)
    assert plain["params"] == refitted["params"] and plain["metrics"]["rmse"] != refitted["metrics"]["rmse"]
    assert all(len(store.predictions(spec)) == plain["counts"]["test"] for spec in specs)
