"""Pages of referendum cases: the list, a case (stage, deadline, progress, checkpoint), signing
with a signature made by a local signer, the receipt verifier, certificate sign-in."""

from __future__ import annotations

import json
import secrets
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import formats
from django.utils.functional import lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from opengov.accounts import services as account_services
from opengov.core import clock, tlog
from opengov.core.errors import ServiceError
from opengov.core.forms import form_status, submit

from . import certs, rules, selectors, services, tally, verify
from .models import DELETION_LABELS
from .permissions import is_election_official


class PackageForm(forms.Form):
    """The signed package a local signer produced (JSON)."""

    signed_package = forms.CharField(
        label=gettext_lazy("Signed package (JSON from your signing program)"),
        widget=forms.Textarea(attrs={"rows": 8, "spellcheck": "false"}),
        max_length=100_000,
    )


class ReceiptForm(forms.Form):
    """A receipt to check."""

    receipt = forms.CharField(
        label=gettext_lazy("Your receipt (JSON)"),
        widget=forms.Textarea(attrs={"rows": 10, "spellcheck": "false"}),
        max_length=200_000,
    )


def _chars(n: int) -> str:
    """A character limit as the active language writes numbers."""
    return formats.number_format(n, force_grouping=True)


def _main_text_help() -> str:
    n = _chars(rules.rules().main_text_max_chars)
    return _("One issue, at most %(n)s characters (Referendum Act Art. 9).") % {"n": n}


def _reasons_help() -> str:
    n = _chars(rules.rules().reasons_max_chars)
    return _("At most %(n)s characters (Referendum Act Art. 9).") % {"n": n}


class CaseForm(forms.Form):
    """Open a case: main text, reasons, and the lead proposer's national ID."""

    main_text = forms.CharField(
        label=gettext_lazy("Main text"),
        max_length=500,
        help_text=lazy(_main_text_help, str)(),
    )
    reasons = forms.CharField(
        label=gettext_lazy("Reasons"),
        widget=forms.Textarea(attrs={"rows": 8}),
        max_length=10_000,
        help_text=lazy(_reasons_help, str)(),
    )
    national_id = forms.CharField(
        label=gettext_lazy("Your national ID number"),
        max_length=20,
        help_text=gettext_lazy("Kept only as a keyed hash, to apply the two-year re-filing bar."),
    )


@login_required
@require_http_methods(["GET", "POST"])
def case_new(request: HttpRequest) -> HttpResponse:
    """A signed-in person opens a case as its lead proposer."""
    form = CaseForm(request.POST or None)
    done = submit(
        request,
        form,
        lambda data: services.case_create(actor=request.user, **data),
        then=lambda case: reverse("referendums:detail", args=[case.public_id]),
        done=_("The case is open: proposers can now sign it."),
    )
    if done:
        return done
    return render(request, "referendums/new.html", {"form": form}, status=form_status(request))


#: actions from the case page: (service, who may see the button)
ACTIONS = {
    "file": ("case_file", "lead", gettext_lazy("File with the Central Election Commission")),
    "collect_code": ("case_collect_code", "lead", gettext_lazy("Collect the e-petition code")),
    "submit": ("case_submit", "lead", gettext_lazy("Submit the signatures")),
    "approve": ("case_decide", "official", gettext_lazy("Approve")),
    "reject": ("case_decide", "official", gettext_lazy("Reject")),
    "correction": (
        "case_request_correction",
        "official",
        gettext_lazy("Ask for the one correction"),
    ),
    "check": (
        "case_check",
        "official",
        gettext_lazy("Record the household check against the roll"),
    ),
    "check_proposers": (
        "case_check_proposers",
        "official",
        gettext_lazy("Record the household check of the proposers against the roll"),
    ),
}
#: which actions each stage offers
STAGE_ACTIONS = {
    "proposal": ("file",),
    "review": ("check_proposers", "approve", "reject", "correction"),
    "correction": ("check_proposers",),
    "awaiting_code": ("collect_code",),
    "collecting": ("submit",),
    "top_up": ("submit",),
    "checking": ("check",),
}


def _actions_for(
    request: HttpRequest, case: Any, stage: str, proposer_check: str
) -> list[tuple[str, Any]]:
    lead = request.user.is_authenticated and request.user.pk == case.lead_proposer_id
    official = is_election_official(request.user)
    approvable = rules.approvable(proposer_check)
    out = []
    for name in STAGE_ACTIONS.get(stage, ()):
        if (name == "check_proposers" and approvable) or (name == "approve" and not approvable):
            continue  # approval waits for the proposers' check (Art. 10)
        _service, who, label = ACTIONS[name]
        if (who == "lead" and lead) or (who == "official" and official):
            out.append((name, label))
    return out


@login_required
@require_http_methods(["POST"])
def case_act(request: HttpRequest, case_id: str) -> HttpResponse:
    """One act on the case's legal life from its page; a refusal is shown, nothing changes."""
    case = _case(case_id)
    name = request.POST.get("action", "")
    if name not in ACTIONS:
        raise Http404(_("No such action."))
    service, _who, _label = ACTIONS[name]
    kwargs: dict[str, Any] = {}
    if name in ("approve", "reject"):
        kwargs = {"approve": name == "approve", "note": request.POST.get("note", "")}
    elif name == "correction":
        kwargs = {"note": request.POST.get("note", "")}
    try:
        getattr(services, service)(actor=request.user, case=case, **kwargs)
    except ServiceError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("Done."))
    return redirect("referendums:detail", case.public_id)


class UploadForm(forms.Form):
    """A CSV file (paper roster rows or the voter roll)."""

    file = forms.FileField(label=gettext_lazy("CSV file (UTF-8)"))
    reference_date = forms.DateField(
        label=gettext_lazy("Reference date (YYYY-MM-DD)"),
        required=False,
        help_text=gettext_lazy(
            "For the voter roll: the date on which age and residence are counted."
        ),
    )


def _upload(request: HttpRequest, template: str, action: Any, extra: dict) -> HttpResponse:
    if not is_election_official(request.user):
        raise Http404(_("Not found."))
    form = UploadForm(request.POST or None, request.FILES or None)
    report = None
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data["file"].read(50_000_000)
            try:
                report = action(data, form.cleaned_data.get("reference_date"))
            except ServiceError as exc:
                form.add_error(None, str(exc.message))
            else:
                status = 200 if not report.errors else 400
    return render(request, template, {"form": form, "report": report, **extra}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def paper_upload(request: HttpRequest, case_id: str) -> HttpResponse:
    """Election officials type in paper roster rows (CSV: national_id, signed_on, page)."""
    case = _case(case_id)
    return _upload(
        request,
        "referendums/upload.html",
        lambda data, _day: services.paper_entries_add(actor=request.user, case=case, data=data),
        {"case": case, "title": _("Enter paper roster rows")},
    )


@login_required
@require_http_methods(["GET", "POST"])
def roll_upload(request: HttpRequest) -> HttpResponse:
    """Election officials import the voter roll, all rows or none."""

    def action(data: bytes, day: Any) -> services.RowReport:
        if day is None:
            raise ServiceError("required", _("Give the reference date."), field="reference_date")
        return services.roll_import(actor=request.user, data=data, reference_date=day)[1]

    return _upload(
        request,
        "referendums/upload.html",
        action,
        {"case": None, "title": _("Import the voter roll")},
    )


def _case(case_id: str):
    try:
        return selectors.case_by_public_id(case_id)
    except ServiceError:
        raise Http404(_("No such case.")) from None


def case_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.public_cases(), 20).get_page(request.GET.get("page"))
    rows = [(case, selectors.progress(case)) for case in page]
    return render(request, "referendums/list.html", {"page": page, "rows": rows})


def case_detail(request: HttpRequest, case_id: str) -> HttpResponse:
    case = _case(case_id)
    latest = selectors.latest_checkpoint(case)
    tallied = selectors.signature_tally(case)
    counts = selectors.counts(case, tallied)
    progress = selectors.progress(case, counts)
    proposer_check = selectors.proposer_check(case, tallied)
    return render(
        request,
        "referendums/detail.html",
        {
            "case": case,
            "progress": progress,
            "proposer_check": proposer_check,
            "deleted_rows": [
                (DELETION_LABELS.get(reason, reason), n)
                for reason, n in proposer_check["deleted"].items()
            ],
            "counts": counts,
            "latest": latest,
            "log_size": tlog.tree_size(case.log_name),
            "keys": tally.verifier_keys(case.log_name),
            "accepting": rules.accepting_signatures(case),
            "actions": _actions_for(request, case, progress["stage"], proposer_check["state"]),
            "official": is_election_official(request.user),
        },
    )


@require_http_methods(["GET", "POST"])
def case_sign(request: HttpRequest, case_id: str) -> HttpResponse:
    case = _case(case_id)
    stage = rules.accepting_signatures(case)
    form = PackageForm(request.POST or None)
    receipt = None
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                package = json.loads(form.cleaned_data["signed_package"])
            except ValueError:
                form.add_error("signed_package", _("The signed package is not JSON."))
            else:
                try:
                    _signature, receipt = services.signature_submit(
                        actor=request.user, case=case, package=package
                    )
                    status = 201
                except ServiceError as exc:
                    form.add_error("signed_package", str(exc.message))
    example = rules.statement_text(
        case_id=str(case.public_id),
        stage=stage or "petition",
        national_id="A123456789",
        signed_at=clock.now().replace(microsecond=0).isoformat(),
    )
    return render(
        request,
        "referendums/sign.html",
        {
            "case": case,
            "stage": stage,
            "form": form,
            "receipt": json.dumps(receipt, indent=2, ensure_ascii=False) if receipt else "",
            "example": example,
        },
        status=status,
    )


@require_http_methods(["GET", "POST"])
def receipt_verify(request: HttpRequest) -> HttpResponse:
    """Check a receipt: in the browser (verify.js), or here when JavaScript is off."""
    form = ReceiptForm(request.POST or None)
    result = None
    if request.method == "POST" and form.is_valid():
        try:
            receipt = json.loads(form.cleaned_data["receipt"])
            if not isinstance(receipt, dict):
                raise ValueError
        except ValueError:
            form.add_error("receipt", _("The receipt is not a JSON object."))
        else:
            keys = None
            case_id = str(receipt.get("case", ""))
            try:
                case = _case(case_id)
                keys = tally.verifier_keys(case.log_name)
            except ServiceError:
                keys = None
            result = verify.verify_receipt(receipt, keys)
    return render(request, "referendums/verify.html", {"form": form, "result": result})


@login_required
@require_http_methods(["GET", "POST"])
def certificate_sign_in(request: HttpRequest) -> HttpResponse:
    """Prove control of a citizen certificate: sign the page's challenge with a local signer."""
    challenge = request.session.get("referendum_challenge")
    if not challenge or request.method == "GET":
        challenge = secrets.token_hex(16)
        request.session["referendum_challenge"] = challenge
    form = PackageForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            checked = certs.check_package(
                form.cleaned_data["signed_package"], parser=certs.parse_sign_in
            )
            if checked.statement.case_id != challenge:
                raise certs.SignatureRefused("wrong_challenge", _("The challenge does not match."))
            skew = rules.rules().statement_max_skew_minutes * 60
            if abs((checked.statement.signed_at - clock.now()).total_seconds()) > skew:
                raise certs.SignatureRefused("time_skew", _("The time is too far from now."))
        except certs.SignatureRefused as exc:
            form.add_error("signed_package", str(exc.message))
        else:
            account_services.certificate_verified(
                actor=request.user,
                user=request.user,
                certificate_sha256=checked.certificate_sha256,
            )
            request.session.pop("referendum_challenge", None)
            messages.success(request, _("Your citizen certificate is verified."))
            return redirect("referendums:list")
    text = certs.sign_in_text(
        national_id="A123456789",
        challenge=challenge,
        signed_at=clock.now().replace(microsecond=0).isoformat(),
    )
    return render(
        request,
        "referendums/certificate.html",
        {"form": form, "challenge": challenge, "example": text},
        status=400 if request.method == "POST" else 200,
    )
