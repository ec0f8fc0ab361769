"""The shared form-page shape: `core.forms.submit` and `form_status`."""

from __future__ import annotations

from django import forms
from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.backends.signed_cookies import SessionStore
from django.test import RequestFactory

from opengov.core.errors import ServiceError
from opengov.core.forms import ServiceErrorMixin, form_status, submit


class NameForm(ServiceErrorMixin, forms.Form):
    name = forms.CharField(max_length=10)
    field_aliases = {"title": "name"}


def _request(method: str, data: dict | None = None):
    request = getattr(RequestFactory(), method)("/x/", data or {})
    request.session = SessionStore()
    request._messages = FallbackStorage(request)
    return request


def test_a_valid_post_runs_the_action_and_redirects_with_a_message():
    request = _request("post", {"name": "台北"})
    form = NameForm(request.POST)
    seen = []
    response = submit(
        request, form, lambda data: seen.append(data) or 7, then=lambda n: f"/done/{n}/", done="OK"
    )
    assert response.status_code == 302 and response["Location"] == "/done/7/"
    assert seen == [{"name": "台北"}]
    assert [str(m) for m in get_messages(request)] == ["OK"]


def test_get_invalid_and_refused_posts_render_the_form_again():
    def refuse(data):
        raise ServiceError("taken", "That name is taken.", field="title")

    get = _request("get")
    assert submit(get, NameForm(), refuse, then="/") is None and form_status(get) == 200
    bad = _request("post", {"name": "x" * 20})
    form = NameForm(bad.POST)
    assert submit(bad, form, refuse, then="/") is None and "name" in form.errors
    refused = _request("post", {"name": "台北"})
    form = NameForm(refused.POST)
    assert submit(refused, form, refuse, then="/") is None
    assert form.errors["name"] == ["That name is taken."]  # through the form's aliases
    assert form_status(refused) == 400


def test_one_status_for_refused_forms_and_429_for_rate_limits():
    from opengov.core.errors import RateLimited
    from opengov.core.forms import mark_refused

    assert form_status(_request("get")) == 200
    invalid = _request("post", {"name": ""})
    assert submit(invalid, NameForm(invalid.POST), lambda data: None, then="/") is None
    assert form_status(invalid) == 400

    def refuse(data):
        raise ServiceError("taken", "Taken.", field="title")

    refused = _request("post", {"name": "a"})
    assert submit(refused, NameForm(refused.POST), refuse, then="/") is None
    assert form_status(refused) == 400

    def throttle(data):
        raise RateLimited("Slow down.", retry_after=60)

    limited = _request("post", {"name": "a"})
    assert submit(limited, NameForm(limited.POST), throttle, then="/") is None
    assert form_status(limited) == 429

    preview = _request("post", {"name": "a"})
    form = NameForm(preview.POST)
    assert form.is_valid() and form_status(preview, form) == 200  # a preview, not a refusal
    mark_refused(preview, RateLimited("Slow down.", retry_after=1))
    assert form_status(preview, form) == 429


def test_every_app_uses_the_one_status(client, citizen):
    """A refused form on pages of different apps answers the same status."""
    client.force_login(citizen)
    for url, data in (
        ("/accounts/profile/", {"display_name": ""}),
        ("/accounts/profile/close/", {"password": "wrong", "confirm": "on"}),
        ("/accounts/login/", {"email": "not-an-address", "password": "x"}),
    ):
        assert client.post(url, data).status_code == 400, url
