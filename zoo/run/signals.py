"""SIGTERM and SIGHUP handled like SIGINT: the run stops where it is and cleans up after itself.

Python turns SIGINT into KeyboardInterrupt, so the ``with``/``finally`` blocks of a run (removing
its staging directory, ending the simulator session) run on Ctrl-C. SIGTERM and SIGHUP end the
process at once by default, leaving a half-written staging directory behind. Inside
:func:`as_interrupts` they raise :class:`Interrupted` (a KeyboardInterrupt) instead, once.
"""

import contextlib
import signal
import threading

HANDLED = (signal.SIGTERM, signal.SIGHUP)


class Interrupted(KeyboardInterrupt):
    """A SIGTERM or SIGHUP, raised like Ctrl-C's KeyboardInterrupt; `signum` says which."""

    def __init__(self, signum):
        super().__init__(signal.Signals(signum).name)
        self.signum = signum


def exit_status(interrupt):
    """128 + the signal's number, as a shell reports a process ended by it (SIGINT: 130)."""
    return 128 + getattr(interrupt, "signum", signal.SIGINT)


@contextlib.contextmanager
def as_interrupts(signals=HANDLED):
    """Within the block, each of `signals` raises :class:`Interrupted` in the main thread; a second
    signal while the first is being handled is ignored, so that cleaning up is not cut short."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    raised = []

    def handler(signum, frame):
        if not raised:
            raised.append(signum)
            raise Interrupted(signum)

    previous = {number: signal.signal(number, handler) for number in signals}
    try:
        yield
    finally:
        for number, old in previous.items():
            signal.signal(number, old)
