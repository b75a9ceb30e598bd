"""The two run profiles: ``quick`` (CI-sized: a few subsets, few epochs, one seed) and ``paper``."""

from __future__ import annotations

from dataclasses import dataclass

from ..errors import check_choice
from ..training import TrainConfig
from .paper_values import ROWS


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

    def train_config(self, seed: int) -> TrainConfig:
        return TrainConfig(seed=seed, max_epochs=self.max_epochs, patience=self.patience, device=self.device)


PROFILES = {
    "quick": Profile("quick", ("AMSV", "SV", "M"), (0,), max_epochs=6, patience=2),
    "paper": Profile("paper", ROWS, (0, 1, 2), max_epochs=60, patience=4),
}


def get_profile(name: str | Profile) -> Profile:
    """The profile of that name; a Profile passes through."""
    if isinstance(name, Profile):
        return name
    return PROFILES[check_choice("profile", name, PROFILES)]
