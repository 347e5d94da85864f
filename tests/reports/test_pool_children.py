"""PDF pool children end with the task worker instead of lingering (found by the fault test)."""

from __future__ import annotations

import multiprocessing
import signal
import sys
from concurrent.futures import ProcessPoolExecutor

import pytest

from faelles.reports.render import _die_with_parent


def _child_state() -> tuple[bool, int]:
    import ctypes

    value = ctypes.c_int(0)
    ctypes.CDLL(None).prctl(2, ctypes.byref(value))  # PR_GET_PDEATHSIG
    return signal.getsignal(signal.SIGTERM) is signal.SIG_DFL, value.value


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="prctl is Linux only")
def test_pool_child_has_default_sigterm_and_dies_with_its_parent() -> None:
    previous = signal.signal(signal.SIGTERM, lambda *_: None)  # like the worker's graceful stop
    try:
        with ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("fork"),
                                 initializer=_die_with_parent) as pool:
            default_handler, death_signal = pool.submit(_child_state).result(timeout=30)
    finally:
        signal.signal(signal.SIGTERM, previous)
    assert default_handler
    assert death_signal == signal.SIGKILL
