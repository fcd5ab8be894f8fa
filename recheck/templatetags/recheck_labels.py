"""复核 in templates: `{{ s.what|what_label }}`, `{{ r.status|status_label }}`, `{{ s.published|points }}`.

The causes' labels come from `{% load labels %}` (`{{ d.cause|cause_label }}`, scoring.labels).
"""

from __future__ import annotations

from decimal import Decimal

from django import template

from recheck.services import STATUS_LABELS, WHAT_LABELS
from scoring.rules import pts

register = template.Library()


@register.filter
def what_label(code: str) -> str:
    return str(WHAT_LABELS.get(code, code))


@register.filter
def status_label(code: str) -> str:
    return str(STATUS_LABELS.get(code, code))


@register.filter
def points(value: object) -> object:
    """Two decimals for a number; a grade label (优, B) as it is."""
    return pts(value) if isinstance(value, Decimal) else value
