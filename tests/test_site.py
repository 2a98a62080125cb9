"""The feed folder as a listener meets it: served with byte ranges, played in a real browser."""

import shutil
import threading
import urllib.request

import pytest
from test_publish import SHOW, article

from narrate.podcast.serve import make_server

from conftest import run_cli

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
        transcript = driver.find_element(By.TAG_NAME, "summary")
        transcript.click()
        cues = driver.find_elements(By.CSS_SELECTOR, ".cue button")
        assert any("quiet harbour" in c.text for c in cues)
        labelled = driver.execute_script("return arguments[0].getAttribute('aria-label')", audio)
        assert labelled == "Play Browser Test"
    finally:
        driver.quit()
