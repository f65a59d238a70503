import gradio as gr

from shared import ui
from shared.controls import Text
from shared.gpu import GPU_EVENT

BOX = Text("fake_ok.box", max_chars=10)


@ui.handler
def echo(text):
    return BOX.check(text)


def build():
    box = ui.component(BOX)
    out = gr.Textbox()
    upload = gr.File()
    box.submit(echo, box, out, api_name="echo", **GPU_EVENT)
    upload.upload(ui.handler(lambda f: None), upload, None, api_name="fake_upload", api_visibility="private")
