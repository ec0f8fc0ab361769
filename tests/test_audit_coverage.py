"""Every write is audited, with a verb from the one registry, in the past tense.

`tools.audit_coverage` reads the source of every app; the registry is `core.audit`, filled
by each app's `audit_events.py`.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from django.db import transaction

from opengov.core import audit
from tools.audit_coverage import Analysis, analyse

PACKAGE = Path(__file__).resolve().parent.parent / "opengov"

#: public services that write without an audit event, and why that is right
NOT_AUDITED = {
    "opengov.core.services.outbox_erase": (
        "erases an account's messages inside the account's closure, which records user.closed"
    ),
    "opengov.proposals.services.following.forget_notice_choices": (
        "a receiver of the account's closure (user.closed): forgets its notice choices"
    ),
    "opengov.spaces.services.forget_statements": (
        "a receiver of the account's closure (user.closed): erases the account's participation "
        "statement and space roles"
    ),
    "opengov.procurement.services.store_releases": (
        "the import's chunk writer: the caller (releases_store, notices_import or the import "
        "job) checks permission and records procurement.releases_imported/_stored in the same "
        "transaction"
    ),
    "opengov.procurement.services.compile_records": (
        "compiles records inside store_releases, whose caller records the import"
    ),
    "opengov.procurement.services.store_compiled": (
        "the record-package chunk writer of the import job, which records "
        "procurement.releases_imported in the same transaction"
    ),
    "opengov.open_data.services.download_count": "a download counter, not an action",
    "opengov.opinions.services.vote_cast": (
        "a vote is the participant's opinion, kept in its own row and published only in "
        "aggregate by the opinion map (opinions.map_published); a leaf per vote would tie "
        "a pseudonym to each opinion in a log that can never be erased"
    ),
    "opengov.referendums.services.signature_submit": (
        "each signature is a leaf of the case's own transparency log, with the signer's "
        "receipt; the audit log would tie a pseudonym to a political petition for ever"
    ),
    "opengov.referendums.services.checkpoint_publish": (
        "publishes a signed checkpoint of the case's log: the checkpoint is itself the record"
    ),
    "opengov.referendums.services.receipt_for": (
        "a signer's receipt; writes only through checkpoint_publish"
    ),
    "opengov.referendums.services.checkpoint_witness": (
        "adds a witness's verified co-signature to a published checkpoint, which is the record"
    ),
}


@pytest.fixture(scope="module")
def analysis() -> Analysis:
    return analyse(PACKAGE)


def test_every_public_service_that_writes_records_an_audit_event(analysis):
    unaudited = {f"{f.module}.{f.name}": f for f in analysis.unaudited_writes()}
    missing = sorted(set(unaudited) - set(NOT_AUDITED))
    assert not missing, (
        "these services write without audit.record(): record a registered verb, or add "
        f"them to NOT_AUDITED with the reason: {missing}"
    )
    stale = sorted(set(NOT_AUDITED) - set(unaudited))
    assert not stale, f"NOT_AUDITED names services that no longer need it: {stale}"


def test_the_check_sees_a_service_that_forgets_its_audit_event():
    services = """
from django.db import transaction
from opengov.core import audit
from . import helpers
from .helpers import audited_write

def thing_create(*, actor, name):
    return Thing.objects.create(name=name)

def thing_rename(*, actor, thing, name):
    thing.name = name
    thing.save()
    audit.record(actor=actor, verb="thing.renamed", target=thing)

def thing_delete(*, actor, thing):
    helpers.remove(thing)

def thing_tag(*, actor, thing, tags):
    thing.tags.set(tags)

def thing_archive(*, actor, thing):
    audited_write(thing)

def thing_count(*, names):
    counts = {}
    counts.update({n: 1 for n in names})
    seen = set()
    seen.add(1)
    return counts

def _private_write(thing):
    thing.save()
"""
    helpers = """
from opengov.core import audit

def remove(thing):
    Thing.objects.filter(pk=thing.pk).update(deleted=True)

def audited_write(thing):
    thing.save()
    audit.record(actor=None, verb="thing.archived", target=thing)
"""
    analysis = Analysis(
        [
            ("opengov.things.services", services, False),
            ("opengov.things.helpers", helpers, False),
        ]
    )
    flagged = {f.name for f in analysis.unaudited_writes()}
    assert flagged == {"thing_create", "thing_delete", "thing_tag"}


def test_services_in_a_package_are_checked_through_its_reexports():
    init = "from .tokens import token_create\n"
    tokens = "def token_create(*, actor):\n    return Token.objects.create()\n"
    views_like = (
        "from opengov.things import services\n"
        "def thing_page(*, actor):\n    return services.token_create(actor=actor)\n"
    )
    analysis = Analysis(
        [
            ("opengov.things.services", init, True),
            ("opengov.things.services.tokens", tokens, False),
            ("opengov.things.pages", views_like, False),
        ]
    )
    assert {f"{f.module}.{f.name}" for f in analysis.unaudited_writes()} == {
        "opengov.things.services.tokens.token_create"
    }
    assert analysis.writes("opengov.things.pages", "thing_page")


def _literal_verbs() -> dict[str, str]:
    """Every verb written as a literal in an `audit.record(verb=...)` call, with its file."""
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        if {"tests", "migrations"} & set(path.relative_to(PACKAGE).parts):
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Call) and getattr(node.func, "attr", None) == "record":
                for keyword in node.keywords:
                    if keyword.arg == "verb" and not isinstance(keyword.value, ast.JoinedStr):
                        for sub in ast.walk(keyword.value):
                            if isinstance(sub, ast.Constant) and isinstance(sub.value, str):
                                found[sub.value] = str(path.relative_to(PACKAGE))
    return found


def test_every_verb_recorded_in_the_source_is_registered():
    literal = _literal_verbs()
    assert len(literal) > 100
    unregistered = {verb: where for verb, where in literal.items() if verb not in audit.verbs()}
    assert not unregistered, f"declare these in the app's audit_events.py: {unregistered}"


def test_registered_verbs_are_in_the_past_tense():
    registered = audit.verbs()
    assert len(registered) > 100
    wrong = {
        name: audit.verb_problem(name)
        for name in registered
        if audit.verb_problem(name) and not name.startswith("test.")
    }
    assert not wrong


def test_old_verbs_map_to_registered_ones():
    legacy = audit.legacy_verbs()
    assert legacy["proposal.create"] == "proposal.created"
    assert legacy["registry.organisation_create"] == "registry.organisation_created"
    for old, new in legacy.items():
        assert old not in audit.verbs()
        assert old in audit.verbs()[new].legacy
        assert audit.current_verb(old) == new
        assert old in audit.stored_verbs(new)


@pytest.mark.parametrize(
    "name",
    [
        "proposal.create",
        "Proposal.Created",
        "proposal",
        "proposal.created.",
        "referendum.litigation",
    ],
)
def test_a_verb_not_in_the_past_tense_cannot_be_registered(name):
    assert audit.verb_problem(name)
    with pytest.raises(ValueError):
        audit.register_verbs("elsewhere", name)


def test_a_verb_cannot_belong_to_two_apps():
    with pytest.raises(ValueError, match="registered by proposals and elsewhere"):
        audit.register_verbs("elsewhere", "proposal.created")


def test_a_new_app_registers_its_verbs_in_one_call():
    audit.register_verbs("procurement_example", "procurement_example.releases_imported")
    assert audit.verbs()["procurement_example.releases_imported"].app == "procurement_example"


@pytest.mark.django_db
def test_record_refuses_an_unregistered_verb():
    with transaction.atomic(), pytest.raises(audit.UnregisteredVerb):
        audit.record(actor=None, verb="proposal.create")


@pytest.mark.django_db
def test_events_stored_under_an_old_name_show_and_filter_under_the_new(client, monkeypatch):
    # an event written before the rename, by the code of that time
    monkeypatch.setitem(audit._VERBS, "proposal.pass", audit.Verb("proposal.pass", "proposals"))
    with transaction.atomic():
        audit.record(actor=None, verb="proposal.pass", public=True)
    monkeypatch.undo()
    with transaction.atomic():
        audit.record(actor=None, verb="proposal.passed", public=True)
        audit.record(actor=None, verb="proposal.published", public=True)

    page = client.get("/activity/", {"verb": "proposal.passed"}).content.decode()
    assert page.count("<strong>proposal.passed</strong>") == 2
    assert "proposal.published</strong>" not in page
    assert "<strong>proposal.pass</strong>" not in page
    by_old_name = client.get("/activity/", {"verb": "proposal.pass"}).content.decode()
    assert by_old_name.count("<strong>proposal.passed</strong>") == 2
    everything = client.get("/activity/", {"verb": "no.such_verb"}).content.decode()
    assert everything.count("<strong>proposal.") == 3


def test_a_refused_registration_registers_nothing():
    with pytest.raises(ValueError, match="is a current verb"):
        audit.register_verbs(
            "elsewhere",
            "elsewhere.thing_created",
            legacy={"proposal.created": "elsewhere.thing_created"},
        )
    assert "elsewhere.thing_created" not in audit.verbs()
    assert audit.current_verb("proposal.created") == "proposal.created"
