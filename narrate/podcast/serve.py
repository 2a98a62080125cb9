"""Serve a feed folder over HTTP with HEAD and byte ranges, which podcast apps and browsers need to seek.

Files only: no directory listings and no dotfiles (the publish lock, temporary files), both 404.
Every answer allows any origin, so web players (Podcast Index's web app, Podverse) can fetch the
feed, chapters, transcripts and audio.
"""

from __future__ import annotations

import os
import re
from functools import partial
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

_RANGE = re.compile(r"bytes=(\d*)-(\d*)$")


class RangeRequestHandler(SimpleHTTPRequestHandler):
    """The standard static handler, plus `Range: bytes=a-b` answered with 206 Partial Content."""

    extensions_map = {**SimpleHTTPRequestHandler.extensions_map, ".mp3": "audio/mpeg", ".vtt": "text/vtt",
                      ".srt": "application/x-subrip", ".xml": "application/rss+xml; charset=utf-8",
                      ".json": "application/json"}
    _span: tuple[int, int] | None = None

    def send_head(self):
        self._span = None
        if any(part.startswith(".") for part in unquote(urlsplit(self.path).path).split("/")):
            self.send_error(HTTPStatus.NOT_FOUND, "File not found")
            return None
        header = self.headers.get("Range")
        path = Path(self.translate_path(self.path))
        if not header or not path.is_file():
            return super().send_head()
        match = _RANGE.match(header.strip())
        size = path.stat().st_size
        if not match or (not match.group(1) and not match.group(2)):
            return super().send_head()
        if match.group(1):
            start = int(match.group(1))
            end = min(int(match.group(2)), size - 1) if match.group(2) else size - 1
        else:
            start, end = max(0, size - int(match.group(2))), size - 1
        if start >= size or start > end:
            self.send_response(HTTPStatus.REQUESTED_RANGE_NOT_SATISFIABLE)
            self.send_header("Content-Range", f"bytes */{size}")
            self.end_headers()
            return None
        handle = path.open("rb")
        handle.seek(start)
        self._span = (start, end)
        self.send_response(HTTPStatus.PARTIAL_CONTENT)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Range", f"bytes {start}-{end}/{size}")
        self.send_header("Content-Length", str(end - start + 1))
        self.send_header("Accept-Ranges", "bytes")
        self.end_headers()
        return handle

    def list_directory(self, path):
        self.send_error(HTTPStatus.NOT_FOUND, "File not found")
        return None

    def do_OPTIONS(self):
        """A CORS preflight (a web player asking before a ranged fetch)."""
        self._span = None
        self.send_response(HTTPStatus.NO_CONTENT)
        self.send_header("Access-Control-Allow-Methods", "GET, HEAD, OPTIONS")
        self.send_header("Access-Control-Allow-Headers", "Range")
        self.send_header("Access-Control-Max-Age", "86400")
        self.send_header("Content-Length", "0")
        self.end_headers()

    def end_headers(self):
        if self._span is None:
            self.send_header("Accept-Ranges", "bytes")
        self.send_header("Access-Control-Allow-Origin", "*")
        self.send_header("Access-Control-Expose-Headers", "Content-Length, Content-Range, Accept-Ranges")
        super().end_headers()

    def copyfile(self, source, outputfile):
        if self._span is None:
            return super().copyfile(source, outputfile)
        remaining = self._span[1] - self._span[0] + 1
        while remaining > 0:
            chunk = source.read(min(65536, remaining))
            if not chunk:
                break
            outputfile.write(chunk)
            remaining -= len(chunk)

    def log_message(self, format, *args):  # quieter than the default: one line per request on stderr
        if os.environ.get("NARRATE_SERVE_QUIET"):
            return
        super().log_message(format, *args)


def make_server(folder: Path, host: str, port: int) -> ThreadingHTTPServer:
    handler = partial(RangeRequestHandler, directory=str(folder))
    return ThreadingHTTPServer((host, port), handler)
