"""Peng et al. (2021) polarized interneuron axons and head-direction tuning; see README.md (the model card)."""

from .network import Peng2021
from .params import Peng2021Params
from .variants import VARIANTS

__all__ = ["Peng2021", "Peng2021Params", "VARIANTS"]
