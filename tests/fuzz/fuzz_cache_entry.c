/*
 * fuzz_cache_entry.c - reading cache entries and freshness headers
 * (index/cache.c): what a damaged or foreign file in the cache directory,
 * or a server's Cache-Control / Expires / Date / Age, can make of them.
 *
 * The first byte picks the part:
 *   even  the rest is an entry file: parsing must fail cleanly or give an
 *         entry that serializes back to exactly the same bytes, unless
 *         its values hold escapes written in another (equivalent) way,
 *         in which case it must parse again to the same entry;
 *   odd   the rest is four header values separated by newlines:
 *         freshness must come out as a max-age >= -1 and an age >= 0.
 */
#include "index/transport.h"

#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bool same(const char *a, const char *b)
{
	if (!a || !b)
		return a == b;
	return !strcmp(a, b);
}

static void check_entry(const char *p, size_t len)
{
	struct tr_entry e, again;
	struct strbuf out = STRBUF_INIT;

	tr_entry_init(&e);
	tr_entry_init(&again);
	if (tr_entry_parse(&e, NULL, p, len) == 0) {
		tr_entry_serialize(&e, &out);
		if (tr_entry_parse(&again, e.key, out.buf, out.len))
			abort();
		if (!same(e.key, again.key) || !same(e.url, again.url) ||
		    !same(e.final_url, again.final_url) ||
		    !same(e.etag, again.etag) ||
		    !same(e.last_modified, again.last_modified) ||
		    !same(e.content_type, again.content_type) ||
		    e.status != again.status || e.stored != again.stored ||
		    e.age != again.age || e.max_age != again.max_age ||
		    e.no_cache != again.no_cache || e.forever != again.forever ||
		    e.body.len != again.body.len ||
		    memcmp(e.body.buf, again.body.buf, e.body.len))
			abort();
		(void)tr_entry_fresh(&e, 1700000000);
	}
	strbuf_release(&out);
	tr_entry_release(&again);
	tr_entry_release(&e);
}

static void check_freshness(const char *p, size_t len)
{
	char *fields[4] = { NULL, NULL, NULL, NULL };
	struct tr_entry e;
	size_t i, start = 0, k = 0;

	for (i = 0; i <= len && k < 4; i++) {
		if (i == len || p[i] == '\n') {
			fields[k++] = xmemdup0(p + start, i - start);
			start = i + 1;
		}
	}
	tr_entry_init(&e);
	e.stored = 1700000000;
	if (tr_entry_set_freshness(&e, fields[0], fields[1], fields[2], fields[3])) {
		if (e.max_age < -1 || e.age < 0)
			abort();
		(void)tr_entry_fresh(&e, 1700000100);
	}
	tr_entry_release(&e);
	for (i = 0; i < 4; i++)
		free(fields[i]);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!size)
		return 0;
	if (data[0] % 2 == 0)
		check_entry((const char *)data + 1, size - 1);
	else
		check_freshness((const char *)data + 1, size - 1);
	return 0;
}
