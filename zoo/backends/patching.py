"""Methods of PyNN and simulator classes replaced by the zoo, with the originals kept to put back.

Every patch module (``zoo.backends.nest.batch``, ``zoo.backends.brian2.batch``, ...) holds one :class:`Patches`:
its ``install`` wraps methods once, its ``uninstall`` restores what it replaced. Several modules
may wrap the same method (``pyNN.brian2``'s ``Projection.__init__`` is wrapped by the batched
builder and by the shared delays): the method is the stock one wrapped by every installed
module's wrapper, in the order they were installed, and uninstalling one module in any order
rebuilds it from the stock method with the others' wrappers only.
"""

__all__ = ["Patches"]

# (owner, name) -> [stock attribute, [(Patches, make), ...] in the order they were installed]
_chains = {}


class Patches:
    """The wrappers one module put on attributes of classes."""

    def __init__(self):
        self._wrapped = []  # (owner, name) this module wrapped

    def __bool__(self):
        """True while anything is wrapped (between install and uninstall)."""
        return bool(self._wrapped)

    def wrap(self, owner, name, make):
        """Set ``owner.<name>`` to ``make(current)``; ``make`` may be called again with the
        stock attribute, or with other modules' wrappers of it, when another module uninstalls."""
        chain = _chains.setdefault((owner, name), [getattr(owner, name), []])
        chain[1].append((self, make))
        self._wrapped.append((owner, name))
        _rebuild(owner, name)

    def undo(self):
        """Take this module's wrappers off; other modules' wrappers stay."""
        for owner, name in dict.fromkeys(self._wrapped):
            chain = _chains[owner, name]
            chain[1] = [(patches, make) for patches, make in chain[1] if patches is not self]
            _rebuild(owner, name)
            if not chain[1]:
                del _chains[owner, name]
        self._wrapped = []


def _rebuild(owner, name):
    stock, layers = _chains[owner, name]
    value = stock
    for _, make in layers:
        value = make(value)
    setattr(owner, name, value)
