"""A NeuronType on NEST: NESTML generated from the definition, compiled against the pip NEST.

The pip wheel of nest-simulator 3.10 was not made for extension modules; the four obstacles met
and how they are overcome here:

1. prefix: ``nest-config --prefix`` names the wheel's temporary build directory. NESTML's own
   CMake build is therefore not used: the code is generated with NESTML (its builder switched
   off) and compiled here, with the headers the wheel ships in ``site-packages/nest/include``.
2. compiler: ``nest-config --compiler`` names a devtoolset g++ that does not exist here; the
   system C++ compiler ($CXX, else g++) is used, with the flags NEST was built with. NEST's headers
   include Boost (header-only parts; taken from the ``boost-headers`` wheel, else the system) and
   ``ltdl.h``, of which they need only the handle type: a one-line stand-in is used when the
   system has no libltdl headers.
3. C++ ABI: the wheel is built with the pre-C++11 libstdc++ string ABI, so the module is
   compiled with ``-D_GLIBCXX_USE_CXX11_ABI=0`` (otherwise it loads, then fails on missing symbols);
   a NEST built from source here (with MPI) has the new ABI, and the module follows the kernel's.
4. dynamic loading: Python imports ``nestkernel_api.so`` (the whole kernel) with RTLD_LOCAL, so
   a module could not see the kernel's symbols. Just before ``nest.Install``, the loaded kernel is
   promoted to RTLD_GLOBAL with ``dlopen(RTLD_NOLOAD | RTLD_GLOBAL)``; nothing has to be done before
   NEST is imported, and the module is installed from its full path in the cache.

Three edits to the generated C++, each checked before compiling (an unexpected NESTML fails loudly);
the first two each cut fore2020's NEST simulation time by about a sixth:

- noise terms draw their standard normal deviates with the ziggurat method of ``zoo_normal.h``
  from the node's NEST random generator, in place of NESTML's ``random_normal``
  (std::normal_distribution fed through NEST's long-double uniform wrapper);
- NESTML keeps a second ring buffer per input port only to flag "a spike arrived in this step" for
  the onReceive blocks. The blocks generated here only add the port's summed weight, so the flag
  is taken from that sum being non-zero and the buffer is no longer filled or read (skipping a
  zero sum skips adding zero);
- the spike input buffers and their per-step sums live inside the node (``zoo_ring_buffers.h``),
  not in heap blocks of their own: the cells of zerlaut2018 (one-step min_delay, where every node
  is visited every step) simulated about 10 % faster.

Compiled modules are cached per generated source, NEST version, NESTML version and compiler under
``$ZOO_CACHE_DIR`` (default ``~/.cache/zoo``)/nestml/. The first use of a definition logs that it is
compiling (about a minute); later uses load the cached module. NEST unloads modules at every
``ResetKernel`` (``sim.setup``), so :func:`ensure_installed` reinstalls when needed.
"""

import ctypes
import hashlib
import logging
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from ...errors import ZooError
from ...neurons.definition import INJECTED, UNIT_NAMES, linear_parts, substitute

log = logging.getLogger("zoo")

INSTALL_HINT = "pip install 'zoo[nestml]' (NESTML and Boost headers) and a C++ compiler (e.g. apt-get install g++)"
_NEST_TYPE = {"mV": "mV", "ms": "ms", "nS": "nS", "pF": "pF", "pA": "pA", "1": "real", "1/ms": "1/ms"}


def _literal(value, unit):
    return repr(float(value)) if unit == "1" else f"{float(value)!r} {unit}"


def _drift_unit(unit):
    return "1/ms" if unit == "1" else f"{unit}/ms"


def _nestml_expression(text):
    """The shared expression subset in NESTML, which has exp() but no sqrt(): sqrt(x) -> ((x)**0.5),
    and no free-standing units: mV -> (1 mV)."""
    text = re.sub(rf"(?<![A-Za-z0-9_.])({'|'.join(UNIT_NAMES)})(?![A-Za-z0-9_])", r"(1 \1)", text)
    while "sqrt(" in text:
        start = text.index("sqrt(")
        depth, end = 0, start + 4
        for end in range(start + 4, len(text)):
            depth += {"(": 1, ")": -1}.get(text[end], 0)
            if depth == 0:
                break
        text = f"{text[:start]}(({text[start + 5:end]})**0.5){text[end + 1:]}"
    return text


def _steps(neuron):
    """Update-block statements of one time step: locals computed from the start-of-step state, then
    the assignments. Euler: x += h * drift. Exponential Euler (definition.linear_parts): A, B and
    A/B as locals, then x = (x + A/B) exp(B h) - A/B as Brian2 writes it; a drift without x: Euler."""
    compute, assign = [], {}
    for s in neuron.state:
        a, b, linear = linear_parts(neuron, s)
        if neuron.method != "exponential_euler" or not linear:
            compute.append(f"d__{s.name} {_drift_unit(s.unit)} = {_nestml_expression(s.drift)}")
            assign[s.name] = f"{s.name} += zoo_h * d__{s.name}"
            continue
        compute += [f"zoo_a_{s.name} {_drift_unit(s.unit)} = {_nestml_expression(a)}",
                    f"zoo_b_{s.name} 1/ms = {_nestml_expression(substitute(b, 'zoo_A', f'zoo_a_{s.name}'))}",
                    f"zoo_ba_{s.name} {_NEST_TYPE[s.unit]} = zoo_a_{s.name} / zoo_b_{s.name}"]
        assign[s.name] = f"{s.name} = ({s.name} + zoo_ba_{s.name}) * exp(zoo_b_{s.name} * zoo_h) - zoo_ba_{s.name}"
    return compute, assign


def nestml_source(neuron):
    """NESTML text of `neuron`: the definition's integrator in the update block (no ODE solver)."""
    lines = [f"# generated by zoo.neurons from definition {neuron.digest()[:12]}; do not edit",
             f"model {neuron.name}:", "    state:"]
    for s in neuron.state:
        lines.append(f"        {s.name} {_NEST_TYPE[s.unit]} = {_literal(s.initial, s.unit)}")
    lines.append("        refr_count integer = 0  # time steps of refractoriness left")
    lines += ["", "    parameters:"]
    for p in neuron.parameters:
        lines.append(f"        {p.name} {_NEST_TYPE[p.unit]} = {_literal(p.default, p.unit)}")
    noise = neuron.noise_terms
    # Step-size factors, computed once per parameter change (NESTML internals), not every step.
    lines += ["", "    internals:", "        zoo_h ms = resolution()"]
    for var, (_, tau) in noise.items():
        lines.append(f"        zoo_sqrt_h_{var} real = (resolution() / {tau})**0.5")
    receptors = neuron.receptor_variables
    lines += ["", "    input:"]
    if "excitatory" in receptors:
        lines.append("        exc_spikes <- excitatory spike")
    if "inhibitory" in receptors:
        lines.append("        inh_spikes <- inhibitory spike")
    if neuron.injectable:
        lines.append(f"        {INJECTED} pA <- continuous")
    lines += ["", "    output:", "        spike", "", "    update:"]
    for e in neuron.subexpressions:
        lines.append(f"        {e.name} {_NEST_TYPE[e.unit]} = {_nestml_expression(e.expression)}")
    compute, assign = _steps(neuron)
    lines += [f"        {line}" for line in compute]
    lines += ["        if refr_count > 0:", "            refr_count -= 1"]
    for s in neuron.state:
        step = assign[s.name]
        if s.name in noise:
            amplitude, _ = noise[s.name]
            step += f" + {amplitude} * zoo_sqrt_h_{s.name} * random_normal(0, 1)"
        if s.name in neuron.frozen:
            lines += ["        if refr_count == 0:", f"            {step}"]
        else:
            lines.append(f"        {step}")
    for receptor, port in (("excitatory", "exc_spikes"), ("inhibitory", "inh_spikes")):
        if receptor in receptors:
            lines += ["", f"    onReceive({port}):", f"        {receptors[receptor]} += {port} * 1 nS * 1 s"]
    lines += ["", f"    onCondition(refr_count == 0 and ({_nestml_expression(neuron.threshold)})):",
              f"        refr_count = steps({neuron.refractory})"]
    lines += [f"        {var} = {_nestml_expression(expression)}" for var, expression in neuron.reset]
    lines += ["        emit_spike()", ""]
    return "\n".join(lines)


# --- environment ----------------------------------------------------------------------------------
def _nest_package_dir():
    import importlib.util

    spec = importlib.util.find_spec("nest")
    if spec is None or spec.origin is None:
        raise ZooError("NEST is not installed; install it with: pip install 'nest-simulator==3.10.*'")
    return Path(spec.origin).parent


def _nest_version():
    from importlib.metadata import version

    return version("nest-simulator")


def _nest_build():
    """The installed NEST build: a hash of its files as pip recorded them. The pip wheel and NEST
    built with MPI from the source distribution share a version but not a binary interface, and
    a module compiled against one cannot be loaded by the other."""
    from importlib.metadata import PackageNotFoundError, distribution

    try:
        record = distribution("nest-simulator").read_text("RECORD") or ""
    except PackageNotFoundError:  # NEST installed outside pip: its version stands for its build
        record = ""
    return hashlib.sha256(record.encode()).hexdigest()[:12]


def _nestml_version():
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("nestml")
    except PackageNotFoundError:
        raise ZooError(f"custom neuron types on NEST need NESTML; install it with: {INSTALL_HINT}") from None


def _compiler():
    compiler = os.environ.get("CXX") or shutil.which("g++") or shutil.which("c++")
    if not compiler:
        raise ZooError(f"custom neuron types on NEST need a C++ compiler; install one with: {INSTALL_HINT}")
    return compiler


CXXFLAGS = ("-std=c++20", "-O2", "-fPIC", "-shared", "-fopenmp", "-DNDEBUG", "-w")
# a kernel function that takes a std::string, as the new (C++11) string ABI mangles it
_NEW_ABI_SYMBOL = b"_ZNK4nest24StructuralPlasticityNode21get_synaptic_elementsENSt7__cxx11"


def _abi_flag():
    """The libstdc++ string ABI of the installed NEST kernel, as a compiler flag (obstacle 3)."""
    new = _NEW_ABI_SYMBOL in (_nest_package_dir() / "nestkernel_api.so").read_bytes()
    return f"-D_GLIBCXX_USE_CXX11_ABI={int(new)}"


def cache_root():
    return Path(os.environ.get("ZOO_CACHE_DIR") or Path.home() / ".cache" / "zoo") / "nestml"


def module_name(neuron):
    return f"zoo{neuron.digest()[:10]}module"


NORMAL_HEADER = Path(__file__).with_name("zoo_normal.h")
BUFFERS_HEADER = Path(__file__).with_name("zoo_ring_buffers.h")


def _kept_in_node(name, heap_type, node_type):
    """The edits that turn NESTML's buffer member `name`, a `heap_type`, into a `node_type` of
    zoo_ring_buffers.h (its getters, its declaration, its two constructor entries)."""
    return (("h", f"{heap_type}& get_{name}()", f"{node_type}& get_{name}()", "input ports", 2),
            ("h", f"{heap_type} {name};", f"{node_type} {name};", "input ports", 1),
            ("cpp", f"{name}( {heap_type}( NUM_SPIKE_RECEPTORS ) )", f"{name}()", "input ports", 2))


# (file, NESTML 9.0's text, zoo's text, what the neuron has that many of, occurrences per one)
_EDITS = (
    ("cpp", "normal_dev_( nest::get_vp_specific_rng( get_thread() ) )",
     "zoo::standard_normal( nest::get_vp_specific_rng( get_thread() ) )", "noise terms", 1),
    ("cpp", "get_spike_input_received_grid_sum_()[i] = get_spike_input_received_()[i].get_value(lag);",
     "get_spike_input_received_grid_sum_()[i] = get_spike_inputs_grid_sum_()[i] != 0.0;", "input ports", 1),
    ("cpp", "  B_.spike_input_received_[ nestml_buffer_idx - MIN_SPIKE_RECEPTOR ].add_value(\n"
     "    e.get_rel_delivery_steps( nest::kernel().simulation_manager.get_slice_origin() ),\n"
     "    1. );\n", "", "input ports", 1),
    *_kept_in_node("spike_inputs_", "std::vector< nest::RingBuffer >", "zoo::RingBuffers< NUM_SPIKE_RECEPTORS >"),
    *(edit for name in ("spike_inputs_grid_sum_", "spike_input_received_grid_sum_")
      for edit in _kept_in_node(name, "std::vector< double >", "zoo::PortValues< NUM_SPIKE_RECEPTORS >")),
)
_HEADERS = (NORMAL_HEADER, BUFFERS_HEADER)


def tune_generated(texts, neuron):
    """The generated C++ of `neuron`, {"cpp": model source, "h": model header}, with the edits
    described in the module docstring."""
    counts = {"noise terms": len(neuron.noise_terms), "input ports": 1 if neuron.receptors else 0}
    texts = dict(texts)
    for kind, old, new, what, per_one in _EDITS:
        found = texts[kind].count(old)
        if found != counts[what] * per_one:
            raise ZooError(f"the C++ NESTML generated for {neuron.name} is not the expected one ({found} instead of "
                           f"{counts[what] * per_one} of {old.strip()[:40]!r}...); pip install 'nestml==9.0.*'")
        texts[kind] = texts[kind].replace(old, new)
    texts["h"] = "".join(f'#include "{header.name}"\n' for header in _HEADERS) + texts["h"]
    return texts


def module_path(neuron):
    """Path of the compiled module in the cache (it may not exist yet)."""
    compiler = _compiler()
    # the generated source covers the definition and this generator; versions cover the rest
    key = "|".join([nestml_source(neuron), *(header.read_text() for header in _HEADERS), repr(_EDITS), _nest_version(),
                    _nest_build(), _nestml_version(), compiler, " ".join(CXXFLAGS)])
    tag = hashlib.sha256(key.encode()).hexdigest()[:12]
    return cache_root() / f"{neuron.name}-nest{_nest_version()}-{tag}" / f"{module_name(neuron)}.so"


# --- generate and compile -------------------------------------------------------------------------
_CODEGEN = """
import sys
import pynestml.frontend.pynestml_frontend as frontend
frontend.builder_from_target_name = lambda name, options=None: (None, dict(options or {}))
failed = frontend.generate_target(sys.argv[1], target_platform="NEST", target_path=sys.argv[2],
                                  module_name=sys.argv[3], logging_level="ERROR",
                                  codegen_opts={"nest_version": "v" + sys.argv[4]})
sys.exit(1 if failed else 0)
"""


def _run(command, what, cwd=None):
    env = dict(os.environ, PYNEST_QUIET="1")
    done = subprocess.run(command, capture_output=True, text=True, cwd=cwd, env=env)
    if done.returncode != 0:
        detail = (done.stderr + done.stdout).strip().splitlines()
        errors = [line for line in detail if "error" in line.lower()]
        first = (errors or detail or [f"exit status {done.returncode}"])[0]
        raise ZooError(f"{what} failed ({first.strip()[:300]}); check: {INSTALL_HINT}")
    return done


def _include_flags(workdir):
    """-I flags for NEST's headers and what they include (Boost, ltdl.h)."""
    flags = [f"-I{_nest_package_dir() / 'include' / 'nest'}"]
    try:
        import boost_headers

        flags.append(f"-I{boost_headers.get_include()}")
    except ImportError:
        if not Path("/usr/include/boost/type_index.hpp").exists():
            raise ZooError(f"custom neuron types on NEST need Boost headers; install them with: {INSTALL_HINT}") from None
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


def compile_module(neuron):
    """Generate and compile the NEST module of `neuron` unless cached; return its path."""
    target = module_path(neuron)
    if target.exists():
        return target
    _nestml_version()
    log.warning("compiling NEST module for neuron type %s (first use of this definition, about a minute); "
                "cached in %s", neuron.name, target.parent)
    with tempfile.TemporaryDirectory(prefix="zoo-nestml-") as tmp:
        source = Path(tmp) / f"{neuron.name}.nestml"
        source.write_text(nestml_source(neuron))
        generated = Path(tmp) / "generated"
        _run([sys.executable, "-c", _CODEGEN, str(source), str(generated), module_name(neuron), _nest_version()],
             f"NESTML code generation for {neuron.name}", cwd=tmp)
        sources = sorted(str(p) for p in generated.glob("*.cpp"))
        if not sources:
            raise ZooError(f"NESTML generated no C++ code for {neuron.name}; check: {INSTALL_HINT}")
        files = {kind: generated / f"{neuron.name}.{kind}" for kind in ("cpp", "h")}
        for kind, text in tune_generated({kind: path.read_text() for kind, path in files.items()}, neuron).items():
            files[kind].write_text(text)
        for header in _HEADERS:
            shutil.copy(header, generated / header.name)
        partial = target.with_suffix(f".{os.getpid()}.tmp")
        target.parent.mkdir(parents=True, exist_ok=True)
        _run([_compiler(), *CXXFLAGS, _abi_flag(), f"-I{generated}", *_include_flags(tmp), *sources, "-o", str(partial)],
             f"compiling the NEST module of {neuron.name}")
        shutil.copy(source, target.parent / source.name)
        os.replace(partial, target)  # atomic: concurrent processes see a whole module or none
    return target


def _promote_kernel_to_global():
    """Make the already loaded NEST kernel's symbols visible to modules (obstacle 4)."""
    kernel = _nest_package_dir() / "nestkernel_api.so"
    mode = os.RTLD_NOLOAD | os.RTLD_GLOBAL | os.RTLD_NOW
    try:
        ctypes.CDLL(str(kernel), mode=mode)
    except OSError as err:
        raise ZooError(f"cannot make the NEST kernel's symbols global ({err}); reinstall nest-simulator==3.10.*") from None


def ensure_installed(neuron):
    """Compile (once, cached) and install the module of `neuron` into the running NEST kernel."""
    import nest

    if neuron.name in nest.node_models:
        return
    path = compile_module(neuron)
    _promote_kernel_to_global()
    try:
        nest.Install(str(path))
    except Exception as err:  # NESTErrors.DynamicModuleManagementError and friends
        raise ZooError(f"NEST cannot load the module of {neuron.name} ({str(err).splitlines()[0][:200]}); "
                       f"delete {path.parent} and retry, or check: {INSTALL_HINT}") from None
    if neuron.name not in nest.node_models:
        raise ZooError(f"the module of {neuron.name} loaded but defines no model of that name; delete {path.parent}")


def cell_type(neuron):
    """The PyNN (pyNN.nest) cell-type class of `neuron`, its module installed in the kernel."""
    from pyNN.nest.cells import native_cell_type

    ensure_installed(neuron)
    cls = native_cell_type(neuron.name)
    units = {s.name: s.unit for s in neuron.state}
    cls.units = {name: ("dimensionless" if units.get(name) == "1" else units.get(name, "ms")) for name in cls.recordable}
    # NESTML's internals (zoo_h ...) are derived, not parameters: keep the definition's names only.
    cls.default_parameters = {name: value for name, value in cls.default_parameters.items() if name in neuron.defaults}
    cls.default_initial_values = {name: value for name, value in cls.default_initial_values.items() if name in units}
    cls.recordable = [name for name in cls.recordable if name in units or name == "spikes"]
    cls.conductance_based = bool(neuron.receptors)
    cls.zoo_definition = neuron
    return cls
