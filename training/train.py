"""The training loop: deep supervision with halting, AdamW, EMA, checkpoints, DDP.

Run it through `python -m training` (see `training/__main__.py` for the flags), or with torchrun
for several processes: `torchrun --nproc-per-node 2 -m training ...` (NCCL on GPUs, gloo on CPU).
"""

from __future__ import annotations

import csv
import logging
import math
import os
import signal
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO, overload

import numpy as np
import torch
import torch.distributed as dist

from training.act import TrainCarry, decide_halting, refill, rollout
from training.checkpoint import load_checkpoint, save_checkpoint
from training.config import TrainConfig
from training.data import (
    PuzzlePool,
    PuzzleStream,
    StreamConfig,
    concat_pools,
    file_pool,
    generated_pool,
    training_data,
)
from training.device import DevicePlan, choose_device
from training.ema import EMA
from training.losses import act_loss
from training.model import ModelConfig, TinyRecursiveModel
from training.provenance import relative_train_paths

_LOGGER = logging.getLogger(__name__)

METRIC_FIELDS = [
    "step", "time_s", "lr", "loss", "answer_loss", "halt_loss", "exact_acc", "token_acc",
    "halt_acc", "mean_steps", "halted", "samples_per_s",
    "eval_exact", "eval_token", "eval_halt_exact", "eval_halt_steps",
]


# --------------------------------------------------------------------------------------------
# Pieces


def lr_at(step: int, cfg: TrainConfig) -> float:
    """Linear warmup from 0, constant until lr_decay_from, then cosine to lr * lr_min_ratio at the last step."""
    if step < cfg.lr_warmup_steps:
        return cfg.lr * (step + 1) / cfg.lr_warmup_steps
    start = max(cfg.lr_warmup_steps, cfg.lr_decay_from)
    if step < start:
        return cfg.lr
    progress = (step - start) / max(1, cfg.steps - start)
    cosine = 0.5 * (1.0 + math.cos(math.pi * min(1.0, progress)))
    return cfg.lr * (cfg.lr_min_ratio + (1.0 - cfg.lr_min_ratio) * cosine)


class SignSGD(torch.optim.Optimizer):
    """row <- row * (1 - lr * wd) - lr * sign(grad), only for rows that got a gradient.

    For the per-puzzle embedding table (ARC), as the official code trains it.
    """

    def __init__(self, params, lr: float, weight_decay: float) -> None:
        super().__init__(params, {"lr": lr, "weight_decay": weight_decay})

    @overload
    def step(self, closure: None = None) -> None: ...

    @overload
    def step(self, closure: Callable[[], float]) -> float: ...

    @torch.no_grad()
    def step(self, closure: Callable[[], float] | None = None) -> float | None:
        loss = None
        if closure is not None:  # the Optimizer contract: re-evaluate the loss first
            with torch.enable_grad():
                loss = closure()
        for group in self.param_groups:
            for p in group["params"]:
                if p.grad is None:
                    continue
                touched = p.grad.abs().sum(-1) > 0  # (rows,)
                rows = p[touched]
                rows.mul_(1.0 - group["lr"] * group["weight_decay"])
                rows.sub_(group["lr"] * p.grad[touched].sign())
                p[touched] = rows
        return loss


def build_pool(cfg: TrainConfig) -> PuzzlePool:
    """The training pool named by `cfg.data`: "generated" (the kind's generator) and/or files."""
    data = training_data(cfg.kind)
    options = cfg.to_dict()
    cache = Path(cfg.run_dir) / "cache"
    solutions = Path(cfg.solutions) if cfg.solutions else None
    pools = [
        generated_pool(cfg.kind, data.generation(options, cfg.seed), cache, cfg.data_workers)
        if source == "generated" else file_pool(cfg.kind, Path(source), solutions, cfg.pool_limit or None)
        for source in cfg.data
    ]
    return concat_pools(pools)


def heldout_set(cfg: TrainConfig, codec) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Held-out generated puzzles (tokens, labels, grades), from `eval_seed`, cached in the run."""
    generation = training_data(cfg.kind).generation(cfg.to_dict(), cfg.eval_seed, heldout=True)
    pool = generated_pool(cfg.kind, generation, Path(cfg.run_dir) / "cache", cfg.data_workers)
    return codec.encode_puzzle(pool.puzzles), codec.encode_answer(pool.answers), pool.grades


def curriculum_weights(step: int, cfg: TrainConfig, grades: np.ndarray) -> dict[int, float]:
    """Grade mix at `step`: starts on the easiest grade present, reaches uniform at the end."""
    present = sorted({int(g) for g in grades})
    if cfg.curriculum_steps <= 0 or len(present) < 2:
        return {}
    t = min(1.0, step / cfg.curriculum_steps)
    # Weight of grade i (0 = easiest) grows from 0 to 1 as t passes i / (n - 1).
    n = len(present)
    return {g: max(0.05, min(1.0, 1.0 + t * (n - 1) - i)) for i, g in enumerate(present)}


@dataclass
class DistInfo:
    rank: int = 0
    world: int = 1
    local_rank: int = 0

    @property
    def is_main(self) -> bool:
        return self.rank == 0


def init_distributed(requested_device: str) -> DistInfo:
    """Join the torchrun process group when launched by torchrun (NCCL on GPUs, gloo on CPU)."""
    if "WORLD_SIZE" not in os.environ or int(os.environ["WORLD_SIZE"]) <= 1:
        return DistInfo()
    use_cuda = torch.cuda.is_available() and requested_device != "cpu"
    dist.init_process_group("nccl" if use_cuda else "gloo")
    info = DistInfo(dist.get_rank(), dist.get_world_size(), int(os.environ.get("LOCAL_RANK", 0)))
    if use_cuda:
        torch.cuda.set_device(info.local_rank)
    return info


# --------------------------------------------------------------------------------------------
# The trainer


def grad_scaler(plan: DevicePlan) -> torch.amp.GradScaler | None:
    """A loss scaler for fp16 autocast (which underflows small gradients without one), else None.

    Module-level so that a test can give a CPU run a scaler: fp16 autocast itself needs CUDA.
    """
    if plan.autocast_dtype is not torch.float16:
        return None
    return torch.amp.GradScaler(plan.device.type)


class Trainer:
    """Owns the model, optimisers, EMA, carry and data stream of one process."""

    def __init__(self, model_config: ModelConfig, cfg: TrainConfig, dist_info: DistInfo | None = None,
                 resuming: bool = False) -> None:
        cfg.validate()
        self.cfg = cfg
        self.model_config = model_config
        self.dist = dist_info or DistInfo()
        self.plan: DevicePlan = choose_device(cfg.device, cfg.precision, self.dist.local_rank)
        if cfg.threads > 0:
            torch.set_num_threads(cfg.threads)
        torch.manual_seed(cfg.seed)  # same initial weights on every rank
        self.model = TinyRecursiveModel(model_config).to(self.plan.device)
        if cfg.init_from and not resuming:
            self._init_from(Path(cfg.init_from))
        self.forward_model: torch.nn.Module = self.model  # DDP-wrapped on several ranks
        if self.dist.world > 1:
            self.forward_model = torch.nn.parallel.DistributedDataParallel(
                self.model, device_ids=[self.dist.local_rank] if self.plan.device.type == "cuda" else None
            )
        if cfg.compile:
            # Compile the recursive network only: one small graph reused for all T(n+1) calls
            # (about 2x on this CPU, where unfused elementwise ops dominate), compiled in place
            # so checkpoint keys do not change. Whole-model compilation unrolls the recursion into
            # one huge graph and compiles for minutes.
            self.model.net.compile()
        dense = self.model.dense_params()
        decay = [p for p in dense if p.ndim >= 2]
        no_decay = [p for p in dense if p.ndim < 2]
        self.optimizer = torch.optim.AdamW(
            [{"params": decay, "weight_decay": cfg.weight_decay}, {"params": no_decay, "weight_decay": 0.0}],
            lr=cfg.lr, betas=(cfg.beta1, cfg.beta2),
            fused=self.plan.device.type == "cuda" or None,
        )
        sparse = self.model.sparse_params()
        self.sparse_optimizer = SignSGD(sparse, cfg.puzzle_emb_lr, cfg.puzzle_emb_weight_decay) if sparse else None
        self.scaler = grad_scaler(self.plan)
        self.ema = EMA(dense, cfg.ema_decay)
        self.pool = build_pool(cfg)
        if self.pool.puzzles.shape[1] != model_config.seq_len:
            raise ValueError(
                f"the data has {self.pool.puzzles.shape[1]} cells per puzzle, the model expects {model_config.seq_len}"
            )
        stream_cfg = StreamConfig(cfg.augment, options=cfg.to_dict())
        self.stream = PuzzleStream(self.pool, cfg.codec, stream_cfg, seed=cfg.seed * 1000 + self.dist.rank + 1)
        self.halt_rng = np.random.default_rng(cfg.seed * 1000 + self.dist.rank + 500)
        self.carry = TrainCarry.empty(self.model, cfg.batch_size, self.plan.device)
        self.step = 0
        self.started = time.time()
        self.elapsed_before = 0.0  # training seconds from earlier sessions of this run

    def _init_from(self, path: Path) -> None:
        """Start from another run's EMA weights (fine-tuning); optimiser and data start fresh.

        A grid-mixer model may come from a run on another grid size (its weights fit any size).
        """
        from training.checkpoint import ema_model_from_checkpoint

        cfg = self.model_config
        grid = math.isqrt(cfg.seq_len) if cfg.mixer == "grid" else None
        donor = ema_model_from_checkpoint(load_checkpoint(path), grid)
        try:
            self.model.load_state_dict(donor.state_dict())
        except RuntimeError as err:
            raise ValueError(f"init_from {path}: its weights do not fit this model config: {err}") from None
        _LOGGER.info("initialised from the EMA weights of %s", path)

    # ---------------------------------------------------------------------------------------

    def train_step(self) -> dict[str, float]:
        """One supervision step for every slot, one optimiser step. Returns summed metrics."""
        cfg = self.cfg
        if cfg.curriculum_steps > 0 and self.step % 50 == 0:
            self.stream.set_grade_weights(curriculum_weights(self.step, cfg, self.pool.grades))
        lr = lr_at(self.step, cfg)
        for group in self.optimizer.param_groups:
            group["lr"] = lr
        refill(self.carry, self.model, self.stream.next)
        c = self.carry
        self.model.train()
        with self.plan.autocast():
            y, z, logits, halt_logit = self.forward_model(c.tokens, c.y, c.z)
            loss = act_loss(logits, halt_logit, c.labels, cfg.loss_type, cfg.halt_weight)
        self.optimizer.zero_grad(set_to_none=True)
        if self.sparse_optimizer is not None:
            self.sparse_optimizer.zero_grad(set_to_none=True)
        if self.scaler is not None:
            self.scaler.scale(loss.total).backward()
            self.scaler.unscale_(self.optimizer)
        else:
            loss.total.backward()
        if cfg.grad_clip > 0:
            torch.nn.utils.clip_grad_norm_(self.model.dense_params(), cfg.grad_clip)
        if self.scaler is not None:
            self.scaler.step(self.optimizer)
            self.scaler.update()
        else:
            self.optimizer.step()
        if self.sparse_optimizer is not None:
            for group in self.sparse_optimizer.param_groups:
                group["lr"] = cfg.puzzle_emb_lr * lr / cfg.lr
            self.sparse_optimizer.step()
        self.ema.update(self.step + 1)
        c.y, c.z = y.float(), z.float()
        c.steps += 1
        halted = decide_halting(c.steps, halt_logit, self.model_config.halt_max_steps, cfg.halt_exploration_prob, self.halt_rng)
        c.halted = halted
        self.step += 1
        with torch.no_grad():
            h = halted
            return {
                "loss": float(loss.total.detach()),
                "answer_loss": float(loss.answer.mean()),
                "halt_loss": float(loss.halt.mean()),
                "halted": float(h.sum()),
                "exact": float((loss.exact & h).sum()),
                "token": float((loss.token_correct * h).sum()),
                "halt_right": float((((halt_logit.detach() > 0) == loss.exact) & h).sum()),
                "steps": float((c.steps * h).sum()),
                "lr": lr,
            }

    @torch.no_grad()
    def evaluate(self, tokens: np.ndarray, labels: np.ndarray, batch: int = 256) -> dict[str, float]:
        """EMA weights, fresh carry, all N_sup steps: exact/token accuracy at the last step, and
        what halting at the first positive halt logit would have given."""
        model = self.ema_model()
        n_max = self.model_config.halt_max_steps
        exact = token = halt_exact = halt_steps = 0.0
        for start in range(0, len(tokens), batch):
            t = torch.as_tensor(tokens[start : start + batch], device=self.plan.device)
            lab = torch.as_tensor(labels[start : start + batch], device=self.plan.device)
            preds, halts = rollout(model, t, n_max, self.plan.autocast)  # (N, B, L), (N, B)
            right = preds == lab  # (N, B, L)
            exact += float(right[-1].all(-1).sum())
            token += float(right[-1].float().mean(-1).sum())
            # Halting: the first step with a positive logit, else the last.
            fired = halts > 0
            first = torch.where(fired.any(0), fired.float().argmax(0), torch.full_like(fired[0], n_max - 1, dtype=torch.long))
            chosen = right.all(-1).gather(0, first.unsqueeze(0)).squeeze(0)
            halt_exact += float(chosen.sum())
            halt_steps += float((first + 1).sum())
        n = len(tokens)
        return {
            "eval_exact": exact / n, "eval_token": token / n,
            "eval_halt_exact": halt_exact / n, "eval_halt_steps": halt_steps / n,
        }

    def ema_model(self) -> TinyRecursiveModel:
        """A copy of the model holding the EMA weights (for evaluation and export)."""
        model = TinyRecursiveModel(self.model_config).to(self.plan.device)
        model.load_state_dict(self.model.state_dict())
        self.ema.copy_to(model.dense_params())
        return model.eval()

    # ---------------------------------------------------------------------------------------

    def local_state(self) -> dict:
        return {
            "carry": self.carry.state_dict(),
            "stream": self.stream.state_dict(),
            "halt_rng": self.halt_rng.bit_generator.state,
            "torch_rng": torch.get_rng_state(),
        }

    def checkpoint_state(self, metrics_rows: int) -> dict:
        """Everything a resume needs; gathers every rank's carry and stream under DDP."""
        local = self.local_state()
        if self.dist.world > 1:
            gathered: list = [None] * self.dist.world
            dist.all_gather_object(gathered, local)
        else:
            gathered = [local]
        return {
            "model_config": self.model_config.to_dict(),
            "train_config": relative_train_paths(self.cfg.to_dict()),  # no absolute path in a checkpoint
            "step": self.step,
            "world_size": self.dist.world,
            "model": self.model.state_dict(),
            "ema": self.ema.state_dict(),
            "optimizer": self.optimizer.state_dict(),
            "sparse_optimizer": self.sparse_optimizer.state_dict() if self.sparse_optimizer else None,
            # The loss scale and its growth tracker decide which fp16 steps are skipped and how
            # large the next scale is: without them a resumed run drifts from an uninterrupted one.
            "scaler": self.scaler.state_dict() if self.scaler is not None else None,
            "ranks": gathered,
            "metrics_rows": metrics_rows,
            "train_seconds": self.elapsed_before + (time.time() - self.started),
            "data": self.pool.description,
            "device": self.plan.reason,
        }

    def load_state(self, state: dict) -> None:
        # Normalised through the dataclass, so a checkpoint written before a field existed (which
        # then takes its default) still matches the run it belongs to.
        if ModelConfig.from_dict(state["model_config"]).to_dict() != self.model_config.to_dict():
            raise ValueError("the checkpoint's model config differs from this run's")
        if state["world_size"] != self.dist.world:
            raise ValueError(
                f"the checkpoint was written by {state['world_size']} process(es); resume with as many"
            )
        self.model.load_state_dict(state["model"])
        self.ema.load_state_dict(state["ema"])
        self.optimizer.load_state_dict(state["optimizer"])
        if self.sparse_optimizer is not None and state.get("sparse_optimizer"):
            self.sparse_optimizer.load_state_dict(state["sparse_optimizer"])
        # A checkpoint from before the scaler was saved (or from a run without one) leaves the
        # scaler at its initial scale: that run resumes, but not bit for bit.
        if self.scaler is not None and state.get("scaler"):
            self.scaler.load_state_dict(state["scaler"])
        mine = state["ranks"][self.dist.rank]
        self.carry = TrainCarry.from_state_dict(mine["carry"], self.plan.device)
        self.stream.load_state_dict(mine["stream"])
        self.halt_rng.bit_generator.state = mine["halt_rng"]
        torch.set_rng_state(mine["torch_rng"])
        self.step = int(state["step"])
        self.elapsed_before = float(state.get("train_seconds", 0.0))


# --------------------------------------------------------------------------------------------
# The run


class _StopFlag:
    """Set by Ctrl-C / SIGTERM: the loop finishes its step, checkpoints and exits."""

    def __init__(self) -> None:
        self.stop = False

    def __call__(self, signum, frame) -> None:
        self.stop = True


def _metrics_writer(path: Path, keep_rows: int | None) -> tuple[csv.DictWriter[str], TextIO]:
    """Append to metrics.csv; on resume, drop rows written after the checkpoint."""
    if keep_rows is not None and path.exists():
        lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
        path.write_text("".join(lines[: keep_rows + 1]), encoding="utf-8")
    new = not path.exists() or path.stat().st_size == 0
    f = open(path, "a", newline="", encoding="utf-8")  # noqa: SIM115 - closed at the end of run()
    writer = csv.DictWriter(f, fieldnames=METRIC_FIELDS)
    if new:
        writer.writeheader()
    return writer, f


def run(model_config: ModelConfig, cfg: TrainConfig, resume: bool = False, stop_after: int | None = None) -> Path:
    """Train; returns the checkpoint path. `stop_after` ends the session after that many steps
    (a checkpoint is written), which is how tests simulate a kill."""
    info = init_distributed(cfg.device)
    run_dir = Path(cfg.run_dir)
    ckpt_path = run_dir / "checkpoint.pt"
    trainer = Trainer(model_config, cfg, info, resuming=resume)
    rows = 0
    keep_rows = None
    if resume:
        state = load_checkpoint(ckpt_path)
        trainer.load_state(state)
        rows = keep_rows = int(state.get("metrics_rows", 0))
        if info.is_main:
            _LOGGER.info("resumed %s at step %d", ckpt_path, trainer.step)
    if info.is_main:
        run_dir.mkdir(parents=True, exist_ok=True)
        _LOGGER.info("device: %s; %d parameters; pool: %d puzzles (%s)", trainer.plan.reason,
                     trainer.model.num_params(), len(trainer.pool), trainer.pool.description)
    heldout = heldout_set(cfg, trainer.stream.codec) if cfg.eval_every > 0 and info.is_main else None
    writer, metrics_file = _metrics_writer(run_dir / "metrics.csv", keep_rows) if info.is_main else (None, None)
    stop = _StopFlag()
    old_handlers = {s: signal.signal(s, stop) for s in (signal.SIGINT, signal.SIGTERM)} if _main_thread() else {}
    progress = _progress(cfg.steps, trainer.step, info.is_main)
    acc: dict[str, float] = {}
    window_start, window_samples, window_steps = time.time(), 0, 0
    end = cfg.steps if stop_after is None else min(cfg.steps, trainer.step + stop_after)
    try:
        while trainer.step < end and not stop.stop:
            m = trainer.train_step()
            window_samples += cfg.batch_size * info.world
            window_steps += 1
            for k, v in m.items():
                acc[k] = acc.get(k, 0.0) + v
            step = trainer.step
            last = step == end or stop.stop  # the session ends after this step
            # Decided alike on every rank: the branch below all-reduces, so all ranks must enter it.
            eval_due = cfg.eval_every > 0 and (step % cfg.eval_every == 0 or last)
            if step % cfg.log_every == 0 or last or eval_due:  # an evaluation always gets its row
                totals = _reduce(acc, info, trainer.plan.device)
                n = max(totals["halted"], 1.0)
                k_steps = window_steps
                row = {
                    "step": step,
                    "time_s": round(trainer.elapsed_before + time.time() - trainer.started, 1),
                    "lr": m["lr"],
                    "loss": totals["loss"] / (k_steps * info.world),
                    "answer_loss": totals["answer_loss"] / (k_steps * info.world),
                    "halt_loss": totals["halt_loss"] / (k_steps * info.world),
                    "exact_acc": totals["exact"] / n,
                    "token_acc": totals["token"] / n,
                    "halt_acc": totals["halt_right"] / n,
                    "mean_steps": totals["steps"] / n,
                    "halted": int(totals["halted"]),
                    "samples_per_s": window_samples / max(time.time() - window_start, 1e-9),
                }
                if eval_due and heldout is not None:  # the held-out set lives on the main rank
                    row.update(trainer.evaluate(heldout[0], heldout[1]))
                if writer is not None and metrics_file is not None:  # both or neither (main rank)
                    writer.writerow({k: (f"{v:.6g}" if isinstance(v, float) else v) for k, v in row.items()})
                    metrics_file.flush()
                    rows += 1
                if progress is not None:
                    progress.set_postfix(
                        loss=f"{row['loss']:.3f}", exact=f"{row['exact_acc']:.3f}",
                        steps=f"{row['mean_steps']:.1f}", sps=f"{row['samples_per_s']:.0f}",
                        **({"eval": f"{row['eval_exact']:.3f}"} if "eval_exact" in row else {}),
                    )
                acc = {}
                window_start, window_samples, window_steps = time.time(), 0, 0
            if progress is not None:
                progress.update(1)
            if step % cfg.checkpoint_every == 0:
                _save(trainer, ckpt_path, rows, info)
    finally:
        _save(trainer, ckpt_path, rows, info)
        if progress is not None:
            progress.close()
        if metrics_file is not None:
            metrics_file.close()
        for s, h in old_handlers.items():
            signal.signal(s, h)
        if info.world > 1:
            dist.barrier()
            dist.destroy_process_group()
    if stop.stop and info.is_main:
        _LOGGER.info("stopped at step %d; checkpoint %s (continue with --resume)", trainer.step, ckpt_path)
    return ckpt_path


def _save(trainer: Trainer, path: Path, rows: int, info: DistInfo) -> None:
    state = trainer.checkpoint_state(rows)  # every rank joins the gather
    if info.is_main:
        save_checkpoint(state, path)


def _reduce(values: dict[str, float], info: DistInfo, device: torch.device) -> dict[str, float]:
    if info.world == 1:
        return values
    keys = sorted(values)
    t = torch.tensor([values[k] for k in keys], dtype=torch.float64, device=device)
    dist.all_reduce(t)
    return dict(zip(keys, t.tolist(), strict=True))


def _main_thread() -> bool:
    import threading

    return threading.current_thread() is threading.main_thread()


def _progress(total: int, start: int, enabled: bool):
    if not enabled:
        return None
    try:
        from tqdm import tqdm
    except ImportError:
        return None
    return tqdm(total=total, initial=start, file=sys.stderr, dynamic_ncols=True, unit="step",
                disable=None)
