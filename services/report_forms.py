"""Forms of the sentinel reports (issue 7)."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from branches.models import Street
from services.report_photos import clean_photo
from services.reports import MAX_PHOTOS, HandlingUnit, ReportCategory, ReportState


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class PhotosField(forms.FileField):
    widget = MultipleFileInput(attrs={"accept": "image/*"})

    def clean(self, data, initial=None):
        files = [f for f in (data or []) if f] if isinstance(data, list | tuple) else [data]
        files = [f for f in files if f]
        if len(files) > MAX_PHOTOS:
            raise ValidationError(_("最多上传 3 张照片。"))
        for upload in files:
            clean_photo(upload)  # raises a clear ValidationError for non-images and big files
            upload.seek(0)
        return files


class ReportForm(forms.Form):
    category = forms.ModelChoiceField(
        label=_("事件类别"), queryset=ReportCategory.objects.filter(active=True)
    )
    description = forms.CharField(
        label=_("问题描述"), max_length=2000, widget=forms.Textarea(attrs={"rows": 4})
    )
    latitude = forms.FloatField(
        label=_("纬度"),
        min_value=-90,
        max_value=90,
        widget=forms.NumberInput(attrs={"step": "any"}),
    )
    longitude = forms.FloatField(
        label=_("经度"),
        min_value=-180,
        max_value=180,
        widget=forms.NumberInput(attrs={"step": "any"}),
    )
    address = forms.CharField(label=_("地址"), max_length=200, required=False)
    street = forms.ModelChoiceField(
        label=_("街道"),
        queryset=Street.objects.all(),
        required=False,
        empty_label=_("按位置自动判断"),
    )
    hide_identity = forms.BooleanField(label=_("对公众隐藏我的身份"), required=False, initial=True)
    photos = PhotosField(label=_("照片（最多 3 张）"), required=False)
    # Set once the reporter has seen the nearby open reports and still files a new one.
    file_anyway = forms.BooleanField(required=False, widget=forms.HiddenInput)


class NearbyForm(forms.Form):
    """The query of the check before submitting (`/reports/nearby/`)."""

    category = forms.ModelChoiceField(queryset=ReportCategory.objects.filter(active=True))
    latitude = forms.FloatField(min_value=-90, max_value=90)
    longitude = forms.FloatField(min_value=-180, max_value=180)


class ConfirmForm(forms.Form):
    fixed = forms.TypedChoiceField(
        choices=[("yes", _("已解决")), ("no", _("未解决"))], coerce=lambda v: v == "yes"
    )
    note = forms.CharField(required=False, max_length=500)


class TriageFilterForm(forms.Form):
    state = forms.ChoiceField(
        label=_("状态"), required=False, choices=[("", _("全部未结")), *ReportState.choices]
    )
    category = forms.ModelChoiceField(
        label=_("类别"), queryset=ReportCategory.objects.all(), required=False
    )
    street = forms.ModelChoiceField(label=_("街道"), queryset=Street.objects.all(), required=False)
    overdue = forms.BooleanField(label=_("仅看超期"), required=False)


class MoveForm(forms.Form):
    MOVES = ["accept", "dispatch", "start", "resolve", "reject", "duplicate"]
    move = forms.ChoiceField(choices=[(m, m) for m in MOVES])
    note = forms.CharField(required=False, max_length=2000)
    unit = forms.ModelChoiceField(queryset=HandlingUnit.objects.all(), required=False)
    original = forms.IntegerField(required=False, min_value=1)
