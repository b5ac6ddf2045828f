"""zoo: published spiking-network models, written once with PyNN, run on NEST and Brian2.

Importing zoo imports no simulator. Entry points: ``zoo.registry`` (list_models, get_model,
create_model), ``zoo.runner.run`` and the command line ``python -m zoo.run``.
"""

__version__ = "0.1.0"
