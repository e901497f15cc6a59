"""The model-change recorder: an audit record for every create, update and delete of the
audited models, with the changed fields before and after.

Why a recorder and not a call in each action: the same rows are changed by actions, by the
admin (change forms, delete actions, inlines), by import hooks and by management commands. A
recorder hooked to the model signals covers every one of those paths with one piece of code,
and a new action cannot forget it. The signal handlers here only *record*; they never change
domain state (STYLE.md: no signals for domain logic).

What it does not see, by design: `QuerySet.update()`, `bulk_create()` and `bulk_update()` send
no signals. Actions that change an audited row that way call `record_change(...)` themselves;
admin imports are recorded once per import (`audit.imports`), with the file's SHA-256 and
counts, not row by row.

The "before" values come from a snapshot taken when the instance was loaded (`post_init`), so
recording costs no extra query; three queries per record (chain head lock, insert, head
update). The actor is the signed-in user of the current request (`AuditContextMiddleware`),
or none for commands and the system.

Phones are recorded masked (138****1234): the audit trail outlives a member's erasure (it is
kept for `AUDIT_RETENTION_DAYS`), so it must not keep a way to contact them. Password hashes
and sign-in stamps are never recorded.
"""

from contextlib import contextmanager
from contextvars import ContextVar

from django.apps import apps
from django.db.models.signals import m2m_changed, post_delete, post_init, post_save

from audit.models import Event
from audit.record import current_request, plain, record_event

# label -> fields left out of the record (noise or secrets). Later models join here.
AUDITED_MODELS = {
    "branches.Street": (),
    "branches.Enterprise": (),
    "branches.Organization": ("depth", "numchild"),
    "branches.Member": ("updated_at",),
    "branches.MemberStatusChange": (),
    "branches.Transfer": (),
    "branches.OrganizerAssignment": (),
    "branches.Pairing": (),
    "branches.Instructor": (),
    "stations.Station": ("updated_at",),
    "stations.StationStaff": (),
    "stations.Outlet": ("updated_at",),
    "services.Activity": ("updated_at",),
    "services.Attendance": ("updated_at",),
    "services.Report": ("updated_at", "me_too_count"),
    "services.ReportAction": (),
    "services.ErasureRequest": (),
    # Issue 6's personal and financial decisions (docs/decisions.md): aid applications and
    # their moves (the reason is health or family hardship in the applicant's words: kept out
    # of the append-only trail, which outlives an erasure), benefit claims and redemptions (the
    # code is a bearer token: kept out), commendation nominations and decisions, and points
    # corrections (awards are not recorded: see RECORDED_WHEN).
    "services.AidApplication": ("reason",),
    "services.BenefitClaim": ("code",),
    "services.Commendation": (),
    "services.PointEntry": (),
    "yangpu_portal.User": ("password", "last_login", "password_changed_at"),
    "yangpu_portal.PrivacyConsent": (),
    "auth.Group": (),
}
# label -> which rows of that model are recorded (default: all). Points awards come with every
# check-in, attendance and lesson and are fully described by their source; only a correction
# (a person's decision to take points back) is worth a record.
RECORDED_WHEN = {
    # Read from __dict__: a deferred field must not cost a query in a signal handler.
    "services.PointEntry": lambda entry: entry.__dict__.get("kind") == "correction",
}
MASKED = {"phone"}
SNAPSHOT = "_audit_snapshot"
_suspended: ContextVar = ContextVar("audit_changes_suspended", default=False)


@contextmanager
def suspended():
    """No per-field records inside: for an erasure, whose field-by-field record would copy the
    very values it removes into the append-only trail. The caller writes one record instead."""
    token = _suspended.set(True)
    try:
        yield
    finally:
        _suspended.reset(token)


def mask(value):
    text = "" if value is None else str(value)
    if not text:
        return value
    return f"{text[:3]}****{text[-4:]}" if len(text) == 11 else "*" * len(text)


def _fields(model):
    excluded = _excluded.get(model, ())
    return [f for f in model._meta.concrete_fields if f.name not in excluded]


def _values(instance, loaded_only=False) -> dict:
    values = {}
    for field in _fields(type(instance)):
        if loaded_only and field.attname not in instance.__dict__:
            continue  # deferred: never loaded, so nothing to compare against
        value = instance.__dict__.get(field.attname)
        values[field.name] = mask(value) if field.name in MASKED else plain(value)
    return values


def _actor():
    request = current_request.get()
    user = getattr(request, "user", None)
    return user if user is not None and user.is_authenticated else None


def record_change(*, event: str, obj, changes: dict, detail: dict | None = None):
    """One create/update/delete record; callable by actions for changes the signals miss."""
    if _suspended.get():
        return None
    return record_event(event=event, actor=_actor(), obj=obj, changes=changes, detail=detail)


def _recorded(instance) -> bool:
    condition = _conditions.get(type(instance))
    return condition is None or condition(instance)


def _snapshot(sender, instance, **kwargs):
    if not _recorded(instance):
        return
    instance.__dict__[SNAPSHOT] = _values(instance, loaded_only=True) if instance.pk else None


def _saved(sender, instance, created, raw=False, **kwargs):
    if raw or not _recorded(instance):  # raw: fixtures and restores, not anyone's change
        return
    after = _values(instance)
    if created:
        changes = {k: [None, v] for k, v in after.items() if v not in (None, "")}
        record_change(event=Event.CREATE, obj=instance, changes=changes)
    else:
        before = instance.__dict__.get(SNAPSHOT) or {}
        changes = {
            name: [before[name], value]
            for name, value in after.items()
            if name in before and before[name] != value
        }
        if changes:
            record_change(event=Event.UPDATE, obj=instance, changes=changes)
    instance.__dict__[SNAPSHOT] = after


def _deleted(sender, instance, **kwargs):
    if not _recorded(instance):
        return
    before = instance.__dict__.get(SNAPSHOT) or _values(instance, loaded_only=True)
    changes = {k: [v, None] for k, v in before.items() if v not in (None, "")}
    record_change(event=Event.DELETE, obj=instance, changes=changes)


def _m2m(sender, instance, action, reverse, model, pk_set, **kwargs):
    """Group memberships, user permissions and group permissions (PERMISSION_CHANGE)."""
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    if action != "post_clear" and not pk_set:
        return
    names = sorted(str(o) for o in model._default_manager.filter(pk__in=pk_set or ()))
    what = sender._meta.model_name
    verb = {"post_add": "added", "post_remove": "removed", "post_clear": "cleared"}[action]
    record_change(
        event=Event.PERMISSION_CHANGE,
        obj=instance,
        changes={what: {verb: names}},
        detail={"relation": sender._meta.label_lower, "reverse": reverse},
    )


_excluded: dict = {}
_conditions: dict = {}


def connect():
    """Called from `AuditConfig.ready()`: hook the recorder to every audited model present."""
    for label, excluded in AUDITED_MODELS.items():
        try:
            model = apps.get_model(label)
        except LookupError:
            continue  # an app not installed, or a model not migrated on this branch
        _excluded[model] = excluded
        if label in RECORDED_WHEN:
            _conditions[model] = RECORDED_WHEN[label]
        uid = f"audit_changes_{label}"
        post_init.connect(_snapshot, sender=model, dispatch_uid=f"{uid}_init")
        post_save.connect(_saved, sender=model, dispatch_uid=f"{uid}_save")
        post_delete.connect(_deleted, sender=model, dispatch_uid=f"{uid}_delete")
    from django.contrib.auth.models import Group

    user_model = apps.get_model("yangpu_portal", "User")
    for through in (
        user_model.groups.through,
        user_model.user_permissions.through,
        Group.permissions.through,
    ):
        m2m_changed.connect(_m2m, sender=through, dispatch_uid=f"audit_m2m_{through._meta.label}")
