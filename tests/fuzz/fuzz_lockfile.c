/*
 * fuzz_lockfile.c - the pylock.toml reader and writer (lockfmt/).
 *
 * The input is read and validated.  Every diagnostic must have a one-line
 * message and a position inside the input, and a failed read must say why in
 * err; whatever the writer makes of the partial model must be TOML.  A
 * lockfile read without errors is written; when the writer
 * accepts it, its output must read back without errors and write again
 * to the same bytes (the writer is a fixed point of read + write).
 */
#include "lockfmt/lockfmt.h"

#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int count_lines(const uint8_t *data, size_t size)
{
	int n = 1;
	size_t i;

	for (i = 0; i < size; i++)
		if (data[i] == '\n')
			n++;
	return n;
}

static void check_diags(const struct lock_diags *d, int nlines)
{
	size_t i;

	for (i = 0; i < d->nr; i++) {
		const char *m = d->items[i].msg;

		if (!m || !m[0])
			__builtin_trap();
		/* One problem, one line: no control characters. */
		for (; *m; m++)
			if ((unsigned char)*m < 0x20 || *m == 0x7f)
				__builtin_trap();
		if (d->items[i].line < 1 || d->items[i].line > nlines ||
		    d->items[i].column < 1)
			__builtin_trap();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct lock_file lf, lf2;
	struct lock_diags d = LOCK_DIAGS_INIT, d2 = LOCK_DIAGS_INIT;
	struct cvl_error err = CVL_ERROR_INIT;
	struct strbuf out = STRBUF_INIT, again = STRBUF_INIT;
	struct strbuf text = STRBUF_INIT;
	int rc;

	lock_file_init(&lf);
	lock_file_init(&lf2);
	rc = lock_read(&lf, (const char *)data, size, &d, &err);
	check_diags(&d, count_lines(data, size));
	if (rc) {
		struct toml_doc doc;

		if (!err.msg[0] || !d.nerrors)
			__builtin_trap();
		/*
		 * What a failed read leaves is only partly checked; the
		 * writer may refuse it, but what it writes must be TOML.
		 */
		if (lf.doc.root && !lock_write(&lf, &out, &err)) {
			if (toml_parse(out.buf, out.len, &doc, NULL))
				__builtin_trap();
			toml_doc_release(&doc);
		}
		goto out;
	}
	lock_diags_format(&d, "pylock.toml", &text);
	if (lock_write(&lf, &out, &err)) {
		if (!err.msg[0] || out.len)
			__builtin_trap();
		goto out;
	}
	if (lock_read(&lf2, out.buf, out.len, &d2, &err))
		__builtin_trap(); /* the writer produced an invalid lockfile */
	if (lock_write(&lf2, &again, &err))
		__builtin_trap();
	if (again.len != out.len || memcmp(again.buf, out.buf, out.len))
		__builtin_trap(); /* not a fixed point */
out:
	lock_file_release(&lf);
	lock_file_release(&lf2);
	lock_diags_release(&d);
	lock_diags_release(&d2);
	strbuf_release(&out);
	strbuf_release(&again);
	strbuf_release(&text);
	return 0;
}
