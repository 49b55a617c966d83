/*
 * fuzz_record.c - RECORD files as sync_record_parse() reads them.
 *
 * A RECORD that parses must format (sync_record_format) into text that
 * parses back to the same entries; a RECORD that fails must say why and
 * leave the entries it was given as they were.
 */
#include "sync/sync.h"

#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(bool ok, const char *what)
{
	if (!ok) {
		fprintf(stderr, "fuzz_record: %s\n", what);
		abort();
	}
}

static bool same(const char *a, const char *b)
{
	if (!a || !b)
		return a == b;
	return !strcmp(a, b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sync_record r = { 0 }, back = { 0 };
	struct cvl_error err = CVL_ERROR_INIT;
	struct strbuf out = STRBUF_INIT;
	size_t i;

	sync_record_add(&r, "before", NULL, -1);
	if (sync_record_parse(&r, (const char *)data, size, &err)) {
		check(err.code != 0 && err.msg[0], "failure without a message");
		check(r.n == 1 && !strcmp(r.entries[0].path, "before"),
		      "failure changed the record");
		sync_record_release(&r);
		return 0;
	}
	sync_record_format(&r, &out);
	check(sync_record_parse(&back, out.buf, out.len, &err) == 0,
	      "formatted RECORD does not parse");
	check(back.n == r.n, "formatted RECORD has other rows");
	for (i = 0; i < r.n; i++) {
		check(!strcmp(back.entries[i].path, r.entries[i].path),
		      "path changed");
		check(same(back.entries[i].hash, r.entries[i].hash),
		      "hash changed");
		check(back.entries[i].size == r.entries[i].size,
		      "size changed");
	}
	sync_record_release(&back);
	sync_record_release(&r);
	strbuf_release(&out);
	return 0;
}
