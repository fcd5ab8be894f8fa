"""The project's 运行监控 report for the monitoring stage's panel, and values as the read-only page shows them."""

from __future__ import annotations

from django import template

from monitoring.models import MonitoringReport

register = template.Library()


@register.simple_tag
def monitoring_report(project: object) -> MonitoringReport | None:
    return MonitoringReport.objects.filter(project=project).first()


@register.filter
def shown(value: object) -> str:
    """A form value as read-only text: a list of categories joined with 、, nothing for None."""
    if isinstance(value, list | tuple):
        return "、".join(str(v) for v in value)
    return "" if value is None else str(value)


BADGES = {"green": "text-bg-success", "yellow": "text-bg-warning", "red": "text-bg-danger", "blue": "text-bg-primary"}


@register.filter
def light_badge(light: str) -> str:
    """The Bootstrap badge colour of a light (绿灯 green, 黄灯 yellow, 红灯 red, 蓝灯 blue)."""
    return BADGES.get(light, "text-bg-secondary")
