"""JSON API of accounts: the caller's profile, their data, their tokens."""

from ninja import Router

router = Router(tags=["accounts"])
