#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# `make install DESTDIR=...` lays out every file where README.md's "Install"
# table says, installs nothing the table does not list, fills the unit's
# ExecStart from SBINDIR, honours PREFIX/UDEVRULESDIR/SYSTEMDUNITDIR/
# DOCDIR, and `make uninstall` removes every file again.
. "$(dirname "$0")/../lib.sh"
need_tool make
need_tool install

tmp=$(mktemp -d /tmp/ph-install.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
cd "$TOP_SRCDIR" || exit 1

# the README's table: rows "| `/package/path` | `/make/install/path` | what |"
# in the install section; the second column is make install's
sed -n '/<!-- section: install -->/,/<!-- section: admin -->/p' README.md |
	sed -n 's/^| `\/[^`]*` | `\(\/[^`]*\)` |.*/\1/p' >"$tmp/readme-paths"
[ "$(wc -l <"$tmp/readme-paths")" -ge 12 ] || { cat "$tmp/readme-paths"; fail "README install table not found"; }

# pinned so the test does not depend on this host's pkg-config answers;
# the values are the README's Debian 12 defaults
D=$tmp/dest
make -s install DESTDIR="$D" UDEVRULESDIR=/lib/udev/rules.d SYSTEMDUNITDIR=/lib/systemd/system \
	SYSTEMDUSERUNITDIR=/usr/lib/systemd/user \
	>"$tmp/log" 2>&1 || { cat "$tmp/log"; fail "make install"; }

checked=0
while read -r p; do
	case $p in
	*'*'*)
		# a glob row: every source file of that kind is installed there
		dir=${p%/*}
		for src in profiles/*.conf; do
			[ -f "$src" ] && [ "$src" != profiles/demo.conf ] || continue
			[ -f "$D$dir/${src##*/}" ] || fail "$dir/${src##*/} not installed"
			checked=$((checked + 1))
		done
		;;
	*/man/man*)
		page=${p##*/}
		if [ ! -f launcher/"$page".scd ] && [ ! -f privhelper/"$page".scd ]; then
			echo "note: $page has no .scd source in this tree yet, not checked"
			continue
		fi
		[ -f "$D$p" ] || fail "$p not installed"
		checked=$((checked + 1))
		;;
	*)
		[ -f "$D$p" ] || fail "$p not installed where the README says"
		checked=$((checked + 1))
		;;
	esac
done <"$tmp/readme-paths"
echo "ok - $checked files where the README says"

# nothing installed that the README does not list
(cd "$D" && find . -type f | sed 's/^\.//') | while read -r f; do
	listed=no
	while read -r p; do
		# shellcheck disable=SC2254
		case $f in $p) listed=yes ;; esac
	done <"$tmp/readme-paths"
	[ $listed = yes ] || fail "$f installed but not in the README"
done
echo "ok - every installed file is in the README"

[ -x "$D/usr/local/sbin/vfio-privhelper" ] || fail "helper not executable"
[ ! -u "$D/usr/local/sbin/vfio-privhelper" ] || fail "helper installed setuid"
assert_contains "$D/lib/systemd/system/vfio-privhelper.service" "ExecStart=/usr/local/sbin/vfio-privhelper bind"
grep -q '@SBINDIR@' "$D/lib/systemd/system/vfio-privhelper.service" && fail "unit not filled in"
# the unit's sandbox: verified by systemd itself (ExecStart pointed at the
# DESTDIR copy, which must exist), and its exposure below systemd's 7.0
assert_contains "$D/lib/systemd/system/vfio-privhelper-tap.service" "ExecStart=/usr/local/sbin/vfio-privhelper tap"
if command -v systemd-analyze >/dev/null; then
	for u in vfio-privhelper.service vfio-privhelper-tap.service; do
		sed "s|=/usr/local/sbin/|=$D/usr/local/sbin/|" "$D/lib/systemd/system/$u" >"$tmp/$u"
		systemd-analyze verify --man=no "$tmp/$u" || fail "systemd-analyze verify $u"
		e=$(systemd-analyze security --offline=yes "$tmp/$u" | sed -n 's/.*exposure level.*: \([0-9.]*\) .*/\1/p')
		[ -n "$e" ] && [ "${e%.*}" -lt 7 ] || fail "$u: exposure '$e', expected below 7.0"
		echo "ok - $u verifies, exposure $e"
	done
else
	echo "note: no systemd-analyze, the unit is not verified"
fi
assert_contains "$D/lib/udev/rules.d/70-vfio-launch.rules" 'SUBSYSTEM=="vfio", KERNEL!="noiommu-*", GROUP="vfio", MODE="0660"'
EX=$D/usr/local/share/doc/vfio-launch/examples
[ ! -e "$EX/profiles/demo.conf" ] || fail "demo.conf installed"
# /etc: the AppArmor profile only (user namespaces on Ubuntu >= 23.10)
assert_contains "$D/etc/apparmor.d/vfio-launch" "profile vfio-launch /usr/local/bin/vfio-launch flags=(unconfined)"
[ "$(find "$D/etc" -type f)" = "$D/etc/apparmor.d/vfio-launch" ] || fail "make install wrote into /etc: $(find "$D/etc" -type f)"
grep -v '^#' "$EX/udev-rules/"*.example | grep -q . &&
	fail "an optional udev rule is active"
# each template holds its placeholder once per line the README's sed edits
assert_eq 2 "$(grep -c ' memlock 9437184$' "$EX/limits/limits.d/vfio-launch.conf")" "limits.d template"
assert_contains "$EX/limits/user@.service.d/vfio-launch.conf" "LimitMEMLOCK=9663676416"
assert_contains "$EX/limits/user.conf.d/vfio-launch.conf" "DefaultLimitMEMLOCK=9663676416"
echo "ok - unit, rules, limits templates"

# the user unit template (vfio-launch@.service): filled in from BINDIR, and
# verified by systemd as a user unit, an instance of it, with ExecStart
# pointed at the DESTDIR copy (which must exist). verify exits 0 on
# values it ignores: its stderr must be empty too.
U=$D/usr/lib/systemd/user/vfio-launch@.service
assert_contains "$U" "ExecStart=/usr/local/bin/vfio-launch run %I"
assert_contains "$U" "ExecStop=/usr/local/bin/vfio-launch stop %I"
assert_contains "$U" "Type=notify"
grep -q '@BINDIR@' "$U" && fail "user unit not filled in"
if command -v systemd-analyze >/dev/null; then
	mkdir -p "$tmp/user" "$tmp/xdg"
	chmod 0700 "$tmp/xdg"
	sed "s|=/usr/local/bin/|=$D/usr/local/bin/|" "$U" >"$tmp/user/vfio-launch@demo.service"
	XDG_RUNTIME_DIR=$tmp/xdg systemd-analyze verify --user --man=no \
		"$tmp/user/vfio-launch@demo.service" >"$tmp/verify" 2>&1 || { cat "$tmp/verify"; fail "systemd-analyze verify --user"; }
	[ ! -s "$tmp/verify" ] || { cat "$tmp/verify"; fail "systemd-analyze verify --user complains"; }
	echo "ok - the user unit verifies (systemd-analyze verify --user)"
else
	echo "note: systemd-analyze is missing: the user unit is not verified"
fi

make -s uninstall DESTDIR="$D" UDEVRULESDIR=/lib/udev/rules.d SYSTEMDUNITDIR=/lib/systemd/system \
	>"$tmp/log" 2>&1 || { cat "$tmp/log"; fail "make uninstall"; }
left=$(find "$D" -type f)
[ -z "$left" ] || fail "uninstall left: $left"
echo "ok - uninstall removes every file"

# overrides
D=$tmp/dest2
make -s install DESTDIR="$D" PREFIX=/usr DOCDIR=/usr/share/doc/alt UDEVRULESDIR=/usr/lib/udev/rules.d \
	SYSTEMDUNITDIR=/usr/lib/systemd/system >"$tmp/log" 2>&1 || { cat "$tmp/log"; fail "make install PREFIX=/usr"; }
for f in /usr/bin/vfio-launch /usr/sbin/vfio-privhelper /usr/lib/udev/rules.d/70-vfio-launch.rules \
	/usr/lib/systemd/system/vfio-privhelper.service /usr/share/doc/alt/examples/privhelper.conf.example \
	/usr/share/man/man8/vfio-privhelper.8 /usr/share/doc/alt/examples/limits/limits.d/vfio-launch.conf; do
	[ -f "$D$f" ] || fail "$f not installed with the overrides"
done
assert_contains "$D/usr/lib/systemd/system/vfio-privhelper.service" "ExecStart=/usr/sbin/vfio-privhelper bind"
make -s uninstall DESTDIR="$D" PREFIX=/usr DOCDIR=/usr/share/doc/alt UDEVRULESDIR=/usr/lib/udev/rules.d \
	SYSTEMDUNITDIR=/usr/lib/systemd/system >"$tmp/log" 2>&1 || fail "make uninstall PREFIX=/usr"
[ -z "$(find "$D" -type f)" ] || fail "uninstall with overrides left files"
echo "ok - PREFIX, DOCDIR, UDEVRULESDIR, SYSTEMDUNITDIR overrides"

# with no override, the udev and systemd directories come from pkg-config
# (udev.pc, systemd.pc), or Debian's paths when it has none
udevdir=$(pkg-config --variable=udevdir udev 2>/dev/null || true)
unitdir=$(pkg-config --variable=systemdsystemunitdir systemd 2>/dev/null || true)
D=$tmp/dest3
make -s install DESTDIR="$D" >"$tmp/log" 2>&1 || { cat "$tmp/log"; fail "make install (defaults)"; }
[ -f "$D${udevdir:-/lib/udev}/rules.d/70-vfio-launch.rules" ] || fail "rule not in udevdir ${udevdir:-/lib/udev}"
[ -f "$D${unitdir:-/lib/systemd/system}/vfio-privhelper.service" ] || fail "unit not in ${unitdir:-/lib/systemd/system}"
make -s uninstall DESTDIR="$D" >"$tmp/log" 2>&1 || fail "make uninstall (defaults)"
[ -z "$(find "$D" -type f)" ] || fail "uninstall (defaults) left files"
echo "ok - default udev and unit directories from pkg-config (${udevdir:-none}, ${unitdir:-none})"
echo "all passed"
