#!/bin/sh
# Add TRM Puzzles to the desktop's application menu for the current user, pointing at this
# unpacked folder (move the folder first if you want it elsewhere; run again after moving it).
#   ./install-desktop-entry.sh            install the menu entry and icon
#   ./install-desktop-entry.sh --remove   remove them again
set -eu
here=$(cd "$(dirname "$0")" && pwd)
data=${XDG_DATA_HOME:-$HOME/.local/share}
entry="$data/applications/trm-puzzles.desktop"
icon="$data/icons/hicolor/256x256/apps/trm-puzzles.png"
if [ "${1:-}" = "--remove" ]; then
    rm -f "$entry" "$icon"
    echo "removed $entry and $icon"
    exit 0
fi
mkdir -p "$(dirname "$entry")" "$(dirname "$icon")"
cp "$here/trm-puzzles.png" "$icon"
# Quote the executable path: the folder may contain spaces.
sed -e "s|^Exec=.*|Exec=\"$here/trm-puzzles\" %f|" -e "s|^Icon=.*|Icon=trm-puzzles|" \
    "$here/trm-puzzles.desktop" > "$entry"
chmod +x "$entry"
command -v update-desktop-database >/dev/null 2>&1 && update-desktop-database "$data/applications" || true
echo "installed $entry (runs $here/trm-puzzles)"
