# SPDX-License-Identifier: GPL-2.0-or-later
# Sourced after tests/lib.sh by run-demo.sh and tests/bench/launch.sh: the
# user the demo guest runs as, and its PulseAudio server.
#
#   demo_env_setup      root: drop to TEST_UID (nobody) with its own HOME and
#                       XDG_RUNTIME_DIR (lib.sh user_setup); otherwise run as
#                       the caller. Sets DEMO_WORK (a directory the demo user
#                       can write), DEMO_UID, and DEMO_TREE (where profiles/,
#                       build/vfio-launch and build/guest/ are read from by
#                       that user: the source tree, or a copy when the user
#                       cannot read it, e.g. a clone under /root, or
#                       when DEMO_SHM names another ivshmem file).
#   demo_as CMD...      runs CMD as the demo user, with PULSE_SERVER when the
#                       demo started its own server.
#   demo_spawn PIDFILE CMD...   the same, in the background; PIDFILE gets
#                       the pid that becomes CMD (so it can be signalled),
#                       DEMO_SPAWN_JOB the shell's job to wait for.
#   demo_pulse_ensure   uses the user's PulseAudio server when one answers,
#                       else starts a private one (null sink) until exit.
#                       Sets DEMO_PULSE to "yours" or "private".
#   demo_stop PIDFILE   SIGTERM, then SIGKILL after 5 s, the process in it.
# Everything started is stopped by the EXIT trap (demo_cleanup).

DEMO_PULSE_SERVER=
DEMO_PIDFILES=
DEMO_CLEAN_DIRS=

demo_cleanup() {
	for f in $DEMO_PIDFILES; do demo_stop "$f"; done
	for d in $DEMO_CLEAN_DIRS; do rm -rf "$d"; done
}

demo_stop() {
	[ -s "$1" ] || return 0
	pid=$(cat "$1")
	rm -f "$1"
	kill -TERM "$pid" 2>/dev/null || return 0
	i=0
	while kill -0 "$pid" 2>/dev/null && [ $i -lt 50 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	kill -KILL "$pid" 2>/dev/null || true
}

# Copies what the demo user reads into $1 (same layout, so the profile's
# relative paths hold), readable by everyone; with DEMO_SHM set, the
# copied profile's [looking-glass] path becomes DEMO_SHM (the integration
# test's own file, so that it cannot collide with a demo running at the
# same time). Sets DEMO_TREE.
demo_stage_tree() {
	DEMO_TREE=$1
	mkdir -p "$DEMO_TREE/profiles" "$DEMO_TREE/build/guest"
	if [ -n "${DEMO_SHM:-}" ]; then
		sed "/^\[looking-glass\]/,/^\[/ s|^path *=.*|path = $DEMO_SHM|" \
			"$TOP_SRCDIR/profiles/demo.conf" > "$DEMO_TREE/profiles/demo.conf"
	else
		cp "$TOP_SRCDIR/profiles/demo.conf" "$DEMO_TREE/profiles/"
	fi
	cp "$VL" "$DEMO_TREE/build/"
	cp "$BUILD_DIR/guest/vmlinuz" "$BUILD_DIR/guest/initramfs.cpio.gz" "$DEMO_TREE/build/guest/"
	chmod -R a+rX "$DEMO_TREE"
}

demo_env_setup() {
	if [ "$(id -u)" -eq 0 ]; then
		user_setup
		DEMO_UID=$TEST_UID
		DEMO_CLEAN_DIRS="$USER_TMP"
		DEMO_WORK=$USER_TMP/work
		mkdir -p "$DEMO_WORK"
		chown "$TEST_UID:$TEST_GID" "$DEMO_WORK"
		# The demo user must reach the profile, the launcher and the guest
		# through every parent directory.
		if [ -n "${DEMO_SHM:-}" ] || ! as_user test -r "$TOP_SRCDIR/profiles/demo.conf" -a -x "$VL" \
			-a -r "$BUILD_DIR/guest/vmlinuz" -a -r "$BUILD_DIR/guest/initramfs.cpio.gz"; then
			demo_stage_tree "$USER_TMP/tree"
		else
			DEMO_TREE=$TOP_SRCDIR
		fi
	else
		DEMO_UID=$(id -u)
		DEMO_WORK=$(mktemp -d "${TMPDIR:-/tmp}/vl-demo.XXXXXX")
		DEMO_CLEAN_DIRS="$DEMO_WORK"
		DEMO_TREE=$TOP_SRCDIR
		[ -z "${DEMO_SHM:-}" ] || demo_stage_tree "$DEMO_WORK/tree"
		if [ -z "${XDG_RUNTIME_DIR:-}" ]; then
			# No login session (e.g. su, cron): a private runtime dir.
			XDG_RUNTIME_DIR=$DEMO_WORK/run
			mkdir -m 0700 "$XDG_RUNTIME_DIR"
			export XDG_RUNTIME_DIR
		fi
	fi
	trap demo_cleanup EXIT
	trap 'exit 130' INT
	trap 'exit 143' TERM
	# The demo user's cwd must be reachable by it.
	cd "$DEMO_WORK"
}

demo_as() {
	if [ "$(id -u)" -eq 0 ]; then
		if [ -n "$DEMO_PULSE_SERVER" ]; then
			as_user env PULSE_SERVER="$DEMO_PULSE_SERVER" "$@"
		else
			as_user "$@"
		fi
	elif [ -n "$DEMO_PULSE_SERVER" ]; then
		env PULSE_SERVER="$DEMO_PULSE_SERVER" "$@"
	else
		"$@"
	fi
}

demo_spawn() {
	pidfile=$1
	shift
	DEMO_PIDFILES="$DEMO_PIDFILES $pidfile"
	demo_as sh -c 'echo $$ > "$0"; exec "$@"' "$pidfile" "$@" &
	DEMO_SPAWN_JOB=$!
	i=0
	while [ ! -s "$pidfile" ] && [ $i -lt 100 ]; do
		sleep 0.05
		i=$((i + 1))
	done
	[ -s "$pidfile" ] || fail "could not start $1"
}

demo_pulse_ensure() {
	need_tool pactl
	if demo_as pactl info >/dev/null 2>&1; then
		DEMO_PULSE=yours
		return 0
	fi
	need_tool pulseaudio
	sock=$DEMO_WORK/pulse/native
	if [ "$(id -u)" -eq 0 ]; then
		# The demo user's own runtime dir is fresh: put the server where
		# clients look by default ($XDG_RUNTIME_DIR/pulse/native), so the
		# launcher's "server = auto" lookup is what finds it.
		sock=$USER_TMP/run/pulse/native
	fi
	demo_as mkdir -p -m 0700 "${sock%/*}"
	# -n: no default.pa; only the native protocol on a unix socket and a
	# null sink (no sound hardware needed). Same-uid clients are
	# authenticated by their socket credentials, no cookie needed.
	demo_spawn "$DEMO_WORK/pulse.pid" pulseaudio --daemonize=no -n \
		--exit-idle-time=-1 --disallow-exit --use-pid-file=no \
		--log-target=file:"$DEMO_WORK/pulse.log" \
		-L "module-native-protocol-unix socket=$sock" \
		-L "module-null-sink sink_name=vfio_launch_demo"
	[ "$(id -u)" -eq 0 ] || DEMO_PULSE_SERVER=unix:$sock
	i=0
	until demo_as env PULSE_SERVER="unix:$sock" pactl info >/dev/null 2>&1; do
		i=$((i + 1))
		[ $i -lt 100 ] || { cat "$DEMO_WORK/pulse.log" 2>/dev/null; fail "the private PulseAudio server did not answer on $sock"; }
		sleep 0.1
	done
	DEMO_PULSE=private
}
