/*
 * cache_upkeep.c - the cache's upkeep: `cvlock cache clean` (everything,
 * or one project's responses) and `cvlock cache prune`, and where the
 * cache lives.  The entry format and the atomic writes are in cache.c.
 *
 * Only what cvlock writes is touched: CACHEDIR.TAG and directories named
 * <kind>-v<format> (http-v1 here, interpreters-v1 for sync/, ...: the
 * convention of everything cvlock caches).  Symbolic links are never
 * followed, so a mistaken cache directory (say, $HOME) loses nothing else.
 */
#include "index/transport.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

/* A temporary file older than this belongs to a writer that died. */
#define TMP_STALE_S (15 * 60)

/* ---- maintenance ----------------------------------------------------------- */

static void count(struct idx_cache_prune_stats *st, bool removed, uint64_t bytes)
{
	if (!st)
		return;
	if (removed) {
		st->removed++;
		st->bytes_removed += bytes;
	} else {
		st->kept++;
		st->bytes_kept += bytes;
	}
}

/*
 * Remove `path` and everything below it without following symbolic
 * links.  Depth is bounded: the cache is two levels deep.
 */
static int remove_tree(const char *path, int depth,
		       struct idx_cache_prune_stats *st, struct cvl_error *err)
{
	struct stat sb;
	DIR *d;
	struct dirent *de;
	int rc = 0;

	if (lstat(path, &sb))
		return errno == ENOENT ? 0 :
		       cvl_error_set(err, CVL_EIO, "cannot remove '%s': %s", path,
				     strerror(errno));
	if (!S_ISDIR(sb.st_mode)) {
		if (unlink(path) && errno != ENOENT)
			return cvl_error_set(err, CVL_EIO, "cannot remove '%s': %s",
					     path, strerror(errno));
		count(st, true, (uint64_t)sb.st_size);
		return 0;
	}
	if (depth > 8)
		return cvl_error_set(err, CVL_EIO,
				     "cannot remove '%s': directories nested too deep",
				     path);
	d = opendir(path);
	if (!d)
		return cvl_error_set(err, CVL_EIO, "cannot remove '%s': %s", path,
				     strerror(errno));
	while (!rc) {
		struct strbuf child = STRBUF_INIT;

		errno = 0;
		de = readdir(d);
		if (!de)
			break;
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		strbuf_addf(&child, "%s/%s", path, de->d_name);
		rc = remove_tree(child.buf, depth + 1, st, err);
		strbuf_release(&child);
	}
	closedir(d);
	if (!rc && rmdir(path) && errno != ENOENT)
		rc = cvl_error_set(err, CVL_EIO, "cannot remove '%s': %s", path,
				   strerror(errno));
	return rc;
}

/* "http-v<N>" with N < the current format: a directory of an old release. */
static bool old_format_dir(const char *name)
{
	const char *p = name + 6;
	long v = 0;

	if (strncmp(name, "http-v", 6) || !*p || strlen(p) > 6)
		return false;
	for (; *p; p++) {
		if (*p < '0' || *p > '9')
			return false;
		v = v * 10 + (*p - '0');
	}
	return v < TR_CACHE_FORMAT;
}

/* "<kind>-v<N>": lowercase words joined by '-', then "-v" and digits. */
static bool cvlock_subdir(const char *name)
{
	const char *v = strrchr(name, '-'), *p;

	if (!v || v == name || v[1] != 'v' || !v[2])
		return false;
	for (p = v + 2; *p; p++)
		if (*p < '0' || *p > '9')
			return false;
	for (p = name; p < v; p++)
		if ((*p < 'a' || *p > 'z') && *p != '-')
			return false;
	return name[0] != '-';
}

int idx_cache_clean(const char *dir, struct idx_cache_prune_stats *st,
		    struct cvl_error *err)
{
	struct strbuf path = STRBUF_INIT;
	DIR *d;
	struct dirent *de;
	int rc = 0;

	if (st)
		memset(st, 0, sizeof(*st));
	d = opendir(dir);
	if (!d) {
		if (errno == ENOENT)
			return 0;
		return cvl_error_set(err, CVL_EIO, "cannot open cache directory '%s': %s",
				     dir, strerror(errno));
	}
	/*
	 * Only what cvlock writes goes: a mistaken --cache-dir (say, $HOME)
	 * must not lose anything else.
	 */
	while (!rc) {
		errno = 0;
		de = readdir(d);
		if (!de)
			break;
		if (!cvlock_subdir(de->d_name) &&
		    strcmp(de->d_name, "CACHEDIR.TAG"))
			continue;
		strbuf_reset(&path);
		strbuf_addf(&path, "%s/%s", dir, de->d_name);
		/* the tag is not an entry: do not count it */
		rc = remove_tree(path.buf, 0,
				 strcmp(de->d_name, "CACHEDIR.TAG") ? st : NULL, err);
	}
	closedir(d);
	strbuf_release(&path);
	if (!rc)
		rmdir(dir); /* only when empty; fine if it is not */
	return rc;
}

/* What to do with each file under http-v1/<xx>/. */
struct walk {
	int64_t max_age_s; /* prune: remove entries older than this; <0 keep */
	int64_t now;
	const char *project; /* clean_project: the canonical name */
	struct idx_cache_prune_stats *st;
};

/*
 * Read the header of an entry file.  Returns 1 when it is a well-formed
 * entry named after its key with the right length, 0 when it is damaged,
 * -1 when the header is too long to judge.
 */
static int read_entry_header(const char *path, const char *name,
			     const struct stat *sb, struct tr_entry *e)
{
	size_t cap = 65536, hdr_len = 0;
	uint64_t body_len = 0;
	char *buf, hex[65];
	ssize_t n;
	int fd, ok;

	fd = open(path, O_RDONLY | O_NOFOLLOW);
	if (fd < 0)
		return 0;
	buf = xmalloc(cap);
	n = read(fd, buf, cap);
	close(fd);
	if (n <= 0) {
		ok = 0;
	} else if (tr_entry_parse_header(e, buf, (size_t)n, &hdr_len, &body_len)) {
		/* a header longer than we read is not proof of damage */
		ok = (size_t)n < cap ? 0 : -1;
	} else {
		sha256_hex(e->key, strlen(e->key), hex);
		ok = !strcmp(hex, name) &&
		     body_len == (uint64_t)sb->st_size - hdr_len;
	}
	free(buf);
	return ok;
}

/*
 * Does `url` belong to the project: a page <...>/<name>/ or a
 * distribution file (or its .metadata) whose name part is the project's?
 */
static bool url_of_project(const char *url, const char *project)
{
	struct strbuf canon = STRBUF_INIT;
	const char *p, *seg, *end;
	bool match = false;

	end = url + strcspn(url, "?#");
	/* the path segments */
	p = strstr(url, "://");
	p = p ? p + 3 : url;
	p += strcspn(p, "/");
	while (p < end && !match) {
		size_t len, i;

		seg = ++p;
		while (p < end && *p != '/')
			p++;
		len = (size_t)(p - seg);
		if (!len)
			continue;
		strbuf_reset(&canon);
		pep_name_canonicalize(seg, len, &canon);
		if (!strcmp(canon.buf, project) && p < end)
			match = true; /* a directory: the project's page */
		/* a file: "<name>-<version>..." with the name in any spelling */
		for (i = 1; i + 1 < len && !match; i++) {
			if (seg[i] != '-' || seg[i + 1] < '0' || seg[i + 1] > '9')
				continue;
			strbuf_reset(&canon);
			pep_name_canonicalize(seg, i, &canon);
			match = !strcmp(canon.buf, project);
		}
	}
	strbuf_release(&canon);
	return match;
}

/* Visit one entry file; `name` is its file name (a sha256 or a temp). */
static void visit_file(const char *path, const char *name, struct walk *w)
{
	struct stat sb;
	struct tr_entry e;
	int ok;
	bool remove;

	if (lstat(path, &sb))
		return;
	if (!S_ISREG(sb.st_mode)) {
		count(w->st, false, 0);
		return;
	}
	if (!strncmp(name, ".tmp-", 5)) {
		/* a writer that died leaves these; a live one is quick */
		remove = !w->project && w->now - (int64_t)sb.st_mtime > TMP_STALE_S;
		if (remove)
			unlink(path);
		count(w->st, remove, (uint64_t)sb.st_size);
		return;
	}
	if (!w->project && w->max_age_s >= 0 &&
	    w->now - (int64_t)sb.st_mtime > w->max_age_s) {
		tr_unlink_if_same(path, &sb);
		count(w->st, true, (uint64_t)sb.st_size);
		return;
	}
	tr_entry_init(&e);
	ok = read_entry_header(path, name, &sb, &e);
	if (w->project)
		remove = ok == 1 && e.url && url_of_project(e.url, w->project);
	else
		remove = ok == 0;
	tr_entry_release(&e);
	if (remove)
		tr_unlink_if_same(path, &sb);
	count(w->st, remove, (uint64_t)sb.st_size);
}

static int walk_dir(const char *dir, int depth, struct walk *w,
		    struct cvl_error *err)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	struct strbuf path = STRBUF_INIT;
	int rc = 0;

	if (!d)
		return errno == ENOENT ? 0 :
		       cvl_error_set(err, CVL_EIO, "cannot open '%s': %s", dir,
				     strerror(errno));
	while (!rc) {
		struct stat sb;

		errno = 0;
		de = readdir(d);
		if (!de)
			break;
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		strbuf_reset(&path);
		strbuf_addf(&path, "%s/%s", dir, de->d_name);
		if (lstat(path.buf, &sb))
			continue;
		if (depth == 0 && S_ISDIR(sb.st_mode)) {
			rc = walk_dir(path.buf, 1, w, err);
			rmdir(path.buf); /* when empty */
		} else if (depth == 1) {
			visit_file(path.buf, de->d_name, w);
		}
	}
	closedir(d);
	strbuf_release(&path);
	return rc;
}

int idx_cache_clean_project(const char *dir, const char *name,
			    struct idx_cache_prune_stats *st,
			    struct cvl_error *err)
{
	struct strbuf path = STRBUF_INIT, canon = STRBUF_INIT;
	struct walk w = { -1, 0, NULL, st };
	int rc;

	if (st)
		memset(st, 0, sizeof(*st));
	pep_name_canonicalize(name, strlen(name), &canon);
	w.project = canon.buf;
	strbuf_addf(&path, "%s/%s", dir, TR_HTTP_SUBDIR);
	rc = walk_dir(path.buf, 0, &w, err);
	strbuf_release(&path);
	strbuf_release(&canon);
	return rc;
}

int idx_cache_prune(const char *dir, int64_t max_age_s, int64_t now,
		    struct idx_cache_prune_stats *st, struct cvl_error *err)
{
	struct strbuf path = STRBUF_INIT;
	DIR *d;
	struct dirent *de;
	int rc = 0;

	if (st)
		memset(st, 0, sizeof(*st));
	d = opendir(dir);
	if (!d) {
		if (errno == ENOENT)
			return 0;
		return cvl_error_set(err, CVL_EIO, "cannot open cache directory '%s': %s",
				     dir, strerror(errno));
	}
	while (!rc) {
		errno = 0;
		de = readdir(d);
		if (!de)
			break;
		if (!old_format_dir(de->d_name))
			continue;
		strbuf_reset(&path);
		strbuf_addf(&path, "%s/%s", dir, de->d_name);
		rc = remove_tree(path.buf, 0, st, err);
	}
	closedir(d);
	if (!rc) {
		strbuf_reset(&path);
		strbuf_addf(&path, "%s/%s", dir, TR_HTTP_SUBDIR);
		struct walk w = { max_age_s, now, NULL, st };

		rc = walk_dir(path.buf, 0, &w, err);
	}
	strbuf_release(&path);
	return rc;
}

/* ---- where the cache lives ------------------------------------------------- */

char *idx_cache_dir_resolve(const char *opt, const char *env_cache_dir,
			    const char *xdg_cache_home, const char *home)
{
	struct strbuf sb = STRBUF_INIT;

	if (opt && *opt)
		return xstrdup(opt);
	if (env_cache_dir && *env_cache_dir)
		return xstrdup(env_cache_dir);
	/* XDG: a relative $XDG_CACHE_HOME is invalid and ignored */
	if (xdg_cache_home && xdg_cache_home[0] == '/') {
		strbuf_addf(&sb, "%s/cvlock", xdg_cache_home);
		return strbuf_detach(&sb, NULL);
	}
	if (home && *home) {
		strbuf_addf(&sb, "%s/.cache/cvlock", home);
		return strbuf_detach(&sb, NULL);
	}
	return NULL;
}
