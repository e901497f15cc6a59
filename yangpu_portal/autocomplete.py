"""The admin's autocomplete widgets, safe with a malformed submitted value.

Django's AutocompleteSelect renders the submitted choice again by looking it up
(`pk__in=[value]`); a value that is not a primary key ("abc" for an integer id) raises
ValueError while the page with the form errors renders, so the admin answered 500 instead of
showing "select a valid choice" (found by the bad-input suite). The safe widgets render such a
value as no selection; the form error still says what was wrong."""

from django.contrib.admin.widgets import AutocompleteSelect, AutocompleteSelectMultiple
from django.core.exceptions import ValidationError


class _SafeOptgroups:
    def optgroups(self, name, value, attr=None):
        try:
            return super().optgroups(name, value, attr)
        except (ValueError, TypeError, ValidationError):
            return super().optgroups(name, [], attr)


class SafeAutocompleteSelect(_SafeOptgroups, AutocompleteSelect):
    pass


class SafeAutocompleteSelectMultiple(_SafeOptgroups, AutocompleteSelectMultiple):
    pass


class SafeAutocompleteMixin:
    """For a ModelAdmin or inline with `autocomplete_fields`: put it first in the bases."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = SafeAutocompleteSelect(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = SafeAutocompleteSelectMultiple(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        return super().formfield_for_manytomany(db_field, request, **kwargs)
