// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * sandbox-escape: the escape probe of issue 9, run by the launcher in
 * QEMU's place ([qemu] binary =) and, for the baseline, directly as the
 * same user outside vfio-launch (tests/sandbox/test-escape.sh). It tries
 * to reach what the test set up outside the box for the same uid: unix
 * sockets by path (a session bus, an agent, another VM's QMP socket), an
 * abstract socket, a UDP echo listener on 127.0.0.1, a SysV shared-memory
 * segment, the host's processes and socket table, the host's file tree
 * under the box's root (by "..", in mountinfo); then it drops every
 * flock it holds so that the test can try a second `run` of its VM.
 *
 * Each check runs in a forked child (a seccomp kill must not end the
 * probe) and is reported as one line:
 *
 *   escape NAME: reached (what succeeded)
 *   escape NAME: denied (errno, or killed by SIGSYS, or nothing seen)
 *
 * Everything goes through the disk image, the one file the profile grants
 * read-write at its own path in every box this project builds, so that
 * the probe needs neither the launcher's stdout nor a runtime dir:
 *
 *   offset 0      the test's setup line:
 *                 "vfio-escape bus=P agent=P qmp=P abstract=NAME udp=PORT shmid=N"
 *   offset 4096   the probe's state: "STATE ready" once the checks are
 *                 done (the lock still held), "STATE unlocked N" once it
 *                 ran flock(LOCK_UN) on its N descriptors
 *   offset 8192   the test's orders: "GO unlock", then "GO exit"
 *   offset 12288  "SECOND started" from a second instance (a second run
 *                 of the same VM that got past the lock): it exits at once
 *   offset 65536  the report (the lines above), NUL-terminated
 *
 * The disk is the file= or filename= of its command line (the QEMU argv
 * the launcher rendered, or the test's own). Every wait is bounded.
 *
 * A second setup line, for a box with a display on
 * (tests/sandbox/test-display-escape.sh), runs only connects:
 *
 *   "vfio-display-escape [display=P] sockets=P1,P2,..."
 *
 * "escape connect-display: ..." for the display's own socket P (the one
 * the box must show), then "escape connect-runtime P1: ..." for every
 * other socket of the runtime dir; the report goes to its slot, "STATE
 * ready" follows, and the probe waits for "GO exit".
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/netlink.h>
#include <linux/vm_sockets.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/ipc.h>
#include <sys/shm.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define SLOT_STATE 4096
#define SLOT_ORDER 8192
#define SLOT_SECOND 12288
#define SLOT_REPORT 65536
#define REPORT_MAX 16384
/* Bounds of the waits for the test's orders: 0.1 s steps. */
#define ORDER_STEPS 1800

static int disk_fd = -1;
static struct {
	char bus[108], agent[108], qmp[108], abstract[100];
	int udp_port;
	int shmid;
	pid_t pid; /* a process of the same uid outside the box */
} cfg = { .shmid = -1 };
static char report[REPORT_MAX];
static size_t report_len;

/* ------------------------------------------------------------- the disk */

/* Writes text and its NUL at off; the slots are zeroed by the test. */
static int slot_write(off_t off, const char *text)
{
	size_t len = strlen(text) + 1;

	if (pwrite(disk_fd, text, len, off) != (ssize_t)len)
		return -1;
	return fdatasync(disk_fd);
}

static void slot_read(off_t off, char *buf, size_t size)
{
	ssize_t n = pread(disk_fd, buf, size - 1, off);

	buf[n > 0 ? n : 0] = '\0';
}

/* Waits (bounded) for the test's order WORD in the order slot. */
static bool wait_order(const char *word)
{
	char buf[64];
	struct timespec step = { 0, 100 * 1000 * 1000 };

	for (int i = 0; i < ORDER_STEPS; i++) {
		slot_read(SLOT_ORDER, buf, sizeof(buf));
		if (strncmp(buf, "GO ", 3) == 0 && strncmp(buf + 3, word, strlen(word)) == 0)
			return true;
		nanosleep(&step, NULL);
	}
	return false;
}

static void copy_value(char *dst, size_t size, const char *v)
{
	size_t n = strcspn(v, " \n");

	if (n >= size)
		n = size - 1;
	memcpy(dst, v, n);
	dst[n] = '\0';
}

static int parse_setup(const char *line)
{
	const char *p;

	if (strncmp(line, "vfio-escape ", 12) != 0)
		return -1;
	for (p = line; p && *p; p = strchr(p, ' ')) {
		p += *p == ' ';
		if (!strncmp(p, "bus=", 4))
			copy_value(cfg.bus, sizeof(cfg.bus), p + 4);
		else if (!strncmp(p, "agent=", 6))
			copy_value(cfg.agent, sizeof(cfg.agent), p + 6);
		else if (!strncmp(p, "qmp=", 4))
			copy_value(cfg.qmp, sizeof(cfg.qmp), p + 4);
		else if (!strncmp(p, "abstract=", 9))
			copy_value(cfg.abstract, sizeof(cfg.abstract), p + 9);
		else if (!strncmp(p, "udp=", 4))
			cfg.udp_port = atoi(p + 4);
		else if (!strncmp(p, "shmid=", 6))
			cfg.shmid = atoi(p + 6);
		else if (!strncmp(p, "pid=", 4))
			cfg.pid = atoi(p + 4);
	}
	return cfg.bus[0] && cfg.agent[0] && cfg.qmp[0] && cfg.abstract[0] &&
			       cfg.udp_port > 0 && cfg.shmid >= 0 && cfg.pid > 0
		       ? 0
		       : -1;
}

/* The disk: the first file= or filename= value in argv. */
static const char *find_disk(int argc, char **argv)
{
	static char path[4096];

	for (int i = 1; i < argc; i++) {
		const char *s = argv[i];
		while (s) {
			s += *s == ',';
			const char *v = !strncmp(s, "file=", 5) ? s + 5 : !strncmp(s, "filename=", 9) ? s + 9 : NULL;
			if (v && *v == '/') {
				size_t n = strcspn(v, ",");
				if (n < sizeof(path)) {
					memcpy(path, v, n);
					path[n] = '\0';
					return path;
				}
			}
			s = strchr(s, ',');
		}
	}
	return NULL;
}

/* ---------------------------------------------------------------- checks */
/* Each runs in a child: returns true when it reached its target, with a
 * detail written to buf either way. */

static bool fail_errno(char *buf, size_t size, const char *what)
{
	snprintf(buf, size, "%s: %s", what, strerrorname_np(errno) ? strerrorname_np(errno) : "?");
	return false;
}

static bool connect_unix(const char *path, bool abstract, char *buf, size_t size)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	socklen_t len;
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return fail_errno(buf, size, "socket");
	if (abstract) {
		/* sun_path[0] = '\0': the abstract namespace (unix(7)). */
		snprintf(a.sun_path + 1, sizeof(a.sun_path) - 1, "%s", path);
		len = offsetof(struct sockaddr_un, sun_path) + 1 + strlen(path);
	} else {
		snprintf(a.sun_path, sizeof(a.sun_path), "%s", path);
		len = sizeof(a);
	}
	if (connect(fd, (struct sockaddr *)&a, len) < 0)
		return fail_errno(buf, size, "connect");
	snprintf(buf, size, "connected to %s%s", abstract ? "@" : "", path);
	return true;
}

static bool check_bus(char *b, size_t n) { return connect_unix(cfg.bus, false, b, n); }
static bool check_agent(char *b, size_t n) { return connect_unix(cfg.agent, false, b, n); }
static bool check_abstract(char *b, size_t n) { return connect_unix(cfg.abstract, true, b, n); }

/* Another VM's QMP: connected, and its greeting read (bounded). */
static bool check_qmp(char *b, size_t n)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	struct timeval tv = { 5, 0 };
	char greet[64] = "";
	ssize_t got;
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return fail_errno(b, n, "socket");
	snprintf(a.sun_path, sizeof(a.sun_path), "%s", cfg.qmp);
	if (connect(fd, (struct sockaddr *)&a, sizeof(a)) < 0)
		return fail_errno(b, n, "connect");
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	got = read(fd, greet, sizeof(greet) - 1);
	greet[got > 0 ? got : 0] = '\0';
	greet[strcspn(greet, "\r\n")] = '\0';
	snprintf(b, n, "connected to %s, greeting '%.20s'", cfg.qmp, greet);
	return true;
}

/* A datagram to the test's UDP echo listener, and its echo back. */
static bool check_udp(char *b, size_t n)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(cfg.udp_port) };
	struct timeval tv = { 5, 0 };
	char echo[16] = "";
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return fail_errno(b, n, "socket");
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	if (sendto(fd, "escape\n", 7, 0, (struct sockaddr *)&a, sizeof(a)) < 0)
		return fail_errno(b, n, "sendto");
	if (recv(fd, echo, sizeof(echo) - 1, 0) < 0)
		return fail_errno(b, n, "sent; recv");
	snprintf(b, n, "sent to 127.0.0.1:%d and got the echo", cfg.udp_port);
	return true;
}

static bool check_udp_bind_any(char *b, size_t n)
{
	struct sockaddr_in a = { .sin_family = AF_INET }; /* 0.0.0.0, any port */
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return fail_errno(b, n, "socket");
	if (bind(fd, (struct sockaddr *)&a, sizeof(a)) < 0)
		return fail_errno(b, n, "bind");
	snprintf(b, n, "bound 0.0.0.0");
	return true;
}

static bool check_shm(char *b, size_t n)
{
	void *p = shmat(cfg.shmid, NULL, SHM_RDONLY);

	if (p == (void *)-1)
		return fail_errno(b, n, "shmat");
	snprintf(b, n, "attached segment %d, first byte %d", cfg.shmid, *(volatile char *)p);
	return true;
}

static bool socket_of(int family, int type, int proto, const char *name, char *b, size_t n)
{
	int fd = socket(family, type | SOCK_CLOEXEC, proto);

	if (fd < 0)
		return fail_errno(b, n, "socket");
	snprintf(b, n, "%s socket created", name);
	return true;
}

static bool check_netlink(char *b, size_t n) { return socket_of(AF_NETLINK, SOCK_RAW, NETLINK_ROUTE, "NETLINK_ROUTE", b, n); }
static bool check_inet(char *b, size_t n) { return socket_of(AF_INET, SOCK_DGRAM, 0, "AF_INET", b, n); }
static bool check_inet6(char *b, size_t n) { return socket_of(AF_INET6, SOCK_DGRAM, 0, "AF_INET6", b, n); }
static bool check_vsock(char *b, size_t n) { return socket_of(AF_VSOCK, SOCK_STREAM, 0, "AF_VSOCK", b, n); }

static pid_t ppid_of(pid_t pid)
{
	char path[64], line[256];
	pid_t ppid = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	f = fopen(path, "re");
	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "PPid: %d", &ppid) == 1)
			break;
	fclose(f);
	return ppid;
}

/* /proc: processes other than this child's own line (itself and its
 * ancestors as /proc shows them: the probe, and outside the box the
 * test's shell up to init). The listeners and the other VM are not in it. */
static bool check_proc(char *b, size_t n)
{
	pid_t line[64];
	size_t n_line = 0, others = 0, off = 0;
	struct dirent *e;
	DIR *d = opendir("/proc");

	if (!d)
		return fail_errno(b, n, "opendir /proc");
	for (pid_t p = getpid(); p > 0 && n_line < 64; p = ppid_of(p))
		line[n_line++] = p;
	b[0] = '\0';
	while ((e = readdir(d))) {
		char *end;
		long pid = strtol(e->d_name, &end, 10);
		bool own = false;
		if (*end || pid <= 0)
			continue;
		for (size_t i = 0; i < n_line; i++)
			own |= line[i] == pid;
		if (own)
			continue;
		if (others++ < 3 && off < n) {
			char path[64], comm[32] = "?";
			FILE *f;
			snprintf(path, sizeof(path), "/proc/%ld/comm", pid);
			f = fopen(path, "re");
			if (f) {
				if (fgets(comm, sizeof(comm), f))
					comm[strcspn(comm, "\n")] = '\0';
				fclose(f);
			}
			off += snprintf(b + off, n - off, " %ld:%s", pid, comm);
		}
	}
	closedir(d);
	if (!others) {
		snprintf(b, n, "only its own %zu process(es)", n_line);
		return false;
	}
	char tmp[256];
	snprintf(tmp, sizeof(tmp), "%zu other processes, e.g.%s", others, b);
	snprintf(b, n, "%s", tmp);
	return true;
}

/* kill(pid, 0) of a process of the same uid outside the box: the PID
 * namespace's part, which Landlock's refusal of /proc does not show
 * (check_proc cannot list /proc in the box at all). EPERM still says
 * the process exists: reached. */
static bool check_signal(char *b, size_t n)
{
	if (kill(cfg.pid, 0) == 0 || errno == EPERM) {
		snprintf(b, n, "pid %d exists (kill 0: %s)", (int)cfg.pid,
			 errno == EPERM ? "EPERM" : "ok");
		return true;
	}
	return fail_errno(b, n, "kill 0");
}

/* /proc/self/net/unix: the listeners' paths (and @abstract) in it. */
static bool check_net_unix(char *b, size_t n)
{
	const char *want[] = { cfg.bus, cfg.agent, cfg.qmp, cfg.abstract };
	char line[512];
	size_t seen = 0, lines = 0, off = 0;
	FILE *f = fopen("/proc/self/net/unix", "re");

	if (!f)
		return fail_errno(b, n, "open /proc/self/net/unix");
	b[0] = '\0';
	while (fgets(line, sizeof(line), f)) {
		lines++;
		line[strcspn(line, "\n")] = '\0';
		const char *path = strrchr(line, ' ');
		if (!path || (path[1] != '/' && path[1] != '@'))
			continue;
		path++;
		for (size_t i = 0; i < 4; i++) {
			const char *p = path + (path[0] == '@');
			if (strcmp(p, want[i]) == 0 && off < n) {
				seen++;
				off += snprintf(b + off, n - off, " %s", path);
			}
		}
	}
	fclose(f);
	if (!seen) {
		snprintf(b, n, "none of the listeners in its %zu lines", lines ? lines - 1 : 0);
		return false;
	}
	char tmp[512];
	snprintf(tmp, sizeof(tmp), "lists%s", b);
	snprintf(b, n, "%s", tmp);
	return true;
}

/* The host's tree, covered by the box's root (launcher/box/mount.c,
 * step 7): ".." from the root must stay at the box's root, so the agent's
 * socket, a host path outside the box, is not found through "/../..". */
static bool check_dotdot(char *b, size_t n)
{
	char path[300];
	struct stat st;

	snprintf(path, sizeof(path), "/../../..%s", cfg.agent);
	if (lstat(path, &st) < 0)
		return fail_errno(b, n, "lstat /../../..AGENT");
	snprintf(b, n, "%s found through the root's ..", path);
	return true;
}

/* The same tree in /proc/self/mountinfo: a mount at /sys (the host's
 * sysfs; the box binds only subtrees below it). */
static bool check_mountinfo(char *b, size_t n)
{
	char line[1024];
	size_t lines = 0;
	FILE *f = fopen("/proc/self/mountinfo", "re");

	if (!f)
		return fail_errno(b, n, "open /proc/self/mountinfo");
	while (fgets(line, sizeof(line), f)) {
		char mnt[512];
		lines++;
		if (sscanf(line, "%*u %*u %*s %*s %511s", mnt) == 1 && strcmp(mnt, "/sys") == 0) {
			fclose(f);
			snprintf(b, n, "lists the mount at /sys");
			return true;
		}
	}
	fclose(f);
	snprintf(b, n, "no mount at /sys in its %zu lines", lines);
	return false;
}

static const struct check {
	const char *name;
	bool (*fn)(char *buf, size_t size);
} checks[] = {
	{ "connect-bus", check_bus },
	{ "connect-agent", check_agent },
	{ "connect-other-qmp", check_qmp },
	{ "connect-abstract", check_abstract },
	{ "sendto-udp", check_udp },
	{ "bind-udp-any", check_udp_bind_any },
	{ "shmat", check_shm },
	{ "socket-netlink", check_netlink },
	{ "socket-inet", check_inet },
	{ "socket-inet6", check_inet6 },
	{ "socket-vsock", check_vsock },
	{ "proc-others", check_proc },
	{ "signal-outside", check_signal },
	{ "net-unix-host", check_net_unix },
	{ "host-tree-dotdot", check_dotdot },
	{ "host-tree-mountinfo", check_mountinfo },
};

/* The display escape's target (runtime_mode). */
static char target[108];
static bool check_target(char *b, size_t n) { return connect_unix(target, false, b, n); }

static void say(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	int k = vsnprintf(report + report_len, sizeof(report) - report_len, fmt, ap);
	va_end(ap);
	if (k > 0)
		fputs(report + report_len, stdout);
	if (k > 0 && report_len + k < sizeof(report))
		report_len += k;
	fflush(stdout);
}

static void run_check(const struct check *c)
{
	char buf[384] = "";
	int pfd[2], st;
	ssize_t got;
	pid_t pid;

	if (pipe2(pfd, O_CLOEXEC) < 0) {
		say("escape %s: error (pipe: %s)\n", c->name, strerror(errno));
		return;
	}
	pid = fork();
	if (pid < 0) {
		say("escape %s: error (fork: %s)\n", c->name, strerror(errno));
		return;
	}
	if (pid == 0) {
		bool ok;
		close(pfd[0]);
		alarm(20); /* a bound on any one check */
		ok = c->fn(buf, sizeof(buf));
		(void)!write(pfd[1], buf, strlen(buf));
		_exit(ok ? 0 : 1);
	}
	close(pfd[1]);
	got = read(pfd[0], buf, sizeof(buf) - 1);
	buf[got > 0 ? got : 0] = '\0';
	close(pfd[0]);
	if (waitpid(pid, &st, 0) < 0)
		st = 0x7f00;
	if (WIFSIGNALED(st))
		say("escape %s: denied (killed by %s)\n", c->name, sigabbrev_np(WTERMSIG(st)) ?: "?");
	else if (WIFEXITED(st) && WEXITSTATUS(st) == 0)
		say("escape %s: reached (%s)\n", c->name, buf);
	else if (WIFEXITED(st) && WEXITSTATUS(st) == 1)
		say("escape %s: denied (%s)\n", c->name, buf);
	else
		say("escape %s: error (status %#x)\n", c->name, st);
}

/* "vfio-display-escape [display=P] sockets=P1,P2,...": connects to
 * each, reports, then waits for the test's "GO exit". */
static int runtime_mode(const char *line)
{
	const char *d = strstr(line, " display="), *s = strstr(line, " sockets=");
	char name[160];

	if (d) {
		copy_value(target, sizeof(target), d + 9);
		run_check(&(struct check){ "connect-display", check_target });
	}
	for (s = s ? s + 9 : NULL; s && *s && *s != ' ' && *s != '\n';) {
		size_t len = strcspn(s, ", \n");

		snprintf(target, sizeof(target), "%.*s", (int)len, s);
		snprintf(name, sizeof(name), "connect-runtime %s", target);
		run_check(&(struct check){ name, check_target });
		s += len;
		s += *s == ',';
	}
	say("SUMMARY done\n");
	if (slot_write(SLOT_REPORT, report) < 0 || slot_write(SLOT_STATE, "STATE ready\n") < 0)
		return 2;
	return wait_order("exit") ? 0 : 3;
}

/* flock(LOCK_UN) on every descriptor in /proc/self/fd (or 0..1023 when
 * /proc is not there): whatever lock the launcher handed in is dropped if
 * this process can drop it. Returns how many descriptors it tried. */
static int unlock_all(void)
{
	int n = 0;
	DIR *d = opendir("/proc/self/fd");

	if (d) {
		struct dirent *e;
		int dfd = dirfd(d);
		while ((e = readdir(d))) {
			int fd = atoi(e->d_name);
			if (e->d_name[0] == '.' || fd == dfd)
				continue;
			(void)flock(fd, LOCK_UN);
			n++;
		}
		closedir(d);
		return n;
	}
	for (int fd = 0; fd < 1024; fd++)
		if (flock(fd, LOCK_UN) == 0 || errno != EBADF)
			n++;
	return n;
}

int main(int argc, char **argv)
{
	const char *disk = find_disk(argc, argv);
	char line[1024], buf[64];
	int n;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (!disk) {
		fprintf(stderr, "sandbox-escape: no file= in the command line\n");
		return 2;
	}
	disk_fd = open(disk, O_RDWR | O_CLOEXEC);
	if (disk_fd < 0) {
		fprintf(stderr, "sandbox-escape: %s: %s\n", disk, strerror(errno));
		return 2;
	}
	slot_read(0, line, sizeof(line));
	line[strcspn(line, "\n")] = '\0';
	if (strncmp(line, "vfio-display-escape ", 20) == 0)
		return runtime_mode(line);
	if (parse_setup(line) < 0) {
		fprintf(stderr, "sandbox-escape: %s holds no complete setup line\n", disk);
		return 2;
	}
	/* A state already written: this is a second instance of the VM,
	 * started although the first still runs. Say so and leave. */
	slot_read(SLOT_STATE, buf, sizeof(buf));
	if (buf[0]) {
		slot_write(SLOT_SECOND, "SECOND started\n");
		printf("escape: a second instance started\n");
		return 0;
	}

	for (size_t i = 0; i < sizeof(checks) / sizeof(checks[0]); i++)
		run_check(&checks[i]);
	slot_write(SLOT_REPORT, report);
	slot_write(SLOT_STATE, "STATE ready\n");

	if (!wait_order("unlock")) {
		fprintf(stderr, "sandbox-escape: no 'GO unlock' from the test\n");
		return 3;
	}
	n = unlock_all();
	printf("escape: flock(LOCK_UN) on %d descriptors\n", n);
	snprintf(buf, sizeof(buf), "STATE unlocked %d\n", n);
	slot_write(SLOT_STATE, buf);
	if (!wait_order("exit")) {
		fprintf(stderr, "sandbox-escape: no 'GO exit' from the test\n");
		return 3;
	}
	return 0;
}
