"""Before the window starts: are the system libraries Qt's X11 (xcb) platform plugin needs there?

Without them Qt aborts with "Could not load the Qt platform plugin "xcb"" and a hint about
QT_DEBUG_PLUGINS; a fresh Debian or Ubuntu lacks libxcb-cursor0 and a few others. `make run`
runs this first (`python -m gui.system_libs`): it tries to load each library the way the plugin
would (dlopen through ctypes), and for those missing prints the install line for this distribution.
Standard library only: it must run where Qt cannot.
"""

from __future__ import annotations

import ctypes
import os
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class SystemLib:
    """One shared library of the xcb plugin and the package that has it, per distribution."""

    soname: str
    debian: str  # Debian and Ubuntu (apt)
    fedora: str  # Fedora, RHEL and the like (dnf)


# What PySide6's libqxcb.so and libQt6XcbQpa.so.6 link beyond glibc and Qt's own libraries (from
# ldd on PySide6 6.11), minus what every desktop has (libX11, glib, freetype, zlib ...).
XCB_LIBS = (
    SystemLib("libxcb.so.1", "libxcb1", "libxcb"),
    SystemLib("libX11-xcb.so.1", "libx11-xcb1", "libX11-xcb"),
    SystemLib("libxcb-cursor.so.0", "libxcb-cursor0", "xcb-util-cursor"),
    SystemLib("libxcb-icccm.so.4", "libxcb-icccm4", "xcb-util-wm"),
    SystemLib("libxcb-image.so.0", "libxcb-image0", "xcb-util-image"),
    SystemLib("libxcb-keysyms.so.1", "libxcb-keysyms1", "xcb-util-keysyms"),
    SystemLib("libxcb-render-util.so.0", "libxcb-render-util0", "xcb-util-renderutil"),
    SystemLib("libxcb-util.so.1", "libxcb-util1", "xcb-util"),
    SystemLib("libxcb-randr.so.0", "libxcb-randr0", "libxcb"),
    SystemLib("libxcb-render.so.0", "libxcb-render0", "libxcb"),
    SystemLib("libxcb-shape.so.0", "libxcb-shape0", "libxcb"),
    SystemLib("libxcb-shm.so.0", "libxcb-shm0", "libxcb"),
    SystemLib("libxcb-sync.so.1", "libxcb-sync1", "libxcb"),
    SystemLib("libxcb-xfixes.so.0", "libxcb-xfixes0", "libxcb"),
    SystemLib("libxcb-xkb.so.1", "libxcb-xkb1", "libxcb"),
    SystemLib("libxkbcommon.so.0", "libxkbcommon0", "libxkbcommon"),
    SystemLib("libxkbcommon-x11.so.0", "libxkbcommon-x11-0", "libxkbcommon-x11"),
    SystemLib("libEGL.so.1", "libegl1", "libglvnd-egl"),
    SystemLib("libGL.so.1", "libgl1", "libglvnd-glx"),
    SystemLib("libfontconfig.so.1", "libfontconfig1", "fontconfig"),
    SystemLib("libdbus-1.so.3", "libdbus-1-3", "dbus-libs"),
)


def loads(soname: str) -> bool:
    """True when the dynamic loader finds and loads `soname`."""
    try:
        ctypes.CDLL(soname)
    except OSError:
        return False
    return True


def missing(libs: Iterable[SystemLib] = XCB_LIBS, load: Callable[[str], bool] = loads) -> list[SystemLib]:
    """The libraries the loader cannot load."""
    return [lib for lib in libs if not load(lib.soname)]


def distribution(os_release: Path = Path("/etc/os-release")) -> str:
    """"debian", "fedora" or "" (unknown), from os-release's ID and ID_LIKE."""
    try:
        fields = dict(line.split("=", 1) for line in os_release.read_text().splitlines() if "=" in line)
    except OSError:
        return ""
    ids = f"{fields.get('ID', '')} {fields.get('ID_LIKE', '')}".replace('"', "").split()
    if any(i in ("debian", "ubuntu") for i in ids):
        return "debian"
    if any(i in ("fedora", "rhel", "centos") for i in ids):
        return "fedora"
    return ""


def install_lines(libs: list[SystemLib], distro: str) -> list[str]:
    """The command(s) that install `libs` (both families when the distribution is unknown)."""
    debian = "sudo apt-get install " + " ".join(dict.fromkeys(lib.debian for lib in libs))
    fedora = "sudo dnf install " + " ".join(dict.fromkeys(lib.fedora for lib in libs))
    if distro == "debian":
        return [debian]
    if distro == "fedora":
        return [fedora]
    return [f"Debian, Ubuntu: {debian}", f"Fedora:         {fedora}"]


def uses_xcb(env: dict[str, str]) -> bool:
    """Whether Qt will try the xcb plugin: on Linux, unless another platform is asked for."""
    platform = env.get("QT_QPA_PLATFORM", "")
    return not platform or platform.split(";")[0].startswith("xcb") or "xcb" in platform.split(";")


def check(env: dict[str, str] | None = None, load: Callable[[str], bool] = loads,
          os_release: Path = Path("/etc/os-release")) -> tuple[int, str]:
    """(exit status, message): 1 and the install line when X11 is the only way to a window."""
    env = dict(os.environ) if env is None else env
    if not sys.platform.startswith("linux") or not uses_xcb(env):
        return 0, ""
    absent = missing(load=load)
    if not absent:
        return 0, ""
    lines = install_lines(absent, distribution(os_release))
    text = ("Qt's X11 platform plugin (xcb) needs system libraries this machine lacks: "
            + ", ".join(lib.soname for lib in absent) + ".\nInstall them with:\n  " + "\n  ".join(lines))
    wayland = bool(env.get("WAYLAND_DISPLAY")) and not env.get("QT_QPA_PLATFORM")
    if wayland:  # Qt tries Wayland first there: the window may open all the same
        return 0, text + "\n(Continuing: this is a Wayland session, which Qt tries first.)"
    return 1, text


def main() -> int:
    status, text = check()
    if text:
        print(text, file=sys.stderr)
    return status


if __name__ == "__main__":
    sys.exit(main())
