"""Write measured accuracy from `python -m training.evaluate --json` reports into a model's sidecar.

    python tools/record_accuracy.py assets/models/sudoku.onnx docs/evaluation/sudoku-generated-solver.json ...

The sidecar's `accuracy` field is what the app's About box and the model card show: one entry per
group of each report, named after the puzzle set, the group and how it was run (the app's solver,
TTA, fixed passes), as the fraction verified by the rule checker.

    python tools/record_accuracy.py assets/models/sudoku.onnx --trm-solve "SET, trm-solve defaults" OUT.jsonl

adds one entry from a `trm-solve --jsonl` output instead: the fraction of its puzzles verified,
under the label given (with n appended).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from solver.contract import ModelCard, read_sidecar, sidecar_path, write_sidecar  # noqa: E402


def entries(report: dict) -> dict[str, float]:
    """Flat {label: verified fraction} for one evaluate report."""
    data = str(report.get("data", "?"))
    if report.get("seed") is not None:
        data = f"generated (seed {report['seed']})"
    if report.get("solver"):
        how = "app solver" + (f", TTA {report['tta']}" if report.get("tta", 1) > 1 else "")
        how += ", halt head decides" if report.get("trust_halt") else ""
        retry = report.get("retry_tta", 0)  # reports older than the retry have none
        how += f", unverified retried over {retry} views" if retry else ", no retry"
    else:
        how = f"halt head decides, cap {report.get('max_passes')}"
    out = {}
    for group in report["groups"]:
        if group["group"] == "all" and len(report["groups"]) > 1:
            continue  # the per-group figures say it
        out[f"{data} [{group['group']}, n={group['count']}] {how}"] = round(float(group["verified"]), 4)
    return out


def solve_entry(label: str, path: Path) -> dict[str, float]:
    """{label [n=N]: verified fraction} of a trm-solve --jsonl file (one object per puzzle)."""
    rows = []
    for number, line in enumerate(path.read_text().splitlines(), start=1):
        if line.strip():
            try:
                rows.append(json.loads(line)["status"] == "verified")
            except (ValueError, KeyError, TypeError):
                raise ValueError(f"{path}: line {number} is not a trm-solve --jsonl record") from None
    if not rows:
        raise ValueError(f"{path}: no puzzles")
    return {f"{label} [n={len(rows)}]": round(sum(rows) / len(rows), 4)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("model", type=Path, help="NAME.onnx whose NAME.onnx.json gets the figures")
    parser.add_argument("reports", type=Path, nargs="*", help="JSON written by training.evaluate --json")
    parser.add_argument("--trm-solve", nargs=2, action="append", default=[], metavar=("LABEL", "JSONL"),
                        help="one entry from trm-solve --jsonl output: LABEL [n=N] = its verified fraction (repeatable)")
    parser.add_argument("--replace", action="store_true", help="drop the sidecar's earlier figures first")
    args = parser.parse_args(argv)
    if not args.reports and not args.trm_solve:
        parser.error("give evaluate reports, --trm-solve LABEL JSONL, or both")
    try:
        card = read_sidecar(sidecar_path(args.model))
        accuracy = {} if args.replace else dict(card.accuracy)
        for path in args.reports:
            accuracy.update(entries(json.loads(path.read_text())))
        for label, path in args.trm_solve:
            accuracy.update(solve_entry(label, Path(path)))
    except (OSError, ValueError, KeyError) as err:
        print(f"record_accuracy: {err}", file=sys.stderr)
        return 1
    write_sidecar(ModelCard.from_dict({**card.to_dict(), "accuracy": accuracy}), sidecar_path(args.model))
    print(f"{sidecar_path(args.model)}: {len(accuracy)} accuracy entries")
    return 0


if __name__ == "__main__":
    sys.exit(main())
