#!/usr/bin/env bash
# Measure the shipped maze model on Maze-Hard's test split; tables and JSON go to docs/evaluation/.
#   tools/evaluate_maze_model.sh [MODEL.onnx] [COUNT] [SMALL_COUNT]
# The test split is never trained on (training used generated mazes and Maze-Hard's train split).
set -euo pipefail
cd "$(dirname "$0")/.."
MODEL=${1:-assets/models/maze.onnx}
COUNT=${2:-1000}
SMALL=${3:-$COUNT}
TEST=../shared/data/maze/maze_30x30_hard_test.csv
PREFIX=maze
. tools/evaluate_common.sh
run hard-test-solver --solver --puzzles "$TEST" --limit-per-group "$COUNT" --batch 64  # the app's defaults
run hard-test-solver-no-retry --solver --retry-tta 0 --puzzles "$TEST" --limit-per-group "$COUNT" --batch 64
run hard-test-fixed-passes --puzzles "$TEST" --limit-per-group "$SMALL" --max-passes 64 --batch 64
run hard-test-halt-head --solver --trust-halt --puzzles "$TEST" --limit-per-group "$SMALL" --batch 64
run hard-test-solver-tta4 --solver --tta 4 --retry-tta 0 --puzzles "$TEST" --limit-per-group "$SMALL" --batch 64
"$PY" tools/record_accuracy.py "$MODEL" --replace "$OUT/maze-hard-test-solver.json" \
    "$OUT/maze-hard-test-solver-no-retry.json" "$OUT/maze-hard-test-solver-tta4.json"
