"""SIGTERM and SIGHUP handled like SIGINT: the run stops where it is and cleans up after itself.

Python turns SIGINT into KeyboardInterrupt, so the ``with``/``finally`` blocks of a run (removing
its staging directory, ending the simulator session) run on Ctrl-C. SIGTERM and SIGHUP end the
process at once by default, leaving a half-written staging directory behind. Inside
:func:`as_interrupts` all three raise :class:`Interrupted` (a KeyboardInterrupt) instead.

Compiled code may swallow an exception raised in a callback (Cython prints "Exception ignored"
and goes on), and with it the signal. So a signal is also remembered, and raised again at the next
progress point of the build or simulation (:func:`zoo.progress.checked`): work that goes on after
a signal is stopped there; clean-up, which calls no progress point, is not cut short.
"""

import contextlib
import signal
import threading

from .. import progress

HANDLED = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)


class Interrupted(KeyboardInterrupt):
    """SIGINT, SIGTERM or SIGHUP, raised like Ctrl-C's KeyboardInterrupt; `signum` says which."""

    def __init__(self, signum):
        super().__init__(signal.Signals(signum).name)
        self.signum = signum


def exit_status(interrupt):
    """128 + the signal's number, as a shell reports a process ended by it (SIGINT: 130)."""
    return 128 + getattr(interrupt, "signum", signal.SIGINT)


def by(interrupt):
    """' by SIGTERM' (or SIGHUP) for an interruption by such a signal; '' for Ctrl-C."""
    signum = getattr(interrupt, "signum", signal.SIGINT)
    return "" if signum == signal.SIGINT else f" by {signal.Signals(signum).name}"


@contextlib.contextmanager
def as_interrupts(signals=HANDLED):
    """Within the block, each of `signals` raises :class:`Interrupted` in the main thread, now and
    at every later progress point. A signal whose handler is not Python's default (e.g. SIGINT
    ignored in a background job) keeps it."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    received = []

    def handler(signum, frame):
        received.append(signum)
        raise Interrupted(signum)

    def check():
        if received:
            raise Interrupted(received[-1])

    previous = {}
    for number in signals:
        current = signal.getsignal(number)
        if current in (signal.SIG_DFL, signal.default_int_handler):
            previous[number] = signal.signal(number, handler)
    try:
        with progress.checked(check):
            yield
    finally:
        for number, old in previous.items():
            signal.signal(number, old)
