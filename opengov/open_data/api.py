"""JSON API of open_data."""

from ninja import Router

router = Router(tags=["open_data"])
