/*
 * test_index_client.c - the index client and artifact metadata against
 * file:// indexes and find-links directories that each test builds in a
 * temporary directory: real wheels (zip) and sdists (tar.gz) written with
 * libarchive, PEP 503 pages with hashes and PEP 658 metadata files.
 */
#include "tests/unit/unit.h"
#include "index/index.h"

#include <archive.h>
#include <archive_entry.h>
#include <ftw.h>
#include <sys/stat.h>
#include <unistd.h>

/* ---- building a little index ---------------------------------------------- */

static char tmp[4096];

static void mkdir_p(const char *path)
{
	char buf[4096];
	char *p;

	snprintf(buf, sizeof(buf), "%s", path);
	for (p = buf + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		mkdir(buf, 0755);
		*p = '/';
	}
	mkdir(buf, 0755);
}

/* tmp/<rel>, directories created */
static const char *tpath(const char *rel)
{
	static char buf[8][8192];
	static int k;
	char *out = buf[k++ % 8];
	char *slash;

	snprintf(out, sizeof(buf[0]), "%.4000s/%.4000s", tmp, rel);
	slash = strrchr(out, '/');
	*slash = '\0';
	mkdir_p(out);
	*slash = '/';
	return out;
}

static void write_file(const char *rel, const void *data, size_t len)
{
	FILE *f = fopen(tpath(rel), "wb");

	ck_assert_ptr_nonnull(f);
	ck_assert_uint_eq(fwrite(data, 1, len, f), len);
	ck_assert_int_eq(fclose(f), 0);
}

static void write_str(const char *rel, const char *s)
{
	write_file(rel, s, strlen(s));
}

static void read_file(const char *rel, struct strbuf *out)
{
	unit_read_file(tpath(rel), out);
}

static void file_sha256(const char *rel, char out[65])
{
	struct strbuf sb = STRBUF_INIT;

	read_file(rel, &sb);
	sha256_hex(sb.buf, sb.len, out);
	strbuf_release(&sb);
}

static void archive_add(struct archive *a, const char *path, const char *data)
{
	struct archive_entry *e = archive_entry_new();
	size_t len = strlen(data);

	archive_entry_set_pathname(e, path);
	archive_entry_set_size(e, (la_int64_t)len);
	archive_entry_set_filetype(e, AE_IFREG);
	archive_entry_set_perm(e, 0644);
	archive_entry_set_mtime(e, 1577836800, 0);
	ck_assert_int_eq(archive_write_header(a, e), ARCHIVE_OK);
	ck_assert_int_eq(archive_write_data(a, data, len), (la_ssize_t)len);
	archive_entry_free(e);
}

static const char *metadata_text(const char *name, const char *version,
				 const char *mv, const char *extra)
{
	static char buf[2048];

	snprintf(buf, sizeof(buf),
		 "Metadata-Version: %s\nName: %s\nVersion: %s\n%s\n", mv, name,
		 version, extra);
	return buf;
}

/* A wheel (deflated zip) with METADATA, WHEEL, RECORD and a module. */
static void make_wheel(const char *rel, const char *name, const char *version,
		       const char *metadata)
{
	struct archive *a = archive_write_new();
	char path[512];

	ck_assert_int_eq(archive_write_set_format_zip(a), ARCHIVE_OK);
	ck_assert_int_eq(archive_write_open_filename(a, tpath(rel)), ARCHIVE_OK);
	archive_add(a, "mod/__init__.py", "x = 1\n");
	snprintf(path, sizeof(path), "%s-%s.dist-info/METADATA", name, version);
	archive_add(a, path, metadata);
	snprintf(path, sizeof(path), "%s-%s.dist-info/WHEEL", name, version);
	archive_add(a, path, "Wheel-Version: 1.0\nRoot-Is-Purelib: true\nTag: py3-none-any\n");
	snprintf(path, sizeof(path), "%s-%s.dist-info/RECORD", name, version);
	archive_add(a, path, "");
	ck_assert_int_eq(archive_write_close(a), ARCHIVE_OK);
	archive_write_free(a);
}

/* An sdist (tar.gz) with <top>/PKG-INFO. */
static void make_sdist(const char *rel, const char *top, const char *pkg_info)
{
	struct archive *a = archive_write_new();
	char path[512];

	ck_assert_int_eq(archive_write_set_format_pax_restricted(a), ARCHIVE_OK);
	ck_assert_int_eq(archive_write_add_filter_gzip(a), ARCHIVE_OK);
	ck_assert_int_eq(archive_write_open_filename(a, tpath(rel)), ARCHIVE_OK);
	snprintf(path, sizeof(path), "%s/setup.py", top);
	archive_add(a, path, "raise SystemExit\n");
	snprintf(path, sizeof(path), "%s/PKG-INFO", top);
	archive_add(a, path, pkg_info);
	ck_assert_int_eq(archive_write_close(a), ARCHIVE_OK);
	archive_write_free(a);
}

/*
 * A PEP 503 page at <index>/simple/<name>/index.html linking the given
 * files of <index>/files/ with their sha256; `attrs` (or NULL) is added
 * to every anchor.
 */
static void make_page(const char *index, const char *name,
		      const char *const *files, size_t n, const char *attrs)
{
	struct strbuf html = STRBUF_INIT;
	char rel[512], hex[65];
	size_t i;

	strbuf_addstr(&html, "<!DOCTYPE html>\n<html><body>\n");
	for (i = 0; i < n; i++) {
		snprintf(rel, sizeof(rel), "%s/files/%s", index, files[i]);
		file_sha256(rel, hex);
		strbuf_addf(&html, "<a href=\"../../files/%s#sha256=%s\"%s%s>%s</a>\n",
			    files[i], hex, attrs ? " " : "", attrs ? attrs : "",
			    files[i]);
	}
	strbuf_addstr(&html, "</body></html>\n");
	snprintf(rel, sizeof(rel), "%s/simple/%s/index.html", index, name);
	write_str(rel, html.buf);
	strbuf_release(&html);
}

static char *index_url(const char *index)
{
	struct strbuf sb = STRBUF_INIT;

	strbuf_addf(&sb, "file://%s/%s/simple/", tmp, index);
	return strbuf_detach(&sb, NULL);
}

/* Index "a": foo 1.0 (wheel).  Index "b": foo 2.0 and bar 1.0.  */
static void make_two_indexes(void)
{
	const char *fa[] = { "foo-1.0-py3-none-any.whl" };
	const char *fb[] = { "foo-2.0-py3-none-any.whl" };
	const char *bb[] = { "bar-1.0-py3-none-any.whl" };

	make_wheel("a/files/foo-1.0-py3-none-any.whl", "foo", "1.0",
		   metadata_text("foo", "1.0", "2.1", ""));
	make_page("a", "foo", fa, 1, NULL);
	make_wheel("b/files/foo-2.0-py3-none-any.whl", "foo", "2.0",
		   metadata_text("foo", "2.0", "2.1", ""));
	make_page("b", "foo", fb, 1, NULL);
	make_wheel("b/files/bar-1.0-py3-none-any.whl", "bar", "1.0",
		   metadata_text("bar", "1.0", "2.1", ""));
	make_page("b", "bar", bb, 1, NULL);
}

static void setup(void)
{
	unit_tmpdir(tmp, sizeof(tmp), "idxc");
}

static void teardown(void)
{
	unit_rm_rf(tmp);
}

/* ---- running the client ---------------------------------------------------- */

struct page_result {
	int calls;
	int rc;
	struct cvl_error err;
	struct idx_page page;
};

static void on_page(const char *name, struct idx_page *page, int rc,
		    const struct cvl_error *err, void *data)
{
	struct page_result *pr = data;

	pr->calls++;
	pr->rc = rc;
	if (rc) {
		ck_assert_ptr_null(page);
		pr->err = *err;
		return;
	}
	ck_assert_str_eq(page->name, name);
	pr->page = *page;
	*page = (struct idx_page)IDX_PAGE_INIT;
}

struct md_result {
	int calls;
	int rc;
	struct cvl_error err;
	struct pep_metadata md;
};

static void on_md(const struct idx_file *file, struct pep_metadata *md, int rc,
		  const struct cvl_error *err, void *data)
{
	struct md_result *mr = data;

	mr->calls++;
	mr->rc = rc;
	if (rc) {
		ck_assert_ptr_null(md);
		mr->err = *err;
		return;
	}
	mr->md = *md;
	*md = (struct pep_metadata)PEP_METADATA_INIT;
}

static struct idx_client *new_client(const char *idx, const char *extra,
				     const char *find_links,
				     enum idx_strategy strategy,
				     const char *cache_dir)
{
	struct idx_client_opts o;
	struct idx_client *c = NULL;
	struct cvl_error err = CVL_ERROR_INIT;
	char *u = NULL, *e = NULL;
	int r;

	idx_client_opts_init(&o);
	if (idx) {
		u = index_url(idx);
		o.index_url = u;
	} else {
		o.no_index = true;
	}
	if (extra) {
		e = index_url(extra);
		strvec_push(&o.extra_index_urls, e);
	}
	if (find_links)
		strvec_push(&o.find_links, tpath(find_links));
	o.strategy = strategy;
	o.http.cache_dir = cache_dir;
	o.http.offline = true; /* nothing here may touch the network */
	r = idx_client_new(&c, &o, &err);
	ck_assert_msg(!r, "idx_client_new: %s", err.msg);
	idx_client_opts_release(&o);
	free(u);
	free(e);
	return c;
}

static void get_page(struct idx_client *c, const char *name,
		     struct page_result *pr)
{
	struct cvl_error err = CVL_ERROR_INIT;
	const char *names[1] = { name };

	memset(pr, 0, sizeof(*pr));
	pr->page = (struct idx_page)IDX_PAGE_INIT;
	idx_client_fetch_pages(c, names, 1, on_page, pr);
	ck_assert_msg(!idx_client_run(c, &err), "run: %s", err.msg);
	ck_assert_int_eq(pr->calls, 1);
}

static void get_md(struct idx_client *c, const struct idx_file *f,
		   struct md_result *mr)
{
	struct cvl_error err = CVL_ERROR_INIT;

	memset(mr, 0, sizeof(*mr));
	mr->md = (struct pep_metadata)PEP_METADATA_INIT;
	idx_client_fetch_metadata(c, &f, 1, on_md, mr);
	ck_assert_msg(!idx_client_run(c, &err), "run: %s", err.msg);
	ck_assert_int_eq(mr->calls, 1);
}

/* The page's file names, sorted, joined by spaces. */
static void file_names(const struct idx_page *p, struct strbuf *out)
{
	struct strvec v = STRVEC_INIT;
	size_t i;

	for (i = 0; i < p->nfiles; i++)
		strvec_push(&v, p->files[i].filename);
	strvec_sort(&v);
	for (i = 0; i < v.nr; i++)
		strbuf_addf(out, "%s%s", i ? " " : "", v.v[i]);
	strvec_clear(&v);
}

static void check_files(const struct page_result *pr, const char *want)
{
	struct strbuf sb = STRBUF_INIT;

	ck_assert_msg(!pr->rc, "page error: %s", pr->err.msg);
	file_names(&pr->page, &sb);
	ck_assert_str_eq(sb.buf, want);
	strbuf_release(&sb);
}

static const struct idx_file *find_file(const struct idx_page *p,
					const char *filename)
{
	size_t i;

	for (i = 0; i < p->nfiles; i++)
		if (!strcmp(p->files[i].filename, filename))
			return &p->files[i];
	ck_abort_msg("no file '%s'", filename);
	return NULL;
}

/* ---- tests ------------------------------------------------------------------ */

START_TEST(test_strategy_names)
{
	enum idx_strategy s;

	ck_assert(idx_strategy_parse("first-index", 11, &s));
	ck_assert_int_eq(s, IDX_STRATEGY_FIRST_INDEX);
	ck_assert(idx_strategy_parse("unsafe-best-match", 17, &s));
	ck_assert_int_eq(s, IDX_STRATEGY_UNSAFE_BEST_MATCH);
	ck_assert(!idx_strategy_parse("first", 5, &s));
	ck_assert_str_eq(idx_strategy_name(IDX_STRATEGY_UNSAFE_BEST_MATCH),
			 "unsafe-best-match");
}
END_TEST

START_TEST(test_first_index)
{
	struct idx_client *c;
	struct page_result pr;

	make_two_indexes();
	c = new_client("a", "b", NULL, IDX_STRATEGY_FIRST_INDEX, NULL);
	/* foo is on a: b's newer foo is not looked at */
	get_page(c, "foo", &pr);
	check_files(&pr, "foo-1.0-py3-none-any.whl");
	ck_assert_str_eq(pr.page.files[0].version_str, "1.0");
	ck_assert_int_eq(pr.page.files[0].kind, IDX_FILE_WHEEL);
	ck_assert_int_eq(pr.page.files[0].nhashes, 1);
	idx_page_release(&pr.page);
	/* bar is not on a (404): b answers */
	get_page(c, "Bar", &pr);
	check_files(&pr, "bar-1.0-py3-none-any.whl");
	idx_page_release(&pr.page);
	idx_client_free(c);
}
END_TEST

START_TEST(test_unsafe_best_match)
{
	struct idx_client *c;
	struct page_result pr;

	make_two_indexes();
	c = new_client("a", "b", NULL, IDX_STRATEGY_UNSAFE_BEST_MATCH, NULL);
	get_page(c, "FOO", &pr);
	check_files(&pr, "foo-1.0-py3-none-any.whl foo-2.0-py3-none-any.whl");
	/* in index order */
	ck_assert_str_eq(pr.page.files[0].filename, "foo-1.0-py3-none-any.whl");
	idx_page_release(&pr.page);
	get_page(c, "bar", &pr);
	check_files(&pr, "bar-1.0-py3-none-any.whl");
	idx_page_release(&pr.page);
	idx_client_free(c);
}
END_TEST

START_TEST(test_find_links_merged)
{
	struct idx_client *c;
	struct page_result pr;
	const struct idx_file *f;

	make_two_indexes();
	make_wheel("links/foo-3.0-py3-none-any.whl", "foo", "3.0",
		   metadata_text("foo", "3.0", "2.1", ""));
	make_sdist("links/foo-3.0.tar.gz", "foo-3.0",
		   metadata_text("foo", "3.0", "2.2", ""));
	make_sdist("links/baz-1.0.tar.gz", "baz-1.0",
		   metadata_text("baz", "1.0", "2.2", ""));
	write_str("links/README.txt", "not a distribution\n");
	/* first-index still merges find-links in */
	c = new_client("a", "b", "links", IDX_STRATEGY_FIRST_INDEX, NULL);
	get_page(c, "foo", &pr);
	check_files(&pr, "foo-1.0-py3-none-any.whl foo-3.0-py3-none-any.whl foo-3.0.tar.gz");
	idx_page_release(&pr.page);
	/* only on find-links */
	get_page(c, "baz", &pr);
	check_files(&pr, "baz-1.0.tar.gz");
	ck_assert_int_eq(pr.page.files[0].kind, IDX_FILE_SDIST);
	ck_assert_str_eq(pr.page.files[0].version_str, "1.0");
	ck_assert(!strncmp(pr.page.files[0].url, "file:///", 8));
	idx_page_release(&pr.page);
	idx_client_free(c);

	/* a file name on both: the index's file is kept, once */
	make_wheel("links/foo-1.0-py3-none-any.whl", "foo", "1.0",
		   metadata_text("foo", "1.0", "2.1", ""));
	c = new_client("a", "b", "links", IDX_STRATEGY_UNSAFE_BEST_MATCH, NULL);
	get_page(c, "foo", &pr);
	check_files(&pr, "foo-1.0-py3-none-any.whl foo-2.0-py3-none-any.whl foo-3.0-py3-none-any.whl foo-3.0.tar.gz");
	f = find_file(&pr.page, "foo-1.0-py3-none-any.whl");
	ck_assert_ptr_nonnull(strstr(f->url, "/a/files/"));
	ck_assert_uint_eq(f->nhashes, 1);
	ck_assert_ptr_nonnull(f->wheel);
	ck_assert_str_eq(f->wheel->name, "foo");
	idx_page_release(&pr.page);
	idx_client_free(c);

	/* find-links alone (--no-index) */
	c = new_client(NULL, NULL, "links", IDX_STRATEGY_FIRST_INDEX, NULL);
	get_page(c, "foo", &pr);
	check_files(&pr, "foo-1.0-py3-none-any.whl foo-3.0-py3-none-any.whl foo-3.0.tar.gz");
	ck_assert_ptr_nonnull(strstr(find_file(&pr.page, "foo-1.0-py3-none-any.whl")->url,
				     "/links/foo-1.0-py3-none-any.whl"));
	idx_page_release(&pr.page);
	idx_client_free(c);
}
END_TEST

START_TEST(test_not_found)
{
	struct idx_client *c;
	struct page_result pr;

	make_two_indexes();
	c = new_client("a", "b", NULL, IDX_STRATEGY_FIRST_INDEX, NULL);
	get_page(c, "Qux", &pr);
	ck_assert_int_eq(pr.rc, -CVL_ENOTFOUND);
	ck_assert_str_eq(pr.err.msg, "project 'qux' was not found in any index");

	/* never part of a URL */
	get_page(c, "../b/simple/bar", &pr);
	ck_assert_int_eq(pr.rc, -CVL_EUSAGE);
	ck_assert_str_eq(pr.err.msg, "invalid project name '../b/simple/bar'");
	idx_client_free(c);

	mkdir_p(tpath("empty/x"));
	c = new_client(NULL, NULL, "empty", IDX_STRATEGY_UNSAFE_BEST_MATCH, NULL);
	get_page(c, "foo", &pr);
	ck_assert_int_eq(pr.rc, -CVL_ENOTFOUND);
	ck_assert_str_eq(pr.err.msg, "project 'foo' was not found in any index");
	idx_client_free(c);
}
END_TEST

/* Several names in one batch, one of them twice: every caller is answered. */
struct batch {
	int calls, errors;
	struct strvec names;
};

static void on_batch_page(const char *name, struct idx_page *page, int rc,
			  const struct cvl_error *err, void *data)
{
	struct batch *b = data;

	b->calls++;
	if (rc)
		b->errors++;
	else
		strvec_pushf(&b->names, "%s:%zu", name, page->nfiles);
}

START_TEST(test_batch)
{
	const char *names[] = { "foo", "bar", "nope", "FOO" };
	struct batch b = { 0, 0, STRVEC_INIT };
	struct cvl_error err = CVL_ERROR_INIT;
	struct idx_progress p;
	struct idx_client *c;

	make_two_indexes();
	c = new_client("a", "b", NULL, IDX_STRATEGY_UNSAFE_BEST_MATCH, NULL);
	idx_client_fetch_pages(c, names, ARRAY_SIZE(names), on_batch_page, &b);
	ck_assert_int_eq(b.calls, 0); /* nothing before the run */
	ck_assert(!idx_client_run(c, &err));
	ck_assert_int_eq(b.calls, 4);
	ck_assert_int_eq(b.errors, 1);
	strvec_sort(&b.names);
	ck_assert_int_eq(b.names.nr, 3);
	ck_assert_str_eq(b.names.v[0], "bar:1");
	ck_assert_str_eq(b.names.v[1], "foo:2");
	ck_assert_str_eq(b.names.v[2], "foo:2");
	idx_client_get_progress(c, &p);
	ck_assert_uint_eq(p.pages_total, 3);
	ck_assert_uint_eq(p.pages_done, 3);
	strvec_clear(&b.names);
	idx_client_free(c);
}
END_TEST

/* A callback that has seen enough stops the run: the rest are cancelled. */
struct stopper {
	struct idx_client *c;
	struct strvec seen; /* "name:rc" in callback order */
};

static void on_stop_page(const char *name, struct idx_page *page, int rc,
			 const struct cvl_error *err, void *data)
{
	struct stopper *st = data;

	(void)page;
	strvec_pushf(&st->seen, "%s:%s", name, rc ? err->msg : "ok");
	if (!rc && !strcmp(name, "bar"))
		idx_client_stop(st->c);
}

START_TEST(test_stop)
{
	const char *names[] = { "foo", "bar", "nope", "foo2" };
	struct stopper st = { NULL, STRVEC_INIT };
	struct cvl_error err = CVL_ERROR_INIT;
	struct idx_progress p;
	size_t i;

	make_two_indexes();
	st.c = new_client("a", "b", NULL, IDX_STRATEGY_FIRST_INDEX, NULL);
	idx_client_fetch_pages(st.c, names, ARRAY_SIZE(names), on_stop_page, &st);
	ck_assert(!idx_client_run(st.c, &err));
	/* pages are read in the order asked; after bar, the rest is cancelled */
	ck_assert_int_eq(st.seen.nr, 4);
	ck_assert_str_eq(st.seen.v[0], "foo:ok");
	ck_assert_str_eq(st.seen.v[1], "bar:ok");
	for (i = 2; i < 4; i++)
		ck_assert_msg(strstr(st.seen.v[i], ":cancelled"), "%s", st.seen.v[i]);
	idx_client_get_progress(st.c, &p);
	ck_assert_uint_eq(p.pages_done, 2);
	/* the next run of the same client is not cancelled */
	strvec_clear(&st.seen);
	idx_client_fetch_pages(st.c, names + 2, 1, on_stop_page, &st);
	ck_assert(!idx_client_run(st.c, &err));
	ck_assert_int_eq(st.seen.nr, 1);
	ck_assert_str_eq(st.seen.v[0], "nope:project 'nope' was not found in any index");
	strvec_clear(&st.seen);
	idx_client_free(st.c);
}
END_TEST

/* Many names at once, some twice, half of them on no index. */
START_TEST(test_many_names)
{
	struct batch b = { 0, 0, STRVEC_INIT };
	struct cvl_error err = CVL_ERROR_INIT;
	struct strvec names = STRVEC_INIT;
	struct idx_client *c;
	char rel[256], html[256];
	int i;

	for (i = 0; i < 300; i++) {
		snprintf(rel, sizeof(rel), "a/simple/p%d/index.html", i);
		snprintf(html, sizeof(html),
			 "<a href=\"../../files/p%d-1.0.tar.gz\">x</a>\n", i);
		write_str(rel, html);
	}
	for (i = 0; i < 600; i++)
		strvec_pushf(&names, "P%d", i);
	for (i = 0; i < 50; i++)
		strvec_pushf(&names, "p%d", i * 7);
	c = new_client("a", NULL, NULL, IDX_STRATEGY_FIRST_INDEX, NULL);
	idx_client_fetch_pages(c, (const char *const *)names.v, names.nr,
			       on_batch_page, &b);
	ck_assert(!idx_client_run(c, &err));
	/* p301, p308, ... p343 are on no index either */
	ck_assert_int_eq(b.calls, 650);
	ck_assert_int_eq(b.errors, 307);
	ck_assert_uint_eq(b.names.nr, 343);
	/* asked again after the run: fetched again, answered again */
	idx_client_fetch_pages(c, (const char *const *)names.v, 10,
			       on_batch_page, &b);
	ck_assert(!idx_client_run(c, &err));
	ck_assert_int_eq(b.calls, 660);
	strvec_clear(&b.names);
	strvec_clear(&names);
	idx_client_free(c);
}
END_TEST

/* A page callback that asks for more pages: they join the same run. */
struct chain {
	struct idx_client *c;
	int calls;
};

static void on_chain_page(const char *name, struct idx_page *page, int rc,
			  const struct cvl_error *err, void *data)
{
	struct chain *ch = data;
	const char *next[1] = { "bar" };

	ch->calls++;
	ck_assert_int_eq(rc, 0);
	if (!strcmp(name, "foo"))
		idx_client_fetch_pages(ch->c, next, 1, on_chain_page, ch);
}

START_TEST(test_chained)
{
	struct chain ch = { NULL, 0 };
	struct cvl_error err = CVL_ERROR_INIT;
	const char *first[1] = { "foo" };

	make_two_indexes();
	ch.c = new_client("a", "b", NULL, IDX_STRATEGY_FIRST_INDEX, NULL);
	idx_client_fetch_pages(ch.c, first, 1, on_chain_page, &ch);
	ck_assert(!idx_client_run(ch.c, &err));
	ck_assert_int_eq(ch.calls, 2);
	idx_client_free(ch.c);
}
END_TEST

/* A wheel with a PEP 658 file; `md_hash` NULL announces the right one. */
static void make_pep658(const char *md_file_text, const char *md_hash)
{
	const char *files[] = { "foo-1.0-py3-none-any.whl" };
	char *own = md_file_text ? xstrdup(md_file_text) : NULL;
	const char *md = metadata_text("foo", "1.0", "2.1",
				       "Requires-Dist: bar>=1\nRequires-Python: >=3.8");
	char hex[65], attrs[256];

	make_wheel("a/files/foo-1.0-py3-none-any.whl", "foo", "1.0", md);
	write_str("a/files/foo-1.0-py3-none-any.whl.metadata", own ? own : md);
	free(own);
	file_sha256("a/files/foo-1.0-py3-none-any.whl.metadata", hex);
	snprintf(attrs, sizeof(attrs), "data-dist-info-metadata=\"sha256=%s\"",
		 md_hash ? md_hash : hex);
	make_page("a", "foo", files, 1, attrs);
}

START_TEST(test_pep658)
{
	struct idx_client *c;
	struct page_result pr;
	struct md_result mr;
	const struct idx_file *f;

	/* the .metadata file says more than the wheel: it is the one read */
	make_pep658(metadata_text("foo", "1.0", "2.1",
				  "Requires-Dist: from-pep658"), NULL);
	c = new_client("a", NULL, NULL, IDX_STRATEGY_FIRST_INDEX,
		       tpath("cache/x") /* a directory inside tmp */);
	get_page(c, "foo", &pr);
	f = find_file(&pr.page, "foo-1.0-py3-none-any.whl");
	ck_assert(f->has_metadata);
	get_md(c, f, &mr);
	ck_assert_msg(!mr.rc, "%s", mr.err.msg);
	ck_assert_str_eq(mr.md.name, "foo");
	ck_assert_uint_eq(mr.md.requires_dist.nr, 1);
	ck_assert_str_eq(mr.md.requires_dist.v[0], "from-pep658");
	pep_metadata_release(&mr.md);
	/* cached by its hash: found without the file */
	ck_assert_int_eq(unlink(tpath("a/files/foo-1.0-py3-none-any.whl.metadata")), 0);
	get_md(c, f, &mr);
	ck_assert_msg(!mr.rc, "%s", mr.err.msg);
	ck_assert_str_eq(mr.md.requires_dist.v[0], "from-pep658");
	pep_metadata_release(&mr.md);
	idx_page_release(&pr.page);
	idx_client_free(c);
}
END_TEST

START_TEST(test_pep658_hash_mismatch)
{
	static const char wrong[] =
		"0000000000000000000000000000000000000000000000000000000000000000";
	struct idx_client *c;
	struct page_result pr;
	struct md_result mr;
	struct strbuf want = STRBUF_INIT, cached = STRBUF_INIT;
	struct idx_cache cache = IDX_CACHE_INIT;
	struct cvl_error err = CVL_ERROR_INIT;
	char hex[65], key[128];

	make_pep658(NULL, wrong);
	file_sha256("a/files/foo-1.0-py3-none-any.whl.metadata", hex);
	c = new_client("a", NULL, NULL, IDX_STRATEGY_FIRST_INDEX,
		       tpath("cache"));
	get_page(c, "foo", &pr);
	get_md(c, find_file(&pr.page, "foo-1.0-py3-none-any.whl"), &mr);
	ck_assert_int_eq(mr.rc, -CVL_EHASH);
	strbuf_addf(&want,
		    "metadata of 'foo-1.0-py3-none-any.whl' does not match its sha256 (expected %s, got %s)",
		    wrong, hex);
	ck_assert_str_eq(mr.err.msg, want.buf);
	/* nothing cached under the announced hash */
	idx_cache_init(&cache, tpath("cache"));
	snprintf(key, sizeof(key), "metadata:sha256:%s", wrong);
	ck_assert_int_eq(idx_cache_get(&cache, key, &cached, &err), 0);
	idx_cache_release(&cache);
	strbuf_release(&cached);
	strbuf_release(&want);
	idx_page_release(&pr.page);
	idx_client_free(c);
}
END_TEST

/* No PEP 658 file: the METADATA inside the wheel (range requests or whole). */
START_TEST(test_wheel_metadata)
{
	const char *files[] = { "foo-1.0-py3-none-any.whl" };
	struct idx_client *c;
	struct page_result pr;
	struct md_result mr;

	make_wheel("a/files/foo-1.0-py3-none-any.whl", "Foo", "1.0",
		   metadata_text("Foo", "1.0", "2.1",
				 "Requires-Dist: bar>=1\nRequires-Dist: baz; extra == \"x\"\nProvides-Extra: x\nRequires-Python: >=3.9"));
	make_page("a", "foo", files, 1, NULL);
	c = new_client("a", NULL, NULL, IDX_STRATEGY_FIRST_INDEX, NULL);
	get_page(c, "foo", &pr);
	ck_assert(!pr.page.files[0].has_metadata);
	get_md(c, &pr.page.files[0], &mr);
	ck_assert_msg(!mr.rc, "%s", mr.err.msg);
	ck_assert_str_eq(mr.md.name, "Foo");
	ck_assert_str_eq(mr.md.requires_python, ">=3.9");
	ck_assert_uint_eq(mr.md.requires_dist.nr, 2);
	ck_assert_str_eq(mr.md.requires_dist.v[0], "bar>=1");
	ck_assert_str_eq(mr.md.requires_dist.v[1], "baz; extra == \"x\"");
	pep_metadata_release(&mr.md);
	idx_page_release(&pr.page);
	idx_client_free(c);
}
END_TEST

START_TEST(test_wheel_metadata_wrong_name)
{
	const char *files[] = { "foo-1.0-py3-none-any.whl" };
	struct idx_client *c;
	struct page_result pr;
	struct md_result mr;

	make_wheel("a/files/foo-1.0-py3-none-any.whl", "foo", "1.0",
		   metadata_text("other", "1.1", "2.1", ""));
	make_page("a", "foo", files, 1, NULL);
	c = new_client("a", NULL, NULL, IDX_STRATEGY_FIRST_INDEX, NULL);
	get_page(c, "foo", &pr);
	get_md(c, &pr.page.files[0], &mr);
	ck_assert_int_eq(mr.rc, -CVL_ENETWORK);
	ck_assert_str_eq(mr.err.msg,
			 "metadata of 'foo-1.0-py3-none-any.whl' is for 'other' 1.1, expected 'foo' 1.0");
	idx_page_release(&pr.page);
	idx_client_free(c);
}
END_TEST

/* The wheel does not match the hash its page announces. */
START_TEST(test_wheel_hash_mismatch)
{
	const char *files[] = { "foo-1.0-py3-none-any.whl" };
	struct idx_client *c;
	struct page_result pr;
	struct md_result mr;

	make_wheel("a/files/foo-1.0-py3-none-any.whl", "foo", "1.0",
		   metadata_text("foo", "1.0", "2.1", ""));
	make_page("a", "foo", files, 1, NULL);
	/* replaced after the page was written */
	make_wheel("a/files/foo-1.0-py3-none-any.whl", "foo", "1.0",
		   metadata_text("foo", "1.0", "2.1", "Requires-Dist: evil"));
	c = new_client("a", NULL, NULL, IDX_STRATEGY_FIRST_INDEX, NULL);
	get_page(c, "foo", &pr);
	get_md(c, &pr.page.files[0], &mr);
	/* a local wheel is read whole, so its hash is checked */
	ck_assert_int_eq(mr.rc, -CVL_EHASH);
	ck_assert_msg(!strncmp(mr.err.msg,
			       "'foo-1.0-py3-none-any.whl' does not match its sha256 (expected ", 63),
		      "%s", mr.err.msg);
	idx_page_release(&pr.page);
	idx_client_free(c);
}
END_TEST

START_TEST(test_sdist_pkg_info)
{
	struct idx_client *c;
	struct page_result pr;
	struct md_result mr;

	make_sdist("links/foo-1.0.tar.gz", "foo-1.0",
		   metadata_text("foo", "1.0", "2.2",
				 "Requires-Dist: bar\nDynamic: Description"));
	make_sdist("links/foo-2.0.tar.gz", "foo-2.0",
		   metadata_text("foo", "2.0", "2.1", "Requires-Dist: bar"));
	make_sdist("links/foo-3.0.tar.gz", "foo-3.0",
		   metadata_text("foo", "3.0", "2.2", "Dynamic: Requires-Dist"));
	c = new_client(NULL, NULL, "links", IDX_STRATEGY_FIRST_INDEX, NULL);
	get_page(c, "foo", &pr);
	ck_assert_uint_eq(pr.page.nfiles, 3);

	get_md(c, find_file(&pr.page, "foo-1.0.tar.gz"), &mr);
	ck_assert_msg(!mr.rc, "%s", mr.err.msg);
	ck_assert_uint_eq(mr.md.requires_dist.nr, 1);
	ck_assert_str_eq(mr.md.requires_dist.v[0], "bar");
	pep_metadata_release(&mr.md);

	get_md(c, find_file(&pr.page, "foo-2.0.tar.gz"), &mr);
	ck_assert_int_eq(mr.rc, -CVL_EUNSUPPORTED);
	ck_assert_str_eq(mr.err.msg,
			 "sdist 'foo-2.0.tar.gz' needs a build to know its dependencies (building sdists is not supported yet)");
	ck_assert_str_eq(mr.err.hint,
			 "its PKG-INFO has Metadata-Version 2.1; static dependencies need 2.2 or later");

	get_md(c, find_file(&pr.page, "foo-3.0.tar.gz"), &mr);
	ck_assert_int_eq(mr.rc, -CVL_EUNSUPPORTED);
	ck_assert_str_eq(mr.err.hint, "its PKG-INFO lists Requires-Dist as dynamic");
	idx_page_release(&pr.page);
	idx_client_free(c);
}
END_TEST

START_TEST(test_progress_counts)
{
	const char *names[] = { "foo", "bar" };
	struct batch b = { 0, 0, STRVEC_INIT };
	struct cvl_error err = CVL_ERROR_INIT;
	struct idx_progress p;
	struct idx_client *c;

	make_two_indexes();
	c = new_client("a", "b", NULL, IDX_STRATEGY_FIRST_INDEX, NULL);
	idx_client_fetch_pages(c, names, 2, on_batch_page, &b);
	ck_assert(!idx_client_run(c, &err));
	idx_client_get_progress(c, &p);
	ck_assert_uint_eq(p.pages_done, 2);
	ck_assert_uint_eq(p.metadata_total, 0);
	strvec_clear(&b.names);
	idx_client_free(c);
}
END_TEST

START_TEST(test_bad_options)
{
	struct idx_client_opts o;
	struct idx_client *c = NULL;
	struct cvl_error err = CVL_ERROR_INIT;

	idx_client_opts_init(&o);
	o.index_url = "ftp://example.org/simple/";
	ck_assert_int_eq(idx_client_new(&c, &o, &err), -CVL_EUSAGE);
	ck_assert_ptr_null(c);
	ck_assert_str_eq(err.msg,
			 "unsupported index URL 'ftp://example.org/simple/': expected http://, https:// or file://");
	o.index_url = "https://user:secret@example.org/simple/";
	strvec_push(&o.find_links, "gopher://user:secret@example.org/");
	ck_assert_int_eq(idx_client_new(&c, &o, &err), -CVL_EUSAGE);
	ck_assert(!strstr(err.msg, "secret"));
	strvec_clear(&o.find_links);
	strvec_push(&o.find_links, tpath("missing"));
	ck_assert_int_eq(idx_client_new(&c, &o, &err), -CVL_EUSAGE);
	ck_assert_ptr_nonnull(strstr(err.msg, "/missing' does not exist"));
	idx_client_opts_release(&o);
}
END_TEST

Suite *suite_index_client(void)
{
	Suite *s = suite_create("index_client");
	TCase *tc = tcase_create("client");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_strategy_names);
	tcase_add_test(tc, test_first_index);
	tcase_add_test(tc, test_unsafe_best_match);
	tcase_add_test(tc, test_find_links_merged);
	tcase_add_test(tc, test_not_found);
	tcase_add_test(tc, test_batch);
	tcase_add_test(tc, test_stop);
	tcase_add_test(tc, test_chained);
	tcase_add_test(tc, test_many_names);
	tcase_add_test(tc, test_pep658);
	tcase_add_test(tc, test_pep658_hash_mismatch);
	tcase_add_test(tc, test_wheel_metadata);
	tcase_add_test(tc, test_wheel_metadata_wrong_name);
	tcase_add_test(tc, test_wheel_hash_mismatch);
	tcase_add_test(tc, test_sdist_pkg_info);
	tcase_add_test(tc, test_progress_counts);
	tcase_add_test(tc, test_bad_options);
	suite_add_tcase(s, tc);
	return s;
}
