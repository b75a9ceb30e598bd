"""Datasets: one container, three sources, splits and task labels."""

from __future__ import annotations

from ..errors import check_choice
from .container import Modality, MultiModalDataset, Split
from .files import resolve_data_dir
from .missing import MissingSetting, hidden_items, missing_views
from .modalities import ABBREVIATIONS, MODALITIES, abbreviate, all_subsets, parse_modalities, subset_label
from .splits import complete_modality_split, validation_slice
from .tasks import AGE_LABELS, TASKS, available_tasks, task_labels

DATASETS = ("ml100k", "mmtf", "synthetic")


def load_dataset(name: str, data_dir=None, **options) -> MultiModalDataset:
    """Load ``ml100k``, ``mmtf`` or ``synthetic``; real sources read ``data_dir`` or $MTM4F_DATA."""
    if name == "synthetic":
        from .sources.synthetic import load_synthetic

        return load_synthetic(**options)
    if name == "ml100k":
        from .sources.ml100k import load_ml100k

        return load_ml100k(resolve_data_dir(data_dir), **options)
    if name == "mmtf":
        from .sources.mmtf import load_mmtf

        return load_mmtf(resolve_data_dir(data_dir), **options)
    check_choice("dataset", name, DATASETS)


__all__ = [
    "ABBREVIATIONS",
    "AGE_LABELS",
    "DATASETS",
    "MODALITIES",
    "TASKS",
    "Modality",
    "MultiModalDataset",
    "Split",
    "abbreviate",
    "all_subsets",
    "available_tasks",
    "complete_modality_split",
    "load_dataset",
    "MissingSetting",
    "hidden_items",
    "missing_views",
    "parse_modalities",
    "subset_label",
    "task_labels",
    "validation_slice",
]
