"""Reads of the intake pages: the year a workbook's title names, and which of last year's projects
can still be copied into a year."""

from __future__ import annotations

import re
from pathlib import Path
from typing import IO, Any

from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.db.models.functions import Abs
from django.utils import timezone

from evalsys.lib.xlsx import WorkbookRefused, read_sheets
from projects.access import visible_projects
from projects.models import Project
from projects.selectors import years_of
from scoring.schemes import DEFAULT_KEY


def copy_candidates(user: Any, year: int) -> QuerySet[Project]:
    """`user`'s projects of year−1 that have no counterpart in `year`.

    A counterpart is what indicators.copying.project_copy_to_year treats as a clash: the same code
    in `year`, or, for an uncoded project, the same name within the same unit.
    """
    same_code = Project.objects.filter(year=year, code=OuterRef("code"))
    same_name = Project.objects.filter(year=year, unit=OuterRef("unit"), name=OuterRef("name"))
    free = (~Q(code="") & ~Exists(same_code)) | (Q(code="") & ~Exists(same_name))
    return (
        visible_projects(user).filter(year=year - 1).filter(free).select_related("unit").order_by("unit__code", "code")
    )


def default_copy_year(user: Any) -> int:
    """The year after the latest one `user` has projects in; the current year when there are none."""
    years = years_of(visible_projects(user))
    return years[0] + 1 if years else timezone.localdate().year


def default_scheme_key(unit: Any, year: int) -> str:
    """The scheme of `unit`'s projects of `year` (else of its latest year); national without any.

    There is no per-unit scheme setting: the unit's own projects say which scheme it works under.
    """
    if unit is None:
        return DEFAULT_KEY
    projects = Project.objects.filter(unit=unit).order_by(Abs(F("year") - year), "-year", "-pk")
    return projects.values_list("scheme", flat=True).first() or DEFAULT_KEY


# --- the year of an uploaded table -----------------------------------------------------------

TITLE_YEAR = re.compile(r"(?<![0-9])((?:19|20)[0-9]{2})\s*年度")
TITLE_ROWS = 5  # a title sits above the header row: 2022年度项目支出绩效自评表, （2022年度）
TITLE_SHEETS = 3
YEAR_FROM_TITLE = "年度 {year}：取自表格标题“{title}”"
YEAR_MATCHES_TITLE = "年度 {year}：与表格标题“{title}”一致"
YEAR_DIFFERS = "按 {year} 年度试运行，但表格标题是“{title}”：如年度有误，请把年度改为 {found} 后重新上传"
YEAR_NO_TITLE = "按 {year} 年度试运行（表格标题中没有年度）：如年度有误，请填写年度后重新上传"


def title_year(source: str | Path | IO[bytes]) -> tuple[int, str] | None:
    """(year, title text) of the first "2022年度" in the title rows of the first sheets, else None.

    Reads only the top rows (the reader streams; the rest of the sheet is not parsed)."""
    try:
        for number, (_, rows) in enumerate(read_sheets(source)):
            if number >= TITLE_SHEETS:
                break
            if found := _year_in(rows):
                return found
    except WorkbookRefused:  # the import itself refuses such a file, saying why
        return None
    finally:
        if hasattr(source, "seek"):
            source.seek(0)
    return None


def _year_in(rows: Any) -> tuple[int, str] | None:
    for row_number, values in rows:
        if row_number > TITLE_ROWS:
            return None
        for value in values:
            match = TITLE_YEAR.search(value) if isinstance(value, str) else None
            if match:
                return int(match[1]), value.strip()
    return None


def year_note(year: int, found: tuple[int, str] | None, *, chosen: bool) -> tuple[str, bool]:
    """What the page says about the year a dry run used, and whether it is a warning: `found` is
    the title's (title_year), `chosen` whether the user typed the year rather than left it blank."""
    if found is None:
        return YEAR_NO_TITLE.format(year=year), not chosen
    title_year_, title = found
    if title_year_ != year:
        return YEAR_DIFFERS.format(year=year, title=title, found=title_year_), True
    return (YEAR_MATCHES_TITLE if chosen else YEAR_FROM_TITLE).format(year=year, title=title), False
