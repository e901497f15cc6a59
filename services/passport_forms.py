"""Forms of the vanguard passport, micro-courses and party-lesson routes (issue 6)."""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _


class VolunteerDeclareForm(forms.Form):
    description = forms.CharField(label=_("服务内容"), max_length=200)
    served_on = forms.DateField(label=_("服务日期"), widget=forms.DateInput(attrs={"type": "date"}))
    hours = forms.DecimalField(
        label=_("时长（小时）"),
        min_value=Decimal("0.5"),
        max_value=Decimal(24),
        max_digits=4,
        decimal_places=1,
        widget=forms.NumberInput(attrs={"step": "0.5"}),
    )


class VolunteerDecideForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("审核结果"), choices=[("approve", _("认定")), ("refuse", _("不予认定"))]
    )
    reason = forms.CharField(label=_("未认定原因"), max_length=200, required=False)


class OptInForm(forms.Form):
    opt_in = forms.BooleanField(label=_("在排行榜上显示我（姓名打码）"), required=False)


class ReverseForm(forms.Form):
    reason = forms.CharField(label=_("更正原因"), max_length=200)


class LessonFinishForm(forms.Form):
    token = forms.CharField(max_length=300, widget=forms.HiddenInput)


class StopCheckinForm(forms.Form):
    """The phone's position, filled by static/js/route-locate.js."""

    latitude = forms.FloatField(min_value=-90, max_value=90, widget=forms.HiddenInput)
    longitude = forms.FloatField(min_value=-180, max_value=180, widget=forms.HiddenInput)
