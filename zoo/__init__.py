"""zoo: published spiking-network models, written once with PyNN, run on NEST and Brian2.

Importing zoo imports no simulator. Entry points: ``zoo.registry`` (list_models, get_model,
create_model), ``zoo.run.runner.run`` and the command line ``python -m zoo.run``.
"""

__version__ = "0.1.0"

# What a (model, parameters, seed, simulator) produces. Raised whenever a change gives a seed
# another realisation (how connectivity or noise is drawn, when inputs arrive); validation reuses
# a run on disk only if it carries the current value. 2: fore2020 on NEST draws its noise with
# zoo.neurons' ziggurat and in 2-ms slices (min_delay). 3: Brian2 spike times are stamped at the
# end of their step, as on NEST (zoo.backends.brian2.recording).
RESULTS_VERSION = 3
