"""The privacy notice (PIPL) and the consent it asks for.

The notice's text is `templates/privacy/notice_text.html`; `NOTICE_VERSION` names that text.
Change the version whenever the text changes: a consent to an older version no longer counts,
and each person is asked again (at sign-up, their next check-in, or on "my data").

Nothing about a person's visits is stored before they consent: both check-in actions
(`stations.actions.checkin_record`, `services.actions.checkin_record`) call `require_consent`.
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from yangpu_portal.models import PrivacyConsent

NOTICE_VERSION = "2026-11"


class ConsentState:
    GIVEN = "given"  # in force, to the current notice
    WITHDRAWN = "withdrawn"  # the latest consent was withdrawn
    NONE = "none"  # never given, or given to an older notice


def consent_state(user) -> str:
    """`user` is an account or its id (a member's `user_id`). One query."""
    user_id = user if isinstance(user, int) or user is None else user.pk
    if user_id is None:
        return ConsentState.NONE
    latest = PrivacyConsent.objects.filter(user_id=user_id).order_by("-given_at", "-pk").first()
    if latest is None:
        return ConsentState.NONE
    if latest.withdrawn_at is not None:
        return ConsentState.WITHDRAWN
    return ConsentState.GIVEN if latest.version == NOTICE_VERSION else ConsentState.NONE


def require_consent(user) -> None:
    """Raise ValidationError unless `user` (an account or its id) has consent in force to the
    current notice."""
    state = consent_state(user)
    if state == ConsentState.WITHDRAWN:
        raise ValidationError(
            _("您已撤回对隐私政策的同意，报到和签到已停止。如需继续，请在“我的数据”中重新同意。"),
            code="consent_withdrawn",
        )
    if state != ConsentState.GIVEN:
        raise ValidationError(_("请先阅读并同意隐私政策，再报到或签到。"), code="consent_missing")


CONSENT_FIELD = "privacy_consent"


def consent_from_post(request) -> str:
    """At a check-in POST: the user's consent state, after recording the consent they ticked
    (`privacy_consent=on`) when none was in force. A withdrawn consent is not renewed here:
    that is done deliberately, on "my data"."""
    from yangpu_portal.actions import consent_give

    state = consent_state(request.user)
    if state == ConsentState.NONE and request.POST.get(CONSENT_FIELD) == "on":
        consent_give(user=request.user, by=request.user)
        state = ConsentState.GIVEN
    return state
