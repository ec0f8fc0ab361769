"""API authentication: the session (with CSRF) for pages, `Authorization: Bearer` for programs.

Bearer authentication is on the hot path of every API write, so it is one narrow raw query,
prepared on PostgreSQL (`core.db.fetch_one`): the token joined to its person. The
token→person mapping is never cached, so a revocation or a closed account takes effect on
the very next request. A token's "last used" time is
recorded without a database write on the request when the cache is shared between the
server's processes (Redis): each process gathers the uses of the last second and sends them
to Redis in one pipeline, the cache keeps them, and `token_use_flush` writes them to the rows
periodically (Celery beat) and whenever the owner looks at their tokens. With a per-process
cache (development) the row is updated directly, at most once a minute per token.
"""

from __future__ import annotations

import atexit
import datetime as dt
import hashlib
import logging
import threading
import uuid
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.db.models import Q
from django.http import HttpRequest
from ninja.security import HttpBearer, SessionAuth
from pydantic import BaseModel

from opengov.core import clock, db
from opengov.core.cache import raw_redis
from opengov.core.hotpath import bearer_token, valid

from .models import ROLE_FIELDS, VERIFICATION_FIELDS, ApiToken, User

logger = logging.getLogger(__name__)

#: a token's row is written at most this often when the cache is not shared
DIRECT_WRITE_EVERY = dt.timedelta(seconds=60)
#: how long the cache keeps a token's last use (far longer than the flush period)
USE_CACHE_SECONDS = 7 * 24 * 3600
_LOCAL_CACHES = (
    "django.core.cache.backends.locmem.LocMemCache",
    "django.core.cache.backends.dummy.DummyCache",
)


def token_hash(key: str) -> str:
    """SHA-256 of a token key (keys are random, 256-bit: a plain hash suffices)."""
    return hashlib.sha256(key.encode()).hexdigest()


def _use_key(token_public_id: Any) -> str:
    if type(token_public_id) is not uuid.UUID:  # SQLite hands back text
        token_public_id = uuid.UUID(str(token_public_id))
    return f"api-token-used:{token_public_id}"


def use_kept_in_cache() -> bool:
    """True when "last used" goes to the (shared) cache instead of a write per use.

    `OPENGOV_API_TOKEN_USE_IN_CACHE` decides when set; otherwise only a cache shared by all
    processes (not the per-process local memory cache) is trusted with it.
    """
    explicit = getattr(settings, "OPENGOV_API_TOKEN_USE_IN_CACHE", None)
    if explicit is not None:
        return bool(explicit)
    return settings.CACHES["default"]["BACKEND"] not in _LOCAL_CACHES


#: the columns of the person the hot routes (core/hotpath.py) need: whether the account may
#: act, its verification level and its roles. The others stay deferred (loaded if read).
HOT_USER_FIELDS = ("id", *VERIFICATION_FIELDS, *ROLE_FIELDS, "is_active", "closed_at")

_sql: dict[tuple[str, ...] | None, tuple[str, list[Any], frozenset[str]]] = {}


def _auth_sql(fields: tuple[str, ...] | None = None) -> tuple[str, list[Any], frozenset[str]]:
    """(statement, its fields, their names): the person's columns (all, or these, in the
    model's order), plus the token's id, public id and last use."""
    found = _sql.get(fields)
    if found is None:
        quote = connection.ops.quote_name
        user_table = quote(User._meta.db_table)
        token_table = quote(ApiToken._meta.db_table)
        chosen = [f for f in User._meta.concrete_fields if fields is None or f.attname in fields]
        columns = ", ".join(f"u.{quote(f.column)}" for f in chosen)
        statement = (
            f"SELECT {columns}, t.id AS token_pk, t.public_id AS token_public_id, "  # noqa: S608
            f"t.last_used_at AS token_last_used_at FROM {token_table} t "
            f"JOIN {user_table} u ON u.id = t.user_id "
            "WHERE t.key_hash = %s AND t.revoked_at IS NULL"
        )
        found = _sql[fields] = (statement, chosen, frozenset(f.attname for f in chosen))
    return found


def _as_datetime(value: Any) -> dt.datetime | None:
    """A raw column value as an aware datetime (SQLite returns naive UTC, or text)."""
    if value is None:
        return None
    parsed = value if isinstance(value, dt.datetime) else dt.datetime.fromisoformat(str(value))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)


_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
_MICROSECOND = dt.timedelta(microseconds=1)
#: the shared cache's Redis (None when the cache is not Redis); values kept there are
#: microseconds since the epoch
_raw_redis = raw_redis


#: how long a process gathers token uses before sending them to Redis in one pipeline
USE_SEND_EVERY_SECONDS = 1.0
#: Redis key → last use (microseconds since the epoch) not yet sent, for this process
_unsent_uses: dict[str, int] = {}
_unsent_lock = threading.Lock()


def _send_uses() -> int:
    """Send this process's gathered token uses to Redis (one pipeline); returns how many."""
    global _unsent_uses
    with _unsent_lock:
        batch, _unsent_uses = _unsent_uses, {}
    if not batch:
        return 0
    client = _raw_redis()
    if client is None:
        return 0
    pipe = client.pipeline(transaction=False)
    for key, micros in batch.items():
        pipe.set(key, micros, ex=USE_CACHE_SECONDS)
    pipe.execute()
    return len(batch)


def _send_uses_quietly() -> None:
    try:
        _send_uses()
    except Exception:  # a lost "last used" time must never fail anything else
        logger.warning("could not send API token uses", exc_info=True)


atexit.register(_send_uses_quietly)


def _remember_use(token_public_id: Any, moment: dt.datetime) -> None:
    """Keep the use for Redis (sent within a second, by a timer) or in the local cache."""
    client = _raw_redis()
    if client is None:
        cache.set(_use_key(token_public_id), moment, USE_CACHE_SECONDS)
        return
    key = cache.make_key(_use_key(token_public_id))
    with _unsent_lock:
        first = not _unsent_uses
        _unsent_uses[key] = (moment - _EPOCH) // _MICROSECOND
    if first:
        timer = threading.Timer(USE_SEND_EVERY_SECONDS, _send_uses_quietly)
        timer.daemon = True
        timer.start()


def _remembered_uses(tokens: list[ApiToken]) -> dict[int, dt.datetime]:
    """{token pk: last use kept in the cache} for these tokens (this process's unsent uses
    are sent first, so a person sees the use they just made)."""
    client = _raw_redis()
    if client is not None:
        _send_uses()
    if client is None:
        cached = cache.get_many([_use_key(t.public_id) for t in tokens])
        found = {t.pk: cached.get(_use_key(t.public_id)) for t in tokens}
    else:
        values = client.mget([cache.make_key(_use_key(t.public_id)) for t in tokens])
        found = {
            t.pk: _EPOCH + int(v) * _MICROSECOND if v is not None else None
            for t, v in zip(tokens, values, strict=True)
        }
    return {pk: used for pk, used in found.items() if used is not None}


def record_token_use(token_pk: int, token_public_id: Any, last_used_at: Any) -> None:
    """Remember that the token was used now (see the module docstring)."""
    now = clock.now()
    if use_kept_in_cache():
        _remember_use(token_public_id, now)
        return
    last = _as_datetime(last_used_at)
    if last is None or now - last > DIRECT_WRITE_EVERY:
        ApiToken.objects.filter(pk=token_pk).update(last_used_at=now)


def token_use_flush(tokens: Iterable[ApiToken] | None = None) -> int:
    """Write the cached last uses of these tokens (default: every token unrevoked or revoked
    within the cache's keeping time) to their rows, never moving a row's time backwards;
    returns how many rows changed.

    Idempotent; run by the periodic task and before a person's tokens are shown.
    """
    if tokens is None:
        recent = clock.now() - dt.timedelta(seconds=USE_CACHE_SECONDS)
        changed = 0
        last_pk = 0
        while True:
            batch = list(
                ApiToken.objects.filter(pk__gt=last_pk)
                .filter(Q(revoked_at__isnull=True) | Q(revoked_at__gte=recent))
                .only("pk", "public_id", "last_used_at")
                .order_by("pk")[:1000]
            )
            if not batch:
                return changed
            changed += token_use_flush(batch)
            last_pk = batch[-1].pk
    tokens = list(tokens)
    if not tokens:
        return 0
    cached = _remembered_uses(tokens)
    changed = 0
    for token in tokens:
        used = cached.get(token.pk)
        if used is None or (token.last_used_at is not None and token.last_used_at >= used):
            continue
        changed += ApiToken.objects.filter(
            Q(last_used_at__isnull=True) | Q(last_used_at__lt=used), pk=token.pk
        ).update(last_used_at=used)
        token.last_used_at = used
    return changed


def user_for_token(key: str, fields: tuple[str, ...] | None = None) -> User | None:
    """The active person owning this unrevoked token, or None; records the use.

    With `fields` (such as `HOT_USER_FIELDS`) only those columns are read, the others
    deferred: Django loads them, in a query of their own, if they are ever read.
    """
    statement, chosen, names = _auth_sql(fields)
    row = db.fetch_one(statement, [token_hash(key)])
    if row is None:
        return None
    values = list(row[: len(chosen)])
    token_pk, token_public_id, token_last_used = row[len(chosen) :]
    if connections[DEFAULT_DB_ALIAS].vendor != "postgresql":
        # SQLite hands back text and integers: let the fields convert them as the ORM does
        values = [
            _convert(field, value) if value is not None else None
            for field, value in zip(chosen, values, strict=True)
        ]
    user = User.from_db(DEFAULT_DB_ALIAS, names, values)
    if not user.is_active or user.closed_at:
        return None
    record_token_use(token_pk, token_public_id, token_last_used)
    return user


def hot_route_caller(
    request: HttpRequest, schema: type[BaseModel], body: dict[str, Any]
) -> tuple[User, Any] | None:
    """For a hot route (core/hotpath.py): (the person of the request's bearer token, the body
    as `schema`), the person read with `HOT_USER_FIELDS` and set as `request.user`; None when
    the body is not one `schema` takes strictly or the token is unknown, which leaves the
    request to the ordinary lane."""
    payload = valid(schema, body)
    if payload is None:
        return None
    user = user_for_token(bearer_token(request) or "", HOT_USER_FIELDS)
    if user is None:
        return None
    request.user = user
    return user, payload


def _convert(field: Any, value: Any) -> Any:
    col = field.get_col(User._meta.db_table)
    converters = connection.ops.get_db_converters(col) + col.get_db_converters(connection)
    for converter in converters:
        value = converter(value, col, connection)
    return value


class BearerTokenAuth(HttpBearer):
    """Authenticates `Authorization: Bearer <key>` against unrevoked API tokens."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        """Return the token's user, or None."""
        user = user_for_token(token)
        if user is None:
            return None
        request.user = user
        return user


class OptionalAuth:
    """Lets anonymous callers through while still recognising a session or token."""

    def __call__(self, request: HttpRequest) -> Any:
        header = request.headers.get("Authorization", "")
        if header.lower().startswith("bearer "):
            user = BearerTokenAuth().authenticate(request, header[7:].strip())
            return user or None
        return request.user if request.user.is_authenticated else True


class SignedInSessionAuth(SessionAuth):
    """The session, with its CSRF check, for callers that are signed in.

    Without a signed-in session there is nothing for a forged request to borrow, so the CSRF
    check is skipped and the caller gets the 401 of a missing sign-in, not a CSRF failure."""

    def __call__(self, request: HttpRequest) -> Any:
        if not request.user.is_authenticated:
            return None
        return super().__call__(request)


session_auth = SignedInSessionAuth(csrf=True)
bearer_auth = BearerTokenAuth()
#: for endpoints that need a signed-in caller
REQUIRED = [bearer_auth, session_auth]
#: for public endpoints that behave differently for signed-in callers
OPTIONAL = [bearer_auth, session_auth, OptionalAuth()]
