"""Sign-in, sign-out, failures and password changes, recorded from the auth signals."""

from allauth.account.signals import password_changed, password_reset, password_set
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from audit.models import Event, Outcome
from audit.record import record_event


@receiver(user_logged_in, dispatch_uid="audit_login")
def on_login(sender, request, user, **kwargs):
    record_event(event=Event.LOGIN, actor=user, obj=user, request=request)


@receiver(user_logged_out, dispatch_uid="audit_logout")
def on_logout(sender, request, user, **kwargs):
    if user is not None:
        record_event(event=Event.LOGOUT, actor=user, obj=user, request=request)


@receiver(user_login_failed, dispatch_uid="audit_login_failed")
def on_login_failed(sender, credentials, request=None, **kwargs):
    # The attempted name is recorded (it says which account was attacked); the password never.
    attempted = credentials.get("username") or credentials.get("login") or ""
    record_event(
        event=Event.LOGIN_FAILED,
        outcome=Outcome.FAILURE,
        request=request,
        actor_username=str(attempted),
    )


@receiver(password_changed, dispatch_uid="audit_password_changed")
@receiver(password_set, dispatch_uid="audit_password_set")
def on_password_changed(sender, request, user, **kwargs):
    record_event(event=Event.PASSWORD_CHANGE, actor=user, obj=user, request=request)


@receiver(password_reset, dispatch_uid="audit_password_reset")
def on_password_reset(sender, request, user, **kwargs):
    record_event(event=Event.PASSWORD_RESET, actor=user, obj=user, request=request)
