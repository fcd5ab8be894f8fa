"""An import runs with the cyclic collector paused (evalsys.lib.collector): it must make almost no
cyclic garbage, whatever its size, and leave the collector as it found it. Counted, never timed."""

from __future__ import annotations

import contextlib
import gc
from pathlib import Path

import pytest

from indicators.services import ImportFailed, workbook_import
from tests.indicators.test_import_evaluations import workbook

pytestmark = pytest.mark.django_db


def garbage_after(path: Path, year: int) -> int:
    """Unreachable objects left by one import of `path` (the collector off throughout)."""
    gc.collect()
    gc.disable()
    try:
        with contextlib.suppress(ImportFailed):
            workbook_import(path=path, year=year, user=None)
        return gc.collect()
    finally:
        gc.enable()


def test_the_collector_is_on_after_an_import(tmp_path) -> None:
    workbook_import(path=workbook(tmp_path / "w.xlsx", 2), year=2022, user=None)
    assert gc.isenabled()


@pytest.mark.parametrize("bad", [False, True])
def test_an_import_makes_no_more_cyclic_garbage_for_more_rows(tmp_path, bad) -> None:
    small, large = workbook(tmp_path / "s.xlsx", 5, bad=bad), workbook(tmp_path / "l.xlsx", 100, bad=bad)
    garbage_after(small, 2021)  # the first import's imports and caches
    assert garbage_after(large, 2022) <= garbage_after(small, 2023) + 100
