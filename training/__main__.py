"""Train a TRM.

    python -m training --preset sudoku-small --run-dir runs/sudoku-small --steps 1500
    python -m training --run-dir runs/sudoku-small --resume          # continue a run
    torchrun --nproc-per-node 2 -m training --preset sudoku-mlp ...  # several processes (DDP)

Every model and training setting is a flag (see --help); a preset fills in a starting point and
flags override it. --resume takes every setting from the run's checkpoint except --steps, the
bookkeeping flags, and a learning-rate decay that starts at or after the checkpoint's step
(--lr-min-ratio with --lr-decay-from).
"""

from __future__ import annotations

import argparse
import ast
import inspect
import json
import logging
import re
import sys
from dataclasses import fields, replace
from pathlib import Path

from training.config import TrainConfig
from training.model import ModelConfig
from training.presets import PRESETS


def _field_help(cls: type) -> dict[str, str]:
    """The comment beside each dataclass field: one source of truth for --help."""
    helps = {}
    for line in inspect.getsource(cls).splitlines():
        m = re.match(r"\s+(\w+): [^=]+=.*?#\s*(.+)$", line)
        if m:
            helps[m.group(1)] = m.group(2).strip()
    return helps


def _add_fields(parser: argparse.ArgumentParser, cls: type, title: str) -> None:
    group = parser.add_argument_group(title)
    helps = _field_help(cls)
    for f in fields(cls):
        flag = "--" + f.name.replace("_", "-")
        if f.name == "run_dir":
            flag = "--run-dir"
        help_text = helps.get(f.name, f.name.replace("_", " "))
        group.add_argument(flag, dest=f"{cls.__name__}.{f.name}", default=None, type=_parser_for(f),
                           help=f"{help_text} (default: {_default_of(f)})", metavar=f.name.upper())


def _default_of(f) -> object:
    if f.default_factory is not inspect.Parameter.empty and callable(f.default_factory):
        return f.default_factory()
    return f.default


def _parser_for(f):
    kind = f.type if isinstance(f.type, str) else getattr(f.type, "__name__", str(f.type))
    if kind == "bool":
        return _parse_bool
    if kind == "int":
        return int
    if kind == "float":
        return float
    if kind == "str":
        return str
    return _parse_literal  # lists, tuples, dicts: Python/JSON literal


def _parse_bool(text: str) -> bool:
    if text.lower() in ("1", "true", "yes", "on"):
        return True
    if text.lower() in ("0", "false", "no", "off"):
        return False
    raise argparse.ArgumentTypeError(f"expected true or false, got {text!r}")


def _parse_literal(text: str) -> object:
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        pass
    try:
        return ast.literal_eval(text)
    except (ValueError, SyntaxError):
        # A bare word or path for a list field: a one-element list.
        return [text]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m training", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--preset", choices=sorted(PRESETS), help="a named starting configuration")
    parser.add_argument("--resume", action="store_true",
                        help="continue the run in --run-dir from its checkpoint (exact: same data, RNG, optimiser)")
    parser.add_argument("--stop-after", type=int, default=None, metavar="N",
                        help="end this session after N more steps with a checkpoint (for time-boxed sessions)")
    parser.add_argument("-q", "--quiet", action="store_true", help="log warnings only")
    _add_fields(parser, ModelConfig, "model")
    _add_fields(parser, TrainConfig, "training")
    return parser


def configs_from_args(args: argparse.Namespace) -> tuple[ModelConfig, TrainConfig]:
    values = vars(args)
    preset = PRESETS.get(args.preset, {"model": {}, "train": {}}) if args.preset else {"model": {}, "train": {}}
    model_kw = dict(preset["model"])
    train_kw = dict(preset["train"])
    for key, value in values.items():
        if value is None or "." not in key:
            continue
        cls, name = key.split(".", 1)
        (model_kw if cls == "ModelConfig" else train_kw)[name] = value
    if isinstance(train_kw.get("data"), str):
        train_kw["data"] = [train_kw["data"]]
    model = ModelConfig.from_dict(model_kw)
    train = TrainConfig.from_dict(train_kw)
    model.validate()
    train.validate()
    return model, train


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING if args.quiet else logging.INFO,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    from training.checkpoint import load_checkpoint
    from training.train import run

    try:
        if args.resume:
            run_dir = values_run_dir(args)
            state = load_checkpoint(Path(run_dir) / "checkpoint.pt")
            model = ModelConfig.from_dict(state["model_config"])
            train = TrainConfig.from_dict(state["train_config"])
            train.run_dir = str(run_dir)  # a run folder moved (or committed elsewhere) resumes where it is now
            # Bookkeeping may change on resume; anything that shapes the data or the updates may
            # not, or the resumed run would not be the run it continues.
            before = replace(train)
            for name in RESUME_OVERRIDABLE + RESUME_SCHEDULE:
                value = getattr(args, f"TrainConfig.{name}")
                if value is not None:
                    setattr(train, name, value)
            train.validate()
            check_schedule_kept(before, train, int(state["step"]))
        else:
            model, train = configs_from_args(args)
        run(model, train, resume=args.resume, stop_after=args.stop_after)
    except ValueError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    return 0


RESUME_OVERRIDABLE = ("steps", "eval_every", "eval_count", "log_every", "checkpoint_every", "threads", "compile")
# The learning-rate schedule may change on resume only where it has not been used yet: a run whose
# constant rate starts decaying at step 4000 is then the same run as one configured that way from
# the start.
RESUME_SCHEDULE = ("lr_min_ratio", "lr_decay_from")


def check_schedule_kept(before: TrainConfig, after: TrainConfig, done_steps: int) -> None:
    """ValueError unless `after` gives every step already taken the learning rate `before` gave it."""
    from training.train import lr_at

    for step in range(done_steps):
        if lr_at(step, before) != lr_at(step, after):
            raise ValueError(
                f"this resume would change the learning rate of step {step}, already taken "
                f"({lr_at(step, before):.6g} -> {lr_at(step, after):.6g}); start the change later "
                f"with --lr-decay-from {done_steps} or higher. --steps cannot stretch a decay already "
                f"under way: to train such a run further, start a new run with --init-from"
            )


def values_run_dir(args: argparse.Namespace) -> str:
    run_dir = getattr(args, "TrainConfig.run_dir")
    if run_dir is None:
        raise ValueError("--resume needs --run-dir (the folder holding checkpoint.pt)")
    return run_dir


if __name__ == "__main__":
    sys.exit(main())
