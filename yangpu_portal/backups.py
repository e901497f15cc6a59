"""Backups of the database and uploaded media, and their restore.

A backup is a directory: `database.dump` (PostgreSQL custom format, from pg_dump) or
`database.sqlite3` (SQLite's online backup), `media.tar.gz`, and `manifest.json` with the
SHA-256 of each file. Restore checks the checksums first and writes into an EMPTY database
(no tables), so it can never merge into or silently overwrite a live one."""

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from datetime import UTC, datetime
from pathlib import Path

import psycopg
from django.conf import settings

MANIFEST = "manifest.json"


class BackupError(Exception):
    pass


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _pg_env(db: dict) -> dict:
    env = {**os.environ}
    for key, var in (
        ("HOST", "PGHOST"),
        ("PORT", "PGPORT"),
        ("USER", "PGUSER"),
        ("PASSWORD", "PGPASSWORD"),
        ("NAME", "PGDATABASE"),
    ):
        if db.get(key):
            env[var] = str(db[key])
    return env


def _run(args: list[str], env: dict) -> None:
    result = subprocess.run(args, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if result.returncode != 0:
        raise BackupError(f"{args[0]} failed: {result.stderr.strip()[-500:]}")


def create(output: Path, db: dict | None = None, media_root: Path | None = None) -> Path:
    """Write a backup of `db` (default: the default database) and `media_root` to `output`."""
    db = db or settings.DATABASES["default"]
    media_root = Path(media_root or settings.MEDIA_ROOT)
    # Password hashes, sessions and two-factor secrets are inside: owner-only, always.
    os.umask(0o077)
    output.mkdir(parents=True, exist_ok=False, mode=0o700)
    if db["ENGINE"] == "django.db.backends.postgresql":
        dump = output / "database.dump"
        _run(["pg_dump", "--format=custom", "--no-owner", f"--file={dump}"], _pg_env(db))
    else:
        from django.db import connection

        dump = output / "database.sqlite3"
        connection.ensure_connection()
        target = sqlite3.connect(dump)
        with target:
            connection.connection.backup(target)
        target.close()
    files = [dump]
    archive = output / "media.tar.gz"
    with tarfile.open(archive, "w:gz") as tar:
        if media_root.is_dir():
            tar.add(media_root, arcname="media")
    files.append(archive)
    manifest = {
        "created_at": datetime.now(UTC).isoformat(),
        "engine": db["ENGINE"],
        "files": {path.name: sha256(path) for path in files},
    }
    (output / MANIFEST).write_text(json.dumps(manifest, indent=2), encoding="utf-8")
    for path in output.iterdir():
        path.chmod(0o600)
    return output


def verify(backup: Path) -> dict:
    manifest_path = backup / MANIFEST
    if not manifest_path.is_file():
        raise BackupError(f"{backup} has no {MANIFEST}: not a backup directory")
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    dump = (
        "database.dump" if manifest.get("engine", "").endswith("postgresql") else "database.sqlite3"
    )
    if set(manifest.get("files", {})) != {dump, "media.tar.gz"}:
        raise BackupError("the manifest does not list exactly the database and media files")
    for name, digest in manifest["files"].items():
        path = backup / name
        if not path.is_file() or sha256(path) != digest:
            raise BackupError(f"{name} is missing or damaged (checksum mismatch)")
    return manifest


def _pg_is_empty(db: dict) -> bool:
    with psycopg.connect(**_pg_connect_kwargs(db)) as conn:
        row = conn.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'"
        ).fetchone()
    return row[0] == 0


def _pg_connect_kwargs(db: dict) -> dict:
    kwargs = {
        "dbname": db["NAME"],
        "user": db.get("USER") or None,
        "password": db.get("PASSWORD") or None,
        "host": db.get("HOST") or None,
        "port": db.get("PORT") or None,
    }
    return {k: v for k, v in kwargs.items() if v}


def restore(backup: Path, db: dict, media_root: Path) -> None:
    """Restore `backup` into the empty database `db` and the empty (or absent) `media_root`.
    The media is unpacked first, so a damaged archive stops the restore before the database
    is touched."""
    manifest = verify(backup)
    if manifest["engine"] != db["ENGINE"]:
        raise BackupError(f"the backup is of {manifest['engine']}, the target is {db['ENGINE']}")
    media_root = Path(media_root)
    if media_root.exists() and any(media_root.iterdir()):
        raise BackupError(f"{media_root} is not empty: restore needs an empty media directory")
    media_root.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".restore-", dir=media_root.parent))
    try:
        with tarfile.open(backup / "media.tar.gz", "r:gz") as tar:
            # The "data" filter refuses absolute paths, "..", links out of the tree, devices.
            members = [
                m for m in tar.getmembers() if m.name == "media" or m.name.startswith("media/")
            ]
            tar.extractall(staging, members=members, filter="data")
        if db["ENGINE"] == "django.db.backends.postgresql":
            if not _pg_is_empty(db):
                raise BackupError(f"database {db['NAME']} is not empty: restore needs an empty one")
            _run(
                [
                    "pg_restore",
                    "--no-owner",
                    "--exit-on-error",
                    f"--dbname={db['NAME']}",
                    str(backup / "database.dump"),
                ],
                _pg_env(db),
            )
        else:
            target = Path(db["NAME"])
            if target.exists() and target.stat().st_size > 0:
                raise BackupError(f"{target} exists: restore needs an empty database")
            shutil.copyfile(backup / "database.sqlite3", target)
        restored = staging / "media"
        if restored.is_dir():
            shutil.copytree(restored, media_root, dirs_exist_ok=True)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
