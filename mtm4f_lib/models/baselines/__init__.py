"""Models to compare MTM4F with: collaborative-filtering references a user already trusts (Surprise's
models, biased MF, LightGCN from torch-geometric; each torch one trains through ``training.fit``) and a
linear model of the content (the content baseline). The paper's Table 11 baselines are MTM4F presets
(``experiments.table_sota``)."""

from .biased_mf import MF_SPACE, MF_TRAIN, BiasedMF, biased_mf_builder, tune_biased_mf
from .content_baseline import CONTENT_SPACE, content_predictions, tune_content
from .lightgcn import LIGHTGCN_SPACE, LIGHTGCN_TRAIN, LightGCNRating, lightgcn_builder, tune_lightgcn
from .surprise_models import SURPRISE_MODELS, surprise_predictions, tune_surprise
from .tuning import TUNING_BUDGET

__all__ = [
    "CONTENT_SPACE",
    "LIGHTGCN_SPACE",
    "LIGHTGCN_TRAIN",
    "MF_SPACE",
    "MF_TRAIN",
    "BiasedMF",
    "biased_mf_builder",
    "content_predictions",
    "lightgcn_builder",
    "LightGCNRating",
    "tune_biased_mf",
    "tune_content",
    "tune_lightgcn",
    "SURPRISE_MODELS",
    "TUNING_BUDGET",
    "surprise_predictions",
    "tune_surprise",
]
