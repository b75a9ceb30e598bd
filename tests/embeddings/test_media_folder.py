"""A folder of trailer media reaches the data path: load_dataset -> embed_dataset(media) -> a training run."""

from dataclasses import replace

import numpy as np
import pytest

from mtm4f_lib.data import complete_modality_split, load_dataset
from mtm4f_lib.embeddings.media_folder import embeddings_id, media_root
from mtm4f_lib.embeddings.pipeline import embed_dataset
from mtm4f_lib.errors import MTM4FError
from mtm4f_lib.experiments import RunSpec, train_mtm4f
from mtm4f_lib.models import ModelConfig
from mtm4f_lib.training import TrainConfig

from .test_media import GOP, SRT, write_video, write_wav

OPTIONS = {"video": {"size": 16, "epochs": 2}, "audio": {"sample_rate": 8000, "seconds": 0.5, "hidden": (32,), "epochs": 2}}


@pytest.fixture
def media(tmp_path, synthetic):
    """video/ for movies 1-4 and 6 (6 has no standard video), audio/ for 1-3, subtitles/ for 2."""
    root = tmp_path / "media"
    for sub in ("video", "audio", "subtitles"):
        (root / sub).mkdir(parents=True)
    assert not synthetic.modalities["video"].available[5]  # raw id 6
    for raw_id in (1, 2, 3, 4, 6):
        write_video(root / "video" / f"{raw_id}.mp4", 6 * GOP, colour_offset=raw_id, seed=raw_id)
    for raw_id in (1, 2, 3):
        write_wav(root / "audio" / f"{raw_id}.wav", 0.4, freq=150.0 * raw_id)
    (root / "subtitles" / "2.srt").write_text(SRT, encoding="utf-8")
    return root


def test_media_replace_the_standard_embeddings_of_the_movies_they_cover(media, monkeypatch):
    ds = load_dataset("synthetic")
    standard, _ = embed_dataset(ds, progress=False, media_dir=False)
    monkeypatch.setenv("MTM4F_MEDIA", str(media))
    with_media, _ = embed_dataset(ds, progress=False, media_options=OPTIONS)  # the folder comes from $MTM4F_MEDIA
    for name, covered in (("video", [0, 1, 2, 3, 5]), ("audio", [0, 1, 2]), ("subtitle", [1])):
        old, new = standard.modalities[name], with_media.modalities[name]
        assert new.dim == old.dim and "movies from media files" in new.source
        others = np.setdiff1d(np.flatnonzero(old.available), covered)
        np.testing.assert_array_equal(new.features[others], old.features[others])  # movies without a file keep theirs
        assert all(not np.allclose(new.features[i], old.features[i], equal_nan=True) for i in covered)
        assert new.available[covered].all() and (new.available == (old.available | np.isin(np.arange(ds.n_items), covered))).all()
    assert with_media.modalities["video"].n_available == standard.modalities["video"].n_available + 1  # movie 6 gained a video

    split = complete_modality_split(with_media, "AMSV", verbose=False)
    model = ModelConfig(modalities="AMSV", fusion_hidden=(16,), item_dim=8, gat_heads=2, trunk_hidden=(16,), private_hidden=(4,), user_embedding_dim=4)
    _, result = train_mtm4f(with_media, split, model, TrainConfig(max_epochs=2, patience=1))
    ratings = with_media.ratings["rating"].to_numpy()
    assert 0 < result.metrics["rmse"] < 2 * ratings.std() and result.counts["train"] > 0


def test_runs_on_media_are_keyed_by_the_folder_content(media, monkeypatch):
    monkeypatch.delenv("MTM4F_MEDIA", raising=False)
    assert embeddings_id() == "standard"
    monkeypatch.setenv("MTM4F_MEDIA", str(media))
    first = embeddings_id()
    assert first.startswith("media-") and embeddings_id() == first
    spec = RunSpec("synthetic", ModelConfig(), TrainConfig(), embeddings=first)
    assert spec.key != replace(spec, embeddings="standard").key
    (media / "subtitles" / "2.srt").write_text(SRT + "\n3\n00:00:05,000 --> 00:00:06,000\nMore.\n", encoding="utf-8")
    assert embeddings_id() not in ("standard", first)


def test_bad_media_folders(tmp_path, monkeypatch):
    with pytest.raises(MTM4FError, match="must exist and hold at least one of"):
        media_root(tmp_path / "nowhere")
    (tmp_path / "empty").mkdir()
    monkeypatch.setenv("MTM4F_MEDIA", str(tmp_path / "empty"))
    with pytest.raises(MTM4FError, match="MTM4F_MEDIA"):
        media_root()
    assert media_root(False) is None
