"""ARC pretraining (`training.arc_pretrain`): rows per canvas side, exact resume, portable
checkpoints, bad input, and test-time learning starting from its checkpoint."""

from __future__ import annotations

import json

import numpy as np
import pytest
import torch

from solver.kinds.arc import ArcPair, ArcTask
from training.arc_pretrain import (
    PretrainConfig,
    Pretrainer,
    build_rows,
    read_pretrain_state,
    run,
    ship_init,
)
from training.learn import LearnConfig, TaskLearner, load_init
from training.task_views import canvas_side


def _task(name: str, rng: np.random.Generator, size: int) -> dict:
    """A flip task of size x size grids in the combined-challenges layout."""
    def pair() -> dict:
        grid = rng.integers(0, 4, size=(size, size))
        return {"input": grid.tolist(), "output": grid[:, ::-1].tolist()}

    return {"train": [pair(), pair()], "test": [{"input": pair()["input"]}]}


@pytest.fixture()
def arc_files(tmp_path):
    rng = np.random.default_rng(0)
    challenges = {f"t{i}": _task(f"t{i}", rng, size) for i, size in enumerate((3, 3, 5))}
    solutions = {k: [np.asarray(v["test"][0]["input"])[:, ::-1].tolist()] for k, v in challenges.items()}
    (tmp_path / "c.json").write_text(json.dumps(challenges))
    (tmp_path / "s.json").write_text(json.dumps(solutions))
    return tmp_path / "c.json", tmp_path / "s.json"


def tiny(files, **overrides) -> PretrainConfig:
    base = {"challenges": str(files[0]), "solutions": str(files[1]), "views": 2, "hidden_size": 16,
            "H_cycles": 1, "L_cycles": 1, "sup_steps": 2, "batch_size": 4, "eval_rows": 3,
            "eval_minutes": 60.0, "precision": "fp32", "threads": 1}
    return PretrainConfig(**{**base, **overrides})


def test_rows_group_tasks_by_their_own_canvas_and_give_each_task_view_its_own_id(arc_files):
    cfg = tiny(arc_files)
    trainer = Pretrainer(cfg)
    assert trainer.names == ["t0", "t1", "t2"]
    assert sorted(trainer.rows) == [4, 6]  # 3x3 tasks on a 4x4 canvas, the 5x5 one on 6x6
    four = trainer.rows[4]
    assert four.tokens.shape == (2 * 3 * 2, 16)  # 2 tasks x (2 demos + 1 test pair) x 2 views
    assert sorted(set(four.ids.tolist())) == [0, 1, 2, 3]  # task 0 views 0-1, task 1 views 0-1
    assert sorted(set(trainer.rows[6].ids.tolist())) == [4, 5]


def test_a_test_output_larger_than_every_shown_grid_widens_the_pretraining_canvas():
    small = ArcPair(np.zeros((2, 2), dtype=np.int64), np.zeros((2, 2), dtype=np.int64))
    big_out = ArcPair(np.zeros((2, 2), dtype=np.int64), np.zeros((4, 4), dtype=np.int64))
    task = ArcTask("grow", (small,), (big_out,))
    assert canvas_side(task) == 3  # what test-time learning can know
    rows, names = build_rows([task], PretrainConfig(views=1))
    assert list(rows) == [5] and names == ["grow"]


def test_resume_continues_exactly_where_the_checkpoint_stopped(arc_files, tmp_path):
    straight = run(tiny(arc_files), tmp_path / "a", 600, resume=False, max_episodes=4)
    run(tiny(arc_files), tmp_path / "b", 600, resume=False, max_episodes=2)
    resumed = run(tiny(arc_files), tmp_path / "b", 600, resume=True, max_episodes=2)
    assert resumed.step == straight.step == 8 and resumed.episodes == 4
    for (name, a), b in zip(straight.model.state_dict().items(), resumed.model.state_dict().values(), strict=True):
        assert torch.equal(a, b), name
    rows = (tmp_path / "b" / "metrics.csv").read_text().splitlines()
    assert rows[0].startswith("step,") and len(rows) == 3  # the header and one row per session


def test_the_checkpoint_is_plain_data_without_absolute_paths(arc_files, tmp_path):
    run(tiny(arc_files), tmp_path / "run", 600, resume=False, max_episodes=1)
    state = torch.load(tmp_path / "run" / "checkpoint.pt", weights_only=True)  # no pickled classes
    assert not any(str(v).startswith("/") for v in state["pretrain_config"].values())
    assert not json.loads((tmp_path / "run" / "config.json").read_text())["challenges"].startswith("/")


def test_learning_a_task_starts_from_the_pretrained_network(arc_files, tmp_path):
    trainer = run(tiny(arc_files), tmp_path / "run", 600, resume=False, max_episodes=2)
    rng = np.random.default_rng(5)
    grid = rng.integers(0, 4, size=(4, 4))
    task = ArcTask("new", (ArcPair(grid, grid[:, ::-1]),), (ArcPair(grid.T, None),))
    learner = TaskLearner(task, LearnConfig(init=str(tmp_path / "run" / "checkpoint.pt"), views=2,
                                            batch_size=4, precision="fp32", threads=1))
    pretrained = trainer.model.state_dict()
    for name, value in learner.model.state_dict().items():
        if name == "puzzle_embedding.weight":  # every view starts at the mean of the task views
            mean = pretrained[name].mean(0, keepdim=True).expand_as(value)
            assert torch.allclose(value, mean)
        else:
            assert torch.equal(value, pretrained[name]), name
    assert learner.model.config.hidden_size == 16 and learner.side == 5
    learner.step(0.0)


def test_bad_runs_and_files_get_clear_errors(arc_files, tmp_path):
    with pytest.raises(ValueError, match="no such checkpoint"):
        run(tiny(arc_files), tmp_path / "none", 600, resume=True, max_episodes=1)
    run(tiny(arc_files), tmp_path / "run", 600, resume=False, max_episodes=1)
    with pytest.raises(ValueError, match="exists: pass --resume"):
        run(tiny(arc_files), tmp_path / "run", 600, resume=False, max_episodes=1)
    (tmp_path / "junk.pt").write_bytes(b"not a checkpoint")
    with pytest.raises(ValueError, match="not a readable checkpoint"):
        read_pretrain_state(tmp_path / "junk.pt")
    with pytest.raises(ValueError, match="no such file"):
        Pretrainer(tiny(arc_files, challenges=str(tmp_path / "missing.json")))
    (tmp_path / "bad.json").write_text("[1, 2]")
    with pytest.raises(ValueError, match=r"bad\.json"):
        Pretrainer(tiny(arc_files, challenges=str(tmp_path / "bad.json")))


GPU_RECIPE = ["--device", "cuda", "--precision", "bf16", "--hidden-size", "256", "--L-layers", "2",
              "--H-cycles", "3", "--L-cycles", "6", "--sup-steps", "16", "--batch-size", "512",
              "--views", "16", "--hours", "24"]


def test_the_gpu_recipe_trains_at_toy_size_on_the_cpu_and_asks_plainly_for_cuda(arc_files, tmp_path, caplog):
    """The module docstring's GPU command, with only sizes, time and device cut down: its flags
    reach the network and the checkpoint; without CUDA, `--device cuda` is a plain error."""
    from training import arc_pretrain

    doc = " ".join(arc_pretrain.__doc__.replace("\\", " ").split())
    for flag, value in zip(GPU_RECIPE[::2], GPU_RECIPE[1::2], strict=True):
        assert f"{flag} {value}" in doc, flag
    files = ["--challenges", str(arc_files[0]), "--solutions", str(arc_files[1])]
    toy = {"--device": "cpu", "--precision": "fp32", "--hidden-size": "8", "--batch-size": "4", "--views": "2",
           "--sup-steps": "2", "--L-cycles": "1", "--hours": "0.0003"}
    flags = list(GPU_RECIPE)
    for i in range(0, len(flags), 2):
        flags[i + 1] = toy.get(flags[i], flags[i + 1])
    run_dir = tmp_path / "gpu-toy"
    assert arc_pretrain.main(["--run-dir", str(run_dir), *files, *flags]) == 0
    state = read_pretrain_state(run_dir / "checkpoint.pt")
    assert state["model_config"]["hidden_size"] == 8 and state["model_config"]["H_cycles"] == 3
    assert state["pretrain_config"]["sup_steps"] == 2 and state["step"] > 0
    if not torch.cuda.is_available():
        assert arc_pretrain.main(["--run-dir", str(tmp_path / "gpu"), *files, *GPU_RECIPE]) == 1
        assert "no CUDA device" in caplog.text


def test_the_shipped_start_gives_a_new_task_exactly_what_the_checkpoint_gives(arc_files, tmp_path):
    """`--ship-init` keeps the network and the mean embedding only; a task learned from it starts
    from the very weights it would start from with the whole checkpoint."""
    run(tiny(arc_files), tmp_path / "run", 600, resume=False, max_episodes=2)
    card = ship_init(tmp_path / "run" / "checkpoint.pt", tmp_path / "arc.init.pt")
    assert card["step"] == 4 and card["tasks"] == 3
    assert json.loads((tmp_path / "arc.init.pt.json").read_text()) == card
    cfg = LearnConfig(views=3)
    whole = load_init(str(tmp_path / "run" / "checkpoint.pt"), 6, cfg).state_dict()
    shipped = load_init(str(tmp_path / "arc.init.pt"), 6, cfg).state_dict()
    assert whole.keys() == shipped.keys()
    for name, value in whole.items():
        assert torch.allclose(value, shipped[name], atol=1e-7), name
    assert (tmp_path / "arc.init.pt").stat().st_size < (tmp_path / "run" / "checkpoint.pt").stat().st_size
    with pytest.raises(ValueError, match="no such checkpoint"):
        ship_init(tmp_path / "nothing.pt", tmp_path / "x.pt")
