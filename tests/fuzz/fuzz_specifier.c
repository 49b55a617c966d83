/*
 * fuzz_specifier.c - PEP 440 specifiers and specifier sets.
 *
 * The input is parsed as a specifier set.  A set that parses must format
 * to a canonical string that parses to an equal set with the same string;
 * each clause must parse alone.  Membership is then checked on versions
 * made from the clauses (V, V.post1, V.dev0, Va1, V+local, V.1) against
 * the interval algebra: nothing matches an unsatisfiable set, a set is a
 * subset of itself, disjoint from itself exactly when unsatisfiable, and
 * the string and parsed-version entry points agree.
 */
#include "pep/pep.h"

#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(bool ok, const char *what, const char *input)
{
	if (!ok) {
		fprintf(stderr, "fuzz_specifier: %s ('%s')\n", what, input);
		abort();
	}
}

static bool has_arbitrary(const struct pep_specset *set)
{
	size_t i;

	for (i = 0; i < set->nr; i++)
		if (set->items[i].op == PEP_OP_ARBITRARY)
			return true;
	return false;
}

static void probe(const struct pep_specset *set, const char *vs, bool unsat,
		  const char *in)
{
	static const enum pep_prereleases pres[] = {
		PEP_PRERELEASES_UNSET, PEP_PRERELEASES_NO, PEP_PRERELEASES_YES,
	};
	struct pep_version v = PEP_VERSION_INIT;
	size_t i;

	if (pep_version_parse(&v, vs, strlen(vs), NULL))
		return;
	for (i = 0; i < ARRAY_SIZE(pres); i++) {
		bool a = pep_specset_contains(set, &v, pres[i], false);
		bool b = pep_specset_contains_str(set, vs, strlen(vs), pres[i],
						  false);

		if (!has_arbitrary(set))
			check(a == b, "contains and contains_str disagree", in);
		if (unsat)
			check(!a, "a version matches an unsatisfiable set", in);
		(void)pep_specset_contains(set, &v, pres[i], true);
	}
	pep_version_release(&v);
}

static void probe_clauses(const struct pep_specset *set, const char *in)
{
	static const char *const suffix[] = {
		"", ".post1", ".dev0", "a1", "+local", ".1", ".0", "rc1.post2",
	};
	bool unsat = !has_arbitrary(set) &&
		     pep_specset_is_unsatisfiable(set, PEP_PRERELEASES_UNSET);
	struct strbuf sb = STRBUF_INIT;
	size_t i, j;

	for (i = 0; i < set->nr && i < 4; i++) {
		const struct pep_specifier *spec = &set->items[i];

		if (!spec->version.nrelease)
			continue;
		for (j = 0; j < ARRAY_SIZE(suffix); j++) {
			strbuf_reset(&sb);
			pep_version_format_public(&spec->version, &sb);
			strbuf_addstr(&sb, suffix[j]);
			probe(set, sb.buf, unsat, in);
		}
	}
	probe(set, "0", unsat, in);
	probe(set, "1.0", unsat, in);
	strbuf_release(&sb);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pep_specset set = PEP_SPECSET_INIT, again = PEP_SPECSET_INIT,
			   copy = PEP_SPECSET_INIT;
	struct strbuf s1 = STRBUF_INIT, s2 = STRBUF_INIT;
	struct cvl_error err = CVL_ERROR_INIT;
	char *in;
	size_t i;

	if (pep_specset_parse(&set, (const char *)data, size, &err)) {
		check(err.column >= 1 && err.msg[0], "error without position",
		      "?");
		return 0;
	}
	in = xmemdup0(data, size);
	pep_specset_format(&set, &s1);
	if (pep_specset_parse(&again, s1.buf, s1.len, &err)) {
		fprintf(stderr, "fuzz_specifier: '%s' does not parse: %s\n",
			s1.buf, err.msg);
		abort();
	}
	pep_specset_format(&again, &s2);
	check(!strcmp(s1.buf, s2.buf), "canonical string does not round-trip", in);
	check(pep_specset_equal(&set, &again), "re-parsed set differs", in);
	check(pep_specset_equal(&again, &set), "equality is not symmetric", in);

	for (i = 0; i < set.nr; i++) {
		struct pep_specifier one;

		strbuf_reset(&s2);
		pep_specifier_format(&set.items[i], &s2);
		check(!pep_specifier_parse(&one, s2.buf, s2.len, NULL),
		      "a clause does not parse alone", in);
		pep_specifier_release(&one);
	}

	pep_specset_copy(&copy, &set);
	check(pep_specset_equal(&set, &copy), "copy differs", in);

	(void)pep_specset_is_unsatisfiable(&set, PEP_PRERELEASES_NO);
	(void)pep_specset_admits_prereleases(&set);
	if (!has_arbitrary(&set)) {
		bool unsat = pep_specset_is_unsatisfiable(&set,
							  PEP_PRERELEASES_UNSET);

		check(pep_specset_is_subset(&set, &copy),
		      "a set is not a subset of itself", in);
		check(pep_specset_is_superset(&set, &copy),
		      "a set is not a superset of itself", in);
		check(pep_specset_is_disjoint(&set, &copy) == unsat,
		      "self-disjointness disagrees with is_unsatisfiable", in);
	}
	probe_clauses(&set, in);

	pep_specset_release(&set);
	pep_specset_release(&again);
	pep_specset_release(&copy);
	strbuf_release(&s1);
	strbuf_release(&s2);
	free(in);
	return 0;
}
