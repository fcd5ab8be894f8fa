"""The one written form of a 预算项目编码 (project code).

A code typed or imported as `15000021t000000007928`, with full-width digits or letters
(`１５０…Ｔ`) or with spaces inside is the same code as `15000021T000000007928`: every entry point
(forms, the workbook import, the commands' CODE argument, the admin) stores and looks codes up in
this form, so that neither case nor width makes a second code.
"""

from __future__ import annotations

import unicodedata


def normalize_code(value: object) -> str:
    """`value` as a project code: NFKC (full-width → half-width), no whitespace, letters upper case."""
    if value is None:
        return ""
    return "".join(unicodedata.normalize("NFKC", str(value)).split()).upper()
