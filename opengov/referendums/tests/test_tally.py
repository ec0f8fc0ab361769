"""The verifiable tally: receipts, tampering, dropped leaves and forks are detected."""

from __future__ import annotations

import base64
import json

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction

from opengov.core import tlog
from opengov.referendums import selectors, services, tally, verify

from .conftest import esign

pytestmark = pytest.mark.django_db


@pytest.fixture
def signed(make_case, pki):
    case = make_case("collecting")
    receipts = [esign(pki, case, n)[1] for n in (2, 3, 4)]
    return case, receipts


def test_receipt_verifies_and_commits_to_the_statement(signed):
    _, receipts = signed
    result = verify.verify_receipt(receipts[0])
    assert result.ok, result.error
    assert "the leaf commits to the signed statement" in result.steps


def test_tampered_receipts_fail(signed):
    _, receipts = signed
    receipt = dict(receipts[1])
    leaf = base64.b64decode(receipt["leaf"]).replace(b"petition", b"proposal")
    bad_leaf = {**receipt, "leaf": base64.b64encode(leaf).decode()}
    assert not verify.verify_receipt(bad_leaf).ok
    bad_proof = {**receipt, "inclusion_proof": ["00" * 32] * len(receipt["inclusion_proof"])}
    assert not verify.verify_receipt(bad_proof).ok
    bad_index = {**receipt, "leaf_index": receipt["leaf_index"] + 1}
    assert not verify.verify_receipt(bad_index).ok
    other_statement = {**receipt, "statement": receipts[0]["statement"]}
    assert not verify.verify_receipt(other_statement).ok
    lines = receipt["checkpoint"].split("\n")
    lines[1] = str(int(lines[1]) + 1)
    forged_note = {**receipt, "checkpoint": "\n".join(lines)}
    assert not verify.verify_receipt(forged_note).ok
    stranger = tlog.signer_from_seed("stranger.example", b"\x01" * 32)
    assert not verify.verify_receipt(receipt, [stranger.verifier.vkey]).ok


def test_tampered_or_dropped_leaf_breaks_the_tally(signed):
    case, _ = signed
    latest = services.checkpoint_publish(case=case)
    keys = tally.verifier_keys(case.log_name)
    leaves = selectors.leaves(case)
    assert verify.verify_tally(leaves, latest.note, keys)[0].ok
    tampered = list(leaves)
    tampered[2] = tally.sign_leaf("petition", "ff" * 32)
    assert not verify.verify_tally(tampered, latest.note, keys)[0].ok
    dropped = leaves[:1] + leaves[2:]
    assert not verify.verify_tally(dropped, latest.note, keys)[0].ok


def test_consistency_between_checkpoints_and_a_fork_detected(signed, pki):
    case, _ = signed
    old = services.checkpoint_publish(case=case)
    esign(pki, case, 5)
    new = services.checkpoint_publish(case=case)
    keys = tally.verifier_keys(case.log_name)
    proof = [h.hex() for h in tlog.consistency_proof(case.log_name, old.size, new.size)]
    assert verify.verify_consistency(old.note, new.note, proof, keys).ok
    # a fork: the same log name rebuilt with another history, signed with the same key
    leaves = selectors.leaves(case)
    forked = [*leaves[: old.size - 1], tally.sign_leaf("petition", "ab" * 32), *leaves[old.size :]]
    root = tlog.root_hash([tlog.leaf_hash(d) for d in forked])
    note = tlog.sign_note(
        tlog.checkpoint_body(tlog.origin(case.log_name), len(forked), root),
        [tlog.log_signer(case.log_name)],
    )
    fork_proof = [
        h.hex()
        for h in tlog.consistency_proof_from_hashes([tlog.leaf_hash(d) for d in forked], old.size)
    ]
    assert not verify.verify_consistency(old.note, note, fork_proof, keys).ok
    assert not verify.verify_consistency(old.note, note, proof, keys).ok


def test_witness_cosigns_checkpoints(make_case, pki, settings):
    settings.REFERENDUM_WITNESS_KEY = base64.b64encode(b"\x07" * 32).decode()
    case = make_case("collecting")
    _, receipt = esign(pki, case, 2)
    assert len(receipt["verifier_keys"]) == 2
    result = verify.verify_receipt(receipt)
    assert result.ok and any(settings.REFERENDUM_WITNESS_NAME in s for s in result.steps)
    # a note without the witness's signature fails against both keys
    plain = tlog.sign_note(
        tlog.open_note(receipt["checkpoint"], [tlog.log_verifier(case.log_name)])[0],
        [tlog.log_signer(case.log_name)],
    )
    assert not verify.verify_receipt({**receipt, "checkpoint": plain}).ok


def test_command_line_verifier(signed, tmp_path, capsys):
    _, receipts = signed
    path = tmp_path / "receipt.json"
    path.write_text(json.dumps(receipts[0]))
    call_command("referendum_verify_receipt", str(path))
    assert "receipt verified" in capsys.readouterr().out
    broken = {**receipts[0], "leaf_index": receipts[0]["leaf_index"] + 1}
    path.write_text(json.dumps(broken))
    with pytest.raises(CommandError):
        call_command("referendum_verify_receipt", str(path))


def test_log_rows_are_the_leaves(signed):
    case, _ = signed
    report = tlog.verify_log(case.log_name, leaf_data=selectors.leaves(case))
    assert report.ok
    with transaction.atomic():
        tlog.append(case.log_name, b"an extra leaf no row knows")
    assert len(selectors.leaves(case)) == tlog.tree_size(case.log_name) - 1


def test_external_witness_adds_its_cosignature_through_the_api(make_case, pki, settings, client):
    case = make_case("collecting")
    esign(pki, case, 2)
    published = services.checkpoint_publish(case=case)
    witness = tlog.signer_from_seed("witness.cy.example", b"\x09" * 32)
    url = f"/api/v1/referendums/cases/{case.public_id}/checkpoint/witness"
    payload = {"size": published.size, "note": tlog.cosign_note(published.note, [witness])}
    assert client.post(url, payload, content_type="application/json").status_code == 404
    settings.REFERENDUM_WITNESS_VKEY = witness.verifier.vkey
    # a note signed only by the log (stripping signatures) or by another key is refused
    stranger = tlog.signer_from_seed("witness.cy.example", b"\x0a" * 32)
    for note in (published.note, tlog.cosign_note(published.note, [stranger])):
        response = client.post(
            url, {"size": published.size, "note": note}, content_type="application/json"
        )
        assert response.status_code == 422
    response = client.post(url, payload, content_type="application/json")
    assert response.status_code == 200
    published.refresh_from_db()
    _, names = tlog.open_note(published.note, [witness.verifier, tlog.log_verifier(case.log_name)])
    assert set(names) == {"witness.cy.example", tlog.origin(case.log_name)}
    receipt_keys = tally.verifier_keys(case.log_name)
    assert witness.verifier.vkey in receipt_keys
