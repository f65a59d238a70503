import gradio as gr

from shared.gpu import GPU_EVENT
from shared.i18n import ui_text
from shared.validation import check_text


def echo(text):
    return check_text(text, 10)


def build():
    box = gr.Textbox(label=ui_text("fake_ok.box"))
    out = gr.Textbox()
    upload = gr.File()
    box.submit(echo, box, out, api_name="echo", **GPU_EVENT)
    upload.upload(lambda f: None, upload, None, api_name="fake_upload", api_visibility="private")
