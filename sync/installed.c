/*
 * installed.c - the distributions installed in an environment: every
 * NAME-VERSION.dist-info directory in its purelib and platlib, with the
 * Name and Version of its METADATA, its INSTALLER, its direct_url.json
 * and whether it has a RECORD.
 *
 * METADATA is read by a small header reader rather than pep/metadata.c:
 * only Name and Version are needed, the headers end at the first blank
 * line (the long description that follows is never read past the first
 * 16 KiB when both were found), and a METADATA that pep_metadata_parse()
 * would refuse for another reason (no Metadata-Version, bytes that are not
 * UTF-8 in the description) still names an installed distribution that
 * must be upgraded or removed, as pip sees it.
 *
 * Names starting with '.' are skipped: install.c assembles a dist-info
 * as ".cvlock-tmp-NAME-VER.dist-info.XXXXXX", and uninstall.c renames one
 * to ".cvlock-rm-DIR.PID" before removing it.  Such a ".cvlock-rm-" left
 * by a killed process (its PID no longer runs) is removed here.
 */
#include "sync/sync.h"
#include "sync/internal.h"

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#define HEAD_BYTES (16 * 1024)
#define METADATA_MAX (16 * 1024 * 1024)
#define INSTALLER_MAX 4096
#define DIRECT_URL_MAX (1024 * 1024)
#define RM_PREFIX ".cvlock-rm-"

static void dist_release(struct sync_dist *d)
{
	free(d->name);
	free(d->version);
	free(d->dist_info);
	free(d->installer);
	free(d->direct_url);
	memset(d, 0, sizeof(*d));
}

void sync_installed_release(struct sync_installed *si)
{
	size_t i;

	for (i = 0; i < si->n; i++)
		dist_release(&si->dists[i]);
	free(si->dists);
	memset(si, 0, sizeof(*si));
}

/* ---- METADATA headers -------------------------------------------------- */

static bool is_blank(char c)
{
	return c == ' ' || c == '\t';
}

/*
 * Name and Version from the headers of `text` (the first of each; stops
 * at the blank line that ends them); `at_end`: text is the whole file.
 * *complete: the headers' end or both fields were seen, so reading more
 * could change nothing.
 */
static void header_fields(const char *text, size_t len, bool at_end,
			  char **name, char **version, bool *complete)
{
	size_t pos = 0;

	*complete = false;
	if (len >= 3 && !memcmp(text, "\xef\xbb\xbf", 3))
		pos = 3;
	while (pos < len) {
		const char *line = text + pos, *nl, *colon;
		size_t n, k;
		char **slot = NULL;

		nl = memchr(line, '\n', len - pos);
		if (!nl && !at_end)
			return; /* a last line that may be cut */
		n = nl ? (size_t)(nl - line) : len - pos;
		pos += n + 1;
		if (n && line[n - 1] == '\r')
			n--;
		if (!n) {
			*complete = true;
			return;
		}
		if (is_blank(line[0]))
			continue; /* a continuation line */
		colon = memchr(line, ':', n);
		if (!colon)
			continue;
		k = (size_t)(colon - line);
		if (k == 4 && !strncasecmp(line, "Name", 4))
			slot = name;
		else if (k == 7 && !strncasecmp(line, "Version", 7))
			slot = version;
		if (slot && !*slot) {
			const char *v = colon + 1;
			size_t vn = n - k - 1;

			while (vn && is_blank(*v)) {
				v++;
				vn--;
			}
			while (vn && is_blank(v[vn - 1]))
				vn--;
			if (vn && !memchr(v, '\0', vn))
				*slot = xmemdup0(v, vn);
		}
		if (*name && *version) {
			*complete = true;
			return;
		}
	}
	*complete = true; /* the end of the file */
}

/*
 * The first `max` bytes of `path` into `out`; *whole: that is all of it.
 * Few system calls (open, one read, close): a read of a regular file
 * that returns less than asked for has reached its end.
 */
static int read_head(const char *path, size_t max, struct strbuf *out,
		     bool *whole)
{
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	strbuf_reset(out);
	if (fd < 0)
		return -1;
	if (strbuf_grow(out, max + 1))
		BUG("unlimited strbuf cannot overflow");
	do {
		n = pread(fd, out->buf + out->len, max - out->len,
			  (off_t)out->len);
		if (n > 0)
			strbuf_setlen(out, out->len + (size_t)n);
	} while (n < 0 && errno == EINTR);
	close(fd);
	if (n < 0)
		return -1;
	*whole = out->len < max;
	return 0;
}

/* Name and Version of a METADATA file; false when it has not both. */
static bool read_metadata(const char *path, struct strbuf *buf, char **name,
			  char **version)
{
	bool whole, complete;

	*name = NULL;
	*version = NULL;
	if (read_head(path, HEAD_BYTES, buf, &whole))
		return false;
	header_fields(buf->buf, buf->len, whole, name, version, &complete);
	if (!complete && !whole) {
		free(*name);
		free(*version);
		*name = NULL;
		*version = NULL;
		if (sync_read_file(path, METADATA_MAX, buf, NULL))
			return false;
		header_fields(buf->buf, buf->len, true, name, version,
			      &complete);
	}
	if (*name && *version)
		return true;
	free(*name);
	free(*version);
	*name = NULL;
	*version = NULL;
	return false;
}

/* ---- the scan ---------------------------------------------------------- */

static bool ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), k = strlen(suffix);

	return n >= k && !memcmp(s + n - k, suffix, k);
}

/* ".cvlock-rm-DIR.PID" whose process no longer runs */
static bool is_stale_removal(const char *name)
{
	const char *dot = strrchr(name, '.');
	long pid = 0;
	const char *p;

	if (strncmp(name, RM_PREFIX, strlen(RM_PREFIX)) || !dot || !dot[1])
		return false;
	for (p = dot + 1; *p; p++) {
		if (*p < '0' || *p > '9' || pid > 100000000L)
			return false;
		pid = pid * 10 + (*p - '0');
	}
	return pid > 0 && kill((pid_t)pid, 0) < 0 && errno == ESRCH;
}

static void add_dist(struct sync_installed *si, const char *dir,
		     const char *entry, bool is_dir, struct strbuf *buf)
{
	struct strbuf path = STRBUF_INIT, canon = STRBUF_INIT;
	struct sync_dist d;
	struct stat st;
	char *name, *version;
	size_t base;
	bool whole;

	memset(&d, 0, sizeof(d));
	strbuf_addf(&path, "%s/%s", dir, entry);
	base = path.len;
	if (!is_dir && (stat(path.buf, &st) < 0 || !S_ISDIR(st.st_mode)))
		goto out;
	strbuf_addstr(&path, "/METADATA");
	if (!read_metadata(path.buf, buf, &name, &version))
		goto out;
	pep_name_canonicalize(name, strlen(name), &canon);
	free(name);
	d.name = strbuf_detach(&canon, NULL);
	d.version = version;

	strbuf_setlen(&path, base);
	d.dist_info = xstrdup(path.buf);
	strbuf_addstr(&path, "/INSTALLER");
	if (!read_head(path.buf, INSTALLER_MAX, buf, &whole)) {
		size_t n = strcspn(buf->buf, "\r\n");

		while (n && (buf->buf[n - 1] == ' ' || buf->buf[n - 1] == '\t'))
			n--;
		if (n && !memchr(buf->buf, '\0', n))
			d.installer = xmemdup0(buf->buf, n);
	}
	strbuf_setlen(&path, base);
	strbuf_addstr(&path, "/direct_url.json");
	if (!sync_read_file(path.buf, DIRECT_URL_MAX, buf, NULL) &&
	    !memchr(buf->buf, '\0', buf->len))
		d.direct_url = xmemdup0(buf->buf, buf->len);
	strbuf_setlen(&path, base);
	strbuf_addstr(&path, "/RECORD");
	d.has_record = !stat(path.buf, &st) && S_ISREG(st.st_mode);

	ALLOC_GROW(si->dists, si->n + 1, si->alloc);
	si->dists[si->n++] = d;
	memset(&d, 0, sizeof(d));
out:
	dist_release(&d);
	strbuf_release(&path);
	strbuf_release(&canon);
}

static int scan_dir(struct sync_installed *si, const char *dir,
		    struct cvl_error *err)
{
	struct strvec names = STRVEC_INIT;
	struct strbuf buf = STRBUF_INIT, sb = STRBUF_INIT;
	struct dirent *de;
	DIR *d = opendir(dir);
	size_t i;

	if (!d) {
		if (errno == ENOENT)
			return 0; /* nothing installed there yet */
		return cvl_error_set(err, CVL_EIO, "cannot read '%s': %s", dir,
				     strerror(errno));
	}
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.') {
			if (is_stale_removal(de->d_name)) {
				struct cvl_error ignored = CVL_ERROR_INIT;

				strbuf_reset(&sb);
				strbuf_addf(&sb, "%s/%s", dir, de->d_name);
				if (sync_rm_rf(sb.buf, &ignored))
					cvl_error_clear(&ignored);
			}
			continue;
		}
		/* "d" + name: a directory for sure, "?" + name: to be checked */
		if (ends_with(de->d_name, ".dist-info") &&
		    strlen(de->d_name) > strlen(".dist-info"))
			strvec_pushf(&names, "%c%s",
				     de->d_type == DT_DIR ? 'd' : '?',
				     de->d_name);
	}
	closedir(d);
	for (i = 0; i < names.nr; i++)
		add_dist(si, dir, names.v[i] + 1, names.v[i][0] == 'd', &buf);
	strvec_clear(&names);
	strbuf_release(&buf);
	strbuf_release(&sb);
	return 0;
}

static int cmp_dist(const void *a, const void *b)
{
	const struct sync_dist *x = a, *y = b;
	int c = strcmp(x->name, y->name);

	if (!c)
		c = strcmp(x->version, y->version);
	if (!c)
		c = strcmp(x->dist_info, y->dist_info);
	return c;
}

int sync_installed_scan(const struct sync_venv *v, struct sync_installed *si,
			struct cvl_error *err)
{
	const char *pure = v->paths[SYNC_PATH_PURELIB];
	const char *plat = v->paths[SYNC_PATH_PLATLIB];
	int r = 0;

	sync_installed_release(si);
	if (pure)
		r = scan_dir(si, pure, err);
	if (!r && plat && (!pure || strcmp(pure, plat))) {
		char *rp = pure ? realpath(pure, NULL) : NULL;
		char *rq = realpath(plat, NULL);

		/* one directory under two names (lib64 -> lib) is one */
		if (!rp || !rq || strcmp(rp, rq))
			r = scan_dir(si, plat, err);
		free(rp);
		free(rq);
	}
	if (r) {
		sync_installed_release(si);
		return r;
	}
	if (si->n > 1)
		qsort(si->dists, si->n, sizeof(*si->dists), cmp_dist);
	return 0;
}

const struct sync_dist *sync_installed_find(const struct sync_installed *si,
					    const char *name)
{
	size_t lo = 0, hi = si->n;

	/* the first of the name */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (strcmp(si->dists[mid].name, name) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < si->n && !strcmp(si->dists[lo].name, name))
		return &si->dists[lo];
	return NULL;
}
