"""Chinese labels and display forms in templates: `{% load labels %}`.

`{{ w.code|warning_label }}`, `{{ d.cause|cause_label }}`, `{{ fund.annual|amount }}` (1,230.50),
`{{ s.indicator|target }}` (≤1230.5万元, 2022年12月31日前), `{{ s.indicator|actual }}`,
`{{ day|cn_date }}` (2025年12月20日), `{{ gap|gap_url }}` (where a readiness gap is fixed).
"""

from __future__ import annotations

import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django import template
from django.urls import reverse
from django.utils import timezone

from scoring import display
from scoring.labels import CAUSE_LABELS, WARNING_LABELS

register = template.Library()

# where each kind of readiness gap (projects.readiness.Gap.code) is fixed: page and anchor;
# the other codes (no_indicators, weights_sum, ...) are fixed in the indicator editor
GAP_PLACES = {
    "low_execution": ("projects:edit", "#id_low_execution_reason"),
    "no_budget": ("projects:edit", "#funds"),
    "narrative": ("projects:detail", "#narrative"),
}


@register.filter
def gap_url(gap: Any) -> str:
    """The link of a projects.readiness.Gap: its page, at the field or indicator row to fill."""
    page, anchor = GAP_PLACES.get(gap.code, ("indicators:editor", ""))
    if gap.row_id is not None:
        anchor = f"#actual-row-{gap.row_id}"
    return reverse(page, args=[gap.project_id]) + anchor


@register.filter
def warning_label(code: str) -> str:
    return WARNING_LABELS.get(code, code)


@register.filter
def warning_list(codes: str) -> str:
    """A project's stored warning codes (",low_execution,missing_reason,") as the Chinese labels."""
    return "、".join(WARNING_LABELS.get(c, c) for c in (codes or "").split(",") if c)


@register.filter
def waiting_days(since: object) -> str:
    """How long something has waited since `since` (a datetime), in whole local days: 今天, 3 天."""
    if not isinstance(since, datetime.datetime):
        return "—"
    days = (timezone.localdate() - timezone.localtime(since).date()).days
    return "今天" if days <= 0 else f"{days} 天"


@register.filter
def cause_label(code: str) -> str:
    return CAUSE_LABELS.get(code, code)


@register.filter
def amount(value: object) -> str:
    """An amount in 万元: 1,230.50; "—" when there is none."""
    if value in (None, ""):
        return "—"
    try:
        return display.amount(Decimal(str(value)))
    except InvalidOperation:
        return str(value)


@register.filter
def target(indicator: object) -> str:
    return display.target_text(indicator)  # type: ignore[arg-type]


@register.filter
def actual(indicator: object) -> str:
    return display.actual_text(indicator) or "—"  # type: ignore[arg-type]


@register.filter
def cn_date(value: object) -> str:
    if isinstance(value, datetime.datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
    return display.chinese_date(value) if isinstance(value, datetime.date) else ""


@register.filter
def scored(evaluation: object) -> bool:
    """Whether an evaluation has anything to score yet (else the page says 未评分)."""
    return display.has_actuals(evaluation)  # type: ignore[arg-type]
