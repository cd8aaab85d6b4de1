// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The smbios resource: [smbios] mode = host and [vm] uuid (smbios.h).
 */
#include "smbios.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "cleanup.h"
#include "paths.h"
#include "profile.h"
#include "render.h"
#include "resource.h"
#include "sysfs.h"

/* Each field: its sysfs name, and the -smbios type and key QEMU 7.2 sets
 * it with (qemu-options.hx, -smbios type=0|1|2|3). */
static const struct {
	const char *attr;
	int type;
	const char *key;
} fields[_SMBIOS_FIELD_MAX] = {
	[SMBIOS_BIOS_VENDOR] = { "bios_vendor", 0, "vendor" },
	[SMBIOS_BIOS_VERSION] = { "bios_version", 0, "version" },
	[SMBIOS_BIOS_DATE] = { "bios_date", 0, "date" },
	[SMBIOS_SYS_VENDOR] = { "sys_vendor", 1, "manufacturer" },
	[SMBIOS_PRODUCT_NAME] = { "product_name", 1, "product" },
	[SMBIOS_PRODUCT_VERSION] = { "product_version", 1, "version" },
	[SMBIOS_PRODUCT_FAMILY] = { "product_family", 1, "family" },
	[SMBIOS_PRODUCT_SKU] = { "product_sku", 1, "sku" },
	[SMBIOS_BOARD_VENDOR] = { "board_vendor", 2, "manufacturer" },
	[SMBIOS_BOARD_NAME] = { "board_name", 2, "product" },
	[SMBIOS_BOARD_VERSION] = { "board_version", 2, "version" },
	[SMBIOS_CHASSIS_VENDOR] = { "chassis_vendor", 3, "manufacturer" },
	[SMBIOS_CHASSIS_VERSION] = { "chassis_version", 3, "version" },
};

void smbios_host_clear(struct smbios_host *h)
{
	for (size_t i = 0; i < _SMBIOS_FIELD_MAX; i++) {
		free(h->v[i]);
		h->v[i] = NULL;
	}
	h->found = false;
}

int smbios_read(const char *sysfs, struct smbios_host *ret)
{
	_cleanup_close_ int dir = -1;
	char path[4096], buf[256];

	smbios_host_clear(ret);
	snprintf(path, sizeof(path), "%s/class/dmi/id", sysfs);
	/* class/dmi/id is a link to devices/virtual/dmi/id: followed. */
	dir = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dir < 0)
		return 0;
	ret->found = true;
	for (size_t i = 0; i < _SMBIOS_FIELD_MAX; i++) {
		size_t n;
		if (sysfs_read_attr(dir, fields[i].attr, buf, sizeof(buf)) < 0)
			continue;
		for (n = strlen(buf); n > 0 && isspace((unsigned char)buf[n - 1]); n--)
			buf[n - 1] = '\0';
		if (!*buf)
			continue;
		ret->v[i] = strdup(buf);
		if (!ret->v[i])
			return -ENOMEM;
	}
	return 0;
}

static bool uuid_valid(const char *s)
{
	if (strlen(s) != 36)
		return false;
	for (size_t i = 0; i < 36; i++) {
		bool dash = i == 8 || i == 13 || i == 18 || i == 23;
		if (dash ? s[i] != '-' : !isxdigit((unsigned char)s[i]))
			return false;
	}
	return true;
}

/* mkdir -p of dir, each new directory 0700; the last must be ours and not
 * writable by group or others. 0 or -errno. */
static int make_state_dir(const char *dir)
{
	_cleanup_free_ char *p = strdup(dir);
	struct stat st;

	if (!p)
		return -ENOMEM;
	for (char *s = strchr(p + 1, '/');; s = strchr(s + 1, '/')) {
		if (s)
			*s = '\0';
		if (mkdir(p, 0700) < 0 && errno != EEXIST)
			return -errno;
		if (!s)
			break;
		*s = '/';
	}
	if (lstat(dir, &st) < 0)
		return -errno;
	if (!S_ISDIR(st.st_mode))
		return -ENOTDIR;
	if (st.st_uid != geteuid() || (st.st_mode & 022))
		return -EPERM;
	return 0;
}

int vm_uuid_load(const char *state_dir, bool create, char buf[static 37])
{
	_cleanup_free_ char *path = NULL;
	_cleanup_close_ int fd = -1;
	unsigned char b[16];
	char line[64];
	ssize_t n;
	int r;

	if (asprintf(&path, "%s/uuid", state_dir) < 0)
		return -ENOMEM;
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd >= 0) {
		n = read(fd, line, sizeof(line) - 1);
		if (n < 0)
			return -errno;
		line[n] = '\0';
		line[strcspn(line, "\n")] = '\0';
		if (!uuid_valid(line))
			return -EBADMSG;
		memcpy(buf, line, 37);
		return 0;
	}
	if (errno != ENOENT)
		return -errno;
	if (!create)
		return -ENOENT;
	r = make_state_dir(state_dir);
	if (r < 0)
		return r;
	if (getrandom(b, sizeof(b), 0) != sizeof(b))
		return -EIO;
	b[6] = (unsigned char)((b[6] & 0x0f) | 0x40); /* version 4 */
	b[8] = (unsigned char)((b[8] & 0x3f) | 0x80); /* RFC 4122 variant */
	snprintf(line, sizeof(line),
		 "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
		 b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11],
		 b[12], b[13], b[14], b[15]);
	/* O_EXCL: a UUID made by a concurrent run is never replaced (that
	 * run's guest already saw it); read it back instead. */
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0)
		return errno == EEXIST ? vm_uuid_load(state_dir, false, buf) : -errno;
	if (dprintf(fd, "%s\n", line) < 0 || fsync(fd) < 0) {
		r = -errno;
		(void)unlink(path);
		return r;
	}
	memcpy(buf, line, 37);
	return 0;
}

static void smbios_check(const struct profile *p, struct check_ctx *ctx, struct findings *f)
{
	if (p->uuid && strcmp(p->uuid, "auto") == 0 && ctx->paths) {
		int r = vm_uuid_load(ctx->paths->state_dir, ctx->for_run, ctx->uuid);
		if (r == 0)
			finding_pass(f, "uuid", "%s (kept in %s/uuid)", ctx->uuid,
				     ctx->paths->state_dir);
		else if (r == -ENOENT)
			finding_pass(f, "uuid", "made on the first run, then kept in %s/uuid",
				     ctx->paths->state_dir);
		else
			finding_fail(f, "uuid", "remove the file; the next run makes a new UUID",
				     "%s/uuid: %s", ctx->paths->state_dir,
				     r == -EBADMSG ? "holds no UUID" : strerror(-r));
	} else if (p->uuid && strcmp(p->uuid, "auto") != 0) {
		snprintf(ctx->uuid, sizeof(ctx->uuid), "%s", p->uuid);
	}

	if (p->smbios != SMBIOS_HOST)
		return;
	if (smbios_read(ctx->sysfs, &ctx->smbios) < 0)
		abort();
	if (!ctx->smbios.found) {
		finding_warn(f, "smbios",
			     "nothing to do on this host; the guest keeps QEMU's own strings",
			     "mode = host, but this host has no DMI (%s/class/dmi/id is missing, "
			     "as on many cloud VMs): no -smbios is rendered",
			     ctx->sysfs);
		return;
	}
	finding_pass(f, "smbios",
		     "host strings: %s %s (board %s); the serial numbers and the host UUID "
		     "are root-only and stay out",
		     ctx->smbios.v[SMBIOS_SYS_VENDOR] ? ctx->smbios.v[SMBIOS_SYS_VENDOR] : "-",
		     ctx->smbios.v[SMBIOS_PRODUCT_NAME] ? ctx->smbios.v[SMBIOS_PRODUCT_NAME] : "-",
		     ctx->smbios.v[SMBIOS_BOARD_NAME] ? ctx->smbios.v[SMBIOS_BOARD_NAME] : "-");
}

static int smbios_argv(const struct profile *p, const struct render_env *env, struct strv *sv)
{
	/* A UUID written in the profile is its own; auto is the one kept
	 * in the state dir, known after the check (env->uuid). */
	const char *uuid = p->uuid && strcmp(p->uuid, "auto") != 0 ? p->uuid : env->uuid;
	if (p->uuid && uuid && *uuid)
		TRY(strv_push2(sv, "-uuid", uuid));
	if (p->smbios != SMBIOS_HOST || !env->smbios)
		return 0;
	for (int type = 0; type <= 3; type++) {
		_cleanup_free_ char *arg = NULL;
		size_t len = 0;
		FILE *m = open_memstream(&arg, &len);
		bool any = false;

		if (!m)
			return -ENOMEM;
		fprintf(m, "type=%d", type);
		for (size_t i = 0; i < _SMBIOS_FIELD_MAX; i++) {
			if (fields[i].type != type || !env->smbios->v[i])
				continue;
			_cleanup_free_ char *v = qemu_escape(env->smbios->v[i]);
			if (!v) {
				fclose(m);
				return -ENOMEM;
			}
			fprintf(m, ",%s=%s", fields[i].key, v);
			any = true;
		}
		if (fclose(m) != 0)
			return -ENOMEM;
		if (any)
			TRY(strv_push2(sv, "-smbios", arg));
	}
	return 0;
}

const struct resource resource_smbios = {
	.name = "smbios",
	.check = smbios_check,
	.argv = smbios_argv,
};
