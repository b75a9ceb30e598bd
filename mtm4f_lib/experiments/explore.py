"""Interactive look-ups for the notebooks: the RMSE of one model variant on a chosen modality subset."""

from __future__ import annotations

import pandas as pd

from ..data import abbreviate, complete_modality_split, subset_label
from .grid_tables import Column
from .profiles import Profile, get_profile
from .runs import RunStore, prepared_dataset, run_grid


def subset_rmse(
    dataset: str, modalities, column: Column, profile: str | Profile = "quick", seed: int = 0, data_dir=None, store: RunStore | None = None
) -> pd.Series:
    """Test RMSE of ``column``'s model on ``modalities`` under the complete-modality protocol.

    Read from the run store when that run exists there, else trained now (with the profile's
    settings) and stored.
    """
    store = store or RunStore()
    ds = prepared_dataset(dataset, data_dir)
    spec = column.spec(ds, abbreviate(modalities), get_profile(profile), seed)
    stored = store.get(spec) is not None
    result = run_grid([spec], store, data_dir, progress=False)[spec.key]["result"]
    train, test = complete_modality_split(ds, spec.model.modalities, verbose=False).counts
    return pd.Series(
        {
            "modalities": subset_label(abbreviate(modalities)),
            "model": column.label,
            "test RMSE": round(result["metrics"]["rmse"], 4),
            "train ratings": train,
            "test ratings": test,
            "from": "run store" if stored else "trained now",
        },
        name=abbreviate(modalities),
    )
