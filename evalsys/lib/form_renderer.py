"""Django's form renderer with the plain widgets written in Python instead of through templates.

Every widget Django renders goes through the template engine (input.html including attrs.html,
select.html including an option template per choice). The indicator editor has over a hundred
inputs a page, and that engine work was most of its time (issue 10: "the editor page … re-render
only what changed"). `FastRenderer` writes the same markup for Django's own input, select and
textarea templates directly (byte for byte: tests/lib/test_form_renderer.py compares them with
hypothesis over values, attributes and choices, escaping included) and hands every other template
(radio lists, crispy's field layouts, a project override) to the engine unchanged.

Settings: FORM_RENDERER = "evalsys.lib.form_renderer.FastRenderer".
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cached_property
from pathlib import Path
from typing import Any

import django
from django.forms.renderers import DjangoTemplates
from django.utils.html import conditional_escape
from django.utils.safestring import SafeData, mark_safe

WIDGETS = "django/forms/widgets/"
OPTION = WIDGETS + "select_option.html"


def _text(value: Any) -> str:
    """`{{ value|stringformat:'s' }}` under autoescape: str(), escaped unless already safe."""
    return conditional_escape(value if isinstance(value, SafeData) else str(value))


def _attrs(attrs: dict[str, Any]) -> str:
    """attrs.html: ` name="value"`, a bare ` name` for True, nothing for False."""
    out = []
    for name, value in attrs.items():
        if value is False:
            continue
        key = conditional_escape(name)
        out.append(f" {key}" if value is True else f' {key}="{_text(value)}"')
    return "".join(out)


def _input(widget: dict[str, Any]) -> str:
    value = "" if widget["value"] is None else f' value="{_text(widget["value"])}"'
    return f'<input type="{conditional_escape(widget["type"])}" name="{conditional_escape(widget["name"])}"{value}' \
           f"{_attrs(widget['attrs'])}>"  # fmt: skip


def _option(option: dict[str, Any]) -> str:
    label = conditional_escape(option["label"])
    return f'<option value="{_text(option["value"])}"{_attrs(option["attrs"])}>{label}</option>'


def _select(widget: dict[str, Any]) -> str | None:
    parts = [f'<select name="{conditional_escape(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group_name, group_choices, _ in widget["optgroups"]:
        if group_name:
            parts.append(f'\n  <optgroup label="{conditional_escape(group_name)}">')
        for option in group_choices:
            if option.get("template_name") != OPTION:
                return None  # an option template of its own: the engine renders the whole select
            parts.append("\n  " + _option(option) + "\n")  # select_option.html ends with a newline
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>")
    return "".join(parts)


def _textarea(widget: dict[str, Any]) -> str:
    value = conditional_escape(widget["value"]) if widget["value"] else ""
    return f'<textarea name="{conditional_escape(widget["name"])}"{_attrs(widget["attrs"])}>\n{value}</textarea>'


FAST: dict[str, Callable[[dict[str, Any]], str | None]] = {
    WIDGETS + name: _input
    for name in ("input.html", "text.html", "number.html", "email.html", "password.html", "hidden.html",
                 "checkbox.html", "date.html", "url.html", "search.html", "tel.html")
} | {WIDGETS + "select.html": _select, WIDGETS + "textarea.html": _textarea}  # fmt: skip


class FastRenderer(DjangoTemplates):
    """DjangoTemplates, with Django's plain widget templates written in Python (same output)."""

    @cached_property
    def fast(self) -> dict[str, Callable[[dict[str, Any]], str | None]]:
        """The templates written in Python: those the engine finds in Django itself (a template a
        project puts in its place is rendered by the engine, as written)."""
        own = str(Path(django.__file__).parent / "forms" / "templates")
        return {name: fn for name, fn in FAST.items() if str(self.get_template(name).origin.name).startswith(own)}

    def render(self, template_name: str, context: dict[str, Any], request: Any = None) -> str:
        fast = self.fast.get(template_name)
        if fast is not None and isinstance(context.get("widget"), dict):
            html = fast(context["widget"])
            if html is not None:
                return mark_safe(html.strip())
        return super().render(template_name, context, request)
