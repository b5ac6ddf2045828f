"""Schmidt et al. (2018) multi-area model of macaque visual cortex; see README.md (the model card)."""

from .network import Schmidt2018
from .params import Schmidt2018Params
from .variants import VARIANTS

__all__ = ["Schmidt2018", "Schmidt2018Params", "VARIANTS"]
