"""Every state change of the branches app. Views, admin, imports and commands call these."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from branches.models import Member, Organization, OrganizationKind, Pairing
from branches.phones import normalize_phone


@transaction.atomic
def organization_create(
    *, parent: Organization | None, name: str, kind: str, by=None, **fields
) -> Organization:
    """Add an organization under `parent` (None: a new district committee root).

    Raises ValidationError when `kind` may not sit under the parent's kind (a branch never
    parents a committee) or when the row fails model validation."""
    if parent is None:
        if kind != OrganizationKind.DISTRICT:
            raise ValidationError(_("只有区委可以作为组织树的根。"), code="root_kind")
    elif not parent.may_parent(kind):
        raise ValidationError(
            _("%(parent)s（%(parent_kind)s）下不能设立%(kind)s。")
            % {
                "parent": parent.name,
                "parent_kind": parent.get_kind_display(),
                "kind": OrganizationKind(kind).label,
            },
            code="kind_rule",
        )
    organization = Organization(name=name, kind=kind, **fields)
    organization.full_clean(exclude=["path", "depth", "numchild"])
    if parent is None:
        return Organization.objects.add_root(instance=organization)
    # A fresh copy of the parent: treebeard reads its path and child count from the row.
    return Organization.objects.add_child(
        Organization.objects.get(pk=parent.pk), instance=organization
    )


@transaction.atomic
def member_create(*, by=None, phone: str, **fields) -> Member:
    """Create a member with a normalized phone. Raises ValidationError on bad input."""
    member = Member(phone=normalize_phone(phone), **fields)
    member.full_clean()
    member.save()
    return member


@transaction.atomic
def pairing_create(
    *, organization: Organization, community: str, street, started_on, notes: str = "", by=None
) -> Pairing:
    """Pair an enterprise organization with a residential community. Raises ValidationError
    when the organization has no platform enterprise or the pairing already exists."""
    pairing = Pairing(
        organization=organization,
        community=community.strip(),
        street=street,
        started_on=started_on,
        notes=notes,
    )
    pairing.full_clean()
    pairing.save()
    return pairing
