"""Fetch a web page: timeouts, redirects, a size limit, charset detection, and clear errors."""

from __future__ import annotations

import re
from dataclasses import dataclass

from narrate.errors import IngestError

USER_AGENT = "narrate/0.1 (article to podcast; +https://pypi.org/project/narrate-podcast/)"
HTML_TYPES = ("text/html", "application/xhtml+xml")
MAX_REDIRECTS = 10
MAX_INPUT_BYTES = 20 * 1024 * 1024


def is_url(source: str) -> bool:
    return bool(re.match(r"https?://", source, re.IGNORECASE))


@dataclass(frozen=True)
class Page:
    url: str
    body: bytes
    text: str


def decode_html(body: bytes, declared: str | None) -> str:
    """Decode with the HTTP charset, else the page's <meta charset>, else a detector's best guess."""
    candidates = [declared]
    meta = re.search(rb"""<meta[^>]+charset=["']?([\w-]+)""", body[:4096], re.IGNORECASE)
    if meta:
        candidates.append(meta.group(1).decode("ascii", "ignore"))
    for encoding in candidates:
        if encoding:
            try:
                return body.decode(encoding)
            except (LookupError, UnicodeDecodeError):
                continue
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        from charset_normalizer import from_bytes

        best = from_bytes(body).best()
        return str(best) if best is not None else body.decode("utf-8", "replace")


def fetch(url: str, *, timeout: float, max_bytes: int) -> Page:
    import requests

    session = requests.Session()
    session.max_redirects = MAX_REDIRECTS
    try:
        with session.get(url, timeout=(min(timeout, 10.0), timeout), stream=True,
                         headers={"User-Agent": USER_AGENT, "Accept": "text/html,application/xhtml+xml"}) as response:
            if response.status_code >= 400:
                raise IngestError(f"{url}: HTTP {response.status_code} {response.reason or ''}".rstrip())
            content_type = response.headers.get("Content-Type", "").split(";")[0].strip().lower()
            if content_type and content_type not in HTML_TYPES:
                raise IngestError(f"{url}: not a web page ({content_type}); narrate reads HTML articles")
            chunks, size = [], 0
            for chunk in response.iter_content(65536):
                size += len(chunk)
                if size > max_bytes:
                    raise IngestError(f"{url}: page larger than {max_bytes // (1024 * 1024)} MB")
                chunks.append(chunk)
            body = b"".join(chunks)
            final_url = response.url
            declared = response.encoding if "charset" in response.headers.get("Content-Type", "").lower() else None
    except requests.exceptions.Timeout:
        raise IngestError(f"{url}: timed out after {timeout:g} s") from None
    except requests.exceptions.TooManyRedirects:
        raise IngestError(f"{url}: more than {MAX_REDIRECTS} redirects") from None
    except requests.exceptions.ConnectionError as exc:
        reason = str(exc.args[0]) if exc.args else "connection failed"
        reason = re.sub(r"^.*?\((.*)\)$", r"\1", reason)[-160:]
        raise IngestError(f"{url}: cannot connect ({reason})") from None
    except requests.exceptions.RequestException as exc:
        raise IngestError(f"{url}: {exc}") from None
    if not body.strip():
        raise IngestError(f"{url}: the page is empty")
    return Page(url=final_url, body=body, text=decode_html(body, declared))
