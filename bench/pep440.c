/*
 * bench/pep440 - speed of the pep/ parsers on the real PyPI corpus.
 *
 *   bench/pep440 CORPUS.json [ROUNDS]
 *
 * CORPUS.json is shared/corpus/pypi-subset.json (uncompressed).  The
 * versions of every package are parsed and sorted in PEP 440 order; every
 * Requires-Dist string is parsed and its marker evaluated against a fixed
 * CPython 3.11 / Linux x86_64 environment.  Loading the JSON is not timed.
 * Each phase runs ROUNDS times (default 5) and the best round is reported,
 * in the same format as bench/pep440_packaging.py:
 *
 *   versions N invalid I parse_s T sort_s T per_s R
 *   requirements N invalid I true T parse_eval_s T per_s R
 */
#include "pep/pep.h"

#include <jansson.h>
#include <time.h>

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

struct pkg_range {
	size_t start, n; /* range of versions of one package */
};

static int cmp_version_ptr(const void *a, const void *b)
{
	const struct pep_version *const *x = a, *const *y = b;

	return pep_version_cmp(*x, *y);
}

int main(int argc, char **argv)
{
	json_error_t jerr;
	json_t *root, *packages, *versions, *meta, *reqs, *req;
	const char *pname, *vname;
	struct strvec vstrs = STRVEC_INIT, rstrs = STRVEC_INIT;
	struct pkg_range *ranges = NULL;
	size_t nranges = 0, aranges = 0, i, j, r;
	int rounds = argc > 2 ? (int)strtol(argv[2], NULL, 10) : 5;
	struct pep_version *vs;
	struct pep_version **ptrs;
	double best_parse = 1e30, best_sort = 1e30, best_req = 1e30;
	size_t vinvalid = 0, rinvalid = 0, rtrue = 0;
	struct pep_env env;

	if (argc < 2) {
		fprintf(stderr, "usage: pep440 CORPUS.json [ROUNDS]\n");
		return 2;
	}
	if (rounds < 1)
		rounds = 1;
	root = json_load_file(argv[1], 0, &jerr);
	if (!root) {
		fprintf(stderr, "error: cannot load '%s': %s\n", argv[1], jerr.text);
		return 2;
	}
	packages = json_object_get(root, "packages");
	json_object_foreach(packages, pname, versions) {
		ALLOC_GROW(ranges, nranges + 1, aranges);
		ranges[nranges].start = vstrs.nr;
		json_object_foreach(versions, vname, meta) {
			strvec_push(&vstrs, vname);
			reqs = json_object_get(meta, "requires_dist");
			json_array_foreach(reqs, j, req)
				if (json_is_string(req))
					strvec_push(&rstrs, json_string_value(req));
		}
		ranges[nranges].n = vstrs.nr - ranges[nranges].start;
		nranges++;
	}
	json_decref(root);

	vs = xcalloc(vstrs.nr, sizeof(*vs));
	ptrs = xcalloc(vstrs.nr, sizeof(*ptrs));
	for (r = 0; r < (size_t)rounds; r++) {
		double t0, t1, t2;
		size_t k = 0;

		vinvalid = 0;
		t0 = now();
		for (i = 0; i < vstrs.nr; i++) {
			if (pep_version_parse(&vs[i], vstrs.v[i], strlen(vstrs.v[i]), NULL))
				vinvalid++;
		}
		t1 = now();
		/* sort each package's versions, skipping the invalid ones */
		for (i = 0; i < nranges; i++) {
			size_t start = k;

			for (j = ranges[i].start; j < ranges[i].start + ranges[i].n; j++)
				if (vs[j].nrelease)
					ptrs[k++] = &vs[j];
			qsort(ptrs + start, k - start, sizeof(*ptrs), cmp_version_ptr);
		}
		t2 = now();
		if (t1 - t0 < best_parse)
			best_parse = t1 - t0;
		if (t2 - t1 < best_sort)
			best_sort = t2 - t1;
		for (i = 0; i < vstrs.nr; i++)
			pep_version_release(&vs[i]);
	}

	memset(&env, 0, sizeof(env));
	env.var[PEP_ENV_IMPLEMENTATION_NAME] = "cpython";
	env.var[PEP_ENV_IMPLEMENTATION_VERSION] = "3.11.7";
	env.var[PEP_ENV_OS_NAME] = "posix";
	env.var[PEP_ENV_PLATFORM_MACHINE] = "x86_64";
	env.var[PEP_ENV_PLATFORM_PYTHON_IMPLEMENTATION] = "CPython";
	env.var[PEP_ENV_PLATFORM_RELEASE] = "6.1.0";
	env.var[PEP_ENV_PLATFORM_SYSTEM] = "Linux";
	env.var[PEP_ENV_PLATFORM_VERSION] = "#1 SMP PREEMPT_DYNAMIC Debian 6.1.0";
	env.var[PEP_ENV_PYTHON_FULL_VERSION] = "3.11.7";
	env.var[PEP_ENV_PYTHON_VERSION] = "3.11";
	env.var[PEP_ENV_SYS_PLATFORM] = "linux";
	env.var[PEP_ENV_EXTRA] = "";
	for (r = 0; r < (size_t)rounds; r++) {
		double t0, t1;

		rinvalid = 0;
		rtrue = 0;
		t0 = now();
		for (i = 0; i < rstrs.nr; i++) {
			struct pep_requirement rq = PEP_REQUIREMENT_INIT;
			bool res = true;

			if (pep_requirement_parse(&rq, rstrs.v[i], strlen(rstrs.v[i]), NULL)) {
				rinvalid++;
				continue;
			}
			if (rq.marker && pep_marker_evaluate(rq.marker, &env, &res, NULL))
				res = false;
			rtrue += res;
			pep_requirement_release(&rq);
		}
		t1 = now();
		if (t1 - t0 < best_req)
			best_req = t1 - t0;
	}
	printf("versions %zu invalid %zu parse_s %.6f sort_s %.6f per_s %.0f\n",
	       vstrs.nr, vinvalid, best_parse, best_sort,
	       (double)vstrs.nr / (best_parse + best_sort));
	printf("requirements %zu invalid %zu true %zu parse_eval_s %.6f per_s %.0f\n",
	       rstrs.nr, rinvalid, rtrue, best_req, (double)rstrs.nr / best_req);
	free(vs);
	free(ptrs);
	free(ranges);
	strvec_clear(&vstrs);
	strvec_clear(&rstrs);
	return 0;
}
