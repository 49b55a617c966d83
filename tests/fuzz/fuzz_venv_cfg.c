/*
 * fuzz_venv_cfg.c - a pyvenv.cfg as sync_venv_parse_cfg() reads it, and
 * the same bytes as a path for sync_normpath().
 *
 * A cfg that parses gives a version of three numbers in 0..999999 that is
 * either 0.0.0 or has a non-zero part, and a home without NUL bytes; one
 * that fails has a message.  A normalized path starts with '/', has no
 * empty, "." or ".." component, and normalizing it again changes nothing.
 */
#include "sync/venv_internal.h"

#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(bool ok, const char *what)
{
	if (!ok) {
		fprintf(stderr, "fuzz_venv_cfg: %s\n", what);
		abort();
	}
}

static void check_path(const char *in)
{
	struct strbuf a = STRBUF_INIT, b = STRBUF_INIT;
	const char *p;

	sync_normpath(in, &a);
	check(a.buf[0] == '/', "not absolute");
	check(a.len == 1 || a.buf[a.len - 1] != '/', "trailing slash");
	check(!strstr(a.buf, "//"), "empty component");
	for (p = a.buf; *p; p++) {
		if (*p != '/')
			continue;
		check(strncmp(p, "/./", 3) && strcmp(p, "/."), "'.' component");
		check(strncmp(p, "/../", 4) && strcmp(p, "/.."), "'..' component");
	}
	sync_normpath(a.buf, &b);
	check(!strcmp(a.buf, b.buf), "not idempotent");
	check(sync_path_within(a.buf, "/"), "not within /");
	check(sync_path_within(a.buf, a.buf), "not within itself");
	strbuf_release(&a);
	strbuf_release(&b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cvl_error err = CVL_ERROR_INIT;
	struct sync_venv v;
	char *text;
	int i;

	sync_venv_init(&v);
	if (sync_venv_parse_cfg(&v, "pyvenv.cfg", (const char *)data, size,
				&err)) {
		check(err.code != 0 && err.msg[0], "failure without a message");
	} else {
		for (i = 0; i < 3; i++)
			check(v.version[i] >= 0 && v.version[i] < 1000000,
			      "version out of range");
		check(!v.home || strlen(v.home) <= size, "home too long");
	}
	sync_venv_release(&v);

	text = xmemdup0(data, size);
	check_path(text);
	free(text);
	return 0;
}
