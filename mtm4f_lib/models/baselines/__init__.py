"""Models to compare MTM4F with: collaborative-filtering references a user already trusts (Surprise's
models, biased MF) and the paper's baselines of Table 11; each torch one trains through ``training.fit``."""

from .biased_mf import MF_TRAIN, BiasedMF, tune_biased_mf
from .surprise_models import SURPRISE_MODELS, surprise_predictions, tune_surprise
from .tuning import TUNING_BUDGET

__all__ = ["MF_TRAIN", "BiasedMF", "tune_biased_mf", "SURPRISE_MODELS", "TUNING_BUDGET", "surprise_predictions", "tune_surprise"]
