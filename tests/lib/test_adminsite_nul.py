"""A NUL character in any query parameter of 后台管理 is a Chinese 400, never a 500 (issue 15 A8).

PostgreSQL refuses a text literal holding NUL (0x00) when the query runs, which the admin does
while rendering the page: `?unit=%00` in a change list filter or `term=%00` in an autocomplete
was a 500. Every registered change list's filter parameters, its search and every autocomplete
field are listed from the admin site itself, so a new admin or filter is covered too. Only
PostgreSQL raises (SQLite stores NUL): run with DATABASE_URL=postgres://... to see the old 500s.
"""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.contrib.admin import FieldListFilter
from django.contrib.admin.utils import get_fields_from_path
from django.test import RequestFactory
from django.urls import reverse

from evalsys.lib.adminsite import NUL_IN_QUERY

pytestmark = pytest.mark.django_db

VALUES = ["\x00", "1\x00", "\x00%", "2022\x00abc"]


def changelist_url(model) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")


def filter_parameters(model_admin, superuser) -> list[str]:
    """The query parameters every filter of the change list reads, whether or not it shows (a filter
    with nothing to choose from is hidden, its parameter still read), built as ChangeList does."""
    request = RequestFactory().get(changelist_url(model_admin.model))
    request.user = superuser
    model, names = model_admin.model, []
    for list_filter in model_admin.get_list_filter(request):
        if callable(list_filter):  # a SimpleListFilter, or a FieldListFilter class on its own
            spec = list_filter(request, {}, model, model_admin)
        else:
            field_path, make = list_filter if isinstance(list_filter, tuple) else (list_filter, FieldListFilter.create)
            field = get_fields_from_path(model, field_path)[-1]
            spec = make(field, request, {}, model, model_admin, field_path=field_path)
        names += spec.expected_parameters()
    return names


def changelist_requests(superuser) -> list[tuple[str, str]]:
    """(url, parameter) for every registered change list: each filter parameter, and `q` when it searches."""
    found = []
    for model, model_admin in admin.site._registry.items():
        names = filter_parameters(model_admin, superuser)
        if model_admin.get_search_fields(None):
            names.append("q")
        found += [(changelist_url(model), name) for name in names]
    return found


def autocomplete_fields() -> list[dict[str, str]]:
    """app_label, model_name and field_name of every autocomplete (model admins and their inlines)."""
    found = []
    for model, model_admin in admin.site._registry.items():
        owners = [(model, model_admin.autocomplete_fields)]
        owners += [(inline.model, inline.autocomplete_fields) for inline in model_admin.inlines]
        for owner, fields in owners:
            meta = owner._meta
            found += [{"app_label": meta.app_label, "model_name": meta.model_name, "field_name": f} for f in fields]
    return [dict(t) for t in {tuple(sorted(d.items())) for d in found}]


def test_every_filter_and_search_parameter_is_covered(admin_user) -> None:
    """The enumeration finds the probe's URLs (it reported 21), filters of every kind among them."""
    requests = changelist_requests(admin_user)
    parameters = {name for _, name in requests}
    assert len(requests) >= 21
    assert {"unit", "year", "status__exact", "unit__department__id__exact", "q"} <= parameters
    assert {"membership__role__exact", "is_superuser__exact", "attempt_time__gte"} <= parameters
    fields = {(f["model_name"], f["field_name"]) for f in autocomplete_fields()}
    assert {("project", "unit"), ("membership", "user"), ("membership", "review_units")} <= fields


@pytest.mark.parametrize("value", VALUES)
def test_a_nul_in_a_change_list_filter_or_search_is_a_chinese_400(client, admin_user, value) -> None:
    client.force_login(admin_user)
    for url, name in changelist_requests(admin_user):
        response = client.get(url, {name: value})
        assert response.status_code == 400, (url, name)
        assert NUL_IN_QUERY in response.content.decode(), (url, name)


@pytest.mark.parametrize("value", VALUES)
def test_a_nul_in_an_autocomplete_term_is_a_chinese_400(client, admin_user, unit_a, value) -> None:
    client.force_login(admin_user)
    fields = autocomplete_fields()
    assert fields
    for params in fields:
        response = client.get(reverse("admin:autocomplete"), {**params, "term": value})
        assert response.status_code == 400, params
        assert NUL_IN_QUERY in response.content.decode(), params


def test_the_same_filters_and_autocompletes_without_nul_answer(client, admin_user, unit_a) -> None:
    """The refusal is for NUL only: the same parameters with a plain value still work."""
    client.force_login(admin_user)
    for url, name in changelist_requests(admin_user):
        assert client.get(url, {name: "1"}).status_code in (200, 302), (url, name)  # 302: ?e=1, a bad value
    for params in autocomplete_fields():
        response = client.get(reverse("admin:autocomplete"), {**params, "term": "内蒙古"})
        assert response.status_code == 200, params
