"""The synthetic dataset, modality parsing, splits and task labels."""

import numpy as np
import pytest

from mtm4f_lib.data import (
    MODALITIES,
    MissingSetting,
    all_subsets,
    complete_modality_split,
    hidden_items,
    load_dataset,
    missing_views,
    parse_modalities,
    task_labels,
    validation_slice,
)
from mtm4f_lib.data.container import Split, masked_features
from mtm4f_lib.data.tasks import age_group


def test_synthetic_container(synthetic):
    assert synthetic.n_users == 120 and synthetic.n_items == 80 and synthetic.n_ratings == 3600
    for name in MODALITIES:
        mod = synthetic.modalities[name]
        assert mod.features.shape[0] == 80
        assert np.isnan(mod.features[~mod.available]).all()
        assert not np.isnan(mod.features[mod.available]).any()
    assert synthetic.ratings["rating"].between(1, 5).all()


def test_synthetic_is_seeded():
    a, b, c = load_dataset("synthetic", seed=1), load_dataset("synthetic", seed=1), load_dataset("synthetic", seed=2)
    assert a.ratings.equals(b.ratings)
    assert not a.ratings.equals(c.ratings)


def test_synthetic_has_planted_signal(synthetic):
    """Item modality features predict the item's mean rating better than a constant."""
    from sklearn.linear_model import Ridge

    feats = synthetic.modalities["meta"].features
    mean_rating = synthetic.ratings.groupby("item")["rating"].mean().reindex(range(synthetic.n_items)).to_numpy()
    model = Ridge(alpha=1.0).fit(feats[:60], mean_rating[:60])
    residual = np.sqrt(np.mean((model.predict(feats[60:]) - mean_rating[60:]) ** 2))
    baseline = np.sqrt(np.mean((mean_rating[:60].mean() - mean_rating[60:]) ** 2))
    assert residual < 0.8 * baseline


def test_parse_modalities_forms():
    assert parse_modalities("VA") == ("audio", "video")
    assert parse_modalities("audio+meta") == ("audio", "meta")
    assert parse_modalities(["S", "video"]) == ("subtitle", "video")
    subsets = all_subsets()
    assert len(subsets) == 15 and subsets[0] == MODALITIES
    assert subsets[1] == ("meta", "subtitle", "video") and subsets[5] == ("subtitle", "video")


def test_complete_modality_split(synthetic):
    kept = complete_modality_split(synthetic, "AV", verbose=False)
    items = synthetic.ratings["item"].to_numpy()
    both = synthetic.items_with("AV")
    assert both[items[kept.train]].all() and both[items[kept.test]].all()
    assert len(kept.train) == both[items[synthetic.split.train]].sum()


def test_validation_slice_is_seeded_and_disjoint(synthetic):
    train, val = validation_slice(synthetic.split, 0.1, seed=3)
    _, val2 = validation_slice(synthetic.split, 0.1, seed=3)
    assert np.array_equal(val, val2)
    assert len(np.intersect1d(train.train, val)) == 0
    assert len(train.train) + len(val) == len(synthetic.split.train)
    assert len(np.intersect1d(val, synthetic.split.test)) == 0
    assert len(val) == 288


@pytest.mark.parametrize("chi", [20, 50, 75, 90])
def test_hidden_movies_have_the_asked_rate_and_the_fixed_modalities_stay(synthetic, chi):
    split = complete_modality_split(synthetic, "AMSV", verbose=False)
    setting = MissingSetting("AV", chi, seed=3)
    masks = hidden_items(synthetic, split, setting)
    train_items = np.unique(synthetic.ratings["item"].to_numpy()[split.train])
    assert set(masks) == {"audio", "video"}
    for mask in masks.values():
        assert mask.sum() == round(len(train_items) * (100 - chi) / 100) and np.isin(np.flatnonzero(mask), train_items).all()
    train_view, test_view = missing_views(synthetic, split, setting)
    assert test_view is synthetic  # the test set is complete
    for name in ("meta", "subtitle"):
        np.testing.assert_array_equal(train_view.modalities[name].available, synthetic.modalities[name].available)
    hidden = masks["audio"]
    assert not train_view.modalities["audio"].available[hidden].any() and np.isnan(train_view.modalities["audio"].features[hidden]).all()


def test_hidden_movies_are_independent_per_modality_and_seeded(synthetic):
    split = complete_modality_split(synthetic, "AMSV", verbose=False)
    first = hidden_items(synthetic, split, MissingSetting("AMS", 50, seed=1))
    assert not np.array_equal(first["audio"], first["meta"])
    again = hidden_items(synthetic, split, MissingSetting("AMS", 50, seed=1))
    assert all(np.array_equal(first[m], again[m]) for m in first)
    assert not np.array_equal(first["audio"], hidden_items(synthetic, split, MissingSetting("AMS", 50, seed=2))["audio"])
    assert not any(m.any() for m in hidden_items(synthetic, split, MissingSetting("AMS", 100)).values())  # chi = 100 hides nothing


def test_test_missing_also_hides_test_only_movies(synthetic):
    full = complete_modality_split(synthetic, "AMSV", verbose=False)
    items = synthetic.ratings["item"].to_numpy()
    cold = np.unique(items[full.train])[:10]  # ten movies moved wholly into the test rows
    split = Split("cold", full.train[~np.isin(items[full.train], cold)], np.concatenate([full.test, full.train[np.isin(items[full.train], cold)]]))
    setting = MissingSetting("V", 50, seed=0, test_missing=True)
    masks = hidden_items(synthetic, split, setting)
    assert masks["video"][cold].sum() == 5  # half of the test-only movies
    train_view, test_view = missing_views(synthetic, split, setting)
    assert test_view is train_view and not train_view.modalities["video"].available[masks["video"]].any()


def test_task_labels(synthetic):
    rows = synthetic.split.test[:5]
    labels = task_labels(synthetic, rows)
    assert labels["rating"].shape == (5,) and labels["genre"].shape == (5, 5)
    assert set(np.unique(labels["gender"])) <= {0, 1}
    assert labels["age"].max() <= 6


def test_age_groups():
    assert age_group([7, 17, 18, 24, 25, 34, 35, 45, 49, 50, 55, 56, 73]).tolist() == [0, 0, 1, 1, 2, 2, 3, 4, 4, 5, 5, 6, 6]


def test_tasks_unavailable_without_demographics(synthetic):
    from dataclasses import replace

    from mtm4f_lib.errors import MTM4FError

    no_demo = replace(synthetic, users=synthetic.users[["raw_id"]])
    with pytest.raises(MTM4FError, match="unavailable.*no user demographics"):
        task_labels(no_demo, synthetic.split.test[:3], ("rating", "gender"))


def test_masked_features_marks_missing_rows():
    out = masked_features(np.ones((3, 2)), np.array([True, False, True]))
    assert np.isnan(out[1]).all() and (out[[0, 2]] == 1).all()
