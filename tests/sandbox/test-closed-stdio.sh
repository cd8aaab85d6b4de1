#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# `vfio-launch run` started with stdin and stderr closed (`<&- 2>&-`), as
# the unprivileged test uid: QEMU (here a script reporting its
# descriptors) must still get 0, 1 and 2 open, and on nothing of the
# launcher's: not the lock (which must stay above 2), not the exec guard's
# socket (closed at execve, which would leave QEMU's stdin closed so its
# first open() becomes stdin).
. "$(dirname "$0")/../lib.sh"
[ -x "$VL" ] || skip "build/vfio-launch is not built"
user_setup

cat >"$USER_TMP/fakeq" <<'Q'
#!/bin/sh
for fd in 0 1 2; do
	printf 'fd%s=%s\n' "$fd" "$(readlink /proc/$$/fd/$fd || echo CLOSED)"
done
Q
chmod 0755 "$USER_TMP/fakeq"
out="$USER_TMP/stdout"
conf="$USER_TMP/home/stdio.conf"
printf '%s\n' "[vm]" "name = stdio" "memory = 64M" "accel = tcg" "" \
	"[qemu]" "binary = $USER_TMP/fakeq" >"$conf"
chown -R "$TEST_UID:$TEST_GID" "$USER_TMP/home"

rc=0
# --trust-profile: binary = is a profile widening the box (trust.h)
as_user "$VL" run --trust-profile "$conf" <&- 2>&- >"$out" || rc=$?
[ "$rc" -eq 0 ] || fail "run exited $rc"
cat "$out"
assert_contains "$out" "fd0=/dev/null"
assert_contains "$out" "fd2=/dev/null"
if grep -q "CLOSED\|lock\|socket:" "$out"; then fail "QEMU got a closed or a launcher's descriptor on 0-2"; fi
echo "QEMU started with 0-2 open on /dev/null and the launcher's stdout"
