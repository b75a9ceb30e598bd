"""Real MMTF-14K trailer features: aesthetic visual (107-d) and audio i-vectors.

Two public releases are read. Their aesthetic visual features (median aggregation) are the same
descriptor (identical values on the movies both hold), so the visual modality is their union. Their
audio i-vectors come from different configurations (GMM 32 / total-variability dim 20 in the
COMP90049 release; GMM 512 / dim 40 and GMM 256 / dim 100 in the RecSys-lab release) and live in
different spaces, so the audio modality uses one configuration, chosen by ``audio_ivector``.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import check_choice
from .files import data_file, folder_present

COMP = "mmtf14k/comp90049"
VILLA = "mmtf14k/villa"
AUDIO_IVECTORS = {
    "gmm32_tv20": (COMP, None),
    "gmm512_tv40": (VILLA, "fused_llm_mmtf_audio_IVec_splitItem_fold_1_gmm_512_tvDim_40.csv"),
    "gmm256_tv100": (VILLA, "fused_llm_mmtf_audio_IVec_splitItem_fold_1_gmm_256_tvDim_100.csv"),
}
VISUAL_DIM = 107


def read_comp90049(data_dir: Path) -> pd.DataFrame:
    """All three split files of the COMP90049 release (movieId, title, year, tag, avf*, ivec*)."""
    parts = [pd.read_csv(data_file(data_dir, f"{COMP}/{s}_features.tsv"), sep="\t") for s in ("train", "valid", "test")]
    return pd.concat(parts, ignore_index=True).drop_duplicates("movieId")


def _read_embedding_csv(path: Path) -> pd.DataFrame:
    table = pd.read_csv(path)
    values = np.array([np.asarray(v.split(","), dtype=np.float64) for v in table["embedding"]])
    return pd.DataFrame(values, index=table["itemId"].to_numpy())


def visual_features(data_dir: Path) -> pd.DataFrame:
    """[movieId x 107] aesthetic visual features (median), union of both releases."""
    frames = []
    if folder_present(data_dir, COMP):
        comp = read_comp90049(data_dir)
        frames.append(pd.DataFrame(comp[[f"avf{i}" for i in range(1, VISUAL_DIM + 1)]].to_numpy(), index=comp["movieId"].to_numpy()))
    if folder_present(data_dir, VILLA):
        frames.append(_read_embedding_csv(data_file(data_dir, f"{VILLA}/fused_llm_mmtf_avf_med.csv")))
    if not frames:
        return pd.DataFrame(columns=range(VISUAL_DIM), dtype=float)
    union = pd.concat(frames)
    return union[~union.index.duplicated(keep="first")]


def audio_features(data_dir: Path, ivector: str = "gmm32_tv20") -> pd.DataFrame:
    """[movieId x d] audio i-vectors of one configuration (see module docstring)."""
    check_choice("audio_ivector", ivector, sorted(AUDIO_IVECTORS))
    folder, filename = AUDIO_IVECTORS[ivector]
    if not folder_present(data_dir, folder):
        return pd.DataFrame(dtype=float)
    if filename is None:
        comp = read_comp90049(data_dir)
        cols = [c for c in comp.columns if c.startswith("ivec")]
        return pd.DataFrame(comp[cols].to_numpy(), index=comp["movieId"].to_numpy())
    return _read_embedding_csv(data_file(data_dir, f"{folder}/{filename}"))


def comp90049_tags(data_dir: Path) -> pd.Series:
    """movieId -> list of MovieLens tags that ship with the COMP90049 release."""
    if not folder_present(data_dir, COMP):
        return pd.Series(dtype=object)
    comp = read_comp90049(data_dir)
    tags = comp["tag"].fillna("").map(lambda s: [t.replace("_", " ") for t in s.split(",") if t])
    return pd.Series(tags.to_numpy(), index=comp["movieId"].to_numpy())


def align(features: pd.DataFrame, movie_ids, dim: int | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Rows of ``features`` for each id in ``movie_ids`` (NaN where absent) and the availability mask."""
    ids = pd.Series(movie_ids)
    width = features.shape[1] if features.shape[1] else (dim or 0)
    available = ids.isin(features.index).to_numpy() & ids.notna().to_numpy()
    out = np.full((len(ids), width), np.nan, dtype=np.float32)
    if available.any():
        out[available] = features.loc[ids[available].astype(int).to_numpy()].to_numpy(dtype=np.float32)
    return out, available
