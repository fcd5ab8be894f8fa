"""An admin change list over a table too big to count on every page (issue 16 §1: 600,000 指标).

Django's admin counts the rows of every page it shows (the paginator's COUNT(*)); over a whole
table of 600,000 rows that is most of the page's time on PostgreSQL. As large admin sites do, an
unfiltered list on PostgreSQL shows the planner's estimate instead (pg_class: reltuples scaled to
the table's present size, as the planner itself scales it), rounded to three figures and said to
be approximate (“约 600,000 条”). A list narrowed by a filter or a search counts exactly (the count
is what the user asked), and so does SQLite, or a table the estimate puts under ESTIMATE_FROM rows
(exact there costs little). The estimate and, when needed, the exact count are one query: the
COUNT(*) is a subquery that PostgreSQL runs only when the estimate is under the threshold. The
pager ends at the estimate's last page, which shows whatever rows are there.

Use: `paginator = EstimatedCountPaginator` and the EstimatedCount mixin on a ModelAdmin (the
selection note says 约 too); the templates admin/pagination.html and admin/actions.html show the
estimate when `cl.paginator.estimated`.
"""

from __future__ import annotations

from functools import cached_property
from typing import Any

from django.core.paginator import Page, Paginator
from django.db import connections
from django.http import HttpRequest, HttpResponse

ESTIMATE_FROM = 100_000  # rows; below, an exact COUNT(*) costs a few milliseconds at most
SIGNIFICANT = 3  # figures of an estimate shown (600,012 -> 600,000)
APPROXIMATE = "约 {n:,} 条"
ALL_SELECTED = "已选中全部（约 {n:,} 条）"
SELECT_ALL = "选中全部（约 {n:,} 条）"

# the planner's row estimate of a table (its reltuples per page times its pages now; -1 when never
# analysed) and, only when that is under the threshold, the exact count
ESTIMATE_SQL = """
WITH estimate AS (
    SELECT CASE WHEN c.reltuples >= 0 AND c.relpages > 0
                THEN c.reltuples / c.relpages * (pg_relation_size(c.oid) / current_setting('block_size')::bigint)
                ELSE -1 END AS n
    FROM pg_class c WHERE c.oid = %s::regclass
)
SELECT estimate.n::bigint, CASE WHEN estimate.n < %s THEN (SELECT COUNT(*) FROM {table}) END FROM estimate
"""


def rounded(n: int, figures: int = SIGNIFICANT) -> int:
    """`n` to `figures` significant figures (612,345 -> 612,000)."""
    return round(n, -max(0, len(str(n)) - figures)) if n > 0 else n


class EstimatedCountPaginator(Paginator):
    """A paginator whose count of an unfiltered queryset on PostgreSQL is the planner's estimate
    (`estimated` says so); exact otherwise (Paginator's COUNT(*))."""

    estimate_from = ESTIMATE_FROM

    @cached_property
    def estimated(self) -> bool:
        return self._counted[1]

    @cached_property
    def count(self) -> int:
        return self._counted[0]

    @cached_property
    def _counted(self) -> tuple[int, bool]:
        query = getattr(self.object_list, "query", None)
        if query is None or not self._estimable(query):
            return super().count, False
        connection = connections[self.object_list.db]
        table = self.object_list.model._meta.db_table
        with connection.cursor() as cursor:
            cursor.execute(ESTIMATE_SQL.format(table=connection.ops.quote_name(table)), [table, self.estimate_from])
            estimate, exact = cursor.fetchone()
        if exact is not None:
            return exact, False
        return rounded(estimate), True

    def _estimable(self, query: Any) -> bool:
        """Whether the queryset is a whole table (no condition, no DISTINCT, no union, no slice) on PostgreSQL."""
        if connections[self.object_list.db].vendor != "postgresql":
            return False
        return not (query.has_filters() or query.distinct or query.combinator or query.is_sliced
                    or query.group_by is not None)  # fmt: skip

    @property
    def approximate(self) -> str:
        """The estimate as the page says it: 约 600,000 条."""
        return APPROXIMATE.format(n=self.count)

    def page(self, number: Any) -> Page:
        """A page; the last of an estimated count holds what is there (the estimate may be short)."""
        if not self.estimated:
            return super().page(number)
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        return self._get_page(self.object_list[bottom : bottom + self.per_page], number, self)


class EstimatedCount:
    """A ModelAdmin mixin: an unfiltered change list counts by estimate (EstimatedCountPaginator),
    and its 全部选中 note says so."""

    paginator = EstimatedCountPaginator

    def changelist_view(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> HttpResponse:
        response = super().changelist_view(request, extra_context)  # type: ignore[misc]
        context = getattr(response, "context_data", None)
        cl = context.get("cl") if context else None
        if cl is not None and getattr(cl.paginator, "estimated", False):
            context["selection_note_all"] = ALL_SELECTED.format(n=cl.result_count)
            context["select_all_note"] = SELECT_ALL.format(n=cl.result_count)
        return response
