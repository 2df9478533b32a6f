"""Named starting points for `python -m training --preset NAME` (flags override them)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field

PRESETS: dict[str, dict[str, dict]] = {
    # The paper's best Sudoku network (TRM-MLP, T=3, n=6) at CPU scale.
    "sudoku-mlp": {
        "model": dict(vocab_size=11, seq_len=81, hidden_size=128, mixer="mlp", pos_encoding="none",
                      L_layers=2, H_cycles=3, L_cycles=6, halt_max_steps=16, prefix_len=16),
        "train": dict(kind="sudoku", codec="sudoku-digits-v1", batch_size=128, lr=1e-3,
                      weight_decay=0.1, lr_warmup_steps=200),
    },
    # Small enough for a 10-minute CPU run that visibly learns.
    "sudoku-small": {
        "model": dict(vocab_size=11, seq_len=81, hidden_size=64, mixer="mlp", pos_encoding="none",
                      L_layers=2, H_cycles=2, L_cycles=2, halt_max_steps=8, prefix_len=1,
                      expansion=2.0, multiple_of=64),
        "train": dict(kind="sudoku", codec="sudoku-digits-v1", batch_size=64, lr=2e-3,
                      weight_decay=0.1, lr_warmup_steps=50,
                      pool_counts={"singles": 600, "deduction": 600, "search": 300},
                      extra_givens=(0, 30), extra_givens_prob=0.5, eval_every=100, eval_count=192),
    },
    # Maze-Hard's recipe is attention with RoPE over 900 positions (H=3, n=4).
    "maze-attention": {
        "model": dict(vocab_size=6, seq_len=900, hidden_size=128, num_heads=4, mixer="attention",
                      pos_encoding="rope", L_layers=2, H_cycles=3, L_cycles=4, halt_max_steps=16,
                      prefix_len=1),
        "train": dict(kind="maze", codec="maze-30x30-v1", batch_size=16, lr=1e-3, weight_decay=0.1),
    },
    # A maze config small enough for a 10-minute CPU run on 10x10 mazes. MLP mixing: on this
    # CPU, attention with 16-wide heads over 101 positions ran at ~70 sample-steps/s against
    # ~500 for the same FLOPs of MLP mixing, too slow to learn paths in ten minutes.
    "maze-small": {
        "model": dict(vocab_size=6, seq_len=100, hidden_size=64, mixer="mlp",
                      pos_encoding="none", L_layers=2, H_cycles=2, L_cycles=2, halt_max_steps=8,
                      prefix_len=1, expansion=2.0, multiple_of=64),
        "train": dict(kind="maze", codec="maze-10x10-v1", batch_size=64, lr=2e-3, weight_decay=0.1,
                      lr_warmup_steps=50, maze_size=10, maze_min_path=10, maze_pool=4000,
                      eval_every=100, eval_count=192),
    },
    # Ours for 30x30 mazes on a CPU: a depthwise 3x3 grid mixer in place of attention. No weight
    # depends on the grid size, so it trains on cheap 15x15 mazes and runs at 30x30
    # (`python -m export --grid-size 30`); 2 layers x T=3 x (n+1)=5 = 30 one-cell moves per pass.
    "maze-grid": {
        "model": dict(vocab_size=6, seq_len=225, hidden_size=64, mixer="grid", grid_kernel=3,
                      pos_encoding="none", L_layers=2, H_cycles=3, L_cycles=4, halt_max_steps=16,
                      prefix_len=1, expansion=4.0, multiple_of=64),
        "train": dict(kind="maze", codec="maze-15x15-v1", batch_size=64, lr=1e-3, weight_decay=0.1,
                      lr_warmup_steps=200, maze_size=15, maze_min_path=30, maze_pool=20000,
                      eval_every=250, eval_count=192),
    },
    # ---- The paper's full-size runs, for people with GPUs (trm-reference.md §3, §6.3). ----
    # Sudoku-Extreme, TRM-MLP (5.0M parameters): one 40 GB GPU, < 36 h in the paper, 87.4% test
    # exact. Its data (sapientinc/sudoku-extreme, the 1k-puzzle train split as an HRM/TRM CSV) is
    # not shipped: pass it with --data. One command:
    #   python -m training --preset sudoku-extreme-paper --run-dir runs/sudoku-extreme \
    #       --data sudoku-extreme/train.csv --device cuda --precision bf16 --compile true
    # 65,104 steps = the README's 50k epochs of 1,000 puzzles at batch 768 (§3.2).
    "sudoku-extreme-paper": {
        "model": dict(vocab_size=11, seq_len=81, hidden_size=512, mixer="mlp", pos_encoding="none",
                      L_layers=2, H_cycles=3, L_cycles=6, halt_max_steps=16, prefix_len=16,
                      expansion=4.0, multiple_of=256),
        "train": dict(kind="sudoku", codec="sudoku-digits-v1", batch_size=768, steps=65104, lr=1e-4,
                      lr_warmup_steps=2000, weight_decay=1.0, ema_decay=0.999, loss_type="stablemax",
                      checkpoint_every=1000, eval_every=5000, eval_count=1000),
    },
    # Maze-Hard, TRM-Att (6.8M parameters): 4 GPUs, < 24 h in the paper, 85.3% test exact.
    # Four processes of 192 = the paper's global batch 768:
    #   torchrun --nproc-per-node 4 -m training --preset maze-hard-paper --run-dir runs/maze-hard \
    #       --data ../shared/data/maze/maze_30x30_hard_train.csv --device cuda --precision bf16
    "maze-hard-paper": {
        "model": dict(vocab_size=6, seq_len=900, hidden_size=512, num_heads=8, mixer="attention",
                      pos_encoding="rope", L_layers=2, H_cycles=3, L_cycles=4, halt_max_steps=16,
                      prefix_len=16, expansion=4.0, multiple_of=256),
        "train": dict(kind="maze", codec="maze-30x30-v1", batch_size=192, steps=65104, lr=1e-4,
                      lr_warmup_steps=2000, weight_decay=1.0, ema_decay=0.999, loss_type="stablemax",
                      maze_size=30, maze_min_path=110, checkpoint_every=1000, eval_every=5000,
                      eval_count=256),
    },
}

# ------------------------------------------------------------------------------------------------
# Equal-budget sweeps (tools/sweep.py): per kind, the baseline flags, one variation per row, what
# generated pool the rows share, and how each is evaluated.


@dataclass(frozen=True)
class Sweep:
    base: list[str]  # the baseline's training flags
    configs: dict[str, list[str]]  # row name -> flags added to the baseline
    evaluate: list[str]  # training.evaluate flags measuring a row
    columns: list[str]  # the table's accuracy columns (evaluation groups)
    pool: dict = field(default_factory=dict)  # the generated pool's options (TrainConfig fields)
    shared_pool: tuple[str, ...] = ()  # rows (name prefixes) that train on that pool; ("",): all

    def shares_pool(self, name: str) -> bool:
        return any(name.startswith(prefix) for prefix in self.shared_pool)


ROYLE = "../shared/data/sudoku/royle_sudoku17.txt.gz"
BASELINE = [
    "--mixer", "mlp", "--hidden-size", "128", "--L-layers", "2", "--H-cycles", "2", "--L-cycles", "4",
    "--halt-max-steps", "16", "--prefix-len", "1", "--multiple-of", "256", "--expansion", "4",
    "--data", json.dumps([ROYLE]), "--solutions", ROYLE.replace(".txt.gz", ".solutions.txt.gz"),
    "--extra-givens", "[0, 45]", "--extra-givens-prob", "0.85",
    "--batch-size", "128", "--lr", "1e-3", "--lr-warmup-steps", "200", "--weight-decay", "0.1",
]
# A generated, graded pool (shared by the two runs that use it, so its making is paid once and
# kept out of both budgets); the curriculum moves the grade mix from easy to the pool's mix.
POOL_COUNTS = {"singles": 1000, "deduction": 1000, "search": 1000}
GENERATED = ["--data", '["generated"]', "--pool-counts", json.dumps(POOL_COUNTS), "--extra-givens", "[0, 0]"]
SUDOKU: dict[str, list[str]] = {
    "baseline": [],
    "hidden-64": ["--hidden-size", "64"],
    "T3-n6": ["--H-cycles", "3", "--L-cycles", "6"],
    "nsup-8": ["--halt-max-steps", "8"],
    "batch-64": ["--batch-size", "64"],
    "lr-3e-3": ["--lr", "3e-3"],
    "generated": GENERATED,
    "generated-curriculum": [*GENERATED, "--curriculum-steps", "600"],
}
# Mazes: 15x15 (225 cells), paths of at least 30 cells, unique shortest paths; D=64, 2 layers,
# T=3, n=4 for every mixer.
MAZE_POOL = 20000
MAZE_BASE = [
    "--kind", "maze", "--codec", "maze-15x15-v1", "--vocab-size", "6", "--seq-len", "225",
    "--hidden-size", "64", "--L-layers", "2", "--H-cycles", "3", "--L-cycles", "4", "--halt-max-steps", "16",
    "--prefix-len", "1", "--expansion", "4", "--multiple-of", "64", "--maze-size", "15", "--maze-min-path", "30",
    "--maze-pool", str(MAZE_POOL), "--batch-size", "64", "--lr", "1e-3", "--lr-warmup-steps", "200", "--weight-decay", "0.1",
]
MAZE: dict[str, list[str]] = {
    "attention": ["--mixer", "attention", "--num-heads", "4", "--pos-encoding", "rope"],
    "mlp": ["--mixer", "mlp", "--pos-encoding", "none"],
    "grid": ["--mixer", "grid", "--grid-kernel", "3", "--pos-encoding", "none"],
}


SWEEPS: dict[str, Sweep] = {
    "sudoku": Sweep(BASELINE, SUDOKU, ["--generate", "singles,deduction,search"], ["singles", "deduction", "search"],
                    {"pool_counts": POOL_COUNTS}, ("generated",)),
    "maze": Sweep(MAZE_BASE, MAZE, ["--maze-size", "15", "--maze-min-path", "30"], ["all"],
                  {"maze_pool": MAZE_POOL, "maze_size": 15, "maze_min_path": 30}, ("",)),
}
