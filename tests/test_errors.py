"""Error pages with DEBUG off: Chinese, in the site's layout, with the reason; crashes logged with their id."""

from __future__ import annotations

import pytest
from django.http import Http404
from django.template import Context, Template
from django.test import Client
from django.urls import path, reverse

from evalsys import urls as site_urls
from evalsys.lib.errors import CSRF_REASON, reason_of
from projects.access import READ_ONLY
from review.access import REVIEWERS_ONLY
from tests import factories

pytestmark = [pytest.mark.django_db, pytest.mark.urls(__name__)]

# Django's own English pages, which must never be what people see
ENGLISH = ["Not Found", "Bad Request", "Forbidden", "Server Error", "CSRF verification failed",
           "The requested resource was not found", "No Project matches"]  # fmt: skip
LAYOUT = "绩效自评管理系统"  # the navbar of base.html


def crash(request):
    raise RuntimeError("boom: the view fell over")


def english_404(request):
    raise Http404("No Project matches the given query.")


# this module is the URLconf of its tests: the site's pages and handlers plus views that fail
urlpatterns = [path("test-crash/", crash), path("test-english-404/", english_404), *site_urls.urlpatterns]
handler400, handler403 = site_urls.handler400, site_urls.handler403
handler404, handler500 = site_urls.handler404, site_urls.handler500


@pytest.fixture(autouse=True)
def production(settings) -> None:
    settings.DEBUG = False


@pytest.fixture
def crashing_client() -> Client:
    client = Client()
    client.raise_request_exception = False
    return client


def assert_error_page(response, status: int, *texts: str) -> str:
    page = response.content.decode()
    assert response.status_code == status
    assert LAYOUT in page and f"（{status}）" in page
    for text in texts:
        assert text in page
    for english in ENGLISH:
        assert english not in page
    return page


def test_unknown_address_is_a_chinese_404(client, officer) -> None:
    client.force_login(officer)
    assert_error_page(client.get("/no/such/page/"), 404, "页面不存在")


def test_404_shows_the_reason_the_code_gave(client, officer, unit_b) -> None:
    other = factories.project(unit=unit_b, code="B-1", name="单位B项目")
    client.force_login(officer)
    page = assert_error_page(client.get(reverse("projects:detail", args=[other.pk])), 404, "未找到该项目")
    assert "单位B项目" not in page


def test_404_hides_django_english_reasons(client, officer) -> None:
    client.force_login(officer)
    assert_error_page(client.get("/test-english-404/"), 404, "您访问的页面不存在")


def test_403_shows_the_reason(client, officer) -> None:
    client.force_login(officer)
    assert_error_page(client.get(reverse("review:queue")), 403, "无权访问", REVIEWERS_ONLY)


def test_403_of_a_read_only_project(client, evaluator, unit_a) -> None:
    project = factories.project(unit=unit_a, code="A-1")
    client.force_login(evaluator)
    assert_error_page(client.get(reverse("projects:edit", args=[project.pk])), 403, READ_ONLY)


def test_csrf_failure_is_a_chinese_403(officer) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(officer)
    assert_error_page(client.post(reverse("logout")), 403, CSRF_REASON)


def test_bad_host_is_a_chinese_400(client) -> None:
    assert_error_page(client.get(reverse("login"), HTTP_HOST="evil.example.com"), 400, "请求有误")


def test_crash_is_a_chinese_500_with_its_request_id(crashing_client) -> None:
    response = crashing_client.get("/test-crash/")
    page = assert_error_page(response, 500, "服务器出错", response["X-Request-ID"])
    assert "boom" not in page


def test_500_page_needs_no_request_context() -> None:
    page = Template('{% include "500.html" %}').render(Context({}))
    assert "服务器出错" in page and LAYOUT in page


def test_500_falls_back_to_plain_chinese_when_its_template_fails(crashing_client, monkeypatch) -> None:
    def broken(*args, **kwargs):
        raise ValueError("Missing staticfiles manifest entry")

    monkeypatch.setattr("evalsys.lib.errors.loader.render_to_string", broken)
    response = crashing_client.get("/test-crash/")
    assert response.status_code == 500
    assert "服务器出错" in response.content.decode() and response["X-Request-ID"] in response.content.decode()


def test_crash_is_logged_with_traceback_and_request_id(crashing_client, log_lines) -> None:
    response = crashing_client.get("/test-crash/", HTTP_X_REQUEST_ID="forged-request-id-123")
    request_id = response["X-Request-ID"]
    assert request_id != "forged-request-id-123"  # no trusted proxy: the header is not believed
    log = log_lines.getvalue()
    assert f"ERROR django.request [{request_id}] Internal Server Error: /test-crash/" in log
    assert "Traceback (most recent call last)" in log and "RuntimeError: boom: the view fell over" in log


def test_client_errors_are_logged_with_their_request_id(client, officer, log_lines) -> None:
    client.force_login(officer)
    response = client.get(reverse("projects:list"), {"year": "²"})
    assert response.status_code == 400
    assert f"WARNING django.request [{response['X-Request-ID']}] Bad Request: /" in log_lines.getvalue()


@pytest.mark.parametrize(
    ("message", "shown"),
    [("未找到该项目", "未找到该项目"), ("No Indicator matches the given query.", ""), ({"path": "x"}, ""), (None, "")],
)
def test_reason_is_shown_only_when_meant_for_people(message, shown) -> None:
    assert reason_of(Http404() if message is None else Http404(message)) == shown
