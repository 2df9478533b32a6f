"""Draw the app icon (a 3x3 Sudoku box with a recursion arrow) to assets/icons/trm-puzzles.png.

Drawn with Qt offscreen so the icon is reproducible from the repo with no image editor:

    QT_QPA_PLATFORM=offscreen .venv/bin/python packaging/make_icon.py [--size 256] [--out PATH]
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
log = logging.getLogger("icon")


def draw(size: int):  # type: ignore[no-untyped-def]
    from PySide6.QtCore import QRectF, Qt
    from PySide6.QtGui import QColor, QFont, QImage, QPainter, QPainterPath, QPen

    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    p = QPainter(image)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    s = size / 256  # all coordinates below are on a 256-px canvas
    # Rounded tile in the app's accent blue (the ARC palette's blue).
    p.setPen(Qt.PenStyle.NoPen)
    p.setBrush(QColor("#0074D9"))
    p.drawRoundedRect(QRectF(8 * s, 8 * s, 240 * s, 240 * s), 44 * s, 44 * s)
    # A 3x3 box of white cells, a few holding digits.
    cell, gap, left, top = 52 * s, 8 * s, 44 * s, 44 * s
    digits = {(0, 0): "5", (1, 1): "3", (2, 0): "9", (0, 2): "7"}
    font = QFont("DejaVu Sans")
    font.setPixelSize(int(36 * s))
    font.setBold(True)
    p.setFont(font)
    for row in range(3):
        for col in range(3):
            rect = QRectF(left + col * (cell + gap), top + row * (cell + gap), cell, cell)
            p.setPen(Qt.PenStyle.NoPen)
            p.setBrush(QColor("#FFFFFF") if (row, col) != (1, 2) else QColor("#FFDC00"))
            p.drawRoundedRect(rect, 8 * s, 8 * s)
            if (row, col) in digits:
                p.setPen(QColor("#10243E"))
                p.drawText(rect, Qt.AlignmentFlag.AlignCenter, digits[(row, col)])
    # An orange loop arrow in the corner: the model refines its answer pass after pass.
    pen = QPen(QColor("#FF851B"), 14 * s, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap)
    p.setPen(pen)
    p.setBrush(Qt.BrushStyle.NoBrush)
    arc = QRectF(168 * s, 168 * s, 64 * s, 64 * s)
    p.drawArc(arc, 90 * 16, 270 * 16)
    head = QPainterPath()
    head.moveTo(200 * s, 152 * s)
    head.lineTo(222 * s, 168 * s)
    head.lineTo(200 * s, 184 * s)
    head.closeSubpath()
    p.setPen(Qt.PenStyle.NoPen)
    p.setBrush(QColor("#FF851B"))
    p.drawPath(head)
    p.end()
    return image


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", type=int, default=256, help="edge length in pixels (default 256)")
    parser.add_argument("--out", type=Path, default=ROOT / "assets" / "icons" / "trm-puzzles.png", help="PNG to write")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(name)s: %(message)s")
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # no display needed
    from PySide6.QtGui import QGuiApplication

    app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])  # QFont needs one
    args.out.parent.mkdir(parents=True, exist_ok=True)
    if not draw(args.size).save(str(args.out)):
        log.error("could not write %s", args.out)
        return 1
    log.info("wrote %s (%d px)", args.out, args.size)
    del app
    return 0


if __name__ == "__main__":
    sys.exit(main())
