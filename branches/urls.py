from django.urls import path

from branches import views

app_name = "branches"

urlpatterns = [
    path("", views.organization_tree, name="organization-tree"),
    path("<int:pk>/", views.organization_detail, name="organization-detail"),
    path("members/", views.member_list, name="member-list"),
]
