"""Training configuration: one typed dataclass, stored in every checkpoint beside the model config."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields

from training.data import training_data


def reject_unknown_keys(cls: type, data: dict, what: str) -> None:
    """ValueError naming the keys of `data` that are not fields of dataclass `cls`."""
    unknown = set(data) - {f.name for f in fields(cls)}
    if unknown:
        raise ValueError(f"unknown {what} keys: {sorted(unknown)}")


@dataclass
class TrainConfig:
    """Everything a run needs besides the architecture. Units are in the field comments."""

    run_dir: str = "runs/sudoku"  # checkpoint.pt, metrics.csv and the curve PNG go here
    kind: str = "sudoku"  # a puzzle kind with training data (solver.kinds)
    codec: str = "sudoku-digits-v1"  # solver token codec name
    seed: int = 0
    init_from: str = ""  # start from this checkpoint's EMA weights (fine-tuning; optimiser starts fresh)
    # --- data ---
    data: list[str] = field(default_factory=lambda: ["generated"])  # "generated" and/or files
    solutions: str = ""  # line-aligned solutions for a one-per-line puzzle file
    pool_counts: dict[str, int] = field(
        default_factory=lambda: {"singles": 2000, "deduction": 2000, "search": 4000}
    )  # generated puzzles per grade
    pool_limit: int = 0  # at most this many puzzles per file (0: all)
    maze_size: int = 30  # generated mazes: side length
    maze_min_path: int = 40  # generated mazes: minimum shortest-path length (cells)
    maze_pool: int = 2000  # generated mazes in the pool
    maze_unique_paths: bool = True  # generated training mazes: wall off ties (False: keep them, as Maze-Hard does)
    maze_relabel: bool = False  # label every maze draw with the solver's canonical shortest path
    data_workers: int = 1  # processes that build the generated pool
    augment: bool = True
    extra_givens: tuple[int, int] = (0, 0)  # Sudoku: reveal U{lo..hi} extra answer cells
    extra_givens_prob: float = 0.0  # chance a draw gets extra givens
    curriculum_steps: int = 0  # >0: move the grade mix from easy to the pool's mix over this many steps
    # --- optimisation ---
    batch_size: int = 128  # per process
    steps: int = 10000  # optimiser steps (= supervision steps) in total
    lr: float = 1e-3
    lr_warmup_steps: int = 200
    lr_min_ratio: float = 1.0  # cosine decay to lr * ratio by the last step (1.0: constant)
    lr_decay_from: int = 0  # step where the cosine starts (0: right after warmup); lets a resumed run start decaying
    weight_decay: float = 0.1
    beta1: float = 0.9
    beta2: float = 0.95
    puzzle_emb_lr: float = 1e-2  # sign-SGD on the per-puzzle table (ARC)
    puzzle_emb_weight_decay: float = 0.1
    grad_clip: float = 0.0  # 0: none (the official code does not clip)
    ema_decay: float = 0.999
    loss_type: str = "stablemax"  # or "softmax"
    halt_weight: float = 0.5
    halt_exploration_prob: float = 0.1
    # --- hardware ---
    device: str = "auto"  # auto, cpu or cuda
    precision: str = "auto"  # auto, bf16, fp16 or fp32
    compile: bool = False  # torch.compile the recursive network (faster steps after a slow first one)
    threads: int = 0  # torch intra-op threads (0: torch's default)
    # --- bookkeeping ---
    log_every: int = 20  # steps between metric rows
    checkpoint_every: int = 200  # steps between checkpoints
    eval_every: int = 500  # steps between held-out evaluations (0: never)
    eval_count: int = 256  # held-out generated puzzles per evaluation
    eval_seed: int = 12345  # never equal to a training seed: held-out puzzles

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> TrainConfig:
        reject_unknown_keys(cls, data, "training config")
        cfg = cls(**data)
        lo, hi = cfg.extra_givens  # JSON/pickle may give a list
        cfg.extra_givens = (lo, hi)
        return cfg

    def validate(self) -> None:
        training_data(self.kind).check_options(self.to_dict())  # ValueError naming what is wrong
        for name in ("batch_size", "steps", "log_every", "checkpoint_every"):
            if getattr(self, name) < 1:
                raise ValueError(f"{name} must be at least 1")
        if not 0.0 <= self.halt_exploration_prob <= 1.0:
            raise ValueError("halt_exploration_prob must be within 0..1")
        if not 0.0 < self.ema_decay < 1.0:
            raise ValueError("ema_decay must be within (0, 1)")
        if not 0.0 <= self.lr_min_ratio <= 1.0:
            raise ValueError("lr_min_ratio must be within 0..1")
        if self.lr_decay_from < 0:
            raise ValueError("lr_decay_from must be at least 0")
