"""What the server keeps per visitor, bounded: a session costs what the visitor changed, not a copy
of the whole page, and sessions left alone are let go.

Gradio (6.31) starts every new session with a copy of the whole page: the table of its ~660 blocks
and ~400 events, and the configuration of every block (``SessionState.config_values``), about
1 MB for this suite, kept until 10 000 sessions have come. A script of cheap calls, each under a new
session hash, grows the server by a megabyte a call. Here a session holds only what differs from
the page:

- ``LeanSessionState``: the tables of blocks and events are overlays on the page's own (a block an
  event replaced lives in the session, the rest is read from the page), and a block's
  configuration is made when the session first needs it. What Gradio reads back is the same.
- ``LeanStateHolder``: Gradio's store of sessions, making lean ones, at most ``capacity`` (the
  least recently used goes first), and a session not used for ``idle_seconds`` is let go together
  with its ``gr.State`` values (their ``delete_callback`` runs, as Gradio's clean-up would).

``install(app)`` puts the holder into a started Gradio app; ``shared.server.lifespan`` calls it
when the server starts, before any request.
"""

from __future__ import annotations

import copy
import datetime
import os
from collections.abc import Iterator, MutableMapping
from dataclasses import dataclass
from typing import Any

from gradio.blocks import BlocksConfig
from gradio.state_holder import SessionState, StateHolder

# A lecture hall of a few hundred people, each with a few open tabs, fits; the cost of a session
# that has made a few calls is a few kilobytes.
SESSION_CAPACITY = 5000
# A session nobody used for this long is let go: a visitor who comes back later starts afresh
# (the page reloads its defaults), as after Gradio's own one hour for a closed page.
IDLE_SECONDS = 3 * 3600
# How often the holder looks for idle sessions, at most: on a session's use, never on a timer.
SWEEP_EVERY_SECONDS = 60


class Overlay(MutableMapping):
    """A dict that reads through to ``base`` and keeps its own changes; it iterates in the order a
    copy of ``base`` changed the same way would. ``base`` is shared and never written."""

    __slots__ = ("_base", "_own", "_hidden")

    def __init__(self, base: dict):
        self._base = base
        self._own: dict = {}
        # Keys of the base not found at their place in it: deleted, or deleted and set again
        # (which, as in a dict, puts them last).
        self._hidden: set = set()

    def __getitem__(self, key):
        if key in self._own:
            return self._own[key]
        if key in self._hidden:
            raise KeyError(key)
        return self._base[key]

    def __setitem__(self, key, value) -> None:
        self._own[key] = value

    def __delitem__(self, key) -> None:
        if key not in self:
            raise KeyError(key)
        self._own.pop(key, None)
        if key in self._base:
            self._hidden.add(key)

    def __contains__(self, key) -> bool:
        return key in self._own or (key in self._base and key not in self._hidden)

    def __iter__(self) -> Iterator:
        for key in self._base:
            if key not in self._hidden:
                yield key
        for key in self._own:
            if key not in self._base or key in self._hidden:
                yield key

    def __len__(self) -> int:
        return sum(1 for _ in self)

    def __copy__(self) -> Overlay:
        twin = Overlay(self._base)
        twin._own, twin._hidden = dict(self._own), set(self._hidden)
        return twin

    def __repr__(self) -> str:
        return f"Overlay({len(self._own)} own, {len(self._hidden)} hidden, over {len(self._base)})"


def overlay_config(page: BlocksConfig) -> BlocksConfig:
    """A session's copy of the page's ``BlocksConfig``, as ``copy(page)`` makes it but with the
    blocks and events read through from the page's own tables."""
    config = BlocksConfig(page.root_block)
    config.blocks = Overlay(page.blocks)
    config.fns = Overlay(page.fns)
    config.fn_id = page.fn_id
    config.renderables = copy.copy(page.renderables)
    return config


@dataclass(frozen=True)
class PageKeys:
    """The blocks a new session would have configured (``SessionState.__init__``'s choice), in order."""

    order: tuple
    keys: frozenset

    @classmethod
    def of(cls, blocks) -> PageKeys:
        order = tuple(key for key in blocks.default_config.blocks if key in blocks.blocks)
        return cls(order, frozenset(order))


class ConfigOnDemand(dict):
    """``SessionState.config_values``: a block's configuration, made the first time it is read.

    Gradio makes every block's configuration when the session starts; here ``config[key]`` makes
    one, and only a walk over all of them (``items()``, which a deep link makes) makes the rest.
    """

    def __init__(self, session: SessionState, page: PageKeys):
        super().__init__()
        self._session = session
        self._page = page

    def __missing__(self, key):
        if key not in self._page.keys:
            raise KeyError(key)
        value = self._session.blocks_config.config_for_block(key, [], self._session.blocks_config.blocks[key])
        self[key] = value
        return value

    def _in_page_order(self) -> dict:
        """Every configuration, made where missing, in the page's order (Gradio's own)."""
        for key in self._page.order:
            if not dict.__contains__(self, key) and key in self._session.blocks_config.blocks:
                self[key]  # noqa: B018 (makes it)
        ordered = {key: dict.__getitem__(self, key) for key in self._page.order if dict.__contains__(self, key)}
        ordered.update((key, value) for key, value in dict.items(self) if key not in ordered)
        return ordered

    def items(self):
        return self._in_page_order().items()

    def values(self):
        return self._in_page_order().values()


class LeanSessionState(SessionState):
    """Gradio's ``SessionState`` (same attributes, same answers) that starts with nothing of its own."""

    def __init__(self, blocks, page_keys: PageKeys):
        # SessionState.__init__, minus its two copies of the whole page.
        self.blocks_config = overlay_config(blocks.default_config)
        self.config_values = ConfigOnDemand(self, page_keys)
        self.state_data: dict[int, Any] = {}
        self._state_ttl = {}
        self.is_closed = False
        self.STATE_TTL_WHEN_CLOSED = 1 if os.getenv("GRADIO_IS_E2E_TEST", None) else 3600


class LeanStateHolder(StateHolder):
    """Gradio's store of sessions, making lean sessions and letting idle ones go."""

    def __init__(self, capacity: int = SESSION_CAPACITY, idle_seconds: float = IDLE_SECONDS):
        super().__init__()
        self.lean_capacity = capacity
        self.idle_seconds = idle_seconds
        self._last_sweep = datetime.datetime.now()

    def set_blocks(self, blocks) -> None:
        super().set_blocks(blocks)
        self.capacity = min(self.capacity, self.lean_capacity)
        self._page_keys = PageKeys.of(blocks)

    def __getitem__(self, session_id: str) -> SessionState:
        if session_id not in self.session_data:
            self.session_data[session_id] = LeanSessionState(self.blocks, self._page_keys)
        self.update(session_id)
        now = datetime.datetime.now()
        self.time_last_used[session_id] = now
        if (now - self._last_sweep).total_seconds() >= SWEEP_EVERY_SECONDS:
            self._last_sweep = now
            self.let_idle_go(now)
        return self.session_data[session_id]

    def let_idle_go(self, now: datetime.datetime | None = None) -> list[str]:
        """Forget the sessions not used for ``idle_seconds`` (their states' ``delete_callback``
        first); returns their ids."""
        now = now or datetime.datetime.now()
        with self.lock:
            idle = [session for session, used in self.time_last_used.items()
                    if (now - used).total_seconds() > self.idle_seconds]
        for session in idle:
            self.delete_state(session)
            with self.lock:
                self.session_data.pop(session, None)
                self.time_last_used.pop(session, None)
        return idle


def install(app) -> LeanStateHolder:
    """Put a ``LeanStateHolder`` into a Gradio app (``gradio.routes.App``) before it serves."""
    holder = LeanStateHolder()
    holder.set_blocks(app.get_blocks())
    # Carry over any session made already (none when called at start-up).
    holder.session_data.update(app.state_holder.session_data)
    holder.time_last_used.update(app.state_holder.time_last_used)
    app.state_holder = holder
    return holder
