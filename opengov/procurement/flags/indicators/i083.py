"""i083 winner rotation: the same group of bidders, taking turns to win (DevGateway, OCP guide)."""
# ruff: noqa: S608 - SQL from constants and profile values quoted by sql_list/sql_number

from django.utils.translation import gettext_lazy as _

from ..base import DEVGATEWAY, FlagDefinition, SqlFlag, sql_number


def query(rules) -> str:
    minimum = sql_number(int(rules.i083_minimum_processes))
    return f"""
    WITH groups AS MATERIALIZED (
        -- processes with one winner, keyed by the exact set of their tenderers (2 or more)
        SELECT f.ocid, any_value(f.winner_key) AS winner_key,
               list_sort(list_distinct(list(b.tenderer_key))) AS bidders
        FROM fl_final f JOIN fl_submitted b ON b.ocid = f.ocid
        WHERE f.winner_key IS NOT NULL AND b.tenderer_key IS NOT NULL
        GROUP BY f.ocid
        HAVING min(b.tenderer_key) <> max(b.tenderer_key)
    ), rotating AS (
        SELECT bidders, count(*) AS processes, min(winner_key) <> max(winner_key) AS rotates
        FROM groups GROUP BY bidders
        HAVING count(*) >= {minimum} AND min(winner_key) <> max(winner_key)
    ), rounds AS (
        SELECT g.bidders, any_value(r.processes) AS processes,
               count(DISTINCT g.winner_key) AS winners,
               list({{ocid: g.ocid, winner: g.winner_key}} ORDER BY g.ocid) AS rounds
        FROM groups g JOIN rotating r USING (bidders) GROUP BY g.bidders
    )
    SELECT g.ocid, 'process', g.ocid, to_json({{
        bidders: r.bidders, winner: g.winner_key, processes: r.processes,
        distinct_winners: r.winners, rounds: r.rounds, minimum_processes: {minimum}
    }})
    FROM groups g JOIN rounds r USING (bidders)
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
