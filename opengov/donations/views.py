"""Pages of political donations: who gave to whom (searchable in Chinese), recipients,
elections, donors with the money trail, transactions with their versions, findings with
evidence and citation (analysts mark them reviewed), imports with their progress."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from opengov.core.forms import form_status, submit

from . import charts, rules, runs, selectors, services, verification
from .forms import CorrectionsForm, DonationSearchForm, ElectionForm, ImportForm, ReviewForm
from .models import DonorKind, ImportRun, Office
from .permissions import is_analyst, visible_import_runs

PAGE_SIZE = 25


def _kind_chart(rows: list[dict[str, Any]], chart_id: str, title: str) -> Any:
    labelled = [
        (
            str(DonorKind(r["donor_kind"]).label),
            r["total"] or 0,
            f"NT${(r['total'] or 0):,} ({r['percent']}%)",
        )
        for r in rows
    ]
    description = "; ".join(f"{label}: {text}" for label, _v, text in labelled)
    return charts.bars(labelled, title=title, description=description, chart_id=chart_id)


def index(request: HttpRequest) -> HttpResponse:
    """Who gave to whom and how much, with a search."""
    form = DonationSearchForm(request.GET or None)
    term = form.cleaned_data["q"] if form.is_valid() else ""
    rows = Paginator(selectors.search_donations(term), PAGE_SIZE).get_page(request.GET.get("page"))
    kinds = selectors.totals_by_kind()
    return render(
        request,
        "donations/index.html",
        {
            "form": form,
            "term": term,
            "rows": rows,
            "givers": selectors.givers(limit=20) if not term else [],
            "kinds": kinds,
            "chart": _kind_chart(kinds, "kinds", _("Donations by kind of donor")),
            "recipients": selectors.recipients(term)[:50],
            "elections": selectors.elections()[:20],
            "analyst": is_analyst(request.user),
        },
    )


def recipient_page(request: HttpRequest, public_id: str) -> HttpResponse:
    """A candidate or party: income by kind, donors, findings, the companies behind the
    donations and the public contracts they hold."""
    recipient = selectors.recipient_by_public_id(public_id)
    if recipient is None:
        raise Http404
    kinds = selectors.totals_by_kind(recipient=recipient)
    return render(
        request,
        "donations/recipient.html",
        {
            "recipient": recipient,
            "kinds": kinds,
            "chart": _kind_chart(kinds, "kinds", _("Donations by kind of donor")),
            "givers": selectors.givers(recipient=recipient),
            "findings": selectors.findings(recipient=recipient)[:100],
            "companies": selectors.recipient_companies(recipient),
            "titles": verification.TITLES,
        },
    )


def election_page(request: HttpRequest, public_id: str) -> HttpResponse:
    """An election: its collection window, and what each recipient received."""
    election = selectors.election_by_public_id(public_id)
    if election is None:
        raise Http404
    kinds = selectors.totals_by_kind(election=election)
    return render(
        request,
        "donations/election.html",
        {
            "election": election,
            "window": verification.collection_window(election),
            "analyst": is_analyst(request.user),
            "kinds": kinds,
            "chart": _kind_chart(kinds, "kinds", _("Donations by kind of donor")),
            "givers": selectors.givers(election=election, limit=100),
        },
    )


def election_edit(request: HttpRequest, public_id: str) -> HttpResponse:
    """Set an election's office, vote date and collection window (analysts, as the API)."""
    election = selectors.election_by_public_id(public_id)
    if election is None or not is_analyst(request.user):
        raise Http404
    form = ElectionForm(
        request.POST or None,
        initial={
            "office": election.office,
            "vote_date": election.vote_date,
            "window_start": election.window_start,
            "window_end": election.window_end,
        },
    )
    done = submit(
        request,
        form,
        lambda data: services.election_update(actor=request.user, election=election, **data),
        then=reverse("donations:election", args=[election.public_id]),
        done=_("The election is saved."),
    )
    if done:
        return done
    return render(
        request,
        "donations/election_edit.html",
        {
            "election": election,
            "form": form,
            "months": [
                (Office(office).label, months)
                for office, months in rules.donation_rules().collection_window_months
                if office in Office.values
            ],
        },
        status=form_status(request),
    )


def donor_page(request: HttpRequest, business_number: str) -> HttpResponse:
    """A donor company: what it gave to whom, its directors and ultimate owners, the
    contracts it and its owners won (with red flags), and the findings about it."""
    number = business_number.strip()[:8]
    if not number.isdigit():
        raise Http404
    trail = selectors.company_trail(number)
    if not trail.gave_to and trail.organisation is None:
        raise Http404
    total = sum(g.total for g in trail.gave_to)
    chart_rows = [
        (g.recipient.name if g.recipient else "", g.total, f"NT${g.total:,}")
        for g in trail.gave_to[:15]
    ]
    return render(
        request,
        "donations/donor.html",
        {
            "trail": trail,
            "name": trail.name or (trail.gave_to[0].donor_name if trail.gave_to else number),
            "total": total,
            "chart": charts.bars(
                chart_rows,
                title=_("Donations by recipient"),
                description="; ".join(f"{a}: {c}" for a, _b, c in chart_rows),
                chart_id="given",
            ),
            "findings": selectors.findings(business_number=number)[:100],
            "titles": verification.TITLES,
        },
    )


def transaction_page(request: HttpRequest, public_id: str) -> HttpResponse:
    """One transaction as published: its flags, versions (with the differences), findings,
    and one click to the donor's trail."""
    tx = selectors.transaction_by_public_id(public_id)
    if tx is None:
        raise Http404
    return render(
        request,
        "donations/transaction.html",
        {
            "tx": tx,
            "versions": selectors.versions(tx),
            "findings": selectors.findings_for_transaction(tx),
            "titles": verification.TITLES,
        },
    )


def findings(request: HttpRequest) -> HttpResponse:
    """Findings of the verification rules, by rule."""
    rule = request.GET.get("rule", "")[:40]
    if rule and rule not in verification.TITLES:
        rule = ""
    rows = Paginator(selectors.findings(rule=rule), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "donations/findings.html",
        {"rows": rows, "rule": rule, "titles": sorted(verification.TITLES.items())},
    )


def finding_page(request: HttpRequest, public_id: str) -> HttpResponse:
    """One finding: the article, the evidence rows with their hashes, the confidence, the
    review."""
    finding = selectors.finding_by_public_id(public_id)
    if finding is None:
        raise Http404
    return render(
        request,
        "donations/finding.html",
        {
            "finding": finding,
            "title": verification.title(finding.rule),
            "form": ReviewForm() if is_analyst(request.user) else None,
        },
    )


def finding_review(request: HttpRequest, public_id: str) -> HttpResponse:
    """An analyst marks a finding reviewed with a note."""
    finding = selectors.finding_by_public_id(public_id)
    if finding is None or not is_analyst(request.user):
        raise Http404
    form = ReviewForm(request.POST or None)
    done = submit(
        request,
        form,
        lambda data: services.finding_review(
            actor=request.user, finding=finding, note=data["note"]
        ),
        then=reverse("donations:finding", args=[finding.public_id]),
        done=_("The finding is marked reviewed."),
    )
    if done:
        return done
    return render(
        request,
        "donations/finding.html",
        {"finding": finding, "title": verification.title(finding.rule), "form": form},
        status=form_status(request),
    )


def _upload_page(
    request: HttpRequest,
    *,
    form_class: type,
    start: Callable[..., ImportRun],
    kind: str,
    template: str,
    received: str,
) -> HttpResponse:
    """An analyst's upload page of a Control Yuan file (`start` is its service) with the runs
    of that kind so far; anyone else gets a 404."""
    if not is_analyst(request.user):
        raise Http404
    form = form_class(request.POST or None, request.FILES or None)

    def action(data: dict[str, Any]) -> ImportRun:
        upload = data["file"]
        return start(
            actor=request.user,
            filename=upload.name,
            data=upload.read(),
            election_name=data["election"],
        )

    done = submit(
        request,
        form,
        action,
        then=lambda run: reverse("donations:import", args=[run.public_id]),
        done=received,
    )
    if done:
        return done
    runs = visible_import_runs(request.user).filter(kind=kind).defer("data")
    return render(request, template, {"form": form, "runs": runs[:50]}, status=form_status(request))


def imports(request: HttpRequest) -> HttpResponse:
    """Upload a Control Yuan file (analysts), and the runs so far."""
    return _upload_page(
        request,
        form_class=ImportForm,
        start=services.import_start,
        kind=ImportRun.Kind.DETAIL,
        template="donations/imports.html",
        received=_("The file was received; its import has started."),
    )


def corrections(request: HttpRequest) -> HttpResponse:
    """Upload a Control Yuan correction list (analysts, as imports), and the lists so far."""
    return _upload_page(
        request,
        form_class=CorrectionsForm,
        start=services.corrections_start,
        kind=ImportRun.Kind.CORRECTIONS,
        template="donations/corrections.html",
        received=_("The correction list was received; it is being checked and applied."),
    )


def import_page(request: HttpRequest, public_id: str) -> HttpResponse:
    """One import: a progress bar while it runs, then its result and every unreadable row."""
    run = selectors.import_run_by_public_id(visible_import_runs(request.user), public_id)
    if run is None:
        raise Http404
    return render(request, "donations/import.html", {"run": run, "progress": runs.progress(run)})
