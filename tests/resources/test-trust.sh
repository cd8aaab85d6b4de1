#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# A profile cannot widen the box in silence (issue 9, part 5), as the
# unprivileged test uid: a profile naming ~/.bashrc as a read-write disk
# and ~/.ssh/id_ed25519 as a read-only one. `check` lists both (FAIL);
# `run` refuses with 77 before anything starts (no runtime dir, QEMU not
# executed); `run --trust-profile` and `trusted = yes` go on, and QEMU (a
# script in its place) runs in the box with exactly those two files
# reachable. A disk path that is a directory is refused by check and run.
. "$(dirname "$0")/../lib.sh"
[ -x "$VL" ] || skip "build/vfio-launch is not built"
user_setup

H="$USER_TMP/home"
mkdir -p "$H/.ssh" "$H/vm"
echo 'alias ll="ls -l"' >"$H/.bashrc"
echo 'PRIVATE KEY' >"$H/.ssh/id_ed25519"
chmod 0600 "$H/.ssh/id_ed25519"
# QEMU's place: reads the two files it was given, as a taken-over QEMU
# would, and one it was not.
cat >"$H/vm/fakeq" <<'Q'
#!/bin/sh
echo "fakeq started"
cat "$HOME/.ssh/id_ed25519" >/dev/null 2>&1 && echo "key readable"
cat "$HOME/.bashrc" >/dev/null 2>&1 && echo "bashrc readable"
cat "$HOME/vm/other" >/dev/null 2>&1 && echo "other readable"
exit 0
Q
chmod 0755 "$H/vm/fakeq"
echo other >"$H/vm/other"
conf="$H/vm/widen.conf"
printf '%s\n' "[vm]" "name = widen" "memory = 64M" "accel = tcg" "" \
	"[disk rc]" "path = $H/.bashrc" "" \
	"[disk key]" "path = $H/.ssh/id_ed25519" "readonly = yes" "" >"$conf"
chown -R "$TEST_UID:$TEST_GID" "$H"
out="$USER_TMP/out"

# ---- check: both listed as FAIL, with the fix; exit 1
rc=0
as_user "$VL" check "$conf" >"$out" 2>&1 || rc=$?
cat "$out"
assert_eq 1 "$rc" "check exit status"
assert_contains "$out" "FAIL  trust: $conf:6: [disk rc] path = $H/.bashrc: under a dotfile or dot-directory of your home"
assert_contains "$out" "FAIL  trust: $conf:9: [disk key] path = $H/.ssh/id_ed25519: under a dotfile or dot-directory of your home"
assert_contains "$out" "fix: if you trust whoever wrote $conf: vfio-launch run --trust-profile, or trusted = yes in its [vm] section; otherwise remove it"
# the disks themselves are fine files: only trust FAILs
[ "$(grep -c '^FAIL' "$out")" -eq 2 ] || fail "check FAILs more than the two trust lines"

# ---- check --trust-profile: the same lines as WARN, exit 0
rc=0
as_user "$VL" check --trust-profile "$conf" >"$out" 2>&1 || rc=$?
assert_eq 0 "$rc" "check --trust-profile exit status"
assert_contains "$out" "WARN  trust: $conf:6: [disk rc] path = $H/.bashrc"

# ---- run: refused with 77 before anything starts
rc=0
as_user "$VL" run "$conf" >"$out" 2>&1 || rc=$?
cat "$out"
assert_eq 77 "$rc" "run exit status without consent"
assert_contains "$out" "FAIL  trust: $conf:6: [disk rc] path = $H/.bashrc"
assert_contains "$out" "FAIL  trust: $conf:9: [disk key] path = $H/.ssh/id_ed25519"
assert_contains "$out" "refusing to start VM widen"
if grep -q "fakeq started" "$out"; then fail "QEMU ran without consent"; fi
[ ! -e "$USER_TMP/run/vfio-launch" ] || fail "run created its runtime dir before refusing"

# ---- run --trust-profile: goes on; QEMU (the script, binary = listed
# too) reaches the two disks and nothing else of the home
printf '%s\n' "[qemu]" "binary = $H/vm/fakeq" >>"$conf"
rc=0
as_user "$VL" run --trust-profile "$conf" >"$out" 2>&1 || rc=$?
cat "$out"
assert_eq 0 "$rc" "run --trust-profile exit status"
assert_contains "$out" "WARN  trust: $conf:6: [disk rc] path = $H/.bashrc"
assert_contains "$out" "WARN  trust: $conf: [qemu] binary = $H/vm/fakeq"
assert_contains "$out" "fakeq started"
assert_contains "$out" "key readable"
assert_contains "$out" "bashrc readable"
if grep -q "other readable" "$out"; then fail "the box let QEMU read a file the profile does not name"; fi
# outside the box the same read works: the test proves the box denied it
as_user cat "$H/vm/other" >/dev/null || fail "the test user cannot read $H/vm/other at all"

# ---- [vm] trusted = yes: the same consent
sed -i 's/^accel = tcg$/accel = tcg\ntrusted = yes/' "$conf"
rc=0
as_user "$VL" run "$conf" >"$out" 2>&1 || rc=$?
assert_eq 0 "$rc" "run with trusted = yes exit status"
assert_contains "$out" "going on because it says trusted = yes"
assert_contains "$out" "fakeq started"

# ---- a disk path that is a directory: FAIL, and run refuses (69)
printf '%s\n' "[vm]" "name = dir" "memory = 64M" "accel = tcg" "" \
	"[disk d]" "path = $H/vm" >"$H/vm/dir.conf"
chown "$TEST_UID:$TEST_GID" "$H/vm/dir.conf"
rc=0
as_user "$VL" check "$H/vm/dir.conf" >"$out" 2>&1 || rc=$?
assert_eq 1 "$rc" "check of a directory disk"
assert_contains "$out" "FAIL  disk d: $H/vm is a directory; a disk is a block device or an image file"
rc=0
as_user "$VL" run "$H/vm/dir.conf" >"$out" 2>&1 || rc=$?
assert_eq 69 "$rc" "run of a directory disk"
echo "PASS: trust"
