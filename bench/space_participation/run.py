"""Benchmark: participation by group on a space's page, for a space with many participants.

A space with one published proposal co-signed by N people (default 100,000), of whom 30 %
stated age band, gender, new-immigrant, indigenous or Hakka identity and place, is built in a
fresh SQLite database (or in DATABASE_URL: point it at an empty PostgreSQL database). Rows are
bulk-inserted (setup, not measured). It then times `spaces.selectors.participation(space)`:
the participant count (one database count over the co-signers and commenters), the
statements read as tuples, the audience test and the five dimensions with small-cell
suppression.

The reference, measured in the same run: one raw SQL query grouping the same statements by
age band among the same co-signers (the least work any answer needs). It prints the median of
5 runs of each and their ratio.

    .venv/bin/python bench/space_participation/run.py
    .venv/bin/python bench/space_participation/run.py --participants 20000
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def setup_django(database_url: str) -> None:
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "opengov.settings")
    os.environ["OPENGOV_RATE_LIMITS_ENABLED"] = "false"
    os.environ.setdefault("DEBUG", "false")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def build(participants: int) -> object:
    """The space, its proposal, the co-signers and their statements."""
    import random

    from django.core.management import call_command

    from opengov.accounts import services as accounts
    from opengov.accounts.models import Agency, User
    from opengov.core import clock
    from opengov.proposals.models import Proposal, Signature, Status
    from opengov.spaces import services
    from opengov.spaces.models import AgeBand, Gender, ParticipantStatement, Place, Space

    call_command("migrate", verbosity=0)
    space = Space.objects.filter(slug="bench").first()
    if space is not None:
        return space
    now = clock.now()
    agency = Agency.objects.filter(code="bench").first() or accounts.agency_create(
        actor=None, code="bench", name_zh_hant="測試機關", name_en="Bench"
    )
    operator = User.objects.create(
        email="bench-operator@example.org",
        display_name="operator",
        is_moderator=True,
        date_joined=now,
    )
    space = services.space_create(
        actor=operator,
        slug="bench",
        name="測試空間",
        kind="commitment",
        host_agency=agency,
        audience="youth",
    )
    services.space_publish(actor=operator, space=space)
    proposal = Proposal.objects.create(
        proposer=operator,
        title="測試提案",
        content="c",
        benefits="b",
        status=Status.PUBLISHED,
        created_at=now,
        updated_at=now,
        published_at=now,
        cosign_deadline=now,
        threshold=5000,
        space="bench",
    )
    User.objects.bulk_create(
        [
            User(email=f"p{i}@example.org", display_name=f"p{i}", date_joined=now)
            for i in range(participants)
        ],
        batch_size=5000,
    )
    people = list(User.objects.filter(email__startswith="p").values_list("pk", flat=True))
    Signature.objects.bulk_create(
        [Signature(proposal=proposal, signer_id=pk, created_at=now) for pk in people],
        batch_size=5000,
    )
    rng = random.Random(0)
    places = list(Place.objects.values_list("pk", flat=True))
    ParticipantStatement.objects.bulk_create(
        [
            ParticipantStatement(
                user_id=pk,
                age_band=rng.choice(AgeBand.values),
                gender=rng.choice(["", *Gender.values]),
                new_immigrant=rng.choice([None, True, False]),
                indigenous=rng.choice([None, True, False]),
                hakka=rng.choice([None, True, False]),
                place_id=rng.choice(places),
                updated_at=now,
            )
            for pk in people
            if rng.random() < 0.3
        ],
        batch_size=5000,
    )
    return space


def median_seconds(run, repeat: int = 5) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        run()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--participants", type=int, default=100_000)
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL") or (
        "sqlite:///" + str(Path(tempfile.mkdtemp(prefix="bench-spaces-")) / "db.sqlite3")
    )
    setup_django(url)
    from django.db import connection

    from opengov.spaces import selectors

    space = build(args.participants)
    reference_sql = (
        "SELECT s.age_band, COUNT(*) FROM spaces_participantstatement s "
        "WHERE s.user_id IN (SELECT g.signer_id FROM proposals_signature g "
        "JOIN proposals_proposal p ON p.id = g.proposal_id WHERE p.space = %s) "
        "GROUP BY s.age_band"
    )

    def reference() -> None:
        with connection.cursor() as cursor:
            cursor.execute(reference_sql, ["bench"])
            cursor.fetchall()

    def measured() -> None:
        selectors.participation(space)

    reference()
    measured()  # warm the caches of both
    ref = median_seconds(reference)
    got = median_seconds(measured)
    data = selectors.participation(space)
    print(f"participants: {data.total:,} (in the audience: {data.in_audience:,})")
    print(f"participation(space): {got * 1000:.1f} ms (median of 5)")
    print(f"reference, one grouped SQL count: {ref * 1000:.1f} ms (median of 5)")
    print(f"ratio: {got / ref:.1f}x the reference")


if __name__ == "__main__":
    main()
