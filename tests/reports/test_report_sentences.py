"""Report sentences (issue 15 B19): a fund source without an amount, and the 执行率偏低原因."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from docx import Document

from projects.models import Fund, FundSource
from reports.data import report_for
from reports.docx import render
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def project(unit_a):
    project = factories.project(unit=unit_a, code="S-019", year=2025)
    Fund.objects.create(project=project, source=FundSource.FISCAL, initial=Decimal("100"), annual=Decimal("100"),
                        executed=Decimal("60"))  # fmt: skip
    # another source entered with its 全年预算数 only (no 年初预算数): a mid-year addition
    Fund.objects.create(project=project, source=FundSource.OTHER, annual=Decimal("20"), executed=Decimal("10"))
    factories.indicator(project, level3="培训人次", weight="90", target=Decimal(10), actual=Decimal(10),
                        actual_text="10")  # fmt: skip
    project.low_execution_reason = "部分培训场地租赁费用于次年初结算"
    project.save()
    return project


def test_a_source_without_an_amount_says_so(project) -> None:
    initial, annual, _executed = report_for(project).funds_sentences
    assert initial == "本年度资金年初预算数100.00万元，其中：当年财政拨款100.00万元，其他资金未填写。"
    assert "其他资金万元" not in initial
    assert annual == "本年度资金全年预算数120.00万元，其中：当年财政拨款100.00万元，其他资金20.00万元。"


def test_the_low_execution_reason_is_printed(project) -> None:
    data = report_for(project)
    assert data.budget_sentences[-1] == "预算执行率偏低原因：部分培训场地租赁费用于次年初结算"
    text = "\n".join(p.text for p in Document(io.BytesIO(render(data))).paragraphs)
    assert "预算执行率偏低原因：部分培训场地租赁费用于次年初结算" in text
    assert "其他资金万元" not in text
