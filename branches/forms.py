from django import forms
from django.core.validators import FileExtensionValidator
from django.utils.translation import gettext_lazy as _

from branches.models import (
    ATTACHMENT_EXTENSIONS,
    Enterprise,
    Member,
    OccupationGroup,
    Organization,
    OrganizationKind,
    PoliticalStatus,
    Street,
)
from branches.phones import normalize_phone
from yangpu_portal.uploads import clean_attachment


class RosterFilterForm(forms.Form):
    """The roster's search box and filters (GET). Invalid values are ignored, never an error."""

    q = forms.CharField(
        label=_("搜索"),
        required=False,
        max_length=50,
        help_text=_("姓名，或手机号后几位"),
    )
    organization = forms.ModelChoiceField(
        label=_("党组织（含下级）"),
        queryset=Organization.objects.none(),
        required=False,
        empty_label=_("全部党组织"),
    )
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
    employer = forms.ModelChoiceField(
        label=_("平台企业"),
        queryset=Enterprise.objects.all(),
        required=False,
        empty_label=_("全部企业"),
    )
    mobile = forms.ChoiceField(
        label=_("流动党员"),
        choices=[("", _("全部")), ("yes", _("是")), ("no", _("否"))],
        required=False,
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = Organization.objects.visible_to(user).order_by(
            "path"
        )

    def applied(self) -> dict:
        """The valid filters in force, as text (for the export's audit record)."""
        self.is_valid()
        return {name: str(value) for name, value in self.cleaned_data.items() if value}

    def filter(self, members):
        """Apply the valid filters to `members`; an invalid field is dropped, the rest apply."""
        self.is_valid()
        data = {name: value for name, value in self.cleaned_data.items() if value}
        if data.get("q"):
            text = data["q"].replace(" ", "").replace("-", "")
            if text.isdigit():
                members = members.filter(phone__endswith=text)
            else:
                members = members.filter(name__contains=data["q"].strip())
        if data.get("organization"):
            members = members.filter(organization__path__startswith=data["organization"].path)
        if data.get("street"):
            members = members.filter(street=data["street"])
        if data.get("occupation"):
            members = members.filter(occupation=data["occupation"])
        if data.get("political_status"):
            members = members.filter(political_status=data["political_status"])
        if data.get("employer"):
            members = members.filter(employer=data["employer"])
        if data.get("mobile"):
            members = members.filter(is_mobile=data["mobile"] == "yes")
        return members


ATTACHMENT_MAX_BYTES = 5 * 1024 * 1024


class DateInput(forms.DateInput):
    input_type = "date"


class MemberForm(forms.ModelForm):
    """Create (all fields) or edit (not status or organization: those change through the
    lifecycle and transfers) a member, within the organizer's scope."""

    class Meta:
        model = Member
        fields = [
            "name",
            "gender",
            "phone",
            "occupation",
            "employer",
            "platform_worker_id",
            "street",
            "political_status",
            "organization",
            "is_mobile",
            "joined_party_on",
            "reported_community",
            "reported_on",
            "consent_to_contact",
        ]
        widgets = {"joined_party_on": DateInput(), "reported_on": DateInput()}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        # Typed with spaces, dashes or +86: normalized to 11 digits in clean_phone.
        self.fields["phone"] = forms.CharField(
            label=_("手机号"),
            max_length=30,
            widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
        )
        self.fields["organization"].queryset = (
            Organization.objects.visible_to(user)
            .exclude(kind=OrganizationKind.DISTRICT)
            .order_by("path")
        )
        if self.instance.pk:
            del self.fields["political_status"]
            del self.fields["organization"]

    def clean_phone(self):
        return normalize_phone(self.cleaned_data["phone"])

    def clean(self):
        data = super().clean()
        if self.user.has_perm("branches.view_member"):
            return data
        organization = data.get("organization", self.instance.organization)
        street = data.get("street")
        in_scope = (
            organization is not None
            and Organization.objects.visible_to(self.user).filter(pk=organization.pk).exists()
        ) or (
            street is not None
            and Street.objects.organized_by(self.user).filter(pk=street.pk).exists()
        )
        if not in_scope:
            raise forms.ValidationError(
                _("保存后该人员将不在您的管辖范围内：请选择您所辖的街道或党组织。"),
                code="out_of_scope",
            )
        return data


def _check_attachment(attachment):
    """Checked by content, images re-encoded without metadata, at most 5 MB."""
    if not attachment:
        return attachment
    return clean_attachment(
        attachment, extensions=ATTACHMENT_EXTENSIONS, max_bytes=ATTACHMENT_MAX_BYTES
    )


class StatusStepForm(forms.Form):
    """The next lifecycle step of a member (or leaving)."""

    to_status = forms.ChoiceField(label=_("新政治面貌"))
    changed_on = forms.DateField(label=_("日期"), widget=DateInput())
    organization = forms.ModelChoiceField(
        label=_("所在党组织"),
        queryset=Organization.objects.none(),
        required=False,
        help_text=_("可不填：保持原党组织。"),
    )
    note = forms.CharField(
        label=_("说明"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    attachment = forms.FileField(
        label=_("附件"),
        required=False,
        validators=[FileExtensionValidator(ATTACHMENT_EXTENSIONS)],
        help_text=_("PDF 或图片，不超过 5 MB。"),
    )

    def __init__(self, *args, member, user, statuses, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_status"].choices = [(s, PoliticalStatus(s).label) for s in statuses]
        self.fields["organization"].queryset = (
            Organization.objects.visible_to(user)
            .exclude(kind=OrganizationKind.DISTRICT)
            .order_by("path")
        )

    def clean_attachment(self):
        return _check_attachment(self.cleaned_data.get("attachment"))


class StatusCorrectionForm(StatusStepForm):
    note = forms.CharField(
        label=_("更正原因"), widget=forms.Textarea(attrs={"rows": 2}), required=True
    )


class TransferRequestForm(forms.Form):
    to_organization = forms.ModelChoiceField(
        label=_("转入党组织"),
        queryset=Organization.objects.exclude(kind=OrganizationKind.DISTRICT).order_by("path"),
    )
    reason = forms.CharField(
        label=_("转接原因"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )


class TransferDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("处理"), choices=[("accept", _("接收")), ("refuse", _("拒绝"))]
    )
    note = forms.CharField(
        label=_("处理意见"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        help_text=_("拒绝时必须填写原因。"),
    )

    def clean(self):
        data = super().clean()
        if data.get("decision") == "refuse" and not data.get("note", "").strip():
            self.add_error("note", _("拒绝时必须填写原因。"))
        return data


class VisitForm(forms.Form):
    """A contact visit: an enterprise, or a member found by phone within the worker's scope."""

    target = forms.ChoiceField(
        label=_("走访对象"),
        choices=[("enterprise", _("平台企业")), ("member", _("人员"))],
        widget=forms.RadioSelect,
        initial="enterprise",
    )
    enterprise = forms.ModelChoiceField(
        label=_("平台企业"), queryset=Enterprise.objects.all(), required=False
    )
    member_phone = forms.CharField(
        label=_("人员手机号"),
        required=False,
        max_length=30,
        help_text=_("走访人员时填写；须是您范围内的人员。"),
    )
    visited_on = forms.DateField(label=_("走访日期"), widget=DateInput())
    notes = forms.CharField(label=_("走访情况"), widget=forms.Textarea(attrs={"rows": 3}))
    follow_up = forms.CharField(
        label=_("后续事项"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    follow_up_due = forms.DateField(label=_("办理期限"), widget=DateInput(), required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean(self):
        data = super().clean()
        data["member"] = None
        if data.get("target") == "member":
            data["enterprise"] = None
            try:
                phone = normalize_phone(data.get("member_phone", ""))
            except forms.ValidationError as error:
                self.add_error("member_phone", error)
                return data
            member = Member.objects.visible_to(self.user).filter(phone=phone).first()
            if member is None:
                self.add_error("member_phone", _("您的范围内没有这个手机号的人员。"))
            data["member"] = member
        elif data.get("target") == "enterprise" and data.get("enterprise") is None:
            self.add_error("enterprise", _("请选择走访的企业。"))
        return data
