from django.core.checks import Error, register
from django.db import DatabaseError


@register("database")
def separation_of_duties(app_configs, databases=None, **kwargs):
    """Run by `manage.py check --database default`: accounts breaking 三员分立."""
    if not databases:
        return []
    from yangpu_portal.duties import violations

    try:
        found = violations()
    except DatabaseError:  # tables not migrated yet
        return []
    return [Error(message, id="portal.E001") for message in found]
