"""`make run` checks the system libraries of Qt's xcb plugin and prints the install line (#17)."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from gui.system_libs import XCB_LIBS, check, install_lines

ROOT = Path(__file__).resolve().parents[1]
X11 = {"DISPLAY": ":0"}


def _release(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "os-release"
    path.write_text(text)
    return path


def _without(*sonames: str):
    return lambda soname: soname not in sonames


def test_a_missing_xcb_cursor_gives_the_apt_line_on_debian_and_ubuntu(tmp_path):
    for release in ('ID=debian\n', 'ID=ubuntu\nID_LIKE=debian\n', 'ID=linuxmint\nID_LIKE="ubuntu debian"\n'):
        status, text = check(X11, _without("libxcb-cursor.so.0", "libxkbcommon-x11.so.0"),
                             _release(tmp_path, release))
        assert status == 1
        assert "sudo apt-get install libxcb-cursor0 libxkbcommon-x11-0" in text
        assert "libxcb-cursor.so.0" in text and "dnf" not in text


def test_the_dnf_line_on_fedora_and_both_where_the_distribution_is_unknown(tmp_path):
    status, text = check(X11, _without("libxcb-cursor.so.0"), _release(tmp_path, "ID=fedora\n"))
    assert status == 1 and "sudo dnf install xcb-util-cursor" in text and "apt-get" not in text
    status, text = check(X11, _without("libxcb-cursor.so.0"), _release(tmp_path, "ID=gentoo\n"))
    assert status == 1 and "apt-get install libxcb-cursor0" in text and "dnf install xcb-util-cursor" in text


def test_nothing_is_said_when_all_load_or_qt_is_asked_for_another_platform(tmp_path):
    assert check(X11, lambda soname: True) == (0, "")
    assert check({"QT_QPA_PLATFORM": "offscreen"}, lambda soname: False) == (0, "")
    status, text = check({"WAYLAND_DISPLAY": "wayland-0"}, _without("libxcb-cursor.so.0"))
    assert status == 0 and "libxcb-cursor" in text  # said, but the window may open through Wayland


def _plugin_needs() -> tuple[set[str], set[str]]:
    """What the dynamic loader makes of PySide6's xcb plugin here: (every library, those not found)."""
    import PySide6

    plugin = Path(PySide6.__file__).parent / "Qt" / "plugins" / "platforms" / "libqxcb.so"
    if not plugin.exists() or shutil.which("ldd") is None:
        pytest.skip("no libqxcb.so or no ldd on this machine")
    lines = subprocess.run(["ldd", str(plugin)], capture_output=True, text=True, check=True).stdout.splitlines()
    names = {ln.split()[0] for ln in lines if "=>" in ln}
    return names, {ln.split()[0] for ln in lines if "not found" in ln}


def test_the_check_names_exactly_what_the_loader_cannot_find_here():
    """The list is real on any machine: the libraries the check reports missing are the xcb
    libraries the loader cannot resolve for Qt's plugin (none where the window runs under Xvfb)."""
    needed, not_found = _plugin_needs()
    ours = {lib.soname for lib in XCB_LIBS}
    status, text = check(X11)
    reported = {soname for soname in ours if soname in text}
    assert reported == not_found & ours
    assert status == (1 if reported else 0)
    assert not_found <= ours, f"the plugin needs libraries the check does not know: {sorted(not_found - ours)}"
    assert ours & needed, "none of the listed libraries is one the plugin links"


def test_make_run_checks_before_it_starts_the_window():
    dry = subprocess.run(["make", "-n", "-W", "pyproject.toml", "run"], cwd=ROOT, capture_output=True, text=True)
    lines = [line for line in dry.stdout.splitlines() if "gui.system_libs" in line or "trm-puzzles" in line]
    assert len(lines) >= 2 and "gui.system_libs" in lines[-2] and lines[-1].endswith("trm-puzzles")


def test_the_readme_names_every_package_per_distribution():
    readme = (ROOT / "README.md").read_text(encoding="utf-8").replace("\\\n", " ")
    apt = re.search(r"sudo apt-get install ([^\n]+)", readme)
    dnf = re.search(r"sudo dnf install ([^\n]+)", readme)
    assert apt and dnf
    assert set(apt.group(1).split()) == {lib.debian for lib in XCB_LIBS}
    assert set(dnf.group(1).split()) == {lib.fedora for lib in XCB_LIBS}
    assert install_lines(list(XCB_LIBS), "debian")[0].endswith(" ".join(dict.fromkeys(lib.debian for lib in XCB_LIBS)))
