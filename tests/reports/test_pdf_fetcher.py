"""WeasyPrint reads the app's own static files and nothing else (issue 15 A12)."""

from __future__ import annotations

from pathlib import Path

import pytest
from weasyprint import urls

from reports import pdf
from reports.outline import Document, Paragraph

STATIC_CSS = pdf.STYLESHEET.as_uri()
HOSTILE = [
    "file:///etc/passwd",
    "file://localhost/etc/hostname",
    f"{pdf.STYLESHEET.parent.as_uri()}/../../../../../../etc/passwd",
    "http://127.0.0.1:9/probe.png",
    "https://example.invalid/probe.css",
    "ftp://127.0.0.1/probe.png",
    "data:image/svg+xml,<svg xmlns='http://www.w3.org/2000/svg'/>",
]


@pytest.fixture
def fetched(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every URL that reaches WeasyPrint's own fetching (the default fetcher and ours both end there)."""
    seen: list[str] = []
    original = urls.URLFetcher.fetch

    def spy(self, url, headers=None):
        seen.append(url)
        return original(self, url, headers)

    monkeypatch.setattr(urls.URLFetcher, "fetch", spy)
    return seen


def test_report_content_fetches_no_file_or_network_url(fetched: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    tags = "".join(f'<img src="{url}"><link rel="stylesheet" href="{url}">' for url in HOSTILE)
    page = f'<html><head>{tags}<link rel="stylesheet" href="{STATIC_CSS}"></head><body><p>正文</p></body></html>'
    monkeypatch.setattr(pdf, "html", lambda document: page)

    content = pdf.render_document(Document(title="报告", subtitle="", blocks=(Paragraph("正文"),)))

    assert content.startswith(b"%PDF")
    assert fetched == [STATIC_CSS]  # the app's stylesheet only: nothing hostile got as far as opening


@pytest.mark.parametrize("url", HOSTILE)
def test_fetcher_refuses(url: str, fetched: list[str]) -> None:
    with pytest.raises(ValueError, match="只能引用本系统的静态文件"):
        pdf.static_fetcher().fetch(url)
    assert fetched == []


def test_fetcher_reads_static_files() -> None:
    response = pdf.static_fetcher().fetch(STATIC_CSS)
    try:
        assert b"@page" in response.read()
    finally:
        response.close()


def test_is_static_resolves_links_out_of_the_root(tmp_path: Path) -> None:
    root = tmp_path / "static"
    root.mkdir()
    (root / "ok.css").write_text("p {}")
    (root / "escape").symlink_to("/etc")
    assert pdf.is_static((root / "ok.css").as_uri(), [root.resolve()])
    assert not pdf.is_static((root / "escape" / "passwd").as_uri(), [root.resolve()])
    assert not pdf.is_static("FILE://otherhost/etc/passwd", [Path("/")])
