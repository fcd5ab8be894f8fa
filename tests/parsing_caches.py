"""An autouse fixture for the tests of evalsys.lib.parsing: every test reads its cells afresh.

The parsers memoise (lru_cache) what a table repeats. A memo filled by an earlier test would answer
for a later one without running the code under test, and under `make mutate` the memos the first,
unmutated run filled are inherited by every mutant's run, so a mutant of a memoised parser was
never run and "survived" (86% on parsing.py with them, against the 95% gate). Imported by the test
modules themselves: mutmut runs them with --noconftest.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from evalsys.lib import parsing


@pytest.fixture(autouse=True)
def fresh_parsing_caches() -> Iterator[None]:
    """Empty every memo of evalsys.lib.parsing before the test."""
    for value in vars(parsing).values():
        if callable(getattr(value, "cache_clear", None)):
            value.cache_clear()
    yield
