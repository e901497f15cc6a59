from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.contrib.admin.models import LogEntry
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import AdminPasswordChangeForm
from django.utils.translation import gettext_lazy as _

from yangpu_portal.models import User

admin.site.site_header = admin.site.site_title = _("杨浦区新就业群体党建服务平台")
# One sign-in path for everyone: /admin/ sends to allauth's login (its rate limits apply) and
# refuses signed-in non-staff with 403.
admin.site.login = secure_admin_login(admin.site.login)


class AdminSetPasswordForm(AdminPasswordChangeForm):
    """A password an admin sets is temporary: the person must replace it at next sign-in."""

    def save(self, commit=True):
        self.user.must_change_password = True
        return super().save(commit=commit)


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "first_name", "last_name", "is_staff", "is_active", "last_login"]
    change_password_form = AdminSetPasswordForm
    readonly_fields = ["password_changed_at", "last_login", "date_joined"]
    fieldsets = [
        *BaseUserAdmin.fieldsets,
        (_("密码策略"), {"fields": ["must_change_password", "password_changed_at"]}),
    ]

    def save_model(self, request, obj, form, change):
        if not change:
            obj.must_change_password = True  # made by an admin: temporary password
        super().save_model(request, obj, form, change)


@admin.register(LogEntry)
class LogEntryAdmin(admin.ModelAdmin):
    """The admin's change history, read-only: the auditor's first view of the audit trail."""

    list_display = ["action_time", "user", "content_type", "object_repr", "action_flag"]
    list_filter = ["action_flag", "content_type"]
    search_fields = ["object_repr", "user__username"]
    list_select_related = ["user", "content_type"]
    date_hierarchy = "action_time"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
