"""Comparison of zoo results with reference values (zoo.references) and across backends.

Modules, one job each:

- ``runs``: where validation runs live, when one on disk is reused, running the rest in fresh processes;
- ``worker``: one run in this process (started by ``runs``);
- ``faults``: injected faults (a wrapped PyNN module or a changed parameter), for power checks;
- ``measures``: per-neuron distributions, spectra and model observables of one run;
- ``checks``: checks as data and the rules that judge them (``seed_null_p95``, ``reference_spread``);
- ``figures``, ``report``: the report's figures and its HTML, Markdown and JSON versions;
- ``power``: detection and false-alarm rates of the rule; ``__main__``: ``python -m zoo.validation``.
"""
