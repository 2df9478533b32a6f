# Sourced by tools/evaluate_*_model.sh: the output folder and `run NAME FLAGS...`, which runs
# `python -m training.evaluate --onnx "$MODEL"` and keeps its table (.txt) and report (.json).
# Needs MODEL and PREFIX (the file name prefix, e.g. "sudoku") set by the caller.
OUT=docs/evaluation
PY=${PYTHON:-.venv/bin/python}
mkdir -p "$OUT"
run() {  # name, then evaluate's flags
    local name=$1; shift
    echo "== $name" >&2
    "$PY" -m training.evaluate --onnx "$MODEL" "$@" --json "$OUT/$PREFIX-$name.json" | tee "$OUT/$PREFIX-$name.txt"
}
