/*
 * fuzz_page_codec.c - parsed pages as stored in the cache
 * (index/page_codec.c).
 *
 * The input is decoded as a stored page: damaged bytes must be refused
 * (the page empty, the input untouched), never crash.  A page that
 * decodes must encode to bytes that decode to a page that encodes to the
 * same bytes.  Then the input is parsed as a PEP 691 JSON page and as an
 * HTML page, and each parsed page must survive encode, decode, encode
 * byte for byte.
 */
#include "index/internal.h"

#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* encode(p) decodes, and the result encodes to the same bytes */
static void check_round_trip(const struct idx_page *p)
{
	struct idx_page q = IDX_PAGE_INIT;
	struct strbuf a = STRBUF_INIT, b = STRBUF_INIT, copy = STRBUF_INIT;

	idx__page_encode(p, &a);
	strbuf_add(&copy, a.buf, a.len);
	if (idx__page_decode(&q, &copy))
		abort();
	if (copy.len || q.nfiles != p->nfiles)
		abort();
	idx__page_encode(&q, &b);
	if (a.len != b.len || memcmp(a.buf, b.buf, a.len))
		abort();
	idx_page_release(&q);
	strbuf_release(&a);
	strbuf_release(&b);
	strbuf_release(&copy);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct idx_page p = IDX_PAGE_INIT;
	struct cvl_error err = CVL_ERROR_INIT;
	struct strbuf in = STRBUF_INIT;
	const char *body = (const char *)data;

	strbuf_add(&in, data, size);
	if (idx__page_decode(&p, &in) == 0) {
		check_round_trip(&p);
	} else if (p.nfiles || p.name || in.len != size ||
		   (size && memcmp(in.buf, data, size))) {
		abort();
	}
	strbuf_release(&in);
	if (idx_page_parse_json(&p, "foo", "https://h/simple/foo/", body, size,
				&err) == 0)
		check_round_trip(&p);
	if (idx_page_parse_html(&p, "foo", "https://h/simple/foo/", body, size,
				&err) == 0)
		check_round_trip(&p);
	idx_page_release(&p);
	return 0;
}
