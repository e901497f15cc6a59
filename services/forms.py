import calendar
from datetime import date

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from branches.models import Organization, Street
from services.actions import MAX_REPEATS
from services.models import Activity, ActivityKind, AttachmentKind, Minutes, Program
from services.scope import hostable_organizations
from stations.models import Station

DATETIME_INPUT = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class CalendarFilterForm(forms.Form):
    """The calendar's filters (GET). Invalid values are ignored, never an error."""

    view = forms.ChoiceField(
        label=_("视图"),
        choices=[("month", _("月历")), ("list", _("列表"))],
        required=False,
    )
    month = forms.CharField(label=_("月份"), required=False, widget=forms.HiddenInput)
    street = forms.ModelChoiceField(
        label=_("街道"), queryset=Street.objects.all(), required=False, empty_label=_("全部街道")
    )
    kind = forms.ChoiceField(
        label=_("类型"), choices=[("", _("全部类型")), *ActivityKind.choices], required=False
    )
    program = forms.ChoiceField(
        label=_("所属项目"), choices=[("", _("全部项目")), *Program.choices], required=False
    )
    station = forms.ModelChoiceField(
        label=_("站点"),
        queryset=Station.objects.active().only("pk", "name"),
        required=False,
        empty_label=_("全部站点"),
    )

    def first_of_month(self) -> date:
        today = timezone.localdate()
        raw = self.data.get("month", "")
        try:
            year, month = (int(part) for part in raw.split("-"))
            return date(year, month, 1)
        except (ValueError, TypeError):
            return today.replace(day=1)

    def view_mode(self) -> str:
        return "list" if self.data.get("view") == "list" else "month"

    def filter(self, activities):
        if not self.is_valid():
            return activities
        data = self.cleaned_data
        if data["street"]:
            activities = activities.filter(street=data["street"])
        if data["kind"]:
            activities = activities.filter(kind=data["kind"])
        if data["program"]:
            activities = activities.filter(program=data["program"])
        if data["station"]:
            activities = activities.filter(station=data["station"])
        return activities


def month_bounds(first: date):
    last_day = calendar.monthrange(first.year, first.month)[1]
    return first, first.replace(day=last_day)


class ActivityForm(forms.ModelForm):
    """Create or edit an activity. Host organizations and stations are limited to the
    user's scope; a new activity may repeat weekly or monthly."""

    repeat = forms.ChoiceField(
        label=_("重复"),
        choices=[("", _("不重复")), ("weekly", _("每周")), ("monthly", _("每月"))],
        required=False,
    )
    repeat_count = forms.IntegerField(
        label=_("共几次"), min_value=1, max_value=MAX_REPEATS, initial=1, required=False
    )
    publish = forms.BooleanField(label=_("立即发布"), required=False, initial=True)

    class Meta:
        model = Activity
        fields = [
            "title",
            "kind",
            "program",
            "host_organization",
            "station",
            "address",
            "online_url",
            "start",
            "end",
            "capacity",
            "audience",
            "description",
        ]
        widgets = {"start": DATETIME_INPUT, "end": DATETIME_INPUT}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        hosts = hostable_organizations(user)
        if self.instance.pk:
            # Whoever may edit the activity may keep its current host.
            hosts = hosts | Organization.objects.filter(pk=self.instance.host_organization_id)
        self.fields["host_organization"].queryset = hosts.order_by("path")
        # Any open station: an organizer may meet at a station they do not run.
        self.fields["station"].queryset = Station.objects.active().order_by("name")
        if self.instance.pk:
            del self.fields["repeat"], self.fields["repeat_count"], self.fields["publish"]

    def clean(self):
        data = super().clean()
        if data.get("repeat") and not data.get("repeat_count"):
            self.add_error("repeat_count", _("请填写重复次数。"))
        return data


class LeaveRequestForm(forms.Form):
    reason = forms.CharField(label=_("请假事由"), max_length=200)


class MinutesForm(forms.ModelForm):
    class Meta:
        model = Minutes
        fields = ["chair", "recorder", "topic", "content", "resolutions"]
        widgets = {
            "content": forms.Textarea(attrs={"rows": 8}),
            "resolutions": forms.Textarea(attrs={"rows": 4}),
        }


class AttachmentForm(forms.Form):
    kind = forms.ChoiceField(label=_("类型"), choices=AttachmentKind.choices)
    file = forms.FileField(label=_("文件"))
    caption = forms.CharField(label=_("说明"), max_length=100, required=False)


class ReasonForm(forms.Form):
    """The one-line reason of a cancellation or a leave request: a NUL byte or an over-long
    text is a form error (the database would refuse the first)."""

    reason = forms.CharField(label=_("原因"), max_length=200, required=False)


class AmendmentForm(forms.Form):
    text = forms.CharField(label=_("更正内容"), widget=forms.Textarea(attrs={"rows": 3}))
