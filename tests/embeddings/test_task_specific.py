from dataclasses import replace

import numpy as np
import pytest
import torch

from mtm4f_lib.data import complete_modality_split
from mtm4f_lib.embeddings.task_specific import (
    DenseEncoder,
    embed_items,
    fit_encoder,
    task_specific_embeddings,
    train_task_encoder,
)
from mtm4f_lib.errors import MTM4FError

FAST = dict(epochs=40, batch_size=512, lr=3e-3, hidden=(64,), patience=8)


def test_encoder_beats_global_mean_on_validation(synthetic):
    encoder, history = train_task_encoder(synthetic, "audio", out_dim=16, seed=0, **FAST)
    assert history.best_val_rmse < history.baseline_rmse - 0.1
    assert history.val_rmse[history.best_epoch] == min(history.val_rmse)
    audio_rows = synthetic.modalities["audio"].available[synthetic.ratings["item"].to_numpy()[synthetic.split.train]].sum()
    assert history.n_train + history.n_val == audio_rows
    assert not any(p.requires_grad for p in encoder.parameters())


def test_embeddings_shape_mask_and_determinism(synthetic):
    first = task_specific_embeddings(synthetic, "video", out_dim=24, seed=3, **FAST)
    again = task_specific_embeddings(synthetic, "video", out_dim=24, seed=3, **FAST)
    other = task_specific_embeddings(synthetic, "video", out_dim=24, seed=4, **FAST)
    available = synthetic.modalities["video"].available
    assert first.shape == (synthetic.n_items, 24) and first.dtype == np.float32
    assert np.isnan(first[~available]).all() and np.isfinite(first[available]).all()
    np.testing.assert_array_equal(first, again)
    assert not np.allclose(first[available], other[available])


def test_default_widths_are_the_papers(synthetic):
    audio = task_specific_embeddings(synthetic, "A", seed=0, epochs=1, batch_size=4096)
    video = task_specific_embeddings(synthetic, "video", seed=0, epochs=1, batch_size=4096)
    assert audio.shape == (synthetic.n_items, 512) and video.shape == (synthetic.n_items, 231)


def test_only_training_rows_of_the_given_split_are_read(synthetic):
    split = complete_modality_split(synthetic, "AV", verbose=False)
    _, history = train_task_encoder(synthetic, "audio", out_dim=8, split=split, seed=0, epochs=1)
    assert history.n_train + history.n_val == len(split.train)


def test_fixed_user_vectors_stay_fixed(synthetic):
    vectors = np.random.default_rng(0).normal(size=(synthetic.n_users, 6)).astype(np.float32)
    torch.manual_seed(0)
    encoder = DenseEncoder(8, 4, (16,))
    features = np.nan_to_num(synthetic.modalities["audio"].features)
    available = synthetic.modalities["audio"].available
    _, history = fit_encoder(synthetic, encoder, features, available, user_vectors=vectors, epochs=3, seed=0)
    assert len(history.val_rmse) == 3
    assert embed_items(encoder, features, available).shape == (synthetic.n_items, 4)
    with pytest.raises(MTM4FError, match="user_vectors"):
        fit_encoder(synthetic, encoder, features, available, user_vectors=vectors[:5], epochs=1)


def test_bad_inputs_raise_clear_errors(synthetic):
    with pytest.raises(MTM4FError, match="Unknown modality"):
        train_task_encoder(synthetic, "smell")
    unencoded = replace(synthetic, modalities={**synthetic.modalities, "meta": replace(synthetic.modalities["meta"], features=None)})
    with pytest.raises(MTM4FError, match="no feature matrix"):
        train_task_encoder(unencoded, "meta", out_dim=8)
    with pytest.raises(MTM4FError, match="pass out_dim"):
        train_task_encoder(synthetic, "meta")
    features = np.zeros((synthetic.n_items, 3), np.float32)
    with pytest.raises(MTM4FError, match="Fewer than 2 training ratings"):
        fit_encoder(synthetic, DenseEncoder(3, 2), features, np.zeros(synthetic.n_items, bool))
    with pytest.raises(MTM4FError, match="out_dim"):
        fit_encoder(synthetic, torch.nn.Linear(3, 2), features, np.ones(synthetic.n_items, bool))


def test_an_out_of_fold_embedding_never_learns_from_its_own_movies_ratings(synthetic):
    from mtm4f_lib.embeddings.task_specific import out_of_fold_embeddings

    items = synthetic.ratings["item"].to_numpy()
    available = synthetic.modalities["audio"].available
    counts = np.bincount(items[synthetic.split.train], minlength=synthetic.n_items)
    movie = np.flatnonzero(available)[counts[available].argmax()]  # the movie with audio and the most training ratings
    ratings = synthetic.ratings.copy()
    ratings.loc[items == movie, "rating"] = synthetic.rating_range[1]  # its own ratings, all changed
    changed = replace(synthetic, ratings=ratings)
    options = dict(out_dim=8, epochs=3, batch_size=2048, hidden=(32,))
    out_of_fold = [out_of_fold_embeddings(ds, "audio", folds=3, seed=0, **options) for ds in (synthetic, changed)]
    in_sample = [task_specific_embeddings(ds, "audio", seed=0, **options) for ds in (synthetic, changed)]
    np.testing.assert_array_equal(out_of_fold[0][movie], out_of_fold[1][movie])
    assert not np.array_equal(in_sample[0][movie], in_sample[1][movie])  # an in-sample encoder read them
    assert not np.array_equal(out_of_fold[0], out_of_fold[1])  # the other folds' encoders did read them
    assert np.isfinite(out_of_fold[0][movie]).all() and np.isnan(out_of_fold[0][~available]).all() and np.isfinite(out_of_fold[0][available]).all()
    with pytest.raises(MTM4FError, match="at least 2 folds"):
        out_of_fold_embeddings(synthetic, "audio", folds=1)
