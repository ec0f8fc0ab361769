"""Rules of participation spaces, from `jurisdiction().spaces` (cited there):

- a space's co-signature threshold and window stay within the range the profile allows
  (地方制度法 Art. 18, 19, 25 for a local government's own rules; never more than the national
  公共政策網路參與實施要點 threshold), and a refusal names the allowed range;
- who belongs to a space's audience follows from what a person stated (youth: ages 15 to 35,
  Youth Development Administration);
- no participation figure is published for fewer than `min_cell` (10) people, and a second
  figure is held back where the first could be worked out from a total.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from opengov.core.jurisdiction import SpaceRules, jurisdiction

#: the age bands a person may state, each as (lowest age, highest age)
AGE_BANDS: dict[str, tuple[int, int]] = {
    "under_15": (0, 14),
    "15_19": (15, 19),
    "20_24": (20, 24),
    "25_29": (25, 29),
    "30_35": (30, 35),
    "36_49": (36, 49),
    "50_64": (50, 64),
    "65_plus": (65, 200),
}


def rules() -> SpaceRules:
    """The space rules in force."""
    return jurisdiction().spaces


@dataclass(frozen=True)
class Refusal:
    """Why a value is refused: a code, a message naming the allowed range, and the field."""

    code: str
    message: str
    field: str


def threshold_refusal(value: int | None) -> Refusal | None:
    """A threshold outside [cosign_threshold_min, cosign_threshold_max] is refused."""
    if value is None:
        return None
    r = rules()
    if not r.cosign_threshold_min <= value <= r.cosign_threshold_max:
        return Refusal(
            "out_of_range",
            _("The co-signature threshold must be between %(min)s and %(max)s.")
            % {"min": f"{r.cosign_threshold_min:,}", "max": f"{r.cosign_threshold_max:,}"},
            "cosign_threshold",
        )
    return None


def window_refusal(days: int | None) -> Refusal | None:
    """A window outside [cosign_window_min_days, cosign_window_max_days] is refused."""
    if days is None:
        return None
    r = rules()
    if not r.cosign_window_min_days <= days <= r.cosign_window_max_days:
        return Refusal(
            "out_of_range",
            _("The co-signature window must be between %(min)s and %(max)s days.")
            % {"min": r.cosign_window_min_days, "max": r.cosign_window_max_days},
            "cosign_window_days",
        )
    return None


def preset(name: str) -> tuple[int, int, str] | None:
    """A local preset (threshold, window in days, source), e.g. Taipei's i-Voting."""
    for key, threshold, days, source in rules().local_presets:
        if key == name:
            return threshold, days, source
    return None


def youth_bands() -> set[str]:
    """The age bands wholly inside the youth ages of the profile."""
    r = rules()
    return {
        band
        for band, (low, high) in AGE_BANDS.items()
        if low >= r.youth_min_age and high <= r.youth_max_age
    }


def in_audience(
    audience: str,
    statement: Mapping[str, Any] | None,
    *,
    audience_place: str = "",
) -> bool:
    """Whether someone who stated `statement` belongs to the audience. Everyone belongs to
    "everyone"; for any other audience only what the person stated counts (nothing stated:
    not in it). `statement` has the keys age_band, gender, new_immigrant, indigenous, hakka
    and place (a place code); `audience_place` is the code of the audience's place (a county
    includes its townships)."""
    if audience == "everyone":
        return True
    if not statement:
        return False
    if audience == "youth":
        return statement.get("age_band") in youth_bands()
    if audience == "women":
        return statement.get("gender") in ("woman", "other")
    if audience in ("new_immigrant", "indigenous", "hakka"):
        return statement.get(audience) is True
    if audience == "residents":
        place = statement.get("place") or ""
        if not audience_place or not place:
            return False
        if len(audience_place) == 5:  # a county or city: any of its townships too
            return place[:5] == audience_place
        return place == audience_place
    return False


def suppress(counts: Mapping[str, int], *, total_shown: bool = True) -> dict[str, int | None]:
    """Counts fit to publish: a count under `min_cell` (but above 0) becomes None. When a
    total is shown and exactly one cell is held back, the next smallest is held back too, so
    the hidden one cannot be worked out by subtraction. Zero is shown (it singles nobody out).
    """
    minimum = rules().min_cell
    shown: dict[str, int | None] = {
        key: (None if 0 < value < minimum else value) for key, value in counts.items()
    }
    hidden = [key for key, value in shown.items() if value is None]
    if total_shown and len(hidden) == 1:
        others = sorted(
            (value, key) for key, value in shown.items() if value is not None and value > 0
        )
        if others:
            shown[others[0][1]] = None
    return shown


def suppress_total(total: int) -> int | None:
    """A total fit to publish (None under `min_cell`)."""
    return None if 0 < total < rules().min_cell else total
