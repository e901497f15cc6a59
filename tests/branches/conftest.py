"""Fixtures and helpers of the branches tests."""

import itertools

from branches.models import Member, OccupationGroup, PoliticalStatus

_bulk_phones = itertools.count(10090000001)


def bulk_members(count, *, street, organization=None, **fields):
    """`count` members in one INSERT, bypassing actions: for query-count tests at size."""
    status = PoliticalStatus.FULL if organization is not None else PoliticalStatus.MASSES
    return Member.objects.bulk_create(
        Member(
            name=f"成员{next(_bulk_phones) % 100000:05d}",
            gender="male",
            phone=str(next(_bulk_phones)),
            occupation=OccupationGroup.RIDER,
            street=street,
            organization=organization,
            political_status=fields.get("political_status", status),
            is_mobile=fields.get("is_mobile", False),
        )
        for _ in range(count)
    )


def queries_of(call):
    """Run `call()` and return (its result, the number of queries it ran)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as context:
        result = call()
    return result, len(context.captured_queries)
