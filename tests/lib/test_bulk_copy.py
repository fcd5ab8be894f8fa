"""evalsys.lib.bulk's fast paths give what the slow ones give: the text of a COPY column, an instance
built without Model.__init__, and an insert without history rows."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import signals
from hypothesis import given
from hypothesis import strategies as st

from evalsys.lib.bulk import Blanks, _convert, _decimal, _sqlite_column, _text, bulk_create_logged
from indicators.models import Indicator
from monitoring.models import Observation
from projects.models import Project, Status
from tests import factories

cells = st.one_of(st.none(), st.integers(), st.text(alphabet=st.sampled_from("a中 \\\t\n\rN\0"), max_size=6))


@given(st.lists(cells, max_size=8))
def test_a_text_column_converts_as_each_value_does(values) -> None:
    assert _convert(_text, values) == [_text(v) for v in values]


constants = st.sampled_from([None, True, False, "", 0, 1, Decimal("0"), Decimal("1.00")])


@given(st.lists(constants, max_size=8), st.sampled_from([_text, _decimal, str, repr]))
def test_a_constant_column_converts_as_each_value_does(values, convert) -> None:
    """A column of one value (None, a bool, "") is converted once: the same text as value by value,
    also where equal values of other types (0, False, Decimal 0) stand beside it."""
    try:
        expected = [convert(v) for v in values]
    except Exception as exc:  # a converter of another type's values fails alike
        with pytest.raises(type(exc)):
            _convert(convert, values)
        return
    assert _convert(convert, values) == expected


def test_other_columns_convert_value_by_value() -> None:
    values = [Decimal("1.50"), None, Decimal("-0.01")]
    assert _convert(_decimal, values) == ["1.50", "\\N", "-0.01"]


def test_the_quick_instance_is_the_init_instance() -> None:
    blanks = Blanks(Indicator)
    assert blanks.quick
    project = Project(pk=7, year=2022, code="A1", name="项目")
    made = blanks.new({"project": project}, level1="产出指标", weight=Decimal(5))
    expected = Indicator(project=project, level1="产出指标", weight=Decimal(5))
    assert made.__dict__.keys() == expected.__dict__.keys()
    assert {k: v for k, v in made.__dict__.items() if k != "_state"} == {
        k: v for k, v in expected.__dict__.items() if k != "_state"
    }
    assert made._state.adding and made._state.db is None and made.project is project


def test_an_init_signal_takes_model_init() -> None:
    seen = []

    def receiver(sender, instance, **kwargs) -> None:
        seen.append(instance)

    signals.post_init.connect(receiver, sender=Indicator)
    try:
        blanks = Blanks(Indicator)
        made = blanks.new(level1="产出指标")
    finally:
        signals.post_init.disconnect(receiver, sender=Indicator)
    assert not blanks.quick and seen == [made]


@pytest.mark.django_db
@pytest.mark.parametrize("history", [True, False])
def test_rows_are_inserted_with_or_without_their_history(unit_a, history) -> None:
    project = factories.project(unit=unit_a, code="H1", year=2025)
    rows = [
        Blanks(Indicator).new({"project": project}, level1="产出指标", level2="数量指标", level3=f"指标{i}",
                              comparator="≥", target=Decimal(1), weight=Decimal(5), direction="正向")
        for i in range(3)
    ]  # fmt: skip
    before = Indicator.history.count()
    bulk_create_logged(rows, Indicator, reason="导入工作簿", user=None, history=history)
    assert sorted(Indicator.objects.filter(project=project).values_list("level3", flat=True)) == [
        "指标0", "指标1", "指标2"
    ]  # fmt: skip
    assert Indicator.history.count() - before == (3 if history else 0)


@pytest.mark.django_db
def test_keys_continue_after_the_last_one_ever_used(unit_a) -> None:
    """A deleted row's key is not given again (AUTOINCREMENT's rule on SQLite, the sequence's on
    PostgreSQL), and the rows inserted get consecutive fresh keys read back as written."""
    project = factories.project(unit=unit_a, code="K1", year=2025)
    blank = Blanks(Indicator)

    def rows(n: int, tag: str) -> list[Indicator]:
        return [blank.new({"project": project}, level1="产出指标", level2="数量指标", level3=f"{tag}{i}",
                          comparator="≥", target=Decimal(i), weight=Decimal("2.50"), direction="正向")
                for i in range(n)]  # fmt: skip

    first = rows(3, "a")
    bulk_create_logged(first, Indicator, reason="导入工作簿", user=None)
    top = max(r.pk for r in first)
    Indicator.objects.filter(pk=top).delete()
    second = rows(2, "b")
    bulk_create_logged(second, Indicator, reason="导入工作簿", user=None)
    assert min(r.pk for r in second) > top
    stored = {r.pk: (r.level3, r.target, r.weight) for r in Indicator.objects.filter(pk__in=[r.pk for r in second])}
    assert stored == {r.pk: (r.level3, r.target, r.weight) for r in second}
    history = Indicator.history.filter(id__in=[r.pk for r in second])
    assert sorted(history.values_list("history_type", "history_change_reason")) == [("+", "导入工作簿")] * 2


@pytest.mark.django_db(transaction=True)
def test_an_overlapped_insert_reports_its_error_as_django_does(unit_a) -> None:
    """`overlap` sends the inserts from a worker thread (COPY on PostgreSQL, executemany on SQLite):
    the rows are there after wait(), and a unique violation arrives as django.db.IntegrityError."""
    project = factories.project(unit=unit_a, code="O1", year=2025)
    blank = Blanks(Indicator)

    def rows(names: list[str]) -> list[Indicator]:
        return [blank.new({"project": project}, level1="产出指标", level2="数量指标", level3=name, comparator="≥",
                          target=Decimal(1), weight=Decimal(5), direction="正向") for name in names]  # fmt: skip

    with transaction.atomic():
        pending = bulk_create_logged(rows(["甲", "乙"]), Indicator, reason="导入工作簿", user=None, overlap=True)
        pending.wait()
        assert Indicator.objects.filter(project=project).count() == 2
    with pytest.raises(IntegrityError), transaction.atomic():
        pending = bulk_create_logged(rows(["丙", "甲"]), Indicator, reason="导入工作簿", user=None, overlap=True)
        pending.wait()
    assert sorted(Indicator.objects.filter(project=project).values_list("level3", flat=True)) == ["乙", "甲"]


@pytest.mark.parametrize("model", [Indicator, Project, Observation])
def test_a_column_is_passed_to_sqlite_as_the_orm_prepares_it(model) -> None:
    """_sqlite_column's shortcuts (plain values, choices members, NULL dates) give what each field's
    get_db_prep_save gives, column by column, for the values an import writes."""
    if connection.vendor != "sqlite":
        pytest.skip("SQLite's path (PostgreSQL's COPY writes text: test_other_columns_convert_value_by_value)")
    samples = [None, "文本", 7, True, Decimal("1.50"), Status.DRAFT, datetime.date(2025, 7, 31), ["经费保障"], [],
               {"原因": ["经费保障", 1.5, None]}]  # fmt: skip
    for field in model._meta.concrete_fields:
        for value in samples:
            if isinstance(value, datetime.date) and field.get_internal_type() == "DateTimeField":
                continue  # a date is not a moment
            try:
                if value is not None and field.to_python(value) != value:
                    continue  # a value of another type than the field's: the import never gives one
                expected = [field.get_db_prep_save(value, connection), field.get_db_prep_save(None, connection)]
            except (TypeError, ValueError, ValidationError, AttributeError):
                continue  # a value the field never takes
            assert _sqlite_column(field, [value, None]) == expected, (field.name, value)


@pytest.mark.django_db(transaction=True)
def test_a_query_during_an_overlapped_insert_waits_for_it(unit_a) -> None:
    """A query made before wait() (none is planned) runs after the worker's inserts, and sees them."""
    project = factories.project(unit=unit_a, code="O2", year=2025)
    blank = Blanks(Indicator)
    rows = [blank.new({"project": project}, level1="产出指标", level2="数量指标", level3=f"w{i}", comparator="≥",
                      target=Decimal(1), weight=Decimal(5), direction="正向") for i in range(200)]  # fmt: skip
    with transaction.atomic():
        pending = bulk_create_logged(rows, Indicator, reason="导入工作簿", user=None, overlap=True)
        assert Indicator.objects.filter(project=project).count() == 200
        more = [blank.new({"project": project}, level1="产出指标", level2="数量指标", level3="x", comparator="≥",
                          target=Decimal(1), weight=Decimal(5), direction="正向")]  # fmt: skip
        bulk_create_logged(more, Indicator, reason="导入工作簿", user=None)  # this module's own statements too
        pending.wait()
    assert Indicator.objects.filter(project=project).count() == 201
    assert Indicator.history.filter(id__in=[r.pk for r in [*rows, *more]]).count() == 201


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("overlap", [False, True])
@pytest.mark.parametrize("consecutive", [True, False])
def test_history_rows_repeat_the_rows_as_stored(unit_a, django_user_model, overlap, consecutive) -> None:
    """The "+" history rows (one INSERT … SELECT of the rows just inserted, or copied when their keys
    are not consecutive on SQLite) hold every value of their row as stored, with who, when and why."""
    user = django_user_model.objects.create_user(username="history-writer")
    project = factories.project(unit=unit_a, code="HS1", year=2025)
    blank = Blanks(Indicator)
    kinds = [
        {"comparator": "≥", "target": Decimal("12.50"), "unit": "个", "actual": Decimal("0.01"),
         "reason": "含\t制表符"},
        {"comparator": "定性", "target_text": "明显提升", "actual_label": "达成", "actual_assumed": True},
        {"comparator": "≤", "target": Decimal(0), "deadline": datetime.date(2025, 6, 30), "not_applicable": True,
         "actual_date": datetime.date(2025, 7, 1), "actual_text": "7月1日"},
    ]  # fmt: skip
    rows = []
    for i, values in enumerate(kinds):
        direction = "反向" if values["comparator"] == "≤" else "正向"
        rows.append(blank.new({"project": project}, level1="产出指标", level2="数量指标", level3=f"史{i}",
                              weight=Decimal("2.5"), direction=direction, position=i, **values))  # fmt: skip
    if not consecutive:  # keys given by the caller, with gaps
        top = (Indicator.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 10
        for i, row in enumerate(rows):
            row.pk = row.id = top + 3 * i
    with transaction.atomic():
        bulk_create_logged(rows, Indicator, reason="导入工作簿", user=user, overlap=overlap).wait()
    names = [f.attname for f in Indicator._meta.concrete_fields]
    stored = {r["id"]: r for r in Indicator.objects.filter(project=project).values(*names)}
    history = Indicator.history.filter(id__in=stored).values(*names, "history_type", "history_change_reason",
                                                             "history_user_id", "history_date")  # fmt: skip
    assert len(history) == 3
    for h in history:
        assert {name: h[name] for name in names} == stored[h["id"]]
        assert (h["history_type"], h["history_change_reason"], h["history_user_id"]) == ("+", "导入工作簿", user.pk)
        assert h["history_date"] is not None and h["history_date"].tzinfo is not None
