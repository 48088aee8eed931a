"""Every view, viewset and ModelAdmin of a scoped model goes through the scoped bases."""

from django.contrib import admin
from django.urls import URLPattern, URLResolver, get_resolver
from django.views.generic import DetailView
from rest_framework import viewsets

from grid.api.scoped import ScopedModelViewSet
from grid.models import Building
from grid.scoped_admin import ScopedModelAdmin
from grid.scoped_views import ScopedViewMixin
from grid.scoping import is_scoped


def _patterns(patterns):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _patterns(pattern.url_patterns)
        elif isinstance(pattern, URLPattern):
            yield pattern


def _model_of(view_class):
    model = getattr(view_class, "model", None)
    queryset = getattr(view_class, "queryset", None)
    if model is None and queryset is not None:
        model = queryset.model
    return model


def bypassing_views(patterns):
    """Views of scoped models (API or HTML) not built on the scoped base classes."""
    offenders = []
    for pattern in _patterns(patterns):
        callback = pattern.callback
        if getattr(callback, "__module__", "").startswith("django.contrib.admin"):
            continue
        drf_class = getattr(callback, "cls", None)
        view_class = drf_class or getattr(callback, "view_class", None)
        if view_class is None:
            continue
        if view_class.__module__.startswith("django.contrib.admin"):
            continue
        model = _model_of(view_class)
        if model is None or not is_scoped(model):
            continue
        base = ScopedModelViewSet if drf_class is not None else ScopedViewMixin
        if not issubclass(view_class, base):
            offenders.append(f"{pattern.pattern} → {view_class.__qualname__}")
    return offenders


def bypassing_admins(site):
    return [
        f"{model.__name__} → {type(model_admin).__name__}"
        for model, model_admin in site._registry.items()
        if is_scoped(model) and not isinstance(model_admin, ScopedModelAdmin)
    ]


def test_no_view_of_a_scoped_model_bypasses_the_scoped_bases():
    patterns = list(_patterns(get_resolver().url_patterns))
    assert len(patterns) > 20
    assert bypassing_views(get_resolver().url_patterns) == []


def test_no_model_admin_of_a_scoped_model_bypasses_the_scoped_base():
    assert bypassing_admins(admin.site) == []


def test_the_meta_checks_catch_a_bypass():
    from django.urls import path

    class LeakyViewSet(viewsets.ReadOnlyModelViewSet):
        queryset = Building.objects.all()

    class LeakyPage(DetailView):
        model = Building

    patterns = [
        path("leak/", LeakyViewSet.as_view({"get": "list"})),
        path("leak-page/<int:pk>/", LeakyPage.as_view()),
    ]
    assert len(bypassing_views(patterns)) == 2

    site = admin.AdminSite(name="leaky")
    site.register(Building, admin.ModelAdmin)
    assert bypassing_admins(site) == ["Building → ModelAdmin"]
