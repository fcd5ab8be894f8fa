"""The 复核 page's uploads: keep the last table (or zip) of the session, re-check it, offer downloads.

The file waits in MEDIA_ROOT/recheck/<token>.xlsx|.zip; the session holds the token and the
options, so a download re-checks the same file with the same rights (nothing is trusted from the
client). A new upload replaces the previous one. Nothing is written to the database.
"""

from __future__ import annotations

import json
import re
import secrets
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.sessions.backends.base import SessionBase
from django.core.files.uploadedfile import UploadedFile

from intake.services import upload_max_rows
from recheck.archive import ArchiveRefused, unpack_workbooks
from recheck.downloads import findings_workbook, summary_workbook
from recheck.services import RecheckReport, folder_recheck, report_json, workbook_recheck

UPLOAD_DIR = "recheck"
SESSION_KEY = "recheck_upload"
TOKEN = re.compile(r"[0-9a-f]{32}")
STALE_SECONDS = 24 * 3600
NO_PENDING = "没有可下载的复核结果，请先上传自评表"
NOT_OFFERED = "此次复核没有这种下载"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOWNLOADS = ("xlsx", "json", "summary")


@dataclass(frozen=True)
class PendingRecheck:
    token: str
    ext: str  # "xlsx" or "zip"
    year: int
    scheme_key: str | None
    filename: str

    @property
    def path(self) -> Path:
        if not TOKEN.fullmatch(self.token) or self.ext not in ("xlsx", "zip"):
            raise ValueError(NO_PENDING)
        return Path(settings.MEDIA_ROOT) / UPLOAD_DIR / f"{self.token}.{self.ext}"


@dataclass
class PageOutcome:
    """One table's report, or a batch's reports, or why the archive was refused."""

    pending: PendingRecheck
    report: RecheckReport | None = None
    reports: list[RecheckReport] = field(default_factory=list)
    refused: str = ""
    skipped: list[str] = field(default_factory=list)  # archive members that are not workbooks

    @property
    def batch(self) -> bool:
        return self.pending.ext == "zip"


def recheck_upload(*, session: SessionBase, file: UploadedFile, year: int, scheme_key: str | None,
                   user: Any) -> PageOutcome:  # fmt: skip
    """Keep `file` for the session (replacing the previous one) and re-check it."""
    recheck_discard(session=session)
    ext = "zip" if (file.name or "").lower().endswith(".zip") else "xlsx"
    pending = PendingRecheck(secrets.token_hex(16), ext, year, scheme_key, file.name or "")
    folder = pending.path.parent
    folder.mkdir(parents=True, exist_ok=True)
    _sweep(folder)
    with pending.path.open("wb") as out:
        for chunk in file.chunks():
            out.write(chunk)
    session[SESSION_KEY] = asdict(pending)
    return _run(pending, user)


def recheck_pending(*, session: SessionBase, user: Any) -> PageOutcome | None:
    """The session's last upload, re-checked; None when there is none (or its file is gone)."""
    stored = session.get(SESSION_KEY)
    try:
        pending = PendingRecheck(**stored) if stored else None
        if pending is None or not pending.path.is_file():
            return None
    except (TypeError, ValueError):
        return None
    return _run(pending, user)


def recheck_discard(*, session: SessionBase) -> None:
    stored = session.pop(SESSION_KEY, None)
    try:
        if stored:
            PendingRecheck(**stored).path.unlink(missing_ok=True)
    except (TypeError, ValueError):
        pass


def recheck_download(*, outcome: PageOutcome, fmt: str) -> tuple[bytes, str, str]:
    """(body, content type, file name) of a download; ValueError when this upload has no such file."""
    stem = Path(outcome.pending.filename).stem or "复核"
    if fmt == "summary" and outcome.batch and outcome.reports:
        return summary_workbook(outcome.reports), XLSX, f"{stem}-复核汇总.xlsx"
    if fmt == "json" and outcome.batch and outcome.reports:
        tables = [{"file": r.filename, **report_json(r)} for r in outcome.reports]
        return _json({"tables": tables}), "application/json", f"{stem}-复核.json"
    report = outcome.report
    if report is None or report.errors or fmt not in ("xlsx", "json"):
        raise ValueError(NOT_OFFERED)
    if fmt == "xlsx":
        return findings_workbook(report), XLSX, f"{stem}-复核.xlsx"
    return _json(report_json(report)), "application/json", f"{stem}-复核.json"


def _json(data: dict[str, Any]) -> bytes:
    return json.dumps(data, ensure_ascii=False, indent=2).encode()


def _run(pending: PendingRecheck, user: Any) -> PageOutcome:
    options = {"year": pending.year, "scheme_key": pending.scheme_key, "user": user, "max_rows": upload_max_rows()}
    if pending.ext == "xlsx":
        report = workbook_recheck(path=pending.path, filename=pending.filename, **options)
        return PageOutcome(pending, report=report)
    with tempfile.TemporaryDirectory() as folder:
        try:
            unpacked = unpack_workbooks(pending.path, Path(folder))
        except ArchiveRefused as exc:
            return PageOutcome(pending, refused=str(exc))
        reports = folder_recheck(files=unpacked.files, **options)
    return PageOutcome(pending, reports=reports, skipped=unpacked.skipped)


def _sweep(folder: Path) -> None:
    """Delete uploads of sessions that never came back."""
    cutoff = time.time() - STALE_SECONDS
    for old in folder.iterdir():
        if old.suffix in (".xlsx", ".zip") and old.stat().st_mtime < cutoff:
            old.unlink(missing_ok=True)
