"""ARC task parsing and validation, the Kaggle layout, and TRM's canvas codec."""

from __future__ import annotations

import contextlib
import json
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from solver.codec import TokenCodec
from solver.kinds import codec_for
from solver.kinds.arc import (
    ARC_CODEC,
    EOS_ID,
    ArcPair,
    ArcTask,
    decode_arc_grid,
    encode_arc_grid,
    format_arc_task,
    load_arc_challenges,
    load_arc_task,
    parse_arc_challenges,
    parse_arc_task,
)
from tests.shared_data import shared_data

SMALL_TASK = {
    "train": [{"input": [[1, 0], [0, 1]], "output": [[2, 2]]}],
    "test": [{"input": [[3]], "output": [[4, 5, 6]]}],
}


@st.composite
def grids(draw: st.DrawFn, max_size: int = 30) -> np.ndarray:
    height = draw(st.integers(1, max_size))
    width = draw(st.integers(1, max_size))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    return rng.integers(0, 10, size=(height, width)).astype(np.uint8)


@st.composite
def tasks(draw: st.DrawFn) -> ArcTask:
    def pair(with_output: bool) -> ArcPair:
        return ArcPair(draw(grids(8)), draw(grids(8)) if with_output else None)

    train = tuple(pair(True) for _ in range(draw(st.integers(1, 3))))
    test = tuple(pair(draw(st.booleans())) for _ in range(draw(st.integers(1, 2))))
    return ArcTask("t", train, test)


def _reference_crop(tokens: np.ndarray) -> np.ndarray:
    """The evaluator's crop written as a plain loop: the largest top-left colour rectangle."""
    canvas = tokens.reshape(30, 30)
    best, size = 0, (0, 0)
    width = 30
    for rows in range(1, 31):
        for col in range(width):
            if not 2 <= canvas[rows - 1, col] <= 11:
                width = col
                break
        if rows * width > best:
            best, size = rows * width, (rows, width)
    return (canvas[: size[0], : size[1]] - 2).astype(np.uint8)


# ------------------------------------------------------------------------------- round trips


@settings(max_examples=40, deadline=None)
@given(tasks())
def test_format_parse_round_trip(task: ArcTask) -> None:
    assert parse_arc_task(format_arc_task(task), name="t") == task


def test_parse_accepts_text_bytes_and_objects() -> None:
    task = parse_arc_task(SMALL_TASK, name="small")
    assert task.name == "small"
    assert parse_arc_task(json.dumps(SMALL_TASK), "small") == task
    assert parse_arc_task(json.dumps(SMALL_TASK).encode(), "small") == task
    assert task.test[0].output is not None and task.test[0].output.tolist() == [[4, 5, 6]]
    assert task.train[0].input.dtype == np.uint8


def test_test_output_is_optional() -> None:
    task = parse_arc_task({"train": SMALL_TASK["train"], "test": [{"input": [[1]]}]})
    assert task.test[0].output is None
    assert "output" not in json.loads(format_arc_task(task))["test"][0]


def test_load_task_names_it_after_the_file(tmp_path: Path) -> None:
    path = tmp_path / "abc123.json"
    path.write_text(json.dumps(SMALL_TASK))
    assert load_arc_task(path).name == "abc123"
    path.write_text('{"train": 3}')
    with pytest.raises(ValueError, match=r"abc123\.json: train: must be a list"):
        load_arc_task(path)


# ------------------------------------------------------------------------------- real files


def test_kaggle_training_set_with_solutions() -> None:
    training = shared_data("arc", "arc-agi_training_challenges.json")
    tasks_ = load_arc_challenges(training, shared_data("arc", "arc-agi_training_solutions.json"))
    assert len(tasks_) == 400
    assert all(p.output is not None for t in tasks_ for p in t.test)
    first = tasks_[0]
    assert parse_arc_task(format_arc_task(first), first.name) == first
    without = parse_arc_challenges(training.read_text())
    assert [t.name for t in without] == [t.name for t in tasks_]
    assert all(p.output is None for t in without for p in t.test)


def test_arc_agi_2_per_task_files_load_round_trip_and_encode() -> None:
    paths = sorted(shared_data("arc", "arc-agi-2_evaluation_official").glob("*.json"))
    assert paths
    for path in paths:
        task = load_arc_task(path)
        assert parse_arc_task(format_arc_task(task), task.name) == task
        for pair in task.train + task.test:
            for grid in (pair.input, pair.output):
                if grid is not None:
                    assert np.array_equal(decode_arc_grid(encode_arc_grid(grid)), grid)


# ------------------------------------------------------------------------------- validation


def _task_with(**changes: object) -> dict[str, object]:
    task = json.loads(json.dumps(SMALL_TASK))
    for key, value in changes.items():
        task[key] = value
    return task


BIG_TRAIN = [
    {"input": [[0]], "output": [[0]]},
    {"input": [[0] * 4] * 31, "output": [[0]]},
    {"input": [[0]], "output": [[0] * 8 for _ in range(5)] + [[0] * 7 + [12]]},
]


@pytest.mark.parametrize(
    ("task", "message"),
    [
        (
            _task_with(train=BIG_TRAIN[:1] * 2 + BIG_TRAIN[2:]),
            "train[2].output[5][7]: colour 12 out of range 0-9",
        ),
        (_task_with(train=BIG_TRAIN[:2]), "train[1].input: 31x4 grid is over 30x30"),
        (
            _task_with(test=[{"input": [[0] * 5, [0] * 5, [0] * 5, [0] * 4]}]),
            "test[0].input: ragged grid (row 3 has 4 cells, row 0 has 5)",
        ),
        (_task_with(test=[{"input": [[0] * 31]}]), "test[0].input: 1x31 grid is over 30x30"),
        (_task_with(test=[{"input": []}]), "test[0].input: empty grid"),
        (_task_with(test=[{"input": [[]]}]), "test[0].input[0]: empty row"),
        (_task_with(test=[{"output": [[1]]}]), "test[0]: missing key 'input'"),
        (_task_with(train=[{"input": [[1]]}]), "train[0]: missing key 'output'"),
        ({"test": SMALL_TASK["test"]}, "task: missing key 'train'"),
        (_task_with(train={}), "train: must be a list of pairs, not an object"),
        (_task_with(train=[]), "train: no pairs"),
        (_task_with(train=[[1]]), "train[0]: pair must be an object, not a list"),
        (_task_with(test=[{"input": "0 1"}]), "test[0].input: grid must be a list of rows"),
        (_task_with(test=[{"input": [1, 2]}]), "test[0].input[0]: row must be a list"),
        (_task_with(test=[{"input": [[1.5]]}]), "test[0].input[0][0]: colour must be an int"),
        (_task_with(test=[{"input": [[True]]}]), "test[0].input[0][0]: colour must be an int"),
        (_task_with(test=[{"input": [[-1]]}]), "test[0].input[0][0]: colour -1 out of range 0-9"),
        ([1, 2], "task: must be an object"),
    ],
)
def test_validation_names_the_json_path(task: object, message: str) -> None:
    with pytest.raises(ValueError) as err:
        parse_arc_task(task)  # type: ignore[arg-type]
    assert message in str(err.value)


def test_invalid_json_names_line_and_column() -> None:
    with pytest.raises(ValueError, match="invalid JSON at line 2, column 1"):
        parse_arc_task('{"train": [],\n}')
    with pytest.raises(ValueError, match="nested too deeply"):
        parse_arc_task("[" * 100_000)
    with pytest.raises(ValueError, match="not UTF-8"):
        parse_arc_task(b"\xff\xfe{}")


def test_kaggle_validation() -> None:
    challenges = {"aa": {"train": SMALL_TASK["train"], "test": [{"input": [[1]]}]}}
    with pytest.raises(ValueError, match=r"solutions\[aa\]: 2 outputs for 1 test inputs"):
        parse_arc_challenges(challenges, {"aa": [[[1]], [[2]]]})
    with pytest.raises(ValueError, match=r"solutions\[aa\]\[0\]\[0\]\[0\]: colour 10"):
        parse_arc_challenges(challenges, {"aa": [[[10]]]})
    bad = {"aa": {"train": [{"input": [[1]]}], "test": [{"input": [[1]]}]}}
    with pytest.raises(ValueError, match=r"aa.train\[0\]: missing key 'output'"):
        parse_arc_challenges(bad)
    with pytest.raises(ValueError, match="challenges: must map task ids"):
        parse_arc_challenges("[]")
    (task,) = parse_arc_challenges(challenges, {"aa": [[[7]]]})
    assert task.name == "aa" and task.test[0].output is not None


def test_pairs_validate_directly_constructed_grids() -> None:
    with pytest.raises(ValueError, match="input"):
        ArcPair(np.zeros((0, 3), dtype=np.uint8))
    with pytest.raises(ValueError, match="colour 10"):
        ArcPair(np.full((2, 2), 10))


VALID_JSON = json.dumps(SMALL_TASK)
VALID_KAGGLE = json.dumps({"x1": SMALL_TASK})


@st.composite
def mutated(draw: st.DrawFn, base: str) -> str:
    text = base
    alphabet = st.sampled_from(list('[]{},:"0123456789-.e ')) | st.characters()
    for _ in range(draw(st.integers(1, 6))):
        op = draw(st.sampled_from(["replace", "delete", "insert"]))
        i = draw(st.integers(0, len(text) - 1))
        if op == "insert":
            text = text[:i] + draw(alphabet) + text[i:]
        elif op == "delete":
            text = text[:i] + text[i + 1 :]
        else:
            text = text[:i] + draw(alphabet) + text[i + 1 :]
    return text


def _only_value_error(text: str) -> None:
    with contextlib.suppress(ValueError):
        parse_arc_task(text)
    with contextlib.suppress(ValueError):
        parse_arc_challenges(text)
    with contextlib.suppress(ValueError):
        parse_arc_challenges(VALID_KAGGLE, text)


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=200))
def test_random_text_raises_only_value_error(text: str) -> None:
    _only_value_error(text)


@settings(max_examples=200, deadline=None)
@given(st.one_of(mutated(VALID_JSON), mutated(VALID_KAGGLE)))
def test_mutated_json_raises_only_value_error(text: str) -> None:
    _only_value_error(text)


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers(-3, 12) | st.floats() | st.text(max_size=3),
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(
            st.sampled_from(["train", "test", "input", "output", "x"]), inner, max_size=4
        )
    ),
    max_leaves=30,
)


@settings(max_examples=150, deadline=None)
@given(JSON_VALUES)
def test_random_json_objects_raise_only_value_error(obj: object) -> None:
    for parse in (parse_arc_task, parse_arc_challenges):
        with contextlib.suppress(ValueError):
            parse(obj)  # type: ignore[arg-type]


# ------------------------------------------------------------------------------- codec


def test_codec_contract_and_registry() -> None:
    assert isinstance(ARC_CODEC, TokenCodec)
    assert (ARC_CODEC.name, ARC_CODEC.kind, ARC_CODEC.vocab_size) == ("arc-canvas30-v1", "arc", 12)
    assert (ARC_CODEC.seq_len, ARC_CODEC.pad_id) == (900, 0)
    assert codec_for("arc-canvas30-v1") is ARC_CODEC


def test_encoding_layout_is_trm_canvas_with_eos_l() -> None:
    canvas = encode_arc_grid([[0, 9, 3], [5, 1, 2]]).reshape(30, 30)
    assert canvas.dtype == np.int64
    assert canvas[:2, :3].tolist() == [[2, 11, 5], [7, 3, 4]]
    assert canvas[2, :3].tolist() == [EOS_ID] * 3  # row below, across the width
    assert canvas[:2, 3].tolist() == [EOS_ID] * 2  # column right, down the height
    assert canvas[2, 3] == 0  # the corner of the L stays PAD
    assert (canvas[3:, :] == 0).all() and (canvas[:, 4:] == 0).all()
    full_width = encode_arc_grid(np.zeros((4, 30), dtype=np.uint8)).reshape(30, 30)
    assert (full_width[4] == EOS_ID).all() and (full_width[:4] == 2).all()
    full = encode_arc_grid(np.ones((30, 30), dtype=np.uint8))
    assert (full == 3).all()


@settings(max_examples=100, deadline=None)
@given(grids())
def test_codec_round_trip_for_every_size(grid: np.ndarray) -> None:
    decoded = ARC_CODEC.decode_answer(ARC_CODEC.encode_answer(grid))
    assert isinstance(decoded, np.ndarray) and np.array_equal(decoded, grid)
    assert np.array_equal(ARC_CODEC.encode_puzzle(grid), ARC_CODEC.encode_answer(grid))


@settings(max_examples=150, deadline=None)
@given(st.integers(0, 2**32 - 1), st.floats(0.0, 0.2))
def test_decode_matches_the_evaluators_crop(seed: int, noise: float) -> None:
    rng = np.random.default_rng(seed)
    tokens = encode_arc_grid(rng.integers(0, 10, size=rng.integers(1, 31, size=2)))
    flips = rng.random(900) < noise
    tokens[flips] = rng.integers(0, 12, size=int(flips.sum()))
    assert np.array_equal(decode_arc_grid(tokens), _reference_crop(tokens))


def test_decode_without_a_rectangle_is_an_empty_grid() -> None:
    assert decode_arc_grid(np.zeros(900, dtype=np.int64)).shape == (0, 0)
    tokens = encode_arc_grid([[1, 2]])
    tokens[0] = EOS_ID
    assert decode_arc_grid(tokens).shape == (0, 0)
    with pytest.raises(ValueError, match="shape"):
        decode_arc_grid(np.zeros(899, dtype=np.int64))


def test_batches() -> None:
    small, other = np.zeros((2, 3), dtype=np.uint8), np.ones((5, 1), dtype=np.uint8)
    batch = ARC_CODEC.encode_puzzle([small, other])
    assert batch.shape == (2, 900)
    decoded = ARC_CODEC.decode_answer(batch)
    assert isinstance(decoded, list)
    assert np.array_equal(decoded[0], small) and np.array_equal(decoded[1], other)
    stacked = ARC_CODEC.encode_puzzle(np.stack([small, small]))
    assert stacked.shape == (2, 900)
    assert ARC_CODEC.encode_puzzle([[1, 2], [3, 4]]).shape == (900,)
