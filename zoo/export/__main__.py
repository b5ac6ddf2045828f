"""python -m zoo.export: a model's network as SONATA, or a results directory as NWB.

    python -m zoo.export sonata rostami2020 --seed 1 --out rostami2020-sonata
    python -m zoo.export nwb results/rostami2020-default-nest-seed1     # writes spikes.nwb there

Bad input ends with one line and exit status 2; an output that exists is not replaced.
"""

import sys
import time
from pathlib import Path

from .. import registry
from ..errors import OneLineParser, ZooError
from ..seeds import SeedStreams


def _parser():
    parser = OneLineParser(prog="python -m zoo.export", description="Write a model's network as SONATA, or a run's spikes as NWB.")
    formats = parser.add_subparsers(dest="format", required=True, parser_class=OneLineParser)
    sonata = formats.add_parser("sonata", help="the network a model draws for a master seed, without a simulator")
    sonata.add_argument("model", help="model name, optionally name.variant")
    sonata.add_argument("--variant", help="named parameter set")
    sonata.add_argument("--seed", type=int, default=1, help="master seed (default: 1)")
    sonata.add_argument("--set", dest="assignments", action="append", default=[], metavar="NAME=VALUE")
    sonata.add_argument("--out", required=True, help="folder to write (must not exist)")
    nwb = formats.add_parser("nwb", help="the spikes and provenance of a results directory")
    nwb.add_argument("results", help="a results directory of python -m zoo.run")
    nwb.add_argument("--out", help="NWB file to write (default: RESULTS/spikes.nwb; must not exist)")
    return parser


def main(argv=None):
    try:
        args = _parser().parse_args(argv)
    except SystemExit as done:
        return done.code
    try:
        began = time.perf_counter()
        if args.format == "sonata":
            from . import sonata

            out = Path(args.out)
            if out.exists():
                raise ZooError(f"{out} exists; choose another --out")
            model = registry.create_model(args.model, args.variant, args.assignments)
            path = sonata.export(model, SeedStreams(args.seed), out)
        else:
            from . import nwb

            out = Path(args.out) if args.out else Path(args.results) / "spikes.nwb"
            if out.exists():
                raise ZooError(f"{out} exists; remove it or choose another --out")
            path = nwb.export(args.results, out)
    except ZooError as err:
        print(f"python -m zoo.export: error: {err}", file=sys.stderr)
        return 2
    print(f"written {path} in {time.perf_counter() - began:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
