"""Named parameter sets of the polarized-interneuron sheet; each says why it exists and its source."""

from zoo.model import Variant

from .params import Peng2021Params

SPEC = "shared/specs/peng2021.md"
DEFAULT = Peng2021Params()

# Test scale: a 300 um sheet (20 x 20 E cells at the default 15 um spacing, 44 interneurons at the
# default density), the full axon sizes and 8 directions of 300 ms (100 ms left out).
TINY = DEFAULT.replace(L=300.0, n_side=20, N_I=44, n_directions=8, step_ms=300.0, discard_ms=100.0,
                       perlin_scale=150.0, pinwheel_spacing=150.0)

VARIANTS = {
    "default": Variant(DEFAULT, "Perlin map (s = 200 um, base 1), 3600 E + 400 I on 900 um, 12 directions x 1 s; "
                                "polar, circular and no inhibition side by side", SPEC + " 3, [A] values in README.md"),
    "pinwheel": Variant(DEFAULT.replace(map_kind="pinwheel"),
                        "the supplement's pinwheel input map (regenerated: pinwheels 300 um apart, alternating handedness)",
                        SPEC + " 3.4 (pinwheel fallback [A])"),
    "poisson": Variant(DEFAULT.replace(drive="poisson"),
                       "Poisson input spike trains (20 + 400 Hz von Mises, 2 nS) instead of step currents; the same "
                       "trains on every backend", SPEC + " 3.7 [A]"),
    "random_orientation": Variant(DEFAULT.replace(orientation_rule="random"),
                                  "control: polar axons with random orientations instead of entropy-maximising ones",
                                  "interneuron_placement.py holds a random-orientation variant [I]"),
    "tiny": Variant(TINY, "for tests and the CI scan: 400 E + 44 I on 300 um, 8 directions x 300 ms", "zoo (test scale)"),
}
