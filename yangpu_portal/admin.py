from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.contrib.admin.models import LogEntry
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import AdminPasswordChangeForm, UserChangeForm
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext_lazy as _

from branches.roles import (
    ADMINISTRATOR_GROUPS,
    DISTRICT_ADMIN_GROUP,
    SECURITY_ADMIN_GROUP,
    SYSTEM_ADMIN_GROUP,
)
from yangpu_portal.duties import administrator_roles_clash, day_to_day_users
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


class DutiesUserChangeForm(UserChangeForm):
    """Refuses a change that would break separation of duties (三员分立)."""

    def clean(self):
        cleaned = super().clean()
        groups = cleaned.get("groups")
        if groups is not None and administrator_roles_clash(g.name for g in groups):
            raise ValidationError(
                _("系统管理员、安全管理员、审计管理员三个角色不能由同一账户兼任。")
            )
        if (
            cleaned.get("is_superuser")
            and self.instance.pk
            and (
                day_to_day_users().filter(pk=self.instance.pk).exists()
                or (groups is not None and any(g.name == DISTRICT_ADMIN_GROUP for g in groups))
            )
        ):
            raise ValidationError(_("日常工作账户不能设为超级用户。"))
        return cleaned


ACCOUNT_FIELDS = (None, {"fields": ["username", "password"]})
PERSONAL_FIELDS = (_("个人信息"), {"fields": ["first_name", "last_name", "email"]})
POLICY_FIELDS = (
    _("密码策略"),
    {"fields": ["is_active", "must_change_password", "password_changed_at", "last_login"]},
)
# Groups only: a permission given to one account directly would escape the role model.
ROLE_FIELDS = (_("角色与权限"), {"fields": ["is_staff", "groups"]})


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    """Accounts, split by duty: the system admin edits the account itself, the security admin
    only its roles; a superuser (break-glass only) sees everything."""

    form = DutiesUserChangeForm
    list_display = ["username", "first_name", "last_name", "is_staff", "is_active", "last_login"]
    change_password_form = AdminSetPasswordForm
    readonly_fields = ["password_changed_at", "last_login", "date_joined"]
    fieldsets = [
        *BaseUserAdmin.fieldsets,
        (_("密码策略"), {"fields": ["must_change_password", "password_changed_at"]}),
    ]

    def has_change_permission(self, request, obj=None):
        """Nobody but a superuser edits (or resets the password of) a superuser, an
        administrator-role account, or their own account here: one duty cannot take over
        another's account. People change their own password through the portal."""
        if obj is not None and not request.user.is_superuser:
            if obj.pk == request.user.pk or obj.is_superuser:
                return False
            if obj.groups.filter(name__in=ADMINISTRATOR_GROUPS).exists():
                return False
        return super().has_change_permission(request, obj)

    def user_change_password(self, request, id, form_url=""):
        """Setting somebody's password is the system admin's duty (and a superuser's)."""
        if not (
            request.user.is_superuser
            or request.user.groups.filter(name=SYSTEM_ADMIN_GROUP).exists()
        ):
            raise PermissionDenied
        return super().user_change_password(request, id, form_url)

    def get_fieldsets(self, request, obj=None):
        if obj is None or request.user.is_superuser:
            return super().get_fieldsets(request, obj)
        groups = set(request.user.groups.values_list("name", flat=True))
        if SECURITY_ADMIN_GROUP in groups:
            return [(None, {"fields": ["username"]}), ROLE_FIELDS]
        return [ACCOUNT_FIELDS, PERSONAL_FIELDS, POLICY_FIELDS]

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if (
            obj is not None
            and not request.user.is_superuser
            and request.user.groups.filter(name=SECURITY_ADMIN_GROUP).exists()
        ):
            readonly.append("username")
        return readonly

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
