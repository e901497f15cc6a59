"""The form renderer (settings.FORM_RENDERER): Django's, with `<select>` built in Python.

Django renders every `<option>` through two template includes. A select of the district's 300
organizations or 400 stations then costs 10-30 ms per page, more than everything else on a
list page (issue 10's profiles of the roster, the member page and the calendar). This
renderer produces the same markup as Django's `select.html` / `select_option.html` /
`attrs.html` templates, character for character (tests/test_form_renderer.py compares them),
for the stock select templates only; any other template, or a select whose options use
another template, goes through the templates as before."""

from django.forms.renderers import DjangoTemplates
from django.utils.html import conditional_escape, escape

SELECT = "django/forms/widgets/select.html"
OPTION = "django/forms/widgets/select_option.html"


def _attrs(attrs: dict) -> str:
    """`django/forms/widgets/attrs.html`: False omitted, True bare, anything else quoted."""
    parts = []
    for name, value in attrs.items():
        if value is False:
            continue
        if value is True:
            parts.append(f" {conditional_escape(name)}")
        else:
            # `stringformat:'s'` makes a plain string, which autoescaping always escapes.
            parts.append(f' {conditional_escape(name)}="{escape(value)}"')
    return "".join(parts)


class FastSelectRenderer(DjangoTemplates):
    def render(self, template_name, context, request=None):
        if template_name == SELECT:
            html = self._select(context["widget"])
            if html is not None:
                return html
        return super().render(template_name, context, request=request)

    @staticmethod
    def _select(widget) -> str | None:
        groups = widget["optgroups"]
        if any(opt["template_name"] != OPTION for _name, opts, _index in groups for opt in opts):
            return None
        out = [f'<select name="{conditional_escape(widget["name"])}"{_attrs(widget["attrs"])}>']
        for group_name, options, _index in groups:
            if group_name:
                out.append(f'\n  <optgroup label="{conditional_escape(group_name)}">')
            for option in options:
                out.append(
                    f'\n  <option value="{escape(option["value"])}"'
                    f"{_attrs(option['attrs'])}>{conditional_escape(option['label'])}</option>\n"
                )
            if group_name:
                out.append("\n  </optgroup>")
        out.append("\n</select>")
        return "".join(out)
