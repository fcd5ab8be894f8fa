"""FastRenderer writes Django's plain widgets in Python: byte for byte what the templates write."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates
from django.utils.safestring import mark_safe
from hypothesis import given, settings
from hypothesis import strategies as st

from evalsys.lib.form_renderer import FastRenderer

FAST, ENGINE = FastRenderer(), DjangoTemplates()
TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=12) | st.sampled_from(
    ['<b>"x"</b>', "a&b", "'", "≥10个", "定性", " ", ""]
)
NAME = st.sampled_from(["value", "i12-actual", "level1", 'x"y', "a<b"])
VALUE = st.none() | TEXT | st.integers(-5, 10**6) | st.decimals(allow_nan=False, allow_infinity=False, places=2)
ATTR_VALUE = TEXT | st.booleans() | st.integers(0, 99) | st.builds(mark_safe, st.sampled_from(["<i>", "a&amp;b"]))
ATTRS = st.dictionaries(st.sampled_from(["class", "id", "placeholder", "inputmode", "required", "disabled", "hx-post",
                                         "data-x", "aria-label"]), ATTR_VALUE, max_size=5)  # fmt: skip
CHOICES = st.lists(st.tuples(TEXT, TEXT), max_size=5)
WIDGETS = [forms.TextInput, forms.NumberInput, forms.HiddenInput, forms.EmailInput, forms.PasswordInput,
           forms.DateInput, forms.Textarea]  # fmt: skip


def both(widget: forms.Widget, name: str, value, attrs) -> tuple[str, str]:
    return widget.render(name, value, attrs, renderer=FAST), widget.render(name, value, attrs, renderer=ENGINE)


@settings(max_examples=300, deadline=None)
@given(kind=st.sampled_from(WIDGETS), name=NAME, value=VALUE, attrs=ATTRS, own=ATTRS)
def test_inputs_and_textareas_are_written_as_the_templates_write_them(kind, name, value, attrs, own) -> None:
    fast, engine = both(kind(attrs=own), name, value, attrs)
    assert fast == engine


@settings(max_examples=300, deadline=None)
@given(name=NAME, value=VALUE | st.booleans(), attrs=ATTRS)
def test_checkboxes_likewise(name, value, attrs) -> None:
    fast, engine = both(forms.CheckboxInput(), name, value, attrs)
    assert fast == engine


@settings(max_examples=300, deadline=None)
@given(name=NAME, choices=CHOICES, groups=st.lists(st.tuples(TEXT, CHOICES), max_size=3), value=VALUE, attrs=ATTRS,
       multiple=st.booleans())  # fmt: skip
def test_selects_with_groups_and_choices_likewise(name, choices, groups, value, attrs, multiple) -> None:
    widget = (forms.SelectMultiple if multiple else forms.Select)(choices=[*choices, *groups])
    chosen = [value, choices[0][0]] if multiple and choices else value
    fast, engine = both(widget, name, chosen, attrs)
    assert fast == engine


def test_other_templates_go_to_the_engine() -> None:
    widget = forms.RadioSelect(choices=[("a", "甲"), ("b", "乙")])
    assert "django/forms/widgets/radio.html" not in FAST.fast
    assert widget.render("r", "a", renderer=FAST) == widget.render("r", "a", renderer=ENGINE)


def test_a_form_renders_alike_and_the_site_uses_it(settings) -> None:
    from django.forms.renderers import get_default_renderer

    from indicators.forms import ActualForm

    assert isinstance(get_default_renderer(), FastRenderer)

    class Sample(forms.Form):
        amount = forms.DecimalField(initial=Decimal("1.50"))
        note = forms.CharField(widget=forms.Textarea, initial="<script>")
        kind = forms.ChoiceField(choices=[("", "—"), ("x", "甲")], initial="x")
        ok = forms.BooleanField(initial=True)

    form = Sample()
    assert form.as_div() == Sample(renderer=ENGINE).as_div()
    assert "&lt;script&gt;" in form.as_div()
    assert ActualForm is not None


@pytest.mark.django_db
def test_the_editor_page_renders_alike(client, officer, unit_a) -> None:
    """The whole indicator editor, with the site's renderer and with Django's templates."""
    from django.test import override_settings
    from django.urls import reverse

    from tests import factories

    project = factories.project(unit=unit_a, code="R1", year=2025)
    factories.fund(project, annual="100", executed="90")
    factories.indicator(project, level3="培训<人次>", weight="50", actual=Decimal(8), actual_text="8")
    factories.indicator(project, level3="满意度", comparator="定性", weight="40", target=None, target_text="较好")
    client.force_login(officer)
    fast = client.get(reverse("indicators:editor", args=[project.pk])).content.decode()
    with override_settings(FORM_RENDERER="django.forms.renderers.DjangoTemplates"):
        engine = client.get(reverse("indicators:editor", args=[project.pk])).content.decode()
    token = re.compile(r"[A-Za-z0-9]{64}")  # the CSRF token is masked anew on every page
    assert fast.count("<input") == engine.count("<input") > 10
    assert token.sub("T", fast) == token.sub("T", engine)
