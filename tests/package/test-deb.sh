#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The Debian package: `make deb` (dpkg-buildpackage -us -uc -b, in a copy
# of the tree) builds with Debian's default build flags and WERROR=0, its
# unit suites pass (dh_auto_test), lintian reports no error and no warning
# that debian/vfio-launch.lintian-overrides does not explain, and the .deb,
# unpacked into an empty root (dpkg -x), holds exactly the files of the
# README's install table (first column), with maintainer scripts that
# create group vfio and enable nothing; as root, the .deb is then installed
# in place with dpkg -i, its programs run from /usr, and it is purged
# (nothing of it left but the group, which Debian keeps on purge). Skips
# without debhelper or lintian
# (CI's .ci/run installs both) or with unmet build dependencies.
. "$(dirname "$0")/../lib.sh"
need_tool dpkg-buildpackage
need_tool dh
need_tool lintian
need_tool make
cd "$TOP_SRCDIR" || exit 1
unmet=$(dpkg-checkbuilddeps 2>&1) || skip "unmet build dependencies: $unmet"

tmp=$(mktemp -d /tmp/vl-deb.XXXXXX)
trap 'rm -rf "$tmp"' EXIT

# every library and tool the Makefile builds with is a Build-Depends
deps=$(sed -n '/^DEPS_BUILD :=/,/[^\\]$/p' Makefile | sed 's/^DEPS_BUILD :=//; s/\\$//')
for d in $deps; do
	case $d in gcc | make) continue ;; esac # build-essential
	grep -q "^[[:space:]]*\(Build-Depends:[[:space:]]*\)\?$d\b" debian/control ||
		fail "DEPS_BUILD has $d, debian/control's Build-Depends does not"
done
echo "ok - Build-Depends has every DEPS_BUILD package"

make deb DEB_OUT="$tmp/out" >"$tmp/build.log" 2>&1 || { tail -n 80 "$tmp/build.log"; fail "make deb"; }
deb=$(ls "$tmp"/out/vfio-launch_*_amd64.deb)
[ -f "$deb" ] || fail "no .deb in $tmp/out"
# dpkg-buildflags' CPPFLAGS reached the compiler, and nothing clashed
grep -q -- '-D_FORTIFY_SOURCE=2 .*-c launcher/main.c' "$tmp/build.log" || fail "dpkg-buildflags CPPFLAGS not used"
grep -q -- '-Werror ' "$tmp/build.log" && fail "the package build has -Werror"
grep -q 'redefined' "$tmp/build.log" && { grep 'redefined' "$tmp/build.log"; fail "a macro redefined"; }
grep -q '^check: [0-9]* passed, 0 failed' "$tmp/build.log" || fail "dh_auto_test did not run the unit suites"
echo "ok - built with dpkg-buildflags, WERROR=0; $(grep '^check:' "$tmp/build.log")"

# lintian: errors and warnings fail, unless overridden with a reason
lintian --fail-on error,warning "$tmp"/out/vfio-launch_*_amd64.changes \
	>"$tmp/lintian" 2>&1 || { cat "$tmp/lintian"; fail "lintian"; }
# shown, not judged: the overridden tags and the informational ones
lintian --display-info --show-overrides "$tmp"/out/vfio-launch_*_amd64.changes 2>&1 |
	grep -v 'root privileges' | sed 's/^/    lintian: /'
echo "ok - lintian: no error, no unexplained warning"

# the files, against the README's table
root=$tmp/root
dpkg -x "$deb" "$root"
sed -n '/<!-- section: install -->/,/<!-- section: admin -->/p' README.md |
	sed -n 's/^| `\(\/[^`]*\)` | .*/\1/p' >"$tmp/readme-paths"
[ "$(wc -l <"$tmp/readme-paths")" -ge 15 ] || { cat "$tmp/readme-paths"; fail "README install table not found"; }
checked=0
while read -r p; do
	case $p in
	*'*'*)
		for src in profiles/*.conf; do
			[ "$src" = profiles/demo.conf ] && continue
			[ -f "$root${p%/*}/${src##*/}" ] || fail "${p%/*}/${src##*/} not in the package"
			checked=$((checked + 1))
		done
		;;
	*)
		[ -f "$root$p" ] || fail "$p not in the package where the README says"
		checked=$((checked + 1))
		;;
	esac
done <"$tmp/readme-paths"
(cd "$root" && find . -type f | sed 's/^\.//') >"$tmp/files"
while read -r f; do
	listed=no
	while read -r p; do
		# shellcheck disable=SC2254
		case $f in $p) listed=yes ;; esac
	done <"$tmp/readme-paths"
	[ $listed = yes ] || fail "$f is in the package but not in the README"
done <"$tmp/files"
echo "ok - $checked files where the README says, and no other"

ex=$root/usr/share/doc/vfio-launch/examples
[ ! -e "$ex/profiles/demo.conf" ] || fail "demo.conf packaged"
# /etc: the AppArmor profile only (a conffile, as bubblewrap's)
[ "$(find "$root/etc" -type f)" = "$root/etc/apparmor.d/vfio-launch" ] ||
	fail "the package ships files in /etc: $(find "$root/etc" -type f)"
grep -q "profile vfio-launch /usr/bin/vfio-launch flags=(unconfined)" "$root/etc/apparmor.d/vfio-launch" ||
	fail "the AppArmor profile does not name /usr/bin/vfio-launch"
[ ! -u "$root/usr/sbin/vfio-privhelper" ] || fail "helper setuid"
assert_contains "$root/usr/lib/sysusers.d/vfio-launch.conf" "g vfio - -"
assert_contains "$root/lib/systemd/system/vfio-privhelper.service" "ExecStart=/usr/sbin/vfio-privhelper bind"
assert_contains "$root/lib/udev/rules.d/70-vfio-launch.rules" 'GROUP="vfio", MODE="0660"'
assert_contains "$root/usr/lib/systemd/user/vfio-launch@.service" "ExecStart=/usr/bin/vfio-launch run %I"
version=$(dpkg-deb -f "$deb" Version)
out=$(LD_LIBRARY_PATH= "$root/usr/bin/vfio-launch" --version) || fail "vfio-launch --version"
assert_eq "vfio-launch ${version%-*}" "$out" "the packaged launcher's version"
echo "ok - no demo.conf, nothing in /etc but the AppArmor profile, sysusers group, unit, rule, version $out"

# maintainer scripts: the group is created; the unit is neither enabled
# nor started by the package
dpkg-deb -e "$deb" "$tmp/ctl"
assert_contains "$tmp/ctl/postinst" "systemd-sysusers"
grep -E "deb-systemd-invoke .*start|systemctl .*(start|enable)" "$tmp/ctl/postinst" &&
	fail "postinst starts or enables a unit"
if grep -n "deb-systemd-helper enable" "$tmp/ctl/postinst" | grep -v was-enabled >/dev/null; then
	# dh_installsystemd --no-enable only re-creates links the admin made
	grep -B2 "deb-systemd-helper enable" "$tmp/ctl/postinst" | grep -q "was-enabled" ||
		fail "postinst enables vfio-privhelper.service"
fi
echo "ok - postinst creates group vfio, enables and starts nothing"

# installed for real (root only, and only when no vfio-launch package is
# there already: the test never replaces or removes an admin's install)
if [ "$(id -u)" -ne 0 ]; then
	echo "ok # SKIP dpkg -i: not root"
elif dpkg-query -W -f='${db:Status-Abbrev}' vfio-launch 2>/dev/null | grep -q '^ii'; then
	echo "ok # SKIP dpkg -i: a vfio-launch package is installed already"
else
	trap 'dpkg --purge vfio-launch >/dev/null 2>&1; rm -rf "$tmp"' EXIT
	dpkg -i "$deb" >"$tmp/dpkg-i.log" 2>&1 || { cat "$tmp/dpkg-i.log"; fail "dpkg -i"; }
	out=$(/usr/bin/vfio-launch --version) || fail "installed vfio-launch --version"
	assert_eq "vfio-launch ${version%-*}" "$out" "the installed launcher's version"
	/usr/sbin/vfio-privhelper --help >/dev/null 2>&1 || fail "installed vfio-privhelper --help"
	getent group vfio >/dev/null || fail "group vfio not created by the package"
	dpkg --purge vfio-launch >"$tmp/purge.log" 2>&1 || { cat "$tmp/purge.log"; fail "dpkg --purge"; }
	for f in /usr/bin/vfio-launch /usr/sbin/vfio-privhelper /etc/apparmor.d/vfio-launch; do
		[ ! -e "$f" ] || fail "$f left after dpkg --purge"
	done
	echo "ok - dpkg -i installs it (version $out, group vfio), dpkg --purge removes it"
fi
echo "all passed"
