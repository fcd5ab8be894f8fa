"""确认导入 of the same new project by several people at once (issue 15, A8): PostgreSQL.

Each client previews its own upload, then all confirm together at a barrier, each request on its
own connection. The first import's rows are written with COPY (evalsys.lib.bulk); the others must
be told the project was imported by someone else, never answered with a 500.
"""

from __future__ import annotations

import threading

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from indicators.services import CONCURRENT
from intake.services import SESSION_KEY
from projects.models import Project
from tests.indicators.test_import_trust import workbook
from tests.intake.test_upload_views import xlsx

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrent inserts need PostgreSQL"),
]
CONFIRMS = 12


def test_concurrent_confirms_of_the_same_new_project_are_told_not_500(tmp_path, officer) -> None:
    path = workbook(tmp_path / "new.xlsx")
    clients = []
    for _ in range(CONFIRMS):
        client = Client(raise_request_exception=False)
        client.force_login(officer)
        assert client.post(reverse("intake:upload"), {"file": xlsx(path), "year": "2022"}).status_code == 200
        clients.append(client)
    barrier, answers = threading.Barrier(CONFIRMS), []

    def confirm(client: Client) -> None:
        from django.db import connection as own

        try:
            barrier.wait()
            response = client.post(reverse("intake:confirm"), {"token": client.session[SESSION_KEY]["token"]})
            answers.append((response.status_code, CONCURRENT in response.content.decode()))
        finally:
            own.close()

    threads = [threading.Thread(target=confirm, args=(c,)) for c in clients]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(answers) == CONFIRMS
    assert all(answer in {(302, False), (400, True)} for answer in answers), answers
    assert (302, False) in answers
    assert Project.objects.count() == 1
