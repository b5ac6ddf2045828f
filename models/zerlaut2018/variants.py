"""Named parameter sets of the RS-FS network; each says why it exists and its source."""

from zoo.model import Variant

from .params import Zerlaut2018Params

DEFAULT = Zerlaut2018Params()
_SPEC = "runs of ntwk (yzerlaut/neural_network_dynamics 493623c, Brian2 2.9.0); reference.toml"


def constant(rate_hz):
    """Constant drive Faff = rate_hz, 1 s warm-up (adaptation settles) then 2 s recorded: 1-3 s."""
    return DEFAULT.replace(Faff_base=rate_hz, Faff_amp=0.0, warmup=1000.0, simtime=2000.0)


VARIANTS = {
    "default": Variant(
        DEFAULT,
        "ntwk README example: Faff(t) = 4 + 4 exp(-(t - 1000)^2 / (2 100^2)) Hz, private trains, 1500 ms from rest",
        "ntwk README; demo/RS-FS.py",
    ),
    "const4": Variant(
        constant(4.0),
        "stationary state at constant Faff = 4 Hz, recorded 1-3 s as the reference runs",
        _SPEC,
    ),
    "const8": Variant(
        constant(8.0),
        "stationary state at constant Faff = 8 Hz, recorded 1-3 s as the reference runs",
        _SPEC,
    ),
    "shared": Variant(
        DEFAULT.replace(shared_afferents=True),
        "README protocol with 400 shared afferent trains at Faff(t), 200 per cell drawn with replacement "
        "(ntwk's construct_fixed_afference; larger population fluctuations)",
        "ntwk/stim/connect_afferent_input.py construct_fixed_afference",
    ),
    "shared_const4": Variant(
        constant(4.0).replace(shared_afferents=True),
        "shared afferents at constant Faff = 4 Hz, 1-3 s",
        _SPEC,
    ),
    "shared_const8": Variant(
        constant(8.0).replace(shared_afferents=True),
        "shared afferents at constant Faff = 8 Hz, 1-3 s",
        _SPEC,
    ),
    "tiny": Variant(
        DEFAULT.replace(N_E=800, N_I=200, p_E=0.25, p_I=0.25, Faff_base=4.0, Faff_amp=0.0, warmup=300.0, simtime=700.0),
        "for tests: 800 RS + 200 FS with the full in-degrees (200 / 50), constant 4 Hz, 0.3 s + 0.7 s",
        "zoo (test scale)",
    ),
}
