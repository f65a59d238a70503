"""The door of the server: what every request passes before Gradio sees it, and what the server
sets up when it starts. ``launch_settings()`` gives the ``app_kwargs`` that ``app.launch`` passes
to FastAPI, so every way of starting the suite (``python app.py``, the tests, the benchmarks) has
both.

At the door (``Gate``, plain ASGI, so event streams pass through untouched):

- A job joins the queue (``POST /gradio_api/queue/join``, or the REST routes ``/gradio_api/call/<name>``
  and ``/call/v2/<name>`` that curl uses) only if there is room: one visitor (a
  session) has at most ``JOBS_PER_SESSION`` jobs waiting or running, so one client cannot fill
  the queue for everyone; events that run one at a time (the GPU's, a live training) have at most
  ``SERIAL_WAITING`` jobs waiting, since each may take a minute; and the whole queue holds
  ``QUEUE_LIMIT`` waiting jobs, enough for a lecture hall's light calls all at once. There is no
  cap per address: a lecture hall behind one router is one address. A refused job gets HTTP 429
  with a ``Retry-After`` and a sentence in the request's language (the browser shows it in its
  error box; Gradio's own 503 would show a fixed English line).
- Its values must be what the event's components take (a file where a file goes, a conversation
  where a conversation goes), and an uploaded picture may not declare more pixels than the lab
  takes (``shared.validation.MAX_IMAGE_PIXELS``, read from the file's header): Gradio checks the
  first after the job has queued, decodes the picture for events that let it (the sketchpads), and
  answers either with an empty error. Here the job is refused at once with HTTP 422, in the form
  Gradio gives its own validators' answers (``gradio_client`` raises ``ValidationError`` with our
  sentence). (The REST routes send values in their own simpler forms, which Gradio converts; there
  only the room is checked here.)
- Every response says ``X-Content-Type-Options: nosniff``: a browser takes a served file for what
  its type says (an HTML page uploaded as ``.png`` stays a picture that fails to show).

When the server starts (``lifespan``): the store of sessions is made lean (``shared.sessions``).
"""

from __future__ import annotations

import json
import re
from contextlib import asynccontextmanager
from pathlib import Path

import gradio as gr
from starlette.middleware import Middleware

from shared import i18n, sessions
from shared.errors import LabError
from shared.validation import check_declared_size

JOIN_PATH = "/gradio_api/queue/join"
CALL_PATH = re.compile(r"/gradio_api/call/(?:v2/)?([^/]+)/?$")
# Jobs waiting across every tab: a few hundred light calls (a sketch to classify) take a second or
# two to serve. Gradio's own limit is set a little higher (``GRADIO_QUEUE_SIZE``), so that this
# door, which answers in the visitor's language, is always the one that says no.
QUEUE_LIMIT = 256
GRADIO_QUEUE_SIZE = QUEUE_LIMIT + 16
# Jobs waiting for an event group that runs one job at a time (concurrency limit 1).
SERIAL_WAITING = 32
# A visitor's page opens with a few queued jobs of its own (tabs that draw their first picture)
# and runs about one per tab in use; eight at once is more than a person clicks.
JOBS_PER_SESSION = 8
RETRY_AFTER_SECONDS = 5
MAX_JOIN_BYTES = 4 * 2**20  # a join carries values and file references, never the files


def launch_settings() -> dict:
    """``app_kwargs`` for ``Blocks.launch``: the door and the start-up."""
    return {"middleware": [Middleware(Gate)], "lifespan": lifespan}


@asynccontextmanager
async def lifespan(app):
    sessions.install(app)
    yield


class Gate:
    """ASGI middleware: nosniff on every response; the queue's door on every join."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_nosniff(message):
            if message["type"] == "http.response.start":
                headers = [(k, v) for k, v in message.get("headers", []) if k.lower() != b"x-content-type-options"]
                message = {**message, "headers": [*headers, (b"x-content-type-options", b"nosniff")]}
            await send(message)

        call = CALL_PATH.search(scope["path"]) if scope["method"] == "POST" else None
        if scope["method"] != "POST" or not (scope["path"].endswith(JOIN_PATH) or call):
            await self.app(scope, receive, send_nosniff)
            return
        body = await _read_body(receive)
        language = i18n.language_from_header(_header(scope, b"accept-language"))
        if body is None:
            refusal = 413, {"detail": i18n.message("shared.request.too_large", language)}
        elif call:
            refusal = refuse_call(scope["app"], call.group(1), language)
        else:
            refusal = refuse(scope["app"], body, language)
        if refusal is not None:
            await _answer(send_nosniff, *refusal)
            return
        await self.app(scope, _replay(body, receive), send_nosniff)


def refuse(app, body: bytes, language: str) -> tuple[int, dict] | None:
    """Why this join is turned away (status and JSON answer), or None to let it in."""
    try:
        join = json.loads(body)
        index, data, session = join["fn_index"], join["data"], join.get("session_hash")
        fn = app.get_blocks().fns[index]
    except (ValueError, KeyError, TypeError):
        return None  # not a join this door understands: Gradio answers it as it does
    if not isinstance(data, list):
        return 422, {"detail": [_invalid(language, "shared.request.not_a_list", None)]}
    no_room = _no_room(app, fn, session, language)
    if no_room is not None:
        return no_room
    problems = unreadable_values(fn, data, language, Path(app.uploaded_file_dir))
    return (422, {"detail": problems}) if problems else None


def refuse_call(app, api_name: str, language: str) -> tuple[int, dict] | None:
    """The REST routes' job: a new session each time, so only the queue's room is checked."""
    fn = next((fn for fn in app.get_blocks().fns.values() if fn.api_name == api_name), None)
    return None if fn is None else _no_room(app, fn, None, language)


def _no_room(app, fn, session: str | None, language: str) -> tuple[int, dict] | None:
    queue = app.get_blocks()._queue
    if session is not None and sum(event.session_hash == session
                                   for event in list(queue.event_ids_to_events.values())) >= JOBS_PER_SESSION:
        return 429, {"detail": i18n.message("shared.request.too_many_jobs", language, limit=JOBS_PER_SESSION)}
    if len(queue) >= QUEUE_LIMIT or (_runs_one_at_a_time(queue, fn) and _waiting(queue, fn) >= SERIAL_WAITING):
        return 429, {"detail": i18n.message("shared.request.queue_full", language)}
    return None


def unreadable_values(fn, data: list, language: str, uploads: Path) -> list[dict]:
    """Gradio's validator answer (one entry per input) where some value is not what its component
    reads (the check Gradio makes after the job has queued, on its ``data_model``) or is a picture
    too large to take; an empty list when every value is fine."""
    if len(data) < len(fn.inputs):
        return [_invalid(language, "shared.request.missing_values", None, needed=len(fn.inputs), got=len(data))]
    answers, failed = [], False
    for position, (component, value) in enumerate(zip(fn.inputs, data, strict=False)):
        name = _parameter_name(fn, position)
        problem = _problem(component, value, uploads)
        failed |= problem is not None
        text = "" if problem is None else problem.text(language) if isinstance(problem, LabError) else \
            i18n.message(problem, language, name=_label(component, language) or name)
        answers.append({"__type__": "validate", "is_valid": problem is None, "parameter_name": name, "message": text})
    return answers if failed else []


def _problem(component, value, uploads: Path) -> str | LabError | None:
    """What is wrong with one value: a text key, a refusal with its own values, or None."""
    model = None if getattr(component, "stateful", False) else getattr(component, "data_model", None)
    if model is None or value is None:
        return None
    try:
        model.model_validate(value, context={"validate_meta": True})
    except ValueError:  # pydantic's ValidationError is one
        return "shared.request.unreadable"
    if isinstance(component, (gr.Image, gr.ImageEditor)):
        for path in _uploaded_files(value, uploads):
            try:
                check_declared_size(path)
            except LabError as refused:
                return refused
    return None


def _uploaded_files(value, uploads: Path) -> list[Path]:
    """The files a value names (a picture, or a sketch's layers) that are this server's uploads;
    any other path is Gradio's to refuse."""
    found = []
    if isinstance(value, dict):
        path = value.get("path")
        if isinstance(path, str):
            resolved = Path(path).resolve()
            if resolved.is_relative_to(uploads.resolve()) and resolved.is_file():
                found.append(resolved)
        for inner in value.values():
            if isinstance(inner, (dict, list)):
                found += _uploaded_files(inner, uploads)
    elif isinstance(value, list):
        for inner in value:
            found += _uploaded_files(inner, uploads)
    return found


def _invalid(language: str, key: str, name: str | None, **values) -> dict:
    return {"__type__": "validate", "is_valid": False, "parameter_name": name or "data",
            "message": i18n.message(key, language, **values)}


def _parameter_name(fn, position: int) -> str:
    names = getattr(fn, "input_parameter_names", None) or []
    return (names[position] if position < len(names) else None) or f"parameter_{position}"


def _label(component, language: str) -> str | None:
    """The component's label as the visitor reads it (a translated key, or plain text)."""
    label = getattr(component, "label", None)
    key = getattr(label, "key", None)
    if key is not None and i18n.has(key):
        return i18n.message(key, language)
    return label if isinstance(label, str) and label else None


def _runs_one_at_a_time(queue, fn) -> bool:
    limit = fn.concurrency_limit
    if limit == "default":
        limit = queue.default_concurrency_limit
    return limit == 1


def _waiting(queue, fn) -> int:
    group = queue.event_queue_per_concurrency_id.get(fn.concurrency_id)
    return 0 if group is None else len(group.queue)


def _header(scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", []):
        if key.lower() == name:
            return value.decode("latin-1")
    return None


async def _read_body(receive) -> bytes | None:
    """The request's body, or None past ``MAX_JOIN_BYTES``."""
    chunks, size = [], 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            break
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > MAX_JOIN_BYTES:
            return None
        chunks.append(chunk)
        if not message.get("more_body", False):
            break
    return b"".join(chunks)


def _replay(body: bytes, receive):
    """The body once more, then the connection's own messages (its end, when it ends)."""
    sent = False

    async def replayed():
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replayed


async def _answer(send, status: int, content: dict) -> None:
    payload = json.dumps(content, ensure_ascii=False).encode("utf-8")
    headers = [(b"content-type", b"application/json; charset=utf-8"), (b"content-length", str(len(payload)).encode())]
    if status == 429:
        headers.append((b"retry-after", str(RETRY_AFTER_SECONDS).encode()))
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": payload})
