"""Matching individual donors whose ID numbers are masked in the published data
(A12345****): records that may be the same person are linked probabilistically on name,
masked ID and address with splink on DuckDB (no extension installed, nothing fetched), and
each cluster keeps the lowest match probability inside it as its score.

The m and u probabilities are set, not trained, so that a small filing gives the same answer
as a large one: agreement on the full name and on the masked ID is strong evidence, on the
address supporting evidence (the values are the profile's `person_match_score` threshold and
the comparisons below).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass

import duckdb
import pyarrow as pa


@dataclass(frozen=True)
class PersonRecord:
    """One individual donor as a filing names them."""

    id: int
    name: str  # normalised
    masked_id: str
    address: str


def _settings():  # splink is heavy to import: only when matching runs
    import splink.comparison_library as cl
    from splink import SettingsCreator, block_on

    return SettingsCreator(
        link_type="dedupe_only",
        unique_id_column_name="unique_id",
        probability_two_random_records_match=0.001,
        comparisons=[
            cl.ExactMatch("name").configure(
                m_probabilities=[0.95, 0.05], u_probabilities=[0.0005, 0.9995]
            ),
            cl.ExactMatch("masked_id").configure(
                m_probabilities=[0.97, 0.03], u_probabilities=[0.001, 0.999]
            ),
            cl.LevenshteinAtThresholds("address", [3]).configure(
                m_probabilities=[0.7, 0.2, 0.1], u_probabilities=[0.002, 0.01, 0.988]
            ),
        ],
        blocking_rules_to_generate_predictions=[block_on("name"), block_on("masked_id")],
        retain_intermediate_calculation_columns=False,
    )


def match(records: Iterable[PersonRecord], *, threshold: float) -> dict[int, tuple[str, float]]:
    """record id -> (person key, score): records in one cluster share the key; the score is
    the lowest pairwise match probability that joined the cluster (1.0 alone)."""
    from splink import DuckDBAPI, Linker

    rows = [r for r in records if r.name]
    result: dict[int, tuple[str, float]] = {}
    if not rows:
        return result
    con = duckdb.connect(":memory:")
    con.register(
        "_people",
        pa.table(
            {
                "unique_id": pa.array([r.id for r in rows], pa.int64()),
                "name": pa.array([r.name for r in rows], pa.string()),
                "masked_id": pa.array([r.masked_id or None for r in rows], pa.string()),
                "address": pa.array([r.address or None for r in rows], pa.string()),
            }
        ),
    )
    con.execute("CREATE TABLE people AS SELECT * FROM _people")
    con.unregister("_people")
    db_api = DuckDBAPI(connection=con)
    linker = Linker(db_api.register("people"), _settings(), log_level=logging.WARNING)
    predictions = linker.inference.predict(threshold_match_probability=threshold)
    clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(
        predictions, threshold_match_probability=threshold
    )
    cluster_of = {
        int(uid): str(cid)
        for uid, cid in con.execute(
            f"SELECT unique_id, cluster_id FROM {clusters.physical_name}"  # noqa: S608
        ).fetchall()
    }
    worst: dict[str, float] = {}
    for left, right, probability in con.execute(
        f"SELECT unique_id_l, unique_id_r, match_probability FROM {predictions.physical_name}"  # noqa: S608
    ).fetchall():
        cluster = cluster_of.get(int(left))
        if cluster is not None and cluster == cluster_of.get(int(right)):
            worst[cluster] = min(worst.get(cluster, 1.0), float(probability))
    for r in rows:
        cluster = cluster_of.get(r.id, str(r.id))
        result[r.id] = (f"p:{cluster}", round(worst.get(cluster, 1.0), 6))
    con.close()
    return result
