"""The fast <select> renderer gives exactly Django's template-rendered markup."""

from django import forms
from django.forms.renderers import DjangoTemplates

from yangpu_portal.form_renderer import FastSelectRenderer


class Sample(forms.Form):
    plain = forms.ChoiceField(choices=[("", "---"), ("a", "A & B"), ("<b>", '"quoted"')])
    grouped = forms.ChoiceField(
        choices=[("x", "X"), ("组一", [("1", "一"), ("2", "二")]), ("组<二>", [("3", "三")])],
        required=False,
    )
    many = forms.MultipleChoiceField(choices=[("a", "A"), ("b", "B"), ("c", "C")])
    number = forms.TypedChoiceField(choices=[(1, "one"), (2, "two")], coerce=int)
    attrs = forms.ChoiceField(
        choices=[("a", "A")],
        widget=forms.Select(attrs={"class": "x&y", "data-on": True, "data-off": False}),
    )


def render(renderer, data):
    form = Sample(data, renderer=renderer)
    return {name: str(form[name]) for name in form.fields}


def test_selects_render_as_django_templates_do():
    for data in (None, {"plain": "<b>", "grouped": "2", "many": ["a", "c"], "number": "2"}):
        fast = render(FastSelectRenderer(), data)
        slow = render(DjangoTemplates(), data)
        assert fast == slow
    assert 'selected>"quoted"' not in fast["plain"]
    assert "&lt;b&gt;" in fast["plain"]
    assert '<optgroup label="组&lt;二&gt;">' in fast["grouped"]


def test_other_widgets_still_use_templates():
    form = Sample(renderer=FastSelectRenderer())
    assert 'type="radio"' in str(
        forms.RadioSelect(choices=[("a", "A")]).render("r", "a", renderer=FastSelectRenderer())
    )
    assert "<select" in str(form["plain"])
