"""Test settings: the real settings module, fed the environment a test run needs.

Tests run with DEBUG off (pytest-django forces it anyway) and therefore need a secret key;
HTTPS redirects are off because the test client speaks plain HTTP."""

import os

os.environ.setdefault("DJANGO_SECRET_KEY", "test-only-secret-key-not-for-production")
os.environ.setdefault("DJANGO_HTTPS", "off")
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver,localhost,127.0.0.1")
# No map tiles: markers on a plain background, and no request to another host.
os.environ.setdefault("STATIONS_MAP_TILES", "")

from yangpu_portal.settings import *  # noqa: F403

# WhiteNoise's manifest storage needs `collectstatic`; tests read static/ directly.
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Hashing passwords the slow way buys nothing in tests.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# The dashboard's rebuild after writes (issue 8) would run inline (immediate task backend) in
# every test that writes; tests/test_dashboard.py turns it on where it is the subject.
DASHBOARD_REFRESH_ON_WRITE = False
# The whole-page cache (issue 10) would serve the second request of a test from the first's
# rendering, so view tests would not see the view, nor its query count; tests/test_pagecache.py
# turns it on where it is the subject.
PAGE_CACHE_SECONDS = 0
