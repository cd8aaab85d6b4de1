// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The profile parser: an INI file (inih) -> struct profile. This file is
 * the driver: it reads the lines, starts the sections, looks each key up
 * in the key table (profile_keys.c), hands its value to the typed parser
 * the table names (profile_values.c), checks the rules that span keys and
 * sections, and reports the first error with its line.
 *
 * inih (Debian 12 ships release 55) is driven through ini_parse_stream()
 * with our own line reader, because:
 *  - its handler gets no line number (INI_HANDLER_LINENO is 0 in the
 *    distribution build), so the reader counts lines;
 *  - it is built with INI_ALLOW_MULTILINE, which would deliver an indented
 *    line as a second value of the previous key; the reader strips leading
 *    whitespace, so an indented line is an ordinary line;
 *  - it does not call the handler for a section without keys
 *    (INI_CALL_HANDLER_ON_NEW_SECTION is 0), yet an empty [looking-glass]
 *    or [disk NAME] matters; the reader sees every "[...]" header first;
 *  - its line buffer is fixed (INI_MAX_LINE, 200 bytes): a longer line
 *    would silently be cut in two, so the reader splits a long
 *    "key = value" line itself, exactly as inih would, and hands it to
 *    the handler (long_line()).
 *  - the reader also refuses NUL bytes and lines over 64 KiB, so a binary
 *    file or /dev/zero is an error, not an unbounded read.
 * inih still splits "key = value" (or "key: value"), strips whitespace and
 * inline comments (" ;" after a value; "#" and ";" at the start of a line)
 * and reports syntax errors (a line with neither '=' nor ':'). It delivers
 * every occurrence of a repeated key; the table says which keys may repeat.
 */
#include "profile.h"

#include <ctype.h>
#include <errno.h>
#include <ini.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cleanup.h"
#include "profile-internal.h"
#include "util.h"

#define LINE_MAX_LEN   65536 /* line buffer bound, with the newline and NUL */

/* ---------------------------------------------------------------- errors */

int profile_fail(struct parser *ps, unsigned line, int error, const char *fmt,
		 ...)
{
	struct profile_error *e = ps->err;
	struct profile_error_item *item;
	va_list ap;

	if (ps->fatal)
		return ps->error;
	if (!ps->error || error != -EINVAL)
		ps->error = error; /* a hard error (ENOMEM, EIO) is the result */
	if (error != -EINVAL)
		ps->fatal = true;
	if (e->n == PROFILE_MAX_ERRORS) {
		e->truncated = true;
		ps->fatal = true;
		return ps->error;
	}
	item = &e->all[e->n++];
	item->line = line;
	va_start(ap, fmt);
	vsnprintf(item->message, sizeof(item->message), fmt, ap);
	va_end(ap);
	return ps->error;
}

/* Sorts the errors by line (stable: insertion) and copies the first into
 * the summary fields. */
static void errors_finish(struct parser *ps)
{
	struct profile_error *e = ps->err;

	for (size_t i = 1; i < e->n; i++) {
		struct profile_error_item t = e->all[i];
		size_t j = i;
		for (; j > 0 && e->all[j - 1].line > t.line; j--)
			e->all[j] = e->all[j - 1];
		e->all[j] = t;
	}
	if (!e->n)
		return;
	snprintf(e->file, sizeof(e->file), "%s", ps->path);
	e->line = e->all[0].line;
	memcpy(e->message, e->all[0].message, sizeof(e->message));
}

int profile_oom(struct parser *ps)
{
	return profile_fail(ps, ps->line, -ENOMEM, "out of memory");
}

/* ---------------------------------------------------------- suggestions */

int profile_suggest(const char *word, const char *const *candidates, char *buf,
		    size_t len)
{
	const char *best = NULL;
	size_t best_d = 3;

	buf[0] = '\0';
	if (strlen(word) > 64)
		return -1;
	for (size_t i = 0; candidates[i]; i++) {
		size_t d = edit_distance(word, candidates[i]);
		if (d < best_d) {
			best_d = d;
			best = candidates[i];
		}
	}
	if (!best)
		return -1;
	snprintf(buf, len, " (did you mean '%s'?)", best);
	return (int)best_d;
}

static void suggest_key(enum section sec, const char *word, char *buf,
			size_t len)
{
	const char *cands[N_KEYS + 1];
	size_t n = 0;

	for (size_t i = 0; i < N_KEYS; i++)
		if (profile_keys[i].section == sec)
			cands[n++] = profile_keys[i].key;
	cands[n] = NULL;
	if (profile_suggest(word, cands, buf, len) >= 0)
		return;
	/* The right key in the wrong section is a common slip. */
	for (size_t i = 0; i < N_KEYS; i++)
		if (strcmp(profile_keys[i].key, word) == 0) {
			snprintf(buf, len, " ('%s' belongs in [%s%s])", word,
				 section_names[profile_keys[i].section],
				 profile_keys[i].section == SEC_DISK ||
				 profile_keys[i].section == SEC_SHARE ? " NAME" : "");
			return;
		}
}

/* ------------------------------------------------------------- sections */

static const char *section_label(struct parser *ps, char *buf, size_t len)
{
	if (ps->sec == SEC_DISK && ps->disk)
		snprintf(buf, len, "[disk %s]", ps->disk->name);
	else if (ps->sec == SEC_SHARE && ps->share)
		snprintf(buf, len, "[share %s]", ps->share->name);
	else if (ps->sec == SEC_NONE)
		snprintf(buf, len, "(no section)");
	else
		snprintf(buf, len, "[%s]", section_names[ps->sec]);
	return buf;
}

static int begin_section(struct parser *ps, const char *header)
{
	struct profile *p = ps->p;
	char word[64], arg[128], hint[64];
	const char *c = header;
	size_t n;
	int sec = -1;

	profile_end_section(ps);
	ps->sec = SEC_NONE;
	ps->sec_errors = ps->err->n;

	while (isspace((unsigned char)*c))
		c++;
	n = strcspn(c, " \t");
	if (n == 0)
		return profile_fail(ps, ps->line, -EINVAL,
				    "empty section name '[]'");
	snprintf(word, sizeof(word), "%.*s", (int)n, c);
	c += n;
	while (isspace((unsigned char)*c))
		c++;
	snprintf(arg, sizeof(arg), "%s", c);
	for (n = strlen(arg); n > 0 && isspace((unsigned char)arg[n - 1]); n--)
		arg[n - 1] = '\0';

	for (int i = 0; i < _SEC_MAX; i++)
		if (strcmp(word, section_names[i]) == 0)
			sec = i;
	if (sec < 0) {
		const char *cands[_SEC_MAX + 1];
		for (int i = 0; i < _SEC_MAX; i++)
			cands[i] = section_names[i];
		cands[_SEC_MAX] = NULL;
		profile_suggest(word, cands, hint, sizeof(hint));
		return profile_fail(
		    ps, ps->line, -EINVAL,
		    "unknown section [%.64s]%s; sections are [vm], "
		    "[pci], [disk NAME], [audio], [usb], "
		    "[looking-glass], [input], [network], [cpu], "
		    "[smbios], [share NAME] and [qemu]",
		    word, hint);
	}
	ps->sec = (enum section)sec;
	ps->sec_line = ps->line;

	if (sec == SEC_SHARE)
		return profile_share_begin(ps, arg);
	if (sec != SEC_DISK) {
		if (*arg)
			return profile_fail(
			    ps, ps->line, -EINVAL,
			    "[%s] takes no name (found '%.64s')", word, arg);
		if (sec == SEC_AUDIO && !p->line_audio) {
			p->line_audio = ps->line;
			p->audio_backend = AUDIO_PULSE;
		}
		if (sec == SEC_USB)
			p->usb_enabled = true;
		if (sec == SEC_LG && !p->line_lg) {
			p->line_lg = ps->line;
			p->lg_enabled = true;
		}
		return 0;
	}

	if (!*arg)
		return profile_fail(ps, ps->line, -EINVAL,
				    "[disk] needs a name, e.g. [disk system]");
	if (!profile_valid_name(arg, NAME_MAX_LEN))
		return profile_fail(
		    ps, ps->line, -EINVAL,
		    "[disk %.64s]: not a valid disk name; use 1-%d "
		    "letters, digits, '_', '.' or '-'",
		    arg, NAME_MAX_LEN);
	for (size_t i = 0; i < p->n_disks; i++)
		if (strcmp(p->disks[i].name, arg) == 0)
			return profile_fail(
			    ps, ps->line, -EINVAL,
			    "[disk %s] is already defined at line %u; "
			    "disk names must be unique",
			    arg, p->disks[i].line);
	char *name = strdup(arg);
	if (!name)
		return profile_oom(ps);
	struct disk_item d = {.name = name, .line = ps->line};
	if (APPEND_ITEM(p->disks, p->n_disks, d) < 0) {
		free(name);
		return profile_oom(ps);
	}
	ps->disk = &p->disks[p->n_disks - 1];
	memset(ps->disk_seen, 0, N_KEYS * sizeof(*ps->disk_seen));
	return 0;
}

/* A section header that could not be read: the section before it ends,
 * and the keys up to the next header are skipped (each would be an error
 * of its own, or land in the wrong section). */
static void bad_header(struct parser *ps)
{
	profile_end_section(ps);
	ps->sec = SEC_NONE;
	ps->skip_section = true;
}

/* -------------------------------------------------------------- reading */

#define SYNTAX_ERROR                                                           \
	"expected 'key = value', '[section]' or a comment (';' or '#')"

static int handler(void *user, const char *section, const char *name,
		   const char *value);

/* inih's find_chars_or_comment() (ini.c, r55): the first of chars, or the
 * start of an inline comment, a ';' preceded by whitespace. */
static char *find_chars_or_comment(char *s, const char *chars)
{
	bool was_space = false;

	while (*s && (!chars || !strchr(chars, *s)) &&
	       !(was_space && *s == ';')) {
		was_space = isspace((unsigned char)*s);
		s++;
	}
	return s;
}

static void rstrip(char *s)
{
	size_t n = strlen(s);

	while (n > 0 && isspace((unsigned char)s[n - 1]))
		s[--n] = '\0';
}

/*
 * A key = value line longer than inih's line buffer (INI_MAX_LINE, 200
 * bytes in Debian's build): split as ini_parse_stream() does (r55: name up
 * to the first '=' or ':', inline comment cut, both sides stripped) and
 * handed to the handler directly; inih then sees an empty line. Long
 * kernel command lines and -smbios arguments need this.
 */
static void long_line(struct parser *ps, char *s)
{
	char *end = find_chars_or_comment(s, "=:"), *value;

	if (*end != '=' && *end != ':') {
		profile_fail(ps, ps->line, -EINVAL, SYNTAX_ERROR);
		return;
	}
	*end = '\0';
	rstrip(s);
	value = end + 1;
	end = find_chars_or_comment(value, NULL);
	*end = '\0';
	while (isspace((unsigned char)*value))
		value++;
	rstrip(value);
	handler(ps, NULL, s, value);
}

/*
 * The ini_reader: one physical line per call (see the comment at the top).
 * Counts lines, strips leading whitespace and a UTF-8 BOM, rejects NUL
 * bytes and lines that would not fit inih's buffer, and starts sections.
 */
/*
 * Reads one line (with its '\n', if any) into ps->buf. Returns its length,
 * 0 at the end of the file, -E2BIG for a line longer than LINE_MAX_LEN
 * (a profile is text; /dev/zero is not) or -ENOMEM.
 */
static ssize_t read_line(struct parser *ps)
{
	size_t n = 0;
	int c;

	while ((c = getc(ps->f)) != EOF) {
		if (n + 2 > ps->buf_size) {
			size_t size = ps->buf_size ? ps->buf_size * 2 : 256;
			char *b;
			if (size > LINE_MAX_LEN)
				return -E2BIG;
			b = realloc(ps->buf, size);
			if (!b)
				return -ENOMEM;
			ps->buf = b;
			ps->buf_size = size;
		}
		ps->buf[n++] = (char)c;
		if (c == '\n')
			break;
	}
	if (n > 0)
		ps->buf[n] = '\0';
	return (ssize_t)n;
}

static char *reader(char *str, int num, void *stream)
{
	struct parser *ps = stream;
	ssize_t n = read_line(ps);
	char *s;

	if (n == 0 || ps->fatal)
		return NULL; /* the end, or a fatal error: stop reading */
	ps->line++;
	if (n < 0) {
		if (n == -E2BIG) {
			profile_fail(ps, ps->line, -EINVAL,
				     "line is too long (more than %d bytes)",
				     LINE_MAX_LEN - 2);
			ps->fatal = true; /* the rest of it is no line */
		} else
			profile_oom(ps);
		return NULL;
	}
	s = ps->buf;
	if (ps->line == 1 && startswith(s, "\xEF\xBB\xBF"))
		s += 3, n -= 3;
	if (memchr(s, '\0', (size_t)n)) {
		profile_fail(ps, ps->line, -EINVAL,
			     "line contains a NUL byte; is this a text file?");
		ps->fatal = true; /* not a profile: one error is enough */
		str[0] = '\0';
		return str;
	}
	while (n > 0 && (s[n - 1] == '\n' || s[n - 1] == '\r'))
		s[--n] = '\0';
	while (isspace((unsigned char)*s))
		s++, n--;
	/* inih needs room for the line, a newline and the terminator; a
	 * longer key = value line is split here, the way inih would. */
	if (num < 3 || n > num - 3) {
		if (*s == '[') {
			profile_fail(ps, ps->line, -EINVAL,
				     "section header is too long");
			bad_header(ps);
		} else if (*s != ';' && *s != '#')
			long_line(ps, s);
		str[0] = '\0';
		return str;
	}
	if (*s == '[') {
		char *close = strchr(s, ']');
		if (close) {
			const char *after = close + 1;
			while (isspace((unsigned char)*after))
				after++;
			*close = '\0';
			ps->skip_section = begin_section(ps, s + 1) < 0;
			*close = ']';
			if (*after && *after != ';' && *after != '#') {
				profile_fail(
				    ps, ps->line, -EINVAL,
				    "text after the section header: '%.64s'",
				    after);
				ps->skip_section = true;
			}
		} else {
			profile_fail(ps, ps->line, -EINVAL,
				     "section header without ']': '%.64s'", s);
			bad_header(ps);
		}
	} else if (*s && *s != ';' && *s != '#') {
		/* inih reports only its first syntax error (ini.c r55:
		 * "error = lineno" once); find each here, as it would. */
		char *end = find_chars_or_comment(s, "=:");
		if (*end != '=' && *end != ':') {
			profile_fail(ps, ps->line, -EINVAL, SYNTAX_ERROR);
			str[0] = '\0';
			return str;
		}
	}
	memcpy(str, s, (size_t)n + 1);
	return str;
}

static int handler(void *user, const char *section, const char *name,
		   const char *value)
{
	struct parser *ps = user;
	const struct key_def *k;
	char label[96], hint[96];
	void *base;
	int idx;
	unsigned *seen;

	(void)section; /* the reader tracks sections, including empty ones */
	if (ps->fatal || ps->skip_section)
		return 1;
	if (ps->sec == SEC_NONE)
		return profile_fail(
			   ps, ps->line, -EINVAL,
			   "'%.64s' is outside any section; put it under a "
			   "section such as [vm]",
			   name),
		       1;
	idx = profile_key_index(ps->sec, name);
	if (idx < 0) {
		suggest_key(ps->sec, name, hint, sizeof(hint));
		return profile_fail(
			   ps, ps->line, -EINVAL, "unknown key '%.64s' in %s%s",
			   name, section_label(ps, label, sizeof(label)), hint),
		       1;
	}
	k = &profile_keys[idx];
	for (const char *c = value; *c; c++)
		if ((iscntrl((unsigned char)*c) && *c != '\t'))
			return profile_fail(ps, ps->line, -EINVAL,
					    "%s: the value contains a control "
					    "character (0x%02x)",
					    k->key, (unsigned char)*c),
			       1;
	seen = ps->sec == SEC_DISK || ps->sec == SEC_SHARE ? ps->disk_seen : ps->seen;
	if (!k->repeatable && seen[idx])
		return profile_fail(
			   ps, ps->line, -EINVAL,
			   "'%s' is already set at line %u; it may be given "
			   "only once in %s",
			   k->key, seen[idx],
			   section_label(ps, label, sizeof(label))),
		       1;
	seen[idx] = ps->line;
	base = ps->sec == SEC_DISK    ? (void *)ps->disk
	       : ps->sec == SEC_SHARE ? (void *)ps->share
				      : (void *)ps->p;
	k->parse(ps, k, base, value);
	return 1;
}

/* --------------------------------------------------------------- public */

static struct profile *profile_new(void)
{
	struct profile *p = calloc(1, sizeof(*p));

	if (!p)
		return NULL;
	p->memory = 1ULL << 30;
	p->cpus = 1;
	p->accel = ACCEL_AUTO;
	p->firmware = FIRMWARE_BIOS;
	p->display = DISPLAY_NONE;
	p->sandbox = SANDBOX_ON;
	p->stop_timeout = STOP_TIMEOUT_DEFAULT;
	p->audio_backend = AUDIO_NONE;
	p->audio_model = AUDIO_HDA_DUPLEX;
	p->audio_required = true;
	p->net_mode = NET_NONE;
	p->machine = strdup(DEFAULT_MACHINE);
	p->ovmf_code = strdup(DEFAULT_OVMF_CODE);
	p->ovmf_vars = strdup(DEFAULT_OVMF_VARS);
	p->lg_path = strdup(DEFAULT_LG_PATH);
	p->net_model = strdup(DEFAULT_NET_MODEL);
	p->qemu_binary = strdup(DEFAULT_QEMU_BINARY);
	if (!p->machine || !p->ovmf_code || !p->ovmf_vars || !p->lg_path ||
	    !p->net_model || !p->qemu_binary) {
		profile_free(p);
		return NULL;
	}
	return p;
}

void profile_free(struct profile *p)
{
	if (!p)
		return;
	free(p->file);
	free(p->name);
	free(p->machine);
	free(p->ovmf_code);
	free(p->ovmf_vars);
	free(p->kernel);
	free(p->initrd);
	free(p->append);
	for (size_t i = 0; i < p->n_pci; i++)
		free(p->pci[i].romfile);
	free(p->pci);
	for (size_t i = 0; i < p->n_disks; i++) {
		free(p->disks[i].name);
		free(p->disks[i].path);
	}
	free(p->disks);
	for (size_t i = 0; i < p->n_shares; i++) {
		free(p->shares[i].name);
		free(p->shares[i].path);
		free(p->shares[i].tag);
	}
	free(p->shares);
	free(p->audio_server);
	free(p->usb);
	free(p->lg_path);
	free(p->lg_group);
	for (size_t i = 0; i < p->n_evdev; i++) {
		free(p->evdev[i].path);
		free(p->evdev[i].grab_toggle);
	}
	free(p->evdev);
	free(p->net_fwd);
	free(p->net_model);
	free(p->net_mac);
	free(p->net_tap);
	free(p->net_bridge);
	free(p->qemu_binary);
	free(p->uuid);
	free(p->cpu_features);
	free(p->cpu_pin.v);
	free(p->emulator_pin.v);
	free(p->iothread_pin.v);
	strv_free(p->qemu_extra);
	free(p);
}

/* Absolute path of the profile file (not resolving links) into *ret. */
static int absolute_path(const char *path, char **ret)
{
	_cleanup_free_ char *cwd = NULL;

	if (path[0] == '/') {
		*ret = strdup(path);
		return *ret ? 0 : -ENOMEM;
	}
	cwd = getcwd(NULL, 0);
	if (!cwd)
		return -errno;
	while (startswith(path, "./"))
		path += 2;
	if (asprintf(ret, "%s/%s", strcmp(cwd, "/") == 0 ? "" : cwd, path) < 0)
		return -ENOMEM;
	return 0;
}

int profile_load_file(FILE *f, const char *path, struct profile **ret_profile,
		      struct profile_error *ret_error)
{
	struct profile_error dummy;
	struct parser ps = {
	    .path = path,
	    .err = ret_error ? ret_error : &dummy,
	    .f = f,
	    .sec = SEC_NONE,
	};
	unsigned seen[N_KEYS] = {0}, disk_seen[N_KEYS] = {0};
	int r;

	memset(ps.err, 0, sizeof(*ps.err));
	ps.seen = seen;
	ps.disk_seen = disk_seen;
	ps.p = profile_new();
	if (!ps.p) {
		profile_fail(&ps, 0, -ENOMEM, "out of memory");
		errors_finish(&ps);
		return -ENOMEM;
	}
	r = absolute_path(path, &ps.p->file);
	if (r < 0) {
		profile_fail(&ps, 0, r, "cannot make the path absolute: %s",
			     strerror(-r));
		goto out;
	}
	ps.dir = strdup(ps.p->file);
	if (!ps.dir) {
		profile_oom(&ps);
		goto out;
	}
	*strrchr(ps.dir, '/') = '\0';
	if (!*ps.dir)
		strcpy(ps.dir, "/");

	r = ini_parse_stream(reader, &ps, handler, &ps);
	if (r < 0)
		profile_fail(&ps, 0, -ENOMEM, "out of memory");
	else if (r > 0) {
		/* inih's own syntax error: our handler never fails towards
		 * inih, so r is the first line inih could not parse (the
		 * reader finds these first; this is the safety net). */
		bool known = false;
		for (size_t i = 0; i < ps.err->n; i++)
			known |= ps.err->all[i].line == (unsigned)r;
		if (!known)
			profile_fail(&ps, (unsigned)r, -EINVAL, SYNTAX_ERROR);
	}
	if (ferror(f))
		profile_fail(&ps, 0, -EIO, "read error");
	if (!ps.fatal)
		profile_finish(&ps);
out:
	errors_finish(&ps);
	free(ps.buf);
	free(ps.dir);
	if (ps.error) {
		profile_free(ps.p);
		return ps.error;
	}
	*ret_profile = ps.p;
	return 0;
}

int profile_load(const char *path, struct profile **ret_profile,
		 struct profile_error *ret_error)
{
	/* stdio's buffer, given: it then asks no fstat(2) for a size (ours
	 * below is the one; issue 15). Declared before f, so it outlives
	 * the fclose. */
	char buf[4096];
	_cleanup_fclose_ FILE *f = fopen(path, "re");
	struct stat st;

	if (f)
		setvbuf(f, buf, _IOFBF, sizeof(buf));
	if (f && fstat(fileno(f), &st) == 0 && S_ISDIR(st.st_mode)) {
		fclose(f);
		f = NULL;
		errno = EISDIR;
	}
	if (!f) {
		int r = -errno;
		if (ret_error) {
			memset(ret_error, 0, sizeof(*ret_error));
			snprintf(ret_error->file, sizeof(ret_error->file), "%s",
				 path);
			snprintf(ret_error->message, sizeof(ret_error->message),
				 "cannot open the profile: %s", strerror(-r));
		}
		return r;
	}
	return profile_load_file(f, path, ret_profile, ret_error);
}
