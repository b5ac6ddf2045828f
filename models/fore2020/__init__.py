"""Fore et al. (2020) cerebellar granular layer under acetylcholine; see README.md (the model card)."""

from .network import Fore2020
from .params import Fore2020Params
from .variants import CONDITIONS, VARIANTS, condition

__all__ = ["Fore2020", "Fore2020Params", "VARIANTS", "CONDITIONS", "condition"]
