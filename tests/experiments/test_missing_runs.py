"""Runs under the missing-modality protocol: hidden modalities reach nothing in training, the test reads complete movies."""

from dataclasses import replace

import numpy as np
import pytest
import torch

from mtm4f_lib.data import MissingSetting, complete_modality_split, missing_views
from mtm4f_lib.errors import MTM4FError
from mtm4f_lib.experiments.runs import RunSpec, train_mtm4f, train_spec
from mtm4f_lib.models import MTM4F, ModelConfig
from mtm4f_lib.training import TrainConfig

MODEL = ModelConfig(fusion_hidden=(16, 8), item_dim=8, gat_heads=2, trunk_hidden=(16,), private_hidden=(4,), user_embedding_dim=4)
TRAIN = TrainConfig(max_epochs=3, patience=1, batch_size=512)


def test_chi_100_is_the_complete_model():
    complete = train_spec(RunSpec("synthetic", MODEL, TRAIN))[1]["result"]
    neutral = train_spec(RunSpec("synthetic", MODEL, TRAIN, protocol="missing", missing=MissingSetting("AV", 100)))[1]["result"]
    assert neutral["metrics"] == complete["metrics"] and neutral["val_rmse"] == complete["val_rmse"]


def test_a_hidden_modality_reaches_neither_the_items_nor_the_user_vector_but_the_test_sees_it(synthetic):
    split = complete_modality_split(synthetic, "AMSV", verbose=False)
    train_view, test_view = missing_views(synthetic, split, MissingSetting("A", 50, seed=0))
    hidden = synthetic.modalities["audio"].available & ~train_view.modalities["audio"].available
    served = np.unique(synthetic.ratings["item"].to_numpy()[np.concatenate([split.train, split.test])])
    model = MTM4F.from_dataset(train_view, split.train, MODEL, served_items=served, test_dataset=test_view)
    local = model.local_index[torch.as_tensor(np.flatnonzero(hidden))]
    assert hidden.sum() > 0 and not model.items.masks["audio"][local].any() and (model.items.features["audio"][local] == 0).all()
    with model.test_inputs():
        assert model.items.masks["audio"][local].all() and (model.items.features["audio"][local] != 0).any()
    assert not model.items.masks["audio"][local].any()  # back to the training view
    # the liked-item mean is built from the fused training-view vectors: changing a hidden movie's true audio changes nothing
    users = torch.arange(synthetic.n_users)
    model.eval()
    before = model.user_vectors(users)
    model.test_items.features["audio"][local] += 5.0
    assert torch.equal(before, model.user_vectors(users))


@pytest.mark.parametrize("fill", ["mean", "propagate"])
def test_fills_train_and_beat_nothing_worse_than_chance(synthetic, fill):
    split = complete_modality_split(synthetic, "AMSV", verbose=False)
    train_view, test_view = missing_views(synthetic, split, MissingSetting("AV", 20, seed=1))
    model, result = train_mtm4f(train_view, split, replace(MODEL, missing=fill), TRAIN, test_dataset=test_view)
    assert model.items.masks["audio"].all() and model.items.masks["video"].all()  # every served movie has a (filled) vector
    ratings = synthetic.ratings["rating"].to_numpy()
    assert result.metrics["rmse"] < 1.5 * ratings[split.test].std()


def test_missing_protocol_needs_its_setting():
    with pytest.raises(MTM4FError, match="MissingSetting"):
        RunSpec("synthetic", MODEL, TRAIN, protocol="missing")
    with pytest.raises(MTM4FError, match="MissingSetting"):
        RunSpec("synthetic", MODEL, TRAIN, missing=MissingSetting("A", 50))


def test_a_whole_chi_names_one_run_whether_int_or_float():
    as_int, as_float = (RunSpec("synthetic", MODEL, TRAIN, protocol="missing", missing=MissingSetting("A", chi)) for chi in (20, 20.0))
    assert as_float.missing.chi == 20 and isinstance(as_float.missing.chi, int) and as_float.key == as_int.key
    assert MissingSetting("A", 33.5).chi == 33.5
