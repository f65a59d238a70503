import gradio as gr


def build():
    gr.Textbox(label="partial")
    raise RuntimeError("boom")
