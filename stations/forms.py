from django import forms
from django.utils.translation import gettext_lazy as _

from branches.models import Street
from stations.models import StationKind


class StationFilterForm(forms.Form):
    """The public finder's filters (GET). Invalid values are ignored, never an error."""

    street = forms.ModelChoiceField(
        label=_("街道"), queryset=Street.objects.all(), required=False, empty_label=_("全部街道")
    )
    kind = forms.ChoiceField(
        label=_("类型"), choices=[("", _("全部类型")), *StationKind.choices], required=False
    )

    def filter(self, stations):
        if not self.is_valid():
            return stations
        if self.cleaned_data["street"]:
            stations = stations.filter(street=self.cleaned_data["street"])
        if self.cleaned_data["kind"]:
            stations = stations.filter(kind=self.cleaned_data["kind"])
        return stations
