"""Models to compare MTM4F with: collaborative-filtering references a user already trusts (Surprise's
models, biased MF, LightGCN from torch-geometric); each torch one trains through ``training.fit``. The
paper's Table 11 baselines are MTM4F presets (``experiments.table_sota``)."""

from .biased_mf import MF_SPACE, MF_TRAIN, BiasedMF, biased_mf_builder, tune_biased_mf
from .lightgcn import LIGHTGCN_SPACE, LIGHTGCN_TRAIN, LightGCNRating, lightgcn_builder, tune_lightgcn
from .surprise_models import SURPRISE_MODELS, surprise_predictions, tune_surprise
from .tuning import TUNING_BUDGET

__all__ = [
    "LIGHTGCN_SPACE",
    "LIGHTGCN_TRAIN",
    "MF_SPACE",
    "MF_TRAIN",
    "BiasedMF",
    "biased_mf_builder",
    "lightgcn_builder",
    "LightGCNRating",
    "tune_biased_mf",
    "tune_lightgcn",
    "SURPRISE_MODELS",
    "TUNING_BUDGET",
    "surprise_predictions",
    "tune_surprise",
]
