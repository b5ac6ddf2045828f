"""Measure, fit and write fit.json for the default parameters: [SIMULATOR [SEED [CELLS_PER_POINT]]]."""

import json
import logging
import sys

from . import write_fit


logging.basicConfig(level=logging.INFO)
args = sys.argv[1:]
record = write_fit(args[0] if args else None, int(args[1]) if len(args) > 1 else 1,
                   int(args[2]) if len(args) > 2 else 16)
print(json.dumps(record["populations"], indent=1))
