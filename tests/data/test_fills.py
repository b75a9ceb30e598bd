"""Training-free fills of hidden modalities: the training mean, and propagation over the co-rating graph."""

import numpy as np
import pytest
import torch

from mtm4f_lib.data import MissingSetting, complete_modality_split, missing_views
from mtm4f_lib.data.fills import _propagate, fill_hidden
from mtm4f_lib.errors import MTM4FError


@pytest.fixture
def hidden_view(synthetic):
    split = complete_modality_split(synthetic, "AMSV", verbose=False)
    train_view, _ = missing_views(synthetic, split, MissingSetting("V", 50, seed=2))
    served = np.unique(synthetic.ratings["item"].to_numpy()[np.concatenate([split.train, split.test])])
    hidden = synthetic.modalities["video"].available & ~train_view.modalities["video"].available
    return train_view, split, served, hidden


def test_mean_fill_uses_the_visible_training_movies_only(synthetic, hidden_view):
    view, split, served, hidden = hidden_view
    filled = fill_hidden(view, ["video"], "mean", split.train, served)
    visible = view.modalities["video"].available & np.isin(np.arange(view.n_items), synthetic.ratings["item"].to_numpy()[split.train])
    np.testing.assert_allclose(
        filled.modalities["video"].features[hidden], np.tile(view.modalities["video"].features[visible].mean(0), (hidden.sum(), 1)), rtol=1e-5
    )
    assert filled.modalities["video"].available[served].all()
    np.testing.assert_array_equal(filled.modalities["meta"].features, view.modalities["meta"].features)


def test_propagation_clamps_the_observed_and_spreads_them_to_their_neighbours(synthetic, hidden_view):
    view, split, served, hidden = hidden_view
    filled = fill_hidden(view, ["video"], "propagate", split.train, served)
    observed = view.modalities["video"].available
    np.testing.assert_allclose(filled.modalities["video"].features[observed], synthetic.modalities["video"].features[observed], rtol=1e-6)
    assert filled.modalities["video"].available[served].all() and np.isfinite(filled.modalities["video"].features[hidden]).all()
    # a chain 0 - 1 - 2 with 1 hidden, and 3 unreachable: x1 = x0 / sqrt(2) + x2 / sqrt(2) (symmetric normalisation), x3 the mean
    features = np.array([[1.0, 0.0], [np.nan, np.nan], [0.0, 2.0], [np.nan, np.nan]], dtype=np.float32)
    known = np.array([True, False, True, False])
    out = _propagate(features, known, known, torch.tensor([[0, 1], [1, 2]]), steps=5)
    np.testing.assert_allclose(out[1], [1 / np.sqrt(2), 2 / np.sqrt(2)], rtol=1e-6)
    np.testing.assert_allclose(out[3], [0.5, 1.0])
    np.testing.assert_allclose(out[[0, 2]], features[[0, 2]])


def test_unknown_fill():
    with pytest.raises(MTM4FError, match="Unknown fill 'median'"):
        fill_hidden(None, ["video"], "median", np.arange(2), np.arange(2))
