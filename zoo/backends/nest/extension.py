"""C++ extension modules of NEST, compiled here against the installed NEST and installed into its kernel.

The pip wheel of nest-simulator 3.10 was not made for extension modules; the four obstacles met
and how they are overcome here:

1. prefix: ``nest-config --prefix`` names the wheel's temporary build directory, so NEST's CMake
   helpers for modules are not used: the sources are compiled here, with the headers the wheel
   ships in ``site-packages/nest/include``.
2. compiler: ``nest-config --compiler`` names a devtoolset g++ that does not exist here; the
   system C++ compiler ($CXX, else g++) is used, with the flags NEST was built with. NEST's headers
   include Boost (header-only parts; taken from the ``boost-headers`` wheel, else the system) and
   ``ltdl.h``, of which they need only the handle type: a one-line stand-in is used when the
   system has no libltdl headers.
3. C++ ABI: the wheel is built with the pre-C++11 libstdc++ string ABI, so a module is compiled
   with ``-D_GLIBCXX_USE_CXX11_ABI=0`` (otherwise it loads, then fails on missing symbols); a NEST
   built from source here (with MPI) has the new ABI, and the module follows the kernel's.
4. dynamic loading: Python imports ``nestkernel_api.so`` (the whole kernel) with RTLD_LOCAL, so
   a module could not see the kernel's symbols. Just before ``nest.Install``, the loaded kernel is
   promoted to RTLD_GLOBAL with ``dlopen(RTLD_NOLOAD | RTLD_GLOBAL)``; nothing has to be done before
   NEST is imported, and the module is installed from its full path in the cache.

Compiled modules are cached under ``$ZOO_CACHE_DIR`` (default ``~/.cache/zoo``)/nestml/, in a
folder per source, NEST version and build, and compiler (:func:`cached_path`). NEST unloads
modules at every ``ResetKernel`` (``sim.setup``), so callers install again when their model is gone.
"""

import ctypes
import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from ...errors import ZooError

COMPILER_HINT = "a C++ compiler (e.g. apt-get install g++) and Boost headers (pip install boost-headers)"
CXXFLAGS = ("-std=c++20", "-O2", "-fPIC", "-shared", "-fopenmp", "-DNDEBUG", "-w")
# a kernel function that takes a std::string, as the new (C++11) string ABI mangles it
NEW_ABI_SYMBOL = b"_ZNK4nest24StructuralPlasticityNode21get_synaptic_elementsENSt7__cxx11"


def nest_package_dir():
    import importlib.util

    spec = importlib.util.find_spec("nest")
    if spec is None or spec.origin is None:
        raise ZooError("NEST is not installed; install it with: pip install 'nest-simulator==3.10.*'")
    return Path(spec.origin).parent


def nest_version():
    from importlib.metadata import version

    return version("nest-simulator")


def nest_build():
    """The installed NEST build: a hash of its files as pip recorded them. The pip wheel and NEST
    built with MPI from the source distribution share a version but not a binary interface, and
    a module compiled against one cannot be loaded by the other."""
    from importlib.metadata import PackageNotFoundError, distribution

    try:
        record = distribution("nest-simulator").read_text("RECORD") or ""
    except PackageNotFoundError:  # NEST installed outside pip: its version stands for its build
        record = ""
    return hashlib.sha256(record.encode()).hexdigest()[:12]


def compiler(hint=COMPILER_HINT):
    found = os.environ.get("CXX") or shutil.which("g++") or shutil.which("c++")
    if not found:
        raise ZooError(f"NEST extension modules need a C++ compiler; install what is missing: {hint}")
    return found


def abi_flag():
    """The libstdc++ string ABI of the installed NEST kernel, as a compiler flag (obstacle 3)."""
    new = NEW_ABI_SYMBOL in (nest_package_dir() / "nestkernel_api.so").read_bytes()
    return f"-D_GLIBCXX_USE_CXX11_ABI={int(new)}"


def cache_root():
    return Path(os.environ.get("ZOO_CACHE_DIR") or Path.home() / ".cache" / "zoo") / "nestml"


def cached_path(name, module, source_key, hint=COMPILER_HINT):
    """Where the module `module` (its file name without .so) of `name` lives in the cache, for the
    source described by `source_key` (a string), this NEST build and compiler; it may not exist yet."""
    key = "|".join([source_key, nest_version(), nest_build(), compiler(hint), " ".join(CXXFLAGS)])
    tag = hashlib.sha256(key.encode()).hexdigest()[:12]
    return cache_root() / f"{name}-nest{nest_version()}-{tag}" / f"{module}.so"


def run(command, what, hint=COMPILER_HINT, cwd=None):
    env = dict(os.environ, PYNEST_QUIET="1")
    done = subprocess.run(command, capture_output=True, text=True, cwd=cwd, env=env)
    if done.returncode != 0:
        detail = (done.stderr + done.stdout).strip().splitlines()
        errors = [line for line in detail if "error" in line.lower()]
        first = (errors or detail or [f"exit status {done.returncode}"])[0]
        raise ZooError(f"{what} failed ({first.strip()[:300]}); check: {hint}")
    return done


def include_flags(workdir, hint=COMPILER_HINT):
    """-I flags for NEST's headers and what they include (Boost, ltdl.h)."""
    flags = [f"-I{nest_package_dir() / 'include' / 'nest'}"]
    try:
        import boost_headers

        flags.append(f"-I{boost_headers.get_include()}")
    except ImportError:
        if not Path("/usr/include/boost/type_index.hpp").exists():
            raise ZooError(f"NEST extension modules need Boost headers; install what is missing: {hint}") from None
    flags += _nest_build_includes()
    compat = Path(workdir) / "compat"
    compat.mkdir(exist_ok=True)
    (compat / "ltdl.h").write_text("/* zoo: what NEST's module_manager.h needs of libltdl */\n"
                                   "typedef struct lt__handle *lt_dlhandle;\n")
    return flags + ["-idirafter", str(compat)]  # the system's ltdl.h, where present, comes first


def _nest_build_includes():
    """-I flags of the include directories NEST was built with (``nest-config --includes``, installed
    beside this Python), those that exist and are not the system's: a NEST built with MPI includes
    mpi.h in its headers. The pip wheel names only system directories and its own build folder."""
    config = Path(sys.executable).with_name("nest-config")
    if not config.exists():
        return []
    done = subprocess.run([str(config), "--includes"], capture_output=True, text=True)
    directories = [word[2:] for word in done.stdout.split() if word.startswith("-I")] if done.returncode == 0 else []
    system = {Path("/usr/include"), Path("/usr/local/include")}
    return [f"-I{d}" for d in dict.fromkeys(directories) if Path(d).is_dir() and Path(d) not in system]


def compile_into(target, sources, what, includes=(), hint=COMPILER_HINT):
    """Compile C++ `sources` into the module file `target`, atomically (concurrent processes see a
    whole module or none); `includes` are further folders of headers."""
    with tempfile.TemporaryDirectory(prefix="zoo-nest-module-") as tmp:
        flags = [f"-I{folder}" for folder in includes] + include_flags(tmp, hint)
        partial = target.with_suffix(f".{os.getpid()}.tmp")
        target.parent.mkdir(parents=True, exist_ok=True)
        run([compiler(hint), *CXXFLAGS, abi_flag(), *flags, *map(str, sources), "-o", str(partial)], what, hint)
        os.replace(partial, target)


def promote_kernel_to_global():
    """Make the already loaded NEST kernel's symbols visible to modules (obstacle 4)."""
    kernel = nest_package_dir() / "nestkernel_api.so"
    mode = os.RTLD_NOLOAD | os.RTLD_GLOBAL | os.RTLD_NOW
    try:
        ctypes.CDLL(str(kernel), mode=mode)
    except OSError as err:
        raise ZooError(f"cannot make the NEST kernel's symbols global ({err}); reinstall nest-simulator==3.10.*") from None


def install(path, model, hint=COMPILER_HINT):
    """Install the compiled module `path` into the running kernel, which then knows node model `model`."""
    import nest

    promote_kernel_to_global()
    try:
        nest.Install(str(path))
    except Exception as err:  # NESTErrors.DynamicModuleManagementError and friends
        raise ZooError(f"NEST cannot load the module {path.name} ({str(err).splitlines()[0][:200]}); "
                       f"delete {path.parent} and retry, or check: {hint}") from None
    if model not in nest.node_models:
        raise ZooError(f"the module {path.name} loaded but defines no model {model}; delete {path.parent}")
