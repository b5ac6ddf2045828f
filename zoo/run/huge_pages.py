"""The command line's process on huge memory pages: glibc's ``malloc.hugetlb`` tunable.

At every time step each NEST neuron reads its next input slot from a ring buffer of its own, some
10 kB apart from its neighbour's. With 4 kB pages nearly every such read needs a page-table walk,
and how often the walk itself misses the caches depends on where the allocator put the buffers.
With ``glibc.malloc.hugetlb=1`` glibc asks the kernel for transparent huge pages (2 MB) for the
memory it hands out, and the walks all but vanish: schmidt2018 simulates about a third faster on
NEST at N_scaling 0.01, at the same peak memory, and so does the multi-area-model code on the same
pages (benchmarks/README.md, *schmidt2018: zoo vs the multi-area-model code*).

glibc reads the tunable once, when a process starts, so ``python -m zoo.run`` restarts itself
once with it (``os.execve``: the same process id, before any simulator or MPI is loaded). It does
not where it cannot help or was declined: a C library other than glibc 2.35 or later, a kernel
with transparent huge pages switched off, ``glibc.malloc.hugetlb`` already in ``GLIBC_TUNABLES``
(the user's choice, or this restart's), or ``ZOO_HUGE_PAGES=0``. The spikes do not change: where
memory lies does not enter any computation.
"""

import os
import sys

TUNABLE = "glibc.malloc.hugetlb"
SWITCH = "ZOO_HUGE_PAGES"
KERNEL_MODE = "/sys/kernel/mm/transparent_hugepage/enabled"


def _glibc_version():
    try:
        name, version = os.confstr("CS_GNU_LIBC_VERSION").split()
        return tuple(int(part) for part in version.split(".")[:2]) if name == "glibc" else None
    except (AttributeError, OSError, TypeError, ValueError):  # not glibc, or no confstr
        return None


def _kernel_mode(path=KERNEL_MODE):
    """The kernel's transparent-huge-page mode ('always', 'madvise' or 'never'); None if unknown."""
    try:
        with open(path, encoding="ascii") as mode:
            text = mode.read()
    except OSError:
        return None
    start, end = text.find("["), text.find("]")
    return text[start + 1:end] if 0 <= start < end else None


def _tunables(environ):
    """``GLIBC_TUNABLES`` of `environ` as {name: value}, in its order."""
    return dict(item.split("=", 1) for item in environ.get("GLIBC_TUNABLES", "").split(":") if "=" in item)


def in_use(environ=os.environ):
    """Whether this process runs with glibc's huge-page tunable switched on."""
    return _tunables(environ).get(TUNABLE, "0") != "0"


def wanted(environ=os.environ, glibc=..., kernel_mode=...):
    """Whether to restart with the tunable (`glibc`: its (major, minor) version, None if another C
    library; `kernel_mode`: see :func:`_kernel_mode`; both read from this machine when not given).
    See the module's docstring for when not."""
    glibc = _glibc_version() if glibc is ... else glibc
    kernel_mode = _kernel_mode() if kernel_mode is ... else kernel_mode
    return (environ.get(SWITCH, "1") != "0" and TUNABLE not in _tunables(environ)
            and glibc is not None and glibc >= (2, 35) and kernel_mode in ("always", "madvise"))


def environment(environ=os.environ, pages="huge"):
    """`environ` for a process on "huge" pages (the tunable set to 1, beside whatever else
    ``GLIBC_TUNABLES`` holds) or on "ordinary" ones (the tunable removed, the restart declined)."""
    tunables = {name: value for name, value in _tunables(environ).items() if name != TUNABLE}
    plain = {name: value for name, value in environ.items() if name != "GLIBC_TUNABLES"}
    if pages == "huge":
        tunables[TUNABLE] = "1"
    else:
        plain[SWITCH] = "0"
    if tunables:
        plain["GLIBC_TUNABLES"] = ":".join(f"{name}={value}" for name, value in tunables.items())
    return plain


def restart():
    """Replace this process by the same command with the tunable, where :func:`wanted`; else return."""
    if not wanted():
        return
    try:
        os.execve(sys.executable, [sys.executable, *sys.orig_argv[1:]], environment())
    except OSError:  # the run goes on with ordinary pages
        return
