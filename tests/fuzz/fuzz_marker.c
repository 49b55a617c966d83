/*
 * fuzz_marker.c - PEP 508 markers.
 *
 * The input is parsed as a marker.  A marker that parses must format to a
 * string that parses back and formats the same, its copy must format the
 * same, and the original, the copy and the re-parsed marker must evaluate
 * alike (same result or same error) in a metadata environment and in a
 * lock-file one (PEP 751 sets).
 */
#include "pep/pep.h"

#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(bool ok, const char *what, const struct strbuf *s)
{
	if (!ok) {
		fprintf(stderr, "fuzz_marker: %s ('%s')\n", what, s ? s->buf : "");
		abort();
	}
}

static const char *const extras[] = { "test", "Foo_Bar" };
static const char *const groups[] = { "dev" };

static const struct pep_env metadata_env = {
	.var = {
		[PEP_ENV_IMPLEMENTATION_NAME] = "cpython",
		[PEP_ENV_IMPLEMENTATION_VERSION] = "3.13.0a2",
		[PEP_ENV_OS_NAME] = "posix",
		[PEP_ENV_PLATFORM_MACHINE] = "x86_64",
		[PEP_ENV_PLATFORM_PYTHON_IMPLEMENTATION] = "CPython",
		[PEP_ENV_PLATFORM_RELEASE] = "6.1.0-18-amd64",
		[PEP_ENV_PLATFORM_SYSTEM] = "Linux",
		[PEP_ENV_PLATFORM_VERSION] = "#1 SMP PREEMPT_DYNAMIC Debian",
		[PEP_ENV_PYTHON_FULL_VERSION] = "3.13.0a2+",
		[PEP_ENV_PYTHON_VERSION] = "3.13",
		[PEP_ENV_SYS_PLATFORM] = "linux",
		[PEP_ENV_EXTRA] = "Test_X",
	},
};

static const struct pep_env lock_env = {
	.var = { [PEP_ENV_PYTHON_VERSION] = "3.11", [PEP_ENV_OS_NAME] = "nt" },
	.has_extras = true,
	.extras = extras,
	.nextras = 2,
	.has_dependency_groups = true,
	.dependency_groups = groups,
	.ndependency_groups = 1,
};

static void same_evaluation(const struct pep_marker *a,
			    const struct pep_marker *b, const struct pep_env *env,
			    const struct strbuf *s)
{
	struct cvl_error err = CVL_ERROR_INIT;
	bool ra = false, rb = false;
	int ea, eb;

	ea = pep_marker_evaluate(a, env, &ra, &err);
	check(ea == 0 || (ea == -CVL_EUNDEFINED && err.code == CVL_EUNDEFINED &&
			  err.msg[0]), "bad evaluation error", s);
	eb = pep_marker_evaluate(b, env, &rb, NULL);
	check(ea == eb && ra == rb, "evaluations differ", s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pep_marker *m = NULL, *again = NULL, *copy;
	struct cvl_error err = CVL_ERROR_INIT;
	struct strbuf s1 = STRBUF_INIT, s2 = STRBUF_INIT, s3 = STRBUF_INIT;

	if (pep_marker_parse(&m, (const char *)data, size, &err)) {
		check(m == NULL && err.code == CVL_EINVAL && err.msg[0] &&
		      err.column >= 1 && (size_t)err.column <= size + 1,
		      "bad parse error", NULL);
		return 0;
	}
	pep_marker_format(m, &s1);
	if (pep_marker_parse(&again, s1.buf, s1.len, &err)) {
		fprintf(stderr, "fuzz_marker: '%s' does not parse: %s\n", s1.buf,
			err.msg);
		abort();
	}
	pep_marker_format(again, &s2);
	check(s1.len == s2.len && !memcmp(s1.buf, s2.buf, s1.len),
	      "formatted marker does not round-trip", &s1);
	copy = pep_marker_dup(m);
	pep_marker_format(copy, &s3);
	check(s1.len == s3.len && !memcmp(s1.buf, s3.buf, s1.len),
	      "copy formats differently", &s1);
	check(pep_marker_uses_extra(m) == pep_marker_uses_extra(again),
	      "uses_extra differs", &s1);

	same_evaluation(m, again, &metadata_env, &s1);
	same_evaluation(m, copy, &metadata_env, &s1);
	same_evaluation(m, again, &lock_env, &s1);

	pep_marker_free(m);
	pep_marker_free(again);
	pep_marker_free(copy);
	strbuf_release(&s1);
	strbuf_release(&s2);
	strbuf_release(&s3);
	return 0;
}
