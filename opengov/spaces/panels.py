"""The spaces app's blocks on other apps' pages (`core.panels`): the spaces' own rules with
their sources on /rules/, and on a proposal's or consultation's page the space it is held in
and the input entered from offline channels."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from opengov.core.panels import Panel, register

from . import rules, selectors
from .models import Space


def rules_context(request: HttpRequest, profile: Any) -> dict[str, Any] | None:
    """Every published space whose rules differ from the profile, with their source, and the
    range within which a space may set its own."""
    spaces = list(
        Space.objects.filter(published_at__isnull=False)
        .exclude(cosign_threshold__isnull=True, cosign_window_days__isnull=True)
        .order_by("slug")
    )
    return {"spaces": spaces, "limits": rules.rules(), "presets": rules.rules().local_presets}


def _target_context(kind: str, obj: Any) -> dict[str, Any] | None:
    space_key = getattr(obj, "space", "")
    if not space_key:  # offline input is entered only into a space's content
        return None
    space = Space.objects.filter(slug=space_key, published_at__isnull=False).first()
    inputs = selectors.offline_inputs(target_id=obj.public_id).filter(space__slug=space_key)
    return {
        "space": space,
        "kind": kind,
        "totals": selectors.channel_totals(inputs),
        "inputs": list(inputs[:20]),
    }


def proposal_context(request: HttpRequest, proposal: Any) -> dict[str, Any] | None:
    """A proposal's space and its offline input."""
    return _target_context("proposal", proposal)


def consultation_context(request: HttpRequest, consultation: Any) -> dict[str, Any] | None:
    """A consultation's space and its offline input."""
    return _target_context("consultation", consultation)


register(Panel("spaces", "core.rules", 50, "spaces/_rules_panel.html", rules_context))
register(Panel("spaces", "proposals.detail", 40, "spaces/_target_panel.html", proposal_context))
register(
    Panel("spaces", "consultations.detail", 40, "spaces/_target_panel.html", consultation_context)
)
