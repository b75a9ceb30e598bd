"""A user's folder of trailer media, laid over the standard embeddings (``embed_dataset(media_dir=...)``).

Layout (every sub-folder optional; files named by the movie's id in the source, ``items['raw_id']``:
the ML-100K movie id for ``ml100k``, the MovieLens movieId for ``mmtf``)::

    <media>/video/<id>.mp4        (.mkv .avi .mov .webm .m4v .mpg)  -> K-means key frames + CNN, 231-d
    <media>/audio/<id>.wav        (.mp3 .ogg .flac .m4a ... or a video file's audio) -> standardised waveform + dense layers, 512-d
    <media>/subtitles/<id>.srt    -> SBERT of the cue texts, 384-d

The folder is the ``media_dir`` argument or ``$MTM4F_MEDIA``. For each modality with a sub-folder,
the movies that have a usable file take the embedding built from it, and the others keep their
standard embedding (the same width); the modality's availability mask becomes "has a file or a
standard feature vector". The encoders of :mod:`.media` are trained on the rating objective over
the training rows, as the standard ones are. A run's key names the folder's content
(:func:`media_fingerprint`), so runs on different media never share a stored result.
"""

from __future__ import annotations

import hashlib
import os
from functools import lru_cache
from pathlib import Path

import numpy as np

from ..data.container import MultiModalDataset, Split
from ..errors import MTM4FError

MEDIA_ENV = "MTM4F_MEDIA"
SUBFOLDERS = {"audio": "audio", "subtitle": "subtitles", "video": "video"}


def media_root(media_dir=None) -> Path | None:
    """The media folder: ``media_dir``, else $MTM4F_MEDIA, else None (``media_dir=False``: None, whatever the
    environment says); an error when it is not a media folder."""
    if media_dir is False:
        return None
    chosen = media_dir or os.environ.get(MEDIA_ENV)
    if not chosen:
        return None
    path = Path(chosen).expanduser().resolve()
    if not path.is_dir() or not any((path / sub).is_dir() for sub in SUBFOLDERS.values()):
        raise MTM4FError(
            f"Media folder {path} must exist and hold at least one of {sorted(SUBFOLDERS.values())}/ "
            f"(files named <movie id>.<ext>); fix {MEDIA_ENV} or media_dir, or unset it to use the standard features only."
        )
    return path


def _media_files(root: Path) -> list[Path]:
    return [p for sub in sorted(SUBFOLDERS.values()) if (root / sub).is_dir() for p in sorted((root / sub).iterdir()) if p.is_file()]


def media_fingerprint(root: Path) -> str:
    """Short SHA-256 of every file's relative path and bytes under the media folder's sub-folders
    (computed once per state of the folder: names, sizes and modification times)."""
    files = _media_files(Path(root))
    return _fingerprint(str(root), tuple((str(p), p.stat().st_size, p.stat().st_mtime_ns) for p in files))


@lru_cache(maxsize=16)
def _fingerprint(root: str, listing: tuple) -> str:
    digest = hashlib.sha256()
    for path, _, _ in listing:
        digest.update(f"{Path(path).relative_to(root)}\0".encode())
        with open(path, "rb") as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                digest.update(block)
    return digest.hexdigest()[:16]


def embeddings_id(media_dir=None) -> str:
    """What a run's embeddings are: 'standard', or 'media-<fingerprint>' when a media folder is in use."""
    root = media_root(media_dir)
    return "standard" if root is None else f"media-{media_fingerprint(root)}"


def media_matrix(
    ds: MultiModalDataset,
    modality: str,
    folder: Path,
    split: Split | None = None,
    seed: int = 0,
    text_model: str | None = None,
    progress: bool = True,
    **options,
) -> np.ndarray:
    """float32 [n_items, d] embeddings of one modality from its media files, NaN rows for movies without a usable file.

    The video and audio encoders train on the training rows of ``split`` (default: the dataset's split).
    """
    from . import media

    if modality == "video":
        return media.video_embeddings(ds, folder, seed=seed, progress=progress, split=split, **options)
    if modality == "audio":
        return media.audio_embeddings(ds, folder, seed=seed, progress=progress, split=split, **options)
    return media.srt_embeddings_from_folder(folder, ds.items["raw_id"], text_model, progress)[0]


def overlay_media(ds: MultiModalDataset, modality: str, standard: np.ndarray, from_media: np.ndarray) -> tuple[np.ndarray, np.ndarray, str]:
    """(matrix, availability, source): media rows where a file was usable, the standard rows elsewhere."""
    if from_media.shape[1] != standard.shape[1]:
        raise MTM4FError(
            f"The {modality} media embedding is {from_media.shape[1]}-d but the standard one is {standard.shape[1]}-d; "
            "give the media encoder the same output width."
        )
    has_file = np.isfinite(from_media).all(axis=1)
    matrix = np.where(has_file[:, None], from_media, standard).astype(np.float32)
    available = has_file | (ds.modalities[modality].available & np.isfinite(standard).all(axis=1))
    kept = int((available & ~has_file).sum())
    return matrix, available, f"{int(has_file.sum())} movies from media files, {kept} from the standard {modality} embedding"
