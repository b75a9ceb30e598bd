"""Fill every modality of a dataset with its paper-5.1 embedding ("standard" embeddings).

meta -> knowledge-graph vector; subtitle -> SBERT of the text; audio and video -> the task-specific
encoder trained on the rating objective over the MMTF-14K features (512-d and 231-d). The
task-specific encoders read only the training rows of ``split`` (default: the dataset's split), so
their cache key names those rows; with ``folds`` they embed out of fold (no movie's embedding learns from
its own ratings: item cold start). Each matrix is cached (see ``cache.py``). A media folder
(``media_dir`` or $MTM4F_MEDIA, see :mod:`.media_folder`) replaces the embeddings of the movies it
has trailer files for.
"""

from __future__ import annotations

import time

from ..data.container import MultiModalDataset, Split
from .cache import EmbeddingKey, cached_embedding, input_checksum
from .media_folder import SUBFOLDERS, media_matrix, media_root, overlay_media
from .meta_kg import meta_embeddings
from .task_specific import DEFAULT_DIMS, out_of_fold_embeddings, task_specific_embeddings
from .text import subtitle_embeddings

TASK_ENCODER_VERSION = "1"


def cached_task_embeddings(
    ds: MultiModalDataset, modality: str, split: Split, seed: int = 0, root=None, force: bool = False, folds: int | None = None, **options
):
    """Task-specific embeddings of ``modality`` trained on ``split.train`` (out of ``folds`` folds when given), through the cache."""
    key = EmbeddingKey(
        ds.name,
        modality,
        f"task-specific-{DEFAULT_DIMS[modality]}" + (f"-out-of-fold-{folds}" if folds else ""),
        TASK_ENCODER_VERSION,
        input_checksum(ds.modalities[modality].features, split.train, {"seed": seed, **options}),
    )
    if folds:
        return cached_embedding(key, lambda: out_of_fold_embeddings(ds, modality, folds, split, seed, **options), root, force)
    return cached_embedding(key, lambda: task_specific_embeddings(ds, modality, seed=seed, split=split, **options), root, force)


def embed_dataset(
    ds: MultiModalDataset,
    split: Split | None = None,
    seed: int = 0,
    text_model: str | None = None,
    root=None,
    force: bool = False,
    progress: bool = True,
    media_dir=None,
    media_options: dict[str, dict] | None = None,
    folds: int | None = None,
) -> tuple[MultiModalDataset, dict[str, float]]:
    """The dataset with all four modalities encoded, and the seconds each encoder took (cache hits are fast).

    ``media_dir`` (default $MTM4F_MEDIA; False: none) lays trailer media over the standard embeddings;
    ``media_options`` passes settings per modality to its media encoder (e.g. ``{"video": {"size": 32}}``);
    ``folds``: the task-specific encoders embed out of that many folds (``task_specific.out_of_fold_embeddings``).
    """
    split = split or ds.split
    media = media_root(media_dir)
    builders = {
        "meta": lambda: meta_embeddings(ds, seed=seed, root=root, force=force, progress=progress),
        "subtitle": lambda: subtitle_embeddings(ds, model=text_model, root=root, force=force, progress=progress),
        "audio": lambda: cached_task_embeddings(ds, "audio", split, seed, root, force, folds),
        "video": lambda: cached_task_embeddings(ds, "video", split, seed, root, force, folds),
    }
    seconds = {}
    encoded = ds
    for name, build in builders.items():
        start = time.perf_counter()
        matrix, available = build(), None
        source = f"{ds.modalities[name].source} -> {name} embedding ({matrix.shape[1]}-d)"
        if media is not None and name in SUBFOLDERS and (media / SUBFOLDERS[name]).is_dir():
            from_media = media_matrix(encoded, name, media / SUBFOLDERS[name], split, seed, text_model, progress, **(media_options or {}).get(name, {}))
            matrix, available, note = overlay_media(ds, name, matrix, from_media)
            source = f"{source}; {note}"
        seconds[name] = time.perf_counter() - start
        encoded = encoded.with_features(name, matrix, source, available)
    return encoded, seconds
