"""The portal's URLs plus MEDIA_URL served by Django, for browser tests that show uploads (in
production the storage backend or the proxy serves them; the test server has neither)."""

from django.conf import settings
from django.urls import re_path
from django.views.static import serve

from yangpu_portal.urls import urlpatterns as portal

urlpatterns = [
    *portal,
    re_path(
        rf"^{settings.MEDIA_URL.lstrip('/')}(?P<path>.*)$",
        serve,
        {"document_root": settings.MEDIA_ROOT},
    ),
]
