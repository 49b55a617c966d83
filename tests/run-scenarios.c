/*
 * run-scenarios - resolve packse scenarios (packse-normalized/1 JSON) in
 * memory and compare with their expected outcome.
 *
 *     tests/run-scenarios [-v] FILE.json
 *
 * The target is CPython at the scenario's Python (resolver_options.python,
 * else environment.python) on linux x86_64 with glibc 2.28, or the
 * scenario's python_platform.  A version is available when it has a wheel
 * whose tags the target accepts (unless no_binary names its package) or
 * an sdist (unless no_build names it).  One line per scenario, then
 * "N passed, N failed, N skipped"; a skip names its reason.
 */
#include "resolver/resolver.h"

#include <jansson.h>

static bool verbose;

static const char *str_or(json_t *o, const char *key, const char *dflt)
{
	json_t *v = json_object_get(o, key);

	return json_is_string(v) ? json_string_value(v) : dflt;
}

static bool in_list(json_t *arr, const char *name)
{
	size_t i;
	json_t *v;
	struct strbuf a = STRBUF_INIT, b = STRBUF_INIT;
	bool found = false;

	pep_name_canonicalize(name, strlen(name), &a);
	json_array_foreach(arr, i, v) {
		if (!json_is_string(v))
			continue;
		strbuf_reset(&b);
		pep_name_canonicalize(json_string_value(v),
				      strlen(json_string_value(v)), &b);
		if (!strcmp(a.buf, b.buf) || !strcmp(b.buf, ":all:"))
			found = true;
	}
	strbuf_release(&a);
	strbuf_release(&b);
	return found;
}

static bool wheel_ok(const struct strvec *tags, const char *wheeltag)
{
	struct strvec expanded = STRVEC_INIT;
	struct cvl_error err = CVL_ERROR_INIT;
	bool ok = false;
	size_t i, k;

	if (pep_tag_parse(wheeltag, strlen(wheeltag), &expanded, &err) < 0)
		return false;
	for (i = 0; i < expanded.nr && !ok; i++)
		for (k = 0; k < tags->nr && !ok; k++)
			if (!strcmp(expanded.v[i], tags->v[k]))
				ok = true;
	strvec_clear(&expanded);
	return ok;
}

static void parse_python(const char *s, int out[3])
{
	int k = 0;

	out[0] = out[1] = out[2] = 0;
	while (*s && k < 3) {
		char *end;

		out[k++] = (int)strtol(s, &end, 10);
		s = end;
		if (*s != '.')
			break;
		s++;
	}
}

/* Build the universe; returns a skip reason or NULL. */
static const char *build(json_t *sc, struct res_source *src,
			 const struct strvec *tags, struct cvl_error *err,
			 int *ret)
{
	json_t *opts = json_object_get(sc, "resolver_options");
	json_t *pkgs = json_object_get(sc, "packages");
	json_t *no_build = json_object_get(opts, "no_build");
	json_t *no_binary = json_object_get(opts, "no_binary");
	const char *name;
	json_t *pkg;

	*ret = 0;
	json_object_foreach(pkgs, name, pkg) {
		json_t *vers = json_object_get(pkg, "versions");
		const char *ver;
		json_t *meta;
		bool nb = in_list(no_build, name), nbin = in_list(no_binary, name);

		json_object_foreach(vers, ver, meta) {
			struct res_candidate *c = res_memory_add(src, name, ver);
			json_t *reqs = json_object_get(meta, "requires");
			json_t *extras = json_object_get(meta, "extras");
			json_t *wheels = json_object_get(meta, "wheels");
			json_t *v;
			const char *extra;
			json_t *elist;
			size_t i;

			c->yanked = json_is_true(json_object_get(meta, "yanked"));
			if (json_is_string(json_object_get(meta, "requires_python")))
				c->requires_python = xstrdup(
					str_or(meta, "requires_python", ""));
			c->has_sdist = json_is_true(json_object_get(meta, "sdist")) &&
				       !nb;
			c->has_wheel = false;
			if (!nbin)
				json_array_foreach(wheels, i, v)
					if (json_is_string(v) &&
					    wheel_ok(tags, json_string_value(v)))
						c->has_wheel = true;
			json_array_foreach(reqs, i, v) {
				const char *s = json_string_value(v);

				if (s && (*ret = res_candidate_add_requirement(
						  c, s, strlen(s), err)) < 0)
					return NULL;
			}
			json_object_foreach(extras, extra, elist) {
				strvec_push(&c->provides_extra, extra);
				json_array_foreach(elist, i, v) {
					struct strbuf sb = STRBUF_INIT;
					const char *s = json_string_value(v);
					struct pep_requirement tmp =
						PEP_REQUIREMENT_INIT;

					if (!s)
						continue;
					/*
					 * Core metadata form: the extra's
					 * requirement gets `extra == "x"`
					 * and'ed with its own marker.
					 */
					*ret = pep_requirement_parse(&tmp, s,
								     strlen(s),
								     err);
					if (*ret < 0)
						return NULL;
					if (tmp.marker) {
						struct strbuf m = STRBUF_INIT;

						pep_marker_format(tmp.marker, &m);
						pep_marker_free(tmp.marker);
						tmp.marker = NULL;
						pep_requirement_format(&tmp, &sb);
						strbuf_addf(&sb, "; (%s) and extra == \"%s\"",
							    m.buf, extra);
						strbuf_release(&m);
					} else {
						pep_requirement_format(&tmp, &sb);
						strbuf_addf(&sb, "; extra == \"%s\"",
							    extra);
					}
					pep_requirement_release(&tmp);
					*ret = res_candidate_add_requirement(
						c, sb.buf, sb.len, err);
					strbuf_release(&sb);
					if (*ret < 0)
						return NULL;
				}
			}
		}
	}
	return NULL;
}

static bool versions_equal(const char *a, const char *b)
{
	struct pep_version x = PEP_VERSION_INIT, y = PEP_VERSION_INIT;
	struct cvl_error err = CVL_ERROR_INIT;
	bool eq;

	if (pep_version_parse(&x, a, strlen(a), &err) < 0 ||
	    pep_version_parse(&y, b, strlen(b), &err) < 0) {
		pep_version_release(&x);
		return !strcmp(a, b);
	}
	eq = !pep_version_cmp(&x, &y);
	pep_version_release(&x);
	pep_version_release(&y);
	return eq;
}

/* 1 pass, 0 fail, -1 skip (the reason in msg). */
static int run_one(json_t *sc, struct strbuf *msg)
{
	json_t *opts = json_object_get(sc, "resolver_options");
	json_t *envj = json_object_get(sc, "environment");
	json_t *expected = json_object_get(sc, "expected");
	json_t *root = json_object_get(sc, "root");
	const char *python = str_or(opts, "python", NULL);
	const char *platform = str_or(opts, "python_platform", NULL);
	struct pep_target t;
	struct pep_env env;
	struct arena storage = ARENA_INIT;
	struct strvec tags = STRVEC_INIT;
	struct cvl_error err = CVL_ERROR_INIT;
	struct res_options ro;
	struct res_result result;
	struct strbuf why = STRBUF_INIT;
	struct res_source *src;
	char pyfull[32];
	json_t *v, *exp_pkgs;
	size_t i;
	int ret, status = 1;
	bool sat;

	if (json_is_true(json_object_get(opts, "universal"))) {
		strbuf_addstr(msg, "universal-only");
		return -1;
	}
	if (!python)
		python = str_or(envj, "python", "3.12");
	memset(&t, 0, sizeof(t));
	memcpy(t.implementation, "cp", 3);
	parse_python(python, t.python);
	snprintf(pyfull, sizeof(pyfull), "%d.%d.%d", t.python[0], t.python[1],
		 t.python[2]);
	snprintf(t.platform, sizeof(t.platform), "manylinux_2_28_x86_64");
	if (platform) {
		const char *dash = strchr(platform, '-');

		if (!dash) {
			strbuf_addf(msg, "unsupported python_platform '%s'",
				    platform);
			return -1;
		}
		snprintf(t.platform, sizeof(t.platform), "%s_%.*s", dash + 1,
			 (int)(dash - platform), platform);
	}
	if (pep_target_env(&t, &env, &storage, &err) < 0 ||
	    pep_target_tags(&t, &tags, &err) < 0) {
		strbuf_addf(msg, "target: %s", err.msg);
		arena_release(&storage);
		strvec_clear(&tags);
		return 0;
	}
	src = res_source_memory();
	res_options_init(&ro);
	ro.env = &env;
	ro.python = pyfull;
	if (json_is_true(json_object_get(opts, "prereleases")))
		ro.prerelease = PEP_PRERELEASE_ALLOW;
	build(sc, src, &tags, &err, &ret);
	if (ret < 0) {
		strbuf_addf(msg, "universe: %s", err.msg);
		status = 0;
		goto out;
	}
	json_array_foreach(json_object_get(root, "requires"), i, v) {
		if (json_is_string(v) &&
		    res_options_add_root(&ro, json_string_value(v), &err) < 0) {
			strbuf_addf(msg, "root: %s", err.msg);
			status = 0;
			goto out;
		}
	}
	ret = res_resolve(&ro, src, &result, &why, &err);
	sat = ret == 0;
	if (ret < 0 && ret != -CVL_EUNSAT) {
		strbuf_addf(msg, "error: %s", err.msg);
		status = 0;
	} else if (sat != json_is_true(json_object_get(expected, "satisfiable"))) {
		strbuf_addf(msg, "expected %s, got %s",
			    sat ? "no solution" : "a solution",
			    sat ? "a solution" : "no solution");
		status = 0;
	} else if (sat) {
		const char *name;
		size_t n = 0;

		exp_pkgs = json_object_get(expected, "packages");
		json_object_foreach(exp_pkgs, name, v) {
			struct strbuf cn = STRBUF_INIT;
			bool found = false;

			n++;
			pep_name_canonicalize(name, strlen(name), &cn);
			for (i = 0; i < result.npkgs; i++)
				if (!strcmp(result.pkgs[i].name, cn.buf)) {
					found = true;
					if (!versions_equal(result.pkgs[i].version,
							    json_string_value(v))) {
						strbuf_addf(msg, "%s: expected %s, got %s; ",
							    name, json_string_value(v),
							    result.pkgs[i].version);
						status = 0;
					}
				}
			if (!found) {
				strbuf_addf(msg, "%s: expected %s, missing; ",
					    name, json_string_value(v));
				status = 0;
			}
			strbuf_release(&cn);
		}
		if (n && n != result.npkgs) {
			strbuf_addf(msg, "expected %zu packages, got %zu", n,
				    result.npkgs);
			status = 0;
		}
	}
	if (verbose || !status) {
		strbuf_addch(msg, '\n');
		if (sat)
			res_result_format(&result, msg);
		else
			strbuf_add(msg, why.buf, why.len);
	}
	res_result_release(&result);
out:
	res_options_release(&ro);
	res_source_free(src);
	strvec_clear(&tags);
	arena_release(&storage);
	strbuf_release(&why);
	return status;
}

int main(int argc, char **argv)
{
	json_error_t jerr;
	json_t *doc, *scs, *sc;
	size_t i;
	int passed = 0, failed = 0, skipped = 0, a;
	const char *file = NULL;

	for (a = 1; a < argc; a++) {
		if (!strcmp(argv[a], "-v"))
			verbose = true;
		else
			file = argv[a];
	}
	if (!file) {
		fprintf(stderr, "usage: run-scenarios [-v] FILE.json\n");
		return 2;
	}
	doc = json_load_file(file, 0, &jerr);
	if (!doc) {
		fprintf(stderr, "error: cannot read '%s': %s\n", file, jerr.text);
		return 2;
	}
	scs = json_object_get(doc, "scenarios");
	json_array_foreach(scs, i, sc) {
		struct strbuf msg = STRBUF_INIT;
		const char *name = str_or(sc, "name", "?");
		int r = run_one(sc, &msg);

		if (r > 0) {
			printf("ok %s%s%s\n", name, msg.len ? " " : "", msg.buf);
			passed++;
		} else if (r == 0) {
			printf("FAIL %s: %s\n", name, msg.buf);
			failed++;
		} else {
			printf("skip %s: %s\n", name, msg.buf);
			skipped++;
		}
		strbuf_release(&msg);
	}
	json_decref(doc);
	printf("%d passed, %d failed, %d skipped\n", passed, failed, skipped);
	return failed ? 1 : 0;
}
