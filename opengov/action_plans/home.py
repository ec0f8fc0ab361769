"""The action-plans block of the front page: the current plan's progress."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from opengov.core.home import HomeSection, register

from . import selectors


def home_context(request: HttpRequest) -> dict[str, Any] | None:
    """The newest plan with its overall progress and overdue milestones, if there is a plan."""
    plan = selectors.plans().first()
    if plan is None:
        return None
    board = selectors.plan_dashboard(plan)
    return {
        "plan": plan,
        "progress": round(board.progress),
        "commitments": len(board.commitments),
        "overdue": len(board.overdue),
    }


register(HomeSection("action_plans", 30, "action_plans/_home.html", home_context))
