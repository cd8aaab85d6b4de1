# SPDX-License-Identifier: GPL-2.0-or-later
# Shared helpers for the shell tests (sourced). Exit 77 = skip.
set -eu
TOP_SRCDIR=${TOP_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
BUILD_DIR=${BUILD_DIR:-$TOP_SRCDIR/build}
VL="$BUILD_DIR/vfio-launch"

skip() { echo "SKIP: $*"; exit 77; }
fail() { echo "FAIL: $*"; exit 1; }
need_root() { [ "$(id -u)" -eq 0 ] || skip "needs root (run as root: CI does)"; }
need_tool() { command -v "$1" >/dev/null 2>&1 || skip "needs $1"; }

# assert_eq EXPECTED ACTUAL WHAT
assert_eq() { [ "$1" = "$2" ] || fail "$3: expected '$1', got '$2'"; }
# assert_contains FILE STRING: the file holds the fixed string
assert_contains() { grep -qF -- "$2" "$1" || { echo "--- $1:"; cat "$1"; fail "'$2' not in $1"; }; }
