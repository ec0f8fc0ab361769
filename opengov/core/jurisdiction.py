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

    sms_code_ttl_minutes: int = cite(10, "platform policy: SMS codes expire after 10 minutes")
    code_max_attempts: int = cite(5, "platform policy: a code locks after 5 wrong tries")
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
        "email", "platform policy: commenting needs a confirmed e-mail address"
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
    update_due_soon_days: int = cite(
        7, "platform policy: a dataset enters its agency's worklist 7 days before it is due"
    )
    upload_max_bytes: int = cite(
        50 * 1024 * 1024, "platform policy: uploads up to 50 MiB (data.gov.tw practice)"
    )
    upload_encodings: tuple[str, ...] = cite(
        ("utf-8", "utf-8-sig", "big5"),
        "data.gov.tw practice: government CSV files come as UTF-8 (often with a BOM) or Big5",
    )


@dataclass(frozen=True)
class OwnershipRules:
    """Beneficial ownership: who is an ultimate owner, and what of the register is public."""

    threshold_percent: float = cite(
        25.0,
        "Money Laundering Control Act Art. 7 with the Regulations Governing Anti-Money "
        "Laundering of Financial Institutions Art. 2, 3: a natural person holding, directly or "
        "indirectly, more than 25 % of a legal person's shares or capital",
    )
    threshold_inclusive: bool = cite(
        False, "AML regulations for financial institutions Art. 3: “more than” 25 %, not 25 %"
    )
    ownership_types: tuple[str, ...] = cite(
        ("shareholding",),
        "AML regulations for financial institutions Art. 3: ownership is shares or capital "
        "(BODS 0.4 interest type shareholding)",
    )
    control_types: tuple[str, ...] = cite(
        (
            "votingRights",
            "appointmentOfBoard",
            "otherInfluenceOrControl",
            "controlViaCompanyRulesOrArticles",
            "controlByLegalFramework",
        ),
        "AML regulations for financial institutions Art. 3: control by other means, when no "
        "one holds more than 25 % (BODS 0.4 interest types)",
    )
    senior_types: tuple[str, ...] = cite(
        ("seniorManagingOfficial",),
        "AML regulations for financial institutions Art. 3: failing both, the senior "
        "managing officials",
    )
    fallbacks: tuple[str, ...] = cite(
        ("control", "senior_management"),
        "AML regulations for financial institutions Art. 3: ownership, then control by other "
        "means, then senior management, in that order",
    )
    register_disclosure_percent: float = cite(
        10.0,
        "Company Act Art. 22-1: companies report directors, supervisors, managers and "
        "shareholders holding more than 10 %",
    )
    register_public: bool = cite(
        False,
        "Company Act Art. 22-1 ¶3: the register is confidential (authorities and vetted AML "
        "institutions); the platform publishes only names and share bands of ultimate owners",
    )
    public_share_bands: tuple[float, ...] = cite(
        (25.0, 50.0, 75.0, 100.0),
        "platform policy: the public sees an ultimate owner's share as a band (over 25 %, "
        "over 50 %, over 75 %), never the exact holding",
    )
    declaration_change_days: int = cite(
        15, "Company Act Art. 22-1: changes are reported within 15 days"
    )
    import_max_bytes: int = cite(
        500 * 1024 * 1024, "platform policy: one BODS file up to 500 MiB (read as a stream)"
    )


@dataclass(frozen=True)
class RegistryRules:
    """The registry of organisations and people (shared by the transparency apps)."""

    business_number_rule_change: dt.date = cite(
        dt.date(2023, 4, 1),
        "財政部 統一編號檢查碼邏輯修正: since 2023-04-01 the weighted sum must be divisible by 5 "
        "(before: by 10)",
    )
    auto_match_score: float = cite(
        0.97, "platform policy: names this similar (after normalisation) are the same"
    )
    review_score: float = cite(
        0.8, "platform policy: names at least this similar go to the review queue"
    )
    import_max_bytes: int = cite(
        200 * 1024 * 1024, "platform policy: one registry open-data file up to 200 MiB"
    )
    keeper_agencies: tuple[str, ...] = cite(
        ("moea",),
        "Company Act Art. 5: the Ministry of Economic Affairs keeps the company registry; its "
        "officials may import and review registry data (besides platform operators)",
    )


PDA = "Political Donations Act (政治獻金法, as amended 2018-06-20)"


@dataclass(frozen=True)
class DonationRules:
    """Political donations: annual limits, anonymous and cash donations, collection windows,
    prohibited donors, and the screens watchdogs run over published filings."""

    analyst_agencies: tuple[str, ...] = cite(
        ("cy",),
        f"{PDA} Art. 4: the Control Yuan receives and audits the filings; its officials import "
        "them and review findings (besides platform operators)",
    )
    individual_to_candidate: int = cite(
        100_000, f"{PDA} Art. 18 ¶1(1): an individual to one candidate, per year"
    )
    individual_to_candidates_total: int = cite(
        300_000, f"{PDA} Art. 18 ¶3(1): an individual to all candidates, per year"
    )
    individual_to_party: int = cite(
        300_000, f"{PDA} Art. 17 ¶1(1): an individual to one party or political group, per year"
    )
    individual_to_parties_total: int = cite(
        600_000, f"{PDA} Art. 17 ¶2(1): an individual to all parties and groups, per year"
    )
    company_to_candidate: int = cite(
        1_000_000, f"{PDA} Art. 18 ¶1(2): a company (營利事業) to one candidate, per year"
    )
    company_to_candidates_total: int = cite(
        2_000_000, f"{PDA} Art. 18 ¶3(2): a company to all candidates, per year"
    )
    company_to_party: int = cite(
        3_000_000, f"{PDA} Art. 17 ¶1(2): a company to one party or political group, per year"
    )
    company_to_parties_total: int = cite(
        6_000_000, f"{PDA} Art. 17 ¶2(2): a company to all parties and groups, per year"
    )
    civic_group_to_candidate: int = cite(
        500_000, f"{PDA} Art. 18 ¶1(3): a civic group (人民團體) to one candidate, per year"
    )
    civic_group_to_candidates_total: int = cite(
        1_000_000, f"{PDA} Art. 18 ¶3(3): a civic group to all candidates, per year"
    )
    civic_group_to_party: int = cite(
        2_000_000, f"{PDA} Art. 17 ¶1(3): a civic group to one party or political group, per year"
    )
    civic_group_to_parties_total: int = cite(
        4_000_000, f"{PDA} Art. 17 ¶2(3): a civic group to all parties and groups, per year"
    )
    party_to_nominee: tuple[tuple[str, int], ...] = cite(
        (
            ("president", 25_000_000),
            ("legislator", 2_000_000),
            ("mayor", 3_000_000),
            ("councillor", 500_000),
            ("township_chief", 300_000),
            ("township_representative", 100_000),
            ("village_chief", 100_000),
        ),
        f"{PDA} Art. 18 ¶2: a party to its own nominee, by office",
    )
    anonymous_max_each: int = cite(10_000, f"{PDA} Art. 14: no anonymous donation above NT$10,000")
    anonymous_share_max_percent: float = cite(
        30.0,
        f"{PDA} Art. 15 ¶1(4): anonymous donations at most 30 % of the year's donation income; the excess goes to the treasury",
    )
    cash_max: int = cite(
        100_000, f"{PDA} Art. 14: above NT$100,000 only by cheque or bank transfer, not cash"
    )
    collection_window_months: tuple[tuple[str, int], ...] = cite(
        (
            ("president", 12),
            ("legislator", 10),
            ("mayor", 8),
            ("councillor", 8),
            ("township_chief", 8),
            ("township_representative", 4),
            ("village_chief", 4),
        ),
        f"{PDA} Art. 12 ¶1: donations may be received from this many months before the vote until the day before it",
    )
    government_share_percent: float = cite(
        20.0,
        f"{PDA} Art. 7 ¶1(2): companies in which the government holds at least 20 % may not donate",
    )
    government_share_inclusive: bool = cite(True, f"{PDA} Art. 7 ¶1(2): “at least” 20 %")
    heaping_below_percent: float = cite(
        5.0, "practice (watchdog screens): amounts within 5 % under a limit are reported as heaping"
    )
    heaping_min_share_percent: float = cite(
        1.0,
        "practice (watchdog screens): a limit value is heaped when more than 1 % of a recipient's donations sit at or just under it",
    )
    heaping_min_count: int = cite(
        3,
        "practice (watchdog screens): a limit value is heaped only when at least 3 of a recipient's donations sit at or just under it",
    )
    benford_min_count: int = cite(
        100,
        "practice (Nigrini, Benford's Law, 2012): the first- and second-digit tests need at least 100 amounts",
    )
    benford_mad_first: float = cite(
        0.015, "Nigrini (2012): first-digit mean absolute deviation above 0.015 is nonconformity"
    )
    benford_mad_second: float = cite(
        0.012, "Nigrini (2012): second-digit mean absolute deviation above 0.012 is nonconformity"
    )
    person_match_score: float = cite(
        0.9,
        "platform policy: persons with masked IDs are taken as one donor when the match probability is at least 0.9",
    )
    import_max_bytes: int = cite(
        300 * 1024 * 1024, "platform policy: one Control Yuan file up to 300 MiB"
    )


@dataclass(frozen=True)
class ProcurementRules:
    """Government procurement: large procurement (巨額採購), notices, OCDS imports."""

    large_works: int = cite(
        200_000_000,
        "採購法之招標、決標、監辦及巨額採購金額 (Public Construction Commission, under Government "
        "Procurement Act Art. 12): large procurement of works is NT$200 million or more",
    )
    large_goods: int = cite(
        100_000_000,
        "採購法之招標、決標、監辦及巨額採購金額 (PCC, Government Procurement Act Art. 12): large "
        "procurement of goods is NT$100 million or more",
    )
    large_services: int = cite(
        20_000_000,
        "採購法之招標、決標、監辦及巨額採購金額 (PCC, Government Procurement Act Art. 12): large "
        "procurement of services is NT$20 million or more",
    )
    supervision_works: int = cite(
        50_000_000,
        "查核金額 (PCC, Government Procurement Act Art. 12): works NT$50 million",
    )
    supervision_goods: int = cite(
        50_000_000,
        "查核金額 (PCC, Government Procurement Act Art. 12): goods NT$50 million",
    )
    supervision_services: int = cite(
        10_000_000,
        "查核金額 (PCC, Government Procurement Act Art. 12): services NT$10 million",
    )
    publication_amount: int = cite(
        1_500_000,
        "公告金額 (PCC, Government Procurement Act Art. 12, since 2023-01-01): NT$1.5 million",
    )
    currency: str = cite(
        "TWD", "Government Procurement Act Art. 12: the thresholds are in New Taiwan dollars"
    )
    ocid_prefix: str = cite(
        "ocds-kj3ygj",
        "OCDS prefix (Open Contracting Partnership register) under which Taiwan's Public "
        "Construction Commission notices have been published as OCDS",
    )
    import_max_bytes: int = cite(
        2 * 1024 * 1024 * 1024,
        "platform policy: one OCDS upload up to 2 GiB (read as a stream, flat memory)",
    )
    rejections_kept: int = cite(
        10_000, "platform policy: an import report lists at most 10,000 rejected releases"
    )
    keeper_agencies: tuple[str, ...] = cite(
        ("pcc", "aac"),
        "Government Procurement Act Art. 9: the Public Construction Commission is the competent "
        "authority; the Agency Against Corruption (Ministry of Justice) runs the procurement "
        "integrity platform (採購廉政平臺) — their officials import data and set up projects",
    )
    notice_import_max_bytes: int = cite(
        50 * 1024 * 1024, "platform policy: one file of PCC notices up to 50 MiB"
    )
    question_max_chars: int = cite(
        2000, "platform policy: a public question on a project has at most 2,000 characters"
    )
    document_max_bytes: int = cite(
        20 * 1024 * 1024, "platform policy: a project document up to 20 MiB"
    )


@dataclass(frozen=True)
class OpinionRules:
    """Opinion mapping in consultations (Polis, as used by vTaiwan)."""

    statement_max_chars: int = cite(
        140, "Polis practice (vTaiwan): a statement has at most 140 characters"
    )
    required_level: str = cite(
        "email",
        "platform policy: voting and adding statements need a confirmed e-mail, as comments",
    )
    statements_per_day: int = cite(
        20, "platform policy: a participant adds at most 20 statements a day to one conversation"
    )
    min_votes_to_place: int = cite(
        7, "Polis: participants with at least min(7, number of statements) votes are placed"
    )
    max_groups: int = cite(5, "Polis papers: between 2 and 5 opinion groups")
    recompute_debounce_seconds: int = cite(
        10, "platform policy: the map is recomputed at most every 10 seconds while votes arrive"
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
    proposer_check_period: Period = cite(
        Period(days=15),
        "Referendum Act Art. 10: during the review the household registration offices check "
        "the proposers' list within 15 days",
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
        "Referendum Act Art. 10 (proposers) and Art. 13 (signers): ineligible; name, ID or "
        "address wrong or unclear; unsigned; forged; and a person counted once (Art. 9)",
    )
    statement_max_skew_minutes: int = cite(
        10,
        "platform policy: a signed statement's time may differ from the server's by at most "
        "10 minutes",
    )

    def __post_init__(self) -> None:
        # a case records one correction of its proposers (`Case.correction_requested_at`)
        if self.max_corrections not in (0, 1):
            raise ValueError(
                "referendums.max_corrections: a case can record one correction at most (0 or 1)"
            )


@dataclass(frozen=True)
class ProcurementFlagRules:
    """Procurement red flags: the thresholds each flag reads, with where its default comes from.

    A threshold of None means "the outlier fence computed from the data" (quartiles by the
    R-8 method, as Cardinal computes them); a number fixes the fence instead.
    """

    excluded_method_details: tuple[str, ...] = cite(
        (),
        "Cardinal (Open Contracting Partnership) indicators, global configuration "
        "[exclusions] procurement_method_details: none excluded by default",
    )
    no_price_comparison_method_details: tuple[str, ...] = cite(
        (),
        "Cardinal indicators, global configuration no_price_comparison_procurement_methods: "
        "procedures whose prices the buyer predetermines are left out of price comparisons "
        "(R024, R028, R036, R058); none by default",
    )
    r003_threshold_days: int = cite(
        15, "Cardinal R003 (short submission period): threshold of 15 whole days by default"
    )
    r003_method_details_days: tuple[tuple[str, int], ...] = cite(
        (),
        "Cardinal R003 [R003.procurement_method_details]: a minimum period per "
        "procurementMethodDetails (none by default)",
    )
    r003_procurement_methods: tuple[str, ...] = cite(
        (),
        "Cardinal R003 procurement_methods: every procurement method by default",
    )
    r018_procurement_methods: tuple[str, ...] = cite(
        ("open", "selective"),
        "Cardinal R018 (single bid received): competitive methods are open and selective",
    )
    r024_threshold: float | None = cite(
        None,
        "Cardinal R024 (price close to winning bid): lower fence Q1 − 1.5·IQR of the "
        "differences unless a threshold is set",
    )
    r025_percentile: int = cite(
        75,
        "Cardinal R025 (excessive unsuccessful bids): top tenderers have a number of valid "
        "bids at or above the 75th percentile",
    )
    r025_threshold: float | None = cite(
        None,
        "Cardinal R025: lower fence Q1 − 1.5·IQR of the win ratios unless a threshold is set",
    )
    r035_threshold: int = cite(
        1,
        "Cardinal R035 (all except winning bid disqualified): at least 1 other tenderer "
        "disqualified",
    )
    r038_threshold: float | None = cite(
        None,
        "Cardinal R038 (excessive disqualified bids): upper fence Q3 + 1.5·IQR of the "
        "ratios unless a threshold is set",
    )
    r038_minimum_submitted_bids: int = cite(
        2, "Cardinal R038: tenderers with fewer than 2 submitted bids are left out"
    )
    r038_minimum_contracting_processes: int = cite(
        2, "Cardinal R038: buyers with fewer than 2 contracting processes are left out"
    )
    r044_link_kinds: tuple[str, ...] = cite(
        ("address", "phone", "representative", "director"),
        "OECD Guidelines for Fighting Bid Rigging in Public Procurement (2009): bidders "
        "sharing an address, a telephone number or personnel are a sign of collusion",
    )
    r048_digits: int = cite(
        2,
        "Cardinal R048 (heterogeneous supplier): the first level of the item classification "
        "is its first 2 digits",
    )
    r048_threshold: int | None = cite(
        None,
        "Cardinal R048: upper fence Q3 + 1.5·IQR of the varieties unless a threshold is set",
    )
    r048_minimum_contracting_processes: int = cite(
        20,
        "Cardinal R048: the fence is computed over suppliers awarded in at least 20 "
        "contracting processes",
    )
    r058_threshold: float | None = cite(
        None,
        "Cardinal R058 (heavily discounted bid): upper fence Q3 + 1.5·IQR of the "
        "differences unless a threshold is set",
    )
    i077_max_awards: int = cite(
        3,
        "DevGateway OC Explorer, OCP Red Flags for Integrity i077 (high number of contract "
        "awards to one supplier by one buyer): more than 3 in the period",
    )
    i077_window_days: int = cite(
        365, "DevGateway OC Explorer i077: the period is one year (365 days)"
    )
    i083_minimum_processes: int = cite(
        3,
        "DevGateway OC Explorer, OCP Red Flags for Integrity i083 (winner rotation): the "
        "same group of bidders meets in at least 3 processes",
    )
    i085_tolerance_percent: float = cite(
        0.0001,
        "DevGateway OC Explorer, OCP Red Flags for Integrity i085 (bids an exact percentage "
        "apart): a whole percentage to within 0.0001 percentage points (rounding of amounts)",
    )
    i171_max_difference: float = cite(
        0.01,
        "DevGateway OC Explorer, OCP Red Flags for Integrity i171 (bid too close to the "
        "estimate): the award is within 1 % of the estimated value",
    )
    i180_minimum_awards: int = cite(
        2,
        "DevGateway OC Explorer, OCP Red Flags for Integrity i180 (a supplier receives "
        "multiple non-competitive contracts from one buyer): 2 or more in the period",
    )
    i180_window_days: int = cite(3 * 365, "DevGateway OC Explorer i180: the period is three years")
    i180_procurement_methods: tuple[str, ...] = cite(
        ("limited", "direct"),
        "OCDS 1.1 method codelist: limited and direct are the non-competitive methods",
    )


@dataclass(frozen=True)
class SpaceRules:
    """Participation spaces: how far a space may depart from the national participation rules,
    and how participation by group is published."""

    cosign_threshold_min: int = cite(
        100,
        "地方制度法 Art. 18, 19, 25: a county or city sets rules for its own affairs; platform "
        "policy: a space's co-signature threshold is at least 100",
    )
    cosign_threshold_max: int = cite(
        5000,
        "公共政策網路參與實施要點: a space may not ask more than the national 5,000 co-signatures",
    )
    cosign_window_min_days: int = cite(
        30, "platform policy: a space's co-signature window is at least 30 days"
    )
    cosign_window_max_days: int = cite(
        90, "platform policy: a space's co-signature window is at most 90 days"
    )
    min_cell: int = cite(
        10,
        "Statistics Act practice and personal data protection (個人資料保護法 Art. 9): no "
        "published participation figure for fewer than 10 people",
    )
    youth_min_age: int = cite(
        15, "Youth Development Administration (教育部青年發展署) youth policy: ages 15 to 35"
    )
    youth_max_age: int = cite(
        35, "Youth Development Administration (教育部青年發展署) youth policy: ages 15 to 35"
    )
    local_presets: tuple[tuple[str, int, int, str], ...] = cite(
        (
            (
                "taipei_ivoting",
                1500,
                45,
                "Taipei City Government i-Voting: 1,500 co-signatures within 45 days",
            ),
        ),
        "local participation platforms' own published thresholds and windows",
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
    registry: RegistryRules = field(default_factory=RegistryRules)
    ownership: OwnershipRules = field(default_factory=OwnershipRules)
    donations: DonationRules = field(default_factory=DonationRules)
    opinions: OpinionRules = field(default_factory=OpinionRules)
    referendums: ReferendumRules = field(default_factory=ReferendumRules)
    procurement: ProcurementRules = field(default_factory=ProcurementRules)
    procurement_flags: ProcurementFlagRules = field(default_factory=ProcurementFlagRules)
    spaces: SpaceRules = field(default_factory=SpaceRules)
    #: sources of the values this profile sets itself, as ("section.rule", source): a source
    #: belongs to a value, so a rule whose value differs from the Taiwan default cites its own
    own_sources: tuple[tuple[str, str], ...] = ()


#: what `sources()` says of a value that differs from the default but cites nothing
UNSOURCED = "set by this profile; no source given"
#: what `sources()` says of a value changed by OPENGOV_JURISDICTION_OVERRIDES
OVERRIDDEN = "this deployment's OPENGOV_JURISDICTION_OVERRIDES"


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
    own_sources=(
        ("accounts.phone_country_prefix", "ITU-T E.164 country code of the United Kingdom"),
        ("proposals.required_level", "UK Parliament petitions: signers confirm an e-mail address"),
        (
            "proposals.review_period",
            "UK Parliament petitions: petitions are checked against the standards before "
            "they open (10 working days is this preset's setting)",
        ),
        (
            "proposals.max_agencies",
            "UK Parliament petitions: the government answers through one department",
        ),
        ("proposals.cosign_window", "UK Parliament petitions standards: open for 6 months"),
        (
            "proposals.cosign_threshold",
            "UK Parliament petitions: the government responds at 10,000 signatures",
        ),
        (
            "proposals.response_period",
            "UK Parliament petitions practice: the government aims to respond within about "
            "3 weeks (unverified)",
        ),
        (
            "proposals.election_blackouts",
            "UK Parliament petitions: petitions close at dissolution; no fixed pause is listed",
        ),
        (
            "consultations.draft_regulation_min_period",
            "Cabinet Office Consultation Principles: 12 weeks, the former standard period "
            "(now proportionate; this preset keeps 12 weeks)",
        ),
        (
            "consultations.foreign_resident_topics",
            "Cabinet Office Consultation Principles: consultations are open to anyone",
        ),
        (
            "consultations.comment_requires_nationality",
            "Cabinet Office Consultation Principles: consultations are open to anyone",
        ),
        (
            "action_plans.values",
            "OGP Articles of Governance: transparency, civic participation, public accountability",
        ),
        ("open_data.default_licence", "Open Government Licence v3.0, The National Archives"),
        (
            "ownership.ownership_types",
            "Companies Act 2006 Sch. 1A: more than 25 % of the shares or of the voting rights",
        ),
        (
            "ownership.control_types",
            "Companies Act 2006 Sch. 1A: appointing or removing a majority of the board, or "
            "significant influence or control",
        ),
        (
            "ownership.senior_types",
            "Companies Act 2006 s. 790C: no senior-manager fall-back (the company states it has "
            "no registrable person)",
        ),
        ("ownership.fallbacks", "Companies Act 2006 Sch. 1A: control by other means only"),
        (
            "ownership.register_disclosure_percent",
            "Companies Act 2006 s. 790C: people with significant control hold more than 25 %",
        ),
        (
            "ownership.register_public",
            "Companies House: the register of people with significant control is public",
        ),
        (
            "ownership.public_share_bands",
            "Companies House PSC register: shares shown in bands (25-50, 50-75, 75-100 %)",
        ),
        (
            "ownership.declaration_change_days",
            "Companies Act 2006 s. 790VA: changes are notified within 14 days",
        ),
    ),
    ownership=OwnershipRules(
        # Companies Act 2006 s. 790C and Sch. 1A: a person with significant control holds
        # more than 25 % of the shares or of the voting rights, or appoints or removes a
        # majority of the board, or has significant influence or control; there is no
        # senior-manager fall-back (the company states that it has no registrable person).
        # Indirect holdings count through entities the person controls (Sch. 1A Part 5);
        # the platform multiplies along chains, which can differ from that rule.
        ownership_types=("shareholding", "votingRights"),
        control_types=(
            "appointmentOfBoard",
            "otherInfluenceOrControl",
            "controlViaCompanyRulesOrArticles",
        ),
        senior_types=(),
        fallbacks=("control",),
        register_disclosure_percent=25.0,
        register_public=True,
        public_share_bands=(25.0, 50.0, 75.0, 100.0),
        declaration_change_days=14,
    ),
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
    overridden = tuple(
        (f"{section_name}.{rule}", OVERRIDDEN)
        for section_name, values in overrides.items()
        for rule in values
    )
    return dataclasses.replace(profile, own_sources=profile.own_sources + overridden, **changes)


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
    own = dict(profile.own_sources)  # later entries (overrides) win
    rows = []
    for section_field in dataclasses.fields(profile):
        section = getattr(profile, section_field.name)
        if not dataclasses.is_dataclass(section):
            continue
        for f in dataclasses.fields(section):
            value = getattr(section, f.name)
            source = own.get(f"{section_field.name}.{f.name}")
            if source is None:
                default = f.default_factory() if callable(f.default_factory) else f.default
                source = f.metadata.get("source", "") if value == default else UNSOURCED
            rows.append((section_field.name, f.name, value, source))
    return rows
