from dataclasses import replace

import numpy as np
import pytest

from mtm4f_lib.embeddings import text
from mtm4f_lib.embeddings.text import encode_texts, subtitle_embeddings, subtitle_texts
from mtm4f_lib.errors import MTM4FError


def cosine(a, b):
    return float(a @ b / np.linalg.norm(a) / np.linalg.norm(b))


def test_encode_texts_shape_normalisation_and_meaning():
    texts = ["A young wizard fights a dark lord.", "A boy sorcerer battles an evil lord.", "Stock prices fell sharply on Monday."]
    vectors = encode_texts(texts, progress=False)
    assert vectors.shape == (3, 384) and vectors.dtype == np.float32
    assert cosine(vectors[0], vectors[1]) > cosine(vectors[0], vectors[2]) + 0.2
    unit = encode_texts(texts, normalize=True, batch_size=2, progress=False)
    np.testing.assert_allclose(np.linalg.norm(unit, axis=1), 1.0, atol=1e-5)
    assert encode_texts([], progress=False).shape == (0, 384)


def test_subtitle_text_column(synthetic):
    assert subtitle_texts(synthetic).equals(synthetic.items["description"].fillna("").astype(str))
    tagged = replace(synthetic, items=synthetic.items.drop(columns="description").assign(tags="funny, dark"))
    assert set(subtitle_texts(tagged)) == {"funny, dark"}
    with pytest.raises(MTM4FError, match="no subtitle text"):
        subtitle_texts(replace(synthetic, items=synthetic.items.drop(columns="description")))


def test_subtitle_embeddings_mask_values_and_cache(synthetic, tmp_path, monkeypatch):
    available = synthetic.modalities["subtitle"].available
    matrix = subtitle_embeddings(synthetic, root=tmp_path, progress=False)
    assert matrix.shape == (synthetic.n_items, 384) and matrix.dtype == np.float32
    np.testing.assert_array_equal(np.isnan(matrix).all(axis=1), ~available)
    assert not np.isnan(matrix[available]).any()
    first = int(np.flatnonzero(available)[0])
    expected = encode_texts([synthetic.items["description"][first]], progress=False)[0]
    np.testing.assert_allclose(matrix[first], expected, atol=1e-5)

    def no_encoding(*args, **kwargs):
        raise AssertionError("a cache hit must not encode")

    monkeypatch.setattr(text, "encode_texts", no_encoding)
    np.testing.assert_array_equal(subtitle_embeddings(synthetic, root=tmp_path, progress=False), matrix)
    with pytest.raises(AssertionError, match="cache hit"):
        subtitle_embeddings(synthetic, root=tmp_path, normalize=True, progress=False)


def test_a_768d_model_gives_768_columns(synthetic, tmp_path):
    import torch
    from sentence_transformers import SentenceTransformer, models

    torch.manual_seed(0)
    base = text.load_text_model(text.default_text_model())
    wide = SentenceTransformer(modules=[base[0], base[1], models.Dense(384, 768)], device="cpu")
    folder = tmp_path / "wide-sbert"
    wide.save(str(folder))
    matrix = subtitle_embeddings(synthetic, model=str(folder), root=tmp_path, progress=False)
    assert matrix.shape == (synthetic.n_items, 768)
    assert list(tmp_path.glob("*.json")) and "wide-sbert" in list(tmp_path.glob("*.json"))[0].read_text()


def test_unknown_model_folder_is_a_clear_error(tmp_path):
    with pytest.raises(MTM4FError, match="local model folder"):
        encode_texts(["x"], model=str(tmp_path / "no-such-model"), progress=False)
