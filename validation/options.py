"""The model and run template that a validation command's arguments name, checked before any run."""

from zoo.errors import ZooError

from . import arms


def configure(args):
    """(model, spec template dict) for the arguments; raises ZooError on bad input."""
    from zoo import registry

    model = registry.create_model(args.model, args.variant, args.assignments, args.duration)
    if args.seeds < 1:
        raise ZooError(f"--seeds must be at least 1, got {args.seeds}")
    if getattr(args, "original_seeds", 0) < 0:
        raise ZooError(f"--original-seeds must not be negative, got {args.original_seeds}")
    if args.jobs < 1:
        raise ZooError(f"--jobs must be positive, got {args.jobs}")
    chosen = [arms.parse(text) for text in args.sims]
    if chosen[0] == chosen[1] and not args.fault:
        raise ZooError("--sims names the same arm twice; compare two simulators or splits (or add --fault)")
    arms.require(chosen)  # no MPI for an arm of several ranks: one line now, before any run
    return model, {"model": model.name, "variant": model.variant_name, "overrides": tuple(sorted(model.overrides().items()))}
