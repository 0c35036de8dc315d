"""A small progress bar for long commands, with no dependency.

On a terminal it redraws one line in place, at most ten times a second. Anywhere else
(a pipe, a log file, a test) it stays silent on short work and writes a plain line every
`log_every` seconds on long work, so logs show that the command is alive without filling
up with carriage returns.

    with ProgressBar(sys.stderr) as bar:
        for done, item in enumerate(items, start=1):
            ...
            bar.update(done, len(items), "Importing")
"""

import time
from collections.abc import Callable
from types import TracebackType
from typing import TextIO


class ProgressBar:
    def __init__(
        self,
        stream: TextIO,
        *,
        width: int = 30,
        log_every: float = 10.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.stream = stream
        self.width = width
        self.log_every = log_every
        self.clock = clock
        self.interactive = bool(getattr(stream, "isatty", None) and stream.isatty())
        self._started = clock()
        self._last_drawn: float | None = None
        self._line_length = 0

    def update(self, done: int, total: int, label: str = "") -> None:
        """Show that `done` of `total` are done; cheap enough to call for every item."""
        now = self.clock()
        finished = total > 0 and done >= total
        if self.interactive:
            if not finished and self._last_drawn is not None and now - self._last_drawn < 0.1:
                return
            self._draw(self._bar(done, total, label))
        else:
            since = now - (self._started if self._last_drawn is None else self._last_drawn)
            if since < self.log_every:
                return
            self.stream.write(self._text(done, total, label) + "\n")
            self.stream.flush()
        self._last_drawn = now

    def close(self) -> None:
        """End the bar's line, if one was drawn, so that what follows starts afresh."""
        if self.interactive and self._line_length:
            self.stream.write("\n")
            self.stream.flush()
            self._line_length = 0

    def __enter__(self) -> "ProgressBar":
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def _text(self, done: int, total: int, label: str) -> str:
        prefix = f"{label}: " if label else ""
        if total <= 0:
            return f"{prefix}{done:,}"
        return f"{prefix}{done:,}/{total:,} ({100 * done // total}%)"

    def _bar(self, done: int, total: int, label: str) -> str:
        filled = self.width * min(done, total) // total if total > 0 else 0
        bar = "#" * filled + "-" * (self.width - filled)
        return f"[{bar}] {self._text(done, total, label)}"

    def _draw(self, line: str) -> None:
        padding = " " * max(0, self._line_length - len(line))
        self.stream.write("\r" + line + padding)
        self.stream.flush()
        self._line_length = len(line)
