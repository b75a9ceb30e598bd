import sys
from dataclasses import replace

import numpy as np
import pytest
import torch
from torch import nn

from mtm4f_lib.data import complete_modality_split, load_dataset, validation_slice
from mtm4f_lib.errors import MTM4FError
from mtm4f_lib.evaluation import global_mean_rmse, rmse
from mtm4f_lib.experiments import train_mtm4f
from mtm4f_lib.models import ModelConfig
from mtm4f_lib.runtime import keep_freed_memory
from mtm4f_lib.training import TrainConfig, predict_rows, row_data, seeded, train_and_evaluate

MODEL = ModelConfig(fusion_hidden=(32, 16), item_dim=16, gat_heads=2, trunk_hidden=(32, 16), private_hidden=(8,), user_embedding_dim=8)
TRAIN = TrainConfig(batch_size=1024, lr=1e-2, max_epochs=40, patience=5)


class GlobalBias(nn.Module):
    """The smallest model the loop can drive: one learnt rating for everyone."""

    tasks = ("rating",)

    def __init__(self):
        super().__init__()
        self.bias = nn.Parameter(torch.zeros(1))

    def loss(self, users, items, labels):
        return ((self.bias - labels["rating"]) ** 2).mean()

    def predict(self, users, items):
        return {"rating": self.bias.expand(len(users))}


@pytest.fixture(scope="module")
def larger():
    """A synthetic world big enough that early stopping reads a steady validation RMSE (~9,800 complete ratings)."""
    return load_dataset("synthetic", n_users=400, n_items=120, ratings_per_user=40)


@pytest.fixture(scope="module")
def split(larger):
    return complete_modality_split(larger, "AMSV", verbose=False)


@pytest.fixture(scope="module")
def runs(larger, split):
    return [train_mtm4f(larger, split, MODEL, TRAIN)[1] for _ in range(2)]


def test_mtm4f_beats_the_global_mean(larger, split, runs):
    ratings = larger.ratings["rating"].to_numpy()
    baseline = global_mean_rmse(ratings[split.train], ratings[split.test])
    assert runs[0].metrics["rmse"] <= 0.85 * baseline
    assert set(runs[0].metrics) == {"rmse", "genre_f1", "gender_acc", "age_acc"}


def test_same_seed_same_metrics(runs):
    assert runs[0].metrics == runs[1].metrics
    assert [h["train_loss"] for h in runs[0].history] == [h["train_loss"] for h in runs[1].history]


def test_result_records_history_and_counts(split, runs):
    result = runs[0]
    assert [h["epoch"] for h in result.history] == list(range(1, len(result.history) + 1))
    assert result.val_rmse == min(h["val_rmse"] for h in result.history) == result.history[result.best_epoch - 1]["val_rmse"]
    assert result.counts["train"] + result.counts["val"] == len(split.train) and result.counts["test"] == len(split.test)
    assert result.seconds >= sum(h["seconds"] for h in result.history) > 0
    assert set(result.to_dict()) == {"metrics", "val_rmse", "best_epoch", "history", "seconds", "counts"}


def test_any_model_is_trained_and_its_best_state_restored(synthetic):
    models = []
    config = TrainConfig(batch_size=256, lr=0.05, max_epochs=200, patience=3)
    result = train_and_evaluate(synthetic, synthetic.split, lambda ds, rows: models.append(GlobalBias()) or models[-1], config)
    ratings = synthetic.ratings["rating"].to_numpy()
    fit_split, val_rows = validation_slice(synthetic.split, config.val_fraction, config.seed)
    assert result.metrics["rmse"] == pytest.approx(global_mean_rmse(ratings[fit_split.train], ratings[synthetic.split.test]), abs=0.01)
    assert len(result.history) == result.best_epoch + config.patience < config.max_epochs  # stopped early
    restored = predict_rows(models[0], row_data(synthetic, val_rows, ("rating",)))["rating"]
    assert rmse(restored, ratings[val_rows], synthetic.rating_range) == pytest.approx(result.val_rmse)


def test_seeded_restores_the_deterministic_flags():
    before = torch.are_deterministic_algorithms_enabled(), torch.utils.deterministic.fill_uninitialized_memory
    with seeded(3) as rng:
        assert torch.are_deterministic_algorithms_enabled()
        assert not torch.utils.deterministic.fill_uninitialized_memory
        first = (rng.random(), torch.rand(1).item())
    with seeded(3) as rng:
        assert (rng.random(), torch.rand(1).item()) == first
    assert (torch.are_deterministic_algorithms_enabled(), torch.utils.deterministic.fill_uninitialized_memory) == before


def test_a_refit_trains_the_given_epochs_on_every_training_row_and_tests_the_last_state(synthetic):
    built, config = [], TrainConfig(batch_size=256, lr=0.05, refit_epochs=4)
    runs = [train_and_evaluate(synthetic, synthetic.split, lambda ds, rows: built.append(rows) or GlobalBias(), config) for _ in range(2)]
    result = runs[0]
    assert np.array_equal(built[0], synthetic.split.train)  # no validation slice held out
    assert [h["epoch"] for h in result.history] == [1, 2, 3, 4] and result.best_epoch == 4 and all(h["val_rmse"] is None for h in result.history)
    assert np.isnan(result.val_rmse) and result.counts == {"train": len(synthetic.split.train), "val": 0, "test": len(synthetic.split.test)}
    assert runs[1].metrics == result.metrics and np.array_equal(runs[1].test_predictions, result.test_predictions)
    longer = train_and_evaluate(synthetic, synthetic.split, lambda ds, rows: GlobalBias(), replace(config, refit_epochs=40))
    ratings = synthetic.ratings["rating"].to_numpy()
    assert longer.metrics["rmse"] == pytest.approx(global_mean_rmse(ratings[synthetic.split.train], ratings[synthetic.split.test]), abs=0.01)
    assert longer.metrics["rmse"] != result.metrics["rmse"]  # the last of 4 epochs, not a state chosen on the test rows


@pytest.mark.parametrize(
    "change", [{"max_epochs": 0}, {"lr": 0.0}, {"val_fraction": 1.0}, {"batch_size": 0}, {"device": "mps"}, {"device": "gpu"}, {"refit_epochs": -1}]
)
def test_bad_train_config_raises(change):
    with pytest.raises(MTM4FError):
        TrainConfig(**change)


def test_empty_split_raises(larger, split):
    from mtm4f_lib.data import Split

    empty = Split("empty-test", split.train, np.array([], dtype=int))
    with pytest.raises(MTM4FError, match="no training or no test rows"):
        train_and_evaluate(larger, empty, lambda ds, rows: GlobalBias(), TRAIN)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="mallopt is a glibc call")
def test_freed_memory_is_kept_for_reuse():
    assert keep_freed_memory() is True


@pytest.mark.skipif(torch.cuda.device_count() > 0, reason="checks the message on a machine without a CUDA GPU")
def test_cuda_without_a_gpu_says_to_use_the_cpu(larger, split):
    with pytest.raises(MTM4FError, match="use device='cpu'"):
        train_and_evaluate(larger, split, lambda ds, rows: GlobalBias(), TrainConfig(device="cuda"))


@pytest.mark.gpu
@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA GPU: run `make test-gpu` on a machine with one")
def test_mtm4f_trains_on_a_gpu(larger, split, runs):
    gpu = train_mtm4f(larger, split, MODEL, replace(TRAIN, device="cuda"))[1]
    ratings = larger.ratings["rating"].to_numpy()
    assert gpu.metrics["rmse"] <= 0.85 * global_mean_rmse(ratings[split.train], ratings[split.test])
    assert gpu.metrics["rmse"] == pytest.approx(runs[0].metrics["rmse"], abs=0.05)
