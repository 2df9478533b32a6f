"""Print, as JSON, what every ICU function Qt6Core imports answers (build.py's ICU check).

prune_bundle.py rebuilds the bundle's libicudata without the ICU data Qt never reads. build.py runs
this probe twice with the build environment's PySide6 (the same wheel the bundle was made from):
once as it is, once with LD_PRELOAD naming the bundle's trimmed libicudata, and requires equal
answers. Covered, in several locales: collation (ucol_*: QCollator, which Qt's file dialog sorts
with), upper/lower casing (u_strToUpper/u_strToLower: QLocale::toUpper/toLower), time-zone display
names and a long date with its zone name (ucal_*: QTimeZone), and converters (ucnv_*: the codec
list and decoding HTML files in legacy encodings). "icudata" is the libicudata file mapped into the
process, so the caller can see the preload took effect.

    QT_QPA_PLATFORM=offscreen .venv-package-cpu/bin/python packaging/icu_probe.py
"""

from __future__ import annotations

import itertools
import json
import sys
import tempfile
from pathlib import Path

from PySide6.QtCore import (
    QCollator,
    QDateTime,
    QLocale,
    QStringConverter,
    QStringDecoder,
    Qt,
    QTimeZone,
    QUrl,
)
from PySide6.QtWidgets import QApplication, QTextBrowser

WORDS = ["peach", "Péché", "péché", "pêche", "apple", "Zebra", "ähnlich", "Ärger", "zoo", "file10", "file2",
         "Ångström", "ch", "cz", "i", "ı", "日本", "中文", "한국어"]
LOCALES = ["en_US", "de_DE", "sv_SE", "fr_FR", "cs_CZ", "tr_TR", "el_GR", "zh_CN", "ja_JP", "ko_KR", "C"]
ZONES = [b"Europe/Berlin", b"America/New_York", b"Asia/Kolkata", b"Australia/Lord_Howe", b"UTC"]
# Encoding name -> sample text (Python's codec of the same name writes the file).
LEGACY = {"windows-1252": "café €", "Shift_JIS": "日本語", "GB18030": "中文", "ISO-8859-2": "Łódź",
          "EUC-KR": "한국어", "KOI8-R": "рус", "Big5": "中文", "UTF-8": "ü"}


def probe() -> dict[str, object]:
    out: dict[str, object] = {}
    when = QDateTime.fromSecsSinceEpoch(1700000000, QTimeZone(b"Europe/Berlin"))
    for name in LOCALES:
        locale = QLocale(name)
        collator = QCollator(locale)
        out[f"sort {name}"] = sorted(WORDS, key=collator.sortKey)
        out[f"compare {name}"] = [collator.compare(a, b) for a, b in itertools.pairwise(WORDS)]
        collator.setNumericMode(True)
        collator.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        out[f"sort numeric caseless {name}"] = sorted(WORDS, key=collator.sortKey)
        out[f"upper {name}"] = locale.toUpper("istanbul ıi ß ǆ άλφα")
        out[f"lower {name}"] = locale.toLower("ISTANBUL İI ΣΟΦΟΣ")
        out[f"long date {name}"] = locale.toString(when, QLocale.FormatType.LongFormat)
        for zone in ZONES:
            tz = QTimeZone(zone)
            for kind in QTimeZone.NameType.DefaultName, QTimeZone.NameType.LongName, QTimeZone.NameType.ShortName:
                for time in QTimeZone.TimeType.StandardTime, QTimeZone.TimeType.DaylightTime:
                    out[f"zone {name} {zone.decode()} {kind.name} {time.name}"] = tz.displayName(time, kind, locale)
    out["codecs"] = QStringConverter.availableCodecs()
    with tempfile.TemporaryDirectory(prefix="trm-icu-probe-") as tmp:
        for encoding, text in LEGACY.items():
            page = Path(tmp) / f"{encoding}.html"
            page.write_bytes(f'<html><head><meta charset="{encoding}"></head><body>'.encode("ascii")
                             + text.encode(encoding) + b"</body></html>")
            browser = QTextBrowser()
            browser.setSource(QUrl.fromLocalFile(str(page)))
            decoder = QStringDecoder(encoding)
            out[f"decode {encoding}"] = [decoder.isValid(), decoder.name(), browser.toPlainText()]
    with open("/proc/self/maps", encoding="utf-8") as maps:
        out["icudata"] = next((line.split()[-1] for line in maps if "libicudata" in line), None)
    return out


if __name__ == "__main__":
    app = QApplication(sys.argv[:1])
    json.dump(probe(), sys.stdout, ensure_ascii=False, indent=1, sort_keys=True)
