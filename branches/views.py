from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count
from django.shortcuts import render
from django.views.decorators.http import require_GET

from branches.forms import RosterFilterForm
from branches.models import Member, Organization
from branches.roles import manages_people

ROSTER_PAGE_SIZE = 50


@login_required
@require_GET
def organization_tree(request):
    """The organizations in the user's scope in tree order, with direct member counts
    (one query for the whole tree)."""
    if not manages_people(request.user):
        raise PermissionDenied
    organizations = (
        Organization.objects.visible_to(request.user)
        .select_related("street", "enterprise")
        .annotate(member_count=Count("members"))
        .order_by("path")
    )
    return render(request, "branches/organization_tree.html", {"organizations": organizations})


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
