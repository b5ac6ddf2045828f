"""Methods of PyNN and simulator classes replaced by the zoo, with the originals kept to put back.

Every patch module (``zoo.nest_batch``, ``zoo.brian2_batch``, ...) holds one :class:`Patches`:
its ``install`` wraps methods once, its ``uninstall`` restores the stock ones.
"""

__all__ = ["Patches"]


class Patches:
    """Attributes replaced on classes, each with the original it replaced."""

    def __init__(self):
        self._originals = []  # (owner, name, original), in the order they were replaced

    def __bool__(self):
        """True while anything is replaced (between install and uninstall)."""
        return bool(self._originals)

    def wrap(self, owner, name, make):
        """Set ``owner.<name>`` to ``make(original)``."""
        original = getattr(owner, name)
        setattr(owner, name, make(original))
        self._originals.append((owner, name, original))

    def undo(self):
        """Put every original back, last replaced first."""
        while self._originals:
            owner, name, original = self._originals.pop()
            setattr(owner, name, original)
