/*
 * fuzz_requirement.c - PEP 508 requirements.
 *
 * The input is parsed as a requirement.  One that parses must format to a
 * string that parses back to an equal requirement with the same string,
 * and its marker, if any, must evaluate alike in both.
 */
#include "pep/pep.h"

#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(bool ok, const char *what, const struct strbuf *s)
{
	if (!ok) {
		fprintf(stderr, "fuzz_requirement: %s ('%s')\n", what,
			s ? s->buf : "");
		abort();
	}
}

static const struct pep_env env = {
	.var = {
		[PEP_ENV_IMPLEMENTATION_NAME] = "cpython",
		[PEP_ENV_IMPLEMENTATION_VERSION] = "3.11.7",
		[PEP_ENV_OS_NAME] = "posix",
		[PEP_ENV_PLATFORM_MACHINE] = "aarch64",
		[PEP_ENV_PLATFORM_PYTHON_IMPLEMENTATION] = "CPython",
		[PEP_ENV_PLATFORM_RELEASE] = "23.1.0",
		[PEP_ENV_PLATFORM_SYSTEM] = "Darwin",
		[PEP_ENV_PLATFORM_VERSION] = "Darwin Kernel Version 23.1.0",
		[PEP_ENV_PYTHON_FULL_VERSION] = "3.11.7",
		[PEP_ENV_PYTHON_VERSION] = "3.11",
		[PEP_ENV_SYS_PLATFORM] = "darwin",
		[PEP_ENV_EXTRA] = "",
	},
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pep_requirement r = PEP_REQUIREMENT_INIT, again = PEP_REQUIREMENT_INIT;
	struct cvl_error err = CVL_ERROR_INIT;
	struct strbuf s1 = STRBUF_INIT, s2 = STRBUF_INIT;
	size_t i;

	if (pep_requirement_parse(&r, (const char *)data, size, &err)) {
		check(r.name == NULL && r.marker == NULL && err.msg[0] &&
		      err.column >= 1 && (size_t)err.column <= size + 1,
		      "bad parse error", NULL);
		pep_requirement_release(&r);
		return 0;
	}
	check(r.name && r.name[0], "empty name", NULL);
	for (i = 1; i < r.extras.nr; i++)
		check(strcmp(r.extras.v[i - 1], r.extras.v[i]) < 0,
		      "extras not sorted and unique", NULL);
	pep_requirement_format(&r, &s1);
	if (pep_requirement_parse(&again, s1.buf, s1.len, &err)) {
		fprintf(stderr, "fuzz_requirement: '%s' does not parse: %s\n",
			s1.buf, err.msg);
		abort();
	}
	pep_requirement_format(&again, &s2);
	check(s1.len == s2.len && !memcmp(s1.buf, s2.buf, s1.len),
	      "formatted requirement does not round-trip", &s1);
	check(pep_requirement_equal(&r, &again) && pep_requirement_equal(&again, &r),
	      "re-parsed requirement is not equal", &s1);
	if (r.marker) {
		bool a = false, b = false;
		int ea = pep_marker_evaluate(r.marker, &env, &a, NULL);
		int eb = pep_marker_evaluate(again.marker, &env, &b, NULL);

		check(ea == eb && a == b, "marker evaluations differ", &s1);
	}
	pep_requirement_release(&r);
	pep_requirement_release(&again);
	strbuf_release(&s1);
	strbuf_release(&s2);
	return 0;
}
