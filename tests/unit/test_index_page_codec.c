/*
 * test_index_page_codec.c - parsed pages as the cache stores them
 * (index/page_codec.c): every field survives encode and decode, on real
 * pages (JSON and HTML) and on files of every kind; damaged bytes are
 * refused, never trusted.
 */
#include "unit.h"

#include "index/internal.h"

#define SHA64 "bb5cf51cfc569533ff921e4989b39d17776827475a1229580599fa1d9089e418"
#define MD5 "bbd592c10ea4d28f18b6ec0a4f3bac1a"

static void expect_str(const char *a, const char *b)
{
	if (!a || !b)
		ck_assert_ptr_eq(a, b);
	else
		ck_assert_str_eq(a, b);
}

static void expect_hashes(const struct idx_hash *a, size_t na,
			  const struct idx_hash *b, size_t nb)
{
	size_t i;

	ck_assert_uint_eq(na, nb);
	for (i = 0; i < na; i++) {
		ck_assert_int_eq(a[i].alg, b[i].alg);
		ck_assert_str_eq(a[i].hex, b[i].hex);
	}
}

/* Every field of `b` (decoded) equals `a`'s (parsed). */
static void expect_same_page(const struct idx_page *a, const struct idx_page *b)
{
	size_t i, k;

	expect_str(a->name, b->name);
	expect_str(a->url, b->url);
	ck_assert_int_eq(!a->versions, !b->versions);
	ck_assert_uint_eq(a->nversions, b->nversions);
	for (i = 0; i < a->nversions; i++)
		ck_assert_str_eq(a->versions[i], b->versions[i]);
	ck_assert_uint_eq(a->nfiles, b->nfiles);
	for (i = 0; i < a->nfiles; i++) {
		const struct idx_file *x = &a->files[i], *y = &b->files[i];

		ck_assert_str_eq(x->filename, y->filename);
		ck_assert_str_eq(x->url, y->url);
		ck_assert_int_eq(x->kind, y->kind);
		expect_str(x->name, y->name);
		expect_str(x->version_str, y->version_str);
		ck_assert_int_eq(!x->version, !y->version);
		if (x->version)
			ck_assert_int_eq(pep_version_cmp(x->version, y->version), 0);
		ck_assert_int_eq(!x->wheel, !y->wheel);
		if (x->wheel) {
			ck_assert_str_eq(x->wheel->name, y->wheel->name);
			ck_assert_uint_eq(x->wheel->tags.nr, y->wheel->tags.nr);
			for (k = 0; k < x->wheel->tags.nr; k++)
				ck_assert_str_eq(x->wheel->tags.v[k],
						 y->wheel->tags.v[k]);
		}
		expect_hashes(x->hashes, x->nhashes, y->hashes, y->nhashes);
		expect_str(x->requires_python, y->requires_python);
		ck_assert_int_eq(x->yanked, y->yanked);
		expect_str(x->yanked_reason, y->yanked_reason);
		ck_assert_int_eq(x->has_metadata, y->has_metadata);
		expect_hashes(x->metadata_hashes, x->nmetadata_hashes,
			      y->metadata_hashes, y->nmetadata_hashes);
		ck_assert_int_eq(x->upload_time, y->upload_time);
		ck_assert_int_eq(x->size, y->size);
	}
}

/* encode, decode, compare, and encode again to the same bytes */
static void round_trip(const struct idx_page *p)
{
	struct idx_page q = IDX_PAGE_INIT;
	struct strbuf a = STRBUF_INIT, b = STRBUF_INIT, copy = STRBUF_INIT;

	idx__page_encode(p, &a);
	strbuf_add(&copy, a.buf, a.len);
	ck_assert_int_eq(idx__page_decode(&q, &copy), 0);
	ck_assert_uint_eq(copy.len, 0); /* the page took the bytes */
	expect_same_page(p, &q);
	idx__page_encode(&q, &b);
	ck_assert_uint_eq(a.len, b.len);
	ck_assert(!memcmp(a.buf, b.buf, a.len));
	idx_page_release(&q);
	strbuf_release(&a);
	strbuf_release(&b);
	strbuf_release(&copy);
}

START_TEST(codec_real_pages)
{
	static const char *const names[] = {
		"pages/absl-py.json", "pages/arrow.json", "pages/aenum-pretty.json",
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(names); i++) {
		struct idx_page p = IDX_PAGE_INIT;
		struct cvl_error err = CVL_ERROR_INIT;
		struct strbuf body = STRBUF_INIT;

		unit_read_file(unit_data_path(names[i]), &body);
		ck_assert_int_eq(idx_page_parse_json(&p, "x",
						     "https://h/simple/x/",
						     body.buf, body.len, &err), 0);
		ck_assert_uint_gt(p.nfiles, 0);
		round_trip(&p);
		idx_page_release(&p);
		strbuf_release(&body);
	}
}
END_TEST

/* every kind of file and field, from an HTML page and a flat listing */
START_TEST(codec_every_field)
{
	static const char html[] =
		"<a href=\"foo-1.0-py3-none-any.whl#sha256=" SHA64 "\""
		" data-requires-python=\"&gt;=3.8\" data-yanked=\"broken\""
		" data-dist-info-metadata=\"sha256=" SHA64 "\">w</a>\n"
		"<a href=\"foo-1.0-cp311-cp311-manylinux_2_17_x86_64.manylinux2014_x86_64.whl#md5=" MD5 "\">w</a>\n"
		"<a href=\"foo-1.0-cp311-cp311-manylinux_2_17_x86_64.manylinux2014_x86_64.whl\">dup</a>\n"
		"<a href=\"foo-1.0.tar.gz\">s</a>\n"
		"<a href=\"foo-1.0-1.tar.gz\">old post release</a>\n"
		"<a href=\"foo-2.0rc1.zip\">s</a>\n"
		"<a href=\"foo-1.0.win32.exe\">other</a>\n"
		"<a href=\"bar-1.0.tar.gz\">another project</a>\n";
	struct idx_page p = IDX_PAGE_INIT;
	struct cvl_error err = CVL_ERROR_INIT;

	ck_assert_int_eq(idx_page_parse_html(&p, "foo", "https://u@h/simple/foo/",
					     html, strlen(html), &err), 0);
	ck_assert_uint_ge(p.nfiles, 7);
	round_trip(&p);
	/* a flat listing: no page name, files of several projects */
	ck_assert_int_eq(idx_page_parse_html(&p, NULL, "file:///links/",
					     html, strlen(html), &err), 0);
	round_trip(&p);
	/* an empty page */
	idx_page_release(&p);
	p.name = "empty";
	p.url = "https://h/simple/empty/";
	round_trip(&p);
	p.versions = (const char *[]){ "1.0" };
	p.nversions = 0; /* "versions": [] is not no "versions" */
	round_trip(&p);
}
END_TEST

/* The encoding of a small page, for the damage tests. */
static void small_encoding(struct strbuf *out)
{
	struct idx_page p = IDX_PAGE_INIT;
	struct cvl_error err = CVL_ERROR_INIT;
	struct strbuf body = STRBUF_INIT;

	unit_read_file(unit_data_path("pages/arrow.json"), &body);
	ck_assert_int_eq(idx_page_parse_json(&p, "arrow", "https://h/simple/arrow/",
					     body.buf, body.len, &err), 0);
	idx__page_encode(&p, out);
	idx_page_release(&p);
	strbuf_release(&body);
}

/* decode(data) fails, leaves the page empty and the bytes untouched */
static void expect_refused(const char *data, size_t len)
{
	struct idx_page q = IDX_PAGE_INIT;
	struct strbuf copy = STRBUF_INIT;

	strbuf_add(&copy, data, len);
	ck_assert_int_eq(idx__page_decode(&q, &copy), -1);
	ck_assert_uint_eq(q.nfiles, 0);
	ck_assert_ptr_null(q.name);
	ck_assert_uint_eq(copy.len, len);
	ck_assert(!len || !memcmp(copy.buf, data, len));
	strbuf_release(&copy);
}

START_TEST(codec_damage)
{
	struct strbuf enc = STRBUF_INIT, bad = STRBUF_INIT;
	size_t i;

	small_encoding(&enc);
	/* every truncation, and a byte too many */
	for (i = 0; i < enc.len; i++)
		expect_refused(enc.buf, i);
	strbuf_add(&bad, enc.buf, enc.len);
	strbuf_addch(&bad, 0);
	expect_refused(bad.buf, bad.len);
	/* another format version */
	strbuf_reset(&bad);
	strbuf_add(&bad, enc.buf, enc.len);
	bad.buf[7] = 2;
	expect_refused(bad.buf, bad.len);
	/* every byte flipped in turn: refused, or a page that holds together */
	for (i = 0; i < enc.len; i++) {
		struct idx_page q = IDX_PAGE_INIT;

		strbuf_reset(&bad);
		strbuf_add(&bad, enc.buf, enc.len);
		bad.buf[i] ^= 0x41;
		if (idx__page_decode(&q, &bad) == 0) {
			size_t k;

			for (k = 0; k < q.nfiles; k++) {
				const struct idx_file *f = &q.files[k];

				ck_assert_ptr_nonnull(f->filename);
				ck_assert_ptr_nonnull(f->url);
				ck_assert_int_eq(f->kind == IDX_FILE_WHEEL,
						 f->wheel != NULL);
				ck_assert_int_eq(f->kind == IDX_FILE_OTHER,
						 f->version == NULL);
			}
		}
		idx_page_release(&q);
	}
	strbuf_release(&enc);
	strbuf_release(&bad);
}
END_TEST

Suite *suite_index_page_codec(void)
{
	Suite *s = suite_create("index_page_codec");
	TCase *tc = tcase_create("codec");

	tcase_add_test(tc, codec_real_pages);
	tcase_add_test(tc, codec_every_field);
	tcase_add_test(tc, codec_damage);
	suite_add_tcase(s, tc);
	return s;
}
