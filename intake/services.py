"""Writes of the intake pages: keep an uploaded workbook, dry-run it, import it, throw it away.

The upload waits in MEDIA_ROOT/uploads/<token>.xlsx; the session holds the token and the import
options. A client only ever sends the token back, and it must equal the session's: no path, year
or scheme from the client is trusted at confirm time.
"""

from __future__ import annotations

import json
import re
import secrets
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.sessions.backends.base import SessionBase
from django.core.files.uploadedfile import UploadedFile
from django.utils import timezone

from indicators.importer import RowError
from indicators.services import ImportFailed, ImportRefused, ImportReport, workbook_import
from intake.error_workbook import CellError, errors_annotate
from intake.template_workbook import MONITORING, SELF_EVALUATION, template_build, template_filename
from projects.models import YearPlan
from scoring.schemes import get_scheme

UPLOAD_DIR = "uploads"
SESSION_KEY = "intake_upload"
ERRORS_KEY = "intake_errors"  # a refused upload kept for its marked copy: never confirmable
TOKEN = re.compile(r"[0-9a-f]{32}")
UPLOAD_MAX_ROWS = 10_000  # about 1,000 projects of 10 indicators
STALE_SECONDS = 24 * 3600  # uploads abandoned for a day are swept on the next upload
TOKEN_REFUSED = "待确认的导入不存在或已失效，请重新上传工作簿"
PREVIEW_DETAIL_LIMIT = 50  # projects shown row by row; the others one line each (the page stays light)
ERROR_LINE = re.compile(r"(?P<sheet>[^!]+)!第(?P<row>\d+)行\s*(?:(?P<column>[^：]{1,40})：)?(?P<fix>.*)", re.S)


@dataclass(frozen=True)
class PendingUpload:
    """An uploaded workbook waiting for 确认导入, with the options it was previewed with."""

    token: str
    year: int
    scheme_key: str | None
    filename: str
    skip_refused: bool = False

    @property
    def path(self) -> Path:
        return upload_path(self.token)

    @property
    def scheme_label(self) -> str:
        return get_scheme(self.scheme_key).label if self.scheme_key else ""


@dataclass(frozen=True)
class ErrorRow:
    """One ImportFailed message split for a table: where it is and what to fix."""

    sheet: str
    row: str
    column: str
    fix: str
    letter: str = ""  # the column's letter when the error knows its cell


@dataclass
class Outcome:
    """A dry run or an import: the report, or the errors that stopped it (nothing written)."""

    pending: PendingUpload | None = None
    report: ImportReport | None = None
    errors: list[ErrorRow] = field(default_factory=list)
    skippable: bool = False  # every error is a project the user may not change: they may skip them
    cells: list[CellError] = field(default_factory=list)  # the errors that name a cell of the workbook
    errors_token: str = ""  # the refused upload kept for its marked copy (upload_errors_workbook)

    @property
    def skipped(self) -> list[ErrorRow]:
        return [_split(line) for line in self.report.skipped] if self.report else []

    @property
    def previews(self) -> list[Any]:
        """The projects shown row by row (indicators.preview.ProjectPreview)."""
        return self.report.previews[:PREVIEW_DETAIL_LIMIT] if self.report else []

    @property
    def previews_brief(self) -> list[Any]:
        """The projects past PREVIEW_DETAIL_LIMIT, shown one line each."""
        return self.report.previews[PREVIEW_DETAIL_LIMIT:] if self.report else []


def upload_max_rows() -> int:
    """Rows one upload may hold: the page answers within seconds; larger tables are split, or
    imported by an admin with `manage.py import_workbook` (up to evalsys.lib.xlsx.MAX_ROWS)."""
    return int(getattr(settings, "EVALSYS_UPLOAD_MAX_ROWS", UPLOAD_MAX_ROWS))


def upload_path(token: str) -> Path:
    """Where the upload `token` is kept; ValueError for anything but a token this module made."""
    if not TOKEN.fullmatch(token):
        raise ValueError(TOKEN_REFUSED)
    return Path(settings.MEDIA_ROOT) / UPLOAD_DIR / f"{token}.xlsx"


def upload_preview(
    *, session: SessionBase, file: UploadedFile, year: int, scheme_key: str | None, skip_refused: bool, user: Any
) -> Outcome:
    """Keep `file` (replacing any pending upload) and dry-run it.

    A failed dry run keeps nothing, unless its only errors are projects the user may not change:
    then the upload waits, so that it can be previewed again skipping them (upload_skip).
    """
    upload_discard(session=session)
    pending = _store(file, year=year, scheme_key=scheme_key, skip_refused=skip_refused)
    return _preview(session, pending, user)


def upload_skip(*, session: SessionBase, pending: PendingUpload, user: Any) -> Outcome:
    """Preview the pending upload again, leaving out the projects the user may not change."""
    return _preview(session, replace(pending, skip_refused=True), user)


def _preview(session: SessionBase, pending: PendingUpload, user: Any) -> Outcome:
    try:
        outcome = _run(pending, user=user, dry_run=True)
    except BaseException:  # nothing may stay behind a failure, whatever it was
        pending.path.unlink(missing_ok=True)
        raise
    if outcome.errors and not outcome.skippable:
        session.pop(SESSION_KEY, None)
        _keep_refused(session, pending, outcome)
    else:
        session[SESSION_KEY] = asdict(pending)
        outcome.pending = pending
    return outcome


def upload_pending(*, session: SessionBase, token: str) -> PendingUpload | None:
    """The session's pending upload when `token` is its token, else None."""
    stored = session.get(SESSION_KEY)
    if not stored or not _same_token(token, stored["token"]):
        return None
    return PendingUpload(**stored)


def _same_token(sent: Any, kept: str) -> bool:
    """compare_digest refuses non-ASCII str (a TypeError, a 500): only a token's shape is compared."""
    return bool(TOKEN.fullmatch(str(sent))) and secrets.compare_digest(str(sent), kept)


def upload_confirm(*, session: SessionBase, pending: PendingUpload, user: Any) -> Outcome:
    """Import the previewed workbook for real with the previewed options, then discard it."""
    try:
        return _run(pending, user=user, dry_run=False)
    finally:
        upload_discard(session=session)


def upload_discard(*, session: SessionBase) -> None:
    """Forget the pending upload and the refused one, if any, and delete their files."""
    for key in (SESSION_KEY, ERRORS_KEY):
        stored = session.pop(key, None)
        if stored and TOKEN.fullmatch(stored.get("token", "")):
            upload_path(stored["token"]).unlink(missing_ok=True)
            _errors_path(stored["token"]).unlink(missing_ok=True)


def _errors_path(token: str) -> Path:
    return upload_path(token).with_suffix(".errors.json")


def _keep_refused(session: SessionBase, pending: PendingUpload, outcome: Outcome) -> None:
    """Keep a refused upload whose errors name cells, for its marked copy; delete any other."""
    if not outcome.cells:
        pending.path.unlink(missing_ok=True)
        return
    _errors_path(pending.token).write_text(json.dumps([e.as_dict() for e in outcome.cells], ensure_ascii=False))
    session[ERRORS_KEY] = {"token": pending.token, "filename": pending.filename}
    outcome.errors_token = pending.token


def upload_refused(*, session: SessionBase, token: str) -> PendingUpload | None:
    """The session's refused upload when `token` is its token, else None (another user's too)."""
    stored = session.get(ERRORS_KEY)
    if not stored or not _same_token(token, stored["token"]):
        return None
    if not (upload_path(stored["token"]).exists() and _errors_path(stored["token"]).exists()):
        return None  # swept meanwhile
    return PendingUpload(token=stored["token"], year=0, scheme_key=None, filename=stored["filename"])


def upload_errors_workbook(*, refused: PendingUpload) -> tuple[str, bytes]:
    """(file name, bytes) of the refused upload with its errors marked; AnnotationRefused when
    the workbook is past the upload page's row limit."""
    cells = [CellError(**e) for e in json.loads(_errors_path(refused.token).read_text())]
    content = errors_annotate(path=refused.path, errors=cells, max_rows=upload_max_rows())
    stem = Path(refused.filename).stem or "工作簿"
    return f"{stem}-错误标注.xlsx", content


def template_download(*, scheme_key: str, year: int, unit: Any, kind: str = SELF_EVALUATION) -> tuple[str, bytes]:
    """(file name, bytes) of the blank workbook for `scheme_key`, the example in `unit` (or a sample
    unit): the 自评表, with `kind` TARGETS the 绩效目标申报表, with MONITORING the 监控表 of this year at
    its calendar's cut-off month (年度安排; 7 without one)."""
    scheme = get_scheme(scheme_key)
    label = f"{unit.code}-{unit.name}" if unit is not None and unit.code else (unit.name if unit else "")
    month = 7
    if kind == MONITORING:
        year = timezone.localdate().year
        month = YearPlan.objects.filter(year=year).values_list("monitoring_month", flat=True).first() or month
    content = template_build(scheme=scheme, year=year, unit=label, kind=kind, month=month)
    return template_filename(scheme, kind), content


def _store(file: UploadedFile, *, year: int, scheme_key: str | None, skip_refused: bool) -> PendingUpload:
    pending = PendingUpload(token=secrets.token_hex(16), year=year, scheme_key=scheme_key, filename=file.name or "",
                            skip_refused=skip_refused)  # fmt: skip
    folder = pending.path.parent
    folder.mkdir(parents=True, exist_ok=True)
    _sweep(folder)
    with pending.path.open("wb") as out:
        for chunk in file.chunks():
            out.write(chunk)
    return pending


def _sweep(folder: Path) -> None:
    """Delete uploads nobody confirmed or replaced (closed browser, expired session)."""
    cutoff = time.time() - STALE_SECONDS
    for old in [*folder.glob("*.xlsx"), *folder.glob("*.errors.json")]:
        if old.stat().st_mtime < cutoff:
            old.unlink(missing_ok=True)


def _run(pending: PendingUpload, *, user: Any, dry_run: bool, progress: Callable[[int], None] | None = None) -> Outcome:
    try:
        report = workbook_import(path=pending.path, year=pending.year, scheme_key=pending.scheme_key,
                                 dry_run=dry_run, user=user, skip_refused=pending.skip_refused,
                                 max_rows=upload_max_rows(), progress=progress)  # fmt: skip
    except ImportFailed as exc:
        cells = [CellError.of(e) for e in exc.errors if isinstance(e, RowError)]
        # The server-side path means nothing to the user; name the file they uploaded.
        errors = [_row(e) if isinstance(e, RowError) else _split(_named(e, pending)) for e in exc.errors]
        return Outcome(errors=errors, skippable=isinstance(exc, ImportRefused), cells=cells)
    return Outcome(report=report)


def _named(message: str, pending: PendingUpload) -> str:
    """The message with the stored file's path or name (the token) replaced by the uploaded file's name."""
    return message.replace(str(pending.path), pending.filename).replace(pending.path.name, pending.filename)


def _row(error: RowError) -> ErrorRow:
    cell = CellError.of(error)
    return ErrorRow(error.sheet, str(error.row), cell.label, error.message, cell.letter)


def _split(message: str) -> ErrorRow:
    """`项目支出绩效表!第12行 指标值：“五十”不是数字` → sheet, row, column, fix."""
    match = ERROR_LINE.fullmatch(message)
    if not match:
        return ErrorRow("", "", "", message)
    return ErrorRow(match["sheet"], match["row"], match["column"] or "", match["fix"])
