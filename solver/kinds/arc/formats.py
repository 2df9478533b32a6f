"""ARC-AGI task files: the per-task JSON and the Kaggle combined (challenges + solutions) layouts.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path

from solver.kinds.arc.task import ArcPair, ArcTask, _as_colour_grid, _json_type

# --------------------------------------------------------------------------------------------
# Parsing


def _load_json(text: str | bytes, what: str) -> object:
    """json.loads with every failure turned into a ValueError naming line and column."""
    if isinstance(text, (bytes, bytearray)):
        try:
            text = bytes(text).decode("utf-8-sig")
        except UnicodeDecodeError as err:
            raise ValueError(f"{what}: not UTF-8 text ({err.reason} at byte {err.start})") from None
    try:
        return json.loads(text.removeprefix("\ufeff"))
    except json.JSONDecodeError as err:
        raise ValueError(
            f"{what}: invalid JSON at line {err.lineno}, column {err.colno}: {err.msg}"
        ) from None
    except RecursionError:
        raise ValueError(f"{what}: JSON nested too deeply") from None
    except ValueError as err:  # e.g. an integer literal with too many digits
        raise ValueError(f"{what}: invalid JSON ({err})") from None


def _pair(value: object, where: str, need_output: bool) -> ArcPair:
    if not isinstance(value, Mapping):
        raise ValueError(f"{where}: pair must be an object, not {_json_type(value)}")
    if "input" not in value:
        raise ValueError(f"{where}: missing key 'input'")
    if need_output and "output" not in value:
        raise ValueError(f"{where}: missing key 'output'")
    grid_in = _as_colour_grid(value["input"], f"{where}.input")
    raw_out = value.get("output")
    grid_out = None if raw_out is None else _as_colour_grid(raw_out, f"{where}.output")
    return ArcPair(grid_in, grid_out)


def _pairs(task: Mapping[str, object], key: str, prefix: str) -> tuple[ArcPair, ...]:
    where = f"{prefix}{key}"
    if key not in task:
        raise ValueError(f"{prefix.rstrip('.') or 'task'}: missing key {key!r}")
    values = task[key]
    if not isinstance(values, list):
        raise ValueError(f"{where}: must be a list of pairs, not {_json_type(values)}")
    if not values:
        raise ValueError(f"{where}: no pairs")
    return tuple(
        _pair(v, f"{where}[{i}]", need_output=key == "train") for i, v in enumerate(values)
    )


def _task_from_obj(obj: object, name: str, prefix: str = "") -> ArcTask:
    if not isinstance(obj, Mapping):
        raise ValueError(
            f"{prefix.rstrip('.') or 'task'}: must be an object with 'train' and "
            f"'test', not {_json_type(obj)}"
        )
    return ArcTask(name, _pairs(obj, "train", prefix), _pairs(obj, "test", prefix))


def parse_arc_task(text_or_obj: str | bytes | Mapping[str, object], name: str = "") -> ArcTask:
    """An ARC task from its JSON text or the already-loaded object."""
    obj = _load_json(text_or_obj, "task") if isinstance(text_or_obj, (str, bytes)) else text_or_obj
    return _task_from_obj(obj, name)


def load_arc_task(path: str | Path) -> ArcTask:
    """Read a per-task ARC JSON file; the task is named after the file's stem."""
    path = Path(path)
    try:
        return parse_arc_task(path.read_bytes(), name=path.stem)
    except ValueError as err:
        raise ValueError(f"{path.name}: {err}") from None


def parse_arc_challenges(
    challenges_obj: str | bytes | Mapping[str, object],
    solutions_obj: str | bytes | Mapping[str, object] | None = None,
) -> list[ArcTask]:
    """Tasks from a Kaggle ``*_challenges.json`` (and test outputs from ``*_solutions.json``)."""
    challenges = (
        _load_json(challenges_obj, "challenges")
        if isinstance(challenges_obj, (str, bytes))
        else challenges_obj
    )
    solutions = (
        _load_json(solutions_obj, "solutions")
        if isinstance(solutions_obj, (str, bytes))
        else solutions_obj
    )
    if not isinstance(challenges, Mapping):
        raise ValueError(f"challenges: must map task ids to tasks, not {_json_type(challenges)}")
    if solutions is not None and not isinstance(solutions, Mapping):
        raise ValueError(
            f"solutions: must map task ids to output lists, not {_json_type(solutions)}"
        )
    tasks = []
    for task_id, body in challenges.items():
        task = _task_from_obj(body, str(task_id), prefix=f"{task_id}.")
        if solutions is not None and task_id in solutions:
            task = _with_solutions(task, solutions[task_id], f"solutions[{task_id}]")
        tasks.append(task)
    return tasks


def _with_solutions(task: ArcTask, outputs: object, where: str) -> ArcTask:
    if not isinstance(outputs, list):
        raise ValueError(f"{where}: must be a list of output grids, not {_json_type(outputs)}")
    if len(outputs) != len(task.test):
        raise ValueError(f"{where}: {len(outputs)} outputs for {len(task.test)} test inputs")
    test = tuple(
        ArcPair(pair.input, _as_colour_grid(out, f"{where}[{i}]"))
        for i, (pair, out) in enumerate(zip(task.test, outputs, strict=True))
    )
    return ArcTask(task.name, task.train, test)


def load_arc_challenges(
    challenges_path: str | Path, solutions_path: str | Path | None = None
) -> list[ArcTask]:
    """Read a Kaggle challenges file and, optionally, its solutions file."""
    challenges = Path(challenges_path).read_bytes()
    solutions = None if solutions_path is None else Path(solutions_path).read_bytes()
    return parse_arc_challenges(challenges, solutions)


# --------------------------------------------------------------------------------------------
# Formatting


def _pair_obj(pair: ArcPair) -> dict[str, list[list[int]]]:
    obj = {"input": pair.input.tolist()}
    if pair.output is not None:
        obj["output"] = pair.output.tolist()
    return obj


def format_arc_task(task: ArcTask) -> str:
    """The task as standard ARC JSON (the name is not part of it: it is the file name)."""
    return json.dumps(
        {"train": [_pair_obj(p) for p in task.train], "test": [_pair_obj(p) for p in task.test]}
    )




# --------------------------------------------------------------------------------------------
# Reading a document into test inputs, and recognising one


def read_arc_document(text: str, name: str = "") -> list[tuple[ArcTask, int]]:
    """(task, test index) for every test input of one task file, or of a combined challenges
    file holding many tasks; ValueError (the single-task reading's message) if it is neither."""
    try:
        tasks = [parse_arc_task(text, name=name)]
    except ValueError as single:
        try:
            tasks = parse_arc_challenges(text)
        except ValueError:
            raise single from None
    return [(task, i) for task in tasks for i in range(len(task.test))]


def sniff_arc(text: str, name: str = "") -> float:
    """How sure (0 to 1) that `text` is an ARC task document (JSON)."""
    stripped = text.removeprefix("\ufeff").lstrip()
    if stripped.startswith("{"):
        return 0.95
    if name.lower().endswith(".json"):
        return 0.9
    if stripped.startswith("["):  # JSON list, or a SadMan .sdk section header like "[Puzzle]"
        return 0.1 if stripped[1:2].isalpha() else 0.7
    return 0.0
