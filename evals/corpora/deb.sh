# Shared by the get_*.sh corpus scripts (sourced, not run): fetch one Debian package and unpack it.
#
# Usage, after `set -euo pipefail`:
#   source "$(dirname "${BASH_SOURCE[0]}")/deb.sh"
#   DEST="$(abs_dest "${1:-}" corpora/NAME)"
#   unpack_deb PKG          # -> $UNPACKED: the package's files, in a temp dir removed on exit
#
# apt-get update runs only when the download fails (a fresh container has no package lists).

# DEST made absolute (relative to the caller's cwd), defaulting to REPO/DEFAULT.
abs_dest() {
    local dest="$1" default="$2" repo
    repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
    dest="${dest:-$repo/$default}"
    case "$dest" in /*) ;; *) dest="$PWD/$dest" ;; esac
    printf '%s\n' "$dest"
}

unpack_deb() {
    local pkg="$1" tool deb
    for tool in apt-get dpkg; do
        command -v "$tool" >/dev/null 2>&1 || { echo "error: $tool not found" >&2; exit 1; }
    done
    DEB_WORK="$(mktemp -d)"
    trap 'rm -rf "$DEB_WORK"' EXIT
    # apt's _apt sandbox user must be able to write the download dir.
    chmod 755 "$DEB_WORK"
    if ! (cd "$DEB_WORK" && apt-get download "$pkg" >/dev/null 2>&1); then
        echo "apt-get download failed; running apt-get update and retrying" >&2
        apt-get update >/dev/null
        (cd "$DEB_WORK" && apt-get download "$pkg" >/dev/null)
    fi
    deb="$(ls "$DEB_WORK"/"$pkg"_*.deb | head -n1)"
    echo "downloaded $(basename "$deb")"
    UNPACKED="$DEB_WORK/x"
    mkdir -p "$UNPACKED"
    dpkg -x "$deb" "$UNPACKED"
}

# Copy each FILE (relative to SRC) into DEST keeping its sub-folder; fail when one is missing.
copy_files() {
    local src="$1" dest="$2" f
    shift 2
    for f in "$@"; do
        [ -f "$src/$f" ] || { echo "error: $src/$f not found in package" >&2; exit 1; }
        mkdir -p "$dest/$(dirname "$f")"
        cp -f "$src/$f" "$dest/$f"
    done
    echo "$# files, $(cd "$dest" && cat "$@" | wc -c) bytes in $dest"
}

# Copy the pages SUMS lists ("sha256  path" lines) from SRC into DEST, after checking each against its sum: the
# questions were written against those exact pages (LABEL names the package version), a later package fails loudly.
copy_checked() {
    local src="$1" dest="$2" sums="$3" label="$4" pages=() page
    while read -r _ page; do
        pages+=("$page")
    done <<< "$sums"
    for page in "${pages[@]}"; do
        [ -f "$src/$page" ] || { echo "error: $src/$page not found in package" >&2; exit 1; }
    done
    if ! (cd "$src" && sha256sum --quiet -c - <<< "$sums" >&2); then
        echo "error: these pages differ from $label, which the questions were written against" >&2
        exit 1
    fi
    copy_files "$src" "$dest" "${pages[@]}"
}
