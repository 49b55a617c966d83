/*
 * fuzz_page_html.c - PEP 503 HTML pages and flat listings
 * (index/page_html.c, util/url.c).
 *
 * The input is parsed as the page of "foo" and as a flat listing; what
 * parses must hold together as in fuzz_page_json.c.  Then the input is
 * split at its first newline into a base URL and a reference: resolving
 * must not crash, must give an absolute URL for an absolute base, and the
 * redacted and stripped forms must not keep a password.
 */
#include "index/internal.h"

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
	}
}

static void check_page(const struct idx_page *p)
{
	size_t i;

	for (i = 0; i < p->nfiles; i++) {
		const struct idx_file *f = &p->files[i];

		if (!f->filename[0] || strchr(f->url, '#'))
			abort();
		/* links are cleaned: no raw spaces or controls in URLs */
		if (strpbrk(f->url, " \t\n\r\"<>"))
			abort();
		check_hashes(f->hashes, f->nhashes);
		check_hashes(f->metadata_hashes, f->nmetadata_hashes);
		if ((f->kind == IDX_FILE_WHEEL) != (f->wheel != NULL))
			abort();
		if ((f->kind == IDX_FILE_OTHER) != (f->version_str == NULL) ||
		    (f->kind == IDX_FILE_OTHER) != (f->version == NULL))
			abort();
		if (p->name && f->name && strcmp(f->name, p->name))
			abort();
	}
}

static void check_url(const char *s, size_t size)
{
	const char *nl = memchr(s, '\n', size);
	char *base, *ref;
	struct strbuf out = STRBUF_INIT, red = STRBUF_INIT;
	struct url_parts parts;

	if (!nl || memchr(s, '\0', size))
		return;
	base = xmemdup0(s, (size_t)(nl - s));
	ref = xmemdup0(nl + 1, size - (size_t)(nl - s) - 1);
	url_resolve(base, ref, &out);
	if (url_is_absolute(base) && !url_is_absolute(out.buf))
		abort();
	url_split(out.buf, out.len, &parts);
	url_redact(out.buf, &red);
	if (parts.has_userinfo && memchr(parts.userinfo.p, ':', parts.userinfo.len) &&
	    !strstr(red.buf, ":***@"))
		abort();
	strbuf_reset(&red);
	url_strip_credentials(out.buf, &red);
	url_split(red.buf, red.len, &parts);
	if (parts.has_userinfo && parts.has_authority)
		abort();
	strbuf_release(&out);
	strbuf_release(&red);
	free(base);
	free(ref);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct idx_page p = IDX_PAGE_INIT;
	struct cvl_error err = CVL_ERROR_INIT;
	const char *body = (const char *)data;
	int r;

	r = idx_page_parse_html(&p, "foo", "https://h/simple/foo/", body, size, &err);
	if (r == 0)
		check_page(&p);
	else if (p.nfiles || !err.msg[0])
		abort();
	/* the same struct again, as a flat listing */
	if (idx_page_parse_html(&p, NULL, "https://h/links/", body, size, &err) == 0)
		check_page(&p);
	idx_page_release(&p);
	check_url(body, size);
	return 0;
}
