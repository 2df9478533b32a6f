"""Remove what the frozen app never uses from a PyInstaller one-folder build (Linux).

PyInstaller's Qt hooks collect every plugin of the imported Qt modules, all of Qt's
translations, and the libraries those plugins link; `excludes=` in the spec cannot drop libraries
pulled in by linked-library analysis. This script removes:

1. whole Qt folders and plugins the window does not need (PLUGIN_RULES below, each with a reason),
2. every bundled shared library that nothing left in the bundle links any more (a DT_NEEDED
   closure from the remaining executables, Python extensions and plugins), except the few that are
   loaded with dlopen and so never show up as links (KEEP_LIBRARIES),
3. the parts of ICU's data that Qt never reads (ICU_DROP_TREES): libicudata is rebuilt without them,
4. and strips the symbol tables of the interpreter's own binaries and of Qt's ICU (STRIP_GLOBS).

    python packaging/prune_bundle.py dist/cpu/trm-puzzles [--dry-run]

Run the frozen `--self-test` afterwards (build.py does): that is what proves the pruning safe.
"""

from __future__ import annotations

import argparse
import logging
import re
import shutil
import struct
import subprocess
import sys
import tempfile
from pathlib import Path

log = logging.getLogger("prune")

QT = "_internal/PySide6/Qt"

# (path glob under the bundle, why it can go). Kept on purpose: platforms xcb/wayland (desktops),
# offscreen/minimal (tests, --self-test), wayland shell and decoration plugins (a window on
# Wayland needs them), platformthemes/xdgdesktopportal (native file dialogs through the portal),
# platforminputcontexts (compose keys, IBus), iconengines/svg and imageformats gif/ico/jpeg/svg
# (icon themes and files a user may open).
PLUGIN_RULES: list[tuple[str, str]] = [
    (f"{QT}/translations", "the app is English only; Qt's own .qm files would translate only dialogs"),
    (f"{QT}/qml", "no QML/Quick in a widgets app"),
    (f"{QT}/plugins/egldeviceintegrations", "EGLFS (no window system) is not a target"),
    (f"{QT}/plugins/generic", "evdev/tslib/TUIO input for window-system-less devices (TUIO needs QtNetwork)"),
    (f"{QT}/plugins/xcbglintegrations", "widgets paint in software; no OpenGL on X11 needed"),
    (f"{QT}/plugins/wayland-graphics-integration-client", "widgets use shared-memory buffers, not EGL/dmabuf/Vulkan"),
    (f"{QT}/plugins/platforms/libqeglfs.so", "EGLFS platform: not a target"),
    (f"{QT}/plugins/platforms/libqminimalegl.so", "EGL test platform"),
    (f"{QT}/plugins/platforms/libqlinuxfb.so", "framebuffer platform: not a target"),
    (f"{QT}/plugins/platforms/libqvnc.so", "VNC platform (needs QtNetwork)"),
    (f"{QT}/plugins/platforms/libqvkkhrdisplay.so", "Vulkan display platform: not a target"),
    (f"{QT}/plugins/platformthemes/libqgtk3.so", "dlopens the desktop's GTK 3 against bundled GLib/cairo copies; the portal theme gives native dialogs"),
    (f"{QT}/plugins/imageformats/libqtiff.so", "no TIFF files"),
    (f"{QT}/plugins/imageformats/libqwebp.so", "no WebP files"),
    (f"{QT}/plugins/imageformats/libqicns.so", "macOS icon format"),
    (f"{QT}/plugins/imageformats/libqtga.so", "no TGA files"),
    (f"{QT}/plugins/imageformats/libqwbmp.so", "no WBMP files"),
    # onnxruntime-gpu: the session asks for CUDA then CPU, never TensorRT (solver/session.py).
    ("_internal/onnxruntime/capi/libonnxruntime_providers_tensorrt.so", "the app never asks for TensorRT"),
]

# Loaded with dlopen, so they never appear as a DT_NEEDED link of anything.
KEEP_LIBRARIES = (
    "libpython",  # the bootloader dlopens the interpreter
    "libdbus-1",  # QtDBus (portal dialogs, IBus, tray) dlopens it
    "libonnxruntime",  # provider libraries are loaded by onnxruntime at session creation
)

# Files shipped with their symbol tables. The interpreter's own (a pyenv-style source build leaves
# debug symbols: libpython alone is 23 MB unstripped, 5 MB stripped), and Qt's two ICU code
# libraries (1.4 MB of .symtab; every Qt library beside them comes stripped): both are plain linker
# output. Only these: numpy's OpenBLAS and extension modules were rewritten by auditwheel's
# patchelf (extra PT_LOAD segments holding the moved dynamic tables), and stripping such files can
# break them, so they stay as they are even though that leaves about 2.8 MB of symbols.
STRIP_GLOBS = (
    "_internal/libpython3*.so*",
    "_internal/python3*/lib-dynload/*.so",
    f"{QT}/lib/libicuuc.so.*",
    f"{QT}/lib/libicui18n.so.*",
)

# ICU. Qt6Core links ICU (libicuuc, libicui18n, and libicudata: 32 MB, the single biggest file) and
# is the only file in the bundle that does. The ICU functions it imports are few: ucol_* (QCollator,
# e.g. sorting in Qt's own file dialog), ucnv_* (QStringDecoder/QStringEncoder for legacy
# encodings such as Shift_JIS), ucal_* (QTimeZone's display names) and u_strToUpper/u_strToLower
# (QLocale::toUpper/toLower). libicudata is ICU's "common data" package: a table of contents of
# named items. The trees below are read only by ICU services Qt never calls, so libicudata is
# rebuilt without them (the assembler and linker of binutils put the filtered package back under
# the same symbol and soname). Kept: collation (coll/), time-zone names (zone/), every converter
# table, the locale, calendar, time-zone, normalisation and property data. If a Qt update imports
# any other ICU function (ICU_USED_BY_QT), the data is left whole and a warning says why.
# build.py then compares what those Qt functions return against the untouched data (icu_probe.py).
ICU_USED_BY_QT = ("ucol_", "ucnv_", "UCNV_", "ucal_", "u_strToUpper_", "u_strToLower_")
ICU_DROP_TREES = {
    "brkitr": "break iterators + CJK/Thai/Khmer/Lao/Burmese dictionaries (ubrk_*); Qt has its own text boundaries",
    "translit": "transliterators (utrans_*)",
    "rbnf": "spelled-out/ordinal number rules (unum_* rule-based formats)",
    "unit": "measurement unit names (ICU MeasureFormat)",
    "curr": "currency names and symbols (ICU number formats; QLocale uses its own CLDR tables)",
    "lang": "language display names (uloc_getDisplay*; QLocale uses its own CLDR tables)",
    "region": "country display names (uloc_getDisplay*; QLocale uses its own CLDR tables)",
}

DT_NEEDED = 1
SHT_DYNAMIC = 6
SHT_DYNSYM = 11


def _elf_sections(data: bytes) -> list[tuple[int, ...]] | None:
    """The section headers of a 64-bit little-endian ELF file, or None if it is not one.

    Each is (name, type, flags, addr, offset, size, link, info, align, entsize).
    """
    if data[:4] != b"\x7fELF" or data[4] != 2 or data[5] != 1:  # ELF, 64-bit, little-endian
        return None
    shoff, = struct.unpack_from("<Q", data, 0x28)
    shentsize, shnum = struct.unpack_from("<HH", data, 0x3A)
    return [struct.unpack_from("<IIQQQQIIQQ", data, shoff + i * shentsize) for i in range(shnum)]


def _string(data: bytes, at: int) -> str:
    return data[at : data.index(b"\0", at)].decode()


def needed_libraries(path: Path) -> list[str] | None:
    """The DT_NEEDED names of a 64-bit little-endian ELF file, or None if it is not one."""
    try:
        data = path.read_bytes()
    except OSError:
        return None
    sections = _elf_sections(data)
    if sections is None:
        return None
    names: list[str] = []
    for _name, kind, _flags, _addr, offset, size, link, _info, _align, entsize in sections:
        if kind != SHT_DYNAMIC:
            continue
        strtab_offset = sections[link][4]  # the section the dynamic table's strings live in
        for pos in range(offset, offset + size, entsize or 16):
            tag, value = struct.unpack_from("<qQ", data, pos)
            if tag == 0:
                break
            if tag == DT_NEEDED:
                names.append(_string(data, strtab_offset + value))
    return names


def dynamic_symbols(data: bytes) -> list[tuple[str, int, int, int]]:
    """(name, section index (0: undefined), value, size) of each dynamic symbol of an ELF file."""
    sections = _elf_sections(data) or []
    symbols = []
    for _name, kind, _flags, _addr, offset, size, link, _info, _align, entsize in sections:
        if kind != SHT_DYNSYM:
            continue
        strtab_offset = sections[link][4]
        for pos in range(offset + (entsize or 24), offset + size, entsize or 24):  # entry 0 is null
            name, _st_info, _other, shndx, value, sym_size = struct.unpack_from("<IBBHQQ", data, pos)
            symbols.append((_string(data, strtab_offset + name), shndx, value, sym_size))
    return symbols


def is_library(path: Path) -> bool:
    return ".so" in path.name and not path.name.endswith((".py", ".pyc"))


def remove(path: Path, dry_run: bool) -> None:
    if dry_run:
        return
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    else:
        path.unlink()


def size_of(path: Path) -> int:
    if path.is_file() or path.is_symlink():
        return path.lstat().st_size
    return sum(p.lstat().st_size for p in path.rglob("*") if p.is_file() or p.is_symlink())


def prune_plugins(bundle: Path, dry_run: bool) -> list[tuple[str, int, str]]:
    """Apply PLUGIN_RULES; (path, bytes, reason) of each removed item."""
    removed = []
    for pattern, reason in PLUGIN_RULES:
        for path in sorted(bundle.glob(pattern)):
            removed.append((str(path.relative_to(bundle)), size_of(path), reason))
            remove(path, dry_run)
    return removed


def _gone(rel: str, removed: set[str]) -> bool:
    return any(rel == r or rel.startswith(r + "/") for r in removed)


def prune_unlinked(bundle: Path, dry_run: bool, already: set[str]) -> list[tuple[str, int, str]]:
    """Remove bundled libraries no remaining file links, repeating until nothing changes.

    A library may be there twice under one name: PyInstaller puts a symlink in _internal/ that
    points into its package folder (PySide6/Qt/lib, numpy.libs); both go or both stay.
    """
    removed: list[tuple[str, int, str]] = []
    while True:
        files = [p for p in sorted(bundle.rglob("*")) if p.is_file() and not _gone(str(p.relative_to(bundle)), already)]
        libraries: dict[str, list[Path]] = {}
        for p in files:
            if is_library(p) and "/plugins/" not in str(p):
                libraries.setdefault(p.name, []).append(p)
        # Roots: executables, Python extension modules (*.cpython-*.so, *.abi3.so) and Qt plugins.
        roots = [p for p in files if p.name not in libraries or ".cpython-" in p.name or ".abi3." in p.name]
        roots += [p for name, paths in libraries.items() if name.startswith(KEEP_LIBRARIES) for p in paths]
        reached: set[str] = set()
        todo = list(roots)
        while todo:
            for name in needed_libraries(todo.pop()) or []:
                if name in libraries and name not in reached:
                    reached.add(name)
                    todo += libraries[name]
        unused = [
            p for name, paths in libraries.items() for p in paths
            if name not in reached and not name.startswith(KEEP_LIBRARIES)
            and ".cpython-" not in name and ".abi3." not in name
        ]
        if not unused:
            return removed
        for path in unused:
            rel = str(path.relative_to(bundle))
            removed.append((rel, size_of(path), "no longer linked by anything in the bundle"))
            already.add(rel)
            remove(path, dry_run)


def strip_binaries(bundle: Path, dry_run: bool) -> list[tuple[str, int, str]]:
    """Drop the symbol tables of the files STRIP_GLOBS names; bytes saved each."""
    strip = shutil.which("strip")
    if strip is None:
        log.warning("no `strip` (binutils) found: the interpreter and ICU keep their symbols")
        return []
    saved = []
    for pattern in STRIP_GLOBS:
        for path in sorted(bundle.glob(pattern)):
            if path.is_symlink() or not path.is_file():
                continue
            before = path.stat().st_size
            if not dry_run:
                subprocess.run([strip, "--strip-unneeded", str(path)], check=True)
            after = path.stat().st_size
            if before > after or dry_run:
                saved.append((str(path.relative_to(bundle)), before - after, "symbols (and any debug info) stripped"))
    return saved


def icu_users_outside(bundle: Path, version: str) -> list[str]:
    """ICU functions that bundled files other than ICU itself import but ICU_USED_BY_QT does not cover."""
    suffix = f"_{version}"
    outside = set()
    for path in bundle.rglob("*"):
        if path.is_symlink() or not path.is_file() or path.name.startswith("libicu"):
            continue
        needed = needed_libraries(path)
        if not needed or not any(name.startswith(("libicuuc", "libicui18n", "libicudata")) for name in needed):
            continue
        for name, shndx, _value, _size in dynamic_symbols(path.read_bytes()):
            if shndx == 0 and name.endswith(suffix) and not name.startswith(ICU_USED_BY_QT):
                outside.add(f"{path.name}: {name}")
    return sorted(outside)


def common_data_items(package: bytes) -> tuple[int, list[tuple[str, bytes]]]:
    """Split an ICU common-data package ("CmnD"): (header size, [(item name, item bytes)]).

    Layout: a data header (its size in the first two bytes, magic 0xda27, format "CmnD" v1), then
    the table of contents: a count and (name offset, data offset) pairs, both from the start of the
    table, the names (sorted: ICU finds items by binary search), then the items, 16-byte aligned.
    """
    header_size, magic1, magic2 = struct.unpack_from("<HBB", package, 0)
    if (magic1, magic2) != (0xDA, 0x27) or package[12:16] != b"CmnD" or package[16] != 1:
        raise ValueError("not an ICU common data package (CmnD v1)")
    count, = struct.unpack_from("<I", package, header_size)
    entries = [struct.unpack_from("<II", package, header_size + 4 + 8 * i) for i in range(count)]
    starts = [header_size + data for _, data in entries] + [len(package)]
    names = [_string(package, header_size + name) for name, _ in entries]
    return header_size, [(names[i], package[starts[i] : starts[i + 1]]) for i in range(count)]


def build_common_data(header: bytes, items: list[tuple[str, bytes]]) -> bytes:
    """The inverse of common_data_items: a package holding `items` (in the given, sorted, order)."""
    names = b"".join(name.encode() + b"\0" for name, _ in items)
    table_size = 4 + 8 * len(items) + len(names)
    first = -(-(len(header) + table_size) // 16) * 16  # items start 16-aligned from the package start
    entries, blobs, at, name_at = [], [], first, 4 + 8 * len(items)
    for name, blob in items:
        entries.append(struct.pack("<II", name_at, at - len(header)))
        name_at += len(name.encode()) + 1
        padded = blob + b"\0" * (-len(blob) % 16)
        blobs.append(padded)
        at += len(padded)
    table = struct.pack("<I", len(items)) + b"".join(entries) + names
    return header + table + b"\0" * (first - len(header) - table_size) + b"".join(blobs)


def shared_object_with_data(symbol: str, soname: str, data: bytes, out: Path) -> None:
    """A shared library exporting `symbol`, 16-aligned read-only `data`, with `soname` (as + ld)."""
    assembler, linker = shutil.which("as"), shutil.which("ld")
    if not assembler or not linker:
        raise FileNotFoundError("binutils' `as` and `ld`")
    with tempfile.TemporaryDirectory(prefix="trm-icu-") as tmp:
        blob, source, obj = Path(tmp) / "data.bin", Path(tmp) / "data.s", Path(tmp) / "data.o"
        blob.write_bytes(data)
        source.write_text(
            f'\t.section .rodata\n\t.globl {symbol}\n\t.type {symbol}, @object\n\t.balign 16\n'
            f'{symbol}:\n\t.incbin "{blob}"\n\t.size {symbol}, . - {symbol}\n'
            '\t.section .note.GNU-stack,"",@progbits\n'
        )
        subprocess.run([assembler, "--64", "-o", str(obj), str(source)], check=True)
        subprocess.run([linker, "-shared", "-s", "-z", "noexecstack", "--hash-style=both", "-soname", soname,
                        "-o", str(out), str(obj)], check=True)


def trim_icu_data(bundle: Path, dry_run: bool) -> list[tuple[str, int, str]]:
    """Rebuild each bundled libicudata without ICU_DROP_TREES; (library:tree/, bytes, reason) each."""
    removed: list[tuple[str, int, str]] = []
    for library in sorted(bundle.rglob("libicudata.so.*")):
        if library.is_symlink() or not library.is_file():
            continue
        rel = str(library.relative_to(bundle))
        data = library.read_bytes()
        symbol = next((s for s in dynamic_symbols(data) if re.fullmatch(r"icudt\d+_dat", s[0]) and s[1]), None)
        if symbol is None:
            log.warning("%s: no icudtNN_dat symbol; ICU data left whole", rel)
            continue
        name, shndx, value, size = symbol
        version = name[len("icudt") : -len("_dat")]
        outside = icu_users_outside(bundle, version)
        if outside:
            log.warning("%s left whole: the bundle uses ICU functions outside ICU_USED_BY_QT: %s", rel, ", ".join(outside))
            continue
        section = (_elf_sections(data) or [])[shndx]
        start = section[4] + value - section[3]  # file offset = section offset + (address - section address)
        header_size, items = common_data_items(data[start : start + size])
        kept: list[tuple[str, bytes]] = []
        dropped: dict[str, int] = {}
        for item, blob in items:
            parts = item.split("/")  # icudt73l/<tree>/<item> or icudt73l/<item>
            if len(parts) == 3 and parts[1] in ICU_DROP_TREES:
                dropped[parts[1]] = dropped.get(parts[1], 0) + len(blob)
            else:
                kept.append((item, blob))
        if not dropped:
            continue
        if not dry_run:
            soname = library.name  # the soname is the file name (libicudata.so.73)
            rebuilt = library.with_name(library.name + ".trimmed")
            try:
                shared_object_with_data(name, soname, build_common_data(data[start : start + header_size], kept), rebuilt)
            except (FileNotFoundError, subprocess.CalledProcessError) as err:
                log.warning("%s left whole: cannot rebuild it (%s)", rel, err)
                rebuilt.unlink(missing_ok=True)
                continue
            rebuilt.chmod(library.stat().st_mode)
            rebuilt.replace(library)
        for tree, nbytes in sorted(dropped.items()):
            removed.append((f"{rel}:{tree}/", nbytes, f"ICU data: {ICU_DROP_TREES[tree]}"))
    return removed


def prune(bundle: Path, dry_run: bool = False) -> list[tuple[str, int, str]]:
    """Prune `bundle` (the folder holding the executables); (path, bytes, reason) removed."""
    if not (bundle / "_internal").is_dir():
        raise SystemExit(f"{bundle} is not a PyInstaller one-folder build (no _internal/)")
    removed = prune_plugins(bundle, dry_run)
    removed += prune_unlinked(bundle, dry_run, {r[0] for r in removed})
    removed += trim_icu_data(bundle, dry_run)
    return removed + strip_binaries(bundle, dry_run)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("bundle", type=Path, help="the one-folder build (holds trm-puzzles and _internal/)")
    parser.add_argument("--dry-run", action="store_true", help="list what would go, remove nothing")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(name)s: %(message)s")
    removed = prune(args.bundle, args.dry_run)
    for path, size, reason in removed:
        log.info("%s %-70s %7.2f MB  %s", "would remove" if args.dry_run else "removed", path, size / 1e6, reason)
    log.info("total %.1f MB in %d items", sum(r[1] for r in removed) / 1e6, len(removed))
    return 0


if __name__ == "__main__":
    sys.exit(main())
