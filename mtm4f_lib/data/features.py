"""Feature standardisation, one way for the package: column means and spreads of reference rows."""

from __future__ import annotations

import numpy as np


def column_scale(reference: np.ndarray, floor: float = 0.0) -> tuple[np.ndarray, np.ndarray]:
    """(mean, std) of the columns of ``reference``; a std at or below ``floor`` becomes 1 (the column is only centred)."""
    mean = reference.mean(axis=0)
    std = reference.std(axis=0)
    return mean, np.where(std > floor, std, 1.0)


def standardise(matrix: np.ndarray, reference: np.ndarray, floor: float = 0.0) -> np.ndarray:
    """float32 z-scores of ``matrix``'s columns with the mean and std of ``reference`` rows (see :func:`column_scale`)."""
    mean, std = column_scale(reference, floor)
    return ((matrix - mean) / std).astype(np.float32)
