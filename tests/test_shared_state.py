"""With REDIS_URL (several app hosts) the roster import's file waits in the shared cache
between the dry run and the confirm step, not on one host's disk (settings.py)."""

import pytest
from django.core.cache import cache
from import_export.tmp_storages import CacheStorage

from branches.models import Member
from tests.branches.test_roster_import import confirm, dry_run, good_rows, report, xlsx_file


@pytest.fixture
def world(street_a, street_b, rider_branch, committee_a, enterprise):
    return {"rider_branch": rider_branch}


@pytest.mark.django_db
def test_import_file_waits_in_the_shared_cache_between_dry_run_and_confirm(
    client, district_admin, world, settings, tmp_path
):
    settings.IMPORT_EXPORT_TMP_STORAGE_CLASS = "import_export.tmp_storages.CacheStorage"
    settings.MEDIA_ROOT = tmp_path
    client.force_login(district_admin)

    response = dry_run(client, xlsx_file(good_rows()))
    assert report(response) == [(2, "new"), (3, "new"), (4, "new")]
    name = response.context["confirm_form"].initial["import_file_name"]
    assert cache.get(CacheStorage.CACHE_PREFIX + name)[:2] == b"PK"  # the XLSX (a zip)
    assert not any(tmp_path.rglob("*"))  # nothing on this host's disk

    assert confirm(client, response).status_code == 302
    assert Member.objects.filter(phone__in=["13800138000", "13900139000"]).count() == 2
    assert cache.get(CacheStorage.CACHE_PREFIX + name) is None  # removed after the import
