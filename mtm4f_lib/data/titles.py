"""Title normalisation, one way for the whole package: (title, year) keys for joining MovieLens-100K
items to MovieLens-20M ids, and the canonical form by which a user's title finds a movie."""

from __future__ import annotations

import re

_YEAR = re.compile(r"^(.*?)\s*\((\d{4})\)\s*$")
_ARTICLE = re.compile(r"^(.*),\s*(the|a|an|il|la|le|les|el|das|der|die)$")


def split_title_year(raw: str) -> tuple[str, int | None]:
    """'Shawshank Redemption, The (1994)' -> ('Shawshank Redemption, The', 1994)."""
    match = _YEAR.match(raw.strip())
    if match:
        return match.group(1), int(match.group(2))
    return raw.strip(), None


def title_key(raw: str, year: int | None = None) -> tuple[str, int | None]:
    """Lower-case words without alternative titles in parentheses or a trailing article."""
    title, parsed_year = split_title_year(raw)
    title = re.sub(r"\s*\([^)]*\)", "", title).strip().lower()
    article = _ARTICLE.match(title)
    if article:
        title = f"{article.group(2)} {article.group(1)}"
    title = re.sub(r"[^a-z0-9]+", " ", title).strip()
    return title, year if year is not None else parsed_year


def canonical_title(raw: str) -> str:
    """The join key's title without a leading article, for look-ups by name:
    "The Godfather", "Godfather, The (1972)" -> "godfather"."""
    title = title_key(str(raw))[0]
    first, _, rest = title.partition(" ")
    return rest if first in ("the", "a", "an") and rest else title
