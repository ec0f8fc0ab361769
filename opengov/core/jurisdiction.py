"""Jurisdiction profiles: every legal number the platform uses, with its source.

Code never writes a threshold, window or limit itself: it reads `jurisdiction()`, which returns
the profile named by `settings.OPENGOV_JURISDICTION` ("tw" by default, "uk" for the UK
Parliament petitions preset) with `settings.OPENGOV_JURISDICTION_OVERRIDES` applied, e.g.
`{"proposals": {"cosign_threshold": 3, "cosign_window": {"days": 1}}}`.

Each field's `metadata["source"]` names the law and article (or says the value is practice or
unverified), and `docs/domain-rules.md` lists them; `opengov show_jurisdiction` prints them.
"""

from __future__ import annotations

import copy
import dataclasses
import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.utils.translation import gettext_lazy as _

VERIFICATION_LEVELS = ("none", "email", "email+phone", "certificate")


def cite(value: Any, source: str) -> Any:
    """A profile field with its default and the legal source it comes from."""
    if isinstance(value, (list, dict, set)):
        raise TypeError("profile values must be immutable (use a tuple)")
    return field(default=value, metadata={"source": source})


@dataclass(frozen=True)
class Period:
    """A legal period: calendar days, months, or working days (one of them, or a mix)."""

    days: int = 0
    months: int = 0
    working_days: int = 0

    def __str__(self) -> str:
        parts = []
        if self.months:
            parts.append(f"{self.months} months")
        if self.days:
            parts.append(f"{self.days} days")
        if self.working_days:
            parts.append(f"{self.working_days} working days")
        return " + ".join(parts) or "0 days"


@dataclass(frozen=True)
class BlackoutPeriod:
    """Dates (inclusive, local time) when proposing and co-signing are paused."""

    start: dt.date
    end: dt.date
    label: str


@dataclass(frozen=True)
class AccountRules:
    """Identity verification and sign-in limits."""

    sms_code_ttl_minutes: int = cite(
        10, "platform policy (issue #2): SMS codes expire after 10 minutes"
    )
    code_max_attempts: int = cite(5, "platform policy (issue #2): a code locks after 5 wrong tries")
    email_code_ttl_hours: int = cite(48, "platform policy: e-mail confirmation valid 48 hours")
    password_reset_ttl_hours: int = cite(2, "platform policy: password reset valid 2 hours")
    phone_country_prefix: str = cite("+886", "ITU-T E.164 country code of Taiwan")
    max_api_tokens: int = cite(20, "platform policy: at most 20 unrevoked API tokens per person")


@dataclass(frozen=True)
class ProposalRules:
    """Citizen proposals and co-signatures (join.gov.tw 提點子)."""

    required_level: str = cite(
        "email+phone",
        "公共政策網路參與實施要點 (NDC, rev. 2018): proposers and co-signers verify mobile and e-mail",
    )
    review_period: Period = cite(
        Period(working_days=5),
        "Kaohsiung City online participation directions: review within 5 working days "
        "(national value unverified)",
    )
    max_agencies: int = cite(3, "公共政策網路參與實施要點: the proposer names up to 3 agencies")
    cosign_window: Period = cite(
        Period(days=60), "公共政策網路參與實施要點: 60 days from publication"
    )
    cosign_threshold: int = cite(
        5000, "公共政策網路參與實施要點: 5,000 co-signatures to pass (成案)"
    )
    proposer_counts_as_signer: bool = cite(
        True, "join.gov.tw practice: the proposer is the first co-signer (unverified)"
    )
    response_period: Period = cite(
        Period(months=2), "公共政策網路參與實施要點: the agency responds within 2 months of passing"
    )
    max_extensions: int = cite(
        1, "join.gov.tw practice: one public extension observed (limit unverified)"
    )
    extension_max_period: Period = cite(
        Period(months=6),
        "join.gov.tw practice: extensions of +2 and +6 months observed (unverified)",
    )
    feedback_period: Period = cite(Period(days=3), "join.gov.tw practice: 3 days of feedback")
    comment_edit_minutes: int = cite(15, "platform policy: comments editable for 15 minutes")
    collaboration_meeting_cosigners: int = cite(
        5, "join.gov.tw practice: proposer plus up to 5 co-signers at the collaboration meeting"
    )
    sponsors_before_moderation: int = cite(0, "Taiwan: no sponsors needed before review")
    debate_threshold: int = cite(0, "Taiwan: no debate threshold (0 = none)")
    rejection_grounds: tuple[str, ...] = cite(
        (
            "illegal",
            "infringes_rights",
            "discrimination",
            "liability_or_pending_case",
            "unclear_or_personal",
            "virtual_persons",
            "advertising",
        ),
        "公共政策網路參與實施要點: the seven published grounds to reject or hide",
    )
    election_blackouts: tuple[BlackoutPeriod, ...] = cite(
        (
            BlackoutPeriod(
                dt.date(2027, 11, 16),
                dt.date(2028, 1, 15),
                "2028 presidential and legislative elections (date unverified)",
            ),
        ),
        "公共政策網路參與實施要點: proposing and co-signing paused 60 days before a national "
        "election (older rule 75/30 days; conflicting sources)",
    )
    max_attachments: int = cite(5, "platform policy: up to 5 evidence files per proposal")
    attachment_max_bytes: int = cite(5 * 1024 * 1024, "platform policy: 5 MB per evidence file")
    attachment_types: tuple[str, ...] = cite(
        ("application/pdf", "image/png", "image/jpeg"),
        "platform policy: evidence as PDF, PNG or JPEG",
    )
    max_evidence_links: int = cite(5, "platform policy: up to 5 evidence links per proposal")
    burst_signatures: int = cite(
        30, "platform policy: this many co-signatures from one network in the burst window"
    )
    burst_window_minutes: int = cite(10, "platform policy: window for spotting co-signature bursts")


@dataclass(frozen=True)
class ConsultationRules:
    """Consultations on policies and the pre-announcement of draft regulations (眾開講)."""

    draft_regulation_min_period: Period = cite(
        Period(days=60),
        "Executive Yuan practice since 2017-01 under Administrative Procedure Act Art. 154: "
        "at least 60 days for draft regulations",
    )
    policy_min_period: Period = cite(
        Period(days=7), "platform policy: at least 7 days for policies"
    )
    comment_edit_minutes: int = cite(15, "platform policy: comments editable for 15 minutes")
    foreign_resident_topics: tuple[str, ...] = cite(
        ("trade", "investment", "intellectual_property"),
        "Executive Yuan practice: foreign residents may comment on trade, investment and IP drafts",
    )
    comment_requires_nationality: bool = cite(
        True,
        "Executive Yuan practice: comments come from nationals, and from foreign residents on "
        "the trade, investment and IP drafts that invite them; a commenter states which",
    )
    comment_required_level: str = cite(
        "email", "platform policy (issue #4): commenting needs a confirmed e-mail address"
    )
    comment_max_chars: int = cite(5000, "platform policy: a comment has at most 5,000 characters")
    moderation_grounds: tuple[str, ...] = cite(
        (
            "illegal",
            "infringes_rights",
            "discrimination",
            "liability_or_pending_case",
            "unclear_or_personal",
            "virtual_persons",
            "advertising",
        ),
        "公共政策網路參與實施要點: the seven published grounds to hide a message",
    )
    import_max_bytes: int = cite(
        2_000_000, "platform policy: a draft imported from a file has at most 2 MB"
    )
    attachment_max_bytes: int = cite(
        20 * 1024 * 1024, "platform policy: a consultation document has at most 20 MB"
    )


@dataclass(frozen=True)
class ActionPlanRules:
    """OGP action plans."""

    values: tuple[str, ...] = cite(
        ("transparency", "civic_participation", "public_accountability", "inclusion"),
        "OGP Articles of Governance; Taiwan adds inclusion",
    )
    due_soon_days: int = cite(
        30, "platform policy: a milestone ending within 30 days is shown as due soon"
    )
    evidence_max_bytes: int = cite(10 * 1024 * 1024, "platform policy: evidence files up to 10 MB")
    evidence_extensions: tuple[str, ...] = cite(
        ("pdf", "odt", "ods", "docx", "xlsx", "csv", "png", "jpg", "jpeg", "txt"),
        "platform policy: open or common office formats for evidence files",
    )
    recent_updates_shown: int = cite(
        10, "platform policy: the plan dashboard lists the 10 latest progress updates"
    )


@dataclass(frozen=True)
class OpenDataRules:
    """The open data catalogue."""

    default_licence: str = cite("OGDL-Taiwan-1.0", "Open Government Data License, version 1.0")
    search_max_rows: int = cite(1000, "CKAN Action API: package_search rows at most 1000")
    anonymous_downloads_per_hour: int = cite(600, "platform policy")
    keyed_downloads_per_hour: int = cite(6000, "platform policy")
    download_window_seconds: int = cite(
        3600, "platform policy: download limits are counted per hour"
    )
    search_default_rows: int = cite(10, "CKAN Action API: package_search rows default to 10")
    catalog_page_size: int = cite(
        100, "ckanext-dcat practice: the DCAT catalogue endpoint pages 100 datasets at a time"
    )
    preview_rows: int = cite(10, "platform policy: dataset pages preview the first 10 rows")
    upload_max_bytes: int = cite(
        50 * 1024 * 1024, "platform policy: uploads up to 50 MiB (data.gov.tw practice)"
    )
    upload_encodings: tuple[str, ...] = cite(
        ("utf-8", "utf-8-sig", "big5"),
        "data.gov.tw practice: government CSV files come as UTF-8 (often with a BOM) or Big5",
    )


@dataclass(frozen=True)
class ReferendumRules:
    """National referendum petitions (公民投票法, Referendum Act; 全國性公民投票電子連署及查對作業辦法)."""

    last_presidential_electorate: int = cite(
        19_548_531,
        "Central Election Commission: electorate of the 2024 presidential election (the base of "
        "Referendum Act Art. 10 and 12; 1.5 % of it is the 293,228 signatures 2025 cases "
        "needed; update after each presidential election)",
    )
    proposal_ratio_denominator: int = cite(
        10_000, "Referendum Act Art. 10: proposers at least 1/10,000 of the electorate"
    )
    signature_ratio_per_mille: int = cite(
        15, "Referendum Act Art. 12: signers at least 1.5 % (15 per mille) of the electorate"
    )
    main_text_max_chars: int = cite(100, "Referendum Act Art. 9: main text at most 100 characters")
    reasons_max_chars: int = cite(2000, "Referendum Act Art. 9: reasons at most 2,000 characters")
    review_period: Period = cite(
        Period(days=60), "Referendum Act Art. 10: the CEC decides within 60 days"
    )
    correction_period: Period = cite(
        Period(days=30), "Referendum Act Art. 10: one correction within 30 days"
    )
    max_corrections: int = cite(1, "Referendum Act Art. 10: one correction")
    code_collection_period: Period = cite(
        Period(days=10),
        "Referendum Act Art. 10: the lead proposer collects the roster or e-petition code within "
        "10 days, else the case is abandoned",
    )
    signature_period: Period = cite(
        Period(months=6),
        "Referendum Act Art. 12: signatures within 6 months from the day after the code was "
        "collected",
    )
    check_period: Period = cite(
        Period(days=60), "Referendum Act Art. 13: household offices check signers within 60 days"
    )
    top_up_period: Period = cite(
        Period(days=30), "Referendum Act Art. 13: one top-up within 30 days when short"
    )
    max_top_ups: int = cite(1, "Referendum Act Art. 13: one top-up")
    min_age: int = cite(18, "Referendum Act Art. 7: 18 years of age")
    residence_months: int = cite(
        6, "Referendum Act Art. 7: 6 months' continuous household registration"
    )
    refiling_bar: Period = cite(
        Period(months=24),
        "Referendum Act Art. 12, 32: 2 years for the same proposers after abandonment and for "
        "the same issue after a vote",
    )
    retention_after_outcome: Period = cite(
        Period(months=24),
        "Referendum Act Art. 12: signer data kept until 2 years after the outcome is announced",
    )
    retention_after_judgment: Period = cite(
        Period(months=3),
        "Referendum Act Art. 12: with litigation, until 3 months after the final judgment",
    )
    outage_extends_deadline: bool = cite(
        False, "Referendum Act Art. 11: a system outage does not extend the deadline"
    )
    deletion_reasons: tuple[str, ...] = cite(
        (
            "ineligible",
            "particulars_wrong",
            "unsigned",
            "forged",
            "duplicate",
            "not_on_roll",
        ),
        "Referendum Act Art. 13: ineligible; name, ID or address wrong or unclear; unsigned; "
        "forged; and a person counted once (Art. 9)",
    )
    statement_max_skew_minutes: int = cite(
        10,
        "platform policy: a signed statement's time may differ from the server's by at most "
        "10 minutes",
    )


@dataclass(frozen=True)
class Jurisdiction:
    """One legal profile: a name, a calendar and each module's rules."""

    code: str
    name: Any
    holiday_calendar: str = "tw"
    accounts: AccountRules = field(default_factory=AccountRules)
    proposals: ProposalRules = field(default_factory=ProposalRules)
    consultations: ConsultationRules = field(default_factory=ConsultationRules)
    action_plans: ActionPlanRules = field(default_factory=ActionPlanRules)
    open_data: OpenDataRules = field(default_factory=OpenDataRules)
    referendums: ReferendumRules = field(default_factory=ReferendumRules)


TAIWAN = Jurisdiction(code="tw", name=_("Taiwan (Republic of China)"))

UK_PETITIONS = Jurisdiction(
    code="uk",
    name=_("United Kingdom Parliament petitions"),
    holiday_calendar="uk",
    accounts=AccountRules(phone_country_prefix="+44"),
    proposals=ProposalRules(
        required_level="email",
        review_period=Period(working_days=10),
        max_agencies=1,
        cosign_window=Period(months=6),
        cosign_threshold=10_000,
        proposer_counts_as_signer=True,
        response_period=Period(days=21),
        sponsors_before_moderation=5,
        debate_threshold=100_000,
        election_blackouts=(),
    ),
    consultations=ConsultationRules(
        draft_regulation_min_period=Period(days=84),
        foreign_resident_topics=(),
        comment_requires_nationality=False,
    ),
    action_plans=ActionPlanRules(
        values=("transparency", "civic_participation", "public_accountability")
    ),
    open_data=OpenDataRules(default_licence="OGL-UK-3.0"),
)

PROFILES: dict[str, Jurisdiction] = {p.code: p for p in (TAIWAN, UK_PETITIONS)}


def _coerce(current: Any, value: Any) -> Any:
    if isinstance(current, Period) and isinstance(value, dict):
        return Period(**value)
    if isinstance(current, tuple) and isinstance(value, list):
        if current and isinstance(current[0], BlackoutPeriod):
            return tuple(
                BlackoutPeriod(
                    dt.date.fromisoformat(v["start"]),
                    dt.date.fromisoformat(v["end"]),
                    v.get("label", ""),
                )
                for v in value
            )
        return tuple(value)
    if isinstance(current, tuple) and not current and isinstance(value, list):
        return tuple(value)
    return value


def apply_overrides(profile: Jurisdiction, overrides: dict[str, dict[str, Any]]) -> Jurisdiction:
    """Return `profile` with single rules replaced; unknown sections or rules are an error."""
    changes: dict[str, Any] = {}
    for section_name, values in overrides.items():
        section = getattr(profile, section_name, None)
        if not dataclasses.is_dataclass(section):
            raise ValueError(f"unknown jurisdiction section {section_name!r}")
        known = {f.name for f in dataclasses.fields(section)}
        unknown = set(values) - known
        if unknown:
            raise ValueError(f"unknown rules in {section_name!r}: {', '.join(sorted(unknown))}")
        changes[section_name] = dataclasses.replace(
            section, **{k: _coerce(getattr(section, k), v) for k, v in values.items()}
        )
    return dataclasses.replace(profile, **changes)


def jurisdiction() -> Jurisdiction:
    """The profile in force, with this deployment's overrides."""
    code = settings.OPENGOV_JURISDICTION
    try:
        profile = PROFILES[code]
    except KeyError:
        raise ValueError(
            f"unknown OPENGOV_JURISDICTION {code!r}; known: {sorted(PROFILES)}"
        ) from None
    overrides = getattr(settings, "OPENGOV_JURISDICTION_OVERRIDES", None) or {}
    if not overrides:
        return profile
    global _resolved
    kept = _resolved
    if kept is not None and kept[0] == code and kept[1] == overrides:
        return kept[2]
    resolved = apply_overrides(profile, overrides)
    _resolved = (code, copy.deepcopy(overrides), resolved)
    return resolved


#: the last profile resolved with overrides: (code, a copy of the overrides, the profile);
#: rules are read several times on every request, and the overrides rarely change
_resolved: tuple[str, dict[str, Any], Jurisdiction] | None = None


def sources(profile: Jurisdiction) -> list[tuple[str, str, Any, str]]:
    """Every rule of `profile` as (section, name, value, source), for docs and the rules page."""
    rows = []
    for section_field in dataclasses.fields(profile):
        section = getattr(profile, section_field.name)
        if not dataclasses.is_dataclass(section):
            continue
        for f in dataclasses.fields(section):
            rows.append(
                (section_field.name, f.name, getattr(section, f.name), f.metadata.get("source", ""))
            )
    return rows
