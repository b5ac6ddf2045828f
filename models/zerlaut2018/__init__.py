"""The RS-FS AdExp network of ntwk (Zerlaut et al. 2018); see README.md (the model card)."""

from .network import Zerlaut2018
from .params import Zerlaut2018Params
from .variants import VARIANTS

__all__ = ["Zerlaut2018", "Zerlaut2018Params", "VARIANTS"]
