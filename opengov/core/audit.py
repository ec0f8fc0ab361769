"""The audit log: every significant action, as a leaf of the "audit" transparency log.

`record()` is called by services inside their transaction. The event's canonical JSON is
appended to the Merkle log (`core.tlog`) under the log's lock, so events are ordered and
gap-free, and the checkpoints signed over the log (published at /audit/checkpoint and in
the open data catalogue) commit to every event: whoever saved one detects a truncated,
wiped or rewritten log (`opengov verify_audit_log --checkpoint FILE`).

A leaf can never be erased, so nothing personal or user-written goes in: actors are
pseudonyms (`AuditActor`, deleted when the account closes) with a role; targets are a type
and a public id; `changes` keeps field names and codes (statuses, numbers, dates, ids),
and any other text is replaced by `WITHHELD`.

Verbs come from one registry. Each app declares the verbs it records in its own
`audit_events.py` (loaded when Django starts, like `exporters.py`) with `register_verbs`;
a verb is `<namespace>.<thing>_<past participle>` (`proposal.created`,
`procurement.releases_imported`), and `record()` refuses a verb nobody registered. Events
already in the log keep the verb they were written with (a leaf cannot change): a renamed
verb lists its old names as `legacy`, and `current_verb()` / `stored_verbs()` map between
them for display and filtering.
"""

from __future__ import annotations

import datetime as dt
import decimal
import json
import re
import secrets
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import IntegrityError, models, transaction
from django.utils import translation

from . import clock, tlog
from .models import AuditActor, AuditEvent, LogCheckpoint

AUDIT_LOG = "audit"
WITHHELD = "[withheld]"

#: a value that is a code, not prose: statuses, slugs, numbers, ISO dates, ids, URLs
_CODE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.:/+\-]{0,119}")
#: keys whose values are text written by people (or personal data), whatever they look like
TEXT_KEYS = frozenset(
    {
        "address",
        "body",
        "comment",
        "content",
        "description",
        "display_name",
        "email",
        "file",
        "filename",
        "keywords",
        "label",
        "message",
        "name",
        "name_en",
        "national_id",
        "note",
        "phone",
        "real_name",
        "reason",
        "summary",
        "text",
        "title",
    }
)


# ---------------------------------------------------------------------------------------
# The verbs
# ---------------------------------------------------------------------------------------

#: `<namespace>.<words>`, lower case, words joined by underscores
VERB_FORM = re.compile(r"[a-z][a-z0-9]*(?:_[a-z0-9]+)*\.[a-z][a-z0-9]*(?:_[a-z0-9]+)*")
#: past participles that do not end in -ed
IRREGULAR_PARTICIPLES = frozenset(
    {
        "begun",
        "bound",
        "broken",
        "brought",
        "built",
        "chosen",
        "cut",
        "done",
        "drawn",
        "forbidden",
        "forgotten",
        "found",
        "frozen",
        "given",
        "held",
        "hidden",
        "kept",
        "known",
        "led",
        "left",
        "lost",
        "made",
        "met",
        "overridden",
        "paid",
        "put",
        "read",
        "rebuilt",
        "reset",
        "run",
        "seen",
        "sent",
        "set",
        "shown",
        "sold",
        "spent",
        "split",
        "spoken",
        "taken",
        "told",
        "undone",
        "upheld",
        "withdrawn",
        "withheld",
        "won",
        "written",
    }
)


class UnregisteredVerb(ValueError):
    """`record()` was given a verb that no app declared in its `audit_events.py`."""


@dataclass(frozen=True)
class Verb:
    """A verb an app records, with the names it was stored under before (if renamed)."""

    name: str
    app: str
    legacy: tuple[str, ...] = ()


_VERBS: dict[str, Verb] = {}
_LEGACY: dict[str, str] = {}


def verb_problem(name: str) -> str | None:
    """Why `name` cannot be an audit verb, or None when it can."""
    if not VERB_FORM.fullmatch(name):
        return "not of the form <namespace>.<thing>_<past participle> in lower case"
    last = name.rsplit(".", 1)[1].rsplit("_", 1)[-1]
    if not (last.endswith("ed") or last in IRREGULAR_PARTICIPLES):
        return f"does not end in a past participle ({last!r})"
    return None


def register_verbs(app: str, *names: str, legacy: dict[str, str] | None = None) -> None:
    """Declare the verbs `app` records; `legacy` maps an old stored name to its verb now.

    Called once per app from its `audit_events.py`. Registering the same verb again for the
    same app is harmless; a verb or old name claimed by two apps, a verb not in the past
    tense, or an old name that is also a current verb is an error at start-up.
    """
    legacy = legacy or {}
    for old, new in legacy.items():
        if new not in names:
            raise ValueError(f"legacy verb {old!r} maps to {new!r}, which {app} does not register")
        if old in _VERBS or old in names:
            raise ValueError(f"old audit verb {old!r} is a current verb")
        if _LEGACY.get(old, new) != new:
            raise ValueError(f"old audit verb {old!r} maps to {_LEGACY[old]!r} already")
    for name in names:
        problem = verb_problem(name)
        if problem:
            raise ValueError(f"audit verb {name!r} of {app}: {problem}")
        known = _VERBS.get(name)
        if known is not None and known.app != app:
            raise ValueError(f"audit verb {name!r} registered by {known.app} and {app}")
        if name in _LEGACY:
            raise ValueError(f"audit verb {name!r} is an old name of {_LEGACY[name]!r}")
    # everything checked before anything is kept: a refused call registers nothing
    for name in names:
        olds = tuple(sorted(old for old, new in legacy.items() if new == name))
        _VERBS[name] = Verb(name=name, app=app, legacy=olds)
    _LEGACY.update(legacy)


def verbs() -> dict[str, Verb]:
    """Every registered verb by name."""
    return dict(sorted(_VERBS.items()))


def legacy_verbs() -> dict[str, str]:
    """Old stored name -> the verb it is now."""
    return dict(sorted(_LEGACY.items()))


def is_known(name: str) -> bool:
    """Whether `name` is a registered verb or an old name of one."""
    return name in _VERBS or name in _LEGACY


def current_verb(stored: str) -> str:
    """The verb an event stored as `stored` is known by now (itself unless renamed)."""
    return _LEGACY.get(stored, stored)


def stored_verbs(verb: str) -> list[str]:
    """Every name events of `verb` may be stored under: the verb and its old names."""
    found = _VERBS.get(current_verb(verb))
    return [found.name, *found.legacy] if found else [verb]


# ---------------------------------------------------------------------------------------
# What goes into an event
# ---------------------------------------------------------------------------------------


def _plain(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, models.Model):
        return str(getattr(value, "public_id", None) or value.pk)
    return value


def scrub_changes(value: Any, key: str | None = None) -> Any:
    """Keep field names and codes; replace text (and anything under a text key) by WITHHELD.

    Booleans, numbers, None, and strings that are codes (no spaces, ASCII, no "@") are
    kept; dates become ISO strings; lists and dicts are scrubbed item by item.
    """
    value = _plain(value)
    if key is not None and key.lower() in TEXT_KEYS:
        return value if value is None or isinstance(value, bool) else WITHHELD
    if value is None or isinstance(value, bool | int | float):
        return value
    if isinstance(value, str):
        return value if value == "" or _CODE.fullmatch(value) else WITHHELD
    if isinstance(value, dict):
        return {
            str(k): scrub_changes(v, str(k))
            for k, v in value.items()
            if isinstance(k, str) and _CODE.fullmatch(k)
        }
    if isinstance(value, list | tuple | set | frozenset):
        items = sorted(value, key=str) if isinstance(value, set | frozenset) else value
        return [scrub_changes(v, key) for v in items]
    return WITHHELD


def actor_role(actor: Any) -> str:
    """The role an actor acted in, as recorded instead of a name."""
    if actor is None:
        return "system"
    if not getattr(actor, "is_authenticated", False):
        return "anonymous"
    for flag, role in (
        ("is_superuser", "administrator"),
        ("is_staff", "staff"),
        ("is_moderator", "moderator"),
        ("is_reviewer", "reviewer"),
    ):
        if getattr(actor, flag, False):
            return role
    return "user"


def actor_ref(user: Any) -> str:
    """The account's pseudonym in the audit log (created on first use)."""
    found = AuditActor.objects.filter(user=user).values_list("ref", flat=True).first()
    if found:
        return found
    try:
        with transaction.atomic():
            return AuditActor.objects.create(
                user=user, ref="p-" + secrets.token_hex(10), created_at=clock.now()
            ).ref
    except IntegrityError:  # created meanwhile by a concurrent transaction
        return AuditActor.objects.get(user=user).ref


def forget_actor(user: Any) -> None:
    """Unlink a closing account from the log: its pseudonym then leads to no one.

    Called by the account's closure, in its transaction, after its last event.
    """
    AuditActor.objects.filter(user=user).delete()
    AuditEvent.objects.filter(actor=user).update(actor=None)


def _is_user_model(target: models.Model) -> bool:
    return target._meta.label_lower == settings.AUTH_USER_MODEL.lower()


def _target_fields(target: models.Model | None) -> tuple[str, str, str]:
    if target is None:
        return "", "", ""
    if _is_user_model(target):
        public_id: Any = actor_ref(target)
    else:
        public_id = getattr(target, "public_id", None) or getattr(target, "uuid", None)
        public_id = public_id or target.pk
    with translation.override("en"):
        label = str(target._meta.verbose_name)
    return target._meta.label_lower, str(public_id), label[:300]


def canonical(event: AuditEvent) -> bytes:
    """The event's leaf in the audit log: its fields as canonical JSON (UTF-8)."""
    payload = {
        "v": 1,
        "seq": event.seq,
        "uuid": str(event.uuid),
        # in UTC: the database gives times back in UTC whatever zone they were written in
        "created_at": event.created_at.astimezone(dt.UTC).isoformat(),
        "actor": event.actor_ref,
        "role": event.actor_label,
        "agency_code": event.agency_code,
        "verb": event.verb,
        "target_type": event.target_type,
        "target_id": event.target_id,
        "target_repr": event.target_repr,
        "changes": event.changes,
        "public": event.public,
    }
    return json.dumps(
        payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str
    ).encode()


def record(
    *,
    actor: Any,
    verb: str,
    target: models.Model | None = None,
    changes: dict[str, Any] | None = None,
    agency_code: str = "",
    public: bool = False,
) -> AuditEvent:
    """Append one event. Must run inside the transaction of the action it records."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit.record() must be called inside the action's transaction")
    if verb not in _VERBS:
        raise UnregisteredVerb(
            f"audit verb {verb!r} is not registered: declare it in the app's audit_events.py"
        )
    is_user = actor is not None and getattr(actor, "is_authenticated", False)
    target_type, target_id, target_repr = _target_fields(target)
    event = AuditEvent(
        created_at=clock.now(),
        actor=actor if is_user else None,
        actor_ref=actor_ref(actor) if is_user else "",
        actor_label=actor_role(actor),
        agency_code=agency_code,
        verb=verb,
        target_type=target_type,
        target_id=target_id,
        target_repr=target_repr,
        changes=scrub_changes(changes or {}),
        public=public,
    )

    def leaf(index: int) -> bytes:
        event.leaf_index, event.seq = index, index + 1
        return canonical(event)

    tlog.append(AUDIT_LOG, leaf)
    event.save(force_insert=True)
    return event


# ---------------------------------------------------------------------------------------
# Checkpoints and verification
# ---------------------------------------------------------------------------------------


def checkpoint() -> LogCheckpoint:
    """The signed checkpoint of the audit log now (issued if the log has grown)."""
    return tlog.checkpoint(AUDIT_LOG)


def event_data(batch: int = 2000) -> Iterator[bytes | None]:
    """Each leaf's data recomputed from the events, in leaf order; None for a missing event."""
    expected, last = 0, -1
    while True:
        rows = list(AuditEvent.objects.filter(leaf_index__gt=last).order_by("leaf_index")[:batch])
        if not rows:
            return
        for event in rows:
            while expected < event.leaf_index:
                yield None
                expected += 1
            yield canonical(event)
            expected += 1
        last = rows[-1].leaf_index


def verify(against: str | None = None) -> tlog.LogReport:
    """Recompute every event's leaf, the tree and every stored checkpoint; with `against`
    (a checkpoint note someone saved), check that the log still contains it."""
    return tlog.verify_log(AUDIT_LOG, against, leaf_data=event_data())
