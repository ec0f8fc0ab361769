"""Every write of the referendums app: `<entity>_<verb>(*, actor, ...)`, atomic, audited.

Cases move through their legal life (Referendum Act Art. 9-13); electronic signatures are
checked (`certs.check_package`) before any write, so a refused one records nothing; every
counted signature and every deletion is appended to the case's transparency log in the same
transaction as its row.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import formats
from django.utils.translation import gettext as _

from opengov.core import audit, clock, tlog
from opengov.core.calendar import Calendar
from opengov.core.errors import Conflict, Forbidden, ServiceError
from opengov.core.identifiers import national_id_checksum_ok, normalise_national_id
from opengov.core.selectors import calendar_for

from . import certs, privacy, rules, tally
from .models import (
    Case,
    Method,
    Outcome,
    PublishedCheckpoint,
    RevocationEvidence,
    RollEntry,
    RollImport,
    Signature,
    Stage,
)
from .permissions import is_election_official


def _require_official(actor: Any) -> None:
    if not is_election_official(actor):
        raise Forbidden(_("Only election officials may do this."))


def _require_lead(actor: Any, case: Case) -> None:
    if not getattr(actor, "is_authenticated", False) or actor.pk != case.lead_proposer_id:
        raise Forbidden(_("Only the lead proposer may do this."))


def _stage_is(case: Case, *stages: str) -> rules.StageView:
    view = rules.case_stage(case)
    if view.stage not in stages:
        raise Conflict(
            "wrong_stage",
            _("This case is at the stage “%(stage)s”; this action is not possible now.")
            % {"stage": view.stage},
        )
    return view


def _deadline(event: dt.datetime, period: Any, cal: Calendar) -> dt.datetime:
    return rules.deadline(event, period, cal)


def _require_enough_proposers(case: Case) -> None:
    """The counted proposers reach the case's threshold (Art. 10), or Conflict."""
    have = counted_signatures(case, Stage.PROPOSAL)
    if have < case.proposal_threshold:
        raise Conflict(
            "below_threshold",
            _("%(have)d proposers of the %(need)d needed (Art. 10).")
            % {"have": have, "need": case.proposal_threshold},
        )


# -- cases ---------------------------------------------------------------------------------


def case_create(*, actor: Any, main_text: str, reasons: str, national_id: str) -> Case:
    """Open a case in the proposal stage with `actor` as lead proposer (Art. 9, 10).

    Refused when the texts are too long (Art. 9), the ID is not valid, or a two-year bar
    applies (Art. 12, 32).
    """
    if not getattr(actor, "is_authenticated", False):
        raise Forbidden(_("Please sign in."))
    main_text, reasons = (main_text or "").strip(), (reasons or "").strip()
    r = rules.rules()
    errors = rules.check_texts(main_text, reasons)
    for name, code in errors.items():
        limit = r.main_text_max_chars if name == "main_text" else r.reasons_max_chars
        message = (
            _("This field is required.")
            if code == "required"
            else _("At most %(n)d characters.") % {"n": limit}
        )
        raise ServiceError(code, message, field=name)
    national_id = normalise_national_id(national_id)
    if not national_id_checksum_ok(national_id):
        raise ServiceError("invalid", _("Not a valid national ID number."), field="national_id")
    lead_hash = privacy.id_hash(national_id)
    key = rules.issue_key(main_text)
    prior = [
        rules.PriorCase(c.lead_id_hash, c.issue_key, c.outcome, c.outcome_at)
        for c in Case.objects.filter(Q(lead_id_hash=lead_hash) | Q(issue_key=key)).exclude(
            outcome=""
        )
    ]
    barred = rules.refiling_barred_until(
        lead_id_hash=lead_hash, key=key, prior=prior, cal=calendar_for()
    )
    if barred:
        raise Conflict(
            "refiling_barred",
            _("A two-year bar applies until %(date)s (Referendum Act Art. 12, 32).")
            % {"date": formats.date_format(barred.astimezone(clock.local_zone()).date())},
        )
    now = clock.now()
    with transaction.atomic():
        case = Case.objects.create(
            lead_proposer=actor,
            lead_id_hash=lead_hash,
            main_text=main_text,
            reasons=reasons,
            issue_key=key,
            created_at=now,
            proposal_threshold=rules.proposal_threshold(),
        )
        audit.record(actor=actor, verb="referendum.created", target=case, public=True)
    return case


def case_file(*, actor: Any, case: Case) -> Case:
    """The lead proposer files the case with the CEC once proposers reach the threshold."""
    with transaction.atomic():
        case = Case.objects.select_for_update().get(pk=case.pk)
        _require_lead(actor, case)
        _stage_is(case, "proposal")
        _require_enough_proposers(case)
        now = clock.now()
        case.filed_at = now
        cal = calendar_for()
        case.review_due = _deadline(now, rules.rules().review_period, cal)
        case.proposers_check_due = _deadline(now, rules.rules().proposer_check_period, cal)
        case.save(update_fields=["filed_at", "review_due", "proposers_check_due"])
        audit.record(actor=actor, verb="referendum.filed", target=case, public=True)
    return case


def case_request_correction(*, actor: Any, case: Case, note: str) -> Case:
    """The CEC asks for a correction, once, with 30 days to make it (Art. 10)."""
    _require_official(actor)
    with transaction.atomic():
        case = Case.objects.select_for_update().get(pk=case.pk)
        _stage_is(case, "review")
        if not rules.correction_available(_corrections_used(case)):
            raise Conflict("correction_used", _("The one correction has already been asked."))
        _open_correction(actor, case, clock.now(), note, calendar_for())
    return case


def _corrections_used(case: Case) -> int:
    """Corrections the case has had: a case records one (`correction_requested_at`)."""
    return 1 if case.correction_requested_at else 0


def _open_correction(actor: Any, case: Case, now: dt.datetime, note: str, cal: Calendar) -> None:
    """Open the case's correction at `now`: its period starts (Art. 10); saved and audited."""
    case.correction_requested_at = now
    case.correction_due = _deadline(now, rules.rules().correction_period, cal)
    case.correction_note = (note or "").strip()[:2000]
    case.save(update_fields=["correction_requested_at", "correction_due", "correction_note"])
    audit.record(actor=actor, verb="referendum.correction_requested", target=case, public=True)


def _reject(actor: Any, case: Case, now: dt.datetime, note: str) -> None:
    """Reject the case at `now` with `note` (Art. 10); saved and audited."""
    case.outcome, case.outcome_at = Outcome.REJECTED, now
    case.outcome_note = (note or "").strip()[:2000]
    case.save(update_fields=["outcome", "outcome_at", "outcome_note"])
    audit.record(actor=actor, verb="referendum.rejected", target=case, public=True)


def case_correct(*, actor: Any, case: Case, main_text: str, reasons: str) -> Case:
    """The lead proposer corrects the texts within the correction period.

    Refused while the proposers (those added in the correction included) are below the
    threshold (Art. 10). Proposers added since the household check go to the household
    offices: a new 15-day check starts, unless a check is still running (its deadline stays).
    """
    with transaction.atomic():
        case = Case.objects.select_for_update().get(pk=case.pk)
        _require_lead(actor, case)
        _stage_is(case, "correction")
        main_text, reasons = (main_text or "").strip(), (reasons or "").strip()
        errors = rules.check_texts(main_text, reasons)
        if errors:
            name, code = next(iter(errors.items()))
            raise ServiceError(code, _("This text is empty or too long."), field=name)
        _require_enough_proposers(case)
        now = clock.now()
        fields = ["main_text", "reasons", "issue_key", "corrected_at"]
        if case.proposers_checked_at and _unchecked(case, Stage.PROPOSAL).exists():
            case.proposers_check_due = _deadline(
                now, rules.rules().proposer_check_period, calendar_for()
            )
            case.proposers_checked_at = None
            fields += ["proposers_check_due", "proposers_checked_at"]
        case.main_text, case.reasons = main_text, reasons
        case.issue_key = rules.issue_key(main_text)
        case.corrected_at = now
        case.save(update_fields=fields)
        audit.record(actor=actor, verb="referendum.corrected", target=case, public=True)
    return case


def case_decide(*, actor: Any, case: Case, approve: bool, note: str = "") -> Case:
    """The CEC approves (the code may be collected within 10 days) or rejects the case."""
    _require_official(actor)
    with transaction.atomic():
        case = Case.objects.select_for_update().get(pk=case.pk)
        _stage_is(case, "review")
        now = clock.now()
        if not approve:
            _reject(actor, case, now, note)
            return case
        cal = calendar_for()
        _require_proposers_checked(case, cal)
        case.approved_at = now
        case.code_due = _deadline(now, rules.rules().code_collection_period, cal)
        case.petition_threshold = rules.petition_threshold()
        case.save(update_fields=["approved_at", "code_due", "petition_threshold"])
        audit.record(actor=actor, verb="referendum.approved", target=case, public=True)
    return case


def _require_proposers_checked(case: Case, cal: Calendar) -> None:
    """Approval waits for the household offices' check of the proposers (Art. 10)."""
    if not rules.approvable(rules.proposer_check(case, cal=cal).state):
        raise Conflict(
            "proposers_unchecked",
            _(
                "The household offices have not yet reported their check of the proposers "
                "(Referendum Act Art. 10)."
            ),
        )
    _require_enough_proposers(case)


def case_collect_code(*, actor: Any, case: Case) -> Case:
    """The lead proposer collects the e-petition code; 6 months of signing start (Art. 12)."""
    with transaction.atomic():
        case = Case.objects.select_for_update().get(pk=case.pk)
        _require_lead(actor, case)
        _stage_is(case, "awaiting_code")
        now = clock.now()
        case.code_collected_at = now
        case.signature_deadline = _deadline(now, rules.rules().signature_period, calendar_for())
        case.save(update_fields=["code_collected_at", "signature_deadline"])
        audit.record(actor=actor, verb="referendum.code_collected", target=case, public=True)
    return case


def case_submit(*, actor: Any, case: Case) -> Case:
    """The lead proposer submits the signatures (or the top-up); the 60-day check starts."""
    with transaction.atomic():
        case = Case.objects.select_for_update().get(pk=case.pk)
        _require_lead(actor, case)
        view = _stage_is(case, "collecting", "top_up")
        now = clock.now()
        if view.stage == "top_up":
            case.top_up_submitted_at = now
        else:
            case.submitted_at = now
        case.check_due = _deadline(now, rules.rules().check_period, calendar_for())
        case.save(update_fields=["submitted_at", "top_up_submitted_at", "check_due"])
        audit.record(actor=actor, verb="referendum.submitted", target=case, public=True)
    return case


def case_settle(*, case: Case) -> Case:
    """Record an outcome that follows from a missed deadline (abandoned, not established).

    The stage is right without this (derived when read); settling stores the outcome and
    its time (the deadline's end) so the re-filing bar and the purge can count from it.
    """
    with transaction.atomic():
        case = Case.objects.select_for_update().get(pk=case.pk)
        view = rules.case_stage(case)
        if case.outcome or view.stage not in rules.FINAL_STAGES:
            return case
        due = {
            "code_not_collected": case.code_due,
            "not_submitted": case.signature_deadline,
            "top_up_missed": case.top_up_due,
            "correction_missed": case.correction_due,
        }[view.reason]
        case.outcome, case.outcome_at, case.outcome_note = view.stage, due, view.reason
        case.save(update_fields=["outcome", "outcome_at", "outcome_note"])
        audit.record(actor=None, verb=f"referendum.{view.stage}", target=case, public=True)
    return case


def case_record_litigation(
    *, actor: Any, case: Case, final_judgment_at: dt.datetime | None
) -> Case:
    """Record that the outcome is litigated, and the final judgment when there is one."""
    _require_official(actor)
    with transaction.atomic():
        case = Case.objects.select_for_update().get(pk=case.pk)
        case.litigated = True
        case.final_judgment_at = final_judgment_at
        case.save(update_fields=["litigated", "final_judgment_at"])
        audit.record(actor=actor, verb="referendum.litigation_recorded", target=case, public=True)
    return case


# -- signatures ----------------------------------------------------------------------------


def counted_signatures(case: Case, stage: str) -> int:
    """Signatures that count for `stage`: counted and not deleted."""
    return Signature.objects.filter(case=case, stage=stage, counted=True, deleted_reason="").count()


def _evidence(kind: str, blobs: Iterable[bytes]) -> list[RevocationEvidence]:
    rows = []
    for blob in blobs:
        digest = hashlib.sha256(blob).hexdigest()
        row, _ = RevocationEvidence.objects.get_or_create(
            sha256=digest, defaults={"kind": kind, "data": blob, "fetched_at": clock.now()}
        )
        rows.append(row)
    return rows


def _already_signed(existing: Signature) -> Conflict:
    day = existing.signed_at.astimezone(clock.local_zone()).date()
    return Conflict(
        "already_signed",
        _("You already signed on %(date)s.") % {"date": formats.date_format(day)},
    )


def signature_submit(
    *, actor: Any, case: Case, package: Any, roots: list[bytes] | None = None
) -> tuple[Signature, dict[str, Any]]:
    """Accept an electronic signature on `case`; return it and the signer's receipt.

    The package is checked before anything is written (a refusal records nothing): the
    statement names this case and the stage now open, its time is within the allowed skew,
    the signature, certificate path, validity at signing time, key usage, CRL and OCSP hold,
    and the certificate is the person's. A second electronic signature of the same person
    is refused ("you already signed on <date>", Art. 9).
    """
    stage = rules.accepting_signatures(case)
    if stage is None:
        raise Conflict("not_accepting", _("This case does not take signatures now."))
    try:
        statement = certs.parse_package(package)[0]
        if statement.case_id != str(case.public_id):
            raise certs.SignatureRefused(
                "wrong_case", _("The statement names another case."), "statement"
            )
        if statement.stage != stage:
            raise certs.SignatureRefused(
                "wrong_stage", _("The statement names another stage."), "statement"
            )
        skew = dt.timedelta(minutes=rules.rules().statement_max_skew_minutes)
        if abs(statement.signed_at - clock.now()) > skew:
            raise certs.SignatureRefused(
                "time_skew", _("The statement's time is too far from now."), "statement"
            )
        checked = certs.check_package(package, roots=roots)
    except certs.SignatureRefused as exc:
        raise ServiceError(exc.code, exc.message, field=exc.field, status=422) from None
    # only now, with the certificate proven to be this person's, may we say they signed
    # before: asking earlier would tell anyone whether an ID number has signed
    id_hash = privacy.id_hash(statement.national_id)
    existing = Signature.objects.filter(
        case=case, stage=stage, id_hash=id_hash, method=Method.ELECTRONIC
    ).first()
    if existing:
        raise _already_signed(existing)
    context = str(case.public_id)
    salt = tally.new_salt()
    commit = tally.commitment(salt, statement.text.encode())
    leaf = tally.sign_leaf(stage, commit)
    now = clock.now()
    try:
        with transaction.atomic():
            locked = Case.objects.select_for_update().get(pk=case.pk)
            if rules.accepting_signatures(locked) != stage:
                raise Conflict("not_accepting", _("This case does not take signatures now."))
            signature = Signature.objects.create(
                case=locked,
                stage=stage,
                method=Method.ELECTRONIC,
                id_hash=id_hash,
                id_encrypted=privacy.encrypt(statement.national_id, context=context),
                signed_at=statement.signed_at,
                recorded_at=now,
                user=actor if getattr(actor, "is_authenticated", False) else None,
                commitment=commit,
                signature_value=checked.signature,
                certificate_encrypted=privacy.encrypt_bytes(
                    checked.certificate_der, context=context
                ),
                certificate_sha256=checked.certificate_sha256,
                top_up=bool(locked.top_up_due),
            )
            signature.revocation.set(
                _evidence("crl", checked.crls) + _evidence("ocsp", checked.ocsps)
            )
            # a paper entry of the same person typed in earlier stops counting: electronic wins
            paper = Signature.objects.filter(
                case=locked, stage=stage, id_hash=id_hash, method=Method.PAPER, counted=True
            )
            for row in paper:
                row.counted = False
                row.duplicate_of = signature
                row.save(update_fields=["counted", "duplicate_of"])
                _append_deletion(locked, row, "duplicate")
            signature.leaf_index = tlog.append(locked.log_name, leaf)
            signature.save(update_fields=["leaf_index"])
    except IntegrityError:
        existing = Signature.objects.filter(
            case=case, stage=stage, id_hash=id_hash, method=Method.ELECTRONIC
        ).first()
        if existing:
            raise _already_signed(existing) from None
        raise
    receipt = receipt_for(case=case, leaf_index=signature.leaf_index, leaf=leaf, salt=salt)
    receipt["statement"] = statement.text  # the signer's own: lets them check the commitment
    return signature, receipt


def _append_deletion(case: Case, signature: Signature, reason: str) -> None:
    if signature.leaf_index is None or signature.deletion_leaf_index is not None:
        return
    signature.deletion_leaf_index = tlog.append(
        case.log_name, tally.delete_leaf(signature.leaf_index, reason)
    )
    signature.deleted_reason = signature.deleted_reason or reason
    signature.save(update_fields=["deletion_leaf_index", "deleted_reason"])


@dataclass
class RowReport:
    """The outcome of a file import: rows taken, and every rejected row with its reason."""

    accepted: int = 0
    errors: list[dict[str, Any]] = field(default_factory=list)
    details: dict[str, int] = field(default_factory=dict)


def _read_csv(data: bytes | str) -> list[dict[str, str]]:
    text = data.decode("utf-8-sig") if isinstance(data, bytes) else data
    return list(csv.DictReader(io.StringIO(text)))


def paper_entries_add(*, actor: Any, case: Case, data: bytes | str) -> RowReport:
    """Type in paper roster entries (CSV: national_id, signed_on, page), all or nothing.

    A person counts once: an entry whose person already signed electronically, or already
    has a counted paper entry, is kept as a duplicate that does not count (electronic wins).
    """
    _require_official(actor)
    view = _stage_is(case, "collecting", "top_up", "checking")
    stage = Stage.PETITION
    rows = _read_csv(data)
    report = RowReport()
    parsed = []
    for number, row in enumerate(rows, start=2):
        national_id = normalise_national_id(row.get("national_id", ""))
        if not national_id_checksum_ok(national_id):
            report.errors.append({"row": number, "field": "national_id", "error": "invalid"})
            continue
        try:
            signed_on = dt.date.fromisoformat((row.get("signed_on") or "").strip())
        except ValueError:
            report.errors.append({"row": number, "field": "signed_on", "error": "invalid date"})
            continue
        parsed.append((national_id, signed_on, (row.get("page") or "")[:40]))
    if not rows:
        report.errors.append({"row": 1, "field": "", "error": "no rows"})
    if report.errors:
        return report
    context = str(case.public_id)
    now = clock.now()
    duplicates = 0
    with transaction.atomic():
        locked = Case.objects.select_for_update().get(pk=case.pk)
        hashes = {privacy.id_hash(n) for n, _, _ in parsed}
        seen = dict(
            Signature.objects.filter(
                case=locked, stage=stage, counted=True, id_hash__in=hashes
            ).values_list("id_hash", "id")
        )
        leaves = []
        new_rows = []
        for national_id, signed_on, page in parsed:
            id_hash = privacy.id_hash(national_id)
            first = seen.get(id_hash)
            salt = tally.new_salt()
            signature = Signature(
                case=locked,
                stage=stage,
                method=Method.PAPER,
                id_hash=id_hash,
                id_encrypted=privacy.encrypt(national_id, context=context),
                signed_at=clock.start_of_local_day(signed_on),
                recorded_at=now,
                counted=first is None,
                duplicate_of_id=first if first and first > 0 else None,
                paper_page=page,
                top_up=view.stage == "top_up",
            )
            if first is None:
                signature.commitment = tally.commitment(
                    salt, f"paper\n{context}\n{stage}\n{national_id}\n{page}\n".encode()
                )
                leaves.append(tally.sign_leaf(stage, signature.commitment))
                seen[id_hash] = -1  # counted within this batch
            else:
                duplicates += 1
            new_rows.append(signature)
        indexes = iter(tlog.append_many(locked.log_name, leaves)) if leaves else iter(())
        for signature in new_rows:
            if signature.counted:
                signature.leaf_index = next(indexes)
        created = Signature.objects.bulk_create(new_rows, batch_size=2000)
        # duplicates within this batch point at the row that counted
        by_hash = {s.id_hash: s.pk for s in created if s.counted}
        fix = [s for s in created if not s.counted and s.duplicate_of_id is None]
        for s in fix:
            s.duplicate_of_id = by_hash.get(s.id_hash)
        if fix:
            Signature.objects.bulk_update(fix, ["duplicate_of"])
        report.accepted = len(parsed)
        report.details = {"counted": len(leaves), "duplicates": duplicates}
        audit.record(
            actor=actor,
            verb="referendum.paper_entered",
            target=locked,
            changes=report.details,
            public=True,
        )
    return report


# -- the voter roll and the household check ------------------------------------------------


def _bool(value: str) -> bool | None:
    value = (value or "").strip().lower()
    if value in ("1", "true", "yes", "y", "是"):
        return True
    if value in ("0", "false", "no", "n", "否", ""):
        return False
    return None


ROLL_COLUMNS = ("national_id", "birth_date", "registered_since", "under_guardianship", "national")


def roll_import(
    *, actor: Any, data: bytes | str, reference_date: dt.date
) -> tuple[RollImport | None, RowReport]:
    """Import the voter roll from CSV, all rows or none, with a report of every bad row.

    Columns: national_id, birth_date, registered_since (ISO dates), under_guardianship,
    national (true/false). IDs are stored only as keyed hashes.
    """
    _require_official(actor)
    raw = data.encode() if isinstance(data, str) else data
    rows = _read_csv(raw)
    report = RowReport()
    if rows and set(ROLL_COLUMNS) - set(rows[0]):
        missing = ", ".join(sorted(set(ROLL_COLUMNS) - set(rows[0])))
        report.errors.append({"row": 1, "field": missing, "error": "missing column"})
        return None, report
    entries: dict[str, RollEntry] = {}
    for number, row in enumerate(rows, start=2):
        national_id = normalise_national_id(row.get("national_id", ""))
        if not national_id_checksum_ok(national_id):
            report.errors.append({"row": number, "field": "national_id", "error": "invalid"})
            continue
        dates = {}
        for name in ("birth_date", "registered_since"):
            try:
                dates[name] = dt.date.fromisoformat((row.get(name) or "").strip())
            except ValueError:
                report.errors.append({"row": number, "field": name, "error": "invalid date"})
        flags = {name: _bool(row.get(name, "")) for name in ("under_guardianship", "national")}
        for name, value in flags.items():
            if value is None:
                report.errors.append({"row": number, "field": name, "error": "not true/false"})
        if len(dates) < 2 or None in flags.values():
            continue
        id_hash = privacy.id_hash(national_id)
        if id_hash in entries:
            report.errors.append({"row": number, "field": "national_id", "error": "duplicate"})
            continue
        entries[id_hash] = RollEntry(
            id_hash=id_hash,
            birth_date=dates["birth_date"],
            registered_since=dates["registered_since"],
            under_guardianship=bool(flags["under_guardianship"]),
            national=bool(flags["national"]),
        )
    if not rows:
        report.errors.append({"row": 1, "field": "", "error": "no rows"})
    if report.errors:
        return None, report
    with transaction.atomic():
        RollImport.objects.filter(active=True).update(active=False)
        roll = RollImport.objects.create(
            reference_date=reference_date,
            imported_at=clock.now(),
            imported_by=actor,
            rows=len(entries),
            file_sha256=hashlib.sha256(raw).hexdigest(),
        )
        for entry in entries.values():
            entry.roll = roll
        RollEntry.objects.bulk_create(entries.values(), batch_size=5000)
        audit.record(actor=actor, verb="referendum.roll_imported", changes={"rows": roll.rows})
        report.accepted = roll.rows
    return roll, report


def _unchecked(case: Case, stage: str) -> Any:
    """Counted signatures of `stage` that no household check has looked at yet."""
    return Signature.objects.filter(
        case=case, stage=stage, counted=True, deleted_reason="", eligibility=""
    )


def _check_inputs(
    roll: RollImport | None, deletions: dict[str, str] | None
) -> tuple[RollImport, dict[str, str]]:
    """The roll to check against (the active one by default) and the offices' findings by
    keyed hash; an unknown reason is refused before anything is read or written."""
    roll = roll or RollImport.objects.filter(active=True).first()
    if roll is None:
        raise ServiceError("no_roll", _("Import the voter roll first."), field="roll")
    allowed = set(rules.rules().deletion_reasons)
    wanted = {}
    for national_id, reason in (deletions or {}).items():
        if reason not in allowed:
            raise ServiceError("invalid", _("Unknown deletion reason %s.") % reason, field="reason")
        wanted[privacy.id_hash(national_id)] = reason
    return roll, wanted


def _household_check(
    case: Case, stage: str, roll: RollImport, wanted: dict[str, str]
) -> dict[str, int]:
    """Check the case's unchecked signatures of `stage` against `roll`; delete those that fail.

    Eligibility on the roll's reference date (Art. 7, 8) first, then the offices' findings
    (`wanted`, by keyed hash); each deletion is appended to the case's log as a leaf with its
    reason (Art. 10 for proposers, Art. 13 for signers). Returns the deletions by reason.
    """
    pending = list(_unchecked(case, stage))
    on_roll = {
        e.id_hash: e
        for e in RollEntry.objects.filter(roll=roll, id_hash__in=[s.id_hash for s in pending])
    }
    deleted: dict[str, int] = {}
    for signature in pending:
        entry = on_roll.get(signature.id_hash)
        reason = rules.eligibility_reason(
            on_roll=entry is not None,
            birth_date=entry and entry.birth_date,
            registered_since=entry and entry.registered_since,
            under_guardianship=bool(entry and entry.under_guardianship),
            national=bool(entry is None or entry.national),
            reference_date=roll.reference_date,
        )
        signature.eligibility = reason or "eligible"
        signature.save(update_fields=["eligibility"])
        deletion = rules.ELIGIBILITY_DELETION.get(reason) or wanted.get(signature.id_hash)
        if deletion:
            signature.deleted_reason = deletion
            _append_deletion(case, signature, deletion)
            deleted[deletion] = deleted.get(deletion, 0) + 1
    return deleted


def case_check(
    *,
    actor: Any,
    case: Case,
    roll: RollImport | None = None,
    deletions: dict[str, str] | None = None,
) -> Case:
    """Record the household offices' check (Art. 13): delete the signatures that fail.

    Every counted second-stage signature not yet deleted is checked against the roll on its
    reference date (eligibility, Art. 7, 8); `deletions` adds the offices' findings by
    national ID (reason: particulars_wrong, unsigned, forged). Each deletion is appended to
    the log as a leaf with its reason. Then: enough → established; short and no top-up used
    → one top-up of 30 days; short after the top-up → not established.
    """
    _require_official(actor)
    roll, wanted = _check_inputs(roll, deletions)
    with transaction.atomic():
        case = Case.objects.select_for_update().get(pk=case.pk)
        _stage_is(case, "checking")
        deleted = _household_check(case, Stage.PETITION, roll, wanted)
        count = counted_signatures(case, Stage.PETITION)
        now = clock.now()
        case.checked_at = now
        if count >= case.petition_threshold:
            case.outcome, case.outcome_at = Outcome.ESTABLISHED, now
        elif not case.top_up_due:
            case.top_up_due = _deadline(now, rules.rules().top_up_period, calendar_for())
        else:
            case.outcome, case.outcome_at = Outcome.NOT_ESTABLISHED, now
        case.save()
        audit.record(
            actor=actor,
            verb="referendum.checked",
            target=case,
            changes={"deleted": sum(deleted.values()), "count": count, "outcome": case.outcome},
            public=True,
        )
    return case


def case_check_proposers(
    *,
    actor: Any,
    case: Case,
    roll: RollImport | None = None,
    deletions: dict[str, str] | None = None,
) -> Case:
    """Record the household offices' check of the proposers (Art. 10), the way `case_check`
    records the signers' (same officials, same roll, same deletion reasons and log leaves).

    Runs while the CEC reviews the case (or during its correction), once per list sent: every
    proposer not yet checked is checked against the roll, and `deletions` adds the offices'
    findings by national ID. A check recorded after its 15 days is taken and marked late (the
    deadline is not moved). Then, if the proposers left fall below the threshold: in the
    review, the case goes to its one correction (30 days to add proposers), or, with the
    correction used, is rejected (Art. 10); during a correction the lead proposer must first
    reach the threshold again (`case_correct`).
    """
    _require_official(actor)
    roll, wanted = _check_inputs(roll, deletions)
    with transaction.atomic():
        case = Case.objects.select_for_update().get(pk=case.pk)
        view = _stage_is(case, "review", "correction")
        cal = calendar_for()
        check = rules.proposer_check(case, cal=cal)
        if check.state == "done":
            raise Conflict(
                "proposers_checked",
                _("The proposers' check is already recorded; no new proposers wait for it."),
            )
        # a filed case in review or correction whose check is not done: pending or overdue,
        # with its due time (recorded, or counted from the filing with `cal`)
        assert check.due is not None
        deleted = _household_check(case, Stage.PROPOSAL, roll, wanted)
        count = counted_signatures(case, Stage.PROPOSAL)
        now = clock.now()
        case.proposers_check_due = check.due
        case.proposers_checked_at = now
        result = ""
        if view.stage == "review":
            result = rules.proposers_short(
                count=count,
                threshold=case.proposal_threshold,
                corrections_used=_corrections_used(case),
            )
        case.save(update_fields=["proposers_check_due", "proposers_checked_at"])
        audit.record(
            actor=actor,
            verb="referendum.proposers_checked",
            target=case,
            changes={
                "deleted": deleted,
                "count": count,
                "threshold": case.proposal_threshold,
                "late": now > check.due,
                "result": result,
            },
            public=True,
        )
        if result == "correction":
            _open_correction(actor, case, now, "proposers_short", cal)
        elif result == "rejected":
            _reject(actor, case, now, "proposers_short")
    return case


# -- checkpoints and receipts --------------------------------------------------------------


def checkpoint_publish(*, case: Case) -> PublishedCheckpoint:
    """Sign (and with a witness key, co-sign) a checkpoint of the case's log and publish it."""
    with transaction.atomic():
        log_checkpoint = tlog.checkpoint(case.log_name)
        existing = PublishedCheckpoint.objects.filter(case=case, size=log_checkpoint.size).first()
        if existing:
            return existing
        note = log_checkpoint.note
        witness = tally.witness_signer()
        if witness is not None:
            note = tlog.cosign_note(note, [witness])
        return PublishedCheckpoint.objects.create(
            case=case,
            size=log_checkpoint.size,
            root=bytes(log_checkpoint.root).hex(),
            note=note,
            created_at=clock.now(),
        )


def checkpoint_witness(*, case: Case, size: int, note: str) -> PublishedCheckpoint:
    """Add an external witness's co-signature to a published checkpoint.

    The note must carry a valid signature by the configured witness key
    (`REFERENDUM_WITNESS_VKEY`) over this very checkpoint; only that signature line is added,
    so nobody can strip or replace the signatures already published.
    """
    vkey = getattr(settings, "REFERENDUM_WITNESS_VKEY", "")
    if not vkey:
        raise ServiceError("no_witness", _("No witness key is configured."), status=404)
    published = PublishedCheckpoint.objects.filter(case=case, size=size).first()
    if published is None:
        raise ServiceError("not_found", _("No checkpoint of that size."), field="size", status=404)
    witness = tlog.NoteVerifier.from_vkey(vkey)
    try:
        text, _names = tlog.open_note(note, [witness])
    except tlog.NoteError as exc:
        raise ServiceError("invalid", str(exc), field="note", status=422) from None
    published_text = published.note[: published.note.index("\n\n") + 1]
    if text != published_text:
        raise ServiceError("invalid", _("The note is not this checkpoint."), field="note")
    prefix = f"\u2014 {witness.name} "
    lines = [line for line in note.split("\n") if line.startswith(prefix)]
    kept = [line for line in published.note.split("\n") if line and not line.startswith(prefix)]
    signatures = [line for line in kept if line.startswith("\u2014 ")]
    published.note = published_text + "\n" + "".join(f"{line}\n" for line in signatures + lines)
    tlog.open_note(published.note, [witness, tlog.log_verifier(case.log_name)])
    published.save(update_fields=["note"])
    return published


def receipt_for(*, case: Case, leaf_index: int, leaf: bytes, salt: bytes) -> dict[str, Any]:
    """The signer's receipt: leaf, salt, inclusion proof and a checkpoint that covers it."""
    published = checkpoint_publish(case=case)
    proof = tlog.inclusion_proof(case.log_name, leaf_index, published.size)
    return tally.Receipt(
        case=str(case.public_id),
        log=case.log_name,
        leaf_index=leaf_index,
        leaf=leaf,
        salt=salt,
        proof=proof,
        checkpoint=published.note,
        verifier_keys=tally.verifier_keys(case.log_name),
    ).as_dict()


# -- retention -----------------------------------------------------------------------------


def purge_personal_data(*, now: dt.datetime | None = None) -> list[dict[str, Any]]:
    """Remove signers' personal data whose retention has ended (Art. 12); report what went.

    Keeps the counts, the commitments and the log (which hold no identity); removes ID hashes,
    encrypted IDs and certificates, signature values, links to accounts and the voter roll's
    entries once no case still needs them.
    """
    now = now or clock.now()
    cal = calendar_for()
    removed = []
    for case in Case.objects.filter(purged_at__isnull=True).exclude(outcome=""):
        ends = rules.retention_ends(case, cal)
        if ends is None or ends > now:
            continue
        with transaction.atomic():
            rows = Signature.objects.filter(case=case)
            count = rows.count()
            for signature in rows:
                signature.revocation.clear()
            rows.update(
                id_hash="",
                id_encrypted=None,
                certificate_encrypted=None,
                signature_value=None,
                user=None,
            )
            case.purged_at = now
            case.lead_id_hash = ""
            case.save(update_fields=["purged_at", "lead_id_hash"])
            audit.record(
                actor=None,
                verb="referendum.purged",
                target=case,
                changes={"signatures": count},
                public=True,
            )
        removed.append({"case": str(case.public_id), "signatures": count})
    return removed
