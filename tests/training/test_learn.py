"""Test-time learning of one ARC task: the loop, the JSON-lines process, cancel, bad input, and
trm-solve's submission layout. A synthetic "swap two colours" task stands in for ARC."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
import torch

from solver.kinds.arc import ArcCodec, ArcPair, ArcTask
from solver.kinds.arc.formats import format_arc_task
from solver.learn_solve import solve_task_tests
from solver.learning import LearnEvent, LearningProcess
from training.learn import (
    LearnConfig,
    build_parser,
    config_from_args,
    learn,
    load_init,
    read_task,
    resolve_init,
)
from training.task_views import canvas_side, demo_rows


def swap_task(seed: int = 0, demos: int = 4, tests: int = 1) -> ArcTask:
    """Colours 1 and 2 trade places; 0 and 5 stay. Grids 3x3 to 5x5."""
    rng = np.random.default_rng(seed)

    def pair() -> ArcPair:
        h, w = (int(v) for v in rng.integers(3, 6, size=2))
        grid = rng.choice(np.array([0, 1, 2, 5]), size=(h, w))
        out = grid.copy()
        out[grid == 1], out[grid == 2] = 2, 1
        return ArcPair(grid, out)

    return ArcTask("swap", tuple(pair() for _ in range(demos)), tuple(pair() for _ in range(tests)))


def quick(**overrides) -> LearnConfig:
    base = {"seconds": 4.0, "views": 2, "hidden_size": 16, "H_cycles": 1, "L_cycles": 1, "sup_steps": 2,
            "batch_size": 8, "check_every": 1.0, "precision": "fp32", "threads": 1}
    return LearnConfig(**{**base, **overrides})


def test_demo_rows_cover_every_demo_in_every_view():
    task = swap_task()
    codec = ArcCodec(canvas_side(task), 8)
    rows = demo_rows(task, codec)
    assert len(rows) == 4 * 8
    assert rows.tokens.shape == (32, 1 + codec.side**2)
    assert list(rows.tokens[:8, 0]) == list(range(8))  # the view token
    assert (rows.labels[:, 0] == 0).all()  # never supervised
    assert canvas_side(task) == max(max(p.input.shape) for p in task.train + task.test) + 1


def test_learning_the_swap_task_answers_its_held_out_test(tmp_path):
    """The point of the feature, at toy scale: a rule learned from four demos, applied to a test
    input the learner never saw. Seconds on one core."""
    task = swap_task(seed=1)
    events: list[dict] = []
    done = learn(task, LearnConfig(seconds=40.0, views=8, threads=1, precision="fp32", seed=0),
                 tmp_path, events.append)
    assert events[0]["event"] == "start" and events[-1] is done
    assert done["demos_wrong"] == [], done
    [(grids, votes)] = solve_task_tests(tmp_path / "model.onnx", [task.test[0].input], attempts=2)
    assert np.array_equal(grids[0], task.test[0].output), (grids[0], task.test[0].output)
    assert votes[0] >= 4  # most of the 8 views agree


def test_progress_protocol_and_files(tmp_path):
    task = swap_task()
    events: list[dict] = []
    done = learn(task, quick(), tmp_path, events.append)
    kinds = [e["event"] for e in events]
    assert kinds[0] == "start" and kinds[-1] == "done" and "progress" in kinds
    start = events[0]
    assert start["protocol"] == 1 and start["views"] == 2 and start["codec"] == f"arc-canvas{start['side']}-views2-v1"
    for e in events:
        assert LearnEvent.parse(json.dumps(e)) is not None  # what the app reads back
    progress = [e for e in events if e["event"] == "progress"]
    assert all(0 <= e["demo_exact"] <= 1 and e["seconds"] <= e["budget"] + 2.0 for e in progress)
    assert [e["step"] for e in progress] == sorted(e["step"] for e in progress)
    card = json.loads((tmp_path / "model.onnx.json").read_text())
    assert card["kind"] == "arc" and card["codec"] == done["codec"] and card["id_tokens"] == 1
    assert card["provenance"]["parity"]["argmax_agreement"] > 0.99
    assert (tmp_path / "learned.pt").is_file()


def test_init_from_a_learned_model(tmp_path):
    task = swap_task()
    learn(task, quick(), tmp_path / "a", lambda e: None)
    done = learn(task, quick(init=str(tmp_path / "a" / "learned.pt"), views=3), tmp_path / "b", lambda e: None)
    assert done["codec"].endswith("views3-v1")


def test_init_refuses_a_file_that_is_no_checkpoint(tmp_path):
    bad = tmp_path / "bad.pt"
    bad.write_bytes(b"not a checkpoint")
    with pytest.raises(ValueError, match=r"bad\.pt: not a readable checkpoint"):
        learn(swap_task(), quick(init=str(bad)), tmp_path / "out", lambda e: None)


def test_read_task_names_the_problem(tmp_path):
    path = tmp_path / "t.json"
    path.write_text('{"train": [{"input": [[1]], "output": [[1]]}], "test": [{"input": [[12]]}]}')
    with pytest.raises(ValueError, match=r"t.json: .*colour 12"):
        read_task(path, None)
    combined = tmp_path / "c.json"
    combined.write_text(json.dumps({"a": json.loads(format_arc_task(swap_task())),
                                    "b": json.loads(format_arc_task(swap_task(2)))}))
    with pytest.raises(ValueError, match="2 tasks; name one with --task"):
        read_task(combined, None)
    assert read_task(combined, "b").name == "b"
    with pytest.raises(ValueError, match="no task 'zz'"):
        read_task(combined, "zz")


def _start(tmp_path, seconds: float, *extra: str) -> LearningProcess:
    task = tmp_path / "swap.json"
    task.write_text(format_arc_task(swap_task()), encoding="utf-8")
    return LearningProcess.start(task, tmp_path / "out", seconds, extra=[
        "--views", "2", "--hidden-size", "16", "--T", "1", "--n", "1", "--sup-steps", "2",
        "--batch-size", "8", "--check-every", "0.5", "--precision", "fp32", "--threads", "1", *extra])


def test_the_process_streams_json_lines_and_writes_a_model(tmp_path):
    process = _start(tmp_path, 3.0)
    events = list(process.events())
    process.close()
    assert events[0].kind == "start" and events[-1].kind == "done", [e.data for e in events]
    assert (tmp_path / "out" / "model.onnx").is_file()
    assert process.popen.returncode == 0


def test_cancel_stops_the_process_at_once(tmp_path):
    process = _start(tmp_path, 120.0)
    events = process.events()
    first = next(events)
    assert first.kind == "start"
    began = time.perf_counter()
    process.cancel()
    rest = list(events)
    assert rest[-1].kind == "cancelled", [e.data for e in rest]
    assert time.perf_counter() - began < 10
    assert process.popen.returncode == 130
    assert not (tmp_path / "out" / "model.onnx").exists()
    process.close()


def test_a_bad_task_file_is_an_error_event(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    run = subprocess.run([sys.executable, "-m", "training.learn", str(bad), "--out", str(tmp_path / "o"),
                          "--seconds", "1"], capture_output=True, text=True, timeout=120)
    assert run.returncode == 1
    event = json.loads(run.stdout.strip().splitlines()[-1])
    assert event["event"] == "error" and "bad.json" in event["message"]


def test_trm_solve_writes_the_submission_layout(tmp_path):
    from solver.cli import main

    tasks = {"first": json.loads(format_arc_task(swap_task(3, tests=2))),
             "second": json.loads(format_arc_task(swap_task(4)))}
    challenges = tmp_path / "challenges.json"
    challenges.write_text(json.dumps(tasks))
    out = tmp_path / "answers.json"
    code = main([str(challenges), "--kind", "arc", "--learn-seconds", "2", "--learn-threads", "1",
                 "--out", str(out)])
    assert code == 0
    answers = json.loads(out.read_text())
    assert set(answers) == {"first", "second"}
    assert len(answers["first"]) == 2 and len(answers["second"]) == 1
    for entries in answers.values():
        for entry in entries:
            assert set(entry) <= {"attempt_1", "attempt_2"} and "attempt_1" in entry
            assert all(isinstance(row, list) for row in entry["attempt_1"])


SHIPPED_INIT = Path(__file__).resolve().parents[2] / "assets" / "models" / "arc.init.pt"


def test_learning_starts_from_the_shipped_pretrained_model_unless_told_otherwise(tmp_path):
    """The learner's default --init is the installation's pretrained ARC model; --init none and a
    size of one's own learn from scratch; a named checkpoint with a size flag is refused."""
    def init(*argv: str) -> str:
        return config_from_args(build_parser().parse_args(["t.json", "--out", "o", *argv])).init

    assert SHIPPED_INIT.is_file()
    assert init() == str(SHIPPED_INIT)
    assert init("--init", "shipped") == str(SHIPPED_INIT)
    assert init("--init", "none") == ""
    assert init("--hidden-size", "16") == ""  # a size of one's own: from scratch
    assert init("--init", "x.pt") == "x.pt"
    with pytest.raises(ValueError, match=r"--hidden-size, --T with --init x\.pt: a checkpoint brings its own sizes"):
        resolve_init("x.pt", ["--hidden-size", "--T"])
    bad = subprocess.run([sys.executable, "-m", "training.learn", "t.json", "--out", str(tmp_path / "o"),
                          "--init", "x.pt", "--n", "2"], capture_output=True, text=True, timeout=120)
    assert bad.returncode == 1 and "--n with --init x.pt" in json.loads(bad.stdout.splitlines()[-1])["message"]


def test_the_shipped_start_holds_the_pretrained_network_and_its_card():
    card = json.loads(SHIPPED_INIT.with_name("arc.init.pt.json").read_text())
    state = torch.load(SHIPPED_INIT, map_location="cpu", weights_only=True)  # plain data only
    assert card["format"] == state["format"] == "trm-puzzles-arc-init" and card["step"] == state["step"] > 0
    assert state["model"]["puzzle_embedding.weight"].shape[0] == 1  # the mean of the task views
    model = load_init(str(SHIPPED_INIT), 7, LearnConfig(views=8))
    assert model.config.hidden_size == card["model_config"]["hidden_size"] and model.config.seq_len == 49
