"""The one exception type users see: a one-line message, turned into exit status 2 by the CLI."""

import argparse
import difflib


class ZooError(Exception):
    """Bad input or an unusable environment, explained in one line."""


def suggest(name, choices):
    """Return ' (did you mean ...?)' for close matches of `name` among `choices`, or ''."""
    close = difflib.get_close_matches(str(name), [str(c) for c in choices], n=3, cutoff=0.6)
    return f" (did you mean {', '.join(close)}?)" if close else ""


def unknown(kind, name, choices):
    """ZooError for an unknown `kind` called `name`, listing the valid `choices`."""
    choices = sorted(choices)
    return ZooError(f"unknown {kind} '{name}'{suggest(name, choices)}; choose from: {', '.join(choices)}")


class OneLineParser(argparse.ArgumentParser):
    """An argument parser whose bad input is one line, "PROG: error: ...", and exit status 2, as a
    ZooError is in the zoo's commands (argparse would print its usage first)."""

    def error(self, message):
        self.exit(2, f"{self.prog}: error: {message}\n")
