"""evalsys.lib.collector: the cyclic collector is paused for the block and restored after it."""

from __future__ import annotations

import gc

import pytest

from evalsys.lib.collector import collector_paused


@pytest.fixture(autouse=True)
def _enabled():
    yield
    gc.enable()


def test_the_collector_is_off_inside_and_on_after() -> None:
    with collector_paused():
        assert not gc.isenabled()
    assert gc.isenabled()


def test_the_collector_is_on_again_after_an_error() -> None:
    with pytest.raises(ValueError), collector_paused():
        raise ValueError
    assert gc.isenabled()


def test_a_collector_already_off_stays_off() -> None:
    gc.disable()
    with collector_paused():
        pass
    assert not gc.isenabled()


def test_as_a_decorator_each_call_restores_it() -> None:
    @collector_paused()
    def work() -> bool:
        return gc.isenabled()

    assert (work(), work(), gc.isenabled()) == (False, False, True)
