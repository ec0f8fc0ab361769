"""OCDS releases for tests: small, hand-made, with Chinese text and markup in names."""

from __future__ import annotations

from typing import Any

PREFIX = "ocds-kj3ygj"


def party(pid: str, name: str, roles: list[str], number: str = "") -> dict[str, Any]:
    """An OCDS party; `number` is the unified business number."""
    p: dict[str, Any] = {"id": pid, "name": name, "roles": roles}
    if number:
        p["identifier"] = {"scheme": "TW-MOEA", "id": number, "legalName": name}
    return p


def release(
    ocid: str,
    *,
    rid: str = "1",
    date: str = "2024-01-10T00:00:00+08:00",
    tag: tuple[str, ...] = ("award",),
    category: str = "works",
    amount: float | int | None = 250_000_000,
    currency: str = "TWD",
    supplier: tuple[str, str] = ("53212539", "<b>大同</b>營造股份有限公司"),
    start: str | None = "2024-02-01",
    end: str | None = "2025-01-31",
    buyer: tuple[str, str] = ("A.1", "交通部公路局"),
    contract_status: str = "active",
    **extra: Any,
) -> dict[str, Any]:
    """An award-and-contract release of one process."""
    supplier_id = f"TW-MOEA-{supplier[0]}"
    period: dict[str, str] = {}
    if start:
        period["startDate"] = f"{start}T00:00:00+08:00"
    if end:
        period["endDate"] = f"{end}T23:59:59+08:00"
    contract: dict[str, Any] = {
        "id": f"{ocid}-c1",
        "awardID": f"{ocid}-a1",
        "title": "道路改善工程",
        "status": contract_status,
        "period": period,
    }
    if amount is not None:
        contract["value"] = {"amount": amount, "currency": currency}
    data = {
        "ocid": ocid,
        "id": rid,
        "date": date,
        "tag": list(tag),
        "initiationType": "tender",
        "parties": [
            party(buyer[0], buyer[1], ["buyer", "procuringEntity"]),
            party(supplier_id, supplier[1], ["supplier", "tenderer"], supplier[0]),
        ],
        "buyer": {"id": buyer[0], "name": buyer[1]},
        "tender": {
            "id": f"{ocid}-t",
            "title": "<script>x</script>道路改善工程",
            "mainProcurementCategory": category,
            "procurementMethod": "open",
        },
        "awards": [
            {
                "id": f"{ocid}-a1",
                "status": "active",
                "date": date,
                "suppliers": [{"id": supplier_id, "name": supplier[1]}],
                **({"value": {"amount": amount, "currency": currency}} if amount else {}),
            }
        ],
        "contracts": [contract],
    }
    data.update(extra)
    return data
