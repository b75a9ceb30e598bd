"""Pieces every source shares: id indexing and modality assembly."""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pandas as pd

from ..container import Modality
from ..files import folder_present
from ..mmtf_features import align, audio_features, visual_features


def index_ids(raw_ids) -> dict:
    """raw id -> 0-based index, in order of first appearance after sorting."""
    return {rid: i for i, rid in enumerate(sorted(pd.unique(pd.Series(raw_ids))))}


def warn_missing_folder(data_dir: Path, folder: str, what: str, notes: dict) -> bool:
    """True when ``folder`` exists; otherwise warn, note it, and return False."""
    if folder_present(data_dir, folder):
        return True
    message = f"{folder}/ not found under {data_dir}: {what} unavailable for every item (see `mtm4f data check`)."
    warnings.warn(message, stacklevel=3)
    notes.setdefault("missing_folders", []).append(folder)
    return False


def trailer_modalities(data_dir: Path, ml20m_ids: pd.Series, audio_ivector: str, notes: dict) -> dict[str, Modality]:
    """Audio and video modalities from the MMTF-14K features of each item's ML-20M id."""
    warn_missing_folder(data_dir, "mmtf14k", "trailer audio and video", notes)
    audio, has_audio = align(audio_features(data_dir, audio_ivector), ml20m_ids)
    video, has_video = align(visual_features(data_dir), ml20m_ids, dim=107)
    return {
        "audio": Modality("audio", has_audio, f"MMTF-14K audio i-vectors ({audio_ivector})", audio if audio.shape[1] else None),
        "video": Modality("video", has_video, "MMTF-14K aesthetic visual features (median)", video),
    }


def text_available(texts: pd.Series) -> np.ndarray:
    return texts.fillna("").astype(str).str.strip().str.len().gt(0).to_numpy()
