/*
 * fuzz_version.c - PEP 440 versions.
 *
 * The whole input is parsed as a version; a version that parses must
 * format to a canonical string that parses back to an equal version with
 * the same string, and its public, base and canonicalized forms must parse
 * too.  The input is also cut at '\n' into up to three versions to check
 * that comparison is antisymmetric and transitive, and that the fast
 * 64-bit sort key never disagrees with the full comparison.
 */
#include "pep/pep.h"

#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(bool ok, const char *what)
{
	if (!ok) {
		fprintf(stderr, "fuzz_version: %s\n", what);
		abort();
	}
}

static int sign(int x)
{
	return (x > 0) - (x < 0);
}

/* Compare without the fast key (a shallow copy is enough to read). */
static int slow_cmp(const struct pep_version *a, const struct pep_version *b)
{
	struct pep_version x = *a, y = *b;

	x.key = 0;
	y.key = 0;
	return pep_version_cmp(&x, &y);
}

static void reparse(const struct strbuf *sb, struct pep_version *out)
{
	struct cvl_error err = CVL_ERROR_INIT;

	if (pep_version_parse(out, sb->buf, sb->len, &err)) {
		fprintf(stderr, "fuzz_version: '%s' does not parse: %s\n",
			sb->buf, err.msg);
		abort();
	}
}

static void roundtrip(const struct pep_version *v)
{
	struct pep_version again = PEP_VERSION_INIT, copy = PEP_VERSION_INIT;
	struct strbuf s1 = STRBUF_INIT, s2 = STRBUF_INIT;

	pep_version_format(v, &s1);
	reparse(&s1, &again);
	pep_version_format(&again, &s2);
	check(!strcmp(s1.buf, s2.buf), "canonical string does not round-trip");
	check(pep_version_cmp(v, &again) == 0, "re-parsed version differs");
	check(pep_version_cmp(v, v) == 0, "version differs from itself");
	pep_version_release(&again);

	pep_version_copy(&copy, v);
	check(pep_version_cmp(v, &copy) == 0, "copy differs");

	strbuf_reset(&s2);
	pep_version_format_public(v, &s2);
	reparse(&s2, &again);
	check(pep_version_cmp_public(v, &again) == 0, "public form differs");
	check(!again.local, "public form has a local label");
	pep_version_release(&again);

	strbuf_reset(&s2);
	pep_version_format_base(v, &s2);
	reparse(&s2, &again);
	check(!pep_version_is_prerelease(&again) &&
		      !pep_version_is_postrelease(&again),
	      "base form has a suffix");
	pep_version_release(&again);

	strbuf_reset(&s2);
	pep_version_format_canonical(v, true, &s2);
	reparse(&s2, &again);
	check(pep_version_cmp(v, &again) == 0, "canonicalized form differs");
	pep_version_release(&again);

	pep_version_release(&copy);
	strbuf_release(&s1);
	strbuf_release(&s2);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data;
	struct pep_version v = PEP_VERSION_INIT, part[3];
	bool ok[3] = { false, false, false };
	size_t start = 0, n = 0, i, j, k;

	if (!pep_version_parse(&v, s, size, NULL))
		roundtrip(&v);
	pep_version_release(&v);

	/* up to three versions separated by '\n' */
	memset(part, 0, sizeof(part));
	while (n < 3 && start <= size) {
		const char *nl = start < size ? memchr(s + start, '\n', size - start) : NULL;
		size_t end = nl ? (size_t)(nl - s) : size;

		ok[n] = !pep_version_parse(&part[n], s + start, end - start, NULL);
		n++;
		if (!nl)
			break;
		start = end + 1;
	}
	for (i = 0; i < n; i++) {
		if (!ok[i])
			continue;
		for (j = 0; j < n; j++) {
			int c;

			if (!ok[j])
				continue;
			c = sign(pep_version_cmp(&part[i], &part[j]));
			check(c == -sign(pep_version_cmp(&part[j], &part[i])),
			      "comparison is not antisymmetric");
			check(c == sign(slow_cmp(&part[i], &part[j])),
			      "sort key disagrees with the full comparison");
			if (!part[i].local && !part[j].local)
				check(c == sign(pep_version_cmp_public(&part[i],
								       &part[j])),
				      "public comparison disagrees");
			for (k = 0; k < n; k++) {
				if (!ok[k] || c > 0)
					continue;
				if (pep_version_cmp(&part[j], &part[k]) <= 0)
					check(pep_version_cmp(&part[i],
							      &part[k]) <= 0,
					      "comparison is not transitive");
			}
		}
	}
	for (i = 0; i < n; i++)
		pep_version_release(&part[i]);
	return 0;
}
