"""Open an Office Open XML package (.xlsx, .docx) that came from outside, in bounded time and memory.

An upload is hostile. The zip's directory is read only when it is small; each XML part is read
by `stream`, which parses the part in chunks and counts every element when it starts (a part of
five million nested elements is refused at the limit, not after it is built), bounds the nesting
depth, the unpacked bytes and the subtree kept for the caller, refuses a DTD (no entity can be
declared), and drops each element once the caller has seen it. `check_parts` runs the same
parser over every XML part of a package before a library that parses parts whole (openpyxl's
full mode) opens it. Merged ranges are found by `merge_refs`, a linear scan of a sheet's bytes.
"""

from __future__ import annotations

import re
import struct
import zipfile
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any
from xml.etree.ElementTree import Element, ParseError, XMLPullParser

CHUNK = 1 << 16  # bytes scanned at a time (merged ranges, row tags)
# Bytes parsed at a time: a batch's elements live until the caller has read them, and those alive at
# a garbage collection are moved to an older generation. 64 KB (some 1,300 cells) kept about as many
# alive through every young collection and the full collections they bring cost half of a 10,000-row
# sheet's read (0.78 s against 0.39 s with the collector off); 8 KB reads it in 0.36 s.
FEED = 1 << 13
MAX_DEPTH = 64  # a worksheet nests about 8 deep; extension lists a few more
MAX_PARTS = 2_000  # members of one package (a workbook of 500 sheets has about 1,100)
MAX_DIRECTORY_BYTES = 1 << 20  # the zip's central directory, read before anything else
MAX_KEPT = 10_000  # elements of one subtree the caller keeps whole (a cell, a shared string)
MAX_TAG = 1_000  # bytes of one <mergeCell …> tag; longer is not a merged range
MAX_LISTING = 10_000  # elements of [Content_Types].xml or of one relationships part (check_parts)

TOO_MANY_PARTS = "文件含有过多部件（超过 {limit} 个），不是正常的 Office 文件，请另存后再上传"
DIRECTORY_TOO_LARGE = "文件的目录过大（超过 {kb} KB），不是正常的 Office 文件，请另存后再上传"
PART_TOO_LARGE = "文件中的{what}解压后超过 {mb} MB，请删除多余的内容和格式后另存再上传"
TOO_DEEP = "文件中的{what}嵌套超过 {limit} 层，不是正常的 Office 文件，请另存后再上传"
TOO_MANY_ELEMENTS = "文件中的{what}内容过多（超过 {limit} 个 XML 元素），请删除多余的内容和格式后另存再上传"
SUBTREE_TOO_LARGE = "文件中的{what}有一处内容过多（超过 {limit} 个 XML 元素），请删除多余的格式后另存再上传"
HAS_DTD = "文件中的{what}含有文档类型声明（DTD），Office 文件不会这样写，已拒绝"
BAD_XML = "文件中的{what}不是有效的 XML（{error}），请确认文件未损坏"
BAD_ZIP = "无法解压文件（{error}）：请确认它是未加密、未损坏的 Office 文件"

EOCD = b"PK\x05\x06"
MERGE_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]{0,30}:)?mergeCell(?=[\s/>])")
MERGE_REF = re.compile(
    rb"[^<>]{0,%d}?\bref=\"([A-Z]{1,3}[0-9]{1,7}(?::[A-Z]{1,3}[0-9]{1,7})?)\"" % MAX_TAG
)  # anchored after a MERGE_TAG; [^<>] stops at the next tag, so each byte is looked at a bounded number of times


class PackageRefused(ValueError):
    """The package will not be read; the message says why, in Chinese."""


@dataclass
class Budget:
    """Elements left for the whole package (every part read counts against it)."""

    elements: int
    limit: int  # the starting value, for the message


def check_directory(source: str | Path | IO[bytes], *, max_parts: int = MAX_PARTS) -> None:
    """Refuse a zip whose central directory is large or lists too many members, before
    zipfile builds an object for each member (a 20 MB zip can list 200,000 empty ones)."""
    try:
        with _binary(source) as handle:
            handle.seek(0, 2)
            size = handle.tell()
            handle.seek(max(0, size - (1 << 16) - 22))
            tail = handle.read()
    except OSError as exc:
        raise PackageRefused(BAD_ZIP.format(error=type(exc).__name__)) from exc
    finally:
        if hasattr(source, "seek"):
            source.seek(0)
    at = tail.rfind(EOCD)
    if at < 0 or len(tail) < at + 22:
        return  # not a zip: zipfile says so in its own words
    entries, directory = struct.unpack("<HI", tail[at + 10 : at + 16])
    if entries > max_parts:
        raise PackageRefused(TOO_MANY_PARTS.format(limit=max_parts))
    if directory > MAX_DIRECTORY_BYTES:
        raise PackageRefused(DIRECTORY_TOO_LARGE.format(kb=MAX_DIRECTORY_BYTES // 1024))


class _binary:
    """A context manager over a path (opened and closed) or a file object (left open)."""

    def __init__(self, source: str | Path | IO[bytes]) -> None:
        self.source = source
        self.handle: Any = None

    def __enter__(self) -> Any:
        if isinstance(self.source, str | Path):
            self.handle = open(self.source, "rb")
            return self.handle
        return self.source

    def __exit__(self, *exc: object) -> None:
        if self.handle is not None:
            self.handle.close()


def stream(
    archive: zipfile.ZipFile,
    name: str,
    *,
    what: str,
    budget: Budget,
    max_bytes: int,
    keep: frozenset[str] = frozenset(),
    too_many: str = "",
) -> Iterator[tuple[str, Element]]:
    """("start" | "end", element) of the part `name`, bounded: `batches`, one event at a time."""
    for batch in batches(archive, name, what=what, budget=budget, max_bytes=max_bytes, keep=keep, too_many=too_many):
        yield from batch


def batches(
    archive: zipfile.ZipFile,
    name: str,
    *,
    what: str,
    budget: Budget,
    max_bytes: int,
    keep: frozenset[str] = frozenset(),
    too_many: str = "",
) -> Iterator[list[tuple[str, Element]]]:
    """The ("start" | "end", element) events of the part `name`, a chunk's worth at a time, bounded.

    Every element counts against `budget` when it starts, and against the depth limit. Once the
    caller has had a batch, the elements that ended in it are removed from their parents, unless
    they lie inside an element whose tag is in `keep`: such a subtree stays whole until the batch
    after its end (at most MAX_KEPT elements), for the caller to read at its "end" event.
    `too_many` is the message when the budget runs out (TOO_MANY_ELEMENTS by default).
    """
    parser = XMLPullParser(events=("start", "end"))
    stack: list[Element] = []
    kept = inside = 0  # elements in the kept subtree; depth of its root (0: none open)
    tail = b""
    too_large = PART_TOO_LARGE.format(what=what, mb=max(1, max_bytes >> 20))
    for chunk in _chunks(archive, name, max_bytes, too_large, size=FEED):
        if not stack and b"<!DOCTYPE" in tail + chunk:  # a DTD stands before the root element
            raise PackageRefused(HAS_DTD.format(what=what))
        tail = chunk[-9:]
        try:
            parser.feed(chunk) if chunk else parser.close()
            events = _events(parser)
        except ParseError as exc:
            raise PackageRefused(BAD_XML.format(what=what, error=str(exc)[:60])) from exc
        starts = 0
        for event, element in events:
            if event == "start":
                starts += 1
                stack.append(element)
                if inside:
                    kept += 1
                elif element.tag in keep:
                    inside, kept = len(stack), 1
                if len(stack) > MAX_DEPTH:
                    raise PackageRefused(TOO_DEEP.format(what=what, limit=MAX_DEPTH))
            else:
                if len(stack) == inside:
                    inside = 0
                stack.pop()
        budget.elements -= starts
        if budget.elements < 0:
            raise PackageRefused(too_many or TOO_MANY_ELEMENTS.format(what=what, limit=budget.limit))
        if kept > MAX_KEPT:
            raise PackageRefused(SUBTREE_TOO_LARGE.format(what=what, limit=MAX_KEPT))
        yield events
        _drop_ended(stack, inside)


def _drop_ended(stack: list[Element], inside: int) -> None:
    """Remove every ended element from its parent: each open element keeps only its open child
    (the next on the stack); a kept subtree's root and everything under it stay whole."""
    last = (inside or len(stack) + 1) - 1  # elements from here on are a kept subtree
    for depth in range(min(last, len(stack))):
        element = stack[depth]
        if depth + 1 < len(stack):
            del element[:-1]
        else:
            del element[:]


def _events(parser: XMLPullParser) -> Any:
    """The parser's queued events: its queue itself, drained, where the parser has one (CPython's
    read_events is a Python generator around that queue, about a tenth of a sheet's reading); the
    ParseError that feed() queued instead of raising is raised."""
    queue = getattr(parser, "_events_queue", None)
    if queue is None:  # pragma: no cover - other Pythons
        return list(parser.read_events())
    events = list(queue)
    queue.clear()
    if events and isinstance(events[-1], Exception):  # feed() queues its ParseError after the events
        raise events[-1]
    return events


def _chunks(
    archive: zipfile.ZipFile, name: str, max_bytes: int, too_large: str, *, size: int = CHUNK
) -> Iterator[bytes]:
    """The part's unpacked bytes in chunks of `size`, then b"" (the end); PackageRefused past `max_bytes`."""
    read = 0
    try:
        with archive.open(name) as raw:
            while chunk := raw.read(size):
                read += len(chunk)
                if read > max_bytes:
                    raise PackageRefused(too_large)
                yield chunk
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError, OSError) as exc:
        raise PackageRefused(BAD_ZIP.format(error=type(exc).__name__)) from exc
    yield b""


def check_parts(
    archive: zipfile.ZipFile,
    *,
    budget: Budget,
    max_part_bytes: int,
    skip: Iterable[str] = (),
    max_listing: int = MAX_LISTING,
) -> None:
    """Parse every XML part of `archive` (those not in `skip`) with `stream`'s bounds.

    The package's listings, [Content_Types].xml and each relationships part, are held to
    `max_listing` elements of their own: a library that parses them whole builds an object of
    about a kilobyte for each entry (500,000 content types took openpyxl 400 MB), and a real
    package lists a few per part.
    """
    skipped = set(skip)
    for info in archive.infolist():
        name = info.filename
        if info.is_dir() or name in skipped or not name.lower().endswith((".xml", ".rels", ".vml")):
            continue
        listing = name == "[Content_Types].xml" or name.lower().endswith(".rels")
        own = Budget(max_listing, max_listing) if listing else budget
        for _ in stream(archive, name, what=f"部件“{name[:60]}”", budget=own, max_bytes=max_part_bytes):
            pass


def merge_refs(archive: zipfile.ZipFile, name: str, *, max_bytes: int, max_tags: int, refused: str) -> Iterator[str]:
    """The ref of every <mergeCell> of a sheet part, by a linear scan of its bytes.

    At most `max_tags` mergeCell tags (with or without a ref) and `max_bytes` unpacked bytes are
    scanned; beyond them PackageRefused(`refused`). A tag is looked at once, up to its MAX_TAG
    bytes or the next `<` or `>`, whichever comes first.
    """
    tags, tail = 0, b""
    for chunk in _chunks(archive, name, max_bytes, refused):
        data, final, end = tail + chunk, not chunk, 0
        for tag in MERGE_TAG.finditer(data):
            if not final and len(data) - tag.end() < MAX_TAG + 64:
                end = tag.start()  # the tag may go on in the next chunk: read it from there
                break
            tags += 1
            if tags > max_tags:
                raise PackageRefused(refused)
            ref = MERGE_REF.match(data, tag.end())
            end = ref.end() if ref else tag.end()
            if ref:
                yield ref.group(1).decode()
        else:
            end = max(end, len(data) - 64)  # a tag's start cut at the chunk's end
        tail = data[end:]
