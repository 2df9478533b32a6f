"""Training throughput of the Sudoku TRM-MLP on this machine, against its own matmul peaks.

    python benchmarks/train_throughput.py                 # the shipped Sudoku config
    python benchmarks/train_throughput.py --steps 20 --hidden 128 --H 3 --L 6

Measures, in one run: fp32 and bf16 2048^3 matmul rates, then full training steps (ACT carry,
forward, stablemax loss, backward, AdamW, EMA) of the same model in several set-ups: plain fp32
eager (the baseline), bf16 autocast eager, and bf16 with torch.compile. Prints sample-steps per
second, achieved GFLOP/s (counted analytically from the matmuls), the fraction of the bf16 matmul
peak, and the speed-up over fp32 eager.
"""

from __future__ import annotations

import argparse
import gc
import time

import numpy as np
import torch

from training.act import TrainCarry, decide_halting, refill
from training.ema import EMA
from training.losses import act_loss
from training.model import ModelConfig, TinyRecursiveModel, swiglu_width


def matmul_rate(dtype: torch.dtype, n: int = 2048, repeats: int = 4, trials: int = 5) -> float:
    """GFLOP/s of an n^3 matmul in `dtype`: the best of `trials` timings of `repeats` products.

    The best, not the mean: a peak is what the CPU can do, and one timing on this shared machine
    varied by 30% from run to run (458-654 GFLOP/s in bf16).
    """
    a = torch.randn(n, n).to(dtype)
    b = torch.randn(n, n).to(dtype)
    for _ in range(2):
        a @ b
    best = 0.0
    for _ in range(trials):
        start = time.perf_counter()
        for _ in range(repeats):
            a @ b
        best = max(best, 2 * n**3 * repeats / (time.perf_counter() - start) / 1e9)
    return best


def step_flops(cfg: ModelConfig) -> float:
    """Matmul FLOPs of one training sample-step: T(n+1) forward net calls, backward of the last n+1."""
    s, d = cfg.carry_len, cfg.hidden_size
    inter = swiglu_width(d, cfg.expansion, cfg.multiple_of)
    channel = 2 * s * (d * 2 * inter + inter * d)
    if cfg.mixer == "mlp":
        seq_inter = swiglu_width(s, cfg.expansion, cfg.multiple_of)
        mix = 2 * d * (s * 2 * seq_inter + seq_inter * s)
    else:
        mix = 2 * s * (d * 3 * d + d * d) + 2 * 2 * s * s * d
    net_call = cfg.L_layers * (channel + mix)
    heads = 2 * cfg.seq_len * d * cfg.vocab_size
    forward = cfg.H_cycles * (cfg.L_cycles + 1) * net_call + heads
    backward = 2 * ((cfg.L_cycles + 1) * net_call + heads)
    return forward + backward


def measure(cfg: ModelConfig, batch: int, steps: int, warmup: int, precision: str, compile_model: bool) -> float:
    """Sample-steps per second of full training steps."""
    torch.manual_seed(0)
    model = TinyRecursiveModel(cfg)
    if compile_model:
        model.net.compile()  # as `python -m training --compile true` does
    forward = model
    optimizer = torch.optim.AdamW(model.parameters(), lr=1e-4, betas=(0.9, 0.95), weight_decay=0.1)
    ema = EMA(model.dense_params())
    carry = TrainCarry.empty(model, batch, torch.device("cpu"))
    rng = np.random.default_rng(0)

    def next_batch(n: int):
        tokens = rng.integers(1, cfg.vocab_size, size=(n, cfg.seq_len))
        return tokens, tokens

    autocast = torch.autocast("cpu", dtype=torch.bfloat16) if precision == "bf16" else None

    def one_step() -> None:
        refill(carry, model, next_batch)
        if autocast is not None:
            with autocast:
                y, z, logits, halt = forward(carry.tokens, carry.y, carry.z)
                loss = act_loss(logits, halt, carry.labels)
        else:
            y, z, logits, halt = forward(carry.tokens, carry.y, carry.z)
            loss = act_loss(logits, halt, carry.labels)
        optimizer.zero_grad(set_to_none=True)
        loss.total.backward()
        optimizer.step()
        ema.update()
        carry.y, carry.z = y.float(), z.float()
        carry.steps += 1
        carry.halted = decide_halting(carry.steps, halt, cfg.halt_max_steps, 0.1, rng)

    for _ in range(warmup):
        one_step()
    start = time.perf_counter()
    for _ in range(steps):
        one_step()
    rate = batch * steps / (time.perf_counter() - start)
    gc.collect()
    return rate


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--hidden", type=int, default=128, help="hidden size D")
    parser.add_argument("--H", type=int, default=2, help="T: cycles per supervision step")
    parser.add_argument("--L", type=int, default=4, help="n: latent updates per cycle")
    parser.add_argument("--prefix", type=int, default=1, help="prefix positions P")
    parser.add_argument("--batch", type=int, default=128, help="batch size")
    parser.add_argument("--steps", type=int, default=12, help="timed training steps per set-up")
    parser.add_argument("--warmup", type=int, default=3, help="untimed steps first (compilation happens here)")
    parser.add_argument("--threads", type=int, default=0, help="torch threads (0: default)")
    parser.add_argument("--skip-compile", action="store_true", help="leave out the torch.compile set-up")
    args = parser.parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)
    cfg = ModelConfig(vocab_size=11, seq_len=81, hidden_size=args.hidden, mixer="mlp", pos_encoding="none",
                      L_layers=2, H_cycles=args.H, L_cycles=args.L, halt_max_steps=16, prefix_len=args.prefix)
    fp32_peak = matmul_rate(torch.float32)
    bf16_peak = matmul_rate(torch.bfloat16)
    flops = step_flops(cfg)
    print(f"model: TRM-MLP D={cfg.hidden_size} T={cfg.H_cycles} n={cfg.L_cycles} S={cfg.carry_len}, "
          f"batch {args.batch}, {torch.get_num_threads()} threads; {flops / 1e9:.2f} GFLOP per sample-step")
    print(f"matmul 2048^3: fp32 {fp32_peak:.0f} GFLOP/s, bf16 {bf16_peak:.0f} GFLOP/s")
    setups = [("fp32 eager (baseline)", "fp32", False), ("bf16 autocast eager", "bf16", False)]
    if not args.skip_compile:
        setups.append(("bf16 autocast + compiled net", "bf16", True))
    print(f"{'set-up':<32} {'samples/s':>10} {'GFLOP/s':>8} {'% bf16 peak':>12} {'vs fp32':>8}")
    baseline = None
    for name, precision, compiled in setups:
        rate = measure(cfg, args.batch, args.steps, args.warmup + (3 if compiled else 0), precision, compiled)
        baseline = baseline or rate
        gflops = rate * flops / 1e9
        print(f"{name:<32} {rate:>10.1f} {gflops:>8.0f} {100 * gflops / bf16_peak:>11.0f}% {rate / baseline:>7.2f}x")


if __name__ == "__main__":
    main()
