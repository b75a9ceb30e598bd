"""The two run profiles: ``quick`` (CI-sized: a few subsets, few epochs, one seed) and ``paper``.

For Tables 5-10 a profile also names the missing rates (chi), the methods, the repeats and how many
rows of each table it runs; the paper profile runs every cell with every method over five repeats
(a long grid: a GPU's job, or the CPU in slices with ``--missing-methods`` and ``--seeds``).
"""

from __future__ import annotations

from dataclasses import dataclass

from ..errors import check_choice
from ..training import TrainConfig
from .paper_values import MISSING_RATES, ROWS


@dataclass(frozen=True)
class Profile:
    """Which modality subsets (table rows) and seeds a grid runs, how long each run may train, and on
    which torch device ('cpu' unless replaced, e.g. ``dataclasses.replace(profile, device='cuda')``)."""

    name: str
    subsets: tuple[str, ...]
    seeds: tuple[int, ...]
    max_epochs: int
    patience: int
    device: str = "cpu"
    missing_rates: tuple[float, ...] = MISSING_RATES  # Tables 5-10: chi, the columns
    missing_methods: tuple[str, ...] = ("m4", "drop", "mean")  # the method and the baselines run beside it
    missing_repeats: tuple[int, ...] = (0,)  # mask seed = model seed of each repeat
    missing_rows: int | None = None  # the first rows of each of Tables 5-10 (None: all)
    protocols: tuple[str, ...] = ("complete", "full", "cold")  # notebook 06: the protocols of the references table
    reference_models: tuple[str, ...] | None = None  # notebook 06: the models of the references table (None: all)
    reference_seeds: tuple[int, ...] | None = None  # notebook 06: the seeds of the references table (None: ``seeds``)
    reference_tuning_seed: int | None = None  # notebook 06: the seed whose validation slice chooses each model's setting (None: every seed)

    def train_config(self, seed: int) -> TrainConfig:
        return TrainConfig(seed=seed, max_epochs=self.max_epochs, patience=self.patience, device=self.device)


PROFILES = {
    "quick": Profile(
        "quick",
        ("AMSV", "SV", "M"),
        (0,),
        max_epochs=6,
        patience=2,
        missing_rates=(90,),
        missing_rows=1,
        protocols=("complete",),
        reference_models=("MTM4F", "MTM4F+MF", "BaselineOnly", "SVD", "BiasedMF", "ContentBaseline", "Ensemble"),
    ),  # fmt: skip
    "paper": Profile(
        "paper",
        ROWS,
        (0, 1, 2),
        max_epochs=60,
        patience=4,
        missing_repeats=(0, 1, 2, 3, 4),
        missing_methods=("m4", "drop", "mask", "mean", "moddrop", "regressor", "propagate", "m4_nometa", "m4_noreg"),
        protocols=("complete", "full", "cold", "folds"),
        reference_seeds=(0, 1, 2, 3, 4),
        reference_tuning_seed=0,
    ),  # fmt: skip
}


def get_profile(name: str | Profile) -> Profile:
    """The profile of that name; a Profile passes through."""
    if isinstance(name, Profile):
        return name
    return PROFILES[check_choice("profile", name, PROFILES)]
