# SPDX-License-Identifier: GPL-2.0-or-later
# vfio-launch: one Makefile for the launcher, the helper, tests and the demo.
#
#   make demo     install what is missing, build, boot the demo VM as a user
#   make check    install what is missing, build, run every test
#   make          build build/vfio-launch and build/vfio-privhelper
#   make check SANITIZE=1   the same tests under ASan/UBSan
#   make check-unit   only the unit suites (no network, no root): dh_auto_test
#   make deb      the Debian package (debian/, dpkg-buildpackage) in build/deb/
#   make fuzz     libFuzzer targets: the profile parser, the PulseAudio proxy (clang)
#
# CPPFLAGS, CFLAGS and LDFLAGS from the environment or the command line are
# honoured (dpkg-buildflags' for a package build); the Makefile appends its
# own. WERROR=1 (CI) turns warnings into errors; the default is 0 so that a
# newer compiler's new warning does not break a user's or a packager's build.

CC ?= gcc
PKG_CONFIG ?= pkg-config
BUILD := build
SANITIZE ?= 0
WERROR ?= 0

# ---------------------------------------------------------------- packages
# Debian 12 packages, by what needs them. 'make deps' installs the missing
# ones (apt-get as root, through sudo otherwise).
DEPS_BUILD := gcc make pkg-config libseccomp-dev libudev-dev \
	libpci-dev libpulse-dev libinih-dev libjson-c-dev libslirp-dev scdoc
DEPS_DEMO := qemu-system-x86 qemu-system-gui ovmf busybox-static pulseaudio pulseaudio-utils \
	cpio util-linux kmod swtpm swtpm-tools
DEPS_TEST := check umockdev libumockdev-dev clang socat sox xvfb imagemagick dbus weston \
	mtools dosfstools gnu-efi binutils python3 iproute2 procps
# make install: udev.pc (udevdir) is in 'udev', systemd.pc in 'systemd' on
# Debian 12 (later releases move systemd.pc to systemd-dev).
DEPS_INSTALL := udev systemd
DEPS := $(DEPS_BUILD) $(DEPS_DEMO) $(DEPS_TEST) $(DEPS_INSTALL)

# ------------------------------------------------------------------- flags
WARNINGS := -Wall -Wextra -Wshadow -Wmissing-prototypes -Wstrict-prototypes \
	-Wformat=2 -Wformat-nonliteral -Wswitch-default
ifeq ($(WERROR),1)
WARNINGS += -Werror
endif
HARDEN_CFLAGS := -fstack-protector-strong -fPIE
HARDEN_LDFLAGS := -pie -Wl,-z,relro,-z,now
# The caller's CFLAGS come first (optimisation and debug level are theirs
# to choose; -O2 -g when none are given), the project's own flags after.
CFLAGS ?= -O2 -g
ifeq ($(SANITIZE),1)
OPT := -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=all
SAN_LDFLAGS := -fsanitize=address,undefined
else ifeq ($(findstring _FORTIFY_SOURCE,$(CPPFLAGS) $(CFLAGS)),)
# Only when the caller has not chosen a level: dpkg-buildflags passes
# -D_FORTIFY_SOURCE=2 in CPPFLAGS, and a second -D with another value is a
# "redefined" warning (an error under -Werror).
OPT := -D_FORTIFY_SOURCE=3
endif
# The version: `git describe` in a git tree with a tag, else the upstream
# part of debian/changelog's first entry (plus +g<commit> in a git tree).
# debian/rules passes VERSION= from the changelog.
CHANGELOG_VERSION := $(shell sed -n '1s/^[^(]*(\([^)]*\)).*/\1/p' debian/changelog 2>/dev/null | sed 's/^[0-9]*://; s/-[^-]*$$//')
ifndef VERSION
ifneq ($(wildcard .git),)
VERSION := $(patsubst v%,%,$(shell git describe --tags --dirty --match 'v[0-9]*' 2>/dev/null))
VERSION := $(or $(VERSION),$(CHANGELOG_VERSION)+g$(shell git rev-parse --short HEAD 2>/dev/null))
endif
VERSION := $(or $(VERSION),$(CHANGELOG_VERSION),unknown)
endif
BASE_CFLAGS := $(CPPFLAGS) $(CFLAGS) -std=gnu17 -D_GNU_SOURCE $(OPT) $(WARNINGS) $(HARDEN_CFLAGS) \
	-iquote $(BUILD)/gen -MMD -MP
BASE_LDFLAGS := $(LDFLAGS) $(HARDEN_LDFLAGS) $(SAN_LDFLAGS)

# libsystemd is not linked: its one use, sd_notify's READY=1, loads it with
# dlopen only under a Type=notify unit ($NOTIFY_SOCKET;
# launcher/supervisor/notify.c, which writes sd_notify(3)'s datagram itself
# where libsystemd0 is missing); linking it loaded seven libraries
# (~0.4 ms) into every command (issue 15). No libcap-ng either: the box clears capabilities with capget/capset
# (launcher/box/sandbox.c), where libcap-ng's constructor made ~45 prctl
# probes in every command.
# No libseccomp either: the filter is compiled at build time (below).
# libudev and json-c: headers only, loaded with dlopen where they are used
# (launcher/util/udev_dl.h, json_dl.h), by the soname of the library this
# build finds (dl_soname); each linked one cost every command 0.06-0.12 ms.
# inih: linked statically (INIH_STATIC, below).
LAUNCHER_PKGS := inih
LAUNCHER_DL_PKGS := libudev json-c
HELPER_PKGS := libpci
# vfio-slirp (launcher/slirp/): user-mode networking outside QEMU.
SLIRP_PKGS := slirp
TEST_PKGS := check

pc_cflags = $(shell $(PKG_CONFIG) --cflags $(1))
pc_libs = $(shell $(PKG_CONFIG) --libs $(1))
# The soname of lib$(2).so in pkg-config package $(1)'s libdir (what the
# linker would record as NEEDED), for dlopen: "libudev.so.1".
dl_soname = $(shell objdump -p "$$($(PKG_CONFIG) --variable=libdir $(1))/lib$(2).so" 2>/dev/null | \
	sed -n 's/^ *SONAME *//p')

# ---------------------------------------------------------------- launcher
# launcher/ by stage (DESIGN.md, "The launcher's tree"); headers are found
# by name from every stage's directory.
LAUNCHER_DIRS := launcher launcher/cmd launcher/profile launcher/resources \
	launcher/box launcher/supervisor launcher/util
LAUNCHER_INC := $(addprefix -iquote ,$(LAUNCHER_DIRS))
LAUNCHER_SRCS := $(wildcard $(addsuffix /*.c,$(LAUNCHER_DIRS)))
LAUNCHER_OBJS := $(LAUNCHER_SRCS:%.c=$(BUILD)/obj/%.o)
LAUNCHER_LIB_OBJS := $(filter-out $(BUILD)/obj/launcher/main.o,$(LAUNCHER_OBJS))
# libpulse: headers only; launcher/resources/audio.c dlopens libpulse.so.0
# where it is used, so no subcommand loads its ~28 libraries (issue 15).
# libpci likewise (launcher/resources/vfio.c, at the first PCI name printed).
# libseccomp: headers only (the rule table's constants); the build-time
# generator and the tests link it (SECCOMP_COMPILE).
LAUNCHER_CFLAGS = $(BASE_CFLAGS) $(LAUNCHER_INC) \
	$(call pc_cflags,$(LAUNCHER_PKGS) $(LAUNCHER_DL_PKGS) libpulse libpci libseccomp)
# inih is linked statically (libinih-dev's libinih.a, a few hundred lines
# of parser; BSD licence): every command parses a profile, so dlopen would
# not help, and the shared library cost every command 0.065 ms of loading
# (issue 15). A fix to libinih reaches vfio-launch when it is rebuilt.
# INIH_STATIC=0 links libinih.so (a system without libinih.a).
INIH_STATIC ?= 1
ifeq ($(INIH_STATIC),1)
LAUNCHER_LIBS = -Wl,-Bstatic $(shell $(PKG_CONFIG) --static --libs $(LAUNCHER_PKGS)) -Wl,-Bdynamic
else
LAUNCHER_LIBS = $(call pc_libs,$(LAUNCHER_PKGS))
endif

$(BUILD)/obj/launcher/util/udev_dl.o: LAUNCHER_CFLAGS += \
	$(addprefix -DLIBUDEV_SONAME=,$(patsubst %,'"%"',$(call dl_soname,libudev,udev)))
$(BUILD)/obj/launcher/util/json_dl.o: LAUNCHER_CFLAGS += \
	$(addprefix -DJSONC_SONAME=,$(patsubst %,'"%"',$(call dl_soname,json-c,json-c)))

# ------------------------------------------------------------------ helper
HELPER_SRCS := $(wildcard privhelper/*.c)
HELPER_OBJS := $(HELPER_SRCS:%.c=$(BUILD)/obj/%.o)
HELPER_LIB_OBJS := $(filter-out $(BUILD)/obj/privhelper/main.o,$(HELPER_OBJS))
HELPER_CFLAGS = $(BASE_CFLAGS) $(call pc_cflags,$(HELPER_PKGS))
HELPER_LIBS = $(call pc_libs,$(HELPER_PKGS))

# ------------------------------------------------------------------- tests
# Each tests/unit/test_*.c is one Check suite (one module) linked against
# the launcher's objects; tests/privhelper/test_*.c against the helper's.
UNIT_SRCS := $(wildcard tests/unit/test_*.c)
UNIT_BINS := $(UNIT_SRCS:tests/unit/%.c=$(BUILD)/tests/%)
HELPER_TEST_SRCS := $(wildcard tests/privhelper/test_*.c)
HELPER_TEST_BINS := $(HELPER_TEST_SRCS:tests/privhelper/%.c=$(BUILD)/tests/%)
TEST_CFLAGS = $(call pc_cflags,$(TEST_PKGS)) $(LAUNCHER_INC) -iquote launcher/box/gen \
	-DTOP_SRCDIR=\"$(CURDIR)\"
TEST_LIBS = $(call pc_libs,$(TEST_PKGS))
# The unit suites link libseccomp besides the launcher's libraries:
# test_seccomp compares with it (SECCOMP_COMPILE), and
# tests/sandbox/no_landlock.h fakes a kernel without Landlock with a
# filter of its own; and libudev and json-c, which test_dl compares the
# dlopen tables with (and test_qmp calls directly).
UNIT_LIBS = $(LAUNCHER_LIBS) $(SECCOMP_COMPILE_LIBS) $(call pc_libs,$(LAUNCHER_DL_PKGS))
# The helper's suites see only privhelper/ (no -Ilauncher: the helper stands
# alone, and launcher/check.h would shadow Check's <check.h>).
HELPER_TEST_CFLAGS = $(call pc_cflags,$(TEST_PKGS)) -DTOP_SRCDIR=\"$(CURDIR)\"

# --------------------------------------------------------------- man pages
MAN_SRCS := $(wildcard launcher/*.scd privhelper/*.scd)
MAN_PAGES := $(patsubst %.scd,$(BUILD)/man/%,$(notdir $(MAN_SRCS)))

PROGRAMS := $(BUILD)/vfio-launch $(BUILD)/vfio-slirp
ifneq ($(HELPER_SRCS),)
PROGRAMS += $(BUILD)/vfio-privhelper
endif

.PHONY: all deps check test demo fuzz man clean tests install uninstall FORCE
all: $(PROGRAMS) man

# version.h holds VFIO_LAUNCH_VERSION; rewritten only when the version
# changes, so that a new commit does not rebuild everything (the objects
# that include it depend on it through -MMD).
$(BUILD)/gen/version.h: FORCE
	@mkdir -p $(@D)
	@printf '#pragma once\n#define VFIO_LAUNCH_VERSION "%s"\n' '$(VERSION)' > $@.tmp
	@if cmp -s $@.tmp $@; then rm -f $@.tmp; else mv -f $@.tmp $@; fi
FORCE:
$(LAUNCHER_OBJS) $(HELPER_OBJS): | $(BUILD)/gen/version.h

# The seccomp filter, compiled at build time from the rule table by
# libseccomp (launcher/box/gen/seccomp-bpf-gen.c), built into the launcher
# with its pseudo filter code (issue 15). SECCOMP_COMPILE: the table's
# compiler, for the generator and the tests that compare with it.
SECCOMP_COMPILE := $(BUILD)/obj/launcher/box/gen/seccomp_compile.o
SECCOMP_COMPILE_LIBS = $(call pc_libs,libseccomp)
$(BUILD)/gen/seccomp-bpf-gen: launcher/box/gen/seccomp-bpf-gen.c $(SECCOMP_COMPILE) \
	$(BUILD)/obj/launcher/box/seccomp.o
	@mkdir -p $(@D)
	$(CC) $(LAUNCHER_CFLAGS) $(BASE_LDFLAGS) -o $@ $^ $(SECCOMP_COMPILE_LIBS)
$(BUILD)/gen/seccomp_bpf.h: $(BUILD)/gen/seccomp-bpf-gen
	@mkdir -p $(@D)
	$< $@
$(BUILD)/obj/launcher/box/seccomp_builtin.o: $(BUILD)/gen/seccomp_bpf.h

$(BUILD)/obj/launcher/%.o: launcher/%.c
	@mkdir -p $(@D)
	$(CC) $(LAUNCHER_CFLAGS) -c $< -o $@

$(BUILD)/obj/privhelper/%.o: privhelper/%.c
	@mkdir -p $(@D)
	$(CC) $(HELPER_CFLAGS) -c $< -o $@

$(BUILD)/liblauncher.a: $(LAUNCHER_LIB_OBJS)
	@mkdir -p $(@D)
	rm -f $@ && ar rcs $@ $^

$(BUILD)/libprivhelper.a: $(HELPER_LIB_OBJS)
	@mkdir -p $(@D)
	rm -f $@ && ar rcs $@ $^

$(BUILD)/vfio-launch: $(BUILD)/obj/launcher/main.o $(BUILD)/liblauncher.a
	$(CC) $(BASE_LDFLAGS) -o $@ $^ $(LAUNCHER_LIBS)

$(BUILD)/vfio-privhelper: $(BUILD)/obj/privhelper/main.o $(BUILD)/libprivhelper.a
	$(CC) $(BASE_LDFLAGS) -o $@ $^ $(HELPER_LIBS)

$(BUILD)/vfio-slirp: launcher/slirp/vfio-slirp.c
	@mkdir -p $(@D)
	$(CC) $(BASE_CFLAGS) $(call pc_cflags,$(SLIRP_PKGS)) $(BASE_LDFLAGS) -o $@ $< $(call pc_libs,$(SLIRP_PKGS))

$(BUILD)/tests/test_%: tests/unit/test_%.c $(BUILD)/liblauncher.a
	@mkdir -p $(@D)
	$(CC) $(LAUNCHER_CFLAGS) $(TEST_CFLAGS) $(BASE_LDFLAGS) -o $@ $< $(filter %.o,$^) \
		$(BUILD)/liblauncher.a $(UNIT_LIBS) $(TEST_LIBS)

$(BUILD)/tests/test_privhelper_%: tests/privhelper/test_privhelper_%.c $(BUILD)/libprivhelper.a
	@mkdir -p $(@D)
	$(CC) $(HELPER_CFLAGS) -iquote privhelper $(HELPER_TEST_CFLAGS) $(BASE_LDFLAGS) -o $@ $< \
		$(BUILD)/libprivhelper.a $(HELPER_LIBS) $(TEST_LIBS)

# test_seccomp compares the built-in filter with libseccomp's.
$(BUILD)/tests/test_seccomp: $(SECCOMP_COMPILE)
# test_usb runs against a umockdev testbed (libumockdev + its preload).
$(BUILD)/tests/test_usb: TEST_PKGS += umockdev-1.0

tests: $(PROGRAMS) $(UNIT_BINS) $(HELPER_TEST_BINS)

man: $(MAN_PAGES)
$(BUILD)/man/%: launcher/%.scd
	@mkdir -p $(@D)
	scdoc < $< > $@
$(BUILD)/man/%: privhelper/%.scd
	@mkdir -p $(@D)
	scdoc < $< > $@

# ------------------------------------------------------------ entry points
deps:
	@missing=$$(for p in $(DEPS); do \
		dpkg-query -W -f='$${db:Status-Abbrev}' $$p 2>/dev/null | grep -q '^ii' || echo $$p; \
	done); \
	if [ -n "$$missing" ]; then \
		echo "Installing missing Debian packages:" $$missing; \
		if [ "$$(id -u)" -eq 0 ]; then sudo=; else sudo=sudo; fi; \
		$$sudo apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y -qq -o DPkg::Lock::Timeout=600 --no-install-recommends $$missing; \
	fi

# Recursive so that pkg-config runs after deps installed the .pc files.
check: deps
	$(MAKE) all tests
	tests/run.sh

# Run the tests without the dependency step (already installed).
test: all tests
	tests/run.sh

# The unit suites only: no network (no guest kernel download), no root, no
# QEMU; what dh_auto_test runs in a package build.
.PHONY: check-unit
check-unit: $(UNIT_BINS) $(HELPER_TEST_BINS)
	tests/run.sh --unit

# ---------------------------------------------------------------- install
# make install [PREFIX=/usr/local] [DESTDIR=] [UDEVRULESDIR=] [SYSTEMDUNITDIR=]
#              [SYSTEMDUSERUNITDIR=]
# Copies files only: no daemon reload, no groupadd, no enabling, nothing in
# /etc but the AppArmor profile that lets vfio-launch make the box's user
# namespace where AppArmor restricts them (Ubuntu >= 23.10; inert
# elsewhere), as bubblewrap's package ships its own. The allowlist, the limits templates (a placeholder figure until the
# admin puts theirs in; README "Admin set-up"), the optional udev rules and
# the example profiles are examples under DOCDIR/examples, inert there (the
# helper reads only /etc/vfio-launch/privhelper.conf). profiles/demo.conf is
# not installed: it boots the guest built in this tree. The udev and systemd
# directories come from udev.pc and systemd.pc, with Debian 12's paths when
# pkg-config has none. The Debian package (debian/rules) runs this too.
PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
SBINDIR ?= $(PREFIX)/sbin
DATADIR ?= $(PREFIX)/share
MANDIR ?= $(DATADIR)/man
DOCDIR ?= $(DATADIR)/doc/vfio-launch
EXAMPLESDIR ?= $(DOCDIR)/examples
UDEVRULESDIR ?= $(or $(shell $(PKG_CONFIG) --variable=udevdir udev 2>/dev/null),/lib/udev)/rules.d
APPARMORDIR ?= /etc/apparmor.d
SYSTEMDUNITDIR ?= $(or $(shell $(PKG_CONFIG) --variable=systemdsystemunitdir systemd 2>/dev/null),/lib/systemd/system)
SYSTEMDUSERUNITDIR ?= $(or $(shell $(PKG_CONFIG) --variable=systemduserunitdir systemd 2>/dev/null),/usr/lib/systemd/user)

INSTALL_RULES := $(wildcard udev-rules/*.rules)
INSTALL_RULE_EXAMPLES := $(wildcard udev-rules/*.example)
# limits/DIR/vfio-launch.conf: templates for /etc/security/limits.d,
# /etc/systemd/system/user@.service.d and /etc/systemd/user.conf.d
INSTALL_LIMITS := $(wildcard limits/*/*.conf)
INSTALL_PROFILES := $(filter-out profiles/demo.conf,$(wildcard profiles/*.conf))
INSTALL_DOCS := README.md LICENSE
# every file install lays down but the man pages, for uninstall
INSTALLED = $(BINDIR)/vfio-launch $(PREFIX)/libexec/vfio-launch/vfio-slirp $(SBINDIR)/vfio-privhelper \
	$(SYSTEMDUNITDIR)/vfio-privhelper.service $(SYSTEMDUNITDIR)/vfio-privhelper-tap.service \
	$(APPARMORDIR)/vfio-launch \
	$(SYSTEMDUSERUNITDIR)/vfio-launch@.service \
	$(addprefix $(UDEVRULESDIR)/,$(notdir $(INSTALL_RULES))) \
	$(addprefix $(DOCDIR)/,$(INSTALL_DOCS)) \
	$(EXAMPLESDIR)/privhelper.conf.example \
	$(addprefix $(EXAMPLESDIR)/,$(INSTALL_RULE_EXAMPLES) $(INSTALL_LIMITS) $(INSTALL_PROFILES))

install: all
	install -D -m 0755 $(BUILD)/vfio-launch $(DESTDIR)$(BINDIR)/vfio-launch
	install -D -m 0755 $(BUILD)/vfio-slirp $(DESTDIR)$(PREFIX)/libexec/vfio-launch/vfio-slirp
	install -D -m 0755 $(BUILD)/vfio-privhelper $(DESTDIR)$(SBINDIR)/vfio-privhelper
	install -d -m 0755 $(DESTDIR)$(APPARMORDIR)
	sed 's|@BINDIR@|$(BINDIR)|' launcher/vfio-launch.apparmor.in >$(DESTDIR)$(APPARMORDIR)/vfio-launch
	chmod 0644 $(DESTDIR)$(APPARMORDIR)/vfio-launch
	install -d -m 0755 $(DESTDIR)$(UDEVRULESDIR) $(DESTDIR)$(SYSTEMDUNITDIR)
	for u in vfio-privhelper.service vfio-privhelper-tap.service; do \
		sed 's|@SBINDIR@|$(SBINDIR)|g' privhelper/$$u > $(DESTDIR)$(SYSTEMDUNITDIR)/$$u && \
		chmod 0644 $(DESTDIR)$(SYSTEMDUNITDIR)/$$u || exit 1; \
	done
	install -d -m 0755 $(DESTDIR)$(SYSTEMDUSERUNITDIR)
	sed 's|@BINDIR@|$(BINDIR)|g' launcher/vfio-launch@.service \
		> $(DESTDIR)$(SYSTEMDUSERUNITDIR)/vfio-launch@.service
	chmod 0644 $(DESTDIR)$(SYSTEMDUSERUNITDIR)/vfio-launch@.service
	$(if $(INSTALL_RULES),install -m 0644 $(INSTALL_RULES) $(DESTDIR)$(UDEVRULESDIR)/)
	install -D -m 0644 -t $(DESTDIR)$(DOCDIR) $(INSTALL_DOCS)
	install -D -m 0644 privhelper/privhelper.conf.example \
		$(DESTDIR)$(EXAMPLESDIR)/privhelper.conf.example
	for f in $(INSTALL_RULE_EXAMPLES) $(INSTALL_LIMITS) $(INSTALL_PROFILES); do \
		install -D -m 0644 $$f $(DESTDIR)$(EXAMPLESDIR)/$$f || exit 1; \
	done
	for m in $(MAN_PAGES); do \
		install -D -m 0644 $$m $(DESTDIR)$(MANDIR)/man$${m##*.}/$${m##*/} || exit 1; \
	done

uninstall:
	rm -f $(addprefix $(DESTDIR),$(INSTALLED))
	for m in $(notdir $(MAN_PAGES)); do rm -f $(DESTDIR)$(MANDIR)/man$${m##*.}/$$m; done
	rmdir $(addprefix $(DESTDIR)$(EXAMPLESDIR)/,$(sort $(dir $(INSTALL_LIMITS)))) \
		$(DESTDIR)$(EXAMPLESDIR)/udev-rules $(DESTDIR)$(EXAMPLESDIR)/limits \
		$(DESTDIR)$(EXAMPLESDIR)/profiles $(DESTDIR)$(EXAMPLESDIR) \
		$(DESTDIR)$(DOCDIR) 2>/dev/null || true

# -------------------------------------------------------------------- deb
# make deb: the Debian package (debian/), built with `dpkg-buildpackage -us
# -uc -b` in a copy of the tree under DEB_OUT (its clean step would remove
# build/ here, the guest included); the .deb, .buildinfo and .changes land
# in DEB_OUT. Needs debhelper and the Build-Depends (dpkg-checkbuilddeps).
DEB_OUT ?= $(BUILD)/deb
.PHONY: deb
deb:
	rm -rf $(DEB_OUT)/src && mkdir -p $(DEB_OUT)/src/vfio-launch
	tar -C $(CURDIR) --exclude=./.git --exclude=./$(BUILD) -cf - . | \
		tar -C $(DEB_OUT)/src/vfio-launch -xf -
	cd $(DEB_OUT)/src/vfio-launch && env -u TESTS -u BUILD -u BUILD_DIR -u TOP_SRCDIR dpkg-buildpackage -us -uc -b -J$$(nproc)
	mv $(DEB_OUT)/src/*.deb $(DEB_OUT)/src/*.buildinfo $(DEB_OUT)/src/*.changes $(DEB_OUT)/
	rm -rf $(DEB_OUT)/src

# ------------------------------------------------------------------- fuzz
# libFuzzer target for the profile parser, built with clang from the
# sources it needs, then run for FUZZ_SECONDS over a corpus seeded with the
# example profiles and the test fixtures (new inputs accumulate in
# build/fuzz/corpus; crashes are written to build/fuzz/).
FUZZ_CC ?= clang
FUZZ_SECONDS ?= 60
FUZZ_SRCS := tests/fuzz/fuzz_profile.c launcher/profile/profile.c launcher/profile/profile_keys.c \
	launcher/profile/profile_values.c launcher/profile/profile_devices.c \
	launcher/profile/profile_rules.c launcher/util/util.c
FUZZ_CFLAGS := -std=gnu17 -D_GNU_SOURCE -g -O1 -fno-omit-frame-pointer \
	-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all $(LAUNCHER_INC)

$(BUILD)/fuzz/fuzz_profile: $(FUZZ_SRCS) launcher/profile/profile.h launcher/profile/profile-internal.h \
	launcher/util/util.h launcher/util/cleanup.h
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_CFLAGS) $(call pc_cflags,inih) -o $@ $(FUZZ_SRCS) $(call pc_libs,inih)

# The PulseAudio proxy's target (tests/fuzz/fuzz_pulse.c) runs the same
# way over conversations (build/fuzz/pulse-corpus), seeded from
# tests/fuzz/pulse-seeds/. `make fuzz-profile` or `make fuzz-pulse`: one.
FUZZ_PULSE_SRCS := tests/fuzz/fuzz_pulse.c launcher/supervisor/pulse_proto.c \
	launcher/supervisor/pulse_proxy.c
.PHONY: fuzz-profile fuzz-pulse
fuzz: fuzz-profile fuzz-pulse

$(BUILD)/fuzz/fuzz_pulse: $(FUZZ_PULSE_SRCS) launcher/supervisor/pulse_proto.h \
	launcher/supervisor/pulse_proxy.h launcher/util/cleanup.h
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -o $@ $(FUZZ_PULSE_SRCS)

fuzz-profile: $(BUILD)/fuzz/fuzz_profile
	rm -rf $(BUILD)/fuzz/seeds && mkdir -p $(BUILD)/fuzz/seeds $(BUILD)/fuzz/corpus
	cp profiles/*.conf $(BUILD)/fuzz/seeds/
	for f in $$(find tests/data/profiles -name '*.conf'); do \
		cp "$$f" "$(BUILD)/fuzz/seeds/$$(echo "$$f" | tr / _)"; done
	cd $(BUILD)/fuzz && ./fuzz_profile -max_total_time=$(FUZZ_SECONDS) -max_len=4096 \
		-dict=$(CURDIR)/tests/fuzz/profile.dict -print_final_stats=1 corpus seeds

fuzz-pulse: $(BUILD)/fuzz/fuzz_pulse
	mkdir -p $(BUILD)/fuzz/pulse-corpus
	cd $(BUILD)/fuzz && ./fuzz_pulse -max_total_time=$(FUZZ_SECONDS) -max_len=65536 \
		-print_final_stats=1 pulse-corpus $(CURDIR)/tests/fuzz/pulse-seeds

clean:
	rm -rf $(BUILD)

# ------------------------------------------------------- demo, guest, bench
# The demo guest (tests/guest/): a kernel (the host's own when readable,
# else Debian's, downloaded and unpacked) and a busybox initramfs whose
# /init reports the guest's PCI devices and writes a pattern into ivshmem.
# The integration test (tests/integration/test-demo.sh) boots it too.
GUEST := $(BUILD)/guest/vmlinuz $(BUILD)/guest/initramfs.cpio.gz
BENCH_BINS := $(BUILD)/bench/qmp-ready $(BUILD)/bench/walltime $(BUILD)/tests/net/pair \
	$(BUILD)/tests/net/sockprobe
.PHONY: guest bench bench-iommu

guest: $(GUEST)
$(BUILD)/guest/vmlinuz: | tests/guest/mkguest.sh
	sh tests/guest/mkguest.sh $(@D) kernel
$(BUILD)/guest/initramfs.cpio.gz: tests/guest/init tests/guest/pwrbtn.c tests/guest/mkguest.sh
	sh tests/guest/mkguest.sh $(@D) initramfs

$(BUILD)/tests/net/%: tests/net/%.c
	@mkdir -p $(@D)
	$(CC) $(BASE_CFLAGS) $(BASE_LDFLAGS) -o $@ $<

$(BUILD)/bench/%: tests/bench/%.c
	@mkdir -p $(@D)
	$(CC) $(BASE_CFLAGS) $(BASE_LDFLAGS) -o $@ $<

tests: $(GUEST) $(BENCH_BINS)

# Recursive for the same reason as check: deps first.
demo: deps
	$(MAKE) all guest
	sh tests/demo/run-demo.sh

bench: all $(GUEST) $(BENCH_BINS)
	sh tests/bench/launch.sh

# `vfio-launch iommu` on a fake host of 2,000 functions (root: a mount
# namespace); tests/bench/iommu.sh.
bench-iommu: all $(BUILD)/bench/walltime
	sh tests/bench/iommu.sh

-include $(shell find $(BUILD)/obj $(BUILD)/tests -name '*.d' 2>/dev/null)

# ------------------------------------------------------------ audio proxy
# A stand-alone host for the PulseAudio proxy, and a client sending
# KILL_CLIENT (pactl has no command for it), for tests/audio/test-pulse-proxy.sh.
tests: $(BUILD)/tests/pulse-proxy-driver $(BUILD)/tests/pulse-kill-client
$(BUILD)/tests/pulse-kill-client: tests/audio/pulse-kill-client.c
	@mkdir -p $(@D)
	$(CC) $(BASE_CFLAGS) $(call pc_cflags,libpulse) $(BASE_LDFLAGS) -o $@ $< \
		$(call pc_libs,libpulse)
$(BUILD)/tests/pulse-proxy-driver: tests/audio/pulse-proxy-driver.c $(BUILD)/liblauncher.a
	@mkdir -p $(@D)
	$(CC) $(LAUNCHER_CFLAGS) $(BASE_LDFLAGS) -o $@ $< \
		$(BUILD)/liblauncher.a $(LAUNCHER_LIBS)

# [share NAME] (issue 13): a driver that starts a program in virtiofsd's
# box, for tests/share/test-share.sh.
tests: $(BUILD)/tests/share-box
$(BUILD)/tests/share-box: tests/share/sharebox.c $(BUILD)/liblauncher.a
	@mkdir -p $(@D)
	$(CC) $(LAUNCHER_CFLAGS) $(BASE_LDFLAGS) -o $@ $< \
		$(BUILD)/liblauncher.a $(LAUNCHER_LIBS)

# ----------------------------------------------------------------- sandbox
# The sandbox probe (run in QEMU's place by tests/sandbox/test-probe.sh),
# a driver that applies the box without the run pipeline, a wrapper that
# hides Landlock (tests/sandbox/test-no-landlock.sh), and the seccomp
# benchmark (make bench-seccomp).
SANDBOX_TEST_BINS := $(BUILD)/tests/sandbox-probe $(BUILD)/tests/sandbox-boxrun \
	$(BUILD)/tests/sandbox-nolandlock $(BUILD)/tests/sandbox-nouserns \
	$(BUILD)/tests/bench-seccomp
# The escape probe of tests/sandbox/test-escape.sh.
SANDBOX_TEST_BINS += $(BUILD)/tests/sandbox-escape
tests: $(SANDBOX_TEST_BINS)
$(BUILD)/tests/sandbox-probe: tests/sandbox/probe.c tests/sandbox/probe_ops.c tests/sandbox/probe.h
	@mkdir -p $(@D)
	$(CC) $(BASE_CFLAGS) $(BASE_LDFLAGS) -pthread -o $@ $(filter %.c,$^)
$(BUILD)/tests/sandbox-escape: tests/sandbox/escape.c
	@mkdir -p $(@D)
	$(CC) $(BASE_CFLAGS) $(BASE_LDFLAGS) -o $@ $<
$(BUILD)/tests/sandbox-boxrun: tests/sandbox/boxrun.c $(BUILD)/liblauncher.a
	@mkdir -p $(@D)
	$(CC) $(LAUNCHER_CFLAGS) $(BASE_LDFLAGS) -o $@ $< \
		$(BUILD)/liblauncher.a $(LAUNCHER_LIBS)
$(BUILD)/tests/sandbox-nolandlock: tests/sandbox/nolandlock.c tests/sandbox/no_landlock.h
	@mkdir -p $(@D)
	$(CC) $(LAUNCHER_CFLAGS) $(BASE_LDFLAGS) -o $@ $< $(call pc_libs,libseccomp)
$(BUILD)/tests/sandbox-nouserns: tests/sandbox/nouserns.c
	@mkdir -p $(@D)
	$(CC) $(LAUNCHER_CFLAGS) $(BASE_LDFLAGS) -o $@ $< $(call pc_libs,libseccomp)
$(BUILD)/tests/bench-seccomp: tests/bench/seccomp.c tests/bench/seccomp_qemu.c tests/bench/seccomp_qemu.h \
		$(SECCOMP_COMPILE) $(BUILD)/liblauncher.a
	@mkdir -p $(@D)
	$(CC) $(LAUNCHER_CFLAGS) -iquote launcher/box/gen $(BASE_LDFLAGS) -o $@ $(filter %.c,$^) $(SECCOMP_COMPILE) \
		$(BUILD)/liblauncher.a $(LAUNCHER_LIBS) $(SECCOMP_COMPILE_LIBS)
.PHONY: bench-seccomp
BENCH_ROUNDS ?= 101
bench-seccomp: $(BUILD)/tests/bench-seccomp
	$(BUILD)/tests/bench-seccomp $(BENCH_ROUNDS)
