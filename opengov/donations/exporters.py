"""Open data published by the donations app: every transaction as the Control Yuan published
it (an individual's ID only as masked there, individuals' addresses left out), with the flags
of what is wrong and the SHA-256 of each row; and the findings of the verification rules with
their article, evidence and confidence."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.utils.translation import gettext_lazy as _

from opengov.core.exporters import Exporter, ExportField, latest_in, register


def _transaction_rows() -> Iterator[dict[str, Any]]:
    from . import serializers
    from .models import Transaction

    qs = Transaction.objects.select_related("filing__recipient", "filing__election").order_by("id")
    for tx in qs.iterator(chunk_size=2000):
        row = serializers.transaction(tx)
        row["flags"] = " ".join(row["flags"])
        yield row


def _finding_rows() -> Iterator[dict[str, Any]]:
    from . import serializers
    from .models import Finding

    for f in Finding.objects.select_related("recipient").filter(current=True).order_by("id"):
        row = serializers.finding(f)
        row["row_hashes"] = " ".join(t["row_hash"] for t in f.evidence.get("transactions", []))
        yield row


def _tx_changed():
    from .models import TransactionVersion

    return latest_in(TransactionVersion.objects.all(), "created_at")


def _finding_changed():
    from .models import Finding

    return latest_in(Finding.objects.all(), "detected_at", "reviewed_at")


register(
    Exporter(
        slug="donations-transactions",
        app_label="donations",
        title=_("Political donations and expenditures"),
        description=_(
            "Every income and expenditure row of the candidates' and parties' filings as the "
            "Control Yuan published them: recipient, election, date, account, donor or payee, "
            "business number, ID as masked in the source, amounts, how given, what is wrong "
            "with the row (broken business number, masked ID, anonymous donor) and the SHA-256 "
            "of the row as published."
        ),
        fields=(
            ExportField("id", "string", _("Public identifier")),
            ExportField("recipient", "string", _("Candidate or party")),
            ExportField("recipient_id", "string", _("Public identifier of the recipient")),
            ExportField("election", "string", _("Election")),
            ExportField("filing", "string", _("Filing serial or year")),
            ExportField("line", "string", _("Serial in the filing")),
            ExportField("date", "date", _("Date")),
            ExportField("date_as_published", "string", _("Date as published (Minguo)")),
            ExportField("account", "string", _("Account (收支科目)")),
            ExportField("donor_kind", "string", _("Kind of donor")),
            ExportField("donor", "string", _("Donor or payee")),
            ExportField("business_number", "string", _("Unified business number (when valid)")),
            ExportField("id_as_published", "string", _("ID or business number as published")),
            ExportField("income", "integer", _("Income (NT$)")),
            ExportField("expenditure", "integer", _("Expenditure (NT$)")),
            ExportField("method", "string", _("How given")),
            ExportField("address", "string", _("Address (organisations only)")),
            ExportField("flags", "string", _("What is wrong with the row")),
            ExportField("row_hash", "string", _("SHA-256 of the row as published")),
            ExportField("version", "integer", _("Version (after corrections)")),
            ExportField("correction", "string", _("Correction note")),
        ),
        rows=_transaction_rows,
        keywords=("political donations", "Control Yuan"),
        last_changed=_tx_changed,
    )
)

register(
    Exporter(
        slug="donations-findings",
        app_label="donations",
        title=_("Findings on political donations"),
        description=_(
            "What the verification rules found in the published filings: the rule and the "
            "article of the Political Donations Act it enforces, recipient, donor, amount and "
            "limit, the hashes of the rows it rests on, how sure it is (exact, approximate "
            "person match with its score, or a statistical screen) and whether an analyst "
            "reviewed it."
        ),
        fields=(
            ExportField("id", "string", _("Public identifier")),
            ExportField("rule", "string", _("Rule")),
            ExportField("article", "string", _("Article enforced")),
            ExportField("recipient", "string", _("Candidate or party")),
            ExportField("donor", "string", _("Donor")),
            ExportField("business_number", "string", _("Unified business number")),
            ExportField("amount", "integer", _("Amount at issue (NT$)")),
            ExportField("limit", "integer", _("Limit (NT$)")),
            ExportField("summary", "string", _("Summary")),
            ExportField("confidence", "string", _("Confidence")),
            ExportField("score", "number", _("Match score")),
            ExportField("row_hashes", "string", _("SHA-256 of the evidence rows")),
            ExportField("reviewed", "boolean", _("Reviewed by an analyst")),
            ExportField("review_note", "string", _("Review note")),
        ),
        rows=_finding_rows,
        keywords=("political donations", "integrity"),
        last_changed=_finding_changed,
    )
)
