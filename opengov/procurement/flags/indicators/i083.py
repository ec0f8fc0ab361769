"""i083 winner rotation: the same group of bidders, taking turns to win (DevGateway, OCP guide)."""
# ruff: noqa: S608 - SQL from constants and profile values quoted by sql_list/sql_number

from django.utils.translation import gettext_lazy as _

from ..base import DEVGATEWAY, FlagDefinition, SqlFlag, sql_number


def query(rules) -> str:
    minimum = sql_number(int(rules.i083_minimum_processes))
    return f"""
    WITH groups AS (
        -- processes with one winner, keyed by the exact set of their tenderers (2 or more)
        SELECT f.ocid, f.winner_key, list_sort(list(DISTINCT b.tenderer_key)) AS bidders
        FROM fl_final f JOIN fl_submitted b ON b.ocid = f.ocid
        WHERE f.winner_key IS NOT NULL AND b.tenderer_key IS NOT NULL
        GROUP BY f.ocid, f.winner_key
        HAVING count(DISTINCT b.tenderer_key) >= 2
    ), rotating AS (
        SELECT bidders, count(*) AS processes, count(DISTINCT winner_key) AS winners,
               list({{ocid: ocid, winner: winner_key}} ORDER BY ocid) AS rounds
        FROM groups GROUP BY bidders
        HAVING count(*) >= {minimum} AND count(DISTINCT winner_key) >= 2
    )
    SELECT g.ocid, 'process', g.ocid, to_json({{
        bidders: r.bidders, winner: g.winner_key, processes: r.processes,
        distinct_winners: r.winners, rounds: r.rounds, minimum_processes: {minimum}
    }})
    FROM groups g JOIN rotating r USING (bidders)
    ORDER BY g.ocid
    """


FLAG = SqlFlag(
    definition=FlagDefinition(
        code="i083",
        title=_("Winner rotation"),
        definition=_(
            "The same group of tenderers (exactly the same set, 2 or more) bid against each "
            "other in at least a minimum number of processes (3 by default), and the winner "
            "changes among them: the losers of one process win another."
        ),
        source=DEVGATEWAY.format(code="i083"),
        subject="process",
        thresholds=("i083_minimum_processes",),
    ),
    query=query,
)
