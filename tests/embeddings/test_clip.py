import sys

import numpy as np
import pytest
import torch

from mtm4f_lib.embeddings.clip import (
    NO_CLIP_WEIGHTS,
    OPENAI_MEAN,
    OPENAI_STD,
    clip_frame_embeddings,
    clip_text_embeddings,
    clip_weights_available,
    load_clip,
    prepare_images,
    transformers_clip,
)
from mtm4f_lib.errors import MTM4FError

PROJECTION = 24


def tiny_tokenizer():
    """A CLIP tokenizer with a byte-level vocabulary and no merges: every character is a token."""
    from tokenizers.pre_tokenizers import ByteLevel
    from transformers import CLIPTokenizer

    alphabet = sorted(ByteLevel.alphabet())
    vocab = {"<|startoftext|>": 0, "<|endoftext|>": 1}
    vocab.update({ch: 2 + i for i, ch in enumerate(alphabet)})
    vocab.update({ch + "</w>": 2 + len(alphabet) + i for i, ch in enumerate(alphabet)})
    return CLIPTokenizer(vocab=vocab, merges=[])


@pytest.fixture(scope="module")
def tiny():
    from transformers import CLIPConfig, CLIPModel

    tokenizer = tiny_tokenizer()
    torch.manual_seed(0)
    small = dict(hidden_size=32, intermediate_size=37, num_hidden_layers=2, num_attention_heads=4)
    config = CLIPConfig(
        text_config=dict(small, vocab_size=len(tokenizer), max_position_embeddings=40, bos_token_id=0, eos_token_id=1, pad_token_id=1),
        vision_config=dict(small, image_size=32, patch_size=8),
        projection_dim=PROJECTION,
    )
    return CLIPModel(config), tokenizer


def frames(n, seed=0, height=40, width=56):
    return np.random.default_rng(seed).integers(0, 256, (n, 3, height, width)).astype(np.uint8)


def test_text_vectors_have_the_projection_dim_and_are_deterministic(tiny):
    clip = transformers_clip(*tiny)
    texts = ["A haunted house.", "Two people fall in love.", "A haunted house."]
    vectors = clip.texts(texts)
    assert vectors.shape == (3, PROJECTION) and vectors.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1, atol=1e-5)
    np.testing.assert_array_equal(vectors[0], vectors[2])
    np.testing.assert_array_equal(vectors, clip.texts(texts))
    assert not np.allclose(vectors[0], vectors[1])
    assert clip.texts([]).shape == (0, PROJECTION)


def test_image_vectors_any_frame_size(tiny):
    clip = transformers_clip(*tiny)
    batch = np.concatenate([frames(2), frames(1)])
    vectors = clip.images(batch)
    assert vectors.shape == (3, PROJECTION)
    np.testing.assert_array_equal(vectors, clip.images(batch))
    np.testing.assert_allclose(vectors[0], vectors[2], atol=1e-6)  # same frame, other batch row: equal up to float rounding
    assert not np.allclose(vectors[0], vectors[1])
    assert clip.images(frames(2, height=64, width=30)).shape == (2, PROJECTION)
    with pytest.raises(MTM4FError, match="channels first"):
        clip.images(frames(2).transpose(0, 2, 3, 1))


def test_preprocessing_without_torchvision():
    gray = np.full((2, 3, 40, 80), 128, dtype=np.uint8)
    pixels = prepare_images(gray, 32)
    assert pixels.shape == (2, 3, 32, 32)
    expected = (128 / 255 - np.array(OPENAI_MEAN)) / np.array(OPENAI_STD)
    np.testing.assert_allclose(pixels.mean(dim=(0, 2, 3)).numpy(), expected, atol=1e-5)
    split = np.zeros((1, 3, 32, 96), dtype=np.uint8)
    split[..., 32:64] = 255
    assert prepare_images(split, 32).min() > (0.9 - max(OPENAI_MEAN)) / min(OPENAI_STD)  # centre crop keeps the white middle


def test_item_vectors_from_frames_and_chunked_texts(tiny):
    clip = transformers_clip(*tiny)
    video = np.stack([frames(5, seed=1), frames(5, seed=2), frames(5, seed=1), frames(5, seed=3)])
    out = clip_frame_embeddings(clip, video, np.array([True, False, True, True]), progress=False)
    assert out.shape == (4, PROJECTION) and np.isnan(out[1]).all()
    np.testing.assert_allclose(out[0], out[2], atol=1e-6)
    np.testing.assert_array_equal(out, clip_frame_embeddings(clip, video, np.array([True, False, True, True]), progress=False))
    mean = clip.images(video[3]).mean(axis=0)
    np.testing.assert_allclose(out[3], mean / np.linalg.norm(mean), atol=1e-5)

    long_text = " ".join(f"word{i}" for i in range(12))
    vectors, available = clip_text_embeddings(clip, [long_text, None, "  ", "short"], words_per_chunk=5, progress=False)
    assert list(available) == [True, False, False, True] and np.isnan(vectors[1:3]).all()
    chunks = clip.texts([" ".join(f"word{i}" for i in range(s, min(s + 5, 12))) for s in (0, 5, 10)]).mean(axis=0)
    np.testing.assert_allclose(vectors[0], chunks / np.linalg.norm(chunks), atol=1e-5)
    np.testing.assert_allclose(vectors[3], clip.texts(["short"])[0], atol=1e-6)


def test_local_folder_round_trip_and_weight_check(tiny, tmp_path, monkeypatch):
    model, tokenizer = tiny
    folder = tmp_path / "tiny-clip"
    model.save_pretrained(folder)
    tokenizer.save_pretrained(folder)
    monkeypatch.delenv("MTM4F_CLIP", raising=False)
    assert clip_weights_available(folder) and not clip_weights_available(tmp_path) and not clip_weights_available()
    monkeypatch.setenv("MTM4F_CLIP", str(folder))
    assert clip_weights_available()
    loaded = load_clip()
    assert loaded.dim == PROJECTION and loaded.image_size == 32
    np.testing.assert_allclose(loaded.texts(["A haunted house."]), transformers_clip(model, tokenizer).texts(["A haunted house."]), atol=1e-6)
    assert NO_CLIP_WEIGHTS == "n/a: no CLIP weights"


def test_clear_errors_without_weights_or_open_clip(tmp_path, monkeypatch):
    monkeypatch.delenv("MTM4F_CLIP", raising=False)
    with pytest.raises(MTM4FError, match="No CLIP weights"):
        load_clip(tmp_path / "missing")
    with pytest.raises(MTM4FError, match="No CLIP weights"):
        load_clip()
    checkpoint = tmp_path / "vit-b-32.pt"
    checkpoint.write_bytes(b"\0" * 8)
    assert clip_weights_available(checkpoint)
    monkeypatch.setitem(sys.modules, "open_clip", None)  # behaves as not installed
    with pytest.raises(MTM4FError, match="open_clip_torch"):
        load_clip(checkpoint)
    with pytest.raises(MTM4FError, match="is a file"):
        load_clip(checkpoint, backend="transformers")
    with pytest.raises(MTM4FError, match="Unknown CLIP backend"):
        load_clip(checkpoint, backend="jax")
    with pytest.raises(MTM4FError, match="tokenizer"):
        load_clip(tmp_path, backend="transformers")
