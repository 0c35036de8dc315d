"""Deterministic fault injection: kill this process at a named point, for the tests that
prove a killed worker loses and duplicates nothing.

Code marks the moments that matter with `faults.point("after-smtp")`. When the environment
variable SUMMITDESK_FAULT is "<name>:<n>" (e.g. "after-smtp:3"), the n-th time this process
reaches that point it sends itself SIGKILL: no `finally`, no atexit, no flushed buffers, no
rolled-back transaction, exactly as when the machine or the OOM killer takes it. A clean
exception would not do: it runs the very clean-up code whose absence is being tested.

Unset (always, outside those tests), a point costs one comparison.
"""

import os
import signal

ENVIRONMENT_VARIABLE = "SUMMITDESK_FAULT"

_target: str | None = None
_hit_on = 0
_hits = 0


def configure(spec: str) -> None:
    """Arm the fault described by `spec` ("<name>:<n>", or "" to disarm); counts restart.

    Read from SUMMITDESK_FAULT when this module is imported; a malformed value fails loudly,
    since a test that silently injects nothing would pass for the wrong reason.
    """
    global _target, _hit_on, _hits
    _hits = 0
    if not spec:
        _target, _hit_on = None, 0
        return
    name, separator, count = spec.rpartition(":")
    if not separator or not name or not count.isdigit() or int(count) < 1:
        raise ValueError(f"{ENVIRONMENT_VARIABLE} must look like 'after-smtp:3', not {spec!r}")
    _target, _hit_on = name, int(count)


def point(name: str) -> None:
    """A place where the process may be killed; does nothing unless armed for `name`."""
    global _hits
    if _target is None or name != _target:
        return
    _hits += 1
    if _hits == _hit_on:
        os.kill(os.getpid(), signal.SIGKILL)


configure(os.environ.get(ENVIRONMENT_VARIABLE, ""))
