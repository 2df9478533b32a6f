"""Pretrain an ARC TRM on many tasks, for test-time learning (`training.learn --init`) to start from.

    python -m training.arc_pretrain --run-dir checkpoints/arc-pretrain --hours 1 --threads 1
    python -m training.arc_pretrain --run-dir checkpoints/arc-pretrain --resume --hours 1

TRM's ARC protocol at this machine's scale: every pair of every training task (the ARC-AGI-1
training tasks' demonstrations and their test pairs, whose outputs are public) in V views (the
dihedral maps, then colour permutations), each (task, view) under its own learned embedding, read
from the id token in front of the canvas. Unlike the paper's fixed 30x30 canvas, each task trains
on its own canvas (one more than its largest grid side, as `training.learn` will): the grid mixer
has no weight tied to the canvas, so a 6x6 task costs 49 positions, not 900. A batch holds rows of
one canvas side; sides are drawn in proportion to their rows.

Each episode is deep supervision from a fresh carry: `sup_steps` supervision steps on one batch,
one optimiser step each (the halt head learns "the answer is exact"). The learning rate warms up
and then stays constant: the run goes on for as long as it keeps improving, over many sessions.

The run folder holds checkpoint.pt (plain data: weights, optimiser, random states, configs as
dicts; written atomically every --checkpoint-minutes and at the end, on SIGINT/SIGTERM too),
metrics.csv (one row per evaluation) and config.json. ``--resume`` continues exactly where the
checkpoint stopped. `training.learn --init RUN/checkpoint.pt` starts a new task from it, every
view's embedding set to the mean of the pretrained ones (at the checkpoint's own sizes).

For a person with a GPU, the same recipe wider and deeper, one command (one GPU; this module has
no DDP; the paper's run, attention over a fixed 30x30 canvas on 4 H100s for ~3 days, differs from
it in mixer and canvas):

    python -m training.arc_pretrain --run-dir runs/arc-gpu --device cuda --precision bf16 \
        --hidden-size 256 --L-layers 2 --H-cycles 3 --L-cycles 6 --sup-steps 16 --batch-size 512 \
        --views 16 --hours 24

Neither its time nor its accuracy has been measured (no GPU here); its settings are smoke-tested
on the CPU at toy size (tests/training/test_arc_pretrain.py).
"""

from __future__ import annotations

import argparse
import csv
import json
import logging
import signal
import sys
import time
from dataclasses import asdict, dataclass, fields
from pathlib import Path

import numpy as np
import torch

from solver.kinds.arc import ArcCodec, ArcTask, parse_arc_challenges
from solver.kinds.arc.views import LearnedView
from training.checkpoint import read_state, write_state
from training.device import choose_device
from training.learn import ARC_VOCAB, INIT_FORMAT, LearnConfig
from training.losses import act_loss
from training.model import ModelConfig, TinyRecursiveModel
from training.provenance import REPO, relative_path
from training.task_views import canvas_side

_LOGGER = logging.getLogger("training.arc_pretrain")
PRETRAIN_FORMAT = "trm-puzzles-arc-pretrain"
PRETRAIN_VERSION = 1
METRIC_FIELDS = ("step", "episodes", "seconds", "loss", "train_row_exact", "test_exact", "test_rows")


@dataclass
class PretrainConfig:
    """The pretraining run. Network sizes default to test-time learning's (`LearnConfig`), so a
    learned task starts from exactly this network."""

    challenges: str = "../shared/data/arc/arc-agi_training_challenges.json"  # from the repository
    solutions: str = "../shared/data/arc/arc-agi_training_solutions.json"
    views: int = 8
    hidden_size: int = LearnConfig.hidden_size
    L_layers: int = LearnConfig.L_layers
    H_cycles: int = LearnConfig.H_cycles
    L_cycles: int = LearnConfig.L_cycles
    sup_steps: int = LearnConfig.sup_steps
    prefix_len: int = LearnConfig.prefix_len
    batch_size: int = 32
    lr: float = 1e-3
    embedding_lr: float = 1e-2
    weight_decay: float = 0.1
    warmup_steps: int = 200
    halt_weight: float = 0.5
    max_side: int = 30  # tasks whose canvas is larger are left out (30 keeps every task)
    eval_rows: int = 64  # training tasks' test pairs (view 0) scored at each evaluation
    eval_minutes: float = 10.0
    checkpoint_minutes: float = 5.0
    precision: str = "auto"
    device: str = "cpu"
    threads: int = 1
    seed: int = 0

    def validate(self) -> None:
        if self.views < 1 or self.batch_size < 1 or self.sup_steps < 1:
            raise ValueError("--views, --batch-size and --sup-steps must be at least 1")
        if not 2 <= self.max_side <= 30:
            raise ValueError(f"--max-side must be 2..30, not {self.max_side}")
        if self.eval_minutes <= 0 or self.checkpoint_minutes <= 0:
            raise ValueError("--eval-minutes and --checkpoint-minutes must be positive")
        if self.hidden_size < 4 or self.hidden_size % 2:
            raise ValueError(f"--hidden-size must be an even number >= 4, not {self.hidden_size}")
        if min(self.L_layers, self.H_cycles, self.L_cycles) < 1:
            raise ValueError("--L-layers, --H-cycles and --L-cycles must be at least 1")

    @staticmethod
    def from_dict(data: dict) -> PretrainConfig:
        known = {f.name for f in fields(PretrainConfig)}
        return PretrainConfig(**{k: v for k, v in data.items() if k in known})


@dataclass(frozen=True)
class SideRows:
    """Every training row whose task's canvas has one side: tokens/labels (N, 1 + side*side)
    uint8 (the id token is stored apart: ids can exceed 255), ids (N,) int64."""

    side: int
    tokens: np.ndarray
    labels: np.ndarray
    ids: np.ndarray


def read_tasks(cfg: PretrainConfig) -> list[ArcTask]:
    files = [_resolve(name) if name else "" for name in (cfg.challenges, cfg.solutions)]
    for name in files:
        if name and not Path(name).is_file():
            raise ValueError(f"{name}: no such file (the ARC-AGI-1 training set; see ../shared/data/README.md)")
    try:
        tasks = parse_arc_challenges(Path(files[0]).read_bytes(), Path(files[1]).read_bytes() if files[1] else None)
    except ValueError as err:
        raise ValueError(f"{cfg.challenges}: {err}") from None
    if not tasks:
        raise ValueError(f"{cfg.challenges}: no tasks")
    return tasks


def pair_side(task: ArcTask, pairs: list) -> int:
    """The task's canvas (`canvas_side`), grown if a known test output is larger than every grid
    the task shows (pretraining learns those outputs too)."""
    largest = max(max(p.output.shape) for p in pairs)
    return max(canvas_side(task), min(30, largest + 1))


def build_rows(tasks: list[ArcTask], cfg: PretrainConfig) -> tuple[dict[int, SideRows], list[str]]:
    """Rows by canvas side, and the task ids in embedding order (task i owns ids i*V .. i*V+V-1)."""
    by_side: dict[int, tuple[list, list, list]] = {}
    names: list[str] = []
    for task in tasks:
        pairs = [p for p in task.train + task.test if p.output is not None]
        if not pairs:
            continue
        side = pair_side(task, pairs)
        if side > cfg.max_side:
            continue
        index = len(names)
        names.append(task.name)
        codec = ArcCodec(side, cfg.views)
        toks, labs, ids = by_side.setdefault(side, ([], [], []))
        for pair in pairs:
            for v in range(cfg.views):
                view = LearnedView(v)
                toks.append(codec.canvas(codec.encode_puzzle(view.apply(pair.input))))
                labs.append(codec.canvas(codec.encode_answer(view.apply(pair.output))))
                ids.append(index * cfg.views + v)
    rows = {
        side: SideRows(side, np.stack(t).astype(np.uint8), np.stack(lab).astype(np.uint8),
                       np.asarray(i, dtype=np.int64))
        for side, (t, lab, i) in sorted(by_side.items())
    }
    return rows, names


def eval_rows(tasks: list[ArcTask], names: list[str], cfg: PretrainConfig) -> list[tuple[int, np.ndarray, np.ndarray]]:
    """A fixed sample of the training tasks' test pairs in view 0 (trained on: a sanity check of
    fitting, not held out): (side, tokens, labels) per test pair, tokens with the id token."""
    index = {name: i for i, name in enumerate(names)}
    chosen = [t for t in tasks if t.name in index and any(p.output is not None for p in t.test)]
    rng = np.random.default_rng(12345)
    picked = rng.permutation(len(chosen))[: cfg.eval_rows]
    out = []
    for k in sorted(picked):
        task = chosen[k]
        side = pair_side(task, [p for p in task.train + task.test if p.output is not None])
        codec = ArcCodec(side, cfg.views)
        pair = next(p for p in task.test if p.output is not None)
        tokens = codec.encode_puzzle(pair.input)
        tokens[0] = index[task.name] * cfg.views  # view 0 of this task
        out.append((side, tokens.astype(np.int64), codec.encode_answer(pair.output).astype(np.int64)))
    return out


def model_config(cfg: PretrainConfig, num_ids: int) -> ModelConfig:
    # seq_len is nominal (the largest canvas): the grid mixer reads each batch's side from its shape.
    return ModelConfig(
        vocab_size=ARC_VOCAB, seq_len=cfg.max_side * cfg.max_side, hidden_size=cfg.hidden_size,
        L_layers=cfg.L_layers, H_cycles=cfg.H_cycles, L_cycles=cfg.L_cycles,
        halt_max_steps=cfg.sup_steps, mixer="grid", grid_kernel=3, grid_broadcast=True,
        pos_encoding="none", prefix_len=cfg.prefix_len, num_puzzle_ids=num_ids, id_tokens=1,
        multiple_of=16,
    )


def fresh_carry(model: TinyRecursiveModel, batch: int, side: int, device) -> tuple[torch.Tensor, torch.Tensor]:
    """y, z (B, P + side*side, D) at the fixed initial vectors."""
    shape = (batch, model.config.prefix_len + side * side, model.config.hidden_size)
    return (model.y_init.to(device).expand(shape).clone(), model.z_init.to(device).expand(shape).clone())


class Pretrainer:
    """Model, optimiser, rows and random state of one run; `episode()` trains one batch."""

    def __init__(self, cfg: PretrainConfig) -> None:
        cfg.validate()
        if cfg.threads:
            torch.set_num_threads(cfg.threads)
        torch.manual_seed(cfg.seed)
        self.cfg = cfg
        tasks = read_tasks(cfg)
        self.rows, self.names = build_rows(tasks, cfg)
        self.eval_set = eval_rows(tasks, self.names, cfg)
        self.plan = choose_device(cfg.device, cfg.precision)
        self.model = TinyRecursiveModel(model_config(cfg, len(self.names) * cfg.views)).to(self.plan.device)
        self.optimizer = torch.optim.AdamW(
            [{"params": self.model.dense_params(), "lr": cfg.lr, "weight_decay": cfg.weight_decay,
              "base_lr": cfg.lr},
             {"params": self.model.sparse_params(), "lr": cfg.embedding_lr, "weight_decay": cfg.weight_decay,
              "base_lr": cfg.embedding_lr}],
            betas=(0.9, 0.95),
        )
        self.rng = np.random.default_rng(cfg.seed)
        sizes = np.array([len(r.ids) for r in self.rows.values()], dtype=np.float64)
        self.sides = list(self.rows)
        self.side_p = sizes / sizes.sum()
        self.step = 0  # optimiser steps
        self.episodes = 0
        self.seconds = 0.0  # training seconds over every session
        self.recent: list[tuple[float, float]] = []  # (loss, row exact) since the last evaluation

    @property
    def total_rows(self) -> int:
        return int(sum(len(r.ids) for r in self.rows.values()))

    def _batch(self) -> tuple[int, torch.Tensor, torch.Tensor]:
        side = self.sides[int(self.rng.choice(len(self.sides), p=self.side_p))]
        rows = self.rows[side]
        pick = self.rng.integers(0, len(rows.ids), size=self.cfg.batch_size)
        ids = rows.ids[pick][:, None]
        tokens = np.concatenate((ids, rows.tokens[pick].astype(np.int64)), axis=1)  # (B, 1 + side^2)
        labels = np.concatenate((np.zeros_like(ids), rows.labels[pick].astype(np.int64)), axis=1)
        device = self.plan.device
        return side, torch.as_tensor(tokens, device=device), torch.as_tensor(labels, device=device)

    def episode(self) -> float:
        """One batch through `sup_steps` supervision steps, an optimiser step after each."""
        cfg = self.cfg
        side, tokens, labels = self._batch()
        y, z = fresh_carry(self.model, len(tokens), side, self.plan.device)
        self.model.train()
        losses, exact = [], 0.0
        for _ in range(cfg.sup_steps):
            warm = min(1.0, (self.step + 1) / max(1, cfg.warmup_steps))
            for group in self.optimizer.param_groups:
                group["lr"] = group["base_lr"] * warm
            with self.plan.autocast():
                y, z, logits, halt_logit = self.model(tokens, y, z)
                loss = act_loss(logits, halt_logit, labels, "stablemax", cfg.halt_weight)
            self.optimizer.zero_grad(set_to_none=True)
            loss.total.backward()
            self.optimizer.step()
            y, z = y.float(), z.float()
            self.step += 1
            losses.append(float(loss.total.detach()))
            exact = float(loss.exact.float().mean())
        self.episodes += 1
        self.recent.append((losses[-1], exact))
        return losses[-1]

    @torch.no_grad()
    def evaluate(self) -> tuple[float, int]:
        """Exact fraction of the fixed training test pairs after `sup_steps` passes."""
        self.model.eval()
        right = 0
        for side, tokens, labels in self.eval_set:
            t = torch.as_tensor(tokens[None], device=self.plan.device)
            y, z = fresh_carry(self.model, 1, side, self.plan.device)
            for _ in range(self.cfg.sup_steps):
                with self.plan.autocast():
                    y, z, logits, _ = self.model(t, y, z)
                y, z = y.float(), z.float()
            pred = logits.argmax(-1)[0].cpu().numpy()
            mask = labels != 0
            right += bool((pred[mask] == labels[mask]).all())
        return right / max(1, len(self.eval_set)), len(self.eval_set)

    # ------------------------------------------------------------------------------------

    def state(self) -> dict:
        return {
            "format": PRETRAIN_FORMAT, "version": PRETRAIN_VERSION,
            "model_config": self.model.config.to_dict(), "pretrain_config": portable(asdict(self.cfg)),
            "model": {k: v.detach().cpu() for k, v in self.model.state_dict().items()},
            "optimizer": self.optimizer.state_dict(), "rng": self.rng.bit_generator.state,
            "torch_rng": torch.get_rng_state(), "step": self.step, "episodes": self.episodes,
            "seconds": self.seconds, "tasks": self.names,
        }

    def load(self, state: dict, where: Path) -> None:
        if state.get("tasks") != self.names:
            raise ValueError(f"{where}: made from other tasks than {self.cfg.challenges} gives now")
        self.model.load_state_dict(state["model"])
        self.optimizer.load_state_dict(state["optimizer"])
        self.rng.bit_generator.state = state["rng"]
        torch.set_rng_state(state["torch_rng"])
        self.step, self.episodes, self.seconds = int(state["step"]), int(state["episodes"]), float(state["seconds"])


def ship_init(checkpoint: Path, out: Path) -> dict:
    """Write what test-time learning starts from, `out` (torch) and `out`.json (its card, plain
    JSON the app can read without torch), from a pretraining checkpoint; return the card.

    Only the network and the mean of the task embeddings go in: `training.learn --init` sets
    every view of a new task to that mean, so the 400 x 8 embeddings (and the optimiser) would
    be dead weight in an installer (2.6 MB of 2.7 MB).
    """
    state = read_pretrain_state(checkpoint)
    weights = dict(state["model"])
    embeddings = weights.get("puzzle_embedding.weight")
    if embeddings is not None:
        weights["puzzle_embedding.weight"] = embeddings.float().mean(0, keepdim=True)  # (1, prefix*D)
    card = {
        "format": INIT_FORMAT, "version": 1, "step": int(state["step"]), "episodes": int(state["episodes"]),
        "train_seconds": round(float(state["seconds"]), 1), "tasks": len(state["tasks"]),
        "pretrain_config": state["pretrain_config"], "model_config": state["model_config"],
        "source": relative_path(str(checkpoint), REPO), "written": time.strftime("%Y-%m-%d"),
    }
    write_state({**card, "model": weights}, out)
    out.with_name(out.name + ".json").write_text(json.dumps(card, indent=1) + "\n", encoding="utf-8")
    return card


def portable(config: dict) -> dict:
    """The config with data paths relative to the repository (no absolute path in a checkpoint)."""
    return {k: (relative_path(v, REPO) if k in ("challenges", "solutions") and v else v) for k, v in config.items()}


def read_pretrain_state(path: Path) -> dict:
    """A pretraining checkpoint, checked: a clear error for a missing, damaged or foreign file."""
    return read_state(path, PRETRAIN_FORMAT, PRETRAIN_VERSION,
                      f"an ARC pretraining checkpoint (format {PRETRAIN_FORMAT!r})")


def run(cfg: PretrainConfig, run_dir: Path, seconds: float, resume: bool, max_episodes: int | None = None) -> Pretrainer:
    run_dir.mkdir(parents=True, exist_ok=True)
    checkpoint = run_dir / "checkpoint.pt"
    if resume:
        state = read_pretrain_state(checkpoint)
        cfg = PretrainConfig.from_dict({**state["pretrain_config"], "threads": cfg.threads, "device": cfg.device})
    trainer = Pretrainer(cfg)
    if resume:
        trainer.load(state, checkpoint)
        _LOGGER.info("resumed at step %d (%.0f s trained)", trainer.step, trainer.seconds)
    elif checkpoint.exists():
        raise ValueError(f"{checkpoint} exists: pass --resume to continue it, or choose another --run-dir")
    (run_dir / "config.json").write_text(json.dumps(portable(asdict(cfg)), indent=2) + "\n")
    metrics = run_dir / "metrics.csv"
    if not metrics.exists():
        metrics.write_text(",".join(METRIC_FIELDS) + "\n")
    _LOGGER.info("%d tasks, %d rows over %d canvas sides, %d parameters, %s", len(trainer.names),
                 trainer.total_rows, len(trainer.sides), trainer.model.num_params(), trainer.plan.reason)

    stop = {"set": False}

    def on_signal(signum, frame) -> None:
        stop["set"] = True

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    began = time.perf_counter()
    base = trainer.seconds
    next_eval = time.perf_counter() + cfg.eval_minutes * 60
    next_save = time.perf_counter() + cfg.checkpoint_minutes * 60
    done = 0
    while not stop["set"] and time.perf_counter() - began < seconds:
        if max_episodes is not None and done >= max_episodes:
            break
        trainer.episode()
        done += 1
        trainer.seconds = base + time.perf_counter() - began
        now = time.perf_counter()
        if now >= next_eval:
            write_metrics(trainer, metrics)
            next_eval = time.perf_counter() + cfg.eval_minutes * 60
        if now >= next_save:
            write_state(trainer.state(), checkpoint)
            next_save = time.perf_counter() + cfg.checkpoint_minutes * 60
    if trainer.recent:  # episodes since the last evaluation
        write_metrics(trainer, metrics)
    write_state(trainer.state(), checkpoint)
    _LOGGER.info("stopped at step %d (%.0f s trained in all)", trainer.step, trainer.seconds)
    return trainer


def _resolve(path: str) -> str:
    """A data path as given (from the working folder), else from the repository's root (where the
    defaults and stored checkpoints' paths are relative to)."""
    p = Path(path)
    return str(p if p.is_absolute() or p.exists() else REPO / p)


def write_metrics(trainer: Pretrainer, path: Path) -> None:
    exact, n = trainer.evaluate()
    recent = trainer.recent or [(float("nan"), float("nan"))]
    loss = float(np.mean([r[0] for r in recent]))
    row_exact = float(np.mean([r[1] for r in recent]))
    trainer.recent = []
    with path.open("a", newline="") as f:
        csv.writer(f).writerow([trainer.step, trainer.episodes, round(trainer.seconds, 1), round(loss, 5),
                                round(row_exact, 4), round(exact, 4), n])
    _LOGGER.info("step %d: loss %.4f, batch rows exact %.3f, training test pairs exact %.3f (%d)",
                 trainer.step, loss, row_exact, exact, n)


def build_parser() -> argparse.ArgumentParser:
    d = PretrainConfig()
    p = argparse.ArgumentParser(prog="python -m training.arc_pretrain",
                                description="Pretrain an ARC TRM on many tasks for test-time learning to start from.")
    p.add_argument("--run-dir", type=Path, required=True, help="folder for checkpoint.pt, metrics.csv, config.json")
    p.add_argument("--ship-init", type=Path, metavar="OUT",
                   help="train nothing: write the run's checkpoint as what learning starts from "
                        "(assets/models/arc.init.pt and its .json card)")
    p.add_argument("--resume", action="store_true", help="continue the run in --run-dir exactly (its own config)")
    p.add_argument("--hours", type=float, default=1.0, help="training time of this session in hours (default %(default)s)")
    p.add_argument("--challenges", default=d.challenges, help="ARC challenges file (default: ARC-AGI-1 training)")
    p.add_argument("--solutions", default=d.solutions, help="its solutions file (test outputs), or '' for none")
    p.add_argument("--views", type=int, default=d.views, help="views per task, each its own embedding (default %(default)s)")
    p.add_argument("--batch-size", type=int, default=d.batch_size, help="rows per episode (default %(default)s)")
    p.add_argument("--hidden-size", type=int, default=d.hidden_size, help="network width D (default %(default)s)")
    p.add_argument("--L-layers", type=int, default=d.L_layers, help="blocks in the network (default %(default)s)")
    p.add_argument("--H-cycles", type=int, default=d.H_cycles, help="T: answer updates a pass (default %(default)s)")
    p.add_argument("--L-cycles", type=int, default=d.L_cycles, help="n: thought updates per answer update (default %(default)s)")
    p.add_argument("--sup-steps", type=int, default=d.sup_steps,
                   help="supervision steps an episode, and the learned models' pass cap (default %(default)s)")
    p.add_argument("--lr", type=float, default=d.lr, help="learning rate after warm-up (default %(default)s)")
    p.add_argument("--embedding-lr", type=float, default=d.embedding_lr, help="embeddings' learning rate (default %(default)s)")
    p.add_argument("--max-side", type=int, default=d.max_side, help="leave out tasks whose canvas is larger (default %(default)s)")
    p.add_argument("--eval-minutes", type=float, default=d.eval_minutes, help="minutes between evaluations (default %(default)s)")
    p.add_argument("--checkpoint-minutes", type=float, default=d.checkpoint_minutes, help="minutes between checkpoints (default %(default)s)")
    p.add_argument("--precision", choices=("auto", "bf16", "fp32"), default=d.precision, help="autocast precision")
    p.add_argument("--device", choices=("cpu", "auto", "cuda"), default=d.device, help="where to train (default %(default)s)")
    p.add_argument("--threads", type=int, default=d.threads, help="torch threads; 0: torch's default (default %(default)s)")
    p.add_argument("--seed", type=int, default=d.seed, help="seed of the weights and the batches (default %(default)s)")
    return p


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(level=logging.INFO, stream=sys.stderr, format="%(asctime)s %(name)s: %(message)s")
    args = build_parser().parse_args(argv)
    if args.ship_init:
        try:
            card = ship_init(args.run_dir / "checkpoint.pt", args.ship_init)
        except ValueError as err:
            _LOGGER.error("%s", err)
            return 1
        _LOGGER.info("wrote %s: step %d, %.0f s of pretraining", args.ship_init, card["step"], card["train_seconds"])
        return 0
    if args.hours <= 0:
        build_parser().error("--hours must be positive")
    cfg = PretrainConfig(challenges=args.challenges, solutions=args.solutions, views=args.views,
                         hidden_size=args.hidden_size, L_layers=args.L_layers, H_cycles=args.H_cycles,
                         L_cycles=args.L_cycles, sup_steps=args.sup_steps,
                         batch_size=args.batch_size, lr=args.lr, embedding_lr=args.embedding_lr,
                         max_side=args.max_side, eval_minutes=args.eval_minutes,
                         checkpoint_minutes=args.checkpoint_minutes, precision=args.precision,
                         device=args.device, threads=args.threads, seed=args.seed)
    try:
        run(cfg, args.run_dir, args.hours * 3600, args.resume)
    except ValueError as err:
        _LOGGER.error("%s", err)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
