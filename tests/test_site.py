"""The feed folder as a listener meets it: served with byte ranges, played in a real browser."""

import shutil
import threading
import urllib.error
import urllib.request

import pytest
from PIL import Image

from narrate.podcast.page import stamp
from narrate.podcast.serve import make_server

from conftest import run_cli
from test_publish import SHOW, article

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """A published feed folder, served on a free local port by narrate's own server."""
    root = tmp_path_factory.mktemp("site")
    config = root / "narrate.yaml"
    config.write_text(SHOW, encoding="utf-8")
    body = " ".join(f"Sentence {n} of the first part, about the quiet harbour at night." for n in range(6))
    result = run_cli("publish", article(root, "a", "Browser Test", body), "--feed", root / "feed", "-c", config, "-q")
    assert result.exit_code == 0, result.output
    server = make_server(root / "feed", "127.0.0.1", 0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield root / "feed", f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


def test_range_and_head_requests(served):
    folder, url = served
    mp3 = next((folder / "episodes").glob("*.mp3"))
    request = urllib.request.Request(url + "episodes/" + mp3.name, headers={"Range": "bytes=100-199"})
    with urllib.request.urlopen(request) as response:
        assert response.status == 206
        assert response.headers["Content-Range"] == f"bytes 100-199/{mp3.stat().st_size}"
        assert response.read() == mp3.read_bytes()[100:200]
    tail = urllib.request.Request(url + "episodes/" + mp3.name, headers={"Range": "bytes=-10"})
    with urllib.request.urlopen(tail) as response:
        assert response.read() == mp3.read_bytes()[-10:]
    head = urllib.request.Request(url + "feed.xml", method="HEAD")
    with urllib.request.urlopen(head) as response:
        assert response.status == 200 and response.headers["Accept-Ranges"] == "bytes"
        assert int(response.headers["Content-Length"]) == (folder / "feed.xml").stat().st_size


def _status(url, method="GET"):
    try:
        with urllib.request.urlopen(urllib.request.Request(url, method=method)) as response:
            return response.status, response.headers
    except urllib.error.HTTPError as error:
        return error.code, error.headers


def test_server_serves_files_only(served):
    folder, url = served
    (folder / ".narrate.lock").write_text("")
    (folder / ".hidden").mkdir(exist_ok=True)
    (folder / ".hidden" / "secret.txt").write_text("no")
    for path in ("episodes/", "episodes", ".narrate.lock", ".hidden/secret.txt", "episodes/.stage-x",
                 "%2Enarrate.lock", "episodes/../.narrate.lock"):
        status, _ = _status(url + path)
        assert status == 404, path
    assert _status(url)[0] == 200  # the folder's index.html, not a listing


def test_web_players_may_fetch_everything_the_feed_names(served):
    folder, url = served
    media = folder / "episodes"
    names = ["feed.xml", *(f"episodes/{p.name}" for p in media.iterdir() if p.suffix in (".mp3", ".json", ".vtt", ".srt"))]
    assert len(names) == 5
    for name in names:
        status, headers = _status(url + name)
        assert status == 200 and headers["Access-Control-Allow-Origin"] == "*", name
    ranged = urllib.request.Request(url + names[1], headers={"Range": "bytes=0-9", "Origin": "https://web.example"})
    with urllib.request.urlopen(ranged) as response:
        assert response.status == 206 and response.headers["Access-Control-Allow-Origin"] == "*"
        assert "Content-Range" in response.headers["Access-Control-Expose-Headers"]
    status, headers = _status(url + names[1], method="OPTIONS")
    assert status == 204 and "Range" in headers["Access-Control-Allow-Headers"]


def test_page_shows_funding_favicon_and_short_timestamps(served):
    folder, _ = served
    page = (folder / "index.html").read_text(encoding="utf-8")
    assert '<a href="https://example.com/support?a=1&amp;b=2" rel="payment">Support us</a>' in page
    assert '<link rel="icon" type="image/png" href="favicon.png">' in page
    with Image.open(folder / "favicon.png") as icon:
        assert icon.size == (64, 64)
    assert '<time datetime="PT0H0M0S">0:00</time>' in page and "00:00:00" not in page


def test_timestamps_take_the_shortest_form_that_fits_the_episode():
    assert stamp(124, 12 * 60) == "2:04"
    assert stamp(59, 12 * 60) == "0:59"
    assert stamp(124, 3600) == "0:02:04"
    assert stamp(3724, 2 * 3600) == "1:02:04"


@pytest.mark.skipif(not (CHROMIUM and CHROMEDRIVER), reason="needs Debian's chromium and chromium-driver "
                    "(scripts/test installs them)")
def test_chapter_click_seeks_the_player_in_a_real_browser(served):
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support.ui import WebDriverWait

    _, url = served
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--autoplay-policy=no-user-gesture-required", "--mute-audio", "--window-size=420,900"):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    try:
        driver.get(url + "index.html")
        audio = driver.find_element(By.TAG_NAME, "audio")
        WebDriverWait(driver, 20).until(lambda d: d.execute_script("return arguments[0].readyState", audio) >= 1)
        duration = driver.execute_script("return arguments[0].duration", audio)
        assert duration > 5
        buttons = driver.find_elements(By.CSS_SELECTOR, "ol.chapters button")
        assert [b.text.split("\n")[-1] for b in buttons] == ["Browser Test", "Second part"]
        target = float(buttons[1].get_attribute("data-start"))
        assert target > 1
        buttons[1].click()
        WebDriverWait(driver, 20).until(
            lambda d: abs(d.execute_script("return arguments[0].currentTime", audio) - target) < 1.5)
        # The keyboard works too: focus the first chapter and press Enter.
        buttons[0].send_keys(Keys.ENTER)
        WebDriverWait(driver, 20).until(lambda d: d.execute_script("return arguments[0].currentTime", audio) < 1.5)
        # The current chapter is marked without moving anything on the page.
        boxes = "return Array.from(document.querySelectorAll('ol.chapters button, ol.chapters span'))" \
                ".map(function (e) { var r = e.getBoundingClientRect(); return [r.x, r.y, r.width, r.height]; })"
        before = driver.execute_script(boxes)
        buttons[1].click()
        WebDriverWait(driver, 20).until(lambda d: buttons[1].get_attribute("aria-current") == "true")
        assert driver.execute_script(boxes) == before
        # A seek that lands a little short of the chosen chapter (an MP3 seeks by frames) still marks it.
        buttons[0].click()
        WebDriverWait(driver, 20).until(lambda d: buttons[0].get_attribute("aria-current") == "true")
        driver.execute_script("arguments[0].click(); arguments[1].pause(); arguments[1].currentTime = arguments[2] - 0.2;",
                              buttons[1], audio, target)
        WebDriverWait(driver, 20).until(lambda d: not d.execute_script("return arguments[0].seeking", audio))
        driver.execute_script("arguments[0].dispatchEvent(new Event('timeupdate'));", audio)
        assert buttons[1].get_attribute("aria-current") == "true"
        transcript = driver.find_element(By.TAG_NAME, "summary")
        transcript.click()
        cues = driver.find_elements(By.CSS_SELECTOR, ".cue button")
        assert len(cues) > 4 and any("quiet harbour" in c.text for c in cues)
        # Clicking a cue seeks there (and Enter on a focused cue does too).
        driver.execute_script("arguments[0].pause()", audio)
        cue = cues[3]
        start = float(cue.get_attribute("data-start"))
        # (the click also plays: allow for playback moving on before the next poll, on a busy machine)
        near = lambda t: lambda d: t - 0.3 < d.execute_script("return arguments[0].currentTime", audio) < t + 2  # noqa
        cue.click()
        WebDriverWait(driver, 20).until(near(start))
        cues[1].send_keys(Keys.ENTER)
        start_1 = float(cues[1].get_attribute("data-start"))
        assert start - start_1 > 2.5  # far enough apart for the two seeks to be told apart
        WebDriverWait(driver, 20).until(near(start_1))
        # The highlighted cue follows playback: move the player, and timeupdate moves the mark.
        inside = ("var c = arguments[0].getBoundingClientRect(), b = arguments[0].closest('.transcript')"
                  ".getBoundingClientRect(); return c.top >= b.top - 1 && c.bottom <= b.bottom + 1;")
        for index in (2, len(cues) - 1, 0):
            driver.execute_script("arguments[0].pause(); arguments[0].currentTime = arguments[1] + 0.1;"
                                  "arguments[0].dispatchEvent(new Event('timeupdate'))",
                                  audio, float(cues[index].get_attribute("data-start")))
            WebDriverWait(driver, 20).until(
                lambda d: [c.get_attribute("aria-current") for c in cues].count("true") == 1
                and cues[index].get_attribute("aria-current") == "true")
            assert driver.execute_script(inside, cues[index]), f"cue {index} is not scrolled into view"
        labelled = driver.execute_script("return arguments[0].getAttribute('aria-label')", audio)
        assert labelled == "Play Browser Test"
        # The chapter clicked is marked at once, before its seek lands (here it never does: a paused
        # player whose position cannot move, as when a slow connection holds the seek back).
        driver.execute_script("arguments[0].pause(); arguments[0].play = function () {};"
                              "Object.defineProperty(arguments[0], 'currentTime', {get: function () { return 0; },"
                              " set: function () {}});", audio)
        buttons[1].click()
        assert buttons[1].get_attribute("aria-current") == "true"
    finally:
        driver.quit()
