"""The tuning budget every model gets, ours and the baselines alike, and the settings of a search space."""

from __future__ import annotations

import itertools

TUNING_BUDGET = 6  # settings tried per model on the validation slice


def settings(space: dict) -> list[dict]:
    """Every combination of a search space ``{parameter: values}``, in order."""
    return [dict(zip(space, values)) for values in itertools.product(*space.values())]
