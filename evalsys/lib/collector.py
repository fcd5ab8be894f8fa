"""Pause Python's cyclic garbage collector around a bounded batch of work (the workbook import).

An import of 10,000 rows keeps some 300,000 objects alive (rows, parsed projects, model instances,
evaluations) and makes almost no cyclic garbage (about 60 unreachable objects, whatever the
number of rows): every young collection walks the survivors again and the full ones walk them all,
about a fifth of the import's time. The work is bounded by the reader's limits (evalsys.lib.xlsx),
and the collector is restored as it was, also when the work raises.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused() -> Iterator[None]:
    """Run the block with automatic collection off; it is on again after, if it was on before."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
