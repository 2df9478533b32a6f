"""Training throughput of the Sudoku TRM-MLP on this machine, against its own matmul peaks.

    python benchmarks/train_throughput.py                 # the shipped Sudoku config
    python benchmarks/train_throughput.py --steps 20 --hidden 128 --H 3 --L 6

Measures, in one run: fp32 and bf16 2048^3 matmul rates, then full training steps (ACT carry,
forward, stablemax loss, backward, AdamW, EMA) of the same model in several set-ups: plain fp32
eager (the baseline), bf16 autocast eager, and bf16 with torch.compile. Prints sample-steps per
second, achieved GFLOP/s (counted analytically from the matmuls), the fraction of the bf16 matmul
peak, the speed-up over fp32 eager, the seconds of a step and how many of them its matmuls
take (a profile of two more steps). A last row is the ceiling: the step's matmuls alone, each
timed in bf16 at its standalone rate, everything else counted as free (`matmul_ceiling`).
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

MATMUL_OPS = ("aten::mm", "aten::addmm", "aten::bmm", "aten::_mkldnn_matmul")


def fastest_product(a: torch.Tensor, b: torch.Tensor, trials: int, repeats: int = 1, warmup: int = 2) -> float:
    """Seconds of one ``a @ b``: the best of `trials` timings of `repeats` products, after warm-up.

    The best, not the mean: a peak is what the CPU can do, and one timing on this shared machine
    varied by 30% from run to run (458-654 GFLOP/s in bf16).
    """
    for _ in range(warmup):
        a @ b
    best = float("inf")
    for _ in range(trials):
        start = time.perf_counter()
        for _ in range(repeats):
            a @ b
        best = min(best, (time.perf_counter() - start) / repeats)
    return best


def matmul_rate(dtype: torch.dtype, n: int = 2048, repeats: int = 4, trials: int = 5) -> float:
    """GFLOP/s of an n^3 matmul in `dtype` (`fastest_product`)."""
    a = torch.randn(n, n).to(dtype)
    b = torch.randn(n, n).to(dtype)
    return 2 * n**3 / fastest_product(a, b, trials, repeats) / 1e9


def step_matmuls(cfg: ModelConfig, batch: int) -> list[tuple[int, int, int, int]]:
    """Every matmul of one training step of the MLP model as (M, K, N, count): (M,K) @ (K,N).

    The recursion runs positions first, (S, B, D), as the model does: a channel SwiGLU is
    (S*B, D) @ (D, 2I) then (S*B, I) @ (I, D); the token mixing is (2I_s, S) @ (S, B*D) then
    (S, I_s) @ (I_s, B*D). T(n+1) net calls run forward, the last n+1 backward, where each
    product Y = A @ B also costs dA = dY @ B^T (M,N,K) and dB = A^T @ dY (K,M,N). The answer
    head runs once forward and once backward. A profile of the compiled bf16 step shows these
    products as its aten::mm calls, some as their transpose (the "in matmuls" column times them).
    """
    if cfg.mixer != "mlp":
        raise ValueError("the throughput benchmark covers the MLP (mlp_t) model only")
    s, d = cfg.carry_len, cfg.hidden_size
    inter, seq_inter = swiglu_width(d, cfg.expansion, cfg.multiple_of), swiglu_width(s, cfg.expansion, cfg.multiple_of)
    rows, cols = s * batch, batch * d
    block = [(rows, d, 2 * inter), (rows, inter, d), (2 * seq_inter, s, cols), (s, seq_inter, cols)]
    forward_blocks = cfg.H_cycles * (cfg.L_cycles + 1) * cfg.L_layers
    backward_blocks = (cfg.L_cycles + 1) * cfg.L_layers
    head = (batch * cfg.seq_len, d, cfg.vocab_size)
    shapes = [(m, k, n, forward_blocks) for m, k, n in block] + [(*head, 1)]
    for (m, k, n), count in [*((mkn, backward_blocks) for mkn in block), (head, 1)]:
        shapes += [(m, n, k, count), (k, m, n, count)]
    return shapes


def step_flops(cfg: ModelConfig) -> float:
    """Matmul FLOPs of one training sample-step (the products of `step_matmuls`)."""
    return sum(2 * m * k * n * count for m, k, n, count in step_matmuls(cfg, 1))


def matmul_ceiling(cfg: ModelConfig, batch: int, dtype: torch.dtype, trials: int = 5) -> float:
    """Sample-steps/s if a step were nothing but its matmuls, each at its standalone rate.

    Each product is timed alone in `dtype`, hot in cache, as (M,K) @ (K,N) and as its transpose
    (N,K) @ (K,M), with the right operand stored either way round (as F.linear reads a weight);
    the fastest of the four counts. An upper bound for any set-up that keeps these products:
    everything else in a step (norms, SiLU, loss, AdamW, EMA) is counted as free.
    """
    seconds = 0.0
    for m, k, n, count in step_matmuls(cfg, batch):
        best = float("inf")
        for rows, cols in ((m, n), (n, m)):
            a = torch.randn(rows, k).to(dtype)
            for b in (torch.randn(k, cols).to(dtype), torch.randn(cols, k).to(dtype).t()):
                best = min(best, fastest_product(a, b, trials, warmup=1))
        seconds += count * best
    return batch / seconds


def measure(
    cfg: ModelConfig, batch: int, steps: int, warmup: int, precision: str, compile_model: bool
) -> tuple[float, float]:
    """Sample-steps per second of full training steps, and the seconds per step spent in matmuls.

    The second figure comes from two more steps under torch.profiler (the self time of the
    aten::mm calls), after the timed ones, so the profiler does not slow the rate.
    """
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
    profiled = 2
    with torch.profiler.profile(activities=[torch.profiler.ProfilerActivity.CPU]) as profile:
        for _ in range(profiled):
            one_step()
    matmul_us = sum(e.self_cpu_time_total for e in profile.key_averages() if e.key in MATMUL_OPS)
    gc.collect()
    return rate, matmul_us / 1e6 / profiled


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
    header = f"{'set-up':<32} {'samples/s':>10} {'GFLOP/s':>8} {'% bf16 peak':>12} {'vs fp32':>8} {'s/step':>7}"
    print(f"{header} {'in matmuls':>11}")

    def row(name: str, rate: float, baseline: float) -> str:
        gflops = rate * flops / 1e9
        return (f"{name:<32} {rate:>10.1f} {gflops:>8.0f} {100 * gflops / bf16_peak:>11.0f}% "
                f"{rate / baseline:>7.2f}x {args.batch / rate:>7.3f}")

    baseline = 0.0
    for name, precision, compiled in setups:
        rate, matmul_seconds = measure(cfg, args.batch, args.steps, args.warmup + (3 if compiled else 0),
                                       precision, compiled)
        baseline = baseline or rate
        print(f"{row(name, rate, baseline)} {matmul_seconds:>10.3f}s")
    ceiling = matmul_ceiling(cfg, args.batch, torch.bfloat16)
    print(f"{row('bf16 matmuls alone (ceiling)', ceiling, baseline)} {args.batch / ceiling:>10.3f}s")
    print(f"3x the fp32 baseline is {3 * baseline:.1f} samples/s, a step of {args.batch / (3 * baseline):.3f} s; "
          f"the step's bf16 matmuls alone, each at its standalone rate, take {args.batch / ceiling:.3f} s")


if __name__ == "__main__":
    main()
