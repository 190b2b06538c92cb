"""The summary report as a reader sees it: headless Chromium opens it offline, every image loads, no console errors."""

import os
import shutil

import pytest
from test_workflow import FIGURES

CHROMIUM, DRIVER = shutil.which("chromium"), shutil.which("chromedriver")
pytestmark = [
    pytest.mark.workflow,
    pytest.mark.skipif(
        not (CHROMIUM and DRIVER),
        reason="needs Debian's chromium and chromium-driver (apt-get install chromium chromium-driver; .ci/run does)",
    ),
]
FLAGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
]


@pytest.fixture
def chromium(tmp_path):
    os.environ.setdefault("SE_OFFLINE", "true")  # never let Selenium Manager fetch a browser or driver
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in [*FLAGS, f"--user-data-dir={tmp_path / 'profile'}"]:
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(DRIVER), options=options)
    driver.set_window_size(1400, 2400)
    yield driver
    driver.quit()


def test_summary_report_renders_offline_with_every_image(tiny, chromium):
    page = tiny / "results" / "report" / "summary.html"
    chromium.get(page.resolve().as_uri())
    images = chromium.execute_script(
        "return Array.from(document.images).map(i => [i.alt, i.complete, i.naturalWidth, i.naturalHeight])"
    )
    assert [alt for alt, *_ in images] == FIGURES
    assert all(complete and width > 1000 and height > 300 for _, complete, width, height in images)
    assert [entry for entry in chromium.get_log("browser") if entry["level"] == "SEVERE"] == []
    links = chromium.execute_script(
        "return Array.from(document.querySelectorAll('a')).map(a => a.getAttribute('href'))"
    )
    assert all(href.startswith("#") for href in links)  # the table of contents stays inside the page
    for href in links:
        assert chromium.execute_script(f"return document.getElementById('{href[1:]}') !== null")
    verdicts = chromium.execute_script(
        "return Array.from(document.querySelectorAll('td.verdict')).map(t => t.textContent)"
    )
    assert set(verdicts) <= {"inside", "OUTSIDE", "n/a"} and "inside" in verdicts
    screenshot = tiny / "results" / "report" / "summary_screenshot.png"
    assert chromium.save_screenshot(str(screenshot)) and screenshot.stat().st_size > 10_000


def test_summary_report_fits_a_1400_px_window(tiny, chromium):
    """A reviewer at 1,400 px reads every table without scrolling sideways: notes wrap instead of widening it."""
    chromium.get((tiny / "results" / "report" / "summary.html").resolve().as_uri())
    viewport = chromium.execute_script("return document.documentElement.clientWidth")
    widths = chromium.execute_script(
        "return Array.from(document.querySelectorAll('table')).map(t => t.getBoundingClientRect().right)"
    )
    assert widths and max(widths) <= viewport, (viewport, widths)
    assert chromium.execute_script("return document.documentElement.scrollWidth") <= viewport
