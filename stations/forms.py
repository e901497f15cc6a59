from django import forms
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext_lazy as _

from branches.models import Enterprise, Street
from stations.actions import Shift
from stations.geo import parse_point
from stations.models import (
    Amenity,
    Outlet,
    Program,
    Station,
    StationAmenity,
    StationKind,
    StationProgram,
    VisitorPurpose,
    Weekday,
)


class StationFilterForm(forms.Form):
    """The public finder's filters (GET). An invalid value drops that filter, never the page."""

    street = forms.ModelChoiceField(
        label=_("街道"), queryset=Street.objects.all(), required=False, empty_label=_("全部街道")
    )
    program = forms.ChoiceField(
        label=_("十大项目"), choices=[("", _("全部项目")), *Program.choices], required=False
    )
    amenity = forms.ChoiceField(
        label=_("设施"), choices=[("", _("全部设施")), *Amenity.choices], required=False
    )
    kind = forms.ChoiceField(
        label=_("类型"), choices=[("", _("全部类型")), *StationKind.choices], required=False
    )
    open = forms.ChoiceField(
        label=_("开放状态"),
        choices=[("", _("不限")), ("now", _("现在开放"))],
        required=False,
    )
    near = forms.CharField(
        label=_("我的位置"),
        required=False,
        max_length=60,
        help_text=_("纬度,经度（WGS-84），按距离排序"),
    )

    def clean_near(self):
        text = self.cleaned_data["near"].strip()
        if not text:
            return None
        point = parse_point(text)
        if point is None:
            raise forms.ValidationError(_("位置格式应为“纬度,经度”，例如 31.30,121.51。"))
        return point

    def value(self, name):
        """The cleaned value of `name`, or empty when it was missing or invalid."""
        self.is_valid()
        return self.cleaned_data.get(name) if name not in self.errors else None

    def filter(self, stations):
        """Apply the filters to a queryset annotated by `with_open_now` (for `open=now`) and,
        with `near`, ordered by `distance`. No query of its own beyond the street lookup."""
        if street := self.value("street"):
            stations = stations.filter(street=street)
        if kind := self.value("kind"):
            stations = stations.filter(kind=kind)
        # Semi-joins (EXISTS), not joins: one row per station whatever the planner's estimates.
        if program := self.value("program"):
            stations = stations.filter(
                Exists(StationProgram.objects.filter(station=OuterRef("pk"), program=program))
            )
        if amenity := self.value("amenity"):
            stations = stations.filter(
                Exists(StationAmenity.objects.filter(station=OuterRef("pk"), amenity=amenity))
            )
        if self.value("open") == "now":
            stations = stations.filter(open_now=True)
        if near := self.value("near"):
            stations = stations.with_distance_from(*near).order_by("distance", "name")
        return stations


class WeekHoursForm(forms.Form):
    """A station's week on one form: for each weekday "closed", one or two shifts, or 24 hours.
    A shift whose closing time is earlier than its opening time ends the next morning.
    `shifts` (after validation) is what `station_hours_set` takes."""

    CLOSED, HOURS, ALL_DAY = "closed", "hours", "all_day"
    MODES = [(CLOSED, _("不开放")), (HOURS, _("按时段")), (ALL_DAY, _("24小时"))]

    def __init__(self, *args, hours=(), **kwargs):
        super().__init__(*args, **kwargs)
        by_day = {}
        for row in hours:
            by_day.setdefault(row.weekday, []).append(row)
        for day in Weekday:
            rows = by_day.get(day.value, [])
            mode = (
                self.ALL_DAY
                if any(r.all_day for r in rows)
                else self.HOURS
                if rows
                else self.CLOSED
            )
            self.fields[f"d{day.value}-mode"] = forms.ChoiceField(
                label=day.label, choices=self.MODES, initial=mode, widget=forms.RadioSelect
            )
            timed = [r for r in rows if not r.all_day]
            for n in (1, 2):
                row = timed[n - 1] if len(timed) >= n else None
                for end in ("opens", "closes"):
                    self.fields[f"d{day.value}-{end}{n}"] = forms.TimeField(
                        label=_("开门") if end == "opens" else _("关门"),
                        required=False,
                        initial=getattr(row, end) if row else None,
                        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
                    )

    def days(self):
        """Per weekday, its bound fields, for the template's table."""
        return [
            {
                "label": day.label,
                "mode": self[f"d{day.value}-mode"],
                "shifts": [
                    (self[f"d{day.value}-opens{n}"], self[f"d{day.value}-closes{n}"])
                    for n in (1, 2)
                ],
            }
            for day in Weekday
        ]

    def clean(self):
        data = super().clean()
        shifts = []
        for day in Weekday:
            mode = data.get(f"d{day.value}-mode")
            if mode == self.ALL_DAY:
                shifts.append(Shift(weekday=day.value, all_day=True))
            elif mode == self.HOURS:
                pairs = [
                    (data.get(f"d{day.value}-opens{n}"), data.get(f"d{day.value}-closes{n}"))
                    for n in (1, 2)
                ]
                filled = [(opens, closes) for opens, closes in pairs if opens or closes]
                if not filled:
                    self.add_error(
                        f"d{day.value}-opens1",
                        _("%(day)s：请填写开放时段，或选择不开放。") % {"day": day.label},
                    )
                for opens, closes in filled:
                    if not (opens and closes) or opens == closes:
                        self.add_error(
                            f"d{day.value}-opens1",
                            _("%(day)s：每个时段都要有不同的开门和关门时间。") % {"day": day.label},
                        )
                        break
                    shifts.append(Shift(weekday=day.value, opens=opens, closes=closes))
        self.shifts = shifts
        return data


class StationFeaturesForm(forms.Form):
    amenities = forms.MultipleChoiceField(
        label=_("站点设施"),
        choices=Amenity.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    programs = forms.MultipleChoiceField(
        label=_("十大项目"),
        choices=Program.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )


class ClosureForm(forms.Form):
    date = forms.DateField(label=_("日期"), widget=forms.DateInput(attrs={"type": "date"}))
    reason = forms.CharField(label=_("原因"), max_length=100, required=False)

    def __init__(self, *args, today, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today

    def clean_date(self):
        if self.cleaned_data["date"] < self.today:
            raise forms.ValidationError(_("闭站日期不能早于今天。"))
        return self.cleaned_data["date"]


class VisitorCountForm(forms.Form):
    purpose = forms.ChoiceField(label=_("来访事由"), choices=VisitorPurpose.choices)
    count = forms.IntegerField(label=_("人数"), min_value=1, max_value=500, initial=1)


class OutletSurveyForm(forms.ModelForm):
    """A full-time worker's or organizer's survey of an outlet. Street and enterprise choices
    are limited to the surveyor's scope, so the outlet stays visible to them."""

    class Meta:
        model = Outlet
        fields = [
            "enterprise",
            "brand",
            "name",
            "street",
            "address",
            "latitude",
            "longitude",
            "rider_count",
            "surveyed_at",
            "notes",
        ]
        widgets = {
            "surveyed_at": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "latitude": forms.NumberInput(attrs={"step": "0.000001"}),
            "longitude": forms.NumberInput(attrs={"step": "0.000001"}),
            "notes": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, user, today, **kwargs):
        super().__init__(*args, **kwargs)
        if not user.has_perm("stations.view_outlet"):
            streets = Street.objects.organized_by(user)
            enterprises = Enterprise.objects.filter(
                organizations__organizer_assignments__user=user
            ).distinct()
            if streets.exists():
                self.fields["street"].queryset = streets
            if enterprises.exists():
                self.fields["enterprise"].queryset = enterprises
        # A survey, new or repeated, is dated today unless the surveyor says otherwise.
        self.initial["surveyed_at"] = today


class PlaceVisitForm(forms.Form):
    """A contact visit to a station or to an outlet the worker may see."""

    target = forms.ChoiceField(
        label=_("走访对象"),
        choices=[("station", _("服务阵地")), ("outlet", _("快递外卖网点"))],
        widget=forms.RadioSelect,
        initial="station",
    )
    station = forms.ModelChoiceField(
        label=_("服务阵地"),
        queryset=Station.objects.filter(is_active=True).select_related("street"),
        required=False,
    )
    outlet = forms.ModelChoiceField(
        label=_("快递外卖网点"), queryset=Outlet.objects.none(), required=False
    )
    visited_on = forms.DateField(
        label=_("走访日期"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    notes = forms.CharField(label=_("走访情况"), widget=forms.Textarea(attrs={"rows": 3}))
    follow_up = forms.CharField(
        label=_("后续事项"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    follow_up_due = forms.DateField(
        label=_("办理期限"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        required=False,
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["outlet"].queryset = Outlet.objects.visible_to(user).select_related("street")

    def clean(self):
        data = super().clean()
        if data.get("target") == "station":
            data["outlet"] = None
            if data.get("station") is None:
                self.add_error("station", _("请选择走访的阵地。"))
        elif data.get("target") == "outlet":
            data["station"] = None
            if data.get("outlet") is None:
                self.add_error("outlet", _("请选择走访的网点。"))
        return data
