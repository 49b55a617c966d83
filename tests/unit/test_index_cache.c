/*
 * test_index_cache.c - the on-disk HTTP cache (index/cache.c) and the
 * transport's use of it without a network: entries round-trip, freshness
 * from headers, torn and foreign entries are misses, concurrent writers
 * never expose a torn entry, fresh entries and --offline make no request.
 */
#include "tests/unit/unit.h"
#include "index/transport.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <utime.h>

static char tmpdir[256];

static void make_tmpdir(void)
{
	unit_tmpdir(tmpdir, sizeof(tmpdir), "cache");
}

static void setup(void)
{
	make_tmpdir();
}

static void teardown(void)
{
	unit_rm_rf(tmpdir);
}

/* Files (not directories) under `dir`, recursively; names starting with `prefix` only when given. */
static size_t count_files(const char *dir, const char *prefix)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	size_t n = 0;

	while (d && (de = readdir(d)) != NULL) {
		struct strbuf sb = STRBUF_INIT;
		struct stat st;

		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		strbuf_addf(&sb, "%s/%s", dir, de->d_name);
		if (!lstat(sb.buf, &st)) {
			if (S_ISDIR(st.st_mode))
				n += count_files(sb.buf, prefix);
			else if (!prefix || !strncmp(de->d_name, prefix, strlen(prefix)))
				n++;
		}
		strbuf_release(&sb);
	}
	if (d)
		closedir(d);
	return n;
}

static void write_file(const char *path, const char *data, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, data, len), (ssize_t)len);
	close(fd);
}

static void entry_fill(struct tr_entry *e, const char *key, const char *url,
		       const char *body)
{
	tr_entry_init(e);
	e->key = xstrdup(key);
	e->url = xstrdup(url);
	e->final_url = xstrdup(url);
	e->status = 200;
	e->stored = (int64_t)time(NULL);
	strbuf_addstr(&e->body, body);
}

/* ---- entries ------------------------------------------------------------- */

START_TEST(entry_roundtrip)
{
	struct idx_cache c;
	struct tr_entry e, got;
	struct cvl_error err = CVL_ERROR_INIT;

	idx_cache_init(&c, tmpdir);
	entry_fill(&e, "GET https://h/simple/foo/\naccept: a\\b\r", "https://h/simple/foo/",
		   "<html>\n\n\0body");
	e.etag = xstrdup("W/\"abc\"");
	e.last_modified = xstrdup("Tue, 14 Nov 2023 22:13:20 GMT");
	e.content_type = xstrdup("text/html");
	e.max_age = 600;
	e.age = 7;
	e.no_cache = true;
	ck_assert_int_eq(tr_cache_store(&c, &e, &err), 0);
	tr_entry_init(&got);
	ck_assert_int_eq(tr_cache_load(&c, e.key, &got, &err), 1);
	ck_assert_str_eq(got.key, e.key);
	ck_assert_str_eq(got.url, "https://h/simple/foo/");
	ck_assert_str_eq(got.final_url, "https://h/simple/foo/");
	ck_assert_str_eq(got.etag, "W/\"abc\"");
	ck_assert_str_eq(got.last_modified, "Tue, 14 Nov 2023 22:13:20 GMT");
	ck_assert_str_eq(got.content_type, "text/html");
	ck_assert_int_eq(got.status, 200);
	ck_assert_int_eq(got.stored, e.stored);
	ck_assert_int_eq(got.max_age, 600);
	ck_assert_int_eq(got.age, 7);
	ck_assert(got.no_cache);
	ck_assert(!got.forever);
	ck_assert_uint_eq(got.body.len, e.body.len);
	ck_assert_mem_eq(got.body.buf, e.body.buf, e.body.len);
	/* another key misses, and the first entry stays */
	tr_entry_release(&got);
	ck_assert_int_eq(tr_cache_load(&c, "GET https://h/simple/bar/", &got, &err), 0);
	ck_assert_int_eq(tr_cache_load(&c, e.key, &got, &err), 1);
	/* CACHEDIR.TAG marks the directory */
	{
		struct strbuf p = STRBUF_INIT;
		struct stat st;

		strbuf_addf(&p, "%s/CACHEDIR.TAG", tmpdir);
		ck_assert_int_eq(stat(p.buf, &st), 0);
		strbuf_release(&p);
	}
	tr_entry_release(&got);
	tr_entry_release(&e);
	idx_cache_release(&c);
}
END_TEST

START_TEST(get_put_by_key)
{
	struct idx_cache c, off;
	struct strbuf sb = STRBUF_INIT;
	struct cvl_error err = CVL_ERROR_INIT;

	idx_cache_init(&c, tmpdir);
	ck_assert_int_eq(idx_cache_get(&c, "metadata:sha256:00", &sb, &err), 0);
	ck_assert_int_eq(idx_cache_put(&c, "metadata:sha256:00", "Name: a\n", 8, &err), 0);
	ck_assert_int_eq(idx_cache_get(&c, "metadata:sha256:00", &sb, &err), 1);
	ck_assert_str_eq(sb.buf, "Name: a\n");
	/* put replaces */
	ck_assert_int_eq(idx_cache_put(&c, "metadata:sha256:00", "x", 1, &err), 0);
	strbuf_reset(&sb);
	ck_assert_int_eq(idx_cache_get(&c, "metadata:sha256:00", &sb, &err), 1);
	ck_assert_str_eq(sb.buf, "x");
	/* an empty body is a hit, not a miss */
	ck_assert_int_eq(idx_cache_put(&c, "empty", "", 0, &err), 0);
	strbuf_reset(&sb);
	ck_assert_int_eq(idx_cache_get(&c, "empty", &sb, &err), 1);
	ck_assert_uint_eq(sb.len, 0);
	/* a disabled cache misses and stores nothing */
	idx_cache_init(&off, NULL);
	ck_assert_int_eq(idx_cache_put(&off, "k", "v", 1, &err), 0);
	ck_assert_int_eq(idx_cache_get(&off, "k", &sb, &err), 0);
	idx_cache_release(&off);
	/* no temporary file is left behind */
	ck_assert_uint_eq(count_files(tmpdir, ".tmp-"), 0);
	strbuf_release(&sb);
	idx_cache_release(&c);
}
END_TEST

/* ---- freshness ------------------------------------------------------------- */

static const struct {
	const char *cc, *expires, *date, *age;
	int64_t stored_ago;
	bool store;   /* not no-store */
	int64_t max_age;
	bool fresh;
} fresh_cases[] = {
	{ "max-age=600", NULL, NULL, NULL, 100, true, 600, true },
	{ "max-age=600", NULL, NULL, NULL, 700, true, 600, false },
	{ "max-age=600", NULL, NULL, NULL, 600, true, 600, false },
	{ "public, MAX-AGE = 60 , must-revalidate", NULL, NULL, NULL, 10, true, 60, true },
	{ "max-age=\"60\"", NULL, NULL, NULL, 10, true, 60, true },
	{ "max-age=abc", NULL, NULL, NULL, 0, true, 0, false },
	{ "max-age=-5", NULL, NULL, NULL, 0, true, 0, false },
	{ "max-age=600, no-cache", NULL, NULL, NULL, 0, true, 600, false },
	{ "no-store", NULL, NULL, NULL, 0, false, -1, false },
	{ "max-age=600,no-store", NULL, NULL, NULL, 0, false, -1, false },
	{ "private", NULL, NULL, NULL, 0, true, -1, false },
	{ NULL, NULL, NULL, NULL, 0, true, -1, false },
	/* Age counts: 590 + 20 > 600 */
	{ "max-age=600", NULL, NULL, "590", 20, true, 600, false },
	{ "max-age=600", NULL, NULL, "500", 20, true, 600, true },
	/* Expires - Date, when there is no max-age (which wins) */
	{ NULL, "Tue, 14 Nov 2023 22:23:20 GMT", "Tue, 14 Nov 2023 22:13:20 GMT", NULL, 100, true, 600, true },
	{ "max-age=5", "Tue, 14 Nov 2023 22:23:20 GMT", "Tue, 14 Nov 2023 22:13:20 GMT", NULL, 100, true, 5, false },
	{ NULL, "0", "Tue, 14 Nov 2023 22:13:20 GMT", NULL, 0, true, 0, false },
	{ NULL, "Tue, 14 Nov 2023 22:03:20 GMT", "Tue, 14 Nov 2023 22:13:20 GMT", NULL, 0, true, 0, false },
};

START_TEST(freshness)
{
	int64_t now = 1700000000;
	struct tr_entry e;
	size_t i = (size_t)_i;

	tr_entry_init(&e);
	e.stored = now - fresh_cases[i].stored_ago;
	ck_assert_msg(tr_entry_set_freshness(&e, fresh_cases[i].cc, fresh_cases[i].expires,
					     fresh_cases[i].date, fresh_cases[i].age) ==
		      fresh_cases[i].store, "case %zu: store", i);
	if (fresh_cases[i].store) {
		ck_assert_msg(e.max_age == fresh_cases[i].max_age,
			      "case %zu: max-age %lld, expected %lld", i,
			      (long long)e.max_age, (long long)fresh_cases[i].max_age);
		ck_assert_msg(tr_entry_fresh(&e, now) == fresh_cases[i].fresh,
			      "case %zu: fresh", i);
	}
	tr_entry_release(&e);
}
END_TEST

START_TEST(forever_is_fresh)
{
	struct tr_entry e;

	tr_entry_init(&e);
	e.forever = true;
	e.stored = 0;
	ck_assert(tr_entry_fresh(&e, INT64_C(4000000000)));
	tr_entry_release(&e);
}
END_TEST

/* ---- damaged entries ----------------------------------------------------------- */

static void store_one(struct idx_cache *c, const char *key, const char *body,
		      struct strbuf *path)
{
	struct tr_entry e;

	entry_fill(&e, key, "https://h/x", body);
	ck_assert_int_eq(tr_cache_store(c, &e, NULL), 0);
	strbuf_reset(path);
	tr_cache_path(c, key, path);
	tr_entry_release(&e);
}

/*
 * tr_cache_load() reads the header from the first 4 KiB and the body
 * straight into the entry; a longer header takes the other way.  Both
 * load what was stored, and refuse every torn or longer file.
 */
START_TEST(entry_load_sizes)
{
	static const size_t body_sizes[] = { 0, 5, 4000, 5000, 300000 };
	static const size_t etag_sizes[] = { 3, 3900, 4090, 9000 };
	struct idx_cache c;
	size_t b, t;

	idx_cache_init(&c, tmpdir);
	for (b = 0; b < ARRAY_SIZE(body_sizes); b++) {
		for (t = 0; t < ARRAY_SIZE(etag_sizes); t++) {
			struct tr_entry e, got;
			struct strbuf ser = STRBUF_INIT, path = STRBUF_INIT;
			size_t i, cut;
			char *etag = xmalloc(etag_sizes[t] + 1);

			entry_fill(&e, "k1", "https://h/x", "");
			for (i = 0; i < body_sizes[b]; i++)
				strbuf_addch(&e.body, (char)('a' + i % 23));
			memset(etag, 'e', etag_sizes[t]);
			etag[etag_sizes[t]] = '\0';
			e.etag = etag;
			ck_assert_int_eq(tr_cache_store(&c, &e, NULL), 0);
			tr_entry_init(&got);
			ck_assert_int_eq(tr_cache_load(&c, "k1", &got, NULL), 1);
			ck_assert_str_eq(got.etag, etag);
			ck_assert_uint_eq(got.body.len, e.body.len);
			ck_assert_mem_eq(got.body.buf, e.body.buf, e.body.len);
			ck_assert_int_eq(got.body.buf[got.body.len], '\0');
			ck_assert_int_eq(tr_cache_load(&c, "k2", &got, NULL), 0);

			/* torn at a few places, or one byte too long: a miss */
			tr_entry_serialize(&e, &ser);
			tr_cache_path(&c, "k1", &path);
			for (cut = 1; cut <= 9; cut++) {
				write_file(path.buf, ser.buf, ser.len * cut / 10);
				ck_assert_int_eq(tr_cache_load(&c, "k1", &got, NULL), 0);
			}
			write_file(path.buf, ser.buf, ser.len - 1);
			ck_assert_int_eq(tr_cache_load(&c, "k1", &got, NULL), 0);
			strbuf_addch(&ser, 'x');
			write_file(path.buf, ser.buf, ser.len);
			ck_assert_int_eq(tr_cache_load(&c, "k1", &got, NULL), 0);
			write_file(path.buf, ser.buf, ser.len - 1);
			ck_assert_int_eq(tr_cache_load(&c, "k1", &got, NULL), 1);
			ck_assert_uint_eq(got.body.len, e.body.len);

			tr_entry_release(&got);
			tr_entry_release(&e);
			strbuf_release(&ser);
			strbuf_release(&path);
		}
	}
	idx_cache_release(&c);
}
END_TEST

START_TEST(torn_entries_are_misses)
{
	struct idx_cache c;
	struct tr_entry e, got;
	struct strbuf ser = STRBUF_INIT, path = STRBUF_INIT, buf = STRBUF_INIT;
	struct stat st;
	size_t cut;

	idx_cache_init(&c, tmpdir);
	entry_fill(&e, "k1", "https://h/x", "0123456789");
	tr_entry_serialize(&e, &ser);
	tr_entry_init(&got);
	/* every truncation of a serialized entry is rejected */
	for (cut = 0; cut < ser.len; cut++) {
		ck_assert_msg(tr_entry_parse(&got, "k1", ser.buf, cut) != 0,
			      "accepted a torn entry of %zu/%zu bytes", cut, ser.len);
	}
	ck_assert_int_eq(tr_entry_parse(&got, "k1", ser.buf, ser.len), 0);
	ck_assert_str_eq(got.body.buf, "0123456789");
	/* a longer file, another key, another format */
	strbuf_add(&buf, ser.buf, ser.len);
	strbuf_addch(&buf, 'x');
	ck_assert_int_ne(tr_entry_parse(&got, "k1", buf.buf, buf.len), 0);
	ck_assert_int_ne(tr_entry_parse(&got, "k2", ser.buf, ser.len), 0);
	strbuf_reset(&buf);
	strbuf_addstr(&buf, "cvlock-cache-entry 2\n");
	strbuf_add(&buf, ser.buf + 21, ser.len - 21);
	ck_assert_int_ne(tr_entry_parse(&got, "k1", buf.buf, buf.len), 0);

	/* on disk: a torn entry is a miss and is removed */
	store_one(&c, "k1", "0123456789", &path);
	write_file(path.buf, ser.buf, ser.len - 3);
	ck_assert_int_eq(tr_cache_load(&c, "k1", &got, NULL), 0);
	ck_assert_int_ne(stat(path.buf, &st), 0);
	/* garbage */
	store_one(&c, "k1", "0123456789", &path);
	write_file(path.buf, "\x00\x01garbage", 9);
	ck_assert_int_eq(tr_cache_load(&c, "k1", &got, NULL), 0);
	ck_assert_int_ne(stat(path.buf, &st), 0);
	/* an empty file (a crash before the data reached the disk) */
	store_one(&c, "k1", "0123456789", &path);
	write_file(path.buf, "", 0);
	ck_assert_int_eq(tr_cache_load(&c, "k1", &got, NULL), 0);
	/* and the entry can be stored again */
	store_one(&c, "k1", "fine", &path);
	ck_assert_int_eq(tr_cache_load(&c, "k1", &got, NULL), 1);
	ck_assert_str_eq(got.body.buf, "fine");

	tr_entry_release(&got);
	tr_entry_release(&e);
	strbuf_release(&ser);
	strbuf_release(&buf);
	strbuf_release(&path);
	idx_cache_release(&c);
}
END_TEST

/*
 * Writers in several processes replace one entry with bodies of different
 * sizes while readers load it: every hit must be one writer's complete
 * body, never a mix or a torn file.
 */
#define WRITERS 4
#define ROUNDS 200

static void body_for(int writer, int round, struct strbuf *sb)
{
	size_t len = (size_t)(writer * 977 + round * 131) % 20000 + 1, i;

	strbuf_reset(sb);
	strbuf_addf(sb, "%d:%d:", writer, round);
	for (i = 0; i < len; i++)
		strbuf_addch(sb, 'a' + (char)((writer + i) % 26));
}

static bool body_valid(const struct strbuf *got)
{
	struct strbuf want = STRBUF_INIT;
	int w = -1, r = -1;
	bool ok;

	if (sscanf(got->buf, "%d:%d:", &w, &r) != 2 || w < 0 || w >= WRITERS ||
	    r < 0 || r >= ROUNDS)
		return false;
	body_for(w, r, &want);
	ok = want.len == got->len && !memcmp(want.buf, got->buf, got->len);
	strbuf_release(&want);
	return ok;
}

START_TEST(concurrent_writers)
{
	struct idx_cache c;
	pid_t pids[WRITERS];
	int w, status, hits = 0, bad = 0, r;

	idx_cache_init(&c, tmpdir);
	for (w = 0; w < WRITERS; w++) {
		pids[w] = fork();
		ck_assert_int_ge(pids[w], 0);
		if (pids[w] == 0) {
			struct strbuf sb = STRBUF_INIT, got = STRBUF_INIT;
			int fails = 0;

			for (r = 0; r < ROUNDS; r++) {
				body_for(w, r, &sb);
				if (idx_cache_put(&c, "shared", sb.buf, sb.len, NULL))
					fails++;
				strbuf_reset(&got);
				if (idx_cache_get(&c, "shared", &got, NULL) == 1 &&
				    !body_valid(&got))
					fails++;
			}
			_exit(fails ? 1 : 0);
		}
	}
	for (r = 0; r < ROUNDS * 2; r++) {
		struct strbuf got = STRBUF_INIT;
		int rc = idx_cache_get(&c, "shared", &got, NULL);

		ck_assert_int_ge(rc, 0);
		if (rc == 1) {
			hits++;
			if (!body_valid(&got))
				bad++;
		}
		strbuf_release(&got);
	}
	for (w = 0; w < WRITERS; w++) {
		ck_assert_int_eq(waitpid(pids[w], &status, 0), pids[w]);
		ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0,
			      "writer %d saw a damaged entry or failed to write", w);
	}
	ck_assert_int_eq(bad, 0);
	/* after the writers, the entry is whole and no temporary file is left */
	{
		struct strbuf got = STRBUF_INIT;

		ck_assert_int_eq(idx_cache_get(&c, "shared", &got, NULL), 1);
		ck_assert(body_valid(&got));
		strbuf_release(&got);
	}
	ck_assert_uint_eq(count_files(tmpdir, ".tmp-"), 0);
	(void)hits;
	idx_cache_release(&c);
}
END_TEST

/* ---- the transport with the cache, no network ------------------------------------- */

struct result {
	int calls;
	int rc;
	int status;
	bool from_cache, revalidated, range_honoured;
	uint64_t total_size;
	char msg[512], hint[256];
	struct strbuf body;
	char final_url[256];
};

static void on_done(const struct idx_request *req, struct idx_response *resp,
		    int rc, const struct cvl_error *err, void *data)
{
	struct result *r = data;

	(void)req;
	r->calls++;
	r->rc = rc;
	r->status = resp->status;
	r->from_cache = resp->from_cache;
	r->revalidated = resp->revalidated;
	r->range_honoured = resp->range_honoured;
	r->total_size = resp->total_size;
	snprintf(r->msg, sizeof(r->msg), "%s", err->msg);
	snprintf(r->hint, sizeof(r->hint), "%s", err->hint);
	snprintf(r->final_url, sizeof(r->final_url), "%s",
		 resp->final_url ? resp->final_url : "");
	strbuf_release(&r->body);
	r->body = resp->body;
	strbuf_init(&resp->body, 0);
}

/* Run one request through a transport with `opts`; the result in *r. */
static struct idx_http_stats fetch(const struct idx_http_opts *opts,
				   const struct idx_request *req,
				   struct result *r)
{
	struct idx_http *h;
	struct idx_http_stats st;
	struct cvl_error err = CVL_ERROR_INIT;

	strbuf_release(&r->body);
	memset(r, 0, sizeof(*r));
	strbuf_init(&r->body, 0);
	ck_assert_int_eq(idx_http_new(&h, opts, &err), 0);
	idx_http_submit(h, req, on_done, r);
	ck_assert_int_eq(idx_http_run(h, &err), 0);
	idx_http_get_stats(h, &st);
	idx_http_free(h);
	ck_assert_int_eq(r->calls, 1);
	return st;
}

/* An address nothing listens on: a request there would fail. */
#define DEAD_URL "http://127.0.0.1:9/simple/foo/"

START_TEST(fresh_entry_makes_no_request)
{
	struct idx_http_opts o;
	struct idx_request req;
	struct idx_cache c;
	struct tr_entry e;
	struct result r = { .body = STRBUF_INIT };
	struct idx_http_stats st;

	memset(&o, 0, sizeof(o));
	o.cache_dir = tmpdir;
	o.retries = 0;
	idx_cache_init(&c, tmpdir);
	/* the key the transport derives: the URL and the Accept header */
	entry_fill(&e, "GET " DEAD_URL "\naccept: text/html", DEAD_URL, "<a>cached</a>");
	e.max_age = 600;
	e.content_type = xstrdup("text/html");
	ck_assert_int_eq(tr_cache_store(&c, &e, NULL), 0);

	idx_request_init(&req, DEAD_URL);
	req.accept = "text/html";
	st = fetch(&o, &req, &r);
	ck_assert_int_eq(r.rc, 0);
	ck_assert_int_eq(r.status, 200);
	ck_assert(r.from_cache);
	ck_assert_str_eq(r.body.buf, "<a>cached</a>");
	ck_assert_uint_eq(st.requests, 0);
	ck_assert_uint_eq(st.cache_hits, 1);

	/* credentials in the URL do not change the key */
	idx_request_init(&req, "http://user:secret@127.0.0.1:9/simple/foo/");
	req.accept = "text/html";
	st = fetch(&o, &req, &r);
	ck_assert_int_eq(r.rc, 0);
	ck_assert(r.from_cache);
	ck_assert_str_eq(r.final_url, DEAD_URL);

	/* another Accept header is another representation: a miss */
	idx_request_init(&req, DEAD_URL);
	req.accept = "application/json";
	st = fetch(&o, &req, &r);
	ck_assert_int_eq(r.rc, -CVL_ENETWORK);
	ck_assert_uint_eq(st.requests, 1);

	/* --refresh revalidates even a fresh entry: a request */
	o.refresh = true;
	idx_request_init(&req, DEAD_URL);
	req.accept = "text/html";
	st = fetch(&o, &req, &r);
	ck_assert_int_eq(r.rc, -CVL_ENETWORK);
	ck_assert_uint_eq(st.requests, 1);

	/* a stale entry needs a request too */
	o.refresh = false;
	e.stored -= 601;
	ck_assert_int_eq(tr_cache_store(&c, &e, NULL), 0);
	st = fetch(&o, &req, &r);
	ck_assert_int_eq(r.rc, -CVL_ENETWORK);
	ck_assert_uint_eq(st.requests, 1);

	strbuf_release(&r.body);
	tr_entry_release(&e);
	idx_cache_release(&c);
}
END_TEST

START_TEST(offline)
{
	struct idx_http_opts o;
	struct idx_request req;
	struct idx_cache c;
	struct tr_entry e;
	struct result r = { .body = STRBUF_INIT };
	struct idx_http_stats st;

	memset(&o, 0, sizeof(o));
	o.cache_dir = tmpdir;
	o.offline = true;
	idx_cache_init(&c, tmpdir);

	/* a miss: a clear error, no request, no credentials in the message */
	idx_request_init(&req, "http://user:secret@127.0.0.1:9/simple/bar/");
	st = fetch(&o, &req, &r);
	ck_assert_int_eq(r.rc, -CVL_ENETWORK);
	ck_assert_str_eq(r.msg, "cannot fetch 'http://user:***@127.0.0.1:9/simple/bar/': "
				"it is not in the cache and --offline forbids the network");
	ck_assert_str_eq(r.hint, "run once without --offline to fill the cache");
	ck_assert_ptr_null(strstr(r.msg, "secret"));
	ck_assert_uint_eq(st.requests, 0);

	/* a stale entry is served as it is */
	entry_fill(&e, "GET " DEAD_URL, DEAD_URL, "stale but fine");
	e.stored -= 100000;
	e.max_age = 1;
	ck_assert_int_eq(tr_cache_store(&c, &e, NULL), 0);
	idx_request_init(&req, DEAD_URL);
	st = fetch(&o, &req, &r);
	ck_assert_int_eq(r.rc, 0);
	ck_assert(r.from_cache);
	ck_assert_str_eq(r.body.buf, "stale but fine");
	ck_assert_uint_eq(st.requests, 0);

	/* a range request is never cached, so offline it fails */
	req.range_start = 0;
	req.range_end = 3;
	st = fetch(&o, &req, &r);
	ck_assert_int_eq(r.rc, -CVL_ENETWORK);
	ck_assert_str_eq(r.hint, "this kind of request is never cached: run without --offline");
	ck_assert_uint_eq(st.requests, 0);

	/* content by key (IDX_CACHE_FOREVER) */
	ck_assert_int_eq(idx_cache_put(&c, "metadata:sha256:ab", "Name: x\n", 8, NULL), 0);
	idx_request_init(&req, "http://127.0.0.1:9/x.whl.metadata");
	req.cache = IDX_CACHE_FOREVER;
	req.cache_key = "metadata:sha256:ab";
	st = fetch(&o, &req, &r);
	ck_assert_int_eq(r.rc, 0);
	ck_assert(r.from_cache);
	ck_assert_str_eq(r.body.buf, "Name: x\n");

	/* an unparsable URL: an error that does not echo it with credentials */
	idx_request_init(&req, "not a url");
	st = fetch(&o, &req, &r);
	ck_assert_int_eq(r.rc, -CVL_EINVAL);
	ck_assert_str_eq(r.final_url, "");

	/* without a cache, offline fails at once */
	o.cache_dir = NULL;
	idx_request_init(&req, DEAD_URL);
	st = fetch(&o, &req, &r);
	ck_assert_int_eq(r.rc, -CVL_ENETWORK);
	ck_assert_str_eq(r.hint, "the cache is off, so --offline can only read local files");
	ck_assert_uint_eq(st.requests, 0);

	strbuf_release(&r.body);
	tr_entry_release(&e);
	idx_cache_release(&c);
}
END_TEST

START_TEST(file_urls)
{
	struct idx_http_opts o;
	struct idx_request req;
	struct result r = { .body = STRBUF_INIT };
	struct strbuf path = STRBUF_INIT, url = STRBUF_INIT;

	memset(&o, 0, sizeof(o));
	o.offline = true; /* local files need no network */
	strbuf_addf(&path, "%s/a file.whl", tmpdir);
	write_file(path.buf, "0123456789", 10);
	strbuf_addf(&url, "file://%s/a%%20file.whl#sha256=00", tmpdir);

	idx_request_init(&req, url.buf);
	fetch(&o, &req, &r);
	ck_assert_int_eq(r.rc, 0);
	ck_assert_int_eq(r.status, 200);
	ck_assert_str_eq(r.body.buf, "0123456789");
	ck_assert_uint_eq(r.total_size, 10);

	req.range_start = 2;
	req.range_end = 4;
	fetch(&o, &req, &r);
	ck_assert_int_eq(r.status, 206);
	ck_assert(r.range_honoured);
	ck_assert_str_eq(r.body.buf, "234");
	ck_assert_uint_eq(r.total_size, 10);

	/* the last N bytes, and more than there are */
	req.range_start = -1;
	req.range_end = 3;
	fetch(&o, &req, &r);
	ck_assert_str_eq(r.body.buf, "789");
	req.range_end = 100;
	fetch(&o, &req, &r);
	ck_assert_str_eq(r.body.buf, "0123456789");

	/* the cap */
	idx_request_init(&req, url.buf);
	req.max_size = 5;
	fetch(&o, &req, &r);
	ck_assert_int_eq(r.rc, -CVL_ETOOBIG);

	/* missing: not found, with a 404-like status */
	strbuf_reset(&url);
	strbuf_addf(&url, "file://%s/missing/", tmpdir);
	idx_request_init(&req, url.buf);
	fetch(&o, &req, &r);
	ck_assert_int_eq(r.rc, -CVL_ENOTFOUND);
	ck_assert_int_eq(r.status, 404);

	/* a directory serves its index.html */
	strbuf_reset(&path);
	strbuf_addf(&path, "%s/index.html", tmpdir);
	write_file(path.buf, "<html>", 6);
	strbuf_reset(&url);
	strbuf_addf(&url, "file://%s/", tmpdir);
	idx_request_init(&req, url.buf);
	fetch(&o, &req, &r);
	ck_assert_int_eq(r.rc, 0);
	ck_assert_str_eq(r.body.buf, "<html>");

	strbuf_release(&r.body);
	strbuf_release(&path);
	strbuf_release(&url);
}
END_TEST

/* ---- upkeep ------------------------------------------------------------------------ */

START_TEST(prune_and_clean)
{
	struct idx_cache c;
	struct strbuf path = STRBUF_INIT, keep = STRBUF_INIT, old = STRBUF_INIT;
	struct idx_cache_prune_stats st;
	struct cvl_error err = CVL_ERROR_INIT;
	struct tr_entry e;
	struct utimbuf ut;
	struct stat sb;
	int64_t now = (int64_t)time(NULL);

	idx_cache_init(&c, tmpdir);
	store_one(&c, "good", "body", &keep);
	store_one(&c, "torn", "body", &path);
	write_file(path.buf, "cvlock-cache-entry 1\nkey torn\n", 30);
	/* a temporary file of a writer that died an hour ago, and a live one */
	strbuf_reset(&path);
	strbuf_addf(&path, "%.*s/.tmp-dead", (int)(strrchr(keep.buf, '/') - keep.buf), keep.buf);
	write_file(path.buf, "partial", 7);
	ut.actime = ut.modtime = (time_t)(now - 3600);
	ck_assert_int_eq(utime(path.buf, &ut), 0);
	strbuf_reset(&path);
	strbuf_addf(&path, "%.*s/.tmp-live", (int)(strrchr(keep.buf, '/') - keep.buf), keep.buf);
	write_file(path.buf, "partial", 7);
	/* an entry of an older format */
	strbuf_addf(&old, "%s/http-v0", tmpdir);
	ck_assert_int_eq(mkdir(old.buf, 0777), 0);
	strbuf_addstr(&old, "/x");
	write_file(old.buf, "old", 3);
	/* someone else's file in the directory */
	strbuf_reset(&path);
	strbuf_addf(&path, "%s/notes.txt", tmpdir);
	write_file(path.buf, "mine", 4);

	ck_assert_int_eq(idx_cache_prune(tmpdir, -1, now, &st, &err), 0);
	ck_assert_uint_eq(st.removed, 3); /* torn, dead temp, old format */
	ck_assert_uint_eq(st.kept, 2);    /* good, live temp */
	ck_assert_int_eq(stat(keep.buf, &sb), 0);
	ck_assert_int_ne(stat(old.buf, &sb), 0);
	tr_entry_init(&e);
	ck_assert_int_eq(tr_cache_load(&c, "good", &e, NULL), 1);
	tr_entry_release(&e);

	/* by age */
	ut.actime = ut.modtime = (time_t)(now - 10 * 86400);
	ck_assert_int_eq(utime(keep.buf, &ut), 0);
	ck_assert_int_eq(idx_cache_prune(tmpdir, 30 * 86400, now, &st, &err), 0);
	ck_assert_uint_eq(st.removed, 0);
	ck_assert_int_eq(idx_cache_prune(tmpdir, 5 * 86400, now, &st, &err), 0);
	ck_assert_uint_eq(st.removed, 1);
	ck_assert_int_ne(stat(keep.buf, &sb), 0);

	/* clean removes what cvlock wrote, and nothing else */
	store_one(&c, "good", "body", &keep);
	strbuf_reset(&old);
	strbuf_addf(&old, "%s/interpreters-v1", tmpdir);
	ck_assert_int_eq(mkdir(old.buf, 0777), 0);
	strbuf_addstr(&old, "/probe");
	write_file(old.buf, "{}", 2);
	strbuf_reset(&old);
	strbuf_addf(&old, "%s/my-v1x", tmpdir);
	ck_assert_int_eq(mkdir(old.buf, 0777), 0);
	ck_assert_int_eq(idx_cache_clean(tmpdir, &st, &err), 0);
	ck_assert_uint_eq(st.removed, 3); /* good, live temp, the probe */
	ck_assert_int_eq(stat(path.buf, &sb), 0);
	ck_assert_int_eq(stat(old.buf, &sb), 0);
	strbuf_reset(&old);
	strbuf_addf(&old, "%s/interpreters-v1", tmpdir);
	ck_assert_int_ne(stat(old.buf, &sb), 0);
	strbuf_reset(&keep);
	strbuf_addf(&keep, "%s/http-v1", tmpdir);
	ck_assert_int_ne(stat(keep.buf, &sb), 0);
	/* a missing directory is nothing to do */
	ck_assert_int_eq(idx_cache_clean("/nonexistent/cvlock", &st, &err), 0);
	ck_assert_int_eq(idx_cache_prune("/nonexistent/cvlock", 0, now, &st, &err), 0);

	strbuf_release(&path);
	strbuf_release(&keep);
	strbuf_release(&old);
	idx_cache_release(&c);
}
END_TEST

START_TEST(clean_project)
{
	static const struct {
		const char *url;
		bool foo_bar;
	} entries[] = {
		{ "https://pypi.org/simple/foo-bar/", true },
		{ "https://pypi.org/simple/Foo.Bar/", true },
		{ "https://files/packages/ab/cd/foo_bar-1.0-py3-none-any.whl", true },
		{ "https://files/packages/ab/cd/foo_bar-1.0-py3-none-any.whl.metadata", true },
		{ "https://files/packages/Foo-Bar-2.0.tar.gz", true },
		{ "https://pypi.org/simple/foo/", false },
		{ "https://files/foo-1.0.tar.gz", false },
		{ "https://files/foo_bar_baz-1.0.tar.gz", false },
		{ "https://pypi.org/simple/", false },
	};
	struct idx_cache c;
	struct idx_cache_prune_stats st;
	struct cvl_error err = CVL_ERROR_INIT;
	struct tr_entry e;
	size_t i;

	idx_cache_init(&c, tmpdir);
	for (i = 0; i < ARRAY_SIZE(entries); i++) {
		struct strbuf key = STRBUF_INIT;

		strbuf_addf(&key, "GET %s", entries[i].url);
		entry_fill(&e, key.buf, entries[i].url, "x");
		ck_assert_int_eq(tr_cache_store(&c, &e, NULL), 0);
		tr_entry_release(&e);
		strbuf_release(&key);
	}
	ck_assert_int_eq(idx_cache_put(&c, "metadata:sha256:00", "x", 1, NULL), 0);
	ck_assert_int_eq(idx_cache_clean_project(tmpdir, "FOO_bar", &st, &err), 0);
	ck_assert_uint_eq(st.removed, 5);
	for (i = 0; i < ARRAY_SIZE(entries); i++) {
		struct strbuf key = STRBUF_INIT;

		strbuf_addf(&key, "GET %s", entries[i].url);
		tr_entry_init(&e);
		ck_assert_msg(tr_cache_load(&c, key.buf, &e, NULL) == !entries[i].foo_bar,
			      "%s", entries[i].url);
		tr_entry_release(&e);
		strbuf_release(&key);
	}
	tr_entry_init(&e);
	ck_assert_int_eq(tr_cache_load(&c, "metadata:sha256:00", &e, NULL), 1);
	tr_entry_release(&e);
	idx_cache_release(&c);
}
END_TEST

START_TEST(dir_resolution)
{
	char *d;

	d = idx_cache_dir_resolve("/opt/c", "/env", "/xdg", "/home/u");
	ck_assert_str_eq(d, "/opt/c");
	free(d);
	d = idx_cache_dir_resolve(NULL, "/env", "/xdg", "/home/u");
	ck_assert_str_eq(d, "/env");
	free(d);
	d = idx_cache_dir_resolve("", "", "/xdg", "/home/u");
	ck_assert_str_eq(d, "/xdg/cvlock");
	free(d);
	/* a relative XDG_CACHE_HOME is invalid (XDG base directory spec) */
	d = idx_cache_dir_resolve(NULL, NULL, "rel", "/home/u");
	ck_assert_str_eq(d, "/home/u/.cache/cvlock");
	free(d);
	d = idx_cache_dir_resolve(NULL, NULL, NULL, "/home/u");
	ck_assert_str_eq(d, "/home/u/.cache/cvlock");
	free(d);
	ck_assert_ptr_null(idx_cache_dir_resolve(NULL, NULL, NULL, NULL));
}
END_TEST

Suite *suite_index_cache(void)
{
	Suite *s = suite_create("index_cache");
	TCase *tc = tcase_create("cache");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, entry_roundtrip);
	tcase_add_test(tc, get_put_by_key);
	tcase_add_loop_test(tc, freshness, 0, (int)ARRAY_SIZE(fresh_cases));
	tcase_add_test(tc, forever_is_fresh);
	tcase_add_test(tc, torn_entries_are_misses);
	tcase_add_test(tc, entry_load_sizes);
	tcase_add_test(tc, concurrent_writers);
	tcase_add_test(tc, fresh_entry_makes_no_request);
	tcase_add_test(tc, offline);
	tcase_add_test(tc, file_urls);
	tcase_add_test(tc, prune_and_clean);
	tcase_add_test(tc, clean_project);
	tcase_add_test(tc, dir_resolution);
	suite_add_tcase(s, tc);
	return s;
}
