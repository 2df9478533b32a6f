"""Test-time learning: fit a TRM to one ARC task's demonstration pairs within a budget of seconds.

    python -m training.learn TASK.json --seconds 60 --out learned/TASK
    python -m training.learn arc-agi_evaluation_challenges.json --task 00576224 --seconds 60 --out DIR
    trm-learn ...                                                  # the same, as an entry point

Every demo pair is learned in V views (`solver.kinds.arc.views`: dihedral maps, then colour
permutations), each view under its own learned embedding, which the model reads from the view
token in front of the canvas (TRM's protocol for ARC, at one task's scale). The canvas is the
task's own size (one more than its largest grid side): the grid mixer has no weight tied to the
canvas, so a small task trains on a small canvas, not on 30x30. Training is TRM's deep supervision
with adaptive halting (`training.act`), from a pretrained checkpoint (`--init`) or from scratch.

By default it starts from the pretrained ARC model this installation ships
(``assets/models/arc.init.pt``, made by ``python -m training.arc_pretrain --ship-init``): on 40
evaluation tasks it fits several times more of them than learning from scratch in the same
seconds (docs/evaluation/arc-learning-eval40-all-runs.txt). ``--init none`` learns from scratch,
and so does giving a size (--hidden-size, --layers, --T, --n) without naming a checkpoint: the
sizes of a pretrained model are its own.

Learning stops at the budget, on SIGTERM/SIGINT (cancel), or (unless --keep-going) once every
demo in every view comes out exact at two checks in a row. It then writes DIR/model.onnx with its
card (kind arc, codec ``arc-canvas{side}-views{V}-v1``), which the app's solver runs like any
other model, and DIR/learned.pt (plain weights and config) for --init.

Progress goes to stdout as JSON lines, one object per line, each with an "event" key (the
protocol `solver.learning` reads; ``PROTOCOL`` is its version):

    {"event": "start", "protocol": 1, "task": ..., "side": 12, "views": 8, "demos": 3, ...}
    {"event": "progress", "step": 120, "seconds": 10.2, "budget": 60, "loss": 0.41, "demo_exact": 0.5}
    {"event": "done", "model": "DIR/model.onnx", "stopped": "budget" | "fit", "demos_wrong": [2], ...}
    {"event": "cancelled", "step": ..., "seconds": ...}
    {"event": "error", "message": "..."}

Logs go to stderr. Exit status 0 (done), 1 (error), 2 (bad arguments), 130 (cancelled).
"""

from __future__ import annotations

import argparse
import json
import logging
import math
import signal
import sys
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
import torch

from solver.kinds.arc import KIND as ARC_KIND
from solver.kinds.arc import ArcCodec, ArcTask, parse_arc_challenges, parse_arc_task
from solver.kinds.arc.views import LearnedView
from solver.models import shipped_learn_init
from training.act import TrainCarry, decide_halting, refill, rollout
from training.device import choose_device
from training.losses import act_loss
from training.model import ModelConfig, TinyRecursiveModel
from training.task_views import DemoRows, canvas_side, demo_rows

_LOGGER = logging.getLogger("training.learn")
PROTOCOL = 1
ARC_VOCAB = 12  # PAD, EOS, colours 0-9
LEARNED_FORMAT = "trm-puzzles-learned-arc"
INIT_FORMAT = "trm-puzzles-arc-init"  # what `training.arc_pretrain --ship-init` writes
SHIPPED, SCRATCH = "shipped", "none"  # the --init words: the installation's pretrained model; none


@dataclass
class LearnConfig:
    """How one task is learned. Defaults: the floor setup of the ARC issue, measured on this CPU."""

    seconds: float = 60.0  # wall-clock budget for the optimiser steps (export comes after)
    views: int = 8  # learned views: 8 = the dihedral maps; 16, 24, ... add colour permutations
    hidden_size: int = 48
    L_layers: int = 2
    H_cycles: int = 2  # T
    L_cycles: int = 3  # n
    sup_steps: int = 4  # N_sup: supervision steps per demo, and the exported model's pass cap
    prefix_len: int = 4  # per-view embedding positions
    batch_size: int = 32
    lr: float = 3e-3
    embedding_lr: float = 1e-2
    weight_decay: float = 0.1
    warmup_steps: int = 20
    halt_weight: float = 0.5
    halt_exploration_prob: float = 0.1
    check_every: float = 5.0  # seconds between checks of the demos (and progress events)
    keep_going: bool = False  # True: use the whole budget even once the demos are fit
    precision: str = "auto"  # auto (bf16 where the CPU has it), bf16, fp32
    device: str = "cpu"
    threads: int = 1
    seed: int = 0
    init: str = ""  # a checkpoint (training run or learned.pt) to start from

    def validate(self) -> None:
        if not self.seconds > 0:
            raise ValueError(f"--seconds must be positive, not {self.seconds}")
        if self.views < 1:
            raise ValueError(f"--views must be at least 1, not {self.views}")
        if self.batch_size < 1 or self.threads < 0 or self.sup_steps < 1:
            raise ValueError("--batch-size and --sup-steps must be at least 1, --threads at least 0")
        if self.hidden_size < 4 or self.hidden_size % 2:
            raise ValueError(f"--hidden-size must be an even number >= 4, not {self.hidden_size}")


@dataclass
class DemoCheck:
    """How the model does on the demos right now (views voted per demo, as the solver will)."""

    view_exact: float  # fraction of (demo, view) rows exactly right
    demos_right: list[bool] = field(default_factory=list)  # per demo: its voted answer is right

    @property
    def fit(self) -> bool:
        return self.view_exact == 1.0


class Cancelled(Exception):
    """SIGTERM or SIGINT arrived while learning."""


class CancelFlag:
    """Set by SIGTERM/SIGINT; the loop looks at it between optimiser steps."""

    def __init__(self) -> None:
        self.set = False

    def __call__(self, signum, frame) -> None:
        self.set = True


# --------------------------------------------------------------------------------------------


def model_config_for(side: int, cfg: LearnConfig) -> ModelConfig:
    return ModelConfig(
        vocab_size=ARC_VOCAB, seq_len=side * side, hidden_size=cfg.hidden_size,
        L_layers=cfg.L_layers, H_cycles=cfg.H_cycles, L_cycles=cfg.L_cycles,
        halt_max_steps=cfg.sup_steps, mixer="grid", grid_kernel=3, grid_broadcast=True,
        pos_encoding="none", prefix_len=cfg.prefix_len, num_puzzle_ids=cfg.views, id_tokens=1,
        multiple_of=16,
    )


def load_init(path: str, side: int, cfg: LearnConfig) -> TinyRecursiveModel:
    """A model for this task from a checkpoint (a training run's, `training.arc_pretrain`'s or a
    learned.pt): its network, every view's embedding set to the mean of the checkpoint's
    embeddings (a new task starts as their average task)."""
    from training.checkpoint import load_checkpoint

    file = Path(path)
    try:
        raw = torch.load(file, map_location="cpu", weights_only=False)
    except FileNotFoundError:
        raise ValueError(f"--init {path}: no such file") from None
    except Exception as err:  # noqa: BLE001 - torch raises many kinds for a damaged file
        raise ValueError(f"--init {path}: not a readable checkpoint ({type(err).__name__}: {err})") from None
    if isinstance(raw, dict) and raw.get("format") in (LEARNED_FORMAT, INIT_FORMAT, "trm-puzzles-arc-pretrain"):
        config_dict, weights = raw["model_config"], raw["model"]
    else:
        state = load_checkpoint(file)
        config_dict, weights = state["model_config"], state["model"]
    base = ModelConfig.from_dict(config_dict)
    if base.mixer != "grid" or base.vocab_size != ARC_VOCAB or not base.grid_broadcast:
        raise ValueError(
            f"--init {path}: needs an ARC grid-mixer model with grid_broadcast (vocab {ARC_VOCAB}); "
            f"this one has mixer {base.mixer!r}, vocab {base.vocab_size}"
        )
    config = ModelConfig.from_dict({
        **base.to_dict(), "seq_len": side * side, "num_puzzle_ids": cfg.views, "id_tokens": 1,
    })
    model = TinyRecursiveModel(config)
    embeddings = weights.get("puzzle_embedding.weight")
    weights = {k: v for k, v in weights.items() if k != "puzzle_embedding.weight"}
    missing, unexpected = model.load_state_dict(weights, strict=False)
    if [k for k in missing if k != "puzzle_embedding.weight"] or unexpected:
        raise ValueError(f"--init {path}: weights do not fit (missing {missing}, unexpected {unexpected})")
    if embeddings is not None and model.puzzle_embedding is not None:
        if embeddings.shape[1] != model.puzzle_embedding.weight.shape[1]:
            raise ValueError(f"--init {path}: its embeddings have {embeddings.shape[1]} values, not "
                             f"{model.puzzle_embedding.weight.shape[1]}")
        with torch.no_grad():
            model.puzzle_embedding.weight.copy_(embeddings.float().mean(0, keepdim=True).expand_as(
                model.puzzle_embedding.weight))
    return model


def vote_grids(grids: list[np.ndarray]) -> list[tuple[np.ndarray, int]]:
    """Distinct grids, most voted first (ties: the first seen), with their votes."""
    counts: Counter[bytes] = Counter()
    first: dict[bytes, np.ndarray] = {}
    for grid in grids:
        key = repr(grid.shape).encode() + grid.tobytes()
        counts[key] += 1
        first.setdefault(key, grid)
    order = sorted(counts, key=lambda k: (-counts[k], list(first).index(k)))
    return [(first[k], counts[k]) for k in order]


class TaskLearner:
    """The model, optimiser and data of one task; `step()` is one supervision step."""

    def __init__(self, task: ArcTask, cfg: LearnConfig) -> None:
        cfg.validate()
        if not task.train:
            raise ValueError(f"{task.name or 'task'}: no demonstration pairs to learn from")
        if cfg.threads:
            torch.set_num_threads(cfg.threads)
        torch.manual_seed(cfg.seed)
        self.task, self.cfg = task, cfg
        self.side = canvas_side(task)
        self.codec = ArcCodec(self.side, cfg.views)
        self.rows: DemoRows = demo_rows(task, self.codec)
        self.plan = choose_device(cfg.device, cfg.precision)
        self.model = (load_init(cfg.init, self.side, cfg) if cfg.init
                      else TinyRecursiveModel(model_config_for(self.side, cfg))).to(self.plan.device)
        sparse = self.model.sparse_params()
        dense = self.model.dense_params()
        self.optimizer = torch.optim.AdamW(
            [{"params": dense, "lr": cfg.lr, "weight_decay": cfg.weight_decay, "base_lr": cfg.lr},
             {"params": sparse, "lr": cfg.embedding_lr, "weight_decay": cfg.weight_decay,
              "base_lr": cfg.embedding_lr}],
            betas=(0.9, 0.95),
        )
        self.rng = np.random.default_rng(cfg.seed)
        self.carry = TrainCarry.empty(self.model, cfg.batch_size, self.plan.device)
        self.steps = 0
        self.last_loss = float("nan")

    def _next_batch(self, n: int) -> tuple[np.ndarray, np.ndarray]:
        index = self.rng.integers(0, len(self.rows), size=n)
        return self.rows.tokens[index], self.rows.labels[index]

    def step(self, fraction: float) -> float:
        """One supervision step of every slot and one optimiser step; `fraction` of the budget is
        spent (the learning rate warms up, then follows a cosine to a tenth over the budget)."""
        cfg = self.cfg
        warm = min(1.0, (self.steps + 1) / max(1, cfg.warmup_steps))
        scale = warm * (0.1 + 0.45 * (1 + math.cos(math.pi * min(1.0, fraction))))
        for group in self.optimizer.param_groups:
            group["lr"] = group["base_lr"] * scale
        refill(self.carry, self.model, self._next_batch)
        c = self.carry
        self.model.train()
        with self.plan.autocast():
            y, z, logits, halt_logit = self.model(c.tokens, c.y, c.z)
            loss = act_loss(logits, halt_logit, c.labels, "stablemax", cfg.halt_weight)
        self.optimizer.zero_grad(set_to_none=True)
        loss.total.backward()
        self.optimizer.step()
        c.y, c.z = y.float(), z.float()
        c.steps += 1
        c.halted = decide_halting(c.steps, halt_logit, cfg.sup_steps, cfg.halt_exploration_prob, self.rng)
        self.steps += 1
        self.last_loss = float(loss.total.detach())
        return self.last_loss

    @torch.no_grad()
    def predict(self, tokens: np.ndarray) -> np.ndarray:
        """Final-pass predicted tokens (N, 1 + side*side) for rows of view token + canvas."""
        self.model.eval()
        t = torch.as_tensor(tokens, device=self.plan.device)
        preds, _ = rollout(self.model, t, self.cfg.sup_steps, self.plan.autocast)
        return preds[-1].cpu().numpy()

    def check_demos(self) -> DemoCheck:
        preds = self.predict(self.rows.tokens)
        mask = self.rows.labels != 0
        exact = ((preds == self.rows.labels) | ~mask).all(axis=1)
        right = []
        for d, pair in enumerate(self.task.train):
            rows = np.flatnonzero(self.rows.demo == d)
            grids = []
            for r in rows:
                grid = self.codec.decode_answer(preds[r])
                assert isinstance(grid, np.ndarray)
                grids.append(LearnedView(int(self.rows.view[r])).invert(grid) if grid.size else grid)
            best = vote_grids(grids)[0][0]
            right.append(bool(pair.output is not None and np.array_equal(best, pair.output)))
        return DemoCheck(float(exact.mean()), right)

    def learned_state(self) -> dict:
        return {"format": LEARNED_FORMAT, "version": 1, "model_config": self.model.config.to_dict(),
                "learn_config": asdict(self.cfg), "model": {k: v.detach().cpu() for k, v in self.model.state_dict().items()},
                "task": self.task.name, "steps": self.steps}


def learn(task: ArcTask, cfg: LearnConfig, out: Path, emit: Callable[[dict], None],
          cancel: CancelFlag | None = None) -> dict:
    """Learn `task`, export to `out`, and return the "done" event (which was also emitted)."""
    start = time.perf_counter()
    learner = TaskLearner(task, cfg)
    setup = time.perf_counter() - start
    emit({"event": "start", "protocol": PROTOCOL, "task": task.name, "side": learner.side,
          "views": cfg.views, "demos": len(task.train), "tests": len(task.test), "rows": len(learner.rows),
          "parameters": learner.model.num_params(), "budget": cfg.seconds, "device": learner.plan.reason,
          "codec": learner.codec.name, "init": cfg.init or None})
    began = time.perf_counter()
    next_check = cfg.check_every
    fit_checks = 0
    stopped = "budget"
    check = DemoCheck(0.0, [False] * len(task.train))
    while True:
        elapsed = time.perf_counter() - began
        if cancel is not None and cancel.set:
            raise Cancelled()
        if elapsed >= cfg.seconds:
            break
        learner.step(elapsed / cfg.seconds)
        elapsed = time.perf_counter() - began
        if elapsed >= next_check or elapsed >= cfg.seconds:
            next_check = elapsed + cfg.check_every
            check = learner.check_demos()
            fit_checks = fit_checks + 1 if check.fit else 0
            emit({"event": "progress", "step": learner.steps, "seconds": round(elapsed, 2),
                  "budget": cfg.seconds, "loss": round(learner.last_loss, 5),
                  "demo_exact": round(check.view_exact, 4), "demos_right": check.demos_right})
            if fit_checks >= 2 and not cfg.keep_going:
                stopped = "fit"
                break
    learn_seconds = time.perf_counter() - began
    check = learner.check_demos()
    export_start = time.perf_counter()
    model_path = export_learned(learner, out, learn_seconds, check)
    done = {"event": "done", "model": str(model_path), "stopped": stopped, "step": learner.steps,
            "seconds": round(learn_seconds, 2), "setup_seconds": round(setup, 2),
            "export_seconds": round(time.perf_counter() - export_start, 2),
            "loss": round(learner.last_loss, 5), "demo_exact": round(check.view_exact, 4),
            "demos_wrong": [d for d, ok in enumerate(check.demos_right) if not ok],
            "codec": learner.codec.name, "side": learner.side, "init": cfg.init or None}
    emit(done)
    return done


def export_learned(learner: TaskLearner, out: Path, seconds: float, check: DemoCheck) -> Path:
    """DIR/model.onnx + card, and DIR/learned.pt."""
    from export.onnx_export import export_step, model_card  # lazily: export pulls in onnx
    from solver.contract import sidecar_path, write_sidecar

    out.mkdir(parents=True, exist_ok=True)
    torch.save(learner.learned_state(), out / "learned.pt")
    model = TinyRecursiveModel(learner.model.config)
    model.load_state_dict(learner.model.state_dict())
    path = out / "model.onnx"
    export_step(model, path, inner_steps=False, quick=True)
    agreement = onnx_agreement(learner, path)
    cfg = learner.cfg
    card = model_card(
        model, ARC_KIND.name, learner.codec.name, inner_steps=False,
        provenance={
            "learned": {"task": learner.task.name, "steps": learner.steps, "seconds": round(seconds, 2),
                        "views": cfg.views, "demo_exact": check.view_exact,
                        "demos_right": check.demos_right, "init": cfg.init or None},
            "learn_config": asdict(cfg), "model_config": model.config.to_dict(),
            "exporter": f"torch {torch.__version__} TorchScript",
            "parity": {"argmax_agreement": agreement, "passes": cfg.sup_steps},
        },
    )
    write_sidecar(card, sidecar_path(path))
    return path


def onnx_agreement(learner: TaskLearner, path: Path, rows: int = 8) -> float:
    """Fraction of the demo rows' final-pass tokens the ONNX file and torch agree on (fp32)."""
    import onnxruntime as ort

    from solver import contract

    tokens = learner.rows.tokens[:rows]
    model = learner.model.float().eval()
    with torch.no_grad():
        y, z = model.initial_carry(len(tokens))
        yn, zn = y.numpy(), z.numpy()
        session = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
        t = torch.as_tensor(tokens)
        for _ in range(learner.cfg.sup_steps):
            y, z, logits, _ = model(t, y, z)
            out = dict(zip(contract.OUTPUT_NAMES, session.run(
                None, dict(zip(contract.INPUT_NAMES, (tokens, yn, zn), strict=True))), strict=True))
            yn, zn = out[contract.OUTPUT_Y], out[contract.OUTPUT_Z]
    return float((out[contract.OUTPUT_LOGITS].argmax(-1) == logits.argmax(-1).numpy()).mean())


# --------------------------------------------------------------------------------------------
# Command line


def read_task(path: Path, task_id: str | None) -> ArcTask:
    """One task from a task file or (with `task_id`) from a combined challenges file."""
    try:
        data = path.read_bytes()
    except OSError as err:
        raise ValueError(f"{path}: cannot read ({err.strerror or err})") from None
    if task_id:
        by_id = {t.name: t for t in parse_arc_challenges(data)}
        if task_id not in by_id:
            raise ValueError(f"{path}: no task {task_id!r} (it has {len(by_id)} tasks)")
        return by_id[task_id]
    try:
        return parse_arc_task(data, name=path.stem)
    except ValueError as single:
        try:
            tasks = parse_arc_challenges(data)
        except ValueError:
            raise ValueError(f"{path.name}: {single}") from None
        if len(tasks) == 1:
            return tasks[0]
        raise ValueError(f"{path}: a combined file of {len(tasks)} tasks; name one with --task") from None


def build_parser() -> argparse.ArgumentParser:
    d = LearnConfig()
    p = argparse.ArgumentParser(
        prog="python -m training.learn",
        description="Fit a TRM to one ARC task's demonstration pairs; JSON-lines progress on stdout.",
    )
    p.add_argument("task", type=Path, help="an ARC task .json, or a combined challenges file with --task")
    p.add_argument("--task", dest="task_id", default=None, help="task id inside a combined challenges file")
    p.add_argument("--out", type=Path, required=True, help="folder for model.onnx, its card and learned.pt")
    p.add_argument("--seconds", type=float, default=d.seconds, help="learning budget in seconds (default %(default)s)")
    p.add_argument("--views", type=int, default=d.views, help="augmented views, each its own embedding (default %(default)s)")
    # The sizes default to None so that a size given means "a model of my own" (learned from
    # scratch unless --init names a checkpoint, which then must agree).
    p.add_argument("--hidden-size", type=int, default=None, help=f"D, from scratch (default {d.hidden_size})")
    p.add_argument("--layers", type=int, default=None, help=f"blocks in the network, from scratch (default {d.L_layers})")
    p.add_argument("--T", type=int, default=None, help=f"cycles per supervision step, from scratch (default {d.H_cycles})")
    p.add_argument("--n", type=int, default=None, help=f"latent updates per cycle, from scratch (default {d.L_cycles})")
    p.add_argument("--sup-steps", type=int, default=d.sup_steps, help="supervision steps (default %(default)s)")
    p.add_argument("--batch-size", type=int, default=d.batch_size, help="rows per step (default %(default)s)")
    p.add_argument("--lr", type=float, default=d.lr, help="peak learning rate (default %(default)s)")
    p.add_argument("--embedding-lr", type=float, default=d.embedding_lr, help="view embeddings' learning rate (default %(default)s)")
    p.add_argument("--check-every", type=float, default=d.check_every, help="seconds between demo checks (default %(default)s)")
    p.add_argument("--keep-going", action="store_true", help="use the whole budget even once every demo is fit")
    p.add_argument("--init", default=SHIPPED, metavar="CKPT|shipped|none",
                   help="start from this checkpoint (a training run's, a learned.pt or an arc.init.pt); "
                        "'shipped' (default): the pretrained ARC model of this installation, or from "
                        "scratch if it has none or a size flag is given; 'none': from scratch")
    p.add_argument("--precision", choices=("auto", "bf16", "fp32"), default=d.precision, help="autocast precision on the CPU")
    p.add_argument("--device", choices=("cpu", "auto", "cuda"), default=d.device, help="where to learn (default %(default)s)")
    p.add_argument("--threads", type=int, default=0, help="torch threads; 0 (default): torch's default, every core")
    p.add_argument("--seed", type=int, default=d.seed, help="seed of the initial weights and the batches")
    return p


SIZE_FLAGS = {"hidden_size": "--hidden-size", "layers": "--layers", "T": "--T", "n": "--n"}


def resolve_init(value: str, sizes: list[str]) -> str:
    """The checkpoint --init means ("" for scratch). `sizes`: the size flags given.

    ValueError when a named checkpoint meets a size flag: its sizes are its own."""
    if value == SCRATCH:
        return ""
    if value == SHIPPED:
        if sizes:
            return ""
        found = shipped_learn_init()
        return str(found) if found is not None else ""
    if sizes:
        raise ValueError(f"{', '.join(sizes)} with --init {value}: a checkpoint brings its own sizes; "
                         "drop the size flags, or learn from scratch with --init none")
    return value


def config_from_args(args: argparse.Namespace) -> LearnConfig:
    d = LearnConfig()
    sizes = [flag for name, flag in SIZE_FLAGS.items() if getattr(args, name) is not None]

    def size(value: int | None, default: int) -> int:
        return default if value is None else value

    return LearnConfig(
        seconds=args.seconds, views=args.views, hidden_size=size(args.hidden_size, d.hidden_size),
        L_layers=size(args.layers, d.L_layers), H_cycles=size(args.T, d.H_cycles),
        L_cycles=size(args.n, d.L_cycles), sup_steps=args.sup_steps, batch_size=args.batch_size,
        lr=args.lr, embedding_lr=args.embedding_lr, check_every=args.check_every,
        keep_going=args.keep_going, init=resolve_init(args.init, sizes), precision=args.precision,
        device=args.device, threads=args.threads, seed=args.seed,
    )


def emit_line(event: dict) -> None:
    sys.stdout.write(json.dumps(event) + "\n")
    sys.stdout.flush()


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr, format="%(levelname)s %(name)s: %(message)s")
    args = build_parser().parse_args(argv)
    cancel = CancelFlag()
    signal.signal(signal.SIGTERM, cancel)
    signal.signal(signal.SIGINT, cancel)
    started = time.perf_counter()
    try:
        cfg = config_from_args(args)
        cfg.validate()
        task = read_task(args.task, args.task_id)
        learn(task, cfg, args.out, emit_line, cancel)
    except Cancelled:
        emit_line({"event": "cancelled", "seconds": round(time.perf_counter() - started, 2)})
        return 130
    except ValueError as err:
        emit_line({"event": "error", "message": str(err)})
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
