/*
 * cache.c - the on-disk HTTP cache.
 *
 * Layout under the cache directory:
 *
 *     CACHEDIR.TAG                 (so backup tools skip the cache)
 *     http-v1/<h0h1>/<h>           one entry; h = sha256 of its key
 *     http-v1/<h0h1>/.tmp-<h>-<r>  a write in progress
 *
 * An entry is a text header and the body:
 *
 *     cvlock-cache-entry 1
 *     key GET https://host/simple/foo/\naccept: application/...
 *     url https://host/simple/foo/
 *     final-url https://host/simple/foo/
 *     status 200
 *     stored 1700000000
 *     age 0
 *     max-age 600
 *     no-cache 0
 *     forever 0
 *     etag "abc"
 *     last-modified Tue, 14 Nov 2023 22:13:20 GMT
 *     content-type application/vnd.pypi.simple.v1+json
 *     length 1234
 *     <empty line>
 *     <1234 bytes>
 *
 * Values escape '\\', newline and carriage return as \\, \n and \r.  A
 * reader accepts an entry only when the first line, the key and the
 * length all match, so a torn, foreign or corrupt file is a miss (and is
 * removed).  Writers write a temporary file created with O_EXCL in the
 * entry's directory and rename() it over the entry: readers in other
 * processes see the old entry or the new one, never a mix, and a writer
 * killed mid-way leaves only a temporary file that `cvlock cache prune`
 * removes.  There is no fsync(): this is a cache, and after a system
 * crash an entry whose bytes never reached the disk is short or empty,
 * which the length check turns into a miss.
 */
#include "index/transport.h"

#include <curl/curl.h>
#include <strings.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define ENTRY_MAGIC "cvlock-cache-entry"
/* Entries larger than this are not read back (nothing stores them). */
#define ENTRY_MAX ((size_t)1 << 30)

/* ---- entries --------------------------------------------------------------- */

void tr_entry_init(struct tr_entry *e)
{
	memset(e, 0, sizeof(*e));
	e->max_age = -1;
	strbuf_init(&e->body, 0);
}

void tr_entry_release(struct tr_entry *e)
{
	free(e->key);
	free(e->url);
	free(e->final_url);
	free(e->content_type);
	free(e->etag);
	free(e->last_modified);
	strbuf_release(&e->body);
	tr_entry_init(e);
}

bool tr_entry_fresh(const struct tr_entry *e, int64_t now)
{
	int64_t age;

	if (e->forever)
		return true;
	if (e->no_cache || e->max_age < 0)
		return false;
	age = e->age + (now > e->stored ? now - e->stored : 0);
	return age < e->max_age;
}

/* A non-negative decimal number of at most 18 digits, or -1. */
static int64_t parse_seconds(const char *s, size_t len)
{
	int64_t v = 0;
	size_t i;

	if (!len || len > 18)
		return -1;
	for (i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

static bool token_is(const char *p, size_t len, const char *word)
{
	return strlen(word) == len && !strncasecmp(p, word, len);
}

bool tr_entry_set_freshness(struct tr_entry *e, const char *cache_control,
			    const char *expires, const char *date,
			    const char *age)
{
	bool have_max_age = false;
	const char *p = cache_control;

	e->no_cache = false;
	e->max_age = -1;
	while (p && *p) {
		const char *start, *eq, *end;
		size_t nlen;

		while (*p == ' ' || *p == '\t' || *p == ',')
			p++;
		start = p;
		while (*p && *p != ',')
			p++;
		end = p;
		while (end > start && (end[-1] == ' ' || end[-1] == '\t'))
			end--;
		if (end == start)
			continue;
		eq = memchr(start, '=', (size_t)(end - start));
		nlen = (size_t)((eq ? eq : end) - start);
		while (nlen && (start[nlen - 1] == ' ' || start[nlen - 1] == '\t'))
			nlen--;
		if (token_is(start, nlen, "no-store"))
			return false;
		if (token_is(start, nlen, "no-cache")) {
			e->no_cache = true;
		} else if (token_is(start, nlen, "max-age") && eq) {
			const char *v = eq + 1;
			size_t vlen;
			int64_t n;

			while (v < end && (*v == ' ' || *v == '\t'))
				v++;
			vlen = (size_t)(end - v);
			if (vlen >= 2 && v[0] == '"' && v[vlen - 1] == '"') {
				v++;
				vlen -= 2;
			}
			n = parse_seconds(v, vlen);
			/* an invalid max-age makes the response stale (RFC 9111 4.2.1) */
			e->max_age = n < 0 ? 0 : n;
			have_max_age = true;
		}
	}
	if (!have_max_age && expires) {
		time_t exp = curl_getdate(expires, NULL);
		time_t d = date ? curl_getdate(date, NULL) : -1;
		int64_t base = d >= 0 ? (int64_t)d : e->stored;

		/* an invalid Expires (such as "0") means already expired */
		e->max_age = exp < 0 || (int64_t)exp <= base ? 0 : (int64_t)exp - base;
	}
	e->age = 0;
	if (age) {
		int64_t a = parse_seconds(age, strlen(age));

		if (a > 0)
			e->age = a;
	}
	return true;
}

static void put_value(struct strbuf *out, const char *name, const char *v)
{
	if (!v)
		return;
	strbuf_addstr(out, name);
	strbuf_addch(out, ' ');
	for (; *v; v++) {
		if (*v == '\\')
			strbuf_addstr(out, "\\\\");
		else if (*v == '\n')
			strbuf_addstr(out, "\\n");
		else if (*v == '\r')
			strbuf_addstr(out, "\\r");
		else
			strbuf_addch(out, *v);
	}
	strbuf_addch(out, '\n');
}

static void put_number(struct strbuf *out, const char *name, int64_t v)
{
	strbuf_addf(out, "%s %lld\n", name, (long long)v);
}

void tr_entry_serialize(const struct tr_entry *e, struct strbuf *out)
{
	strbuf_addf(out, "%s %d\n", ENTRY_MAGIC, TR_CACHE_FORMAT);
	put_value(out, "key", e->key);
	put_value(out, "url", e->url);
	put_value(out, "final-url", e->final_url);
	put_number(out, "status", e->status);
	put_number(out, "stored", e->stored);
	put_number(out, "age", e->age);
	put_number(out, "max-age", e->max_age);
	put_number(out, "no-cache", e->no_cache);
	put_number(out, "forever", e->forever);
	put_value(out, "etag", e->etag);
	put_value(out, "last-modified", e->last_modified);
	put_value(out, "content-type", e->content_type);
	put_number(out, "length", (int64_t)e->body.len);
	strbuf_addch(out, '\n');
	strbuf_add(out, e->body.buf, e->body.len);
}

static char *unescape(const char *p, size_t len)
{
	struct strbuf sb = STRBUF_INIT;
	size_t i;

	for (i = 0; i < len; i++) {
		if (p[i] == '\\' && i + 1 < len) {
			i++;
			strbuf_addch(&sb, p[i] == 'n' ? '\n' : p[i] == 'r' ? '\r' : p[i]);
		} else {
			strbuf_addch(&sb, p[i]);
		}
	}
	return strbuf_detach(&sb, NULL);
}

/* A signed decimal; false when malformed. */
static bool parse_int(const char *p, size_t len, int64_t *out)
{
	bool neg = len && p[0] == '-';
	int64_t v;

	v = parse_seconds(p + neg, len - neg);
	if (v < 0)
		return false;
	*out = neg ? -v : v;
	return true;
}

int tr_entry_parse_header(struct tr_entry *e, const char *data, size_t len,
			  size_t *hdr_len, uint64_t *body_len)
{
	const char *p = data, *end = data + len;
	char magic[64];
	int n;
	bool have_len = false, have_key = false;

	n = snprintf(magic, sizeof(magic), "%s %d\n", ENTRY_MAGIC, TR_CACHE_FORMAT);
	if ((size_t)n > len || memcmp(data, magic, (size_t)n))
		return -CVL_EINVAL;
	p += n;
	for (;;) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *sp, *v;
		size_t nlen, vlen;
		int64_t num = 0;

		if (!nl)
			return -CVL_EINVAL;
		if (nl == p) {
			p++;
			break;
		}
		sp = memchr(p, ' ', (size_t)(nl - p));
		if (!sp)
			return -CVL_EINVAL;
		nlen = (size_t)(sp - p);
		v = sp + 1;
		vlen = (size_t)(nl - v);
#define FIELD(name) (nlen == sizeof(name) - 1 && !memcmp(p, name, nlen))
		if (FIELD("key")) {
			free(e->key);
			e->key = unescape(v, vlen);
			have_key = true;
		} else if (FIELD("url")) {
			free(e->url);
			e->url = unescape(v, vlen);
		} else if (FIELD("final-url")) {
			free(e->final_url);
			e->final_url = unescape(v, vlen);
		} else if (FIELD("etag")) {
			free(e->etag);
			e->etag = unescape(v, vlen);
		} else if (FIELD("last-modified")) {
			free(e->last_modified);
			e->last_modified = unescape(v, vlen);
		} else if (FIELD("content-type")) {
			free(e->content_type);
			e->content_type = unescape(v, vlen);
		} else if (FIELD("status") || FIELD("stored") || FIELD("age") ||
			   FIELD("max-age") || FIELD("no-cache") ||
			   FIELD("forever") || FIELD("length")) {
			if (!parse_int(v, vlen, &num))
				return -CVL_EINVAL;
			if (FIELD("status"))
				e->status = (int)(num > 999 || num < 0 ? 0 : num);
			else if (FIELD("stored"))
				e->stored = num;
			else if (FIELD("age"))
				e->age = num < 0 ? 0 : num;
			else if (FIELD("max-age"))
				e->max_age = num;
			else if (FIELD("no-cache"))
				e->no_cache = num != 0;
			else if (FIELD("forever"))
				e->forever = num != 0;
			else if (num >= 0) {
				*body_len = (uint64_t)num;
				have_len = true;
			}
		}
		/* unknown fields: written by a later release of format 1 */
#undef FIELD
		p = nl + 1;
	}
	if (!have_len || !have_key)
		return -CVL_EINVAL;
	*hdr_len = (size_t)(p - data);
	return 0;
}

int tr_entry_parse(struct tr_entry *e, const char *key, const char *data,
		   size_t len)
{
	size_t hdr_len;
	uint64_t body_len = 0;

	tr_entry_release(e);
	if (tr_entry_parse_header(e, data, len, &hdr_len, &body_len) ||
	    (key && strcmp(e->key, key)) || body_len != len - hdr_len) {
		tr_entry_release(e);
		return -CVL_EINVAL;
	}
	strbuf_add(&e->body, data + hdr_len, (size_t)body_len);
	return 0;
}

/* ---- files ---------------------------------------------------------------- */

void idx_cache_init(struct idx_cache *c, const char *dir)
{
	c->dir = dir && *dir ? xstrdup(dir) : NULL;
}

void idx_cache_release(struct idx_cache *c)
{
	free(c->dir);
	c->dir = NULL;
}

void tr_cache_path(const struct idx_cache *c, const char *key,
		   struct strbuf *out)
{
	char hex[65];

	sha256_hex(key, strlen(key), hex);
	strbuf_addf(out, "%s/%s/%.2s/%s", c->dir, TR_HTTP_SUBDIR, hex, hex);
}

/*
 * Append the rest of `fd` (at most `max` bytes in all) to `out`; 0 or -1.
 * It is read straight into the buffer: sized from fstat() beforehand, a
 * regular file comes in one read() (and one more that sees the end).
 */
static int read_all(int fd, struct strbuf *out, size_t max)
{
	ssize_t n;

	for (;;) {
		size_t room;

		if (out->alloc - out->len < 2) {
			if (strbuf_grow(out, 65536))
				return -1;
		}
		room = out->alloc - out->len - 1;
		if (room > max + 1 - out->len)
			room = max + 1 - out->len; /* enough to see too much */
		n = read(fd, out->buf + out->len, room);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		if (n == 0)
			return 0;
		if (out->len + (size_t)n > max) {
			errno = EFBIG;
			return -1;
		}
		strbuf_setlen(out, out->len + (size_t)n);
	}
}

/*
 * Read the entry file `fd` of `size` bytes into `e`: its header from the
 * first block, its body straight into e->body (the body is not copied).
 * Returns 0, -CVL_EINVAL when it is not a valid entry for `key` (torn,
 * corrupt, another format or a hash collision), or -CVL_EIO with errno
 * set.
 */
static int read_entry(int fd, size_t size, const char *key,
		      struct tr_entry *e)
{
	char head[4096];
	struct strbuf data = STRBUF_INIT;
	size_t n = 0, hdr_len;
	uint64_t body_len = 0;
	int rc, e2;

	while (n < sizeof(head)) {
		ssize_t r = read(fd, head + n, sizeof(head) - n);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -CVL_EIO;
		if (r == 0)
			break;
		n += (size_t)r;
	}
	tr_entry_release(e);
	if (!tr_entry_parse_header(e, head, n, &hdr_len, &body_len)) {
		if ((key && strcmp(e->key, key)) || body_len != size - hdr_len) {
			tr_entry_release(e);
			return -CVL_EINVAL;
		}
		strbuf_init(&e->body, (size_t)body_len + 1);
		strbuf_add(&e->body, head + hdr_len, n - hdr_len);
		if (read_all(fd, &e->body, (size_t)body_len) < 0) {
			e2 = errno;
			tr_entry_release(e);
			errno = e2;
			return e2 == EFBIG ? -CVL_EINVAL : -CVL_EIO;
		}
		if (e->body.len != body_len) {
			tr_entry_release(e);
			return -CVL_EINVAL;
		}
		return 0;
	}
	/* a header longer than the first block, or none: all of it */
	tr_entry_release(e);
	strbuf_init(&data, size + 1);
	strbuf_add(&data, head, n);
	if (read_all(fd, &data, ENTRY_MAX) < 0) {
		e2 = errno;
		strbuf_release(&data);
		errno = e2;
		return -CVL_EIO;
	}
	rc = tr_entry_parse(e, key, data.buf, data.len) ? -CVL_EINVAL : 0;
	strbuf_release(&data);
	return rc;
}

void tr_unlink_if_same(const char *path, const struct stat *st)
{
	struct stat now;

	if (lstat(path, &now) == 0 && now.st_ino == st->st_ino &&
	    now.st_dev == st->st_dev)
		unlink(path);
}

int tr_cache_load(const struct idx_cache *c, const char *key,
		  struct tr_entry *e, struct cvl_error *err)
{
	struct strbuf path = STRBUF_INIT;
	struct stat st;
	int fd, rc = 0;

	if (!c || !c->dir)
		return 0;
	tr_cache_path(c, key, &path);
	fd = open(path.buf, O_RDONLY | O_NOFOLLOW);
	if (fd < 0) {
		int e2 = errno;

		if (e2 == ENOENT || e2 == ENOTDIR)
			rc = 0;
		else
			rc = cvl_error_set(err, CVL_EIO, "cannot read cache entry '%s': %s",
					   path.buf, strerror(e2));
		strbuf_release(&path);
		return rc;
	}
	if (fstat(fd, &st) || !S_ISREG(st.st_mode) ||
	    (uint64_t)st.st_size > ENTRY_MAX) {
		close(fd);
		strbuf_release(&path);
		return 0;
	}
	rc = read_entry(fd, (size_t)st.st_size, key, e);
	if (rc == -CVL_EIO) {
		int e2 = errno;

		close(fd);
		rc = cvl_error_set(err, CVL_EIO, "cannot read cache entry '%s': %s",
				   path.buf, strerror(e2));
		strbuf_release(&path);
		return rc;
	}
	close(fd);
	if (rc) {
		/* torn, corrupt, another format or a hash collision: a miss */
		tr_unlink_if_same(path.buf, &st);
		rc = 0;
	} else {
		rc = 1;
	}
	strbuf_release(&path);
	return rc;
}

/* mkdir -p `path`. */
static int mkdirs(const char *path, struct cvl_error *err)
{
	struct strbuf sb = STRBUF_INIT;
	const char *p = path;
	int rc = 0;

	for (;;) {
		const char *slash = strchr(p + 1, '/');

		strbuf_reset(&sb);
		strbuf_add(&sb, path, slash ? (size_t)(slash - path) : strlen(path));
		if (sb.len && mkdir(sb.buf, 0777) && errno != EEXIST) {
			rc = cvl_error_set(err, CVL_EIO, "cannot create directory '%s': %s",
					   sb.buf, strerror(errno));
			break;
		}
		if (!slash)
			break;
		p = slash;
	}
	strbuf_release(&sb);
	return rc;
}

static int write_all(int fd, const char *p, size_t len)
{
	while (len) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* CACHEDIR.TAG (https://bford.info/cachedir/), written once. */
static void write_tag(const char *dir)
{
	static const char tag[] =
		"Signature: 8a477f597d28d172789f06886806bc55\n"
		"# This file is a cache directory tag created by cvlock.\n"
		"# For information about cache directory tags, see:\n"
		"#\thttps://bford.info/cachedir/\n";
	struct strbuf path = STRBUF_INIT;
	int fd;

	strbuf_addf(&path, "%s/CACHEDIR.TAG", dir);
	fd = open(path.buf, O_WRONLY | O_CREAT | O_EXCL, 0666);
	if (fd >= 0) {
		if (write_all(fd, tag, sizeof(tag) - 1))
			unlink(path.buf);
		close(fd);
	}
	strbuf_release(&path);
}

/*
 * Write `data` to `path` atomically: a temporary sibling created with
 * O_EXCL (so two writers never share one), then rename().
 */
static int write_atomic(const char *dir, const char *path, const char *base,
			const struct strbuf *data, struct cvl_error *err)
{
	struct strbuf tmp = STRBUF_INIT;
	struct timespec ts;
	unsigned long r;
	int fd = -1, tries, e2;

	clock_gettime(CLOCK_REALTIME, &ts);
	r = (unsigned long)ts.tv_nsec ^ ((unsigned long)getpid() << 16) ^
	    (unsigned long)(uintptr_t)&tmp;
	for (tries = 0; tries < 100; tries++) {
		strbuf_reset(&tmp);
		/* an odd multiplier makes successive names differ in every digit */
		r = r * 2862933555777941757ul + 3037000493ul;
		strbuf_addf(&tmp, "%s/.tmp-%.16s-%08lx", dir, base,
			    (r >> 16) & 0xfffffffful);
		fd = open(tmp.buf, O_WRONLY | O_CREAT | O_EXCL, 0666);
		if (fd >= 0 || errno != EEXIST)
			break;
	}
	if (fd < 0) {
		e2 = errno;
		strbuf_release(&tmp);
		return cvl_error_set(err, CVL_EIO, "cannot create a file in '%s': %s",
				     dir, strerror(e2));
	}
	if (write_all(fd, data->buf, data->len)) {
		e2 = errno;
		close(fd);
		unlink(tmp.buf);
		strbuf_release(&tmp);
		return cvl_error_set(err, CVL_EIO, "cannot write cache entry '%s': %s",
				     path, strerror(e2));
	}
	if (close(fd) || rename(tmp.buf, path)) {
		e2 = errno;
		unlink(tmp.buf);
		strbuf_release(&tmp);
		return cvl_error_set(err, CVL_EIO, "cannot write cache entry '%s': %s",
				     path, strerror(e2));
	}
	strbuf_release(&tmp);
	return 0;
}

int tr_cache_store(const struct idx_cache *c, const struct tr_entry *e,
		   struct cvl_error *err)
{
	struct strbuf path = STRBUF_INIT, dir = STRBUF_INIT, data = STRBUF_INIT;
	struct stat st;
	const char *slash;
	int rc;

	if (!c || !c->dir)
		return 0;
	if (!e->key)
		BUG("cache entry without a key");
	tr_cache_path(c, e->key, &path);
	slash = strrchr(path.buf, '/');
	strbuf_add(&dir, path.buf, (size_t)(slash - path.buf));
	if (stat(dir.buf, &st)) {
		/* a new subdirectory: rare, so check the tag then (O_EXCL) */
		rc = mkdirs(dir.buf, err);
		if (rc)
			goto out;
		write_tag(c->dir);
	}
	tr_entry_serialize(e, &data);
	rc = write_atomic(dir.buf, path.buf, slash + 1, &data, err);
out:
	strbuf_release(&data);
	strbuf_release(&dir);
	strbuf_release(&path);
	return rc;
}

void tr_cache_remove(const struct idx_cache *c, const char *key)
{
	struct strbuf path = STRBUF_INIT;

	if (!c || !c->dir)
		return;
	tr_cache_path(c, key, &path);
	unlink(path.buf);
	strbuf_release(&path);
}

/* ---- immutable content by key -------------------------------------------- */

int idx_cache_get(struct idx_cache *c, const char *key, struct strbuf *out,
		  struct cvl_error *err)
{
	struct tr_entry e;
	int rc;

	tr_entry_init(&e);
	rc = tr_cache_load(c, key, &e, err);
	if (rc == 1)
		strbuf_add(out, e.body.buf, e.body.len);
	tr_entry_release(&e);
	return rc;
}

int idx_cache_put(struct idx_cache *c, const char *key, const void *data,
		  size_t len, struct cvl_error *err)
{
	struct tr_entry e;
	int rc;

	if (!c || !c->dir)
		return 0;
	tr_entry_init(&e);
	e.key = xstrdup(key);
	e.status = 200;
	e.stored = (int64_t)time(NULL);
	e.forever = true;
	strbuf_add(&e.body, data, len);
	rc = tr_cache_store(c, &e, err);
	tr_entry_release(&e);
	return rc;
}
