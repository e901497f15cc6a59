"""Writing audit records: `record_event(...)` from actions, views and auth signal handlers.

Each record's hash covers its content and the previous record's hash (SHA-256 over a canonical
JSON form), so removing or editing a record breaks the chain at that point; `audit_verify`
finds it. Writers lock the chain head row, which serializes audit writes; the record is part of
the caller's transaction, so if the audited change rolls back, so does its record, and if the
record cannot be written, the change fails with it.
"""

import hashlib
import json
from contextvars import ContextVar
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from audit.models import AuditEvent, ChainHead, Outcome

GENESIS = "0" * 64

# The request being served, set by `AuditContextMiddleware`: actions don't take a request, but
# their records still need the client's address. Per request (a context variable), never shared.
current_request: ContextVar = ContextVar("audit_current_request", default=None)


def client_ip(request) -> str | None:
    if request is None:
        return None
    from allauth.account.adapter import get_adapter

    try:
        return get_adapter(request).get_client_ip(request)
    except Exception:  # a malformed forwarding header must not stop the audited action
        return request.META.get("REMOTE_ADDR")


def plain(value):
    """The JSON form a value keeps through a database round trip: floats become strings
    (PostgreSQL's jsonb rewrites 1e16 and -0.0), anything else not JSON becomes a string."""
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    if isinstance(value, bool | int | str) or value is None:
        return value
    return repr(value) if isinstance(value, float) else str(value)


def canonical(fields: dict) -> bytes:
    return json.dumps(plain(fields), sort_keys=True, ensure_ascii=False).encode()


def stored_ip(ip: str | None) -> str | None:
    """The address as the database will give it back (::ffff:1.2.3.4 stays in that form)."""
    if not ip:
        return None
    return AuditEvent._meta.get_field("client_ip").to_python(ip)


def compute_hash(prev_hash: str, fields: dict) -> str:
    return hashlib.sha256(prev_hash.encode() + canonical(fields)).hexdigest()


def hashed_fields(event: AuditEvent) -> dict:
    """The content a record's hash covers (everything but the hashes and the id)."""
    occurred = event.occurred_at
    if isinstance(occurred, datetime):
        occurred = occurred.astimezone(timezone.UTC).isoformat()
    return {
        "occurred_at": occurred,
        "actor_id": event.actor_id,
        "actor_username": event.actor_username,
        "client_ip": event.client_ip,
        "event": event.event,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "object_repr": event.object_repr,
        "outcome": event.outcome,
        "changes": event.changes,
        "detail": event.detail,
    }


@transaction.atomic
def record_event(
    *,
    event: str,
    actor=None,
    obj=None,
    outcome: str = Outcome.SUCCESS,
    changes: dict | None = None,
    detail: dict | None = None,
    request=None,
    actor_username: str = "",
) -> AuditEvent:
    """Append one record. `actor` is a user (or None for the system); `obj` any model
    instance; `changes` maps field names to [before, after]. Two queries plus the insert."""
    request = request if request is not None else current_request.get()
    if actor is not None and actor.is_authenticated:
        actor_id, actor_username = actor.pk, actor.get_username()
    else:
        actor_id = None
    record = AuditEvent(
        actor_id=actor_id,
        actor_username=actor_username[:150],
        client_ip=stored_ip(client_ip(request)),
        event=event,
        outcome=outcome,
        changes=plain(changes or {}),
        detail=plain(detail or {}),
    )
    if obj is not None:
        record.object_type = obj._meta.label_lower
        record.object_id = str(obj.pk)
        record.object_repr = str(obj)[:200]
    # Migration 0002 makes the head row; get_or_create covers a database flushed since.
    head, _ = ChainHead.objects.select_for_update().get_or_create(
        pk=1, defaults={"last_hash": GENESIS}
    )
    # Stamped under the lock, so time order and chain (id) order agree.
    record.occurred_at = timezone.now()
    record.prev_hash = head.last_hash
    record.hash = compute_hash(record.prev_hash, hashed_fields(record))
    record.save()
    ChainHead.objects.filter(pk=1).update(last_hash=record.hash)
    return record


def field_changes(before: dict, after: dict) -> dict:
    """{field: [before, after]} for the fields whose values differ."""
    return {
        name: [before.get(name), after.get(name)]
        for name in sorted(set(before) | set(after))
        if before.get(name) != after.get(name)
    }


class AuditContextMiddleware:
    """Makes the current request available to `record_event` for the client address."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = current_request.set(request)
        try:
            return self.get_response(request)
        finally:
            current_request.reset(token)
