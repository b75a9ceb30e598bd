"""Collaborative-filtering references: Surprise's models and the package's biased MF, on synthetic and real rows."""

import pytest
import torch

from mtm4f_lib.data import validation_slice
from mtm4f_lib.evaluation import global_mean_rmse, rmse
from mtm4f_lib.models.baselines import MF_TRAIN, SURPRISE_MODELS, TUNING_BUDGET, BiasedMF, surprise_predictions, tune_biased_mf, tune_lightgcn, tune_surprise
from mtm4f_lib.training import TrainConfig, train_and_evaluate


def test_every_reference_gets_the_same_tuning_budget():
    assert {name: len(model.settings()) for name, model in SURPRISE_MODELS.items()} == dict.fromkeys(SURPRISE_MODELS, TUNING_BUDGET)


@pytest.mark.parametrize("name", list(SURPRISE_MODELS))
def test_each_surprise_model_beats_the_global_mean(synthetic, name):
    split = synthetic.split
    result = tune_surprise(synthetic, split, name)
    ratings = synthetic.ratings["rating"].to_numpy()
    assert result["rmse"] < global_mean_rmse(ratings[split.train], ratings[split.test])
    assert len(result["trials"]) == TUNING_BUDGET and result["val_rmse"] == min(t["val_rmse"] for t in result["trials"])


def test_biased_mf_beats_the_global_mean_and_repeats_with_its_seed(synthetic):
    split = synthetic.split
    runs = [
        train_and_evaluate(synthetic, split, lambda ds, rows: BiasedMF.from_dataset(ds, rows, 16, 0.05), TrainConfig(max_epochs=30, patience=3, lr=1e-2))
        for _ in range(2)
    ]
    ratings = synthetic.ratings["rating"].to_numpy()
    assert runs[0].metrics["rmse"] < global_mean_rmse(ratings[split.train], ratings[split.test])
    assert runs[0].metrics == runs[1].metrics


@pytest.mark.realdata
def test_biased_mf_matches_surprise_svd_on_u1(ml100k):
    """The same model, objective and settings (100 factors, reg 0.08) on the same fitting rows of u1: within 0.005 RMSE."""
    ours = train_and_evaluate(ml100k, ml100k.split, lambda ds, rows: BiasedMF.from_dataset(ds, rows, 100, 0.08), MF_TRAIN)
    fit_split, _ = validation_slice(ml100k.split, MF_TRAIN.val_fraction, MF_TRAIN.seed)
    (theirs,) = surprise_predictions(ml100k, fit_split.train, [ml100k.split.test], "SVD", {"n_factors": 100, "reg_all": 0.08, "n_epochs": 50})
    surprise_rmse = rmse(theirs, ml100k.ratings["rating"].to_numpy()[ml100k.split.test], ml100k.rating_range)
    assert ours.metrics["rmse"] < 0.94 and abs(ours.metrics["rmse"] - surprise_rmse) < 0.005


def test_biased_mf_is_tuned_on_validation_with_the_same_budget(synthetic):
    result = tune_biased_mf(synthetic, synthetic.split, seed=0, train=TrainConfig(max_epochs=20, patience=3, lr=1e-2, batch_size=512))
    assert len(result["trials"]) == TUNING_BUDGET and result["val_rmse"] == min(t["val_rmse"] for t in result["trials"])
    ratings = synthetic.ratings["rating"].to_numpy()
    assert result["rmse"] < global_mean_rmse(ratings[synthetic.split.train], ratings[synthetic.split.test])


def test_a_movie_unseen_in_training_gets_the_mean_plus_the_user_bias(synthetic):
    from mtm4f_lib.data.splits import cold_start_split

    split = cold_start_split(synthetic, seed=1)
    model = BiasedMF.from_dataset(synthetic, split.train, 8, 0.05)
    torch.nn.init.normal_(model.user_bias.weight)  # the user side as training leaves it; the unseen movie's factors stay random
    rows = synthetic.ratings.iloc[split.test[:5]]
    users, items = torch.as_tensor(rows["user"].to_numpy()), torch.as_tensor(rows["item"].to_numpy())
    with torch.no_grad():
        assert torch.allclose(model.terms(users, items)[0], model.mean + model.user_bias(users).squeeze(1))


def test_lightgcn_is_tuned_with_the_same_budget_and_beats_the_global_mean(synthetic):
    result = tune_lightgcn(synthetic, synthetic.split, seed=0, train=TrainConfig(max_epochs=40, patience=4, lr=2e-2, batch_size=512))
    assert len(result["trials"]) == TUNING_BUDGET and result["val_rmse"] == min(t["val_rmse"] for t in result["trials"])
    ratings = synthetic.ratings["rating"].to_numpy()
    assert result["rmse"] < global_mean_rmse(ratings[synthetic.split.train], ratings[synthetic.split.test])
