"""Writing the zoo's networks and results in the formats the field shares (an app, beside zoo.run).

- :mod:`.sonata`: a model's network (nodes, edges with weights and delays, input spikes), built
  without a simulator from what it draws for a master seed;
- :mod:`.nwb`: a results directory's spikes, one unit per neuron, with the run's provenance.

From the command line: ``python -m zoo.export sonata MODEL --out DIR`` and
``python -m zoo.export nwb RESULTS_DIR``.
"""
