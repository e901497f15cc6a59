"""Simplified Chinese by default, English complete, and a switch on every page."""

import gettext
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.urls import reverse

CATALOGUE = Path(settings.BASE_DIR) / "locale" / "en" / "LC_MESSAGES"


@pytest.mark.django_db
def test_chinese_is_the_default(client):
    response = client.get(reverse("stations:station-list"))
    assert response["Content-Language"] == "zh-hans"
    assert '<html lang="zh-hans">' in response.content.decode()
    assert "服务站点" in response.content.decode()


@pytest.mark.django_db
def test_language_switch_renders_english_and_comes_back(client):
    page = reverse("stations:station-list")
    html = client.get(page).content.decode()
    assert 'name="language" value="en"' in html  # the switch is on the page

    response = client.post(reverse("set_language"), {"language": "en", "next": page})
    assert response.status_code == 302 and response["Location"] == page
    html = client.get(page).content.decode()
    assert '<html lang="en">' in html
    assert "Service stations" in html
    assert "服务站点" not in html
    assert 'name="language" value="zh-hans"' in html

    client.post(reverse("set_language"), {"language": "zh-hans", "next": page})
    assert "服务站点" in client.get(page).content.decode()


@pytest.mark.django_db
def test_english_browser_gets_english(client):
    html = client.get(reverse("home"), headers={"accept-language": "en-US,en;q=0.9"}).content
    assert b'<html lang="en">' in html


def test_english_catalogue_is_complete():
    po = polib.pofile(str(CATALOGUE / "django.po"))
    untranslated = [e.msgid for e in po.untranslated_entries()]
    fuzzy = [e.msgid for e in po.fuzzy_entries()]
    assert untranslated == []
    assert fuzzy == []


def test_compiled_catalogue_matches_the_source():
    po = polib.pofile(str(CATALOGUE / "django.po"))
    with open(CATALOGUE / "django.mo", "rb") as handle:
        mo = gettext.GNUTranslations(handle)
    stale = []
    for entry in po.translated_entries():
        if entry.msgid_plural:
            compiled = mo.ngettext(entry.msgid, entry.msgid_plural, 1)
            expected = entry.msgstr_plural[0]
        elif entry.msgctxt:
            compiled = mo.pgettext(entry.msgctxt, entry.msgid)
            expected = entry.msgstr
        else:
            compiled = mo.gettext(entry.msgid)
            expected = entry.msgstr
        if compiled != expected:
            stale.append(entry.msgid)
    assert stale == [], "run `make messages` to recompile locale/en"


def test_framework_strings_django_leaves_untranslated_are_chinese():
    """Django 6.1 ships no zh_Hans for the empty choice of a select; our zh_Hans catalogue
    fills it, so a Chinese form never shows "- Select an option -"."""
    from django.db.models.fields import BLANK_CHOICE_LABEL
    from django.utils import translation

    with translation.override("zh-hans"):
        assert str(BLANK_CHOICE_LABEL) == "- 请选择 -"
    with translation.override("en"):
        assert str(BLANK_CHOICE_LABEL) == "- Select an option -"
