"""make backup / make restore: a backup restored into an empty database holds the same rows."""

import sqlite3
import uuid

import psycopg
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from branches.models import Member
from tests.conftest import make_member

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def media(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    (settings.MEDIA_ROOT / "stations").mkdir(parents=True)
    (settings.MEDIA_ROOT / "stations" / "photo.jpg").write_bytes(b"\xff\xd8 not really a jpeg")
    return settings.MEDIA_ROOT


@pytest.fixture
def empty_postgres_database():
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL restore needs a PostgreSQL server")
    params = connection.get_connection_params()
    name = f"yangpu_restore_{uuid.uuid4().hex[:10]}"
    admin = {k: v for k, v in params.items() if k in ("host", "port", "user", "password")}
    with psycopg.connect(dbname="postgres", autocommit=True, **admin) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    user = admin.get("user", "postgres")
    url = f"postgres://{user}@{admin.get('host', '127.0.0.1')}:{admin.get('port', 5432)}/{name}"
    yield name, admin, url
    with psycopg.connect(dbname="postgres", autocommit=True, **admin) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_postgres_backup_restores_into_an_empty_database(
    street_a, media, tmp_path, empty_postgres_database
):
    make_member(street=street_a, name="备份测试")
    call_command("backup", output=tmp_path / "b", stdout=open("/dev/null", "w"))  # noqa: SIM115
    name, admin, url = empty_postgres_database
    restored_media = tmp_path / "restored-media"
    call_command(
        "restore",
        str(tmp_path / "b"),
        database_url=url,
        media=restored_media,
        stdout=open("/dev/null", "w"),  # noqa: SIM115
    )
    with psycopg.connect(dbname=name, **admin) as conn:
        names = [r[0] for r in conn.execute("SELECT name FROM branches_member ORDER BY id")]
    assert names == list(Member.objects.order_by("id").values_list("name", flat=True))
    assert "备份测试" in names
    assert (restored_media / "stations" / "photo.jpg").read_bytes() == b"\xff\xd8 not really a jpeg"

    with pytest.raises(CommandError, match="not empty"):
        call_command("restore", str(tmp_path / "b"), database_url=url, media=restored_media)


def test_sqlite_backup_restores_into_a_new_file(street_a, media, tmp_path):
    if connection.vendor != "sqlite":
        pytest.skip("the SQLite path")
    make_member(street=street_a, name="备份测试")
    call_command("backup", output=tmp_path / "b", stdout=open("/dev/null", "w"))  # noqa: SIM115
    target = tmp_path / "restored.sqlite3"
    call_command(
        "restore",
        str(tmp_path / "b"),
        database_url=f"sqlite:///{target}",
        media=tmp_path / "restored-media",
        stdout=open("/dev/null", "w"),  # noqa: SIM115
    )
    with sqlite3.connect(target) as conn:
        names = [r[0] for r in conn.execute("SELECT name FROM branches_member")]
    assert names == ["备份测试"]


def test_a_damaged_backup_is_refused(street_a, media, tmp_path):
    call_command("backup", output=tmp_path / "b", stdout=open("/dev/null", "w"))  # noqa: SIM115
    dump = next(p for p in (tmp_path / "b").iterdir() if p.name.startswith("database."))
    dump.write_bytes(dump.read_bytes()[:-10] + b"0123456789")
    with pytest.raises(CommandError, match="damaged"):
        call_command(
            "restore",
            str(tmp_path / "b"),
            database_url="sqlite:///" + str(tmp_path / "x.db"),
            media=tmp_path / "m",
        )


def test_backup_never_overwrites(street_a, media, tmp_path):
    (tmp_path / "b").mkdir()
    with pytest.raises(CommandError):
        call_command("backup", output=tmp_path / "b")


def test_backups_are_readable_by_their_owner_only(street_a, media, tmp_path):
    call_command("backup", output=tmp_path / "b", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert (tmp_path / "b").stat().st_mode & 0o777 == 0o700
    assert {p.stat().st_mode & 0o777 for p in (tmp_path / "b").iterdir()} == {0o600}


def test_a_manifest_that_skips_a_file_is_refused(street_a, media, tmp_path):
    import json

    call_command("backup", output=tmp_path / "b", stdout=open("/dev/null", "w"))  # noqa: SIM115
    manifest = json.loads((tmp_path / "b" / "manifest.json").read_text())
    del manifest["files"]["media.tar.gz"]
    (tmp_path / "b" / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(CommandError, match="exactly"):
        call_command(
            "restore",
            str(tmp_path / "b"),
            database_url="sqlite:///" + str(tmp_path / "x.db"),
            media=tmp_path / "m",
        )
