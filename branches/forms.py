from django import forms
from django.utils.translation import gettext_lazy as _

from branches.models import OccupationGroup, PoliticalStatus, Street


class RosterFilterForm(forms.Form):
    """The roster's search box and filters (GET). Invalid values are ignored, never an error."""

    q = forms.CharField(label=_("搜索"), required=False, max_length=50)
    street = forms.ModelChoiceField(
        label=_("街道"), queryset=Street.objects.all(), required=False, empty_label=_("全部街道")
    )
    occupation = forms.ChoiceField(
        label=_("从业类型"),
        choices=[("", _("全部类型")), *OccupationGroup.choices],
        required=False,
    )
    political_status = forms.ChoiceField(
        label=_("政治面貌"),
        choices=[("", _("全部")), *PoliticalStatus.choices],
        required=False,
    )

    def filter(self, members):
        if not self.is_valid():
            return members
        data = self.cleaned_data
        if data["q"]:
            digits = data["q"].replace(" ", "")
            if digits.isdigit():
                members = members.filter(phone__contains=digits)
            else:
                members = members.filter(name__contains=data["q"].strip())
        if data["street"]:
            members = members.filter(street=data["street"])
        if data["occupation"]:
            members = members.filter(occupation=data["occupation"])
        if data["political_status"]:
            members = members.filter(political_status=data["political_status"])
        return members
