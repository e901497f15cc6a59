"""Forms of benefits and care programs (issue 6, part 2)."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from branches.models import Member
from services.aid_files import clean_attachment
from services.care import AID_MAX_ATTACHMENTS, AID_MOVES, AidProgram, AidState, CareerTrack
from services.report_forms import MultipleFileInput


class AttachmentsField(forms.FileField):
    widget = MultipleFileInput(attrs={"accept": "image/*,application/pdf"})

    def clean(self, data, initial=None):
        files = list(data) if isinstance(data, list | tuple) else [data]
        files = [f for f in files if f]
        if len(files) > AID_MAX_ATTACHMENTS:
            raise ValidationError(_("最多上传 %(n)d 个附件。") % {"n": AID_MAX_ATTACHMENTS})
        for upload in files:
            clean_attachment(upload)  # a clear ValidationError for anything else
            upload.seek(0)
        return files


class MemberChoiceField(forms.ModelChoiceField):
    """Members by name, street and masked phone: names alone repeat in a roster."""

    def label_from_instance(self, obj):
        return f"{obj.name} · {obj.street.name} · {obj.masked_phone}"


class AidApplicationForm(forms.Form):
    program = forms.ModelChoiceField(
        label=_("帮扶项目"), queryset=AidProgram.objects.filter(is_active=True)
    )
    amount = forms.DecimalField(
        label=_("申请金额（元）"), min_value=1, max_digits=10, decimal_places=2
    )
    reason = forms.CharField(
        label=_("申请理由"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("例如：子女就读学校、年级，家庭困难情况。请勿填写身份证号。"),
    )
    attachments = AttachmentsField(
        label=_("证明材料（图片或 PDF，最多 5 个，每个不超过 10 MB）"), required=False
    )

    def clean(self):
        data = super().clean()
        program, amount = data.get("program"), data.get("amount")
        if program and amount and program.max_amount is not None and amount > program.max_amount:
            self.add_error(
                "amount",
                _("申请金额不能超过 %(max)s 元。") % {"max": f"{program.max_amount.normalize():f}"},
            )
        return data


class AidMoveForm(forms.Form):
    move = forms.ChoiceField(choices=[(m, m) for m in AID_MOVES])
    note = forms.CharField(label=_("备注"), required=False, max_length=2000)


class AidQueueFilterForm(forms.Form):
    state = forms.ChoiceField(
        label=_("状态"), required=False, choices=[("", _("全部")), *AidState.choices]
    )


class NominationForm(forms.Form):
    member = MemberChoiceField(label=_("人员"), queryset=Member.objects.none())
    title = forms.CharField(label=_("荣誉名称"), max_length=100, initial=_("骑士表彰"))
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100)
    citation = forms.CharField(
        label=_("事迹"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("将公开展示在荣誉榜上，请勿填写手机号等个人信息。"),
    )

    def __init__(self, *args, members, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = members
        self.fields["year"].initial = timezone.localdate().year


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=[("approve", _("批准")), ("decline", _("不批准"))])
    note = forms.CharField(label=_("审批意见"), required=False, max_length=500)


class CareerPlanForm(forms.Form):
    member = MemberChoiceField(label=_("人员"), queryset=Member.objects.none())
    track = forms.ModelChoiceField(label=_("成长计划"), queryset=CareerTrack.objects.all())

    def __init__(self, *args, members, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = members


class TickForm(forms.Form):
    done = forms.TypedChoiceField(
        choices=[("yes", _("完成")), ("no", _("撤销"))], coerce=lambda v: v == "yes"
    )


class RedeemForm(forms.Form):
    code = forms.CharField(label=_("兑换码"), max_length=30)
