"""The loop end to end: it learns, resumes exactly, and stays in sync across DDP ranks."""

from __future__ import annotations

import csv
import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

import pytest
import torch

from training.checkpoint import load_checkpoint, save_checkpoint
from training.config import TrainConfig
from training.train import lr_at, run

ROOT = Path(__file__).resolve().parents[2]


def _weights(path):
    state = load_checkpoint(path)
    return state["model"], state["ema"]["shadow"], state["step"]


def test_a_session_stopped_after_7_steps_resumes_to_identical_weights(tiny_model_config, tiny_train_config, tmp_path):
    """In one process: a clean stop that writes its checkpoint, evaluation off, no compile. Real
    signals, a kill, evaluation and --compile: the slow subprocess test below."""
    straight = replace(tiny_train_config, run_dir=str(tmp_path / "straight"))
    run(tiny_model_config, straight)
    killed = replace(tiny_train_config, run_dir=str(tmp_path / "killed"))
    run(tiny_model_config, killed, stop_after=7)  # stopped after 7 of 12 steps
    assert _weights(tmp_path / "killed" / "checkpoint.pt")[2] == 7
    run(tiny_model_config, killed, resume=True)
    a_model, a_ema, a_step = _weights(tmp_path / "straight" / "checkpoint.pt")
    b_model, b_ema, b_step = _weights(tmp_path / "killed" / "checkpoint.pt")
    assert a_step == b_step == 12
    for key in a_model:
        assert torch.equal(a_model[key], b_model[key]), key
    for x, y in zip(a_ema, b_ema, strict=True):
        assert torch.equal(x, y)
    rows = list(csv.DictReader((tmp_path / "killed" / "metrics.csv").open()))
    # The killed session logged its partial window at step 7; resume drops nothing before it.
    assert [int(r["step"]) for r in rows] == [4, 7, 8, 12]


def test_resume_restores_the_loss_scaler(tiny_model_config, tiny_train_config, tmp_path, monkeypatch):
    """fp16 runs scale the loss; a resumed run must go on with the scale and growth tracker it had.

    fp16 autocast needs CUDA, so the CPU run gets a scaler directly. Growing every 3 steps from
    2**40, a run resumed at step 7 with a fresh scaler would end at 2**41 instead of 2**44.
    """
    monkeypatch.setattr(
        "training.train.grad_scaler",
        lambda plan: torch.amp.GradScaler("cpu", init_scale=2.0**40, growth_interval=3),
    )
    straight = replace(tiny_train_config, run_dir=str(tmp_path / "straight"))
    run(tiny_model_config, straight)
    killed = replace(tiny_train_config, run_dir=str(tmp_path / "killed"))
    run(tiny_model_config, killed, stop_after=7)
    assert load_checkpoint(tmp_path / "killed" / "checkpoint.pt")["scaler"]["scale"] == 2.0**42
    run(tiny_model_config, killed, resume=True)
    a = load_checkpoint(tmp_path / "straight" / "checkpoint.pt")
    b = load_checkpoint(tmp_path / "killed" / "checkpoint.pt")
    assert a["scaler"]["scale"] == 2.0**44
    assert b["scaler"] == a["scaler"]
    for key in a["model"]:
        assert torch.equal(a["model"][key], b["model"][key]), key


def test_checkpoint_errors_name_the_problem(tmp_path):
    bad = tmp_path / "bad.pt"
    bad.write_bytes(b"not a checkpoint")
    with pytest.raises(ValueError, match="not a readable checkpoint"):
        load_checkpoint(bad)
    with pytest.raises(ValueError, match="no such checkpoint"):
        load_checkpoint(tmp_path / "missing.pt")
    other = tmp_path / "other.pt"
    torch.save({"weights": 1}, other)
    with pytest.raises(ValueError, match="not a trm-puzzles checkpoint"):
        load_checkpoint(other)
    partial = tmp_path / "partial.pt"
    save_checkpoint({"model_config": {}}, partial)
    with pytest.raises(ValueError, match="lacks"):
        load_checkpoint(partial)


def test_lr_schedule():
    cfg = TrainConfig(lr=1.0, lr_warmup_steps=10, steps=110, lr_min_ratio=0.1)
    assert lr_at(0, cfg) == pytest.approx(0.1)
    assert lr_at(9, cfg) == pytest.approx(1.0)
    assert lr_at(110, cfg) == pytest.approx(0.1)
    assert lr_at(60, cfg) == pytest.approx(0.55)


def test_lr_decay_can_start_late():
    cfg = TrainConfig(lr=1.0, lr_warmup_steps=10, steps=110, lr_min_ratio=0.0, lr_decay_from=60)
    assert lr_at(59, cfg) == pytest.approx(1.0)
    assert lr_at(85, cfg) == pytest.approx(0.5)
    assert lr_at(110, cfg) == pytest.approx(0.0)


def test_a_resume_may_add_a_decay_only_after_the_steps_already_taken():
    from training.__main__ import check_schedule_kept

    constant = TrainConfig(lr=1.0, lr_warmup_steps=10, steps=1000)
    check_schedule_kept(constant, replace(constant, steps=2000, lr_min_ratio=0.1, lr_decay_from=500), 500)
    with pytest.raises(ValueError, match=r"step 101, already taken.*--lr-decay-from 500"):
        check_schedule_kept(constant, replace(constant, lr_min_ratio=0.1, lr_decay_from=100), 500)
    with pytest.raises(ValueError, match="already taken"):  # no decay start: it would begin at warmup
        check_schedule_kept(constant, replace(constant, lr_min_ratio=0.1), 500)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _ddp_worker(rank: int, world: int, port: int, model_cfg, train_cfg, out_dir: str) -> None:
    os.environ.update(MASTER_ADDR="127.0.0.1", MASTER_PORT=str(port), WORLD_SIZE=str(world),
                      RANK=str(rank), LOCAL_RANK=str(rank))
    import torch.distributed as dist

    from training.train import DistInfo, Trainer

    dist.init_process_group("gloo", rank=rank, world_size=world)
    trainer = Trainer(model_cfg, train_cfg, DistInfo(rank, world, rank))
    for _ in range(5):
        trainer.train_step()
    flat = torch.cat([p.detach().flatten() for p in trainer.model.parameters()])
    gathered = [torch.empty_like(flat) for _ in range(world)]
    dist.all_gather(gathered, flat)
    # Different data per rank, yet identical weights: gradients were averaged.
    torch.save({"same": all(torch.equal(gathered[0], g) for g in gathered),
                "tokens_differ": True}, f"{out_dir}/rank{rank}.pt")
    # As `training.train.run` does: both ranks reach the end before either tears gloo down. Without
    # it, one CI run saw rank 1 abort at exit ("terminate called without an active exception").
    dist.barrier()
    dist.destroy_process_group()


@pytest.mark.skipif(sys.platform == "win32", reason="gloo test uses fork-free spawn on POSIX")
def test_two_gloo_processes_stay_in_sync(tiny_model_config, tiny_train_config, tmp_path):
    import torch.multiprocessing as tmp

    cfg = replace(tiny_train_config, run_dir=str(tmp_path / "ddp"))
    tmp.spawn(_ddp_worker, args=(2, _free_port(), tiny_model_config, cfg, str(tmp_path)), nprocs=2)
    for rank in range(2):
        assert torch.load(tmp_path / f"rank{rank}.pt")["same"]


def test_short_run_learns(tiny_model_config, tiny_train_config, tmp_path):
    """A slightly bigger tiny run: the answer loss falls well below its start."""
    model_cfg = replace(tiny_model_config, hidden_size=32, multiple_of=32)
    cfg = replace(tiny_train_config, run_dir=str(tmp_path / "learn"), steps=60, batch_size=32,
                  lr=3e-3, log_every=10, checkpoint_every=60, pool_counts={"singles": 100},
                  extra_givens=(30, 45), extra_givens_prob=1.0)
    run(model_cfg, cfg)
    rows = list(csv.DictReader((tmp_path / "learn" / "metrics.csv").open()))
    first, last = float(rows[0]["answer_loss"]), float(rows[-1]["answer_loss"])
    assert last < 0.8 * first


def test_init_from_carries_a_grid_model_to_a_bigger_maze(tiny_model_config, tiny_train_config, tmp_path):
    """Fine-tuning: a grid-mixer maze model trained on 7x7 starts a 9x9 run with its EMA weights."""
    from training.checkpoint import ema_model_from_checkpoint
    from training.train import Trainer

    small = replace(tiny_model_config, mixer="grid", vocab_size=6, seq_len=49)
    maze = dict(kind="maze", maze_pool=16, maze_min_path=4, augment=True, eval_every=0)
    first = replace(tiny_train_config, run_dir=str(tmp_path / "small"), codec="maze-7x7-v1", maze_size=7, steps=3, **maze)
    ckpt = run(small, first)
    big = replace(small, seq_len=81)
    second = replace(first, run_dir=str(tmp_path / "big"), codec="maze-9x9-v1", maze_size=9, init_from=str(ckpt))
    trainer = Trainer(big, second)
    donor = ema_model_from_checkpoint(load_checkpoint(ckpt)).state_dict()
    for key, value in trainer.model.state_dict().items():
        assert torch.equal(value, donor[key]), key
    # An MLP-mixer model's weights are tied to its size: a clear error, not a crash.
    with pytest.raises(ValueError, match="grid"):
        Trainer(replace(tiny_model_config, vocab_size=6, seq_len=81), replace(second, init_from=str(
            run(replace(tiny_model_config, vocab_size=6, seq_len=49), replace(first, run_dir=str(tmp_path / "mlp"))))))


def test_resume_accepts_a_checkpoint_from_before_a_config_field_existed(tiny_model_config, tiny_train_config, tmp_path):
    """Fields added later (here grid_kernel, init_from) take their defaults; the run resumes."""
    cfg = replace(tiny_train_config, run_dir=str(tmp_path / "old"), steps=4)
    ckpt = run(tiny_model_config, cfg)
    state = load_checkpoint(ckpt)
    del state["model_config"]["grid_kernel"]
    del state["train_config"]["init_from"]
    save_checkpoint(state, ckpt)
    run(tiny_model_config, replace(cfg, steps=6), resume=True)
    assert load_checkpoint(ckpt)["step"] == 6


def test_evaluations_happen_on_their_own_schedule(tiny_model_config, tiny_train_config, tmp_path):
    """eval_every need not be a multiple of log_every: every evaluation gets a metrics row."""
    cfg = replace(tiny_train_config, run_dir=str(tmp_path / "ev"), steps=6, log_every=4, eval_every=3, eval_count=4)
    run(tiny_model_config, cfg)
    rows = list(csv.DictReader((tmp_path / "ev" / "metrics.csv").open()))
    assert [int(r["step"]) for r in rows] == [3, 4, 6]
    assert [bool(r["eval_exact"]) for r in rows] == [True, False, True]


# --------------------------------------------------------------------------------------------
# Real interruptions: `python -m training` in a subprocess, stopped by a signal, resumed


TINY_RUN = [
    "--vocab-size", "11", "--seq-len", "81", "--hidden-size", "16", "--num-heads", "2",
    "--expansion", "2.0", "--L-layers", "1", "--H-cycles", "2", "--L-cycles", "2",
    "--halt-max-steps", "4", "--mixer", "mlp", "--pos-encoding", "none", "--prefix-len", "1",
    "--multiple-of", "16", "--batch-size", "8", "--lr", "1e-3", "--lr-warmup-steps", "3",
    "--log-every", "4", "--checkpoint-every", "4", "--eval-every", "8", "--eval-count", "4",
    "--pool-counts", '{"singles": 40}', "--extra-givens-prob", "0.5", "--threads", "1",
    "--seed", "3", "--device", "cpu", "--precision", "fp32", "-q",
]
STEPS = 60


def _train(run_dir, *more: str) -> subprocess.Popen:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    return subprocess.Popen([sys.executable, "-m", "training", "--run-dir", str(run_dir), *more],
                            cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def _finish(process: subprocess.Popen, timeout: float = 300) -> tuple[int, str]:
    out, _ = process.communicate(timeout=timeout)
    return process.returncode, out


@pytest.mark.slow
@pytest.mark.parametrize(("how", "compile_"), [
    (signal.SIGINT, "false"), (signal.SIGTERM, "false"), (signal.SIGKILL, "false"), (signal.SIGTERM, "true"),
], ids=["sigint", "sigterm", "sigkill", "sigterm-compiled"])
def test_a_run_stopped_by_a_signal_and_resumed_ends_with_the_uninterrupted_weights(tmp_path, how, compile_):
    """Evaluation on, in its own process, with or without --compile. SIGINT and SIGTERM stop the
    run after its current step with a checkpoint; SIGKILL leaves the last periodic one (every
    4 steps) and the metrics rows written after it, which the resume drops."""
    flags = [*TINY_RUN, "--compile", compile_, "--steps", str(STEPS)]
    code, out = _finish(_train(tmp_path / "straight", *flags))
    assert code == 0, out
    stopped = tmp_path / "stopped"
    process = _train(stopped, *flags)
    ckpt = stopped / "checkpoint.pt"
    deadline = time.monotonic() + 240
    while not ckpt.exists() and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.01)  # the first periodic checkpoint (step 4): the signal handlers are in place
    process.send_signal(how)
    code, out = _finish(process)
    assert code == (-signal.SIGKILL if how == signal.SIGKILL else 0), out
    at = load_checkpoint(ckpt)["step"]
    assert 4 <= at < STEPS, f"the run was at step {at} of {STEPS} when it stopped"
    code, out = _finish(_train(stopped, "--resume", "-q"))
    assert code == 0, out
    a_model, a_ema, a_step = _weights(tmp_path / "straight" / "checkpoint.pt")
    b_model, b_ema, b_step = _weights(ckpt)
    assert a_step == b_step == STEPS
    for key in a_model:
        assert torch.equal(a_model[key], b_model[key]), key
    for x, y in zip(a_ema, b_ema, strict=True):
        assert torch.equal(x, y)
    # The metrics: no step twice, none lost; the held-out figures at every evaluation step are
    # the uninterrupted run's. A row's loss is the mean since the row before, so it matches where
    # the windows match: before the stop, and everywhere after a SIGKILL (whose resume drops the
    # rows written after the periodic checkpoint and goes on from its step, on the same grid).
    straight_rows = {int(r["step"]): r for r in csv.DictReader((tmp_path / "straight" / "metrics.csv").open())}
    rows = {int(r["step"]): r for r in csv.DictReader((stopped / "metrics.csv").open())}
    assert set(straight_rows) <= set(rows) and max(rows) == STEPS
    assert len(rows) == len(list(csv.DictReader((stopped / "metrics.csv").open())))
    for step, r in straight_rows.items():
        if r["eval_exact"]:
            assert (rows[step]["eval_exact"], rows[step]["eval_token"]) == (r["eval_exact"], r["eval_token"]), step
        if step <= at or how == signal.SIGKILL:
            assert rows[step]["loss"] == r["loss"], step
    if how == signal.SIGKILL:
        assert set(rows) == set(straight_rows)
