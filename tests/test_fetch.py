"""The URL path, against pages served from this machine (pytest-httpserver): no outside network."""

import json

import pytest
from werkzeug import Response

from conftest import run_cli

ARTICLE = """<!DOCTYPE html><html><head><meta charset="utf-8"><title>Rivers Return | The Daily</title>
<meta name="author" content="Sam Reed"><link rel="canonical" href="https://example.org/rivers">
</head><body><nav><a href="/">Home</a> <a href="/news">News</a></nav>
<article><h1>Rivers Return to the City</h1>
<p>For decades the city's rivers ran in concrete channels, hidden beneath roads and car parks.</p>
<p>Now the council is digging them up again, and wildlife is following close behind the engineers.</p>
<h2>Why it matters</h2>
<p>Open rivers cope with floods far better than buried pipes, because the water has room to spread.</p>
<blockquote>Open rivers cope with floods far better than buried pipes</blockquote>
<p>They also cool the streets around them on hot summer days, which residents say they already feel.</p>
</article><footer>Sign up for our daily newsletter digest to get stories in your inbox.</footer></body></html>"""


def test_build_script_from_a_url(httpserver, tmp_path):
    httpserver.expect_request("/rivers").respond_with_data(ARTICLE, content_type="text/html; charset=utf-8")
    result = run_cli("script", httpserver.url_for("/rivers"), "--format", "json")
    assert result.exit_code == 0, result.output
    script = json.loads(result.stdout)
    assert script["title"].startswith("Rivers Return")
    assert script["author"] == "Sam Reed"
    assert [s["title"] for s in script["sections"]][1:] == ["Why it matters"]
    spoken = " ".join(p for s in script["sections"] for p in s["paragraphs"])
    assert spoken.count("Open rivers cope with floods") == 1
    assert "newsletter" not in spoken and "Home" not in spoken


def test_redirects_are_followed(httpserver):
    httpserver.expect_request("/old").respond_with_response(
        Response(status=301, headers={"Location": httpserver.url_for("/rivers")}))
    httpserver.expect_request("/rivers").respond_with_data(ARTICLE, content_type="text/html")
    result = run_cli("script", httpserver.url_for("/old"), "--format", "json")
    assert result.exit_code == 0, result.output
    assert "rivers" in json.loads(result.stdout)["source_url"]


def test_latin1_page_is_decoded_by_its_declared_charset(httpserver):
    page = ARTICLE.replace('<meta charset="utf-8">', "").replace("wildlife", "café owners")
    httpserver.expect_request("/latin").respond_with_data(page.encode("latin-1"),
                                                          content_type="text/html; charset=iso-8859-1")
    result = run_cli("script", httpserver.url_for("/latin"))
    assert result.exit_code == 0, result.output
    assert "café owners" in result.stdout


@pytest.mark.parametrize("status", [404, 500])
def test_http_errors_are_one_line(httpserver, status):
    httpserver.expect_request("/gone").respond_with_data("nope", status=status)
    result = run_cli("build", httpserver.url_for("/gone"))
    assert result.exit_code == 1
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith("narrate: error: ") and f"HTTP {status}" in line


def test_non_html_is_refused(httpserver):
    httpserver.expect_request("/data.pdf").respond_with_data(b"%PDF-1.4", content_type="application/pdf")
    result = run_cli("script", httpserver.url_for("/data.pdf"))
    assert result.exit_code == 1 and "not a web page (application/pdf)" in result.stderr


def test_timeout_is_one_line(httpserver, tmp_path):
    import time

    def slow(request):
        time.sleep(1.5)
        return Response(ARTICLE, content_type="text/html")

    httpserver.expect_request("/slow").respond_with_handler(slow)
    config = tmp_path / "narrate.yaml"
    config.write_text("fetch:\n  timeout: 0.5\n", encoding="utf-8")
    result = run_cli("script", httpserver.url_for("/slow"), "-c", config)
    assert result.exit_code == 1 and "timed out after 0.5 s" in result.stderr


def test_unreachable_host_is_one_line():
    result = run_cli("script", "http://127.0.0.1:9/article")
    assert result.exit_code == 1 and "cannot connect" in result.stderr
