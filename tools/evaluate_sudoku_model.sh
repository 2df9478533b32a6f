#!/usr/bin/env bash
# Measure the shipped Sudoku model the way its card reports it; tables and JSON go to docs/evaluation/.
#   tools/evaluate_sudoku_model.sh [MODEL.onnx] [COUNT_PER_GRADE] [SMALL_COUNT_PER_GRADE]
# SMALL_COUNT (default COUNT) sizes the costlier runs: the halt-head-only rule and TTA 4.
# Generated puzzles come from a fixed seed (never trained on: training used Royle's 17-clue set);
# menneske.no levels 0-8, first 100 of each, come from ../shared/data (never trained on either).
set -euo pipefail
cd "$(dirname "$0")/.."
MODEL=${1:-assets/models/sudoku.onnx}
COUNT=${2:-1000}
SMALL=${3:-$COUNT}
SEED=20261124
MENNESKE=../shared/data/sudoku/menneske_no_graded.csv
PREFIX=sudoku
. tools/evaluate_common.sh
run generated-solver --solver --count "$COUNT" --seed "$SEED"    # the app's defaults: retry included
run generated-solver-no-retry --solver --retry-tta 0 --count "$COUNT" --seed "$SEED"
run menneske-solver --solver --puzzles "$MENNESKE" --solutions "${MENNESKE%.csv}.solutions.txt" \
    --group-by level --limit-per-group 100
run menneske-solver-no-retry --solver --retry-tta 0 --puzzles "$MENNESKE" \
    --solutions "${MENNESKE%.csv}.solutions.txt" --group-by level --limit-per-group 100
run generated-halt-head --solver --trust-halt --count "$SMALL" --seed "$SEED"
run menneske-fixed-passes --puzzles "$MENNESKE" --solutions "${MENNESKE%.csv}.solutions.txt" \
    --group-by level --limit-per-group 100 --max-passes 32
if [ "$SMALL" != "$COUNT" ]; then  # TTA's baseline on the very same puzzles
    run generated-solver-small --solver --retry-tta 0 --count "$SMALL" --seed "$SEED"
fi
run generated-solver-tta4 --solver --tta 4 --retry-tta 0 --count "$SMALL" --seed "$SEED"
"$PY" tools/record_accuracy.py "$MODEL" --replace "$OUT/sudoku-generated-solver.json" \
    "$OUT/sudoku-generated-solver-no-retry.json" \
    "$OUT/sudoku-generated-solver-tta4.json" "$OUT/sudoku-menneske-solver.json"
