"""Error pages in Chinese in the site's layout (handler400/403/404/500 and the CSRF failure view).

The reason is shown when the code raising the error gave one for people, which in this project is
Chinese ("未找到该项目"); Django's own English texts ("No Project matches the given query.", the URL
resolver's details, an invalid Host header) are never shown.
"""

from __future__ import annotations

import logging
import re

from django.http import HttpRequest, HttpResponse, HttpResponseServerError
from django.shortcuts import render
from django.template import loader

from evalsys.lib.requestid import current_request_id

logger = logging.getLogger(__name__)

CHINESE = re.compile(r"[\u3400-\u9fff]")
CSRF_REASON = "页面已过期或来源不明，请返回上一页、刷新后重试。"
# When even 500.html cannot be rendered (a broken template, static files missing): plain HTML.
FALLBACK_500 = (
    '<!doctype html><html lang="zh-hans"><head><meta charset="utf-8"><title>服务器出错 · 绩效自评管理系统</title>'
    "</head><body><h1>服务器出错（500）</h1><p>系统处理请求时出错，已记录。请稍后重试；如仍有问题请联系管理员，"
    "并提供错误编号：{request_id}</p></body></html>"
)


class ClientErrorsInOneLine(logging.Filter):
    """A refusal (403, 400, 404 ...) is logged as one line with its reason, not a traceback: Django
    attaches the exception to these records, which filled the log with stacks of expected denials.
    Crashes (5xx) keep theirs."""

    def filter(self, record: logging.LogRecord) -> bool:
        status = getattr(record, "status_code", None)
        if record.exc_info and isinstance(status, int) and status < 500:
            exception = record.exc_info[1]
            reason = reason_of(exception) or type(exception).__name__
            record.msg, record.args = f"{record.getMessage()} ({reason})", ()
            record.exc_info = record.exc_text = None
        return True


def reason_of(exception: BaseException | None) -> str:
    """The exception's message when it is meant for people (Chinese), else ""."""
    message = exception.args[0] if exception is not None and exception.args else ""
    return message if isinstance(message, str) and CHINESE.search(message) else ""


def bad_request(request: HttpRequest, exception: BaseException | None = None) -> HttpResponse:
    # rendered without the request, as Django does: it may be the request that is bad (its Host)
    return HttpResponse(loader.render_to_string("400.html", {"reason": reason_of(exception)}), status=400)


def permission_denied(request: HttpRequest, exception: BaseException | None = None) -> HttpResponse:
    return render(request, "403.html", {"reason": reason_of(exception)}, status=403)


def page_not_found(request: HttpRequest, exception: BaseException | None = None) -> HttpResponse:
    return render(request, "404.html", {"reason": reason_of(exception)}, status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    """500.html without the request's context processors (the database may be what failed)."""
    context = {"request_id": current_request_id()}
    try:
        return HttpResponseServerError(loader.render_to_string("500.html", context))
    except Exception:
        logger.exception("500.html could not be rendered")
        return HttpResponseServerError(FALLBACK_500.format(**context))


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """CSRF_FAILURE_VIEW: the 403 page with a reason people understand (Django's is English)."""
    return render(request, "403.html", {"reason": CSRF_REASON}, status=403)
