from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from branches.forms import RosterFilterForm
from branches.models import Member, Organization, OrganizationKind, OrganizerAssignment
from branches.roles import manages_people
from branches.tree import nest

ROSTER_PAGE_SIZE = 50


@login_required
@require_GET
def organization_tree(request):
    """The organizations in the user's scope as a collapsible tree, each with its direct
    member count and its subtree total. One query for the rows (plus the one that finds the
    user's scope roots); the totals are summed over those rows in Python."""
    if not manages_people(request.user):
        raise PermissionDenied
    organizations = list(
        Organization.objects.visible_to(request.user)
        .select_related("street", "enterprise")
        .annotate(member_count=Count("members"))
        .order_by("path")
    )
    roots = nest(organizations)
    return render(
        request,
        "branches/organization_tree.html",
        {"organizations": organizations, "roots": roots},
    )


@login_required
@require_GET
def organization_detail(request, pk):
    """One organization: its details, child organizations with subtree totals, organizers,
    pairings and direct members (50 a page). A constant number of queries."""
    if not manages_people(request.user):
        raise PermissionDenied
    organization = get_object_or_404(
        Organization.objects.visible_to(request.user).select_related("street", "enterprise"),
        pk=pk,
    )
    subtree = list(
        Organization.objects.filter(path__startswith=organization.path)
        .select_related("street", "enterprise")
        .annotate(member_count=Count("members"))
        .order_by("path")
    )
    (node,) = nest(subtree)
    organizers = Q(organization=organization)
    if organization.kind == OrganizationKind.STREET_COMMITTEE and organization.street_id:
        organizers |= Q(street=organization.street_id)
    members = organization.members.select_related("street", "employer").order_by("name", "pk")
    page = Paginator(members, ROSTER_PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "organization": organization,
        "node": node,
        "parent": Organization.objects.get_parent(organization) if organization.depth > 1 else None,
        "organizers": OrganizerAssignment.objects.filter(organizers).select_related("user"),
        "pairings": organization.pairings.select_related("street"),
        "page": page,
    }
    return render(request, "branches/organization_detail.html", context)


@login_required
@require_GET
def member_list(request):
    """The roster: members in scope, searchable by name or phone, filterable, 50 a page."""
    if not manages_people(request.user):
        raise PermissionDenied
    members = Member.objects.visible_to(request.user)
    form = RosterFilterForm(request.GET)
    members = form.filter(members).select_related("street", "organization", "employer")
    page = Paginator(members.order_by("name", "pk"), ROSTER_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(request, "branches/member_list.html", {"form": form, "page": page})
