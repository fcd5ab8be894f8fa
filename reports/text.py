"""Text as every report format can hold it: the one place user text is cleaned for export.

Word, Excel and the PDF's HTML are XML, which cannot carry most control characters, lone
surrogates or U+FFFE/U+FFFF (openpyxl refuses the workbook, lxml the document). Such characters
arrive by import or paste: Word writes a manual line break as U+000B. `ReportData` and its parts
pass every string through `xml_safe` when they are built (`CleanText`), so no renderer ever sees one.
"""

from __future__ import annotations

import dataclasses
import re
from typing import Any

# XML 1.0 Char: #x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] | [#x10000-#x10FFFF]
NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
LINE_BREAKS = {"\x0b": "\n", "\x0c": "\n"}  # vertical tab (Word's manual line break), form feed


def xml_safe(text: str) -> str:
    """`text` with line-break controls as "\\n" and every other character XML cannot hold removed."""
    if NOT_XML.search(text) is None:
        return text
    return NOT_XML.sub(lambda m: LINE_BREAKS.get(m.group(), ""), text)


def _clean(value: Any) -> Any:
    if isinstance(value, str):
        return xml_safe(value)
    if isinstance(value, tuple):
        return tuple(_clean(v) for v in value)
    return value  # numbers, dates, and nested CleanText dataclasses (clean when they were built)


class CleanText:
    """Mixin for frozen dataclasses: every str field (also inside tuples) is made `xml_safe`."""

    def __post_init__(self) -> None:
        for field in dataclasses.fields(self):  # type: ignore[arg-type]
            value = getattr(self, field.name)
            cleaned = _clean(value)
            if cleaned is not value and cleaned != value:
                object.__setattr__(self, field.name, cleaned)
