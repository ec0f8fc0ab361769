"""Direct use of the shared cache's Redis, for the few things on a busy path."""

from __future__ import annotations

from typing import Any

from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache

_redis_clients: dict[tuple, Any] = {}


def raw_redis() -> Any:
    """A Redis client on the default cache's own connection pool, kept for the process, or
    None when the cache is not Redis. (Django's Redis cache builds a client object for every
    call, a cost that matters on a busy path.) Keys must go through `cache.make_key`."""
    backend = caches["default"]
    if not isinstance(backend, RedisCache):
        return None
    servers = tuple(backend._servers)
    client = _redis_clients.get(servers)
    if client is None:
        client = _redis_clients[servers] = backend._cache.get_client(None, write=True)
    return client
