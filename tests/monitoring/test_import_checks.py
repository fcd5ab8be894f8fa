"""The 监控表 import checks each observation by plain tests (evalsys.lib.fieldchecks) instead of
Observation.clean_fields per row: what clean_fields refuses is still refused, with its Chinese
message, on the row and column it came from, and nothing is written."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.db import models

from evalsys.lib.fieldchecks import Checks, plain_test
from indicators.importer import ImportFailed
from indicators.services import workbook_import
from monitoring.importing import OBSERVATION_CHECKS
from monitoring.models import MonitoringReport, Observation
from projects.models import Project
from tests.monitoring.test_import import ROWS, YEAR, table

# a 定性 row: its 1-7月执行情况 is kept as text, unparsed, so only the model's max_length limits it
QUALITATIVE = ["", "", "", "", "效益指标", "社会效益指标", "满意度提升", "定性", "有效提升", "", 10, "进行中", "达成",
               "确定能", "", "", ""]  # fmt: skip
TOO_LONG = "监控表!第7行 1-M月执行情况：确保该变量包含不超过 500 字符 (目前字符数 501)。"


@pytest.mark.django_db
def test_a_too_long_text_to_date_is_refused_by_row_and_column(tmp_path) -> None:
    rows = [*(list(r) for r in ROWS), [*QUALITATIVE[:11], "进" * 501, *QUALITATIVE[12:]]]
    with pytest.raises(ImportFailed) as caught:
        workbook_import(path=table(tmp_path / "long.xlsx", rows), year=YEAR, user=None)
    assert caught.value.errors == [TOO_LONG]
    assert not Project.objects.exists() and not MonitoringReport.objects.exists()


@pytest.mark.django_db
def test_a_changed_row_is_checked_as_a_new_one(tmp_path) -> None:
    rows = [*(list(r) for r in ROWS), list(QUALITATIVE)]
    workbook_import(path=table(tmp_path / "ok.xlsx", rows), year=YEAR, user=None)
    rows[-1][11] = "进" * 500  # at the limit: stored
    workbook_import(path=table(tmp_path / "edge.xlsx", rows), year=YEAR, user=None)
    assert Observation.objects.get(indicator__level3="满意度提升").to_date_text == "进" * 500
    rows[-1][11] = "进" * 501
    with pytest.raises(ImportFailed) as caught:
        workbook_import(path=table(tmp_path / "long.xlsx", rows), year=YEAR, user=None)
    assert caught.value.errors == [TOO_LONG]
    assert Observation.objects.get(indicator__level3="满意度提升").to_date_text == "进" * 500


GOOD = {
    "to_date_text": ["a" * 500, "进行中"],
    "forecast_text": ["x" * 500],
    "forecast_label": ["部分达成"],
    "possibility": ["确定能", "有可能", "完全不可能"],
    "to_date": [Decimal("1234567890123456.1234"), Decimal("-0.0001"), Decimal(0)],
    "forecast": [Decimal("99.5")],
    "forecast_date": [datetime.date(2025, 9, 30)],
    "causes": [["经费保障", "其他"]],
    "reason": ["原" * 5000],
    "forecast_score": [Decimal("99999.99")],
    "light": ["red", "blue"],
    "id": [1, 2**62],
}
BAD = {
    "to_date_text": ["a" * 501],
    "forecast_text": ["进" * 501],
    "forecast_label": ["x" * 9],
    "possibility": ["大概能", "不可能"],
    "to_date": [Decimal("1" * 17), Decimal("1.12345"), Decimal("NaN"), Decimal("Infinity")],
    "forecast": [Decimal("1E+20")],
    "forecast_score": [Decimal("100000"), Decimal("0.001")],
    "light": ["x" * 9],
    "id": [2**63],
}


def _observation(name: str, value: object) -> Observation:
    return Observation(report_id=1, indicator_id=1, **{name: value})


@pytest.mark.parametrize(("name", "value"), [(n, v) for n, values in GOOD.items() for v in values])
def test_a_plain_valid_value_passes_without_clean_fields(name, value) -> None:
    o = _observation(name, value)
    assert OBSERVATION_CHECKS.passes(o)
    o.clean_fields(exclude=["report", "indicator"])  # and full validation agrees


@pytest.mark.parametrize(("name", "value"), [(n, v) for n, values in BAD.items() for v in values])
def test_a_value_clean_fields_refuses_is_refused_with_its_message(name, value) -> None:
    o = _observation(name, value)
    assert not OBSERVATION_CHECKS.passes(o)
    with pytest.raises(Exception) as expected:
        _observation(name, value).clean_fields(exclude=["report", "indicator"])
    with pytest.raises(Exception) as caught:
        OBSERVATION_CHECKS.clean(o)
    assert caught.value.message_dict == expected.value.message_dict
    assert list(caught.value.message_dict) == [name]


def test_a_value_of_another_type_goes_to_clean_fields() -> None:
    o = _observation("to_date", "1.5")  # a str in a decimal field: clean_fields converts it
    assert not OBSERVATION_CHECKS.passes(o)
    OBSERVATION_CHECKS.clean(o)
    assert o.to_date == Decimal("1.5")


def test_a_field_without_a_plain_test_is_left_to_clean_fields() -> None:
    checks = Checks(MonitoringReport, exclude=["project", "unit"])  # month has its own validators
    report = MonitoringReport(year=2025, month=13)
    assert not checks.passes(report)
    with pytest.raises(Exception) as caught:
        checks.clean(report)
    assert "month" in caught.value.message_dict


class _Upper(models.CharField):
    """A field of our own: its to_python may change a value, so it has no plain test."""

    def to_python(self, value: object) -> object:
        return str(value).upper()


def test_only_djangos_own_field_classes_have_plain_tests() -> None:
    assert plain_test(_Upper(max_length=8)) is None
    assert plain_test(models.EmailField()) is None  # its own validator
    assert plain_test(models.CharField(max_length=8)) is not None
