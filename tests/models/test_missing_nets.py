"""The paper's missing-modality networks: priors, reconstruction, regularisation and the meta step."""

from dataclasses import replace

import numpy as np
import pytest
import torch

from mtm4f_lib.data import MissingSetting, complete_modality_split, missing_views
from mtm4f_lib.errors import MTM4FError
from mtm4f_lib.models import MTM4F, ModelConfig
from mtm4f_lib.models.missing import PriorReconstruction, Regulariser, modality_priors
from mtm4f_lib.training import TrainConfig, fit, row_data

M4 = ModelConfig(fusion_hidden=(16, 8), item_dim=8, gat_heads=2, trunk_hidden=(16,), private_hidden=(4,), user_embedding_dim=4, missing="m4")


@pytest.fixture
def setting(synthetic):
    split = complete_modality_split(synthetic, "AMSV", verbose=False)
    train_view, test_view = missing_views(synthetic, split, MissingSetting("AV", 50, seed=0))
    served = np.unique(synthetic.ratings["item"].to_numpy()[np.concatenate([split.train, split.test])])
    return split, train_view, test_view, served


@pytest.mark.parametrize("kind", ["kmeans", "pca"])
def test_priors_have_the_asked_shape(kind):
    cloud = np.random.default_rng(0).normal(size=(50, 6))
    priors = modality_priors(cloud, kind, k=4)
    assert priors.shape == (4, 6) and priors.dtype == np.float32
    with pytest.raises(MTM4FError, match="Lower ModelConfig.prior_k"):
        modality_priors(cloud[:3], kind, k=4)


def test_priors_come_from_the_training_movies_that_have_the_modality(setting):
    split, train_view, test_view, served = setting
    items = train_view.ratings["item"].to_numpy()
    audio = train_view.modalities["audio"]
    untrained = np.unique(items[split.train])[audio.available[np.unique(items[split.train])]][:5]  # five movies with audio, rows left out
    rows = split.train[~np.isin(items[split.train], untrained)]
    model = MTM4F.from_dataset(train_view, rows, M4, served_items=served)
    assert set(model.reconstruct) == {"audio", "video"} and model.reconstruct["audio"].priors.shape == (10, audio.dim)
    shifted = audio.features.copy()
    shifted[untrained] += 1e3  # a movie outside the training rows must not move the priors
    again = MTM4F.from_dataset(train_view.with_features("audio", shifted, "x"), rows, M4, served_items=served)
    reference = MTM4F.from_dataset(train_view, rows, M4, served_items=served)
    assert torch.equal(again.reconstruct["audio"].priors, reference.reconstruct["audio"].priors)


def test_reconstruction_error_falls_with_a_planted_cross_modal_relation(synthetic, setting):
    """Every synthetic modality is a linear map of one latent item vector: the other modalities predict a missing one."""
    split, train_view, test_view, served = setting
    model = MTM4F.from_dataset(train_view, split.train, replace(M4, meta="none", recon_weight=10.0), served_items=served)
    model.eval()
    before = float(model._item_inputs()[2].detach())
    rows = row_data(train_view, split.train, model.tasks)
    fit(model, rows, rows, TrainConfig(max_epochs=25, patience=25, batch_size=256, lr=1e-2), synthetic.rating_range, np.random.default_rng(0))
    model.eval()
    assert float(model._item_inputs()[2]) < 0.8 * before


def test_reconstruction_samples_weights_in_training_and_uses_their_mean_in_evaluation():
    network = PriorReconstruction(3, torch.eye(4, 2))
    context = torch.ones(5, 3)
    network.eval()
    assert torch.equal(network(context), network(context))
    network.train()
    assert not torch.equal(network(context), network(context))


def test_regularisation_samples_have_the_learnt_mean_and_variance():
    layer = Regulariser(3, "add")
    with torch.no_grad():
        layer.map.weight.zero_()
        layer.map.bias.copy_(torch.tensor([0.5, -1.0, 2.0, np.log(0.3), np.log(0.1), np.log(1.0)]))
    h = torch.zeros(20000, 3)
    draws = layer.train().sample(h)
    torch.testing.assert_close(draws.mean(0), torch.tensor([0.5, -1.0, 2.0]), atol=0.03, rtol=0)
    torch.testing.assert_close(draws.std(0), torch.tensor([0.3, 0.1, 1.0]), atol=0.03, rtol=0)
    assert torch.equal(layer.eval().sample(h[:2]), torch.tensor([[0.5, -1.0, 2.0]] * 2))
    mul = Regulariser(3, "mul").eval()
    x = torch.randn(4, 3)
    torch.testing.assert_close(mul(x), x)  # a new multiplicative regulariser starts at x1


@pytest.mark.parametrize(("order", "steps"), [("first", 1), ("second", 1), ("first", 2)])
def test_one_meta_step_changes_the_main_network_and_the_missing_modality_networks(setting, order, steps):
    split, train_view, test_view, served = setting
    model = MTM4F.from_dataset(train_view, split.train, replace(M4, meta=order, inner_steps=steps), served_items=served)
    rows = row_data(train_view, split.train[:512], model.tasks)
    before = {n: p.detach().clone() for n, p in model.named_parameters()}
    optimiser = torch.optim.Adam(model.parameters(), lr=1e-2)
    model.train()
    model.loss(rows.users, rows.items, rows.labels).backward()
    optimiser.step()
    changed = {n for n, p in model.named_parameters() if not torch.equal(p, before[n])}
    assert any(n.startswith("reconstruct.") for n in changed) and any(n.startswith("regularisers.") for n in changed)
    assert any(n.startswith("fusion.") for n in changed) and any(n.startswith("task_net.") for n in changed)


def test_with_meta_every_k_only_every_kth_training_batch_takes_the_meta_step(setting, monkeypatch):
    split, train_view, test_view, served = setting
    model = MTM4F.from_dataset(train_view, split.train, replace(M4, meta_every=3), served_items=served)
    rows = row_data(train_view, split.train[:512], model.tasks)
    taken = []
    step = model.meta_step
    monkeypatch.setattr(model, "meta_step", lambda *args: taken.append(len(taken)) or step(*args))
    model.train()
    losses = [float(model.loss(rows.users, rows.items, rows.labels)) for _ in range(7)]
    assert len(taken) == 3  # batches 1, 4 and 7
    meta, joint = [losses[i] for i in (0, 3, 6)], [losses[i] for i in (1, 2, 4, 5)]
    assert min(meta) > 1.5 * max(joint)  # a meta batch adds the meta-test loss to the training loss
    with pytest.raises(MTM4FError, match="meta_every >= 1"):
        replace(M4, meta_every=0)
