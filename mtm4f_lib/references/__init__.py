"""Collaborative-filtering references a user already trusts, run on the package's splits and rows."""

from .surprise_models import SURPRISE_MODELS, surprise_predictions, tune_surprise

__all__ = ["SURPRISE_MODELS", "surprise_predictions", "tune_surprise"]
