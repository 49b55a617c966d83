/*
 * fuzz_page_json.c - PEP 691 JSON project pages (index/page_json.c).
 *
 * The input is parsed as the page of "foo" and as a page of no particular
 * project.  Whatever parses must hold together: absolute URLs without
 * fragments, lowercase hex hashes of the right lengths, a wheel pointer
 * exactly for wheels, versions that format to their string, and files of
 * the page's project only (or OTHER).
 *
 * The pull reader under it (index/json_scan.c) must take exactly what
 * jansson takes (but for NUL bytes, see check_reader), and a page that is
 * "not valid JSON" must be one jansson refuses.
 */
#include "index/internal.h"

#include <jansson.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const size_t hexlen[IDX_HASH_NALGS] = { 64, 96, 128, 32 };

static void check_hashes(const struct idx_hash *h, size_t n)
{
	size_t i, k;

	if (n > IDX_HASH_NALGS)
		abort();
	for (i = 0; i < n; i++) {
		if ((int)h[i].alg < 0 || h[i].alg >= IDX_HASH_NALGS ||
		    strlen(h[i].hex) != hexlen[h[i].alg])
			abort();
		for (k = 0; h[i].hex[k]; k++)
			if (!strchr("0123456789abcdef", h[i].hex[k]))
				abort();
		for (k = 0; k < i; k++)
			if (h[k].alg == h[i].alg)
				abort();
	}
}

static void check_page(const struct idx_page *p)
{
	size_t i;

	if (!p->url)
		abort();
	for (i = 0; i < p->nfiles; i++) {
		const struct idx_file *f = &p->files[i];
		struct strbuf sb = STRBUF_INIT;

		if (!f->filename || !f->url || strchr(f->url, '#'))
			abort();
		check_hashes(f->hashes, f->nhashes);
		check_hashes(f->metadata_hashes, f->nmetadata_hashes);
		if ((f->kind == IDX_FILE_WHEEL) != (f->wheel != NULL))
			abort();
		if (f->kind == IDX_FILE_OTHER) {
			if (f->name || f->version_str || f->version)
				abort();
		} else {
			if (!f->name || !f->version_str || !f->version)
				abort();
			if (p->name && strcmp(f->name, p->name))
				abort();
			pep_version_format(f->version, &sb);
			if (strcmp(sb.buf, f->version_str))
				abort();
		}
		if (f->nmetadata_hashes && !f->has_metadata)
			abort();
		if (f->yanked_reason && (!f->yanked || !f->yanked_reason[0]))
			abort();
		if (f->size < -1)
			abort();
		strbuf_release(&sb);
	}
}

/* The reader and jansson agree on whether `body` is JSON. */
static void check_reader(const char *body, size_t size)
{
	struct idx__json j;
	json_error_t jerr;
	json_t *root;
	int tok;

	idx__json_init(&j, body, size);
	do
		tok = idx__json_next(&j);
	while (tok != IDX__JSON_EOF && tok != IDX__JSON_ERROR);
	if (tok == IDX__JSON_ERROR &&
	    (!j.err_at || j.err_at < body || j.err_at > body + size))
		abort();
	idx__json_release(&j);
	root = json_loadb(body, size, 0, &jerr);
	/*
	 * jansson 2.14 skips a NUL byte right after a number in some places
	 * ("[4\0]"): the reader refuses every NUL outside \u escapes.
	 */
	if ((root != NULL) != (tok == IDX__JSON_EOF) &&
	    !(root && memchr(body, '\0', size)))
		abort();
	json_decref(root);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* errors name the URL with its password hidden */
	static const char pfx[] =
		"invalid project page 'https://u:***@h/simple/foo/': ";
	struct idx_page p = IDX_PAGE_INIT;
	struct cvl_error err = CVL_ERROR_INIT;
	const char *body = (const char *)data;

	check_reader(body, size);
	if (idx_page_parse_json(&p, "foo", "https://u:p@h/simple/foo/", body,
				size, &err) == 0) {
		check_page(&p);
	} else if (p.nfiles || strncmp(err.msg, pfx, sizeof(pfx) - 1)) {
		abort();
	} else if (!strncmp(err.msg + sizeof(pfx) - 1, "not valid JSON: ", 16)) {
		json_error_t jerr;
		size_t skip = size >= 3 && !memcmp(body, "\xef\xbb\xbf", 3) ? 3 : 0;
		json_t *root = json_loadb(body + skip, size - skip, 0, &jerr);

		if (root && !memchr(body, '\0', size))
			abort();
		json_decref(root);
	}
	/* the same page struct, reused */
	if (idx_page_parse_json(&p, NULL, "file:///srv/x/", body, size, &err) == 0)
		check_page(&p);
	idx_page_release(&p);
	return 0;
}
