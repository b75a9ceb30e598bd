from dataclasses import replace

import numpy as np
import pandas as pd
import pytest

from mtm4f_lib.data import MODALITIES, Modality, MultiModalDataset, Split
from mtm4f_lib.data.tasks import AGE_LABELS
from mtm4f_lib.embeddings.user_vectors import liked_item_means, user_metadata, user_vectors
from mtm4f_lib.errors import MTM4FError

NAN = np.nan
ITEMS = np.array([[1.0, 2.0], [3.0, 6.0], [5.0, 0.0], [NAN, NAN]], dtype=np.float32)


def tiny() -> MultiModalDataset:
    """3 users, 4 items; item 3 lacks the modality; the last rating row is the only test row."""
    ratings = pd.DataFrame(
        {
            "user": [0, 0, 0, 0, 1, 1, 2, 0],
            "item": [0, 1, 2, 3, 0, 1, 3, 2],
            "rating": [5, 4, 3, 5, 3, 2, 5, 5],
        }
    ).astype({"rating": np.float32})
    users = pd.DataFrame({"raw_id": [1, 2, 3], "gender": ["F", "M", "M"], "age": [30.0, 17.0, 60.0], "occupation": ["writer", "student", "writer"]})
    items = pd.DataFrame({"raw_id": range(4), "title": list("abcd"), "year": [2000] * 4, "genres": ["Drama"] * 4})
    modalities = {m: Modality(m, np.ones(4, dtype=bool), "test") for m in MODALITIES}
    split = Split("tiny", np.arange(7), np.array([7]))
    return MultiModalDataset("tiny", ratings, users, items, ("Drama",), np.ones((4, 1), dtype=bool), modalities, split, (1.0, 5.0))


def test_mean_of_liked_training_items_skipping_missing():
    means, counts = liked_item_means(tiny(), ITEMS)
    # user 0 likes items 0, 1 (rating 3 is not above 3; item 3 has no embedding; item 2 at 5 is a test row)
    np.testing.assert_allclose(means, [[2.0, 4.0], [0.0, 0.0], [0.0, 0.0]])
    np.testing.assert_array_equal(counts, [2, 0, 0])


def test_threshold_and_rows_are_respected():
    means, counts = liked_item_means(tiny(), ITEMS, threshold=2.0)
    np.testing.assert_allclose(means[:2], [[3.0, 8 / 3], [1.0, 2.0]])
    np.testing.assert_array_equal(counts, [3, 1, 0])
    means, counts = liked_item_means(tiny(), ITEMS, rows=np.arange(8))
    np.testing.assert_allclose(means[0], [3.0, 8 / 3])
    assert counts[0] == 3


def test_user_metadata_one_hots():
    meta = user_metadata(tiny())
    expected = ["gender_M", "gender_F"] + [f"age_{a}" for a in AGE_LABELS] + ["occupation_student", "occupation_writer"]
    assert list(meta.columns) == expected
    np.testing.assert_array_equal(meta.loc[0].to_numpy(), [0, 1, 0, 0, 1, 0, 0, 0, 0, 0, 1])
    np.testing.assert_array_equal(meta.loc[1].to_numpy(), [1, 0, 1, 0, 0, 0, 0, 0, 0, 1, 0])
    assert meta.loc[2, "age_56+"] == 1 and meta.to_numpy().sum() == 9


def test_user_vector_layout_and_no_history_flag():
    vectors = user_vectors(tiny(), ITEMS)
    assert vectors.shape == (3, 11 + 2 + 1) and vectors.dtype == np.float32
    np.testing.assert_allclose(vectors[:, 11:13], [[2.0, 4.0], [0.0, 0.0], [0.0, 0.0]])
    np.testing.assert_array_equal(vectors[:, -1], [0, 1, 1])


def test_without_demographics_only_the_mean_part():
    data = tiny()
    bare = replace(data, users=data.users[["raw_id"]])
    assert user_metadata(bare).shape == (3, 0)
    np.testing.assert_allclose(user_vectors(bare, ITEMS), [[2.0, 4.0, 0.0], [0.0, 0.0, 1.0], [0.0, 0.0, 1.0]])


@pytest.mark.parametrize(
    "embeddings, threshold, message",
    [
        (ITEMS[:3], 3.0, "n_items=4"),
        (np.array([[1.0, NAN]] * 4), 3.0, "partly NaN"),
        (ITEMS, 5.0, "threshold 5.0"),
    ],
)
def test_bad_input(embeddings, threshold, message):
    with pytest.raises(MTM4FError, match=message):
        user_vectors(tiny(), embeddings, threshold)


def test_ml100k_user_vector_matches_pandas(ml100k):
    video = ml100k.modalities["video"].features
    vectors = user_vectors(ml100k, video)
    assert vectors.shape == (ml100k.n_users, 2 + 7 + 21 + 107 + 1)
    train = ml100k.ratings.iloc[ml100k.split.train]
    liked = train[(train["user"] == 0) & (train["rating"] > 3)]["item"]
    expected = np.nanmean(video[liked.to_numpy()], axis=0)
    np.testing.assert_allclose(vectors[0, 30:137], expected, rtol=1e-5)
