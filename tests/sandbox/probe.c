// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * sandbox-probe: run by the launcher in QEMU's place ([qemu] binary =),
 * so it starts exactly as QEMU would, inside the box. It tries what a
 * guest that took over QEMU would try, each in a forked child (several
 * actions kill the process), and prints one line per operation:
 *
 *   DENIED  NAME: how (killed by SIGSYS, errno ...)
 *   ALLOWED NAME: what succeeded
 *   USABLE  NAME / UNUSABLE NAME: detail   (what the profile names)
 *   STATUS  KEY VALUE                       (from /proc/self/status)
 *
 * The paths it must still be able to use come from its command line (the
 * QEMU argv the launcher rendered): file= (disk), mem-path= (ivshmem),
 * path= or unix: (QMP socket: its directory is the runtime dir). The test
 * may put "vfio-probe victim=PID abstract=NAME tcp=PORT" in the first
 * line of the disk image: a process of the same user outside the box, an
 * abstract unix socket and a TCP port listening outside it.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "probe.h"

const char *disk, *shm, *runtime_dir, *home;
pid_t victim; /* outside the box: the test's, else our parent */
char abstract_name[108];
int tcp_port;
static unsigned n_denied, n_allowed, n_usable, n_unusable;
extern char **environ;

static int startswith_(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

static int env_count(void)
{
	int n = 0;
	for (char **e = environ; e && *e; e++)
		n++;
	return n;
}

/* The operations are in probe_ops.c. */

static void run_op(const char *name, long (*fn)(void))
{
	pid_t pid;
	int st;

	fflush(stdout);
	pid = fork();
	if (pid < 0) {
		printf("ERROR %s: fork: %s\n", name, strerror(errno));
		return;
	}
	if (pid == 0) {
		long r;
		alarm(5);
		r = fn();
		_exit(r == 0 ? 0 : (int)(10 + (-r & 0xff)) & 0xff);
	}
	if (waitpid(pid, &st, 0) < 0) {
		printf("ERROR %s: waitpid: %s\n", name, strerror(errno));
		return;
	}
	if (WIFSIGNALED(st)) {
		n_denied++;
		printf("DENIED %s: killed by %s\n", name, sigabbrev_np(WTERMSIG(st))
			       ? sigabbrev_np(WTERMSIG(st)) : "?");
	} else if (WEXITSTATUS(st) == 0) {
		n_allowed++;
		printf("ALLOWED %s: succeeded\n", name);
	} else {
		int e = WEXITSTATUS(st) - 10;
		n_denied++;
		printf("DENIED %s: %s (%s)\n", name, strerrorname_np(e) ? strerrorname_np(e) : "?",
		       strerror(e));
	}
}

/* ------------------------------------------------- what must stay usable */

static void usable(const char *name, int r, const char *detail)
{
	if (r == 0) {
		n_usable++;
		printf("USABLE %s\n", name);
	} else {
		n_unusable++;
		printf("UNUSABLE %s: %s: %s\n", name, detail, strerror(-r));
	}
}

static int check_disk(void)
{
	char buf[16] = "vfio-probe-rw", back[16] = { 0 };
	int fd = open(disk, O_RDWR | O_CLOEXEC);
	int r = 0;
	if (fd < 0)
		return -errno;
	if (pwrite(fd, buf, sizeof(buf), 65536) != sizeof(buf) ||
	    pread(fd, back, sizeof(back), 65536) != sizeof(back))
		r = -errno;
	else if (memcmp(buf, back, sizeof(buf)) != 0)
		r = -EIO;
	close(fd);
	return r;
}

static int check_shm(void)
{
	int fd = open(shm, O_RDWR | O_CLOEXEC);
	char *m;
	if (fd < 0)
		return -errno;
	m = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	close(fd);
	if (m == MAP_FAILED)
		return -errno;
	strcpy(m, "vfio-probe");
	munmap(m, 4096);
	return 0;
}

static int check_runtime(void)
{
	char sock[108], file[4096];
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	int s, fd, r = 0;

	snprintf(sock, sizeof(sock), "%s/probe.sock", runtime_dir);
	snprintf(file, sizeof(file), "%s/probe.pid", runtime_dir);
	fd = open(file, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		return -errno;
	close(fd);
	if (unlink(file) < 0)
		return -errno;
	s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	memcpy(a.sun_path, sock, sizeof(a.sun_path) - 1);
	if (bind(s, (struct sockaddr *)&a, sizeof(a)) < 0 || listen(s, 1) < 0)
		r = -errno;
	close(s);
	if (r == 0 && unlink(sock) < 0)
		r = -errno;
	return r;
}

static void *thread_fn(void *arg)
{
	return arg;
}

static int check_thread(void)
{
	pthread_t t;
	int r = pthread_create(&t, NULL, thread_fn, NULL);
	if (r)
		return -r;
	return -pthread_join(t, NULL);
}

static int check_open(const char *path, int flags)
{
	int fd = open(path, flags | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	close(fd);
	return 0;
}

/* ------------------------------------------------------------ arguments */

static void take_paths(char *arg)
{
	char *save = NULL;
	for (char *kv = strtok_r(arg, ",", &save); kv; kv = strtok_r(NULL, ",", &save)) {
		if (startswith_(kv, "file=") && !disk)
			disk = kv + 5;
		else if (startswith_(kv, "mem-path=") && !shm)
			shm = kv + 9;
		else if ((startswith_(kv, "path=") || startswith_(kv, "unix:")) && !runtime_dir) {
			char *d = strdup(kv + 5), *slash = strrchr(d, '/');
			if (slash)
				*slash = '\0';
			runtime_dir = d;
		}
	}
}

static void read_config(void)
{
	char line[256] = { 0 };
	int fd = disk ? open(disk, O_RDONLY | O_CLOEXEC) : -1;
	char *p;

	if (fd < 0)
		return;
	if (read(fd, line, sizeof(line) - 1) <= 0 || !startswith_(line, "vfio-probe ")) {
		close(fd);
		return;
	}
	close(fd);
	if ((p = strstr(line, "victim=")))
		victim = (pid_t)strtol(p + 7, NULL, 10);
	if ((p = strstr(line, "tcp=")))
		tcp_port = (int)strtol(p + 4, NULL, 10);
	if ((p = strstr(line, "abstract=")))
		sscanf(p + 9, "%100[A-Za-z0-9._-]", abstract_name);
}

static void print_status(void)
{
	static const char *const keys[] = { "NoNewPrivs:", "Seccomp:", "CapInh:", "CapPrm:",
					    "CapEff:", "CapAmb:", "CapBnd:" };
	char line[256];
	FILE *f = fopen("/proc/self/status", "re");
	struct rlimit rl;

	if (!f) {
		printf("STATUS unreadable %s\n", strerror(errno));
		return;
	}
	while (fgets(line, sizeof(line), f))
		for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
			if (startswith_(line, keys[i]))
				printf("STATUS %s", line);
	fclose(f);
	getrlimit(RLIMIT_CORE, &rl);
	printf("STATUS RLIMIT_CORE: %llu\n", (unsigned long long)rl.rlim_cur);
	for (int fd = 3; fd < 1024; fd++) {
		char link[64], target[4096];
		ssize_t n;

		if (fcntl(fd, F_GETFD) < 0)
			continue;
		snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
		n = readlink(link, target, sizeof(target) - 1);
		target[n > 0 ? n : 0] = '\0';
		printf("STATUS open-fd: %d -> %s\n", fd, target);
	}
	printf("STATUS env-count: %d\n", env_count());
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	for (int i = 1; i < argc; i++)
		take_paths(strdup(argv[i]));
	home = getenv("HOME");
	if (!home)
		home = "/nonexistent";
	read_config();
	if (victim <= 0)
		victim = getppid(); /* in a forked op, getppid() would be us */
	printf("PROBE pid=%d uid=%d disk=%s shm=%s runtime=%s victim=%d abstract=%s tcp=%d\n",
	       getpid(), getuid(), disk ? disk : "-", shm ? shm : "-",
	       runtime_dir ? runtime_dir : "-", victim, abstract_name, tcp_port);
	print_status();

	for (size_t i = 0; i < probe_ops_n; i++)
		run_op(probe_ops[i].name, probe_ops[i].fn);

	if (disk)
		usable("disk", check_disk(), disk);
	if (shm)
		usable("ivshmem", check_shm(), shm);
	if (runtime_dir)
		usable("runtime-dir", check_runtime(), runtime_dir);
	usable("thread", check_thread(), "pthread_create");
	usable("dev-null", check_open("/dev/null", O_RDWR), "/dev/null");
	usable("dev-urandom", check_open("/dev/urandom", O_RDONLY), "/dev/urandom");
	usable("usr-share-qemu", check_open("/usr/share/qemu", O_RDONLY | O_DIRECTORY),
	       "/usr/share/qemu");

	printf("SUMMARY ops=%zu denied=%u allowed=%u usable=%u unusable=%u\n",
	       probe_ops_n, n_denied, n_allowed, n_usable, n_unusable);
	return 0;
}
