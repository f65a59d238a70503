"""The door of the server: what every request passes before Gradio sees it, and what the server
sets up when it starts. ``launch_settings()`` gives the ``app_kwargs`` that ``app.launch`` passes
to FastAPI, so every way of starting the suite (``python app.py``, the tests, the benchmarks) has
both.

At the door (``Gate``, plain ASGI, so event streams pass through untouched):

- A job joins the queue (``POST /gradio_api/queue/join``) only if there is room: the whole queue
  holds ``QUEUE_LIMIT`` jobs, one visitor (a session) ``JOBS_PER_SESSION`` at once, and one address
  ``JOBS_PER_ADDRESS`` (a script that makes a new session per call), so one client cannot fill the
  queue for everyone. A refused job gets HTTP 429 with a ``Retry-After`` and a sentence in the
  request's language (the browser shows it in its error box; Gradio's own 503 would show a fixed
  English line).
- Its values must be what the event's components take (a file where a file goes, a conversation
  where a conversation goes): Gradio checks that too, but after the job has queued, and answers an
  empty error. Here the job is refused at once with HTTP 422, in the form Gradio gives its own
  validators' answers (``gradio_client`` raises ``ValidationError`` with our sentence).
- Every response says ``X-Content-Type-Options: nosniff``: a browser takes a served file for what
  its type says (an HTML page uploaded as ``.png`` stays a picture that fails to show).

When the server starts (``lifespan``): the store of sessions is made lean (``shared.sessions``).
"""

from __future__ import annotations

import json
from contextlib import asynccontextmanager

from starlette.middleware import Middleware

from shared import i18n, sessions

JOIN_PATH = "/gradio_api/queue/join"
# The page's queue: what waits or runs at once, across every tab. Gradio's own limit is set a
# little higher (``GRADIO_QUEUE_SIZE``), so that this door, which answers in the visitor's
# language, is always the one that says no.
QUEUE_LIMIT = 32
GRADIO_QUEUE_SIZE = QUEUE_LIMIT + 8
# A visitor's page runs one job per tab in use; four at once is more than a person clicks.
JOBS_PER_SESSION = 4
# One address may be a lecture hall behind one router, so it may take most of the queue, not all.
JOBS_PER_ADDRESS = 24
RETRY_AFTER_SECONDS = 5
MAX_JOIN_BYTES = 64 * 2**20  # a join carries values and file references, never the files


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

        if scope["method"] != "POST" or not scope["path"].endswith(JOIN_PATH):
            await self.app(scope, receive, send_nosniff)
            return
        body = await _read_body(receive)
        language = i18n.language_from_header(_header(scope, b"accept-language"))
        refusal = None if body is None else refuse(scope["app"], body, _client_host(scope), language)
        if body is None:
            refusal = 413, {"detail": i18n.message("shared.request.too_large", language)}
        if refusal is not None:
            await _answer(send_nosniff, *refusal)
            return
        await self.app(scope, _replay(body, receive), send_nosniff)


def refuse(app, body: bytes, host: str | None, language: str) -> tuple[int, dict] | None:
    """Why this join is turned away (status and JSON answer), or None to let it in."""
    try:
        join = json.loads(body)
        index, data, session = join["fn_index"], join["data"], join.get("session_hash")
        fn = app.get_blocks().fns[index]
    except (ValueError, KeyError, TypeError):
        return None  # not a join this door understands: Gradio answers it as it does
    if not isinstance(data, list):
        return 422, {"detail": [_invalid(language, "shared.request.not_a_list", None)]}
    queue = app.get_blocks()._queue
    waiting = list(queue.event_ids_to_events.values())
    if len(queue) >= QUEUE_LIMIT:
        return 429, {"detail": i18n.message("shared.request.queue_full", language)}
    if session is not None and sum(event.session_hash == session for event in waiting) >= JOBS_PER_SESSION:
        return 429, {"detail": i18n.message("shared.request.too_many_jobs", language, limit=JOBS_PER_SESSION)}
    if host is not None and sum(_event_host(event) == host for event in waiting) >= JOBS_PER_ADDRESS:
        return 429, {"detail": i18n.message("shared.request.too_many_jobs", language, limit=JOBS_PER_ADDRESS)}
    problems = unreadable_values(fn, data, language)
    return (422, {"detail": problems}) if problems else None


def unreadable_values(fn, data: list, language: str) -> list[dict]:
    """Gradio's validator answer (one entry per input) where some value is not what its component
    reads: the check Gradio makes on a value after it has queued (its ``data_model``), made here."""
    if len(data) < len(fn.inputs):
        return [_invalid(language, "shared.request.missing_values", None, needed=len(fn.inputs), got=len(data))]
    answers, failed = [], False
    for position, (component, value) in enumerate(zip(fn.inputs, data, strict=False)):
        model = None if getattr(component, "stateful", False) else getattr(component, "data_model", None)
        readable = True
        if model is not None and value is not None:
            try:
                model.model_validate(value, context={"validate_meta": True})
            except ValueError:  # pydantic's ValidationError is one
                readable = False
        failed |= not readable
        name = _parameter_name(fn, position)
        answers.append({"__type__": "validate", "is_valid": readable, "parameter_name": name,
                        "message": "" if readable else i18n.message(
                            "shared.request.unreadable", language, name=_label(component, language) or name)})
    return answers if failed else []


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


def _event_host(event) -> str | None:
    client = getattr(getattr(event, "request", None), "client", None)
    return getattr(client, "host", None)


def _client_host(scope) -> str | None:
    client = scope.get("client")
    return client[0] if client else None


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
