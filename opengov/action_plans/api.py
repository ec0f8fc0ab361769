"""JSON API of action_plans."""

from ninja import Router

router = Router(tags=["action_plans"])
