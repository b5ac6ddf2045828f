"""A write in a forked process, so that a crash of the writer cannot take the simulation with it.

HDF5 (through h5py and nixio) can crash the process whose write hit a full disk: after the failed
flush its clean-up segfaults. The process that holds a finished simulation therefore writes
spikes.nix in a forked child and waits for it; the child's failure comes back as an exception.
"""

import errno
import multiprocessing
import os
import re


def call(name, write, *args):
    """``write(*args)`` in a forked process, waited for; `name` (what it writes) is for messages.

    An exception in the child comes back as an OSError where it carries an errno (h5py names it
    only in its message), else as a RuntimeError; a crash of the child as an OSError (EIO).
    Without fork (not Linux), ``write`` runs in this process.
    """
    try:
        context = multiprocessing.get_context("fork")
    except ValueError:
        return write(*args)
    receive, send = context.Pipe(duplex=False)
    child = context.Process(target=_child, args=(send, write, args), daemon=True)
    child.start()
    send.close()
    try:
        child.join()
    except BaseException:  # interrupted: the child must not write on
        child.terminate()
        child.join()
        raise
    try:
        message = receive.recv()  # the child sends None when done
    except EOFError:  # it ended without a word
        message = None
    if child.exitcode == 0 and message is None:
        return None
    if message is None:
        raise OSError(errno.EIO, f"the writer of {name} ended with exit code {child.exitcode}")
    number, text = message
    if number:
        raise OSError(number, os.strerror(number))
    raise RuntimeError(f"writing {name} failed: {text}")


def _child(send, write, args):
    try:
        write(*args)
    except BaseException as err:  # noqa: BLE001 - everything goes back to the parent
        found = re.search(r"errno = (\d+)", str(err))
        number = getattr(err, "errno", None) or (int(found.group(1)) if found else None)
        send.send((number, f"{type(err).__name__}: {str(err).splitlines()[0] if str(err) else ''}"))
        send.close()
        os._exit(1)  # no clean-up: HDF5's may crash after a failed write
    send.send(None)
    send.close()
