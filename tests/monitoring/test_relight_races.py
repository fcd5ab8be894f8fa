"""A relight round and an officer's save of one of its reports at the same moment (PostgreSQL row
locks, as tests/targets/test_bulk_review_races.py). The round has read the report's entries and is
about to store their lights when the officer saves a new forecast: the officer's save waits for the
round (the round holds the project's row, which every writer of a report claims first), then
stores the lights of the new entries, which stay. SQLite has no row locks: skipped there."""

from __future__ import annotations

import threading
from decimal import Decimal

import pytest
from django.db import connection

from monitoring import relight, services
from monitoring.models import MonitoringReport, Observation, Relight
from monitoring.services import Entry, monitoring_save
from projects.models import FundSource, Project
from tests.monitoring.test_relight import monitored

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL"),
]
D = Decimal


def test_an_officers_save_during_a_round_keeps_its_own_lights(project, officer, plan, monkeypatch) -> None:
    monitored(project, officer)  # every indicator green; 300 of 1,000 by July
    plan.budget_green, plan.budget_yellow = D(50), D(40)
    plan.save()
    job = Relight.objects.get()
    read, go = threading.Event(), threading.Event()
    original = services.reports_light
    worker = {}

    def paused(*, loaded):  # in the round's thread: the entries are read, the lights not yet stored
        if threading.current_thread() is worker.get("thread"):
            read.set()
            assert go.wait(20)
        return original(loaded=loaded)

    monkeypatch.setattr(services, "reports_light", paused)
    errors: list[BaseException] = []

    def run(action) -> None:
        from django.db import connection as own

        try:
            action()
        except BaseException as exc:  # reported by the test below
            errors.append(exc)
        finally:
            own.close()

    worker["thread"] = threading.Thread(target=run, args=(lambda: relight.relight_run(job.pk),))
    worker["thread"].start()
    assert read.wait(20)
    row = project.indicators.get(level3="培训人数")
    fresh = Project.objects.get(pk=project.pk)
    officer_thread = threading.Thread(target=run, args=(lambda: monitoring_save(
        project=fresh, user=officer, version=fresh.version, entries={row.pk: Entry("30人", "50人", "有可能")},
        executed={FundSource.FISCAL: D(300)}),))  # fmt: skip
    officer_thread.start()
    officer_thread.join(1.5)
    assert officer_thread.is_alive()  # it waits for the round
    go.set()
    worker["thread"].join(30)
    officer_thread.join(30)
    assert not errors, errors
    assert Relight.objects.get().state == "done"
    # the officer's forecast of 50 of 100 stays red: the round's lights of the old entries did not win
    assert Observation.objects.get(indicator=row).light == "red"
    assert MonitoringReport.objects.get().light == "red"
