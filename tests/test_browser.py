"""The real thing: `python app.py` in a browser (Debian's Chromium driven by Playwright).

Every tab is opened, section by section, in Polish and in English; no error toast may appear,
the two languages must differ, and a screenshot of each tab is saved under
artifacts/screenshots/. The lecture map opens tabs, a deep link opens its tab, the page fits a
phone's width, and projector mode enlarges the type and folds the advanced settings.
"""

import os
import re
import subprocess
import sys
import time
from contextlib import closing
from pathlib import Path

import httpx
import pytest
from conftest import free_port
from playwright.sync_api import sync_playwright

from shared import demos

REPO = Path(__file__).resolve().parents[1]
SCREENSHOTS = REPO / "artifacts" / "screenshots"
CHROMIUM = "/usr/bin/chromium"
# Without the background-networking flags Chromium keeps calling Google's hosts, which this
# sandbox refuses; --no-sandbox because CI runs as root.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-quic"]

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def app_url(tmp_path_factory):
    from acestep_tiny import build_acestep_folder
    from faces_tiny import build_ldm_folder
    from music_tiny import build_clap_folder, build_musicgen_folder
    from speech_tiny_clone import build_omnivoice_folder
    from speech_tiny_meters import build_wavlm_folder, build_whisper_folder
    from speech_tiny_vits import build_english_folder, build_polish_folder
    from speech_tiny_voice import build_hifigan_folder, build_speecht5_folder, build_xvector_folder
    from video_tiny import build_wan_folder

    port = free_port()
    # The faces, chat, video and music tabs run tiny models of the real ones' classes (the Hub is out of
    # reach; the video tab is allowed its CPU for them);
    # the chat's votes go to a file of this test run.
    from tiny_text_models import save_tiny_chat_model

    base = tmp_path_factory.mktemp("browser-models")
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "GRADIO_ANALYTICS_ENABLED": "False",
           "LAB_MODEL_FACES": str(build_ldm_folder(base / "ldm")),
           "LAB_MODEL_CHAT": str(save_tiny_chat_model(base / "qwen", initializer_range=0.2)),
           "LAB_MODEL_CHAT_BIELIK_SMALL": str(save_tiny_chat_model(base / "llama", 0.2, family="llama")),
           "LAB_MODEL_VIDEO": str(build_wan_folder(base / "wan21")),
           "LAB_MODEL_VIDEO_QUALITY": str(build_wan_folder(base / "wan22", wan22=True)),
           "LAB_MODEL_MUSIC": str(build_musicgen_folder(base / "musicgen")),
           "LAB_MODEL_MUSIC_CLAP": str(build_clap_folder(base / "clap")),
           "LAB_MODEL_MUSIC_SONG": str(build_acestep_folder(base / "acestep")), "LAB_MUSIC_SONG_CPU": "1",
           "LAB_MODEL_SPEECH_PL": str(build_polish_folder(base / "mms-tts-pol")),
           "LAB_MODEL_SPEECH_EN": str(build_english_folder(base / "mms-tts-eng")),
           "LAB_MODEL_SPEECH_T5": str(build_speecht5_folder(base / "speecht5")),
           "LAB_MODEL_SPEECH_T5_VOCODER": str(build_hifigan_folder(base / "hifigan")),
           "LAB_MODEL_SPEECH_XVECTOR": str(build_xvector_folder(base / "xvector")),
           "LAB_MODEL_SPEECH_ASR": str(build_whisper_folder(base / "whisper")),
           "LAB_MODEL_SPEECH_SIMILARITY": str(build_wavlm_folder(base / "wavlm")),
           "LAB_MODEL_SPEECH_CLONE": str(build_omnivoice_folder(base / "omnivoice")), "LAB_SPEECH_CLONE_CPU": "1",
           "LAB_VIDEO_CPU": "1", "LAB_VOTES_DB": str(base / "votes.sqlite3"), "GRADIO_TEMP_DIR": str(base / "gradio")}
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


def sections() -> dict[str, list[str]]:
    """The page's sections in order, each with its demos' tab ids."""
    grouped = demos.by_section(demos.installed())
    return {section: [demo.name for demo in members] for section, members in grouped.items()}


def tab(page, tab_id: str):
    return page.locator(f'[role=tab][data-tab-id="{tab_id}"]')


def is_selected(page, tab_id: str) -> None:
    page.wait_for_function("id => document.querySelector(`[role=tab][data-tab-id=\"${id}\"]`)"
                           "?.getAttribute('aria-selected') === 'true'", arg=tab_id, timeout=30000)


def visit_every_tab(browser, url: str, locale: str) -> dict:
    context = browser.new_context(locale=locale, viewport={"width": 1366, "height": 900})
    page = context.new_page()
    console_errors = []
    page.on("console", lambda m: console_errors.append(m.text) if m.type == "error" else None)
    page.goto(url)
    tab(page, "map").wait_for(timeout=30000)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{locale}-00-map.png"), full_page=True)
    labels = []
    for section, names in sections().items():
        tab(page, section).click()
        is_selected(page, section)
        for name in names:
            tab(page, name).click()
            is_selected(page, name)
            labels.append(tab(page, name).inner_text().strip())
            page.wait_for_timeout(1500)  # let the tab render and any error toast arrive
            page.screenshot(path=str(SCREENSHOTS / f"{locale}-{len(labels):02d}-{name}.png"), full_page=True)
            toasts = page.get_by_test_id("toast-body")
            assert toasts.count() == 0, f"{locale} tab {name!r}: {toasts.first.inner_text()}"
    result = {"labels": labels, "title": page.title(), "text": page.inner_text("body"), "console": console_errors}
    context.close()
    return result


def test_every_tab_opens_cleanly_in_polish_and_in_english(browser, app_url):
    polish = visit_every_tab(browser, app_url, "pl-PL")
    english = visit_every_tab(browser, app_url, "en-US")
    assert len(polish["labels"]) == len(demos.names()) == len(english["labels"])
    assert polish["labels"] != english["labels"]
    assert "Głębokie uczenie" in polish["title"] and "Deep learning" in english["title"]
    assert "Technologie Multimedialne" in polish["text"] and "Technologie Multimedialne" in english["text"]
    assert polish["text"] != english["text"]
    # the only console errors allowed are the network calls this offline sandbox refuses
    for messages in (polish["console"], english["console"]):
        assert [m for m in messages if "net::ERR" not in m and "Failed to load resource" not in m] == []


def open_tab_and_draw_a_one(browser, app_url: str, locale: str, tab_id: str):
    """A new page on ``tab``, with a vertical stroke drawn on its sketchpad straight away."""
    context = browser.new_context(locale=locale, viewport={"width": 1366, "height": 900})
    page = context.new_page()
    page.goto(f"{app_url}?tab={tab_id}")  # a deep link opens the tab (and its section)
    is_selected(page, tab_id)
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


@pytest.mark.parametrize("locale", ["pl-PL", "en-US"])
def test_a_spoken_example_is_recognised_and_shown(browser, app_url, locale):
    """Pick a recording among the spoken-digit examples: the answer (one-hot), the stages of the
    preprocessing and the first layer's filters appear, with no error."""
    context = browser.new_context(locale=locale, viewport={"width": 1366, "height": 900})
    page = context.new_page()
    page.goto(f"{app_url}?tab=spoken_digits")
    is_selected(page, "spoken_digits")
    page.get_by_text("3_nicolas_0.wav").first.click()
    try:
        page.get_by_text("[0 0 0 1 0 0 0 0 0 0] → 3").first.wait_for(timeout=60000)
        page.locator("img[src*='.png']").nth(1).wait_for(timeout=30000)  # the stages and the spectrogram
    finally:
        page.screenshot(path=str(SCREENSHOTS / f"{locale}-spoken-digit.png"), full_page=True)
    assert page.get_by_test_id("toast-body").count() == 0
    context.close()


def test_a_digit_said_into_the_microphone_is_heard(browser, app_url, tmp_path):
    """The microphone path end to end: Chromium's fake capture device plays a recording of a
    digit (in a loop), the tab records it, and the server can read what the browser sends."""
    import numpy as np
    import soundfile

    said, rate = soundfile.read(REPO / "spaces" / "spoken_digits" / "examples" / "8_lucas_0.wav", dtype="int16")
    played = tmp_path / "microphone.wav"  # the digit, then a second of silence
    soundfile.write(played, np.concatenate([said, np.zeros(rate, np.int16)]), rate, subtype="PCM_16")
    microphone = ["--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream",
                  f"--use-file-for-fake-audio-capture={played}"]
    # a second Chromium of the same Playwright, started with the fake microphone
    with closing(browser.browser_type.launch(executable_path=CHROMIUM, headless=True,
                                             args=CHROMIUM_ARGS + microphone)) as listening:
        context = listening.new_context(locale="en-US", viewport={"width": 1366, "height": 900},
                                      permissions=["microphone"])
        page = context.new_page()
        page.goto(app_url)
        tab(page, "sound").click(timeout=30000)
        tab(page, "spoken_digits").click()
        is_selected(page, "spoken_digits")
        try:
            page.get_by_role("button", name="Record", exact=True).first.click(timeout=30000)
            page.wait_for_timeout(3000)
            page.get_by_role("button", name="Stop", exact=True).first.click()
            page.get_by_text("One-hot answer").first.wait_for(timeout=60000)  # read and heard: an answer
        finally:
            page.screenshot(path=str(SCREENSHOTS / "en-US-spoken-digit-microphone.png"), full_page=True)
        assert page.get_by_test_id("toast-body").count() == 0


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


def test_the_lecture_map_opens_every_topic_and_a_deep_link_opens_its_tab(browser, app_url):
    context = browser.new_context(locale="pl-PL", viewport={"width": 1366, "height": 900})
    page = context.new_page()
    page.goto(app_url)
    is_selected(page, "map")
    where = {name: section for section, names in sections().items() for name in names}
    for name in where:
        assert page.locator(f"#lab-map-{name}").is_visible(), name
    page.locator("#lab-map-vae").click()  # a topic on the map opens its section and its tab
    is_selected(page, "inside")
    is_selected(page, "vae")
    tab(page, "map").click()
    page.locator("#lab-map-sentiment").click()
    is_selected(page, "text")
    is_selected(page, "sentiment")
    page.goto(f"{app_url}?tab=audio_separation")
    is_selected(page, "sound")
    is_selected(page, "audio_separation")
    page.goto(f"{app_url}?tab=inside")  # a section's own link
    is_selected(page, "inside")
    page.goto(f"{app_url}?tab=no_such_tab")  # an unknown link stays on the map, without an error
    is_selected(page, "map")
    assert page.get_by_test_id("toast-body").count() == 0
    context.close()


@pytest.mark.parametrize("where", ["map", "mnist_cnn", "image_generation"])
def test_the_page_fits_a_phone(browser, app_url, where):
    """390 px wide, as an iPhone 12–15 in portrait: nothing sticks out sideways."""
    context = browser.new_context(locale="pl-PL", viewport={"width": 390, "height": 844}, device_scale_factor=2,
                                  is_mobile=True, has_touch=True)
    page = context.new_page()
    page.goto(app_url if where == "map" else f"{app_url}?tab={where}")
    is_selected(page, where)
    page.wait_for_timeout(1500)
    page.screenshot(path=str(SCREENSHOTS / f"phone-390-{where}.png"), full_page=True)
    overflow = page.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 1, f"{where}: the page is {overflow} px wider than the phone"
    context.close()


def test_projector_mode_enlarges_the_type_and_folds_the_advanced_settings(browser, app_url):
    context = browser.new_context(locale="en-US", viewport={"width": 1366, "height": 900})
    page = context.new_page()
    page.goto(f"{app_url}?tab=deep_dream")
    is_selected(page, "deep_dream")
    settings = page.locator(".lab-advanced").locator("visible=true").first
    settings.wait_for(timeout=15000)
    assert page.evaluate("() => document.body.classList.contains('lab-projector')") is False
    open_before = settings.locator(".label-wrap.open").count()
    page.locator("#lab-projector input[type=checkbox]").check()
    page.wait_for_function("() => document.body.classList.contains('lab-projector')", timeout=10000)
    page.wait_for_function("el => !el.querySelector('.label-wrap.open')", arg=settings.element_handle(), timeout=10000)
    page.screenshot(path=str(SCREENSHOTS / "en-US-projector-deep_dream.png"))
    page.locator("#lab-projector input[type=checkbox]").uncheck()
    page.wait_for_function("() => !document.body.classList.contains('lab-projector')", timeout=10000)
    assert settings.locator(".label-wrap.open").count() == open_before
    page.goto(f"{app_url}?projector=1")  # a lecturer's bookmark starts in projector mode
    page.wait_for_function("() => document.body.classList.contains('lab-projector')", timeout=15000)
    context.close()


@pytest.mark.parametrize("locale", ["pl-PL", "en-US"])
def test_a_refused_job_is_explained_in_the_pages_language(browser, monkeypatch, locale):
    """When the door turns a job away (here: a queue with no room at all), the page's error box
    shows the door's sentence in the visitor's language, not Gradio's English "busy" line."""
    import gradio as gr

    import app
    from shared import i18n, server

    with gr.Blocks() as blocks:
        word, shout = gr.Textbox(value="hello"), gr.Textbox()
        gr.Button("Shout it", elem_id="shout").click(str.upper, word, shout, api_name="go")
    blocks.queue(max_size=app.QUEUE_MAX_SIZE, api_open=False)
    blocks.launch(server_name="127.0.0.1", server_port=free_port(), prevent_thread_lock=True, quiet=True,
                  **app.launch_kwargs())
    monkeypatch.setattr(server, "QUEUE_LIMIT", 0)
    context = browser.new_context(locale=locale)
    try:
        page = context.new_page()
        page.goto(blocks.local_url)
        page.locator("#shout").click()
        toast = page.get_by_test_id("toast-body").first
        toast.wait_for(timeout=30000)
        assert i18n.message("shared.request.queue_full", locale[:2]) in toast.inner_text()
        page.screenshot(path=str(SCREENSHOTS / f"{locale}-queue-full.png"))
    finally:
        context.close()
        blocks.close()


def open_tab_wide(browser, app_url, locale, demo: str):
    """A wide page opened on ``demo``'s tab, its texts registered: (context, page, language)."""
    from conftest import register_texts

    register_texts(demo)
    context = browser.new_context(locale=locale, viewport={"width": 1366, "height": 1000})
    page = context.new_page()
    page.goto(f"{app_url}?tab={demo}")
    is_selected(page, demo)
    return context, page, locale[:2]


@pytest.mark.parametrize("locale", ["pl-PL", "en-US"])
def test_the_playground_learns_the_spiral_live_and_takes_clicked_points(browser, app_url, locale):
    """Play draws the regions as the network learns; clicks on the canvas add points of the chosen
    class, with a hint (not an error) until there are two classes."""
    from shared import i18n

    context, page, language = open_tab_wide(browser, app_url, locale, "playground")
    page.get_by_role("button", name=i18n.message("playground.play", language)).click()
    step_word = "Krok" if language == "pl" else "Step"
    page.get_by_text(re.compile(rf"{step_word} [1-9]\d{{2,}}:")).first.wait_for(timeout=60000)
    # dispatched: while the view redraws ten times a second the page never settles for Playwright's click
    page.get_by_role("button", name=i18n.message("playground.pause", language)).dispatch_event("click")
    canvas = page.locator("#playground-canvas img").first
    canvas.wait_for(timeout=60000)  # the picture of the last frame sent before the pause (slow under load)
    box = canvas.bounding_box()
    canvas.click(position={"x": box["width"] * 0.25, "y": box["height"] * 0.25})
    page.get_by_text(i18n.message("playground.mine.another_class", language)).first.wait_for(timeout=30000)
    page.get_by_label("1", exact=True).check()
    canvas.click(position={"x": box["width"] * 0.75, "y": box["height"] * 0.75})
    page.get_by_text(re.compile(rf"{step_word} 0:")).first.wait_for(timeout=30000)
    page.screenshot(path=str(SCREENSHOTS / f"{locale}-playground.png"), full_page=True)
    assert page.get_by_test_id("toast-body").count() == 0
    context.close()


@pytest.mark.parametrize("locale", ["pl-PL", "en-US"])
def test_the_playground_fits_clicked_points_and_groups_the_moons_with_a_network(browser, app_url, locale):
    """Clicks on the regression picture become points (every third held out) that Fit learns; the
    clustering tab's network keeps the two moons whole."""
    from shared import i18n

    context, page, language = open_tab_wide(browser, app_url, locale, "playground")
    page.get_by_role("tab", name=i18n.message("playground.tab.regression", language)).click()
    picture = page.locator("#playground-fit img").first
    picture.wait_for(timeout=30000)
    box = picture.bounding_box()
    for share in (0.1, 0.3, 0.5, 0.7):
        picture.click(position={"x": box["width"] * share, "y": box["height"] * (0.2 + share / 2)})
        time.sleep(0.5)  # each click is drawn before the next (the picture's select event runs in order)
    page.get_by_text(i18n.message("playground.regression.ready", language, train=3, held=1).replace("**", "")
                     ).first.wait_for(timeout=30000)
    page.get_by_role("button", name=i18n.message("playground.regression.fit", language), exact=True).click()
    fitted = i18n.message("playground.regression.result", language, train="X", held="", best="", best_step="")
    page.get_by_text(re.compile(re.escape(fitted.split("X")[0]))).first.wait_for(timeout=60000)
    page.screenshot(path=str(SCREENSHOTS / f"{locale}-playground-regression.png"), full_page=True)
    page.get_by_role("tab", name=i18n.message("playground.tab.clustering", language)).click()
    page.locator("label:visible", has_text=i18n.message("playground.datasets.moons", language)).first.click()
    page.get_by_role("button", name=i18n.message("playground.cluster.network.learn", language)).click()
    result = page.get_by_text(re.compile(re.escape(i18n.message("playground.cluster.network_result", language,
                                                                ari="X", loss="", best="").split("X")[0])))
    result.first.wait_for(timeout=60000)
    page.screenshot(path=str(SCREENSHOTS / f"{locale}-playground-clustering.png"), full_page=True)
    assert page.get_by_test_id("toast-body").count() == 0
    context.close()


def play_a_round(page, language: str, marked: list[int]) -> str:
    """Deal a round of the faces game, mark these faces as photos, check: the tally's text."""
    from shared import i18n

    page.get_by_role("button", name=i18n.message("faces.game.deal", language)).click()
    round_faces = page.locator(".faces-game-round img")
    page.get_by_text(i18n.message("faces.game.question", language, n=2)).first.wait_for(timeout=60000)
    assert round_faces.count() == 2
    assert i18n.message("faces.game.revealed", language, seed="").strip() not in page.inner_text(".faces-game-round")
    for n in marked:
        page.locator(".faces-game-marked").get_by_label(i18n.message("faces.game.face", language, n=n + 1),
                                                         exact=True).check()
    page.get_by_role("button", name=i18n.message("faces.game.answer", language)).click()
    page.get_by_text(i18n.message("faces.game.revealed", language, seed="").strip()).first.wait_for(timeout=30000)
    return page.inner_text(".faces-game-tally")


@pytest.mark.parametrize("locale", ["pl-PL", "en-US"])
def test_a_face_is_made_and_the_game_reveals_it_only_after_the_answer(browser, app_url, locale):
    """New face draws a face under its seed; the game's round shows no seeds until the answer, and
    each browser session keeps its own tally."""
    from shared import i18n

    context, page, language = open_tab_wide(browser, app_url, locale, "faces")
    page.get_by_role("button", name=i18n.message("faces.new_face", language), exact=True).click()
    done = i18n.message("faces.done", language, n=1, steps=20, seeds="X").split("X")[0]
    page.get_by_text(done).first.wait_for(timeout=60000)
    assert page.locator(".faces-gallery img").count() >= 1
    seed = page.locator(".faces-gallery").inner_text()
    assert re.search(i18n.message("faces.caption", language, seed=r"\d+"), seed)

    tally = play_a_round(page, language, marked=[0])
    assert i18n.message("faces.game.tally", language, rounds=1, faces=2, taken=1, share=50) in tally
    page.screenshot(path=str(SCREENSHOTS / f"{locale}-faces-game.png"), full_page=True)
    tally = play_a_round(page, language, marked=[])
    assert i18n.message("faces.game.tally", language, rounds=2, faces=4, taken=1, share=25) in tally
    assert page.get_by_test_id("toast-body").count() == 0
    other = context.browser.new_context(locale=locale).new_page()  # another visitor: a tally of their own
    other.goto(f"{app_url}?tab=faces")
    is_selected(other, "faces")
    assert i18n.message("faces.game.tally", language, rounds=1, faces=2, taken=2, share=100) in play_a_round(
        other, language, marked=[0, 1])
    other.context.close()
    context.close()


@pytest.mark.parametrize("locale", ["pl-PL", "en-US"])
def test_two_models_answer_blind_and_the_room_votes(browser, app_url, locale):
    """Side by side in the blind mode: two answers under hidden names, revealed by the verdict;
    then one vote in the room's poll, counted on the chart, and a second one refused."""
    from shared import i18n

    context, page, language = open_tab_wide(browser, app_url, locale, "chat")
    page.get_by_role("tab", name=i18n.message("chat.tab.compare", language)).click()
    page.get_by_label(i18n.message("chat.message", language)).locator("visible=true").first.fill("Cześć!")
    page.get_by_role("button", name=i18n.message("chat.compare.run", language)).click()
    judge = page.get_by_role("button", name=i18n.message("chat.compare.vote.right", language))
    judge.wait_for(timeout=60000)
    titles = page.inner_text(".chat-compare-title-left") + page.inner_text(".chat-compare-title-right")
    assert "1" in titles and "2" in titles and "qwen" not in titles and "llama" not in titles
    assert page.inner_text(".chat-compare-stats-left") and page.inner_text(".chat-compare-answer-right")
    judge.click()
    chosen = i18n.message("chat.compare.verdict.right", language, left="", right="").split(":")[0]
    page.get_by_text(chosen).first.wait_for(timeout=30000)
    revealed = page.inner_text(".chat-compare-title-left") + page.inner_text(".chat-compare-title-right")
    assert "qwen" in revealed and "llama" in revealed  # the tiny models' folders, named by their family
    page.screenshot(path=str(SCREENSHOTS / f"{locale}-chat-compare.png"), full_page=True)

    page.get_by_role("tab", name=i18n.message("chat.tab.poll", language)).click()
    page.get_by_text(i18n.message("chat.poll.default_question", language)).first.wait_for(timeout=30000)
    page.locator(".chat-poll-choice").get_by_label("Claude", exact=True).check()
    page.get_by_role("button", name=i18n.message("chat.poll.vote", language), exact=True).click()
    page.get_by_text(i18n.message("chat.poll.thanks", language, choice="Claude")).first.wait_for(timeout=30000)
    page.locator(".chat-poll-chart canvas, .chat-poll-chart svg").first.wait_for(timeout=30000)
    page.screenshot(path=str(SCREENSHOTS / f"{locale}-chat-poll.png"), full_page=True)
    page.get_by_role("button", name=i18n.message("chat.poll.vote", language), exact=True).click()
    toast = page.get_by_test_id("toast-body").first
    toast.wait_for(timeout=30000)
    assert i18n.message("chat.poll.already_voted", language) in toast.inner_text()
    context.close()



@pytest.mark.parametrize("locale", ["pl-PL", "en-US"])
def test_a_clip_is_made_with_its_filmstrip_and_the_cost_is_explained(browser, app_url, locale):
    """The cost explorer answers when the tab opens; a small clip from the seed plays as an MP4
    with its filmstrip; choosing the 5B model changes the sizes offered."""
    from shared import i18n

    context, page, language = open_tab_wide(browser, app_url, locale, "video_generation")
    # 832×480, 33 frames with the tiny Wan2.1 layout: a latent of 9 × 60 × 104, 9 × 30 × 52 patches
    page.locator(".video-cost").first.get_by_text("9 × 30 × 52").wait_for(timeout=20000)
    assert "14\u2009040" in page.locator(".video-cost").first.inner_text()
    page.get_by_label(i18n.message("video_generation.prompt", language), exact=True).fill("a paper boat in the rain")
    page.get_by_label(i18n.message("video_generation.resolution", language)).click()
    page.get_by_role("option", name="416x240").click()
    page.get_by_text(i18n.message("widget.settings", language), exact=True).first.click()
    steps = page.get_by_label(i18n.message("video_generation.steps", language)).first
    steps.fill("4")
    steps.press("Enter")
    page.get_by_role("button", name=i18n.message("video_generation.from_seed", language), exact=True).click()
    done = i18n.message("video_generation.done", language, frames=33, seconds="X", fps=16, seed=0, steps=4)
    page.locator(".video-info").get_by_text(done.split("X")[0]).wait_for(timeout=120000)
    assert page.locator("video").first.get_attribute("src").endswith(".mp4")
    assert page.locator(".video-strip img").count() == 8
    assert page.locator(".video-previews img").count() >= 1
    page.screenshot(path=str(SCREENSHOTS / f"{locale}-video-generation.png"), full_page=True)
    page.get_by_label(i18n.message("video_generation.model", language)).first.click()
    page.get_by_role("option", name=i18n.message("video_generation.model.wan2.2-5b", language)).click()
    page.get_by_label(i18n.message("video_generation.resolution", language)).click()
    page.get_by_role("option", name="1280x704").wait_for(timeout=10000)
    assert page.get_by_test_id("toast-body").count() == 0
    context.close()


@pytest.mark.parametrize("locale", ["pl-PL", "en-US"])
def test_music_is_written_with_its_codes_and_meters_and_its_codebooks_heard(browser, app_url, locale):
    """A piece from the seed: the player, its codes, waveform and spectrogram, the CLAP and tempo
    lines; then the same piece decoded from one codebook, and the round trip of an example clip."""
    from shared import i18n

    context, page, language = open_tab_wide(browser, app_url, locale, "music_generation")
    page.get_by_label(i18n.message("music_generation.prompt", language), exact=True).fill("calm jazz piano, 90 bpm")
    duration = page.get_by_label(i18n.message("music_generation.duration", language)).first
    duration.fill("1")
    duration.press("Enter")
    page.get_by_role("button", name=i18n.message("music_generation.from_seed", language), exact=True).click()
    done = i18n.message("music_generation.done", language, seconds="1.00", seed=0, frames=50, codebooks=4,
                        tokens=200, total=53)
    page.locator(".music-info").get_by_text(done.split(": ")[1].split(" =")[0]).wait_for(timeout=120000)
    info = page.locator(".music-info").first.inner_text()
    assert "CLAP" in info
    assert page.locator(".music-codes img").count() == 1
    page.screenshot(path=str(SCREENSHOTS / f"{locale}-music-generation.png"), full_page=True)
    page.get_by_text(i18n.message("music_generation.codebooks.heading", language), exact=True).click()
    page.get_by_label("1", exact=True).check()
    page.get_by_role("button", name=i18n.message("music_generation.codebooks.decode", language), exact=True).click()
    page.locator(".music-codebooks-audio audio").first.wait_for(state="attached", timeout=60000)
    page.get_by_text(i18n.message("music_generation.round_trip.heading", language), exact=True).click()
    assert page.locator(".music-clip audio").count() == 0
    # the round trip's example: the same file is also the (folded, earlier on the page) melody example
    page.get_by_text("sorohanro_-_solo-trumpet-06.ogg").last.click()
    # the example reaches the player in its own request: a click before it lands would send no clip
    page.locator(".music-clip audio").first.wait_for(state="attached", timeout=60000)
    page.get_by_role("button", name=i18n.message("music_generation.round_trip.run", language), exact=True).click()
    answer = page.locator(".music-round-trip").get_by_text("EnCodec").or_(page.get_by_test_id("toast-body"))
    answer.first.wait_for(timeout=120000)
    toasts = page.get_by_test_id("toast-body")
    assert toasts.count() == 0, toasts.first.inner_text()
    context.close()


@pytest.mark.parametrize("locale", ["pl-PL", "en-US"])
def test_a_song_is_sung_from_an_example_with_its_latent_shown(browser, app_url, locale):
    """The song part: an example fills style, lyrics and language; two steps of 10 s give the
    stereo player, the latent picture and the line that says what was made."""
    from shared import i18n

    context, page, language = open_tab_wide(browser, app_url, locale, "music_generation")
    page.get_by_text(i18n.message("music_generation.song.heading", language), exact=True).click()
    controls = page.locator(".music-song-controls")
    controls.get_by_text("spokojna ballada, męski wokal, fortepian, 80 bpm").first.click()
    lyrics = controls.get_by_label(i18n.message("music_generation.song.lyrics", language), exact=True)
    page.wait_for_function("el => el.value.includes('Nad Wisłą')", arg=lyrics.element_handle(), timeout=10000)
    for key, value in (("music_generation.song.duration", "10"), ("music_generation.song.steps", "2")):
        box = controls.get_by_label(i18n.message(key, language)).first
        box.fill(value)
        box.press("Enter")
    page.get_by_role("button", name=i18n.message("music_generation.song.run", language), exact=True).click()
    answer = page.locator(".music-song-info").get_by_text(re.compile(r"10[.,]0 s"))
    answer = answer.or_(page.get_by_test_id("toast-body"))
    answer.first.wait_for(timeout=120000)
    toasts = page.get_by_test_id("toast-body")
    assert toasts.count() == 0, toasts.first.inner_text()
    assert page.locator(".music-song-latents img").count() == 1
    page.locator(".music-song-audio audio").first.wait_for(state="attached", timeout=30000)
    page.screenshot(path=str(SCREENSHOTS / f"{locale}-music-song.png"), full_page=True)
    context.close()



@pytest.mark.parametrize("locale", ["pl-PL", "en-US"])
def test_a_polish_example_is_read_aloud_with_its_durations_and_meters(browser, app_url, locale):
    """Text to speech: a Polish example read from seed 0 gives the player, the line that counts
    characters and blanks, the alignment picture and, a moment later, the meters; then the same
    sentence from five seeds fills five players."""
    from shared import i18n

    context, page, language = open_tab_wide(browser, app_url, locale, "speech")
    page.get_by_text("W Szczebrzeszynie chrząszcz brzmi w trzcinie.").first.click()
    text = page.get_by_label(i18n.message("speech.vits.text", language), exact=True)
    page.wait_for_function("el => el.value.includes('chrząszcz')", arg=text.element_handle(), timeout=10000)
    page.get_by_role("button", name=i18n.message("speech.tts.again", language), exact=True).click()
    seed_words = i18n.message("speech.tts.done_vits", language, seconds="X", seed=0, characters=0, blanks=0,
                              frames=0, hop=0).split("X s")[1].split("0:")[0]
    answer = page.locator(".speech-info").get_by_text(seed_words.strip()).or_(page.get_by_test_id("toast-body"))
    answer.first.wait_for(timeout=120000)
    toasts = page.get_by_test_id("toast-body")
    assert toasts.count() == 0, toasts.first.inner_text()
    heard = i18n.message("speech.meter.line", language, transcript="X", description="Y").split("X")[0].strip(" „“")
    page.locator(".speech-meters").get_by_text(heard).first.wait_for(timeout=120000)
    assert page.locator(".speech-alignment img").count() == 1
    page.locator(".speech-audio audio").first.wait_for(state="attached", timeout=30000)
    page.screenshot(path=str(SCREENSHOTS / f"{locale}-speech.png"), full_page=True)
    page.get_by_text(i18n.message("speech.seeds.heading", language), exact=True).click()
    page.get_by_role("button", name=i18n.message("speech.seeds.run", language), exact=True).click()
    page.locator(".speech-seeds img").first.wait_for(timeout=120000)
    assert toasts.count() == 0, toasts.first.inner_text()
    context.close()


def test_a_voice_is_cloned_only_with_consent_and_measured(browser, app_url):
    """Cloning: without the consent box the page says why it will not clone; with it, the example
    voice is cloned (a tiny OmniVoice on the CPU), the grid of codes is drawn and both meters shown."""
    from shared import i18n
    from speech import voice

    context, page, language = open_tab_wide(browser, app_url, "en-US", "speech")
    page.get_by_text(i18n.message("speech.clone.heading", language), exact=True).click()
    controls = page.locator(".speech-clone-controls")
    controls.locator(".speech-reference input[type=file]").set_input_files(str(voice.EXAMPLE_RECORDING))
    controls.locator(".speech-reference audio").first.wait_for(state="attached", timeout=30000)
    controls.get_by_label(i18n.message("speech.clone.text", language), exact=True).fill("Hello, this is my voice.")
    run = controls.get_by_role("button", name=i18n.message("speech.clone.run", language), exact=True)
    run.click()
    refusal = page.get_by_test_id("toast-body").get_by_text("consent")
    refusal.first.wait_for(timeout=30000)
    page.get_by_test_id("toast-close").first.click()
    controls.get_by_label(i18n.message("speech.clone.consent", language), exact=True).check()
    run.click()
    heard = i18n.message("speech.meter.line", language, transcript="X", description="Y").split("X")[0].strip(" „“")
    page.locator(".speech-clone-meters").get_by_text(heard).first.wait_for(timeout=180000)
    assert page.locator(".speech-clone-tokens img").count() == 1
    page.locator(".speech-clone-audio audio").first.wait_for(state="attached", timeout=30000)
    assert "8" in page.locator(".speech-clone-info").first.inner_text()
    page.screenshot(path=str(SCREENSHOTS / "en-US-speech-clone.png"), full_page=True)
    context.close()


def test_two_voices_are_mixed_and_the_visitors_recording_lands_on_the_map(browser, app_url):
    """A voice is 512 numbers: voice B set to the visitor's recording (the example clip), the mix
    spoken by SpeechT5, the line naming both voices and the share, the map drawn, the meters shown."""
    from shared import i18n

    context, page, language = open_tab_wide(browser, app_url, "en-US", "speech")
    page.get_by_text(i18n.message("speech.voice.heading", language), exact=True).click()
    page.locator(".speech-voice-b input").first.click()
    page.get_by_role("option", name=i18n.message("speech.voice.voice.mine", language), exact=True).click()
    page.get_by_text("jackson_digits.wav").first.click()
    page.locator(".speech-mine audio").first.wait_for(state="attached", timeout=30000)
    page.get_by_label(i18n.message("speech.voice.text", language), exact=True).fill("Hello there.")
    page.get_by_role("button", name=i18n.message("speech.voice.speak", language), exact=True).click()
    answer = page.locator(".speech-voice-info").get_by_text("George to Your recording")
    answer.or_(page.get_by_test_id("toast-body")).first.wait_for(timeout=120000)
    toasts = page.get_by_test_id("toast-body")
    assert toasts.count() == 0, toasts.first.inner_text()
    heard = i18n.message("speech.meter.line", language, transcript="X", description="Y").split("X")[0].strip(" „“")
    page.locator(".speech-voice-meters").get_by_text(heard).first.wait_for(timeout=120000)
    assert page.locator(".speech-map img").count() == 1
    page.screenshot(path=str(SCREENSHOTS / "en-US-speech-voice.png"), full_page=True)
    context.close()
