"""The party's 三会一课 rules as data: 支部党员大会 and 党课 each quarter, 支部委员会 and
党小组会 each month; and the district admin's permissions on the new model."""

from django.db import migrations

from services.migrations import _grants

RULES = [
    ("branch_assembly", "quarter"),
    ("branch_committee", "month"),
    ("group_meeting", "month"),
    ("party_lecture", "quarter"),
]


def seed(apps, schema_editor):
    Rule = apps.get_model("services", "ComplianceRule")
    for kind, period in RULES:
        Rule.objects.get_or_create(kind=kind, defaults={"period": period, "required": 1})
    _grants.grant(apps, schema_editor)


def unseed(apps, schema_editor):
    Rule = apps.get_model("services", "ComplianceRule")
    Rule.objects.filter(kind__in=[kind for kind, _ in RULES]).delete()


class Migration(migrations.Migration):
    dependencies = [("services", "0005_compliance_rules")]

    operations = [migrations.RunPython(seed, unseed)]
