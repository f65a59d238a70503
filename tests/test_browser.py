"""The real thing: `python app.py` in a browser (Debian's Chromium driven by Playwright).

Every tab is opened in Polish and in English; no error toast may appear, the two languages
must differ, and a screenshot of each tab is saved under artifacts/screenshots/.
"""

import os
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import sync_playwright

from conftest import free_port
from shared.suite import installed_demos

REPO = Path(__file__).resolve().parents[1]
SCREENSHOTS = REPO / "artifacts" / "screenshots"
CHROMIUM = "/usr/bin/chromium"
# Without the background-networking flags Chromium keeps calling Google's hosts, which this
# sandbox refuses; --no-sandbox because CI runs as root.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-quic"]

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def app_url():
    port = free_port()
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "GRADIO_ANALYTICS_ENABLED": "False"}
    server = subprocess.Popen([sys.executable, "app.py", "--port", str(port)], cwd=REPO, env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    url = f"http://127.0.0.1:{port}/"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert server.poll() is None, server.stdout.read()
        try:
            if httpx.get(url, timeout=1).status_code == 200:
                break
        except httpx.HTTPError:
            time.sleep(0.2)
    else:
        server.kill()
        pytest.fail("app.py did not answer within 60 s")
    yield url
    server.terminate()
    server.wait(timeout=10)


@pytest.fixture(scope="module")
def browser():
    assert Path(CHROMIUM).exists(), "Chromium is missing: run tests/run.sh, which installs Debian's chromium"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def visit_every_tab(browser, url: str, locale: str) -> dict:
    context = browser.new_context(locale=locale, viewport={"width": 1366, "height": 900})
    page = context.new_page()
    console_errors = []
    page.on("console", lambda m: console_errors.append(m.text) if m.type == "error" else None)
    page.goto(url)
    tabs = page.get_by_role("tab")
    tabs.first.wait_for(timeout=30000)
    labels = [t.inner_text().strip() for t in tabs.all()]
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for index, label in enumerate(labels):
        tab = page.get_by_role("tab").nth(index)
        tab.click()
        page.wait_for_function("i => document.querySelectorAll('[role=tab]')[i].getAttribute('aria-selected') === 'true'",
                               arg=index, timeout=10000)
        page.wait_for_timeout(1500)  # let the tab render and any error toast arrive
        page.screenshot(path=str(SCREENSHOTS / f"{locale}-{index:02d}-{installed_demos()[index]}.png"), full_page=True)
        toasts = page.get_by_test_id("toast-body")
        assert toasts.count() == 0, f"{locale} tab {label!r}: {toasts.first.inner_text()}"
    result = {"labels": labels, "title": page.title(), "text": page.inner_text("body"), "console": console_errors}
    context.close()
    return result


def test_every_tab_opens_cleanly_in_polish_and_in_english(browser, app_url):
    polish = visit_every_tab(browser, app_url, "pl-PL")
    english = visit_every_tab(browser, app_url, "en-US")
    assert len(polish["labels"]) == len(installed_demos()) == len(english["labels"])
    assert polish["labels"] != english["labels"]
    assert "Głębokie uczenie" in polish["title"] and "Deep learning" in english["title"]
    assert "Technologie Multimedialne" in polish["text"] and "Technologie Multimedialne" in english["text"]
    assert polish["text"] != english["text"]
    # the only console errors allowed are the network calls this offline sandbox refuses
    for messages in (polish["console"], english["console"]):
        assert [m for m in messages if "net::ERR" not in m and "Failed to load resource" not in m] == []


def open_tab_and_draw_a_one(browser, app_url: str, locale: str, tab: str):
    """A new page on ``tab``, with a vertical stroke drawn on its sketchpad straight away."""
    context = browser.new_context(locale=locale, viewport={"width": 1366, "height": 900})
    page = context.new_page()
    page.goto(app_url)
    page.locator(f'[role=tab][data-tab-id="{tab}"]').click()
    pad = page.locator(".digit-sketchpad[data-brush-chosen]").locator("visible=true").first
    pad.wait_for(timeout=30000)
    pad.scroll_into_view_if_needed()  # the mouse only draws inside the viewport
    box = pad.locator("canvas").first.bounding_box()
    x, top, bottom = box["x"] + box["width"] / 2, box["y"] + box["height"] * 0.2, box["y"] + box["height"] * 0.8
    page.mouse.move(x, top)
    page.mouse.down()
    for step in range(1, 21):
        page.mouse.move(x, top + (bottom - top) * step / 20)
    page.mouse.up()
    return context, page


@pytest.mark.parametrize("locale", ["pl-PL", "en-US"])
def test_a_digit_drawn_straight_away_is_recognised(browser, app_url, locale):
    """The first thing a lecture hall does: open the CNN tab and draw, without looking for the
    brush first. A vertical stroke must come back as a 1, with the one-hot answer."""
    context, page = open_tab_and_draw_a_one(browser, app_url, locale, "mnist_cnn")
    one_hot = "[0 1 0 0 0 0 0 0 0 0] → 1"
    page.get_by_text(one_hot).first.wait_for(timeout=30000)
    page.screenshot(path=str(SCREENSHOTS / f"{locale}-drawn-digit.png"))
    context.close()


def test_class_visualisation_starts_from_the_drawing(browser, app_url):
    """The drawing reaches an event that takes the sketchpad as one of its inputs, unprocessed
    (there the browser sends the drawing as files; only the sketchpad's own change events carry
    the blob id that needs Gradio's preprocessing)."""
    context, page = open_tab_and_draw_a_one(browser, app_url, "en-US", "deep_dream")
    page.get_by_label("my drawing").check()
    page.get_by_role("button", name="Visualise the digit").click()
    try:
        page.get_by_text("Step 60:").first.wait_for(timeout=120000)
    finally:
        page.screenshot(path=str(SCREENSHOTS / "en-US-deep_dream-from-drawing.png"), full_page=True)
    assert page.get_by_test_id("toast-body").count() == 0
    context.close()
