"""Remove what the frozen app never uses from a PyInstaller one-folder build (Linux).

PyInstaller's Qt hooks collect every plugin of the imported Qt modules, all of Qt's
translations, and the libraries those plugins link; `excludes=` in the spec cannot drop libraries
pulled in by linked-library analysis. This script removes:

1. whole Qt folders and plugins the window does not need (PLUGIN_RULES below, each with a reason),
2. every bundled shared library that nothing left in the bundle links any more (a DT_NEEDED
   closure from the remaining executables, Python extensions and plugins), except the few that are
   loaded with dlopen and so never show up as links (KEEP_LIBRARIES),
3. and strips the debug symbols of the interpreter's own binaries (STRIP_GLOBS).

    python packaging/prune_bundle.py dist/cpu/trm-puzzles [--dry-run]

Run the frozen `--self-test` afterwards (build.py does): that is what proves the pruning safe.
"""

from __future__ import annotations

import argparse
import logging
import shutil
import struct
import subprocess
import sys
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

# Interpreter files that a pyenv-style source build leaves with debug symbols (libpython alone is
# 23 MB unstripped, 5 MB stripped). Only these: libraries from wheels were rewritten by
# auditwheel's patchelf, and stripping such files can break them, so they stay as they are.
STRIP_GLOBS = ("_internal/libpython3*.so*", "_internal/python3*/lib-dynload/*.so")

DT_NEEDED = 1
SHT_DYNAMIC = 6


def needed_libraries(path: Path) -> list[str] | None:
    """The DT_NEEDED names of a 64-bit little-endian ELF file, or None if it is not one."""
    try:
        data = path.read_bytes()
    except OSError:
        return None
    if data[:4] != b"\x7fELF" or data[4] != 2 or data[5] != 1:  # ELF, 64-bit, little-endian
        return None
    shoff, = struct.unpack_from("<Q", data, 0x28)
    shentsize, shnum = struct.unpack_from("<HH", data, 0x3A)
    sections = [struct.unpack_from("<IIQQQQIIQQ", data, shoff + i * shentsize) for i in range(shnum)]
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
                end = data.index(b"\0", strtab_offset + value)
                names.append(data[strtab_offset + value : end].decode())
    return names


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


def strip_interpreter(bundle: Path, dry_run: bool) -> list[tuple[str, int, str]]:
    """Drop debug symbols from the interpreter's own binaries (STRIP_GLOBS); bytes saved each."""
    strip = shutil.which("strip")
    if strip is None:
        log.warning("no `strip` (binutils) found: the interpreter keeps its debug symbols")
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
                saved.append((str(path.relative_to(bundle)), before - after, "debug symbols stripped"))
    return saved


def prune(bundle: Path, dry_run: bool = False) -> list[tuple[str, int, str]]:
    """Prune `bundle` (the folder holding the executables); (path, bytes, reason) removed."""
    if not (bundle / "_internal").is_dir():
        raise SystemExit(f"{bundle} is not a PyInstaller one-folder build (no _internal/)")
    removed = prune_plugins(bundle, dry_run)
    removed += prune_unlinked(bundle, dry_run, {r[0] for r in removed})
    return removed + strip_interpreter(bundle, dry_run)


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
