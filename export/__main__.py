"""`python -m export --checkpoint C --out assets/models/NAME.onnx [--inner-steps] [--quantize int8]`."""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from export.onnx_export import export_checkpoint


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m export", description=__doc__)
    parser.add_argument("--checkpoint", type=Path, required=True, help="a training checkpoint .pt")
    parser.add_argument("--out", type=Path, required=True, help="NAME.onnx (the sidecar goes beside it)")
    parser.add_argument("--inner-steps", action="store_true",
                        help="also output the answer logits after each of the T inner answer updates")
    parser.add_argument("--quantize", choices=["int8"],
                        help="also write NAME.int8.onnx for CPUs: the per-position SwiGLUs in int8, "
                             "the rest fp32 (see quantize_int8)")
    parser.add_argument("--parity-passes", type=int, default=16, help="chained passes compared with torch")
    parser.add_argument("--parity-batch", type=int, default=8, help="random puzzles in the parity check")
    parser.add_argument("--max-passes", type=int,
                        help="the sidecar's default pass cap (default: the training N_sup); more passes "
                             "can solve more, and the app stops early on a verified answer anyway")
    parser.add_argument("--grid-size", type=int,
                        help="grid-mixer maze models: export for N x N mazes (trained on any size)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    # The exporter's optimiser logs every constant it declines to fold at INFO: noise to a user.
    logging.getLogger("onnxscript").setLevel(logging.WARNING)
    try:
        report = export_checkpoint(args.checkpoint, args.out, args.inner_steps, args.quantize,
                                   args.parity_passes, args.parity_batch, args.grid_size,
                                   args.max_passes)
    except ValueError as err:
        print(f"export: {err}", file=sys.stderr)
        return 1
    print(f"wrote {report.onnx_path} and its sidecar; parity: {report.parity.line()}")
    if report.int8_path is not None:
        print(f"wrote {report.int8_path}; int8 argmax agreement {report.int8_agreement:.4%}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
