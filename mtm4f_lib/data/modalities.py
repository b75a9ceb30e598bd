"""The four item modalities of the paper and their one-letter abbreviations."""

from __future__ import annotations

from itertools import combinations

from ..errors import MTM4FError

MODALITIES: tuple[str, ...] = ("audio", "meta", "subtitle", "video")
ABBREVIATIONS: dict[str, str] = {"A": "audio", "M": "meta", "S": "subtitle", "V": "video"}


def parse_modalities(spec) -> tuple[str, ...]:
    """Normalise 'AMSV', 'audio+video', ['A', 'meta'] ... into a sorted tuple of modality names."""
    if isinstance(spec, str):
        parts = spec.replace(",", "+").split("+") if ("+" in spec or "," in spec or spec.lower() in MODALITIES) else list(spec)
    else:
        parts = list(spec)
    names = []
    for part in parts:
        key = part.strip()
        name = ABBREVIATIONS.get(key.upper(), key.lower()) if len(key) == 1 else key.lower()
        if name not in MODALITIES:
            raise MTM4FError(f"Unknown modality {part!r}. Use any of {list(MODALITIES)} or the letters A, M, S, V.")
        names.append(name)
    if not names:
        raise MTM4FError("Give at least one modality (A, M, S, V).")
    return tuple(m for m in MODALITIES if m in names)


def abbreviate(modalities) -> str:
    """('audio', 'video') -> 'AV'."""
    return "".join(m[0].upper() for m in parse_modalities(modalities))


def subset_label(modalities) -> str:
    """('audio', 'video') or 'AV' -> 'Audio + Video': how tables name a modality subset."""
    return " + ".join(m.capitalize() for m in parse_modalities(modalities))


def all_subsets() -> list[tuple[str, ...]]:
    """The 15 non-empty modality subsets, largest first, in the paper's table order."""
    ordered = []
    for k in (4, 3, 2, 1):
        combos = list(combinations(MODALITIES, k))
        ordered += combos if k in (1, 4) else combos[::-1]
    return ordered
