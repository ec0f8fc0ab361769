"""Every write of the spaces app: atomic, permission-checked, with its audit event.

Also the two hooks the core's scope registry calls (`scope_resolver`, `scope_gate`), so that
proposals and consultations apply a space's rules and audience without importing this app.
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from opengov.accounts.permissions import (
    active_membership,
    administers_agency,
    is_moderator,
    require_level,
    require_signed_in,
)
from opengov.consultations import selectors as consultation_selectors
from opengov.consultations import services as consultation_services
from opengov.core import audit, clock
from opengov.core.errors import Forbidden, NotFound, ServiceError
from opengov.core.scopes import Scope
from opengov.core.text import clean_plain
from opengov.proposals import services as proposal_services

from . import rules
from .models import (
    Audience,
    Channel,
    Event,
    MilestoneStatus,
    Need,
    Offer,
    OfflineInput,
    ParticipantStatement,
    Place,
    ProgressReport,
    Project,
    ProjectMilestone,
    Space,
    SpaceKind,
    SpaceRole,
    TargetKind,
)
from .permissions import can_act, can_moderate, can_report_progress

SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{1,49}$")
#: page paths under /spaces/ that a space's short name may not take
RESERVED_SLUGS = ("places", "statement", "revitalisation", "new")
LANGUAGE_CODES = ("zh-hant", "en", "vi", "id", "th", "hak", "ami", "tay", "pwn")


def _text(value: Any, field: str, *, max_length: int, required: bool = True) -> str:
    text = clean_plain(str(value or ""))
    if required and not text:
        raise ServiceError("required", _("This field is required."), field=field)
    if len(text) > max_length:
        raise ServiceError(
            "too_long",
            _("At most %(n)s characters.") % {"n": max_length},
            field=field,
        )
    return text


def _choice(value: str, choices: Any, field: str) -> str:
    if value not in choices.values:
        raise ServiceError("invalid_choice", _("Choose one of the options."), field=field)
    return value


# --- hooks for the core scope registry --------------------------------------------------------


def scope_resolver(key: str) -> Scope | None:
    """The rules of the space `key` as a core `Scope` (None for an unknown key)."""
    space = Space.objects.filter(slug=key).first()
    if space is None:
        return None
    return space_scope(space)


def space_scope(space: Space) -> Scope:
    """A space's overrides of the proposal rules, with their source."""
    overrides: list[tuple[str, str, Any]] = []
    if space.cosign_threshold is not None:
        overrides.append(("proposals", "cosign_threshold", space.cosign_threshold))
    if space.cosign_window_days is not None:
        from opengov.core.jurisdiction import Period

        overrides.append(("proposals", "cosign_window", Period(days=space.cosign_window_days)))
    return Scope(key=space.slug, overrides=tuple(overrides), source=space.rules_source)


def statement_dict(statement: ParticipantStatement | None) -> dict[str, Any] | None:
    """What a person stated, as `rules.in_audience` reads it."""
    if statement is None:
        return None
    return {
        "age_band": statement.age_band,
        "gender": statement.gender,
        "new_immigrant": statement.new_immigrant,
        "indigenous": statement.indigenous,
        "hakka": statement.hakka,
        "place": statement.place.code if statement.place_id else "",
    }


def audience_refusal(space: Space, actor: Any) -> str | None:
    """Why `actor` may not propose in `space` (None when they may)."""
    if not space.audience_only or space.audience == Audience.EVERYONE:
        return None
    statement = ParticipantStatement.objects.filter(user_id=actor.pk).select_related("place")
    stated = statement_dict(statement.first())
    place_code = space.audience_place.code if space.audience_place_id else ""
    if rules.in_audience(space.audience, stated, audience_place=place_code):
        return None
    return _(
        "This space is for %(audience)s. State that you belong on your participation "
        "statement page to take part."
    ) % {"audience": audience_label(space)}


def audience_label(space: Space) -> str:
    """The audience in words (residents of which place, young people of which ages...)."""
    if space.audience == Audience.RESIDENTS and space.audience_place_id:
        return _("residents of %(place)s") % {"place": str(space.audience_place)}
    if space.audience == Audience.YOUTH:
        r = rules.rules()
        return _("young people aged %(min)s to %(max)s") % {
            "min": r.youth_min_age,
            "max": r.youth_max_age,
        }
    return str(Audience(space.audience).label)


def scope_gate(key: str, actor: Any) -> str | None:
    """The core's entry check: the space exists, is published, and `actor` is in its
    audience when only the audience may propose."""
    space = Space.objects.select_related("audience_place").filter(slug=key).first()
    if space is None or space.published_at is None:
        return _("This participation space does not exist.")
    return audience_refusal(space, actor)


@transaction.atomic
def places_ensure(*, actor: Any = None) -> int:
    """Load the counties, cities and townships the database lacks (the migration ships them;
    a flushed database, as in tests and a fresh demo, gets them back). Returns how many."""
    from .models import Place
    from .places import load_places

    created = load_places(Place)
    if created:
        audit.record(actor=actor, verb="spaces.places_loaded", changes={"places": created})
    return created


def forget_statements(*, user: Any, **_signal: Any) -> int:
    """Erase a closed account's participation statement and its roles in spaces (receiver
    of `user_closed`)."""
    deleted, _rows = ParticipantStatement.objects.filter(user_id=user.pk).delete()
    SpaceRole.objects.filter(user_id=user.pk).delete()
    return deleted


# --- spaces ------------------------------------------------------------------------------------


def _require_moderator(actor: Any, space: Space) -> None:
    require_signed_in(actor)
    if not can_moderate(actor, space):
        if space.published_at is None and not can_act(actor, space):
            raise NotFound()
        raise Forbidden(_("Only the moderators of this space can do this."))


def _require_official(actor: Any, space: Space) -> None:
    require_signed_in(actor)
    if not can_act(actor, space):
        if space.published_at is None:
            raise NotFound()
        raise Forbidden(_("Only the officials of this space can do this."))


def _languages(languages: Sequence[str]) -> list[str]:
    chosen = []
    for code in languages:
        code = str(code).strip().lower()
        if code not in LANGUAGE_CODES:
            raise ServiceError(
                "invalid_language",
                _("Unknown language code: %(code)s.") % {"code": code[:20]},
                field="languages",
            )
        if code not in chosen:
            chosen.append(code)
    return chosen or ["zh-hant"]


@transaction.atomic
def space_create(
    *,
    actor: Any,
    slug: str,
    name: str,
    kind: str,
    host_agency: Any,
    description: str = "",
    name_en: str = "",
    description_en: str = "",
    place: Place | None = None,
    audience: str = Audience.EVERYONE,
    audience_place: Place | None = None,
    audience_only: bool = False,
    languages: Sequence[str] = ("zh-hant",),
) -> Space:
    """Create an unpublished space (platform moderators, or administrators of the host
    agency)."""
    require_signed_in(actor)
    if not (is_moderator(actor) or administers_agency(actor, host_agency)):
        raise Forbidden(_("Only platform moderators and agency administrators create spaces."))
    slug = str(slug or "").strip().lower()
    if not SLUG.match(slug):
        raise ServiceError(
            "invalid_slug",
            _("Use 2 to 50 lower-case letters, digits and hyphens."),
            field="slug",
        )
    if slug in RESERVED_SLUGS or Space.objects.filter(slug=slug).exists():
        raise ServiceError("taken", _("This short name is taken."), field="slug")
    _choice(kind, SpaceKind, "kind")
    _choice(audience, Audience, "audience")
    if audience == Audience.RESIDENTS and audience_place is None:
        raise ServiceError(
            "required", _("Name the place whose residents the space is for."), field="audience"
        )
    now = clock.now()
    space = Space.objects.create(
        slug=slug,
        name_zh_hant=_text(name, "name", max_length=120),
        name_en=_text(name_en, "name_en", max_length=120, required=False) or None,
        description_zh_hant=_text(description, "description", max_length=5000, required=False),
        description_en=_text(description_en, "description_en", max_length=5000, required=False)
        or None,
        kind=kind,
        host_agency=host_agency,
        place=place,
        audience=audience,
        audience_place=audience_place if audience == Audience.RESIDENTS else None,
        audience_only=bool(audience_only),
        languages=_languages(languages),
        created_at=now,
        updated_at=now,
    )
    audit.record(actor=actor, verb="spaces.space_created", target=space, public=True)
    return space


@transaction.atomic
def space_publish(*, actor: Any, space: Space) -> Space:
    """Open the space's page to everyone."""
    _require_moderator(actor, space)
    if space.published_at is None:
        space.published_at = clock.now()
        space.updated_at = space.published_at
        space.save(update_fields=["published_at", "updated_at"])
        audit.record(actor=actor, verb="spaces.space_published", target=space, public=True)
    return space


@transaction.atomic
def space_set_rules(
    *,
    actor: Any,
    space: Space,
    cosign_threshold: int | None = None,
    cosign_window_days: int | None = None,
    source: str = "",
    preset: str = "",
) -> Space:
    """Set (or clear, with None) the space's own co-signature threshold and window. Each must
    lie within the range the profile allows; a refusal names that range. A preset (e.g.
    Taipei's i-Voting) fills both and its source. An override needs its source."""
    _require_moderator(actor, space)
    if preset:
        found = rules.preset(preset)
        if found is None:
            raise ServiceError("unknown_preset", _("Unknown preset."), field="preset")
        cosign_threshold, cosign_window_days, source = found
    for refusal in (
        rules.threshold_refusal(cosign_threshold),
        rules.window_refusal(cosign_window_days),
    ):
        if refusal is not None:
            raise ServiceError(refusal.code, refusal.message, field=refusal.field)
    source = _text(source, "rules_source", max_length=300, required=False)
    if (cosign_threshold is not None or cosign_window_days is not None) and not source:
        raise ServiceError(
            "required",
            _("Name the law, regulation or decision the space's rules come from."),
            field="rules_source",
        )
    before = {"threshold": space.cosign_threshold, "window_days": space.cosign_window_days}
    space.cosign_threshold = cosign_threshold
    space.cosign_window_days = cosign_window_days
    space.rules_source = source if (cosign_threshold or cosign_window_days) else ""
    space.updated_at = clock.now()
    space.save(
        update_fields=["cosign_threshold", "cosign_window_days", "rules_source", "updated_at"]
    )
    audit.record(
        actor=actor,
        verb="spaces.rules_changed",
        target=space,
        changes={
            "before": before,
            "threshold": cosign_threshold,
            "window_days": cosign_window_days,
            "source": space.rules_source,
        },
        public=True,
    )
    return space


@transaction.atomic
def space_role_grant(*, actor: Any, space: Space, user: Any, role: str) -> SpaceRole:
    """Make `user` a moderator or official of the space (its moderators only)."""
    _require_moderator(actor, space)
    _choice(role, SpaceRole.Role, "role")
    granted, _created = SpaceRole.objects.update_or_create(
        space=space, user=user, defaults={"role": role, "created_at": clock.now()}
    )
    audit.record(actor=actor, verb="spaces.role_granted", target=space, changes={"role": role})
    return granted


@transaction.atomic
def space_role_revoke(*, actor: Any, space: Space, user: Any) -> bool:
    """Take `user`'s role in the space away."""
    _require_moderator(actor, space)
    deleted, _rows = SpaceRole.objects.filter(space=space, user=user).delete()
    if deleted:
        audit.record(actor=actor, verb="spaces.role_revoked", target=space)
    return bool(deleted)


# --- content held in a space --------------------------------------------------------------------


def space_propose(
    *,
    actor: Any,
    space: Space,
    title: str,
    content: str,
    benefits: str,
    agencies: Sequence[Any] = (),
    address: str = "",
) -> Any:
    """Submit a proposal in the space (the space's audience, when only it may propose). The
    proposal names the host agency unless others are given; the space's threshold and window
    apply when it is published."""
    require_signed_in(actor)
    if space.published_at is None:
        raise NotFound()
    refusal = audience_refusal(space, actor)
    if refusal:
        raise Forbidden(refusal, code="not_in_audience")
    return proposal_services.proposal_create(
        actor=actor,
        title=title,
        content=content,
        benefits=benefits,
        agencies=list(agencies) or [space.host_agency],
        submit=True,
        address=address,
        space=space.slug,
    )


@transaction.atomic
def space_consultation_attach(*, actor: Any, space: Space, consultation: Any) -> Any:
    """Hold an agency's consultation in the space (its officials, who must also be officials
    of the consultation's agency)."""
    _require_official(actor, space)
    result = consultation_services.consultation_set_space(
        actor=actor, consultation=consultation, space=space.slug
    )
    audit.record(
        actor=actor,
        verb="spaces.consultation_attached",
        target=space,
        changes={"consultation": str(consultation.public_id)},
        public=True,
    )
    return result


@transaction.atomic
def event_create(
    *,
    actor: Any,
    space: Space,
    title: str,
    channel: str,
    held_on: dt.date,
    place: Place | None = None,
    description: str = "",
) -> Event:
    """Record a meeting, workshop, hotline session or paper-form round held in the space."""
    _require_official(actor, space)
    _choice(channel, Channel, "channel")
    if not isinstance(held_on, dt.date):
        raise ServiceError("invalid_date", _("Enter a valid date."), field="held_on")
    event = Event.objects.create(
        space=space,
        title=_text(title, "title", max_length=200),
        channel=channel,
        held_on=held_on,
        place=place,
        description=_text(description, "description", max_length=3000, required=False),
        created_by=actor,
        created_at=clock.now(),
    )
    audit.record(actor=actor, verb="spaces.event_created", target=event, public=True)
    return event


def _target_in_space(space: Space, kind: str, target_id: Any) -> None:
    from opengov.proposals import selectors as proposal_selectors

    try:
        key = uuid.UUID(str(target_id))
    except ValueError:
        raise ServiceError("invalid", _("Enter a valid identifier."), field="target") from None
    if kind == TargetKind.PROPOSAL:
        found = proposal_selectors.in_space(space.slug).filter(public_id=key).exists()
    elif kind == TargetKind.CONSULTATION:
        found = consultation_selectors.in_space(space.slug).filter(public_id=key).exists()
    else:
        raise ServiceError("invalid_choice", _("Choose one of the options."), field="target_kind")
    if not found:
        raise ServiceError(
            "not_in_space",
            _("No published proposal or consultation of this space has that identifier."),
            field="target",
        )


@transaction.atomic
def offline_input_add(
    *,
    actor: Any,
    space: Space,
    target_kind: str,
    target_id: Any,
    channel: str,
    people: int,
    summary: str,
    event: Event | None = None,
) -> OfflineInput:
    """Enter input gathered offline into one of the space's proposals or consultations, with
    its channel and the event it came from."""
    _require_official(actor, space)
    _choice(channel, Channel, "channel")
    if channel == Channel.ONLINE:
        raise ServiceError(
            "invalid_choice", _("Offline input comes through an offline channel."), field="channel"
        )
    if event is not None and event.space_id != space.pk:
        raise ServiceError("invalid", _("That event belongs to another space."), field="event")
    try:
        people = int(people)
    except (TypeError, ValueError):
        people = 0
    if not 1 <= people <= 1_000_000:
        raise ServiceError(
            "out_of_range",
            _("The number of people must be between 1 and 1,000,000."),
            field="people",
        )
    _target_in_space(space, target_kind, target_id)
    row = OfflineInput.objects.create(
        space=space,
        event=event,
        channel=channel,
        target_kind=target_kind,
        target_id=uuid.UUID(str(target_id)),
        people=people,
        summary=_text(summary, "summary", max_length=5000),
        entered_by=actor,
        entered_at=clock.now(),
    )
    audit.record(
        actor=actor,
        verb="spaces.offline_input_added",
        target=row,
        changes={"channel": channel, "people": people, "target": str(row.target_id)},
        public=True,
    )
    return row


# --- who took part -------------------------------------------------------------------------------


@transaction.atomic
def statement_set(
    *,
    actor: Any,
    age_band: str = "",
    gender: str = "",
    new_immigrant: bool | None = None,
    indigenous: bool | None = None,
    hakka: bool | None = None,
    place: Place | None = None,
) -> ParticipantStatement | None:
    """Record what the person chooses to state (each part optional). Stating nothing at all
    withdraws the statement."""
    require_signed_in(actor)
    from .models import AgeBand, Gender

    if age_band:
        _choice(age_band, AgeBand, "age_band")
    if gender:
        _choice(gender, Gender, "gender")
    values = {
        "age_band": age_band or "",
        "gender": gender or "",
        "new_immigrant": new_immigrant,
        "indigenous": indigenous,
        "hakka": hakka,
        "place": place,
    }
    if not any(v not in ("", None) for v in values.values()):
        statement_withdraw(actor=actor)
        return None
    statement, _created = ParticipantStatement.objects.update_or_create(
        user=actor, defaults={**values, "updated_at": clock.now()}
    )
    # what was stated stays out of the audit log: only that a statement was made
    audit.record(actor=actor, verb="spaces.statement_recorded", target=None)
    return statement


@transaction.atomic
def statement_withdraw(*, actor: Any) -> bool:
    """Withdraw everything the person stated: it leaves every aggregate at once."""
    require_signed_in(actor)
    deleted, _rows = ParticipantStatement.objects.filter(user=actor).delete()
    if deleted:
        audit.record(actor=actor, verb="spaces.statement_withdrawn", target=None)
    return bool(deleted)


# --- regional revitalisation board -------------------------------------------------------------


def _needs(needs: Sequence[str]) -> list[str]:
    chosen = [n for n in Need.values if n in set(needs)]
    if not chosen or len(chosen) != len(set(needs)):
        raise ServiceError(
            "invalid_choice", _("Choose at least one need from the list."), field="needs"
        )
    return chosen


@transaction.atomic
def project_create(
    *,
    actor: Any,
    place: Place,
    team: str,
    title: str,
    problem: str,
    plan: str,
    needs: Sequence[str],
    needs_detail: str = "",
    space: Space | None = None,
) -> Project:
    """Post a local team's revitalisation project on the public board (a verified e-mail)."""
    require_level(actor, "email")
    if place is None:
        raise ServiceError("required", _("This field is required."), field="place")
    if space is not None and space.published_at is None:
        raise NotFound()
    now = clock.now()
    project = Project.objects.create(
        space=space,
        place=place,
        team=_text(team, "team", max_length=120),
        title=_text(title, "title", max_length=120),
        problem=_text(problem, "problem", max_length=3000),
        plan=_text(plan, "plan", max_length=5000),
        needs=_needs(needs),
        needs_detail=_text(needs_detail, "needs_detail", max_length=3000, required=False),
        posted_by=actor,
        created_at=now,
        updated_at=now,
    )
    audit.record(actor=actor, verb="spaces.project_posted", target=project, public=True)
    return project


@transaction.atomic
def offer_create(
    *, actor: Any, project: Project, need: str, organisation: str, description: str
) -> Offer:
    """Answer a project with what an agency or a business can offer for one of its needs. An
    official's offer is made in the name of their agency."""
    require_level(actor, "email")
    _choice(need, Need, "need")
    if need not in project.needs:
        raise ServiceError("not_needed", _("The project did not ask for this."), field="need")
    membership = active_membership(actor)
    agency = membership.agency if membership else None
    offer = Offer.objects.create(
        project=project,
        need=need,
        offered_by=actor,
        agency=agency,
        organisation=_text(
            organisation or (agency.name if agency else ""), "organisation", max_length=200
        ),
        description=_text(description, "description", max_length=3000),
        created_at=clock.now(),
    )
    audit.record(actor=actor, verb="spaces.offer_made", target=offer, public=True)
    return offer


@transaction.atomic
def offer_decide(*, actor: Any, offer: Offer, accept: bool) -> Offer:
    """The team accepts or declines an offer."""
    require_signed_in(actor)
    if offer.project.posted_by_id != actor.pk:
        raise Forbidden(_("Only the team that posted the project can do this."))
    offer.status = Offer.Status.ACCEPTED if accept else Offer.Status.DECLINED
    offer.save(update_fields=["status"])
    audit.record(
        actor=actor,
        verb="spaces.offer_accepted" if accept else "spaces.offer_declined",
        target=offer,
        public=True,
    )
    return offer


@transaction.atomic
def milestone_add(
    *, actor: Any, project: Project, title: str, starts_on: dt.date, ends_on: dt.date
) -> ProjectMilestone:
    """Add a milestone to a project (its team, its space's officials)."""
    if not can_report_progress(actor, project):
        require_signed_in(actor)
        raise Forbidden(_("Only the project's team can do this."))
    if ends_on < starts_on:
        raise ServiceError(
            "invalid_dates", _("A milestone cannot end before it starts."), field="ends_on"
        )
    milestone = ProjectMilestone.objects.create(
        project=project,
        title=_text(title, "title", max_length=200),
        starts_on=starts_on,
        ends_on=ends_on,
    )
    audit.record(actor=actor, verb="spaces.milestone_added", target=milestone, public=True)
    return milestone


@transaction.atomic
def progress_report(
    *, actor: Any, milestone: ProjectMilestone, status: str, progress: int, note: str
) -> ProgressReport:
    """Report a milestone's progress: kept as history, the milestone shows the latest."""
    if not can_report_progress(actor, milestone.project):
        require_signed_in(actor)
        raise Forbidden(_("Only the project's team can do this."))
    _choice(status, MilestoneStatus, "status")
    try:
        progress = int(progress)
    except (TypeError, ValueError):
        progress = -1
    if not 0 <= progress <= 100:
        raise ServiceError(
            "out_of_range", _("Progress is a percentage from 0 to 100."), field="progress"
        )
    if status == MilestoneStatus.COMPLETED and progress != 100:
        raise ServiceError(
            "inconsistent", _("A completed milestone is at 100 %."), field="progress"
        )
    report = ProgressReport.objects.create(
        milestone=milestone,
        status=status,
        progress=progress,
        note=_text(note, "note", max_length=3000),
        reported_by=actor,
        reported_at=clock.now(),
    )
    milestone.status, milestone.progress = status, progress
    milestone.save(update_fields=["status", "progress"])
    Project.objects.filter(pk=milestone.project_id).update(updated_at=report.reported_at)
    audit.record(
        actor=actor,
        verb="spaces.progress_reported",
        target=milestone,
        changes={"status": status, "progress": progress},
        public=True,
    )
    return report
