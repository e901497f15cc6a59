from allauth.account.forms import ChangePasswordForm as AllauthChangePasswordForm
from django import forms
from django.utils.translation import gettext_lazy as _


class ChangePasswordForm(AllauthChangePasswordForm):
    """A forced or expired password must really change."""

    def clean_password1(self):
        password = self.cleaned_data.get("password1")
        if password and password == self.cleaned_data.get("oldpassword"):
            raise forms.ValidationError(_("新密码不能与当前密码相同。"))
        return password
