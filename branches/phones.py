"""Phone numbers: one normalized form for storage and one masked form for display.

Mainland mobile numbers are 11 digits starting with 1. Input may carry a +86/0086 prefix,
spaces, dashes or full-width digits; all of that is removed before storage.
"""

import re
import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

_MOBILE = re.compile(r"1\d{10}")
_SEPARATORS = re.compile(r"[\s\-()（）]")


def normalize_phone(raw: str) -> str:
    """Return the 11-digit form of `raw`, or raise ValidationError with a user-facing message."""
    text = unicodedata.normalize("NFKC", raw or "")
    text = _SEPARATORS.sub("", text)
    if text.startswith("+86"):
        text = text[3:]
    elif text.startswith("0086"):
        text = text[4:]
    if not _MOBILE.fullmatch(text):
        raise ValidationError(_("请输入 11 位手机号码，例如 13812345678。"), code="invalid_phone")
    return text


def mask_phone(phone: str) -> str:
    """138****1234: the first three and last four digits. Anything shorter is fully masked."""
    if len(phone) != 11:
        return "*" * len(phone)
    return f"{phone[:3]}****{phone[-4:]}"


def record_reveal(*, by, page: str, members) -> list[int]:
    """One audit record for a page view that shows `members`' phones unmasked (none when the
    page shows none): who saw which members' phones, on which page. Three queries, whatever
    the number of members, so the page's query count stays constant. Returns the ids, for
    `replay_reveal` when the page is next served from the page cache."""
    ids = sorted({member.pk for member in members})
    _record(by, page, ids)
    return ids


def _record(by, page: str, ids: list[int]) -> None:
    from audit.models import Event
    from audit.record import record_event

    if ids:
        record_event(event=Event.PHONE_REVEAL, actor=by, detail={"page": page, "members": ids})


def replay_reveal(request, meta: dict) -> None:
    """`yangpu_portal.pagecache` replay: a page served from the cache shows the same phones
    to the same person again, and that view is recorded as the first one was."""
    _record(request.user, meta["page"], meta["members"])
