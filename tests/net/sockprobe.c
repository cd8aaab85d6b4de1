// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * sockprobe: run in QEMU's place ([qemu] binary =) by tests/net/
 * test-user-mode.sh, and outside the box as the same user. Tries one
 * socket of each family a guest that took over QEMU would want for the
 * network (AF_INET, AF_INET6 stream and datagram, AF_NETLINK route,
 * AF_VSOCK) and prints one line each:
 *   SOCKET NAME allowed
 *   SOCKET NAME denied ERRNO-TEXT
 * then, for tests/net/test-bridge.sh, whether it can open /dev/net/tun and
 * what the tap descriptor its arguments (the rendered QEMU argv) name in
 * "-netdev tap,id=net0,fd=N,..." is (TUNGETIFF):
 *   OPEN /dev/net/tun allowed | denied ERRNO-TEXT
 *   TAPFD N NAME FLAGS | TAPFD N denied ERRNO-TEXT
 * and last "SOCKPROBE done".
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <linux/netlink.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#ifndef AF_VSOCK
#define AF_VSOCK 40
#endif

int main(int argc, char **argv)
{
	static const struct {
		const char *name;
		int family, type, proto;
	} tries[] = {
		{ "inet-tcp", AF_INET, SOCK_STREAM, 0 },
		{ "inet-udp", AF_INET, SOCK_DGRAM, 0 },
		{ "inet6-tcp", AF_INET6, SOCK_STREAM, 0 },
		{ "inet6-udp", AF_INET6, SOCK_DGRAM, 0 },
		{ "netlink-route", AF_NETLINK, SOCK_RAW, NETLINK_ROUTE },
		{ "vsock", AF_VSOCK, SOCK_STREAM, 0 },
	};

	for (size_t i = 0; i < sizeof(tries) / sizeof(tries[0]); i++) {
		int s = socket(tries[i].family, tries[i].type | SOCK_CLOEXEC, tries[i].proto);
		if (s >= 0) {
			printf("SOCKET %s allowed\n", tries[i].name);
			close(s);
		} else {
			printf("SOCKET %s denied %s\n", tries[i].name, strerror(errno));
		}
	}
	int fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC);
	if (fd >= 0) {
		printf("OPEN /dev/net/tun allowed\n");
		close(fd);
	} else {
		printf("OPEN /dev/net/tun denied %s\n", strerror(errno));
	}
	for (int i = 1; i < argc; i++) {
		struct ifreq ifr = { 0 };
		if (sscanf(argv[i], "tap,id=net0,fd=%d", &fd) != 1)
			continue;
		if (ioctl(fd, TUNGETIFF, &ifr) == 0)
			printf("TAPFD %d %.16s 0x%x\n", fd, ifr.ifr_name, (unsigned)ifr.ifr_flags & 0xffff);
		else
			printf("TAPFD %d denied %s\n", fd, strerror(errno));
	}
	printf("SOCKPROBE done\n");
	return 0;
}
