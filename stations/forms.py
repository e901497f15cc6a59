from django import forms
from django.utils.translation import gettext_lazy as _

from branches.models import Street
from stations.geo import parse_point
from stations.models import Amenity, Program, StationKind


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
        if program := self.value("program"):
            stations = stations.filter(program_rows__program=program)
        if amenity := self.value("amenity"):
            stations = stations.filter(amenity_rows__amenity=amenity)
        if self.value("open") == "now":
            stations = stations.filter(open_now=True)
        if near := self.value("near"):
            stations = stations.with_distance_from(*near).order_by("distance", "name")
        return stations
