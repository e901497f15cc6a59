from django import forms
from django.utils.translation import gettext_lazy as _

from audit.models import Event


class AuditFilterForm(forms.Form):
    """The auditor's filters (GET). Invalid values are shown as form errors and ignored."""

    actor = forms.CharField(label=_("操作人"), required=False, max_length=150)
    event = forms.ChoiceField(
        label=_("事件"), choices=[("", _("全部事件")), *Event.choices], required=False
    )
    object_type = forms.CharField(
        label=_("对象类型"), required=False, max_length=100, help_text=_("例如 branches.member")
    )
    object_id = forms.CharField(label=_("对象编号"), required=False, max_length=64)
    since = forms.DateField(
        label=_("起始日期"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    until = forms.DateField(
        label=_("截止日期"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def filter(self, events):
        if not self.is_valid():
            return events
        data = self.cleaned_data
        if data["actor"]:
            events = events.filter(actor_username=data["actor"].strip())
        if data["event"]:
            events = events.filter(event=data["event"])
        if data["object_type"]:
            events = events.filter(object_type=data["object_type"].strip().lower())
        if data["object_id"]:
            events = events.filter(object_id=data["object_id"].strip())
        if data["since"]:
            events = events.filter(occurred_at__date__gte=data["since"])
        if data["until"]:
            events = events.filter(occurred_at__date__lte=data["until"])
        return events

    def applied(self) -> dict:
        """The filters in force, for the export's own audit record."""
        if not self.is_valid():
            return {}
        return {k: str(v) for k, v in self.cleaned_data.items() if v}
