#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# display = spice through `vfio-launch run` as the unprivileged test uid
# (UEFI, TCG, no disk): QEMU's SPICE server listens in the VM's runtime
# dir, reached by the user at $XDG_RUNTIME_DIR/vfio-launch/NAME/spice.sock
# (a link to spice/spice.sock, the directory QEMU makes it in):
#   - `check` names that path and how to connect;
#   - QMP query-spice (the user's qmp.sock) shows the server enabled on
#     that unix socket, no password (the runtime dir's mode 0700 guards
#     it); info qtree shows the agent's port com.redhat.spice.0 on the
#     spicevmc chardev "vdagent" (what looking-glass-client and
#     remote-viewer use for mouse and clipboard);
#   - a client connects through the user's path and gets SPICE's link
#     reply: the header's magic "REDQ", protocol 2.2, error 0
#     (SpiceLinkHeader, SpiceLinkMess and SpiceLinkReply of
#     spice-protocol's spice/protocol.h; the main channel, type 1, of
#     spice/enums.h);
#   - QEMU's box shows only the spice directory of the runtime dir (no
#     lock, qmp.sock or ctl.sock), and the run leaves nothing behind.
. "$(dirname "$0")/../lib.sh"
[ -x "$VL" ] || skip "build/vfio-launch is not built"
for t in qemu-system-x86_64 socat od; do need_tool "$t"; done
[ -r /usr/share/OVMF/OVMF_CODE_4M.fd ] || skip "needs OVMF (Debian package ovmf)"
user_setup
SUP_PID=
cleanup() {
	[ -z "$SUP_PID" ] || kill -KILL "$SUP_PID" 2>/dev/null || true
	rm -rf "$USER_TMP"
}
trap cleanup EXIT
RUN=$USER_TMP/run
out=$USER_TMP/out
mkdir -p "$out"
chmod 0777 "$out"
conf=$USER_TMP/home/spice.conf
printf '%s\n' "[vm]" "name = sp" "memory = 256M" "accel = tcg" "firmware = uefi" \
	"display = spice" >"$conf"
chown -R "$TEST_UID:$TEST_GID" "$USER_TMP/home"
rt=$RUN/vfio-launch/sp
user_sock=$rt/spice.sock

as_user "$VL" check "$conf" >"$out/check" 2>&1 || { cat "$out/check"; fail "check failed"; }
assert_contains "$out/check" "PASS  display: display = spice: the SPICE server listens at $user_sock"
assert_contains "$out/check" "remote-viewer spice+unix://$user_sock"

as_user sh -c 'echo $$ >"$0"; log=$1; shift; exec "$@" </dev/null >>"$log" 2>&1' \
	"$out/sup.pid" "$out/run" "$VL" run "$conf" &
job=$!
i=0
until [ -S "$rt/spice/spice.sock" ] && grep -q "QMP event RESUME" "$out/run" 2>/dev/null; do
	i=$((i + 1))
	if [ $i -ge 300 ] || ! kill -0 "$job" 2>/dev/null; then
		cat "$out/run"
		fail "QEMU did not start with its SPICE socket"
	fi
	sleep 0.1
done
SUP_PID=$(cat "$out/sup.pid")
[ -L "$user_sock" ] || fail "$user_sock is not the link to spice/spice.sock"
assert_eq spice/spice.sock "$(readlink "$user_sock")" "the user's spice.sock link"

qmp() { # COMMAND-JSON...: the replies of QEMU's user QMP socket
	{
		echo '{"execute":"qmp_capabilities"}'
		for c in "$@"; do echo "$c"; done
	} | as_user socat -t 5 - "UNIX-CONNECT:$rt/qmp.sock"
}
qmp '{"execute":"query-spice"}' >"$out/query-spice"
assert_contains "$out/query-spice" '"enabled": true'
assert_contains "$out/query-spice" "\"host\": \"$rt/spice/spice.sock\""
assert_contains "$out/query-spice" '"auth": "none"'
echo "query-spice: $(grep '"enabled"' "$out/query-spice")"
qmp '{"execute":"human-monitor-command","arguments":{"command-line":"info qtree"}}' \
	'{"execute":"query-chardev"}' >"$out/qtree"
assert_contains "$out/qtree" 'dev: virtserialport'
assert_contains "$out/qtree" 'chardev = \"vdagent\"'
assert_contains "$out/qtree" 'name = \"com.redhat.spice.0\"'
assert_contains "$out/qtree" '"filename": "spicevmc", "label": "vdagent"'

# The link: SpiceLinkHeader {magic "REDQ", major 2, minor 2, size 18}
# then SpiceLinkMess {connection_id 0, channel_type 1 (main),
# channel_id 0, no common or channel caps, caps_offset 18}, all
# little-endian. The server answers with its own header and
# SpiceLinkReply, whose first field is the error: 0, SPICE_LINK_ERR_OK.
link() {
	printf 'REDQ\002\000\000\000\002\000\000\000\022\000\000\000'
	printf '\000\000\000\000\001\000\000\000\000\000\000\000\000\000\022\000\000\000'
}
link | as_user socat -t 5 - "UNIX-CONNECT:$user_sock" 2>/dev/null | head -c 20 | od -An -tx1 -v |
	tr -s ' \n' ' ' | sed 's/^ //; s/ $//' >"$out/reply"
reply=$(cat "$out/reply")
case $reply in
"52 45 44 51 02 00 00 00 02 00 00 00 "??" "??" "??" "??" 00 00 00 00") ;;
*) fail "no SPICE link reply through $user_sock: '$reply'" ;;
esac
echo "SPICE link through $user_sock: $reply"

# The box: of the runtime dir only QEMU's spice directory.
QEMU_PID=$(pgrep -P "$SUP_PID" | head -n 1)
root=/proc/$QEMU_PID/root
assert_eq spice "$(ls -A "$root$rt" | tr '\n' ' ' | sed 's/ $//')" "the VM's runtime dir in QEMU's box"
assert_eq spice.sock "$(ls -A "$root$rt/spice" | tr '\n' ' ' | sed 's/ $//')" "the spice directory in QEMU's box"
[ "$(ls -A "$root$RUN")" = vfio-launch ] || fail "the box shows more of the runtime dir: $(ls -A "$root$RUN")"
# The same directory outside holds the lock and the supervisor's sockets.
for f in lock qmp.sock; do [ -e "$rt/$f" ] || fail "no $rt/$f outside the box"; done

kill -TERM "$SUP_PID"
sleep 1
kill -TERM "$SUP_PID" 2>/dev/null || true
wait "$job" || true
SUP_PID=
[ ! -e "$rt" ] || { ls -la "$rt" "$rt/spice" 2>&1; fail "the run left $rt behind"; }
echo ok
