#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# `vfio-launch run` started with stdin and stderr closed (`<&- 2>&-`), as
# the unprivileged test uid: QEMU (here a script reporting its
# descriptors) must still get 0, 1 and 2 open, and on nothing of the
# launcher's: stdin /dev/null, stdout and stderr the supervisor's pipes
# (relayed to run's own), never the lock or a file run opened on 0-2.
. "$(dirname "$0")/../lib.sh"
[ -x "$VL" ] || skip "build/vfio-launch is not built"
user_setup

cat >"$USER_TMP/fakeq" <<'Q'
#!/bin/sh
for fd in 0 1 2; do
	# readlink names a descriptor opened before the box's pivot_root by
	# its old path ("/null"): the device numbers say what it is.
	printf 'fd%s=%s %s\n' "$fd" "$(readlink /proc/$$/fd/$fd || echo CLOSED)" \
		"$(stat -L -c 'dev=%t:%T' /proc/$$/fd/$fd 2>/dev/null)"
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
grep -q '^fd0=.* dev=1:3$' "$out" || fail "QEMU's stdin is not /dev/null (char 1:3)"
grep -q '^fd1=pipe:' "$out" || fail "QEMU's stdout is not the supervisor's pipe"
grep -q '^fd2=pipe:' "$out" || fail "QEMU's stderr is not the supervisor's pipe"
if grep -q "CLOSED\|lock\|socket:" "$out"; then fail "QEMU got a closed or a launcher's descriptor on 0-2"; fi
echo "QEMU started with 0 on /dev/null and 1, 2 on the supervisor's pipes"
