"""evalsys.lib.bulk.Blanks: instances built from positional defaults equal those built by keyword."""

from __future__ import annotations

from decimal import Decimal

import pytest

from evalsys.lib.bulk import Blanks
from indicators.models import Indicator
from projects.models import Project


def values(obj) -> dict:
    return {f.attname: getattr(obj, f.attname) for f in type(obj)._meta.concrete_fields}


def test_a_blank_equals_the_keyword_instance() -> None:
    project = Project(pk=7, year=2022, code="A1", name="项目")
    made = Blanks(Indicator).new({"project": project}, level1="产出指标", level3="人次", weight=Decimal(5))
    expected = Indicator(project=project, level1="产出指标", level3="人次", weight=Decimal(5))
    assert values(made) == values(expected)
    assert made._state.adding and made._state.db is None


@pytest.mark.django_db
def test_the_related_object_is_cached(django_assert_num_queries) -> None:
    project = Project(pk=7, year=2022, code="A1", name="项目")
    made = Blanks(Indicator).new({"project": project})
    with django_assert_num_queries(0):
        assert made.project is project and made.project_id == 7


def test_a_callable_default_is_called_for_each_instance() -> None:
    blanks = Blanks(Project)
    first, second = blanks.new(year=2022), blanks.new(year=2022)
    assert first.name_variants == [] and first.name_variants is not second.name_variants
