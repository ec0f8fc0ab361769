"""The demo: a case at each stage, loaded through the services, twice without harm."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from opengov.referendums import rules
from opengov.referendums.models import Case

pytestmark = pytest.mark.django_db


def test_demo_has_a_case_at_each_stage(settings):
    settings.REFERENDUM_TRUST_ROOTS = []
    call_command("load_demo", stdout=io.StringIO())
    stages = {rules.case_stage(case).stage for case in Case.objects.all()}
    assert stages == set(rules.STAGES)
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    assert "referendums: demo already loaded" in out.getvalue()
    assert Case.objects.count() == len(rules.STAGES)
