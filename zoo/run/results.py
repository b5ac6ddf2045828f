"""A results directory that appears only when complete, and never replaces anything unasked.

Files are written into a hidden staging directory beside the target, ``.NAME.partial-PID``, and
:meth:`ResultsDir.commit` renames it into place. A zoo results directory is known by its marker,
``.zoo-results.json``, which only the zoo writes: the format and its version, and, once complete,
every file the zoo put there. The target is checked when the run starts and again, under a lock on
its folder, when it commits:

- a target that is absent then gets the results (renamed without replacing, so that a directory
  made a moment before is never overwritten);
- an existing target is replaced only with ``force=True``, and only if it carries a complete
  marker and holds nothing but the files that marker lists;
- anything else (another run's results, a user's directory made during the run) stays as it is:
  the results are kept under a new name, ``NAME.kept-PID``, and :class:`Kept` says where.

An interrupted or failed run removes its staging directory. One left by a process that was killed
outright is removed by the next results directory made in the same folder, which says so.
"""

import contextlib
import ctypes
import errno
import json
import logging
import os
import platform
import re
import shutil
from pathlib import Path

import numpy as np

from ..errors import ZooError

MARKER = ".zoo-results.json"
FORMAT = "zoo results directory"
FORMAT_VERSION = 1
_LEFTOVER = re.compile(r"^\..+\.(partial|old)-(\d+)$")

log = logging.getLogger("zoo")


class Kept(ZooError):
    """The target appeared (or stayed unreplaceable) while the run went on: results kept at `path`."""

    def __init__(self, message, path):
        super().__init__(message)
        self.path = path


def marker(path):
    """The marker of directory `path` as a dict, or None where there is no zoo marker."""
    try:
        data = json.loads((Path(path) / MARKER).read_text())
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) and data.get("format") == FORMAT else None


def replace_problem(path):
    """Why `path` may not be replaced by a zoo results directory (None: it may)."""
    path = Path(path)
    if path.is_symlink() or not path.is_dir():
        return "it is not a directory"
    found = marker(path)
    if found is None or not found.get("complete"):
        return f"it has no zoo marker ({MARKER})"
    own = set(found.get("files", ())) | {MARKER}
    folders = {str(Path(name).parent) for name in own} | {"."}
    foreign = []
    for root, dirs, files in os.walk(path):
        here = Path(root).relative_to(path)
        foreign += [str(here / name) for name in files if str(here / name) not in own]
        foreign += [str(here / name) + "/" for name in dirs if str(here / name) not in folders]
    if foreign:
        shown = ", ".join(sorted(foreign)[:3]) + (", ..." if len(foreign) > 3 else "")
        return f"it holds files the zoo did not write ({shown})"
    return None


def check_target(target, force=False):
    """Raise ZooError unless results may go to `target` now: it is absent, or `force` is given and
    it is a zoo results directory with nothing else in it; and its folder can be written."""
    target = Path(target)
    if os.path.lexists(target):
        if not force:
            raise ZooError(f"results directory {target} exists; use --force to replace it or --out to choose another")
        problem = replace_problem(target)
        if problem:
            raise ZooError(f"{target} exists and is not a zoo results directory that --force may replace: {problem}")
    _check_writable(target.parent)


def _check_writable(folder):
    """Raise ZooError unless a directory can be made in `folder` (made if missing)."""
    existing = Path(folder)
    while not existing.exists():
        existing = existing.parent
    if not existing.is_dir():
        raise ZooError(f"cannot write to {folder}: {existing} is not a directory")
    probe = existing / f".zoo-probe-{os.getpid()}"
    try:
        probe.mkdir()
        probe.rmdir()
    except OSError as err:
        raise ZooError(f"cannot write to {folder}: {_reason(err)}") from None


def _reason(err):
    return err.strerror or str(err).splitlines()[0]


_DISK_ERRORS = {errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EIO, errno.EFBIG, errno.EACCES, errno.EPERM, errno.ENOENT}


def _says_disk_full(err):
    """h5py reports a full disk in its message, without an errno."""
    return "No space left on device" in str(err) or "errno = 28" in str(err)


def _mb(size):
    return f"{size / 2**20:.1f} MiB"


def _alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def remove_leftovers(folder):
    """Remove the staging (and replaced) directories in `folder` that processes of this machine,
    now gone, left behind; return their paths. Only directories with the zoo's marker are touched."""
    removed = []
    try:
        entries = list(Path(folder).iterdir())
    except OSError:
        return removed
    node = platform.node()
    for entry in entries:
        match = _LEFTOVER.match(entry.name)
        if not match or entry.is_symlink() or not entry.is_dir():
            continue
        found, pid = marker(entry), int(match.group(2))
        if found is None or found.get("host", node) != node or pid == os.getpid() or _alive(pid):
            continue
        shutil.rmtree(entry, ignore_errors=True)
        if not entry.exists():
            log.warning("removed %s, left by process %d, which no longer exists", entry, pid)
            removed.append(entry)
    return removed


class ResultsDir:
    """Results written into a staging directory beside `target` and moved into place by :meth:`commit`."""

    def __init__(self, target, force=False):
        self.target = Path(os.path.abspath(Path(target).expanduser()))
        self.force = force
        check_target(self.target, force)
        self._existed = os.path.lexists(self.target)  # and --force may replace it
        remove_leftovers(self.target.parent)
        self.staging = self.target.parent / f".{self.target.name}.partial-{os.getpid()}"
        self._made = []  # folders made for the target, removed again on abort
        try:
            for folder in reversed([self.target.parent, *self.target.parent.parents]):
                try:  # not exists() then mkdir(): runs started together into one folder race there
                    folder.mkdir()
                except FileExistsError:
                    continue
                self._made.append(folder)
            self.staging.mkdir()
        except OSError as err:
            self._remove_made()
            raise ZooError(f"cannot write results to {self.target}: {_reason(err)}") from None
        self._mark(complete=False)

    def path(self, name):
        return self.staging / name

    def write_json(self, name, data):
        with open(self.path(name), "w") as handle:
            json.dump(data, handle, indent=2, default=_json_default)
            handle.write("\n")

    @contextlib.contextmanager
    def writing(self):
        """Within the block, a failure of the disk (full, read-only, gone) is a one-line ZooError."""
        try:
            yield
        except OSError as err:
            if err.errno not in _DISK_ERRORS and not _says_disk_full(err):
                raise
            raise ZooError(f"cannot write results to {self.target}: {_reason(err)}; nothing was kept") from None

    def need_space(self, size, name):
        """Raise ZooError unless the staging directory's disk has room for `size` bytes (with a margin):
        HDF5 can crash the process when the disk fills while it writes."""
        free = shutil.disk_usage(self.staging).free
        if free < 1.25 * size + 2**20:
            raise ZooError(f"not enough space for {name} in {self.target.parent}: ~{_mb(size)} needed, {_mb(free)} free; "
                           "nothing was kept")

    def _mark(self, complete):
        data = {"format": FORMAT, "version": FORMAT_VERSION, "complete": complete}
        if complete:
            data["files"] = sorted(str(p.relative_to(self.staging)) for p in self.staging.rglob("*")
                                   if p.is_file() and p.name != MARKER)
        else:
            data.update(pid=os.getpid(), host=platform.node())
        (self.staging / MARKER).write_text(json.dumps(data, indent=1) + "\n")

    def commit(self):
        """Move the complete results into place; return the path they are at.

        Raises :class:`Kept` (results kept beside the target) when the target exists now and may not
        be replaced."""
        self._mark(complete=True)
        with _folder_lock(self.target.parent):
            if os.path.lexists(self.target):
                problem = replace_problem(self.target) if self.force else "--force was not given"
                if problem and self._existed:
                    self._keep(f"{self.target} changed during the run and was left as it is ({problem})")
                if problem:
                    self._keep(f"{self.target} appeared during the run and was left as it is ({problem})")
                old = self.target.parent / f".{self.target.name}.old-{os.getpid()}"
                os.rename(self.target, old)
                try:
                    _rename_new(self.staging, self.target)
                except OSError:
                    os.rename(old, self.target)
                    raise
                shutil.rmtree(old, ignore_errors=True)
            else:
                try:
                    _rename_new(self.staging, self.target)
                except FileExistsError:
                    self._keep(f"{self.target} appeared during the run and was left as it is")
        return self.target

    def _keep(self, why):
        for count in range(1000):
            kept = self.target.with_name(f"{self.target.name}.kept-{os.getpid()}" + (f"-{count}" if count else ""))
            try:
                _rename_new(self.staging, kept)
            except FileExistsError:
                continue
            raise Kept(f"{why}; the results are kept in {kept}", kept)
        raise ZooError(f"{why}; the results are in {self.staging}")

    def abort(self):
        shutil.rmtree(self.staging, ignore_errors=True)
        self._remove_made()

    def _remove_made(self):
        for folder in reversed(self._made):
            with contextlib.suppress(OSError):
                folder.rmdir()  # only while empty
        self._made = []

    def __enter__(self):
        return self

    def __exit__(self, kind, value, traceback):
        if kind is not None:
            self.abort()  # after Kept, only the folders made for the target, if empty
        return False


@contextlib.contextmanager
def _folder_lock(folder):
    """An exclusive lock on `folder` for the length of a commit (where the file system has them)."""
    import fcntl

    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        yield
        return
    try:
        with contextlib.suppress(OSError):
            fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # releases the lock


_RENAME_NOREPLACE = 1
_AT_FDCWD = -100


def _rename_new(source, target):
    """Rename `source` to `target` only if nothing is at `target` (FileExistsError otherwise),
    atomically where the system can (Linux renameat2), else checked just before."""
    libc = ctypes.CDLL(None, use_errno=True)
    rename2 = getattr(libc, "renameat2", None)
    if rename2 is not None:
        if rename2(_AT_FDCWD, os.fsencode(source), _AT_FDCWD, os.fsencode(target), _RENAME_NOREPLACE) == 0:
            return
        code = ctypes.get_errno()
        if code not in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP):  # else: not on this file system
            raise (FileExistsError if code == errno.EEXIST else OSError)(code, os.strerror(code), str(target))
    if os.path.lexists(target):
        raise FileExistsError(errno.EEXIST, os.strerror(errno.EEXIST), str(target))
    os.rename(source, target)


def _json_default(value):
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, Path):
        return str(value)
    raise TypeError(f"cannot write {type(value).__name__} as JSON")
