"""zoo.backends.patching.Patches: wrapped methods and properties, and every original put back."""

from zoo.backends.patching import Patches


class Target:
    def method(self):
        return "stock"

    @property
    def flag(self):
        return False


def test_wrap_and_undo_methods_and_properties():
    patches = Patches()
    stock_method, stock_flag = Target.method, Target.__dict__["flag"]
    assert not patches
    patches.wrap(Target, "method", lambda stock: lambda self: "patched " + stock(self))
    patches.wrap(Target, "flag", lambda stock: property(lambda self: not stock.fget(self)))
    assert patches
    assert Target().method() == "patched stock" and Target().flag is True
    patches.undo()
    assert not patches
    assert Target.method is stock_method and Target.__dict__["flag"] is stock_flag
    assert Target().method() == "stock" and Target().flag is False


def test_two_modules_on_one_method_come_off_in_any_order():
    stock = Target.method
    first, second = Patches(), Patches()
    first.wrap(Target, "method", lambda inner: lambda self: "first(" + inner(self) + ")")
    second.wrap(Target, "method", lambda inner: lambda self: "second(" + inner(self) + ")")
    assert Target().method() == "second(first(stock))"
    first.undo()  # the inner one: the outer stays, now around the stock method
    assert Target().method() == "second(stock)" and not first and second
    first.wrap(Target, "method", lambda inner: lambda self: "first(" + inner(self) + ")")
    assert Target().method() == "first(second(stock))"
    second.undo()
    first.undo()
    assert Target.method is stock and Target().method() == "stock"
