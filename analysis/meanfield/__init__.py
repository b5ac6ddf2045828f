"""Mean-field theory of conductance-based AdExp networks (Zerlaut et al. 2018; di Volo et al. 2019).

- :mod:`.template`: membrane moments under shot noise and the semi-analytic transfer function;
- :mod:`.transfer`: transfer functions measured on a zoo backend (single cells, Poisson input on a
  grid of rates), cached outside the package, and fitted with the template;
- :mod:`.network`: a two-population network's fixed points and its response to a drive Faff(t)
  from the first-order master equation with adaptation.
"""
