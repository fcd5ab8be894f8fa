"""Unpack a batch of tables from a zip archive, refusing what a hostile archive holds.

Limits: the number of members, each member's and the whole archive's unpacked size (counted
while reading, not trusted from the header), no nested archives, no absolute or `..` paths,
only .xlsx members (others are listed as skipped). Members are written under generated names
in the caller's folder: a member's own path never reaches the file system. Each workbook then
meets evalsys.lib.xlsx's limits when it is read.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import IO

MAX_MEMBERS = 50
MAX_MEMBER_MB = 20
MAX_TOTAL_MB = 100
NESTED = (".zip", ".rar", ".7z", ".tar", ".gz", ".tgz")
CHUNK = 1 << 16

NOT_ZIP = "无法读取压缩包：请上传 .zip 格式的压缩包"
TOO_MANY = "压缩包中的文件超过 {limit} 个，请分批复核"
MEMBER_TOO_LARGE = "压缩包中的“{name}”解压后超过 {mb} MB"
TOTAL_TOO_LARGE = "压缩包解压后超过 {mb} MB，请分批复核"
NESTED_ARCHIVE = "压缩包中不能再含压缩包（“{name}”），请解压后把工作簿直接放入"
BAD_PATH = "压缩包中的路径“{name}”不安全（绝对路径或含 ..），已拒绝整个压缩包"
ENCRYPTED = "压缩包中的“{name}”已加密，请上传未加密的压缩包"
NO_WORKBOOK = "压缩包中没有 .xlsx 工作簿"


class ArchiveRefused(ValueError):
    """The archive will not be unpacked; the message says why, in Chinese."""


@dataclass
class Unpacked:
    files: list[tuple[str, Path]] = field(default_factory=list)  # (name in the archive, where it was written)
    skipped: list[str] = field(default_factory=list)  # members that are not .xlsx workbooks


def _check_name(info: zipfile.ZipInfo) -> str:
    name = info.filename.replace("\\", "/")
    path = PurePosixPath(name)
    if name.startswith("/") or ".." in path.parts or (path.parts and ":" in path.parts[0]):
        raise ArchiveRefused(BAD_PATH.format(name=name[:80]))
    if name.lower().endswith(NESTED):
        raise ArchiveRefused(NESTED_ARCHIVE.format(name=name[:80]))
    if info.flag_bits & 0x1:
        raise ArchiveRefused(ENCRYPTED.format(name=name[:80]))
    return name


def unpack_workbooks(source: str | Path | IO[bytes], folder: Path) -> Unpacked:
    """The archive's .xlsx members, copied into `folder`; ArchiveRefused for anything hostile."""
    try:
        archive = zipfile.ZipFile(source)
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise ArchiveRefused(NOT_ZIP) from exc
    with archive:
        members = [i for i in archive.infolist() if not i.is_dir()]
        if len(members) > MAX_MEMBERS:
            raise ArchiveRefused(TOO_MANY.format(limit=MAX_MEMBERS))
        out, budget = Unpacked(), MAX_TOTAL_MB * 1024 * 1024
        for index, info in enumerate(members):
            name = _check_name(info)
            if not name.lower().endswith(".xlsx") or PurePosixPath(name).name.startswith(("~$", ".")):
                out.skipped.append(name)
                continue
            target = folder / f"{index:03d}.xlsx"
            budget -= _copy(archive, info, target, budget)
            out.files.append((name, target))
    if not out.files:
        raise ArchiveRefused(NO_WORKBOOK)
    return out


def _copy(archive: zipfile.ZipFile, info: zipfile.ZipInfo, target: Path, budget: int) -> int:
    """Copy one member, counting the bytes actually unpacked; returns how many were written."""
    limit = MAX_MEMBER_MB * 1024 * 1024
    if info.file_size > limit:
        raise ArchiveRefused(MEMBER_TOO_LARGE.format(name=info.filename[:80], mb=MAX_MEMBER_MB))
    written = 0
    try:
        with archive.open(info) as member, target.open("wb") as dest:
            while chunk := member.read(CHUNK):
                written += len(chunk)
                if written > limit:
                    raise ArchiveRefused(MEMBER_TOO_LARGE.format(name=info.filename[:80], mb=MAX_MEMBER_MB))
                if written > budget:
                    raise ArchiveRefused(TOTAL_TOO_LARGE.format(mb=MAX_TOTAL_MB))
                dest.write(chunk)
    except (zipfile.BadZipFile, RuntimeError, NotImplementedError, EOFError) as exc:
        raise ArchiveRefused(NOT_ZIP) from exc
    return written
