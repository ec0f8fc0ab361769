"""i171 award too close to the estimate (DevGateway, OCP guide)."""
# ruff: noqa: S608 - SQL from constants and profile values quoted by sql_list/sql_number

from django.utils.translation import gettext_lazy as _

from ..base import DEVGATEWAY, FlagDefinition, SqlFlag, sql_number


def query(rules) -> str:
    maximum = sql_number(float(rules.i171_max_difference))
    return f"""
    WITH awards AS (
        SELECT DISTINCT a.ocid, a.award_id, a.amount, a.currency, r.estimate_amount,
               abs(a.amount - r.estimate_amount) / r.estimate_amount AS difference
        FROM fl_award a JOIN fl_release r USING (ocid)
        WHERE a.status = 'active' AND a.amount IS NOT NULL AND r.estimate_amount > 0
          AND a.currency = r.estimate_currency
    )
    SELECT ocid, 'process', ocid, to_json({{
        estimate: any_value(estimate_amount), currency: any_value(currency),
        awards: list({{award_id: award_id, amount: amount, difference: difference}}
                     ORDER BY award_id),
        max_difference: {maximum}
    }})
    FROM awards WHERE difference <= {maximum}
    GROUP BY ocid ORDER BY ocid
    """


FLAG = SqlFlag(
    definition=FlagDefinition(
        code="i171",
        title=_("Award too close to the estimate"),
        definition=_(
            "An active award's value is within a small share (1 % by default) of the "
            "estimated value of the tender (tender.value), in the same currency."
        ),
        source=DEVGATEWAY.format(code="i171"),
        subject="process",
        thresholds=("i171_max_difference",),
    ),
    query=query,
)
