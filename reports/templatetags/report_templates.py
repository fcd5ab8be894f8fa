"""{% word_template outline %}: which layout a project's Word report uses (the admin's template or the built-in one)."""

from __future__ import annotations

from django import template

from reports.selectors import word_template_in_use

register = template.Library()


@register.inclusion_tag("reports/_word_template.html")
def word_template(outline: str) -> dict:
    return {"template": word_template_in_use(outline)}
