"""JSON API of proposals."""

from ninja import Router

router = Router(tags=["proposals"])
