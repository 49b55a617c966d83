/*
 * Unit tests for resolver/: the programmatic API (universe built in code,
 * result structure and dependency edges, counters, errors, a failing
 * source).  Resolution behaviour itself is covered by the testcase files
 * in tests/resolver.
 */
#include "tests/unit/unit.h"
#include "resolver/resolver.h"

static struct pep_env env;
static struct arena env_storage;

static void setup_env(void)
{
	struct pep_target t;
	struct cvl_error err = CVL_ERROR_INIT;

	memset(&t, 0, sizeof(t));
	memcpy(t.implementation, "cp", 3);
	t.python[0] = 3;
	t.python[1] = 12;
	memcpy(t.platform, "linux_x86_64", 13);
	ck_assert_int_eq(pep_target_env(&t, &env, &env_storage, &err), 0);
}

static void teardown_env(void)
{
	arena_release(&env_storage);
}

static void add_req(struct res_candidate *c, const char *s)
{
	struct cvl_error err = CVL_ERROR_INIT;

	ck_assert_int_eq(res_candidate_add_requirement(c, s, strlen(s), &err), 0);
}

static void opts_setup(struct res_options *o)
{
	res_options_init(o);
	o->env = &env;
	o->python = "3.12.0";
}

START_TEST(test_edges)
{
	struct res_source *src = res_source_memory();
	struct res_options o;
	struct res_result r;
	struct strbuf why = STRBUF_INIT, out = STRBUF_INIT;
	struct cvl_error err = CVL_ERROR_INIT;
	struct res_candidate *c;

	c = res_memory_add(src, "Top_Pkg", "1.0");
	add_req(c, "mid>=1");
	add_req(c, "leaf[x]");
	c = res_memory_add(src, "mid", "1.0");
	add_req(c, "leaf");
	c = res_memory_add(src, "leaf", "2.0");
	strvec_push(&c->provides_extra, "x");
	add_req(c, "extra-dep; extra == 'x'");
	res_memory_add(src, "extra-dep", "0.1");
	opts_setup(&o);
	ck_assert_int_eq(res_options_add_root(&o, "top-pkg", &err), 0);
	ck_assert_int_eq(res_resolve(&o, src, &r, &why, &err), 0);
	ck_assert_uint_eq(r.npkgs, 4);
	/* sorted by canonical name */
	ck_assert_str_eq(r.pkgs[0].name, "extra-dep");
	ck_assert_str_eq(r.pkgs[1].name, "leaf");
	ck_assert_str_eq(r.pkgs[2].name, "mid");
	ck_assert_str_eq(r.pkgs[3].name, "top-pkg");
	ck_assert_uint_eq(r.pkgs[1].extras.nr, 1);
	ck_assert_str_eq(r.pkgs[1].extras.v[0], "x");
	ck_assert(r.pkgs[3].direct);
	ck_assert(!r.pkgs[2].direct);
	ck_assert_uint_eq(r.nroot_deps, 1);
	ck_assert_uint_eq(r.root_deps[0], 3);
	ck_assert_ptr_nonnull(r.pkgs[3].cand->opaque);
	res_result_format(&r, &out);
	ck_assert_str_eq(out.buf, "extra-dep 0.1\n"
				  "leaf 2.0 [x] -> extra-dep\n"
				  "mid 1.0 -> leaf\n"
				  "top-pkg 1.0 -> leaf mid\n");
	ck_assert_uint_eq(r.nloaded, 4);
	ck_assert_uint_eq(r.rounds, 1);
	/* one round: everything listed and loaded in it, nothing widened */
	ck_assert_uint_eq(r.round_stats[0].nlisted, 4);
	ck_assert_uint_eq(r.round_stats[0].nloaded, 4);
	ck_assert_uint_eq(r.round_stats[0].ncands, 4);
	ck_assert_uint_eq(r.round_stats[0].nwidened, 0);
	res_result_release(&r);
	res_options_release(&o);
	res_source_free(src);
	strbuf_release(&why);
	strbuf_release(&out);
}
END_TEST

START_TEST(test_window_counts)
{
	struct res_source *src = res_source_memory();
	struct res_options o;
	struct res_result r;
	struct strbuf why = STRBUF_INIT;
	struct cvl_error err = CVL_ERROR_INIT;
	char v[32];
	int i;

	for (i = 0; i < 1000; i++) {
		snprintf(v, sizeof(v), "1.%d", i);
		res_memory_add(src, "many", v);
	}
	opts_setup(&o);
	o.window = 2;
	ck_assert_int_eq(res_options_add_root(&o, "many", &err), 0);
	ck_assert_int_eq(res_resolve(&o, src, &r, &why, &err), 0);
	ck_assert_uint_eq(r.npkgs, 1);
	ck_assert_str_eq(r.pkgs[0].version, "1.999");
	ck_assert_uint_eq(r.nloaded, 2);
	ck_assert_uint_eq(src->nloaded, 2);
	ck_assert_uint_eq(src->nlisted, 1);
	res_result_release(&r);
	res_options_release(&o);
	res_source_free(src);
	strbuf_release(&why);
}
END_TEST

START_TEST(test_unsat_and_unknown)
{
	struct res_source *src = res_source_memory();
	struct res_options o;
	struct res_result r;
	struct strbuf why = STRBUF_INIT;
	struct cvl_error err = CVL_ERROR_INIT;

	opts_setup(&o);
	ck_assert_int_eq(res_options_add_root(&o, "nowhere>=1", &err), 0);
	ck_assert_int_eq(res_resolve(&o, src, &r, &why, &err), -CVL_EUNSAT);
	ck_assert_int_eq(err.code, CVL_EUNSAT);
	ck_assert_str_eq(why.buf, "no solution:\n"
				  "  * the project requires nowhere>=1, but no "
				  "package nowhere exists\n");
	ck_assert_uint_eq(r.npkgs, 0);
	res_result_release(&r);
	res_options_release(&o);
	res_source_free(src);
	strbuf_release(&why);
}
END_TEST

START_TEST(test_bad_inputs)
{
	struct res_source *src = res_source_memory();
	struct res_options o;
	struct res_result r;
	struct strbuf why = STRBUF_INIT;
	struct cvl_error err = CVL_ERROR_INIT;
	struct res_candidate *c;

	opts_setup(&o);
	ck_assert_int_lt(res_options_add_root(&o, "foo>=", &err), 0);
	ck_assert_int_lt(res_options_add_constraint(&o, "[x]", &err), 0);
	c = res_memory_add(src, "a", "1.0");
	ck_assert_int_lt(res_candidate_add_requirement(c, "b ==", 4, &err), 0);
	/* an invalid version is kept but never chosen */
	res_memory_add(src, "a", "not-a-version");
	o.python = "three";
	ck_assert_int_eq(res_options_add_root(&o, "a", &err), 0);
	ck_assert_int_eq(res_resolve(&o, src, &r, &why, &err), -CVL_EINVAL);
	res_result_release(&r);
	o.python = "3.12";
	ck_assert_int_eq(res_resolve(&o, src, &r, &why, &err), 0);
	ck_assert_uint_eq(r.npkgs, 1);
	ck_assert_str_eq(r.pkgs[0].version, "1.0");
	res_result_release(&r);
	res_options_release(&o);
	res_source_free(src);
	strbuf_release(&why);
}
END_TEST

/* A source whose metadata loads fail, like an index failing mid-way. */
static int fail_list(struct res_source *src, struct res_package **pkgs,
		     size_t n, struct cvl_error *err)
{
	size_t i;

	for (i = 0; i < n; i++) {
		res_package_add(pkgs[i], "1.0", 3);
		pkgs[i]->listed = pkgs[i]->exists = true;
	}
	return 0;
}

static int fail_load(struct res_source *src, struct res_candidate **cands,
		     size_t n, struct cvl_error *err)
{
	return cvl_error_set(err, CVL_ENETWORK, "cannot fetch metadata of '%s'",
			     cands[0]->name);
}

static void fail_free(struct res_source *src)
{
	free(src);
}

static const struct res_source_ops fail_ops = { fail_list, fail_load,
						fail_free };

START_TEST(test_failing_source)
{
	struct res_source *src = xcalloc(1, sizeof(*src));
	struct res_options o;
	struct res_result r;
	struct strbuf why = STRBUF_INIT;
	struct cvl_error err = CVL_ERROR_INIT;

	src->ops = &fail_ops;
	opts_setup(&o);
	ck_assert_int_eq(res_options_add_root(&o, "x", &err), 0);
	ck_assert_int_eq(res_resolve(&o, src, &r, &why, &err), -CVL_ENETWORK);
	ck_assert_str_eq(err.msg, "cannot fetch metadata of 'x'");
	ck_assert_uint_eq(why.len, 0);
	res_result_release(&r);
	res_options_release(&o);
	res_source_free(src);
	strbuf_release(&why);
}
END_TEST

START_TEST(test_testcase_parse_errors)
{
	static const char *bad[] = {
		"package a\n",
		"requires b\n",
		"package a 1.0 wat\n",
		"option frobnicate\n",
		"series a 1.0 3\n  requires b>={j}\n",
		"require b>=\n",
		"package a 1.0\npackage a 1.0\n",
		"something else\n",
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		struct res_testcase tc;
		struct cvl_error err = CVL_ERROR_INIT;

		ck_assert_msg(res_testcase_parse(&tc, bad[i], strlen(bad[i]),
						 &err) < 0,
			      "accepted '%s'", bad[i]);
		res_testcase_release(&tc);
	}
}
END_TEST

/* res_result_reach: the packages each list of requirements leads to. */
static void reach_of(const struct res_result *r, const char *const *reqs,
		     size_t n, struct strbuf *out)
{
	struct pep_requirement *pr = xcalloc(n + 1, sizeof(*pr));
	struct cvl_error err = CVL_ERROR_INIT;
	bool *reached = xcalloc(r->npkgs + 1, sizeof(bool));
	size_t i;

	for (i = 0; i < n; i++) {
		pr[i] = (struct pep_requirement)PEP_REQUIREMENT_INIT;
		ck_assert_int_eq(pep_requirement_parse(&pr[i], reqs[i],
						       strlen(reqs[i]), &err),
				 0);
	}
	res_result_reach(r, pr, n, reached);
	strbuf_reset(out);
	for (i = 0; i < r->npkgs; i++)
		if (reached[i])
			strbuf_addf(out, "%s%s", out->len ? " " : "",
				    r->pkgs[i].name);
	for (i = 0; i < n; i++)
		pep_requirement_release(&pr[i]);
	free(pr);
	free(reached);
}

START_TEST(test_reach)
{
	struct res_source *src = res_source_memory();
	struct res_options o;
	struct res_result r;
	struct strbuf why = STRBUF_INIT, out = STRBUF_INIT;
	struct cvl_error err = CVL_ERROR_INIT;
	struct res_candidate *c;
	static const char *const base[] = { "a", "skip; sys_platform == 'win32'" };
	static const char *const cli[] = { "B[X]>=1" };
	static const char *const dev[] = { "c" };
	static const char *const plain_b[] = { "b" };

	c = res_memory_add(src, "a", "1.0");
	add_req(c, "d");
	add_req(c, "b");
	c = res_memory_add(src, "b", "1.0");
	strvec_push(&c->provides_extra, "x");
	add_req(c, "f");
	add_req(c, "e; extra == 'x'");
	add_req(c, "w; extra == 'x' and sys_platform == 'win32'");
	c = res_memory_add(src, "c", "1.0");
	add_req(c, "d");
	add_req(c, "g");
	res_memory_add(src, "d", "1.0");
	res_memory_add(src, "e", "1.0");
	res_memory_add(src, "f", "1.0");
	res_memory_add(src, "g", "1.0");
	res_memory_add(src, "w", "1.0");
	res_memory_add(src, "skip", "1.0");
	opts_setup(&o);
	ck_assert_int_eq(res_options_add_root(&o, "a", &err), 0);
	ck_assert_int_eq(res_options_add_root(&o, "b[x]>=1", &err), 0);
	ck_assert_int_eq(res_options_add_root(&o, "c", &err), 0);
	ck_assert_int_eq(res_resolve(&o, src, &r, &why, &err), 0);
	ck_assert_uint_eq(r.npkgs, 7);
	/* a -> b (base only): e, the dependency of b[x], is not reached */
	reach_of(&r, base, ARRAY_SIZE(base), &out);
	ck_assert_str_eq(out.buf, "a b d f");
	reach_of(&r, plain_b, ARRAY_SIZE(plain_b), &out);
	ck_assert_str_eq(out.buf, "b f");
	/* any spelling; the extra's base comes with it */
	reach_of(&r, cli, ARRAY_SIZE(cli), &out);
	ck_assert_str_eq(out.buf, "b e f");
	reach_of(&r, dev, ARRAY_SIZE(dev), &out);
	ck_assert_str_eq(out.buf, "c d g");
	reach_of(&r, dev, 0, &out);
	ck_assert_str_eq(out.buf, "");
	res_result_release(&r);
	res_options_release(&o);
	res_source_free(src);
	strbuf_release(&why);
	strbuf_release(&out);
}
END_TEST

Suite *suite_resolver(void)
{
	Suite *s = suite_create("resolver");
	TCase *tc = tcase_create("api");

	tcase_add_checked_fixture(tc, setup_env, teardown_env);
	tcase_add_test(tc, test_edges);
	tcase_add_test(tc, test_window_counts);
	tcase_add_test(tc, test_unsat_and_unknown);
	tcase_add_test(tc, test_bad_inputs);
	tcase_add_test(tc, test_failing_source);
	tcase_add_test(tc, test_testcase_parse_errors);
	tcase_add_test(tc, test_reach);
	suite_add_tcase(s, tc);
	return s;
}
