from django.urls import path

from branches import views

app_name = "branches"

urlpatterns = [
    path("", views.organization_tree, name="organization-tree"),
    path("<int:pk>/", views.organization_detail, name="organization-detail"),
    path("members/", views.member_list, name="member-list"),
    path("members/new/", views.member_create, name="member-create"),
    path("members/export.<str:fmt>", views.member_export, name="member-export"),
    path("members/template.xlsx", views.member_template, name="member-template"),
    path("members/<int:pk>/", views.member_detail, name="member-detail"),
    path("members/<int:pk>/edit/", views.member_edit, name="member-edit"),
    path("members/<int:pk>/status/", views.member_status_advance, name="member-status-advance"),
    path(
        "members/<int:pk>/status/<int:change_pk>/attachment/",
        views.status_attachment,
        name="status-attachment",
    ),
    path("members/<int:pk>/correction/", views.member_status_correct, name="member-status-correct"),
    path("members/<int:pk>/transfer/", views.transfer_create, name="transfer-create"),
    path("transfers/", views.transfer_list, name="transfer-list"),
    path("visits/", views.visit_list, name="visit-list"),
    path("visits/new/", views.visit_create, name="visit-create"),
    path("visits/coverage/", views.visit_coverage, name="visit-coverage"),
    path("transfers/<int:pk>/decide/", views.transfer_decide, name="transfer-decide"),
]
