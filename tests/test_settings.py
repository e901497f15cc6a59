"""The settings module read the way a deployment reads it: in a fresh process."""

import os
import runpy
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from yangpu_portal.envvars import REDIS_SCHEMES, env_bool, env_cache, env_int, env_list, env_url

ROOT = Path(__file__).resolve().parent.parent

PRODUCTION_ENV = {
    "DJANGO_DEBUG": "off",
    "DJANGO_SECRET_KEY": "a-long-random-production-secret-0123456789-abcdefghijklmnopqrstuv",
    "DJANGO_ALLOWED_HOSTS": "portal.yangpu.example",
    "CSRF_TRUSTED_ORIGINS": "https://portal.yangpu.example",
    "DJANGO_SMTP_HOST": "smtp.yangpu.example",
    "DJANGO_BEHIND_PROXY": "on",
}


def run_python(code: str, **env) -> subprocess.CompletedProcess:
    """Run `code` in a new interpreter with a clean Django environment plus `env`."""
    clean = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "DATABASE_", "CSRF_", "REDIS_", "CACHE_"))
    }
    clean["DJANGO_SETTINGS_MODULE"] = "yangpu_portal.settings"
    clean.update(env)
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


SHOW = "import django; django.setup(); from django.conf import settings as s; print({})"


def test_missing_secret_key_stops_start_with_a_clear_message():
    result = run_python(SHOW.format("s.DEBUG"), DJANGO_DEBUG="off")
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "DJANGO_SECRET_KEY is not set" in result.stderr


def test_missing_secret_key_is_fine_with_debug_on():
    result = run_python(SHOW.format("s.DEBUG"), DJANGO_DEBUG="on")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "True"


def test_malformed_boolean_stops_start():
    result = run_python(SHOW.format("s.DEBUG"), DJANGO_DEBUG="maybe")
    assert result.returncode != 0
    assert "DJANGO_DEBUG='maybe' is not a boolean" in result.stderr


def test_without_database_url_the_engine_is_sqlite():
    result = run_python(SHOW.format("s.DATABASES['default']['ENGINE']"), DJANGO_DEBUG="on")
    assert result.stdout.strip() == "django.db.backends.sqlite3", result.stderr


def test_postgres_database_url_selects_postgresql_with_pool_and_health_checks():
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "d = s.DATABASES['default']; "
        "print(d['ENGINE'], d['NAME'], d['HOST'], d['CONN_MAX_AGE'], d['CONN_HEALTH_CHECKS'], "
        "d['OPTIONS']['pool']['max_size'])"
    )
    result = run_python(
        code,
        DJANGO_DEBUG="on",
        DATABASE_URL="postgres://portal@db.internal:5432/yangpu",
        DATABASE_POOL_MAX_SIZE="12",
    )
    assert result.stdout.split() == [
        "django.db.backends.postgresql",
        "yangpu",
        "db.internal",
        "0",
        "True",
        "12",
    ], result.stderr


def test_production_settings_pass_the_deploy_check_without_warnings():
    result = run_python(
        "import sys; from django.core.management import execute_from_command_line; "
        "execute_from_command_line(['manage.py', 'check', '--deploy', '--fail-level', 'WARNING'])",
        **PRODUCTION_ENV,
    )
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_console_mailer_is_refused_by_the_deploy_check():
    env = {**PRODUCTION_ENV, "DJANGO_SMTP_HOST": ""}
    result = run_python(
        "from django.core.management import execute_from_command_line; "
        "execute_from_command_line(['manage.py', 'check', '--deploy'])",
        **env,
    )
    assert result.returncode != 0
    assert "mail.E001" in result.stderr


class TestEnvReaders:
    def test_bool_words(self, monkeypatch):
        for word, expected in [
            ("on", True),
            ("YES", True),
            ("1", True),
            ("off", False),
            ("0", False),
        ]:
            monkeypatch.setenv("X_FLAG", word)
            assert env_bool("X_FLAG", default=not expected) is expected

    def test_bool_default_when_unset_or_blank(self, monkeypatch):
        monkeypatch.delenv("X_FLAG", raising=False)
        assert env_bool("X_FLAG", default=True) is True
        monkeypatch.setenv("X_FLAG", " ")
        assert env_bool("X_FLAG", default=False) is False

    def test_bool_rejects_other_words(self, monkeypatch):
        monkeypatch.setenv("X_FLAG", "enabled")
        with pytest.raises(ImproperlyConfigured, match="X_FLAG='enabled' is not a boolean"):
            env_bool("X_FLAG", default=False)

    def test_int_rejects_text(self, monkeypatch):
        monkeypatch.setenv("X_NUM", "ten")
        with pytest.raises(ImproperlyConfigured, match="not an integer"):
            env_int("X_NUM", 1)

    def test_list_drops_blanks(self, monkeypatch):
        monkeypatch.setenv("X_LIST", " a.example, ,b.example ")
        assert env_list("X_LIST") == ["a.example", "b.example"]


class TestUrlReaders:
    def test_url_unset_is_empty(self, monkeypatch):
        monkeypatch.delenv("X_URL", raising=False)
        assert env_url("X_URL", schemes=REDIS_SCHEMES) == ""

    @pytest.mark.parametrize(
        "url",
        [
            "redis://127.0.0.1:6379/0",
            "rediss://:secret@cache.internal:6380/1",
            "unix:///run/redis.sock",
        ],
    )
    def test_url_accepts_redis_forms(self, monkeypatch, url):
        monkeypatch.setenv("X_URL", f" {url} ")
        assert env_url("X_URL", schemes=REDIS_SCHEMES) == url

    @pytest.mark.parametrize(
        ("url", "message"),
        [
            ("127.0.0.1:6379", "scheme must be one of"),
            ("http://cache.internal:6379", "scheme must be one of"),
            ("redis://", "names no host"),
            ("redis://cache.internal:63x9/0", "malformed port"),
        ],
    )
    def test_url_rejects_malformed_values(self, monkeypatch, url, message):
        monkeypatch.setenv("X_URL", url)
        with pytest.raises(ImproperlyConfigured, match=message):
            env_url("X_URL", schemes=REDIS_SCHEMES)

    def test_cache_from_redis_url(self, monkeypatch):
        monkeypatch.setenv("X_CACHE", "redis://127.0.0.1:6379/2")
        assert env_cache("X_CACHE", default="db://django_cache") == {
            "BACKEND": "yangpu_portal.redis_cache.RedisCache",
            "LOCATION": "redis://127.0.0.1:6379/2",
        }

    def test_cache_default_is_the_database_table(self, monkeypatch):
        monkeypatch.delenv("X_CACHE", raising=False)
        assert env_cache("X_CACHE", default="db://django_cache") == {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "django_cache",
        }

    @pytest.mark.parametrize("url", ["db://", "db://drop table;", "locmem://", "memcached://x"])
    def test_cache_refuses_unknown_or_per_process_caches(self, monkeypatch, url):
        monkeypatch.setenv("X_CACHE", url)
        with pytest.raises(ImproperlyConfigured):
            env_cache("X_CACHE", default="db://django_cache")


def settings_with(monkeypatch, **env) -> dict:
    """The settings module executed in this process with a clean Django environment plus
    `env` (fast; the subprocess tests above cover what needs a fresh interpreter)."""
    for name in list(os.environ):
        if name.startswith(("DJANGO_", "DATABASE_", "CSRF_", "REDIS_", "CACHE_", "OUTAGE_")):
            monkeypatch.delenv(name)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(ROOT / "yangpu_portal" / "settings.py"))


def test_redis_url_shares_cache_sessions_and_import_files(monkeypatch):
    s = settings_with(monkeypatch, DJANGO_DEBUG="on", REDIS_URL="redis://cache.internal:6379/0")
    assert s["CACHES"]["default"]["LOCATION"] == "redis://cache.internal:6379/0"
    assert s["CACHES"]["sessions"]["BACKEND"] == "yangpu_portal.redis_cache.RedisCache"
    assert s["SESSION_ENGINE"] == "django.contrib.sessions.backends.cached_db"
    assert s["SESSION_CACHE_ALIAS"] == "sessions"
    assert s["IMPORT_EXPORT_TMP_STORAGE_CLASS"] == "import_export.tmp_storages.CacheStorage"


def test_cache_url_overrides_the_cache_but_not_the_sessions(monkeypatch):
    s = settings_with(
        monkeypatch,
        DJANGO_DEBUG="on",
        REDIS_URL="redis://cache.internal:6379/0",
        CACHE_URL="redis://cache.internal:6379/5",
    )
    assert s["CACHES"]["default"]["LOCATION"] == "redis://cache.internal:6379/5"
    assert s["CACHES"]["sessions"]["LOCATION"] == "redis://cache.internal:6379/0"


def test_without_redis_the_cache_is_the_database_table_and_sessions_the_database(monkeypatch):
    s = settings_with(monkeypatch, DJANGO_DEBUG="on")
    assert s["CACHES"] == {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "django_cache",
        }
    }
    assert "SESSION_ENGINE" not in s
    assert s["IMPORT_EXPORT_TMP_STORAGE_CLASS"] == "import_export.tmp_storages.MediaStorage"


def test_malformed_redis_url_stops_start(monkeypatch):
    with pytest.raises(ImproperlyConfigured, match="REDIS_URL='localhost:6379': the scheme"):
        settings_with(monkeypatch, DJANGO_DEBUG="on", REDIS_URL="localhost:6379")


def test_pool_fails_fast_and_reconnects_without_a_long_backoff(monkeypatch):
    s = settings_with(
        monkeypatch, DJANGO_DEBUG="on", DATABASE_URL="postgres://portal@db.internal:5432/yangpu"
    )
    options = s["DATABASES"]["default"]["OPTIONS"]
    assert options["pool"]["timeout"] == 3
    assert options["pool"]["reconnect_timeout"] == 2
    assert options["connect_timeout"] == 3
    assert s["OUTAGE_RETRY_SECONDS"] == 1


def test_the_page_cache_is_off_for_development_and_on_in_production():
    dev = run_python(SHOW.format("s.PAGE_CACHE_SECONDS"), DJANGO_DEBUG="on")
    assert dev.returncode == 0, dev.stderr
    assert dev.stdout.strip() == "0"
    prod = run_python(
        SHOW.format("s.PAGE_CACHE_SECONDS"), DJANGO_DEBUG="off", DJANGO_SECRET_KEY="x" * 50
    )
    assert prod.returncode == 0, prod.stderr
    assert prod.stdout.strip() == "60"
