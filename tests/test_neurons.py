"""zoo.neurons: one definition, the same neuron on NEST (NESTML) and Brian2.

Expectations come from the definition's numerics (explicit Euler-Maruyama with dt = 0.1 ms):
- the Ornstein-Uhlenbeck conductance dg/dt = -g/tau + sigma/sqrt(tau) xi has stationary SD
  sigma/sqrt(2) (exactly sigma/sqrt(2 - dt/tau) for the Euler scheme) and autocorrelation
  exp(-lag/tau);
- one input spike of weight w gives g(t_k) = w (1 - dt/tau)^k from its arrival step, and the
  membrane potential follows the Euler recursion of the definition's drift.
PyNN's two backends deliver a SpikeSourceArray spike one time step apart (the same holds for the
standard IF_cond_exp), so traces are compared from their onset, which must lie within one step
of spike time + delay. The first NEST use compiles the module (~40 s, then cached).
"""

import numpy as np
import pytest

from zoo.errors import ZooError
from zoo.neurons import LIF_COND_EXP_OU, NeuronType, Parameter, StateVariable, cell_type

DT = 0.1
GRANULE = dict(C_m=3.1, g_L=0.2, E_L=-75.0, V_reset=-75.0, V_th=-55.0, t_ref=2.0, E_e=0.0, E_i=-75.0,
               tau_e=12.0, tau_i=20.0, g_t=1.0)


def _signal(segment, name):
    (signal,) = [s for s in segment.analogsignals if s.name == name]
    return np.asarray(signal.magnitude)


def test_ou_noise_has_the_stationary_sd_and_correlation_time(backend):
    sim = backend.sim
    sigma, tau, n = 0.05, 20.0, 200
    cells = sim.Population(n, cell_type(LIF_COND_EXP_OU, sim)(**GRANULE, sigma_n=sigma, tau_n=tau))
    cells.record("g_n")
    sim.run(1200.0)
    g = _signal(cells.get_data().segments[0], "g_n")[int(200 / DT):]  # from 10 tau on: stationary
    expected_sd = sigma / np.sqrt(2 - DT / tau)
    assert g.std() == pytest.approx(expected_sd, rel=0.05)
    assert abs(g.mean()) < 0.1 * expected_sd
    centred = g - g.mean(axis=0)
    lags = np.array([5.0, 10.0, 20.0, 30.0])
    acf = np.array([np.mean(centred[:-int(lag / DT)] * centred[int(lag / DT):]) for lag in lags]) / centred.var()
    fitted_tau = -np.sum(lags * lags) / np.sum(lags * np.log(acf))  # least squares of log acf = -lag / tau
    assert fitted_tau == pytest.approx(tau, rel=0.1)
    # independent noise per cell
    assert abs(np.corrcoef(g[:, 0], g[:, 1])[0, 1]) < 0.2


def test_noise_increments_are_standard_normal(backend):
    """Each step adds sigma sqrt(dt/tau) xi: xi must be N(0, 1), tails and all, and uncorrelated.

    On NEST xi comes from zoo_normal.h's ziggurat; a wrong layer table or tail shows here first.
    """
    from scipy import stats

    sim = backend.sim
    sigma, tau, n = 0.05, 20.0, 400
    cells = sim.Population(n, cell_type(LIF_COND_EXP_OU, sim)(**GRANULE, sigma_n=sigma, tau_n=tau))
    cells.record("g_n")
    sim.run(250.0)
    g = _signal(cells.get_data().segments[0], "g_n")
    xi = (g[1:] - g[:-1] * (1 - DT / tau)) / (sigma * np.sqrt(DT / tau))
    flat = xi.ravel()
    assert flat.size > 900_000
    assert stats.kstest(flat, "norm").pvalue > 1e-3
    assert flat.mean() == pytest.approx(0.0, abs=5 / np.sqrt(flat.size))
    assert flat.std() == pytest.approx(1.0, abs=0.005)
    beyond = np.mean(np.abs(flat) > 3.6541528853610088)  # the ziggurat's tail region
    expected = 2 * stats.norm.sf(3.6541528853610088)
    assert beyond == pytest.approx(expected, rel=5 / np.sqrt(expected * flat.size))
    assert abs(np.mean(xi[1:] * xi[:-1])) < 5 / np.sqrt(flat.size)


def test_a_spike_is_stamped_when_its_reset_shows(backend):
    """Recorded spike time = end of the step that crossed threshold (NEST's stamp; Brian2's
    SpikeMonitor gives the step's start, which zoo.backends.brian2.recording corrects)."""
    sim = backend.sim
    params = dict(GRANULE, g_t=0.0, sigma_n=0.0, I_e=5.0)
    cells = sim.Population(1, cell_type(LIF_COND_EXP_OU, sim)(**params))
    cells.record(["spikes", "V_m"])
    sim.run(60.0)
    segment = cells.get_data().segments[0]
    spikes = np.asarray(segment.spiketrains[0])
    (signal,) = [s for s in segment.analogsignals if s.name == "V_m"]
    times, v = np.asarray(signal.times), np.asarray(signal.magnitude).ravel()
    assert spikes.size == 2
    for t_spike in spikes:
        k = int(np.argmin(np.abs(times - t_spike)))
        assert v[k] == pytest.approx(params["V_reset"]) and v[k - 1] > params["V_th"] - 0.5


def _euler_reference(weight_e, weight_i, onset_e, onset_i, steps, p):
    """The definition's Euler recursion for V, g_e, g_i (no noise, no spike), from rest."""
    v, ge, gi = p["E_L"], 0.0, 0.0
    trace = np.empty((steps, 3))
    for k in range(steps):
        dv = (p["g_L"] * (p["E_L"] - v) + ge * (p["E_e"] - v) + (gi + p["g_t"]) * (p["E_i"] - v)) / p["C_m"]
        v, ge, gi = v + DT * dv, ge - DT * ge / p["tau_e"], gi - DT * gi / p["tau_i"]
        ge += weight_e if k == onset_e else 0.0
        gi += weight_i if k == onset_i else 0.0
        trace[k] = v, ge, gi
    return trace


def test_one_input_spike_gives_the_definitions_conductance_and_voltage_trace(backend):
    sim = backend.sim
    params = dict(GRANULE, E_i=-85.0)  # E_i below E_L so the inhibitory spike moves V as well
    cell = sim.Population(1, cell_type(LIF_COND_EXP_OU, sim)(**params))
    cell.initialize(V_m=params["E_L"])
    excitation = sim.Population(1, sim.SpikeSourceArray(spike_times=[10.0]))
    inhibition = sim.Population(1, sim.SpikeSourceArray(spike_times=[30.0]))
    sim.Projection(excitation, cell, sim.AllToAllConnector(), sim.StaticSynapse(weight=0.0008, delay=DT),
                   receptor_type="excitatory")
    sim.Projection(inhibition, cell, sim.AllToAllConnector(), sim.StaticSynapse(weight=0.002, delay=2.0),
                   receptor_type="inhibitory")
    cell.record(["V_m", "g_e", "g_i"])
    sim.run(80.0)
    segment = cell.get_data().segments[0]
    v, ge, gi = (_signal(segment, name)[:, 0] for name in ("V_m", "g_e", "g_i"))
    onset_e, onset_i = int(np.flatnonzero(ge > 0)[0]), int(np.flatnonzero(gi > 0)[0])
    assert onset_e in (round(10.1 / DT), round(10.1 / DT) + 1)
    assert onset_i - onset_e == round(20.0 / DT) + round((2.0 - DT) / DT)  # spike 20 ms later, delay 1.9 ms longer
    assert ge[onset_e] == pytest.approx(0.8) and gi[onset_i] == pytest.approx(2.0)  # uS -> nS
    reference = _euler_reference(0.8, 2.0, onset_e - 1, onset_i - 1, v.size - 1, params)
    np.testing.assert_allclose(ge[1:], reference[:, 1], rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(gi[1:], reference[:, 2], rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(v[1:], reference[:, 0], rtol=0, atol=1e-6)
    assert v.max() > params["E_L"] + 5 and v[onset_i + 30] < v[onset_i - 1]  # both inputs visible


def _conductances_on_nest(max_delay, runs):
    """g_e and g_i [nS] of one cell on NEST: an excitatory spike at 10 ms (delay 0.1 ms) and an
    inhibitory one at 30 ms (delay `max_delay`), simulated in runs of the given lengths [ms]."""
    from zoo import backends
    from zoo.seeds import SeedStreams

    b = backends.setup("nest", SeedStreams(1), threads=1, timestep=DT, min_delay=DT, max_delay=max_delay)
    try:
        sim = b.sim
        cell = sim.Population(1, cell_type(LIF_COND_EXP_OU, sim)(**GRANULE))
        for time, receptor, delay in ((10.0, "excitatory", DT), (30.0, "inhibitory", max_delay)):
            source = sim.Population(1, sim.SpikeSourceArray(spike_times=[time]))
            sim.Projection(source, cell, sim.AllToAllConnector(), sim.StaticSynapse(weight=0.001, delay=delay),
                           receptor_type=receptor)
        cell.record(["g_e", "g_i"])
        for duration in runs:
            sim.run(duration)
        segment = cell.get_data().segments[0]
        return [_signal(segment, name)[:, 0] for name in ("g_e", "g_i")]
    finally:
        b.end()  # also when building or running fails, so that later tests get a fresh session


@pytest.mark.parametrize("max_delay", [2.0, 10.0])  # 21 buffer slots, in the node; 101, on the heap
def test_nest_spike_buffers_deliver_at_spike_time_plus_delay_across_runs(max_delay):
    """zoo_ring_buffers.h: each spike lands in its port once, at spike time + delay, also when it is
    still in flight at the end of a run (the inhibitory one at 31 ms)."""
    pytest.importorskip("pynestml")
    for runs in ((60.0,), (31.0, 29.0)):
        ge, gi = _conductances_on_nest(max_delay, runs)
        onset_e, onset_i = int(np.flatnonzero(ge > 0)[0]), int(np.flatnonzero(gi > 0)[0])
        assert onset_e in (round(10.1 / DT), round(10.1 / DT) + 1)
        assert onset_i - onset_e == round(20.0 / DT) + round((max_delay - DT) / DT)
        assert ge.max() == pytest.approx(1.0) and gi.max() == pytest.approx(1.0)  # once each, 0.001 uS = 1 nS


def test_refractory_clamp_and_spike_count_agree_with_the_definition(backend):
    sim = backend.sim
    cell = sim.Population(1, cell_type(LIF_COND_EXP_OU, sim)(**dict(GRANULE, g_t=0.0, I_e=6.0)))
    cell.initialize(V_m=-75.0)
    cell.record(["spikes", "V_m"])
    sim.run(100.0)
    segment = cell.get_data().segments[0]
    spikes = np.asarray(segment.spiketrains[0].magnitude)
    v = _signal(segment, "V_m")[:, 0]
    # constant drive: V_inf = E_L + I_e / g_L = -45 mV > threshold, so regular firing
    assert spikes.size >= 5
    isi = np.diff(spikes)
    assert np.ptp(isi) <= DT + 1e-9 and isi.min() > 2.0
    first = int(round(spikes[0] / DT))
    clamped = v[first + 1:first + 1 + int(2.0 / DT)]  # t_ref / dt - 1 steps after the spike step, +-1 recording offset
    assert np.sum(clamped == -75.0) >= int(2.0 / DT) - 2


def test_bad_definitions_are_one_line_errors():
    with pytest.raises(ZooError, match="unknown name 'q'"):
        LIF_COND_EXP_OU.replace(threshold="V_m > q")
    with pytest.raises(ZooError, match="not one of"):
        NeuronType("x", "", (Parameter("t_ref", 2.0, "s"),), (), "1 > 0", (), "t_ref")
    with pytest.raises(ZooError, match="noise amplitude"):
        LIF_COND_EXP_OU.replace(noise=(("g_n", ("tau_n", "tau_n")),))
    with pytest.raises(ZooError, match="not a usable name"):
        NeuronType("x", "", (Parameter("t_ref", 2.0, "ms"),), (StateVariable("xi", 0.0, "mV", "0"),), "1 > 0", (), "t_ref")


def test_digest_changes_with_the_definition():
    assert LIF_COND_EXP_OU.digest() != LIF_COND_EXP_OU.replace(threshold="V_m >= V_th").digest()
    assert LIF_COND_EXP_OU.digest() == LIF_COND_EXP_OU.replace().digest()


def test_nestml_source_is_generated_from_the_definition():
    from zoo.backends.nest.neurons import nestml_source

    text = nestml_source(LIF_COND_EXP_OU)
    assert f"model {LIF_COND_EXP_OU.name}:" in text
    assert "zoo_sqrt_h_g_n real = (resolution() / tau_n)**0.5" in text
    assert "g_n += zoo_h * d__g_n + sigma_n * zoo_sqrt_h_g_n * random_normal(0, 1)" in text
    assert "onCondition(refr_count == 0 and (V_m > V_th))" in text


def test_prepare_compiles_the_nest_module_into_the_cache_once():
    pytest.importorskip("pynestml")
    from zoo.backends import prepare
    from zoo.backends.nest import neurons as nestml

    prepare(LIF_COND_EXP_OU, "brian2")  # nothing to do
    prepare(LIF_COND_EXP_OU, "nest")
    path = nestml.module_path(LIF_COND_EXP_OU)
    assert path.is_file()
    stamp = path.stat().st_mtime_ns
    prepare(LIF_COND_EXP_OU, "nest")
    assert path.stat().st_mtime_ns == stamp


def test_each_nest_build_has_its_own_compiled_modules(monkeypatch):
    """The pip wheel and NEST built with MPI share a version, not a binary interface: a module
    compiled for one must not be loaded by the other."""
    pytest.importorskip("pynestml")
    from zoo.backends.nest import extension
    from zoo.backends.nest import neurons as nestml

    paths = set()
    for build in ("wheel", "built with MPI"):
        monkeypatch.setattr(extension, "nest_build", lambda build=build: build)
        paths.add(nestml.module_path(LIF_COND_EXP_OU))
    assert len(paths) == 2


def test_modules_follow_the_string_abi_of_the_nest_kernel(monkeypatch, tmp_path):
    from zoo.backends.nest import extension

    kernel = tmp_path / "nestkernel_api.so"
    monkeypatch.setattr(extension, "nest_package_dir", lambda: tmp_path)
    kernel.write_bytes(b"..._ZNK4nest24StructuralPlasticityNode21get_synaptic_elementsESs...")  # the pip wheel
    assert extension.abi_flag() == "-D_GLIBCXX_USE_CXX11_ABI=0"
    kernel.write_bytes(b"..." + extension.NEW_ABI_SYMBOL + b"12basic_string...")  # built here from source
    assert extension.abi_flag() == "-D_GLIBCXX_USE_CXX11_ABI=1"


def test_unexpected_generated_cpp_is_a_one_line_error():
    from zoo.backends.nest.neurons import tune_generated

    with pytest.raises(ZooError, match="nestml==9.0") as err:
        tune_generated({"cpp": "void update() { S_.g_n += random(); }", "h": ""}, LIF_COND_EXP_OU)
    assert "\n" not in str(err.value)


def test_sqrt_is_rewritten_for_nestml():
    from zoo.backends.nest.neurons import _nestml_expression

    assert _nestml_expression("a * sqrt(b / (c + d)) + sqrt(e)") == "a * ((b / (c + d))**0.5) + ((e)**0.5)"


# --- ADEX_COND_EXP: the AdEx of zerlaut2018 (forward Euler at dt on both backends) ------------------
RS = dict(C_m=200.0, g_L=10.0, E_L=-70.0, V_T=-50.0, Delta_T=2.0, V_peak=-40.0, V_reset=-70.0, t_ref=5.0,
          a=2.0, b=40.0, tau_w=500.0)


def _adex_euler_spikes(p, steps):
    """The definition's Euler recursion for V and w under constant I_e: spike step ends [ms] and w."""
    v, w, left, spikes, trace = p["E_L"], 0.0, 0, [], np.empty(steps)
    refractory = int(round(p["t_ref"] / DT))
    for k in range(steps):
        dv = (p["g_L"] * (p["E_L"] - v) + p["g_L"] * p["Delta_T"] * np.exp((v - p["V_T"]) / p["Delta_T"])
              + p["I_e"] - w) / p["C_m"]
        dw = (p["a"] * (v - p["E_L"]) - w) / p["tau_w"]
        left = max(left - 1, 0)
        v = v + DT * dv if left == 0 else v
        w += DT * dw
        if left == 0 and v > p["V_peak"]:
            v, w, left = p["V_reset"], w + p["b"], refractory
            spikes.append((k + 1) * DT)
        trace[k] = w
    return np.array(spikes), trace


def test_adex_spikes_and_adaptation_follow_the_definitions_euler_recursion(backend):
    """Constant drive: the spike times of the Euler recursion (to the step: exp may differ in the last
    bit between the backends' maths libraries), w jumping by b at each spike, and slowing ISIs."""
    from zoo.neurons import ADEX_COND_EXP

    sim = backend.sim
    params = dict(RS, I_e=400.0)
    cell = sim.Population(1, cell_type(ADEX_COND_EXP, sim)(**params))
    cell.initialize(V_m=params["E_L"], w=0.0)
    cell.record(["spikes", "w"])
    sim.run(600.0)
    segment = cell.get_data().segments[0]
    spikes = np.asarray(segment.spiketrains[0].magnitude)
    w = _signal(segment, "w")[:, 0]
    expected, w_expected = _adex_euler_spikes(params, 6000)
    assert spikes.size == expected.size >= 8
    np.testing.assert_allclose(spikes, expected, rtol=0, atol=DT + 1e-9)
    isi = np.diff(spikes)
    assert isi[-1] > 1.5 * isi[0]  # spike-frequency adaptation
    np.testing.assert_allclose(w[1:], w_expected[:w.size - 1], rtol=1e-6, atol=1e-6)
    jumps = np.diff(w)[np.diff(w) > params["b"] / 2]
    assert jumps.size == spikes.size and np.allclose(jumps, params["b"], atol=0.1)


def test_adex_relaxes_to_its_subthreshold_rest(backend):
    """Below rheobase V and w settle where both drifts vanish: g_L (E_L - V) + g_L Delta_T
    exp((V - V_T) / Delta_T) + I_e - a (V - E_L) = 0, w = a (V - E_L)."""
    from scipy import optimize

    from zoo.neurons import ADEX_COND_EXP

    sim = backend.sim
    p = dict(RS, I_e=150.0, tau_w=50.0)
    cell = sim.Population(1, cell_type(ADEX_COND_EXP, sim)(**p))
    cell.initialize(V_m=-60.0, w=0.0)
    cell.record(["spikes", "V_m", "w"])
    sim.run(800.0)
    segment = cell.get_data().segments[0]
    v, w = _signal(segment, "V_m")[-1, 0], _signal(segment, "w")[-1, 0]
    rest = optimize.brentq(lambda u: p["g_L"] * (p["E_L"] - u) + p["g_L"] * p["Delta_T"] * np.exp((u - p["V_T"]) / p["Delta_T"])
                           + p["I_e"] - p["a"] * (u - p["E_L"]), -80.0, p["V_T"])
    assert len(segment.spiketrains[0]) == 0
    assert v == pytest.approx(rest, abs=1e-3) and w == pytest.approx(p["a"] * (rest - p["E_L"]), abs=1e-2)


# --- HH_COND_EXP_TRAUB: PyNN's HH_cond_exp with exponential Euler at dt on both backends -----------
def _traub_exponential_euler(p, current_pA, steps):
    """The definition's exponential Euler, written out in NumPy for one cell per current (each
    variable: drift = A + B x, x <- (x + A/B) exp(B dt) - A/B from the start-of-step state) with
    the Traub-Miles rates of pyNN.brian2's HH_cond_exp; no synaptic input. Returns (V, m, h, n)
    after every step and the spike step ends (V crosses V_spike, t_ref dead time)."""
    current = np.broadcast_to(np.asarray(current_pA, dtype=float).T, (steps, np.shape(current_pA)[0])) \
        if np.ndim(current_pA) == 2 else np.broadcast_to(current_pA, (steps, np.size(current_pA)))
    n_cells = current.shape[1]
    v, m, h, n = np.full(n_cells, -65.0), np.zeros(n_cells), np.ones(n_cells), np.zeros(n_cells)
    u = lambda: v - p["V_T"]  # noqa: E731
    trace, spikes, dead = np.empty((steps, 4, n_cells)), [[] for _ in range(n_cells)], np.zeros(n_cells, int)

    def step(x, a, b):
        return (x + a / b) * np.exp(b * DT) - a / b

    for k in range(steps):
        rates = {"m": (0.32 * (13 - u()) / (np.exp((13 - u()) / 4) - 1), 0.28 * (u() - 40) / (np.exp((u() - 40) / 5) - 1)),
                 "h": (0.128 * np.exp((17 - u()) / 18), 4 / (1 + np.exp((40 - u()) / 5))),
                 "n": (0.032 * (15 - u()) / (np.exp((15 - u()) / 5) - 1), 0.5 * np.exp((10 - u()) / 40))}
        g_na, g_k = p["g_Na"] * m**3 * h, p["g_K"] * n**4
        a_v = (p["g_L"] * p["E_L"] + g_na * p["E_Na"] + g_k * p["E_K"] + p["I_e"] + current[k]) / p["C_m"]
        b_v = -(p["g_L"] + g_na + g_k) / p["C_m"]
        v, (m, h, n) = step(v, a_v, b_v), (step(x, rates[g][0], -(rates[g][0] + rates[g][1])) for x, g in ((m, "m"), (h, "h"), (n, "n")))
        dead = np.maximum(dead - 1, 0)
        for i in np.flatnonzero((dead == 0) & (v > p["V_spike"])):
            spikes[i].append((k + 1) * DT)
            dead[i] = int(round(p["t_ref"] / DT))
        trace[k] = v, m, h, n
    return trace, [np.array(s) for s in spikes]


def test_hh_follows_the_definitions_exponential_euler_recursion(backend):
    """Constant currents from rest: V, m, h, n after every step as the NumPy recursion gives them
    (through several action potentials), the same spike steps, and one spike per action potential
    (upward crossings of -20 mV) from near rheobase to 1 nA."""
    from zoo.neurons import HH_COND_EXP_TRAUB

    sim = backend.sim
    p = HH_COND_EXP_TRAUB.defaults
    currents = np.array([50.0, 200.0, 500.0, 1000.0])  # pA
    cells = sim.Population(currents.size, cell_type(HH_COND_EXP_TRAUB, sim)(I_e=currents))
    cells.record(["spikes", "V_m", "m", "h", "n"])
    sim.run(150.0)
    segment = cells.get_data().segments[0]
    recorded = np.stack([_signal(segment, name) for name in ("V_m", "m", "h", "n")], axis=1)
    expected, expected_spikes = _traub_exponential_euler(dict(p, I_e=0.0), currents, recorded.shape[0] - 1)
    np.testing.assert_allclose(recorded[1:, 0], expected[:, 0], rtol=0, atol=1e-5)  # mV, through spikes
    np.testing.assert_allclose(recorded[1:, 1:], expected[:, 1:], rtol=0, atol=1e-7)
    v = recorded[:, 0]
    action_potentials = np.sum((v[:-1] < -20.0) & (v[1:] >= -20.0), axis=0)
    for train, reference, aps in zip(segment.spiketrains, expected_spikes, action_potentials):
        assert len(train) == reference.size == aps >= 1
        np.testing.assert_allclose(np.asarray(train.magnitude), reference, rtol=0, atol=1e-9)
    assert action_potentials[-1] > 10  # fast regular firing at 1 nA


def test_hh_takes_injected_current(backend):
    """A StepCurrentSource drives the cell like I_e would: the spike steps of the recursion whose
    current switches at the source's times (to one step: PyNN's backends place the switch within
    one step of each other), and none before or after the pulse."""
    from zoo.neurons import HH_COND_EXP_TRAUB

    sim = backend.sim
    cells = sim.Population(1, cell_type(HH_COND_EXP_TRAUB, sim)())
    source = sim.StepCurrentSource(times=[20.0, 120.0], amplitudes=[0.5, 0.0])  # nA
    source.inject_into(cells)
    cells.record("spikes")
    sim.run(200.0)
    spikes = np.asarray(cells.get_data().segments[0].spiketrains[0].magnitude)
    steps = int(round(200.0 / DT))
    pulse = np.zeros((steps, 1))
    pulse[int(round(20.0 / DT)):int(round(120.0 / DT))] = 500.0
    _, (reference,) = _traub_exponential_euler(HH_COND_EXP_TRAUB.defaults, pulse.T, steps)
    assert spikes.size == reference.size >= 5
    np.testing.assert_allclose(spikes, reference, rtol=0, atol=2 * DT + 1e-9)
    assert spikes.min() > 20.0 and spikes.max() < 125.0


def test_exponential_euler_definitions_are_checked():
    from zoo.neurons import HH_COND_EXP_TRAUB, Subexpression

    with pytest.raises(ZooError, match="method 'rk4' is not one of euler, exponential_euler"):
        HH_COND_EXP_TRAUB.replace(method="rk4")
    with pytest.raises(ZooError, match="drift of V_m is not linear in V_m"):
        HH_COND_EXP_TRAUB.replace(state=(StateVariable("V_m", -65.0, "mV", "V_m * V_m / (mV * ms)"),) + HH_COND_EXP_TRAUB.state[1:])
    with pytest.raises(ZooError, match="uses alpha_m, which depends on m"):
        HH_COND_EXP_TRAUB.replace(subexpressions=(Subexpression("alpha_m", "1/ms", "m / ms"),) + HH_COND_EXP_TRAUB.subexpressions[1:])
    with pytest.raises(ZooError, match="exponential_euler takes no noise terms"):
        LIF_COND_EXP_OU.replace(method="exponential_euler", frozen=())
    with pytest.raises(ZooError, match="unknown name 'I_stim'"):
        HH_COND_EXP_TRAUB.replace(injectable=False)
    with pytest.raises(ZooError, match="'mV' is not a usable name"):
        LIF_COND_EXP_OU.replace(parameters=LIF_COND_EXP_OU.parameters + (Parameter("mV", 1.0, "mV"),))


def test_exponential_euler_is_the_same_statements_on_both_backends():
    """NESTML and Brian2 get A = drift(x = 0), B = (drift(x = 1 unit) - A) / unit for each variable,
    the rate functions computed once per step."""
    from zoo.backends.brian2.neurons import exponential_euler
    from zoo.backends.nest.neurons import nestml_source
    from zoo.neurons import HH_COND_EXP_TRAUB

    nestml, brian2_code = nestml_source(HH_COND_EXP_TRAUB), exponential_euler(HH_COND_EXP_TRAUB)
    assert "zoo_b_m 1/ms = (alpha_m * (1 - (1.0)) - beta_m * (1.0) - (zoo_a_m))" in nestml
    assert "_zoo_b_m = ((_zoo_s_alpha_m) * (1 - (1.0)) - (_zoo_s_beta_m) * (1.0) - (_zoo_a_m))" in brian2_code
    assert brian2_code.count("_zoo_s_alpha_m = ") == 1 and nestml.count("alpha_m 1/ms = ") == 1
    assert "I_stim pA <- continuous" in nestml and "(1 mV)" in nestml and " mV)" not in nestml.replace("(1 mV)", "")
    for name in ("V_m", "m", "h", "n", "g_e", "g_i"):
        assert f"{name} = ({name} + zoo_ba_{name}) * exp(zoo_b_{name} * zoo_h) - zoo_ba_{name}" in nestml
        assert f"_{name} = ({name} + _zoo_ba_{name}) * exp(_zoo_b_{name} * dt) - _zoo_ba_{name}" in brian2_code
