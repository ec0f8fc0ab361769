"""In Chromium: the receipt verifier checks a receipt with the browser's own WebCrypto."""

from __future__ import annotations

import json

import pytest

from .conftest import esign

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_browser_verifies_a_receipt_and_catches_a_forgery(page, make_case, pki):
    case = make_case("collecting")
    _, receipt = esign(pki, case, 2)
    page.goto(page.url_for("/referendums/verify/"))
    page.fill("#id_receipt", json.dumps(receipt))
    page.click("#receipt-form button[type=submit]")
    verdict = page.locator("#receipt-result [data-verdict]")
    verdict.wait_for()
    assert verdict.get_attribute("data-verdict") == "ok", page.inner_text("#receipt-result")
    steps = page.inner_text("#receipt-result")
    assert "included in the tree" in steps
    assert "commits to the signed statement" in steps
    # Ed25519 in WebCrypto where the browser has it; said plainly where it does not
    assert "checkpoint signed by" in steps or "no Ed25519" in steps
    assert page.url.endswith("/referendums/verify/")  # checked here, not by the server

    tampered = dict(receipt, leaf_index=receipt["leaf_index"] + 1)
    page.fill("#id_receipt", json.dumps(tampered))
    page.click("#receipt-form button[type=submit]")
    page.wait_for_function(
        "document.querySelector('#receipt-result [data-verdict]')"
        " && document.querySelector('#receipt-result [data-verdict]').dataset.verdict === 'fail'"
    )

    lines = receipt["checkpoint"].split("\n")
    lines[1] = str(int(lines[1]) + 1)  # a checkpoint whose text no longer matches its signature
    forged = dict(receipt, checkpoint="\n".join(lines))
    page.fill("#id_receipt", json.dumps(forged))
    page.click("#receipt-form button[type=submit]")
    page.wait_for_function(
        "document.querySelector('#receipt-result [data-verdict]')"
        " && document.querySelector('#receipt-result [data-verdict]').dataset.verdict === 'fail'"
    )


def test_case_page_fits_a_phone(phone_page, make_case, pki):
    case = make_case("collecting")
    esign(pki, case, 2)
    phone_page.goto(phone_page.url_for(f"/referendums/{case.public_id}/"))
    width = phone_page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360
