"""The one exception of the project: something the visitor should read about, as a text key.

Compute modules and ``shared`` raise ``LabError("shared.image.too_small", width=3, height=3,
limit=8)``; the UI boundary (``shared.ui.handler``) turns it into a ``gr.Error`` in the reader's
language. Outside an event, ``str()`` gives the English text.
"""

from __future__ import annotations


class LabError(Exception):
    def __init__(self, key: str, **values):
        super().__init__(key)
        self.key = key
        self.values = values

    def text(self, language: str | None = None) -> str:
        from shared.i18n import message

        return message(self.key, language, **self.values)

    def __str__(self) -> str:
        return self.text()

    def __reduce__(self):
        # A GPU worker process (ZeroGPU) hands exceptions back pickled; keep the values and what
        # a subclass adds (the missing file, the model that failed).
        return _rebuild, (type(self), self.key, self.values, self.__dict__)


def _rebuild(cls, key: str, values: dict, attributes: dict) -> LabError:
    error = cls.__new__(cls)
    LabError.__init__(error, key, **values)
    error.__dict__.update(attributes)
    return error
