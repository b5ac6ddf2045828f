"""Rostami et al. (2024) EI-clustered network; see README.md (the model card)."""

from .network import Rostami2020
from .params import Rostami2020Params
from .variants import VARIANTS

__all__ = ["Rostami2020", "Rostami2020Params", "VARIANTS"]
