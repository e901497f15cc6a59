"""docs/data-inventory.md lists every field of every model in our apps (issue 9, PIPL)."""

import re
from pathlib import Path

from django.apps import apps

INVENTORY = Path(__file__).resolve().parent.parent / "docs" / "data-inventory.md"
OUR_APPS = ["branches", "stations", "services", "yangpu_portal", "audit"]
KINDS = {"sensitive", "yes", "credential", "no"}
ROW = re.compile(r"^\|\s*`([\w.]+)`\s*\|\s*([^|]*?)\s*\|\s*([^|]*?)\s*\|\s*([^|]*?)\s*\|\s*$")


def inventory_rows() -> dict:
    rows = {}
    for line in INVENTORY.read_text(encoding="utf-8").splitlines():
        match = ROW.match(line)
        if match:
            name, kind, purpose, retention = match.groups()
            rows[name] = (kind, purpose, retention)
    return rows


def model_fields() -> set:
    """`app.Model.field` for each concrete or many-to-many field we declared (not the id)."""
    names = set()
    for app in OUR_APPS:
        for model in apps.get_app_config(app).get_models():
            for field in model._meta.get_fields():
                declared = (field.concrete or field.many_to_many) and not field.auto_created
                if declared:
                    names.add(f"{model._meta.label}.{field.name}")
    return names


def test_every_field_of_our_models_is_in_the_inventory():
    missing = sorted(model_fields() - set(inventory_rows()))
    assert not missing, (
        "docs/data-inventory.md lacks these fields (add a row: kind, purpose, retention): "
        + ", ".join(missing)
    )


def test_the_inventory_names_no_field_that_does_not_exist():
    stale = sorted(set(inventory_rows()) - model_fields())
    assert not stale, f"docs/data-inventory.md lists fields that no longer exist: {stale}"


def test_each_personal_field_says_why_and_for_how_long():
    for name, (kind, purpose, retention) in inventory_rows().items():
        assert kind in KINDS, f"{name}: unknown kind {kind!r}"
        assert purpose, f"{name}: no purpose"
        if kind != "no":
            assert retention and retention != "—", f"{name}: personal data without a retention"


def test_a_new_field_would_be_caught(monkeypatch):
    """The walk sees a field added to a model (the test above then fails)."""
    from branches.models import Member

    field = Member._meta.get_field("name")
    monkeypatch.setattr(field, "name", "nickname")
    try:
        assert "branches.Member.nickname" in model_fields() - set(inventory_rows())
    finally:
        monkeypatch.undo()
