"""Seed the OGP policy-area taxonomy (editable afterwards in the admin).

Source: OGP Support Unit policy areas, as listed in docs (participation.md).
"""

from django.db import migrations

POLICY_AREAS = [
    ("access-to-justice", "司法近用", "Access to justice"),
    ("anti-corruption", "反貪腐機構與策略", "Anti-corruption institutions and strategies"),
    ("asset-disclosure", "財產申報", "Asset disclosure"),
    ("beneficial-ownership", "實質受益人", "Beneficial ownership"),
    ("civic-space", "公民空間", "Civic space"),
    ("climate", "氣候（財務、減緩與調適）", "Climate (finance, mitigation and adaptation)"),
    ("conflicts-of-interest", "利益衝突", "Conflicts of interest"),
    ("data-stewardship-privacy", "資料治理與隱私", "Data stewardship and privacy"),
    ("digital-governance", "數位治理", "Digital governance"),
    ("fiscal-openness", "財政透明", "Fiscal openness"),
    ("gender-inclusion", "性別與包容", "Gender and inclusion"),
    ("lobbying", "遊說", "Lobbying"),
    ("open-contracting", "開放契約", "Open contracting"),
    ("open-parliaments", "開放國會", "Open parliaments"),
    ("people-with-disabilities", "身心障礙者", "People with disabilities"),
    ("political-finance", "政治獻金", "Political finance"),
    ("public-participation", "公共參與", "Public participation"),
    ("public-service-delivery", "公共服務提供", "Public service delivery"),
    ("right-to-information", "資訊近用權", "Right to information"),
    ("social-accountability", "社會課責", "Social accountability"),
    ("youth", "青年", "Youth"),
]


def seed(apps, schema_editor):
    PolicyArea = apps.get_model("action_plans", "PolicyArea")
    for order, (slug, zh, en) in enumerate(POLICY_AREAS, start=1):
        PolicyArea.objects.get_or_create(
            slug=slug, defaults={"name": zh, "name_zh_hant": zh, "name_en": en, "order": order}
        )


class Migration(migrations.Migration):
    dependencies = [("action_plans", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
