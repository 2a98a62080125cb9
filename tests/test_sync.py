"""`narrate sync` against a real HTTP server on this machine: new, edited, failing and removed articles."""

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from mutagen.mp3 import MP3
from werkzeug import Response

from narrate.podcast.feed import read_items

from conftest import run_cli

SHOW = """podcast:
  title: Courier Audio
  base_url: https://pod.example.com/courier/
sync:
  ledger: {ledger}
"""
BODIES = {
    "bridge": "The council voted to rebuild the old stone bridge. Work starts in the spring.",
    "harbour": "The harbour lights came on one by one. Fishing boats slipped out past the wall.",
    "orchard": "Apples ripen early this year. The bees were busy in the orchard all through May.",
}


class Site:
    """A publication: an RSS feed that answers 304 when nothing changed, and its article pages."""

    def __init__(self, server):
        self.server = server
        self.items: dict[str, tuple[str, str]] = {}  # slug -> (pubDate, body)
        self.requests: list[tuple[str, int]] = []
        server.expect_request("/feed.xml").respond_with_handler(self.feed)
        for slug in (*BODIES, "gone"):
            server.expect_request(f"/{slug}").respond_with_handler(lambda request, slug=slug: self.page(slug))

    def rss(self) -> str:
        entries = "".join(f"<item><title>{slug.title()}</title><link>{self.server.url_for('/' + slug)}</link>"
                          f"<guid>{slug}</guid><pubDate>{date}</pubDate></item>" for slug, (date, _) in self.items.items())
        return f'<?xml version="1.0"?><rss version="2.0"><channel><title>Courier</title>{entries}</channel></rss>'

    def feed(self, request):
        body = self.rss()
        etag = f'"{abs(hash(body))}"'
        status = 304 if request.headers.get("If-None-Match") == etag else 200
        self.requests.append(("/feed.xml", status))
        return Response("" if status == 304 else body, status=status, headers={"ETag": etag},
                        content_type="application/rss+xml")

    def page(self, slug):
        if slug not in self.items or slug == "gone":
            self.requests.append((f"/{slug}", 404))
            return Response("not here", status=404)
        self.requests.append((f"/{slug}", 200))
        title, body = slug.title(), self.items[slug][1]
        return Response(f"<html><head><title>{title}</title></head><body><article><h1>{title}</h1><p>{body}</p>"
                        f"</article></body></html>", content_type="text/html; charset=utf-8")


@pytest.fixture
def site(httpserver):
    return Site(httpserver)


@pytest.fixture
def show(tmp_path):
    config = tmp_path / "narrate.yaml"
    config.write_text(SHOW.format(ledger=tmp_path / "ledger.sqlite"), encoding="utf-8")
    return config


def sync(site, show, feed, *extra):
    return run_cli("sync", site.server.url_for("/feed.xml"), "-c", show, "--feed", feed, "--workers", "1", *extra)


def episodes(feed: Path):
    return {item.source_url.rsplit("/", 1)[1]: item for item in read_items(feed / "feed.xml")}


def test_a_publication_is_followed_new_edited_failing_and_removed(site, show, tmp_path):
    feed = tmp_path / "show"
    site.items = {"bridge": ("Mon, 30 Nov 2026 08:00:00 GMT", BODIES["bridge"]),
                  "harbour": ("Mon, 30 Nov 2026 09:00:00 GMT", BODIES["harbour"]),
                  "gone": ("Mon, 30 Nov 2026 10:00:00 GMT", "")}
    first = sync(site, show, feed)
    assert first.exit_code == 1  # one article failed this run; the others are published
    assert "2 published, 1 failed" in first.stderr and "HTTP 404" in first.stderr
    published = episodes(feed)
    assert set(published) == {"bridge", "harbour"}
    mp3 = feed / "episodes" / published["bridge"].audio
    assert MP3(mp3).info.length > 2

    # Nothing changed: one conditional request answered 304, no article fetched, nothing built.
    site.requests.clear()
    before = {p.name: p.stat().st_mtime_ns for p in (feed / "episodes").iterdir()}
    again = sync(site, show, feed)
    assert again.exit_code == 0 and "0 published, 0 failed" in again.stderr
    assert site.requests == [("/feed.xml", 304)]
    assert {p.name: p.stat().st_mtime_ns for p in (feed / "episodes").iterdir()} == before

    # The status lists every article, the failure with its error and next try.
    status = run_cli("sync", "--status", "--json", "-c", show, "--feed", feed)
    rows = {json.loads(line)["url"].rsplit("/", 1)[1]: json.loads(line) for line in status.stdout.splitlines()}
    assert rows["gone"]["status"] == "failed" and "404" in rows["gone"]["last_error"] and rows["gone"]["next_try"]
    assert rows["bridge"]["status"] == rows["harbour"]["status"] == "built"

    # An edited article updates its episode in place: same guid, number and pubDate, new words.
    site.items["bridge"] = ("Mon, 30 Nov 2026 12:00:00 GMT", BODIES["bridge"] + " The mayor cut the ribbon.")
    edited = sync(site, show, feed)
    assert "published (changed)" in edited.stderr and "1 published" in edited.stderr
    after = episodes(feed)
    old, new = published["bridge"], after["bridge"]
    assert (new.guid, new.number, new.published) == (old.guid, old.number, old.published)
    assert "mayor cut the ribbon" in (feed / "episodes" / new.vtt_file).read_text()
    assert len(read_items(feed / "feed.xml")) == 2

    # An episode taken out of the show is not put back by the next sync.
    removed = run_cli("feed", "remove", after["harbour"].guid, "--feed", feed, "-c", show)
    assert removed.exit_code == 0
    site.items["orchard"] = ("Mon, 30 Nov 2026 13:00:00 GMT", BODIES["orchard"])
    later = sync(site, show, feed)
    assert set(episodes(feed)) == {"bridge", "orchard"}
    assert "harbour" not in later.stderr


def test_a_lost_ledger_is_rebuilt_from_the_feed_and_nothing_is_built_again(site, show, tmp_path):
    feed = tmp_path / "show"
    site.items = {"bridge": ("Mon, 30 Nov 2026 08:00:00 GMT", BODIES["bridge"])}
    assert sync(site, show, feed).exit_code == 0
    (tmp_path / "ledger.sqlite").unlink()
    for leftover in tmp_path.glob("ledger.sqlite-*"):
        leftover.unlink()
    site.requests.clear()
    result = sync(site, show, feed)
    assert result.exit_code == 0 and "ledger rebuilt from the published feed: 1 episodes" in result.stderr
    assert "0 published" in result.stderr and ("/bridge", 200) not in site.requests


def test_dry_run_and_limit(site, show, tmp_path):
    feed = tmp_path / "show"
    site.items = {slug: ("Mon, 30 Nov 2026 08:00:00 GMT", body) for slug, body in BODIES.items()}
    dry = sync(site, show, feed, "--dry-run")
    assert dry.exit_code == 0 and dry.stdout.count("would build (new)") == 3 and not (feed / "feed.xml").exists()
    assert not (tmp_path / "ledger.sqlite").exists()  # a dry run leaves nothing behind
    limited = sync(site, show, feed, "--limit", "2")
    assert "2 published" in limited.stderr and len(read_items(feed / "feed.xml")) == 2
    rest = sync(site, show, feed)
    assert "1 published" in rest.stderr and len(read_items(feed / "feed.xml")) == 3


def test_articles_are_built_side_by_side_in_worker_processes(tmp_path):
    folder = tmp_path / "articles"
    folder.mkdir()
    for slug, body in BODIES.items():
        (folder / f"{slug}.md").write_text(f"# {slug.title()}\n\n{body}\n", encoding="utf-8")
    config = tmp_path / "narrate.yaml"
    config.write_text(SHOW.format(ledger=tmp_path / "ledger.sqlite"), encoding="utf-8")
    env = {**os.environ, "NARRATE_CACHE_DIR": os.environ["NARRATE_CACHE_DIR"]}
    run = subprocess.run([sys.executable, "-m", "narrate", "sync", str(folder), "-c", str(config), "--feed",
                          str(tmp_path / "show"), "--workers", "2"], capture_output=True, text=True, env=env, timeout=300)
    assert run.returncode == 0, run.stderr
    items = read_items(tmp_path / "show" / "feed.xml")
    assert sorted(i.title for i in items) == ["Bridge", "Harbour", "Orchard"]
    assert sorted(i.number for i in items) == [1, 2, 3]
    (folder / "orchard.md").write_text("# Orchard\n\nThe apples came late after all.\n", encoding="utf-8")
    again = run_cli("sync", folder, "-c", config, "--feed", tmp_path / "show")
    assert "1 published" in again.stderr and "published (changed): Orchard" in again.stderr


def test_a_remote_show_gets_its_episodes_before_its_feed_and_nothing_twice(site, show, tmp_path, monkeypatch):
    """file:// goes through fsspec exactly as s3:// or sftp:// would: staged, then pushed."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg-cache"))
    remote = tmp_path / "bucket" / "courier"
    site.items = {"bridge": ("Mon, 30 Nov 2026 08:00:00 GMT", BODIES["bridge"])}
    first = sync(site, show, f"file://{remote}")
    assert first.exit_code == 0 and "files uploaded" in first.stderr
    (item,) = read_items(remote / "feed.xml")
    assert (remote / "episodes" / item.audio).stat().st_size == item.audio_bytes
    assert (remote / "index.html").is_file() and (remote / "cover.jpg").is_file()
    second = sync(site, show, f"file://{remote}")
    assert second.exit_code == 0 and "files uploaded" not in second.stderr
    # A new machine (no staging copy) pulls the feed first and keeps the published episode.
    shutil.rmtree(tmp_path / "xdg-cache")
    site.items["harbour"] = ("Mon, 30 Nov 2026 09:00:00 GMT", BODIES["harbour"])
    third = sync(site, show, f"file://{remote}")
    assert third.exit_code == 0
    assert sorted(i.title for i in read_items(remote / "feed.xml")) == ["Bridge", "Harbour"]


def test_a_missing_extra_or_an_unknown_protocol_is_one_line(show, tmp_path):
    result = run_cli("sync", str(tmp_path), "-c", show, "--feed", "gcs://bucket/show/")
    assert result.exit_code == 2 and "gcs:// needs an extra" in result.stderr and "gcsfs" in result.stderr
    result = run_cli("sync", str(tmp_path), "-c", show, "--feed", "bogus://bucket/show/")
    assert result.exit_code == 2 and "Protocol not known: bogus" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for_port(port: int, seconds: float = 20) -> None:
    """Until a server started for a test listens on 127.0.0.1:port."""
    import socket

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.05)
    raise AssertionError(f"nothing listens on port {port} after {seconds} s")


@pytest.fixture
def s3(monkeypatch, tmp_path):
    """moto's standalone S3 server on a free local port, with throwaway credentials."""
    server = shutil.which("moto_server", path=str(Path(sys.executable).parent)) or shutil.which("moto_server")
    if server is None:
        pytest.skip("moto[server] is not installed (it is in the test extras)")
    port = free_port()
    process = subprocess.Popen([server, "-H", "127.0.0.1", "-p", str(port)], stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    wait_for_port(port)
    endpoint = f"http://127.0.0.1:{port}"
    for name, value in {"AWS_ACCESS_KEY_ID": "narrate-test-key", "AWS_SECRET_ACCESS_KEY": "narrate-test-secret",
                        "AWS_ENDPOINT_URL": endpoint, "AWS_DEFAULT_REGION": "eu-west-1",
                        "XDG_CACHE_HOME": str(tmp_path / "xdg-cache")}.items():
        monkeypatch.setenv(name, value)
    import s3fs

    fs = s3fs.S3FileSystem(client_kwargs={"region_name": "eu-west-1"})
    fs.mkdir("courier-audio")
    yield fs
    process.terminate()
    process.wait(timeout=10)


def test_a_show_on_s3_is_uploaded_once_and_names_no_secret(site, show, s3):
    site.items = {"bridge": ("Mon, 30 Nov 2026 08:00:00 GMT", BODIES["bridge"])}
    first = sync(site, show, "s3://courier-audio/show/")
    assert first.exit_code == 0, first.output
    keys = {key.split("/show/", 1)[1] for key in s3.find("courier-audio/show")}
    assert {"feed.xml", "index.html", "cover.jpg", "favicon.png"} <= keys
    assert sum(key.endswith(".mp3") for key in keys) == 1
    feed = s3.cat_file("courier-audio/show/feed.xml").decode()
    assert "narrate-test" not in feed and "narrate-test" not in first.output
    second = sync(site, show, "s3://courier-audio/show/")
    assert second.exit_code == 0 and "files uploaded" not in second.stderr


SSHD = shutil.which("sshd") or ("/usr/sbin/sshd" if Path("/usr/sbin/sshd").exists() else None)


@pytest.fixture
def sftp_server(tmp_path, monkeypatch):
    """Debian's OpenSSH server on a free local port, with throwaway host and client keys."""
    if SSHD is None or os.geteuid() != 0 or not shutil.which("ssh-keygen"):
        pytest.skip("needs Debian's openssh-server and root (scripts/test installs it)")
    pytest.importorskip("paramiko")
    keys = tmp_path / "ssh"
    keys.mkdir()
    for name in ("host", "client"):
        subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(keys / name)], check=True)
    (keys / "authorized_keys").write_text((keys / "client.pub").read_text())
    port = free_port()
    config = keys / "sshd_config"
    config.write_text(f"Port {port}\nListenAddress 127.0.0.1\nHostKey {keys / 'host'}\n"
                      f"AuthorizedKeysFile {keys / 'authorized_keys'}\nPidFile {keys / 'sshd.pid'}\n"
                      "PasswordAuthentication no\nKbdInteractiveAuthentication no\nPermitRootLogin prohibit-password\n"
                      "StrictModes no\nUsePAM no\nSubsystem sftp internal-sftp\n")
    Path("/run/sshd").mkdir(exist_ok=True)
    process = subprocess.Popen([SSHD, "-D", "-e", "-f", str(config)], stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    wait_for_port(port)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg-cache"))
    yield port, keys / "client"
    process.terminate()
    process.wait(timeout=10)


def test_a_show_over_sftp(site, tmp_path, sftp_server):
    port, key = sftp_server
    remote = tmp_path / "www" / "show"
    config = tmp_path / "sftp.yaml"
    config.write_text("podcast:\n  title: Courier Audio\n  base_url: https://pod.example.com/courier/\n"
                      f"  storage_options:\n    key_filename: {key}\nsync:\n  ledger: {tmp_path / 'ledger.sqlite'}\n",
                      encoding="utf-8")
    site.items = {"bridge": ("Mon, 30 Nov 2026 08:00:00 GMT", BODIES["bridge"])}
    target = f"sftp://root@127.0.0.1:{port}{remote}/"
    first = sync(site, config, target)
    assert first.exit_code == 0, first.output
    (item,) = read_items(remote / "feed.xml")
    assert (remote / "episodes" / item.audio).stat().st_size == item.audio_bytes
    second = sync(site, config, target)
    assert second.exit_code == 0 and "files uploaded" not in second.stderr


def _articles(folder: Path, count: int = 3) -> Path:
    folder.mkdir(exist_ok=True)
    for number in range(count):
        slug = list(BODIES)[number % len(BODIES)]
        (folder / f"{slug}-{number}.md").write_text(f"# {slug.title()} {number}\n\n{BODIES[slug]} Part {number}.\n",
                                                    encoding="utf-8")
    return folder


def test_a_dask_cluster_and_the_local_pool_give_the_same_show(tmp_path):
    pytest.importorskip("dask.distributed")
    folder = _articles(tmp_path / "articles")
    shows = {}
    for runner in ("pool", "dask"):
        config = tmp_path / f"{runner}.yaml"
        config.write_text(SHOW.format(ledger=tmp_path / f"{runner}.sqlite"), encoding="utf-8")
        extra = ["--dask", "local"] if runner == "dask" else []
        result = run_cli("sync", folder, "-c", config, "--feed", tmp_path / runner, "--workers", "2", *extra)
        assert result.exit_code == 0, result.output
        shows[runner] = tmp_path / runner
    items = {runner: [(i.guid, i.number, i.title, i.audio, i.audio_bytes) for i in read_items(show / "feed.xml")]
             for runner, show in shows.items()}
    assert items["pool"] == items["dask"] and len(items["pool"]) == 3
    for guid, number, title, audio, size in items["pool"]:  # speech from the cache: the same bytes
        assert (shows["pool"] / "episodes" / audio).read_bytes() == (shows["dask"] / "episodes" / audio).read_bytes()


def test_an_edited_article_synced_on_dask_replaces_its_files_on_the_target(tmp_path, monkeypatch):
    """Workers upload straight to the target under names taken from the content; the old version's files,
    which the staging copy never held, are swept once the new feed is up."""
    pytest.importorskip("dask.distributed")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg-cache"))
    folder = _articles(tmp_path / "articles", count=1)
    config = tmp_path / "show.yaml"
    config.write_text(SHOW.format(ledger=tmp_path / "ledger.sqlite"), encoding="utf-8")
    remote = tmp_path / "bucket" / "show"

    def synced():
        result = run_cli("sync", folder, "-c", config, "--feed", f"file://{remote}", "--dask", "local",
                         "--workers", "1")
        assert result.exit_code == 0, result.output
        (item,) = read_items(remote / "feed.xml")
        return item, sorted(p.name for p in (remote / "episodes").iterdir())

    first, first_files = synced()
    article = next(folder.iterdir())
    article.write_text(article.read_text(encoding="utf-8") + "\nA line added after the first edition.\n",
                       encoding="utf-8")
    second, second_files = synced()
    assert second.guid == first.guid and second.number == first.number and second.audio != first.audio
    assert second.audio in second_files and len(second_files) == 4
    assert not set(first_files) & set(second_files)


def test_a_dask_worker_killed_mid_article_and_the_article_is_published_once(tmp_path):
    pytest.importorskip("dask.distributed")
    import signal

    from dask.distributed import Client, LocalCluster

    folder = _articles(tmp_path / "articles", count=4)
    config = tmp_path / "narrate.yaml"
    config.write_text(SHOW.format(ledger=tmp_path / "ledger.sqlite"), encoding="utf-8")
    env = {**os.environ, "NARRATE_CACHE_DIR": str(tmp_path / "cold-cache")}  # real synthesis: time to kill one
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster, \
            Client(cluster) as client:
        pids = client.run(os.getpid)
        sync_process = subprocess.Popen(
            [sys.executable, "-m", "narrate", "sync", str(folder), "-c", str(config), "--feed", str(tmp_path / "show"),
             "--dask", cluster.scheduler_address], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not any(client.processing().values()):
            time.sleep(0.05)
        busy = next(address for address, tasks in client.processing().items() if tasks)
        time.sleep(0.3)  # well into the article
        os.kill(pids[busy], signal.SIGKILL)
        _, err = sync_process.communicate(timeout=300)
    assert sync_process.returncode == 0, err
    items = read_items(tmp_path / "show" / "feed.xml")
    assert sorted(i.title for i in items) == sorted(f"{s.title()} {n}" for n, s in
                                                    zip(range(4), [*BODIES, *BODIES]))
    assert sorted(i.number for i in items) == [1, 2, 3, 4]
    assert len({i.audio for i in items}) == 4


def test_a_sync_killed_at_any_point_is_finished_by_the_next_one(tmp_path):
    import signal

    folder = _articles(tmp_path / "articles", count=3)
    config = tmp_path / "narrate.yaml"
    config.write_text(SHOW.format(ledger=tmp_path / "ledger.sqlite"), encoding="utf-8")
    env = {**os.environ, "NARRATE_CACHE_DIR": str(tmp_path / "cold-cache")}
    command = [sys.executable, "-m", "narrate", "sync", str(folder), "-c", str(config), "--feed",
               str(tmp_path / "show"), "--workers", "1"]
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    first = process.stderr.readline()  # the first article is published; the second is being built
    assert first.startswith("published"), first
    time.sleep(0.5)
    process.send_signal(signal.SIGKILL)
    process.wait()
    assert run_cli("feed", "check", tmp_path / "show").exit_code == 0
    again = subprocess.run(command, env=env, capture_output=True, text=True, timeout=300)
    assert again.returncode == 0, again.stderr
    items = read_items(tmp_path / "show" / "feed.xml")
    assert len(items) == 3 and len({i.guid for i in items}) == 3 and sorted(i.number for i in items) == [1, 2, 3]
    assert run_cli("feed", "check", tmp_path / "show").exit_code == 0


def test_an_unreadable_source_is_reported_and_the_others_are_followed(site, show, tmp_path):
    site.items = {"bridge": ("Mon, 30 Nov 2026 08:00:00 GMT", BODIES["bridge"])}
    result = run_cli("sync", tmp_path / "missing.xml", site.server.url_for("/feed.xml"), "-c", show,
                     "--feed", tmp_path / "show", "--workers", "1")
    assert result.exit_code == 1 and "missing.xml: cannot read" in result.stderr
    assert "1 published, 0 failed, 0 unchanged, 1 sources unreadable" in result.stderr
    assert [i.title for i in read_items(tmp_path / "show" / "feed.xml")] == ["Bridge"]
    alone = run_cli("sync", tmp_path / "missing.xml", "-c", show, "--feed", tmp_path / "show")
    assert alone.exit_code == 1 and alone.stderr.startswith("narrate: error:") and "Traceback" not in alone.output


FULL = {
    "lamp": ["The keepers lit the lamp at dusk and trimmed the wicks through the night.",
             "Every few hours the glass was wiped clean of smoke."],
    "lens": ["A new lens of glass rings threw the light twenty miles out to sea.",
             "Sailors could tell one coast from another by its rhythm of flashes."],
    "relief": ["The relief boat came once a fortnight when the weather allowed.",
               "Keepers logged the wind, the ships and the stores that came with it."],
}


class FullTextSite:
    """A newsletter: its feeds carry whole articles, and its pages answer 403 to anything but a browser."""

    def __init__(self, server):
        self.server = server
        self.pages: list[str] = []
        for slug in (*FULL, "teaser"):
            server.expect_request(f"/p/{slug}").respond_with_handler(lambda request, slug=slug: self.page(slug))
        html = lambda slug: "".join(f"<p>{line}</p>" for line in FULL[slug])  # noqa: E731
        server.expect_request("/rss.xml").respond_with_data(
            '<?xml version="1.0"?><rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/">'
            f"<channel><title>Light</title><item><title>Lamp</title><link>{self.url('lamp')}</link>"
            "<description>The keepers lit the lamp.</description>"
            f"<content:encoded><![CDATA[{html('lamp')}]]></content:encoded></item>"
            f"<item><title>Teaser</title><link>{self.url('teaser')}</link><content:encoded><![CDATA["
            "<p>The fog signal sounded all night.</p><p>Continue reading &#8230;</p>]]></content:encoded></item>"
            "</channel></rss>", content_type="application/rss+xml")
        server.expect_request("/atom.xml").respond_with_data(
            '<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>Light</title>'
            f'<entry><title>Lens</title><id>lens</id><link href="{self.url("lens")}"/>'
            "<updated>2026-11-30T10:00:00Z</updated><author><name>Ann Lee</name></author>"
            f'<content type="html">{escape(html("lens"))}</content></entry></feed>',
            content_type="application/atom+xml")
        server.expect_request("/feed.json").respond_with_json(
            {"version": "https://jsonfeed.org/version/1.1", "title": "Light", "items": [
                {"id": "relief", "url": self.url("relief"), "title": "Relief", "content_html": html("relief"),
                 "date_published": "2026-11-29T08:00:00Z"}]})

    def url(self, slug: str) -> str:
        return self.server.url_for(f"/p/{slug}")

    def page(self, slug):
        self.pages.append(slug)
        if slug != "teaser":
            return Response("Forbidden", status=403)
        return Response("<html><head><title>Teaser</title></head><body><article><h1>Teaser</h1>"
                        "<p>The fog signal sounded all night.</p><p>Ships at anchor answered with their bells.</p>"
                        "<p>By morning the harbour was white and still.</p></article></body></html>",
                        content_type="text/html; charset=utf-8")


def escape(text: str) -> str:
    from html import escape as html_escape

    return html_escape(text)


def test_full_text_feeds_are_read_from_the_feed_when_the_pages_answer_403(httpserver, show, tmp_path):
    site = FullTextSite(httpserver)
    feed = tmp_path / "show"
    sources = [httpserver.url_for(name) for name in ("/rss.xml", "/atom.xml", "/feed.json")]
    result = run_cli("sync", *sources, "-c", show, "--feed", feed, "--workers", "1")
    assert result.exit_code == 0, result.output
    items = {item.title: item for item in read_items(feed / "feed.xml")}
    assert set(items) == {"Lamp", "Lens", "Relief", "Teaser"}
    for slug, lines in FULL.items():
        transcript = (feed / "episodes" / items[slug.title()].vtt_file).read_text(encoding="utf-8")
        assert all(line in transcript for line in lines), transcript
    assert "By Ann Lee" in (feed / "episodes" / items["Lens"].vtt_file).read_text(encoding="utf-8")
    # The teaser's item ends by sending the reader on: its page, which answers, gives clearly more.
    teaser = (feed / "episodes" / items["Teaser"].vtt_file).read_text(encoding="utf-8")
    assert "By morning the harbour was white and still." in teaser and "Continue reading" not in teaser
    assert "teaser" in site.pages


def test_read_from_feed_never_asks_the_page_and_read_from_page_always_does(httpserver, tmp_path):
    site = FullTextSite(httpserver)
    for mode in ("feed", "page"):
        config = tmp_path / f"{mode}.yaml"
        config.write_text(SHOW.format(ledger=tmp_path / f"{mode}.sqlite") + f"  read_from: {mode}\n", encoding="utf-8")
        site.pages.clear()
        result = run_cli("sync", httpserver.url_for("/atom.xml"), "-c", config, "--feed", tmp_path / mode,
                         "--workers", "1")
        if mode == "feed":
            assert result.exit_code == 0 and site.pages == [], result.output
        else:
            assert result.exit_code == 1 and "HTTP 403" in result.stderr and site.pages == ["lens"]


def test_quiet_prints_only_errors_and_a_dry_run_changes_nothing(site, show, tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg-cache"))
    site.items = {"bridge": ("Mon, 30 Nov 2026 08:00:00 GMT", BODIES["bridge"])}
    remote = f"file://{tmp_path / 'bucket' / 'show'}"
    quiet = sync(site, show, remote, "-q")
    assert quiet.exit_code == 0 and quiet.output == ""
    ledger = tmp_path / "ledger.sqlite"
    shutil.rmtree(tmp_path / "xdg-cache")  # another machine: no staging copy of the remote show
    site.items["gone"] = ("Mon, 30 Nov 2026 09:00:00 GMT", "")
    site.items["harbour"] = ("Mon, 30 Nov 2026 10:00:00 GMT", BODIES["harbour"])
    before = {p.name: p.read_bytes() for p in tmp_path.glob("ledger.sqlite*")}
    dry = sync(site, show, remote, "--dry-run")
    assert dry.exit_code == 0 and sorted(dry.stdout.splitlines()) == [
        f"would build (new): {site.server.url_for('/gone')}", f"would build (new): {site.server.url_for('/harbour')}"]
    assert {p.name: p.read_bytes() for p in tmp_path.glob("ledger.sqlite*")} == before
    assert not (tmp_path / "xdg-cache").exists()  # not even a staging copy was pulled
    failing = sync(site, show, remote, "-q")
    assert failing.exit_code == 1 and failing.stdout == ""
    assert failing.stderr.strip().splitlines() == [f"failed: {site.server.url_for('/gone')}: "
                                                   f"{site.server.url_for('/gone')}: HTTP 404 NOT FOUND"]
    assert ledger.exists()
