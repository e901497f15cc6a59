"""Every URL pattern of the project, with a concrete URL for each from the security world."""

import re
import uuid

from django.apps import apps
from django.contrib import admin
from django.urls import URLPattern, URLResolver, get_resolver


def walk(patterns=None, prefix="", namespace=None):
    """(route, name) for every pattern; unnamed patterns are named by their route."""
    if patterns is None:
        patterns = get_resolver().url_patterns
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            ns = pattern.namespace
            inner = f"{namespace}:{ns}" if namespace and ns else ns or namespace
            yield from walk(pattern.url_patterns, prefix + str(pattern.pattern), inner)
        elif isinstance(pattern, URLPattern):
            route = prefix + str(pattern.pattern)
            if pattern.name:
                yield route, f"{namespace}:{pattern.name}" if namespace else pattern.name
            else:
                yield route, route


_ADMIN_MODEL = re.compile(r"^admin/(?P<app>\w+)/(?P<model>\w+)/")


def admin_object_id(route: str) -> str:
    """The pk of an existing row of the model an admin route belongs to ("0" when the table
    is empty: the admin then redirects with a "does not exist" message)."""
    match = _ADMIN_MODEL.match(route)
    for model, _model_admin in admin.site._registry.items():
        if match and (model._meta.app_label, model._meta.model_name) == (
            match["app"],
            match["model"],
        ):
            row = model._default_manager.order_by("pk").first()
            return str(row.pk) if row else "0"
    return "0"


def fill(route: str, values: dict) -> str:
    """A concrete path for `route`: <converters> and regex groups are replaced by `values`
    (keyed by parameter name), else by the admin object id."""

    def value_of(name, converter="str"):
        if name in values:
            return str(values[name])
        if name in ("object_id", "id"):
            return admin_object_id(route)
        if name == "content_type_id":
            return str(apps.get_model("contenttypes", "ContentType").objects.first().pk)
        # No parameter given (a URL without a row yet): a value of the right shape.
        return {"int": "0", "uuid": unknown_uuid()}.get(converter, "x")

    path = re.sub(r"\(\?P<(\w+)>[^)]*\)", lambda m: value_of(m[1]), route)
    path = re.sub(r"<(?:(\w+):)?(\w+)>", lambda m: value_of(m[2], m[1] or "str"), path)
    return "/" + path.replace("^", "").replace("$", "").lstrip("/")


def unknown_uuid() -> str:
    return str(uuid.UUID(int=0))
