"""A risk's score (probability × impact) and the band it falls in.

Apart from the service so that other features (a project's health, the summaries) can band scores
without depending on the register's service.
"""

from __future__ import annotations

BANDS = (("Low", 1, 4), ("Medium", 5, 9), ("High", 10, 15), ("Critical", 16, 25))


def score(probability: int, impact: int) -> int:
    if not (1 <= probability <= 5 and 1 <= impact <= 5):
        raise ValueError("probability and impact run from 1 to 5")
    return probability * impact


def band(value: int) -> str:
    for name, low, high in BANDS:
        if low <= value <= high:
            return name
    raise ValueError(f"score {value} is outside 1-25")


def rank(band_name: str) -> int:
    """The band's place, Low first: a higher rank is a worse risk."""
    return [name for name, _, _ in BANDS].index(band_name)
