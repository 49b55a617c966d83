/*
 * test_lockfmt_graph.c - the dependency graph of a lockfile
 * (lockfmt/graph.c): edges by name and version, markers in an
 * environment, roots with and without [tool.cvlock] requirements, "via",
 * and every shortest path from each root (with limits and early stops);
 * the selection of packages for extras and groups (lockfmt/export.c):
 * PEP 751 markers reduced to their environment part.
 *
 * Graphs are written as "node:dep,dep node:dep" strings of package
 * names (entries of one name carry their version: "x@2"), and results
 * are compared as text.
 */
#include "tests/unit/unit.h"
#include "lockfmt/lockfmt.h"

/* Add "name[@version][!marker]" with dependencies "d1[@v],d2" (or ""). */
static void add(struct lock_file *lf, const char *spec, const char *deps)
{
	struct strbuf name = STRBUF_INIT;
	const char *at = strchr(spec, '@'), *bang = strchr(spec, '!');
	const char *end = at ? at : (bang ? bang : spec + strlen(spec));
	struct lock_package *p;
	char *version = NULL;
	const char *s = deps;

	strbuf_add(&name, spec, (size_t)(end - spec));
	if (at)
		version = xmemdup0(at + 1, (size_t)((bang ? bang : at + strlen(at)) -
						    (at + 1)));
	p = lock_file_add_package(lf, name.buf, version ? version : "1");
	if (bang)
		lock_set_str(&p->marker, bang + 1);
	p->has_dependencies = true;
	while (*s) {
		size_t n = strcspn(s, ",");
		char *one = xmemdup0(s, n);
		char *v = strchr(one, '@');

		if (v)
			*v++ = '\0';
		lock_package_add_dep(p, one, v);
		free(one);
		s += n;
		if (*s == ',')
			s++;
	}
	free(version);
	strbuf_release(&name);
}

static const char *node_name(const struct lock_graph *g, size_t i,
			     struct strbuf *sb)
{
	const struct lock_package *p = &g->lf->packages[i];
	size_t j, same = 0;

	for (j = 0; j < g->n; j++)
		if (!strcmp(g->lf->packages[j].name, p->name))
			same++;
	strbuf_addstr(sb, p->name);
	if (same > 1)
		strbuf_addf(sb, "@%s", p->version);
	return sb->buf;
}

/* "a:c b:c,d c: d:" (every node, in order) */
static void format_edges(const struct lock_graph *g, bool reverse,
			 struct strbuf *out)
{
	size_t i, k;

	for (i = 0; i < g->n; i++) {
		size_t n = reverse ? g->nrdeps[i] : g->ndeps[i];
		const size_t *v = reverse ? g->rdeps[i] : g->deps[i];

		if (i)
			strbuf_addch(out, ' ');
		node_name(g, i, out);
		strbuf_addch(out, ':');
		for (k = 0; k < n; k++) {
			if (k)
				strbuf_addch(out, ',');
			node_name(g, v[k], out);
		}
	}
}

/* "a[a>=1] b[b,b<3]" */
static void format_roots(const struct lock_graph *g, struct strbuf *out)
{
	size_t k, j;

	for (k = 0; k < g->nroots; k++) {
		if (k)
			strbuf_addch(out, ' ');
		node_name(g, g->roots[k], out);
		strbuf_addch(out, '[');
		for (j = 0; j < g->root_reqs[k].nr; j++) {
			if (j)
				strbuf_addch(out, ',');
			strbuf_addstr(out, g->root_reqs[k].v[j]);
		}
		strbuf_addch(out, ']');
	}
}

static void expect_via(const struct lock_graph *g, size_t i, const char *want)
{
	struct strvec via = STRVEC_INIT;
	struct strbuf got = STRBUF_INIT;
	size_t k;

	strvec_push(&via, "(before)");
	lock_graph_via(g, i, &via);
	ck_assert_str_eq(via.v[0], "(before)");
	for (k = 1; k < via.nr; k++) {
		if (k > 1)
			strbuf_addch(&got, '|');
		strbuf_addstr(&got, via.v[k]);
	}
	ck_assert_msg(!strcmp(got.buf, want), "via of %zu: got '%s', want '%s'",
		      i, got.buf, want);
	strvec_clear(&via);
	strbuf_release(&got);
}

struct collect {
	const struct lock_graph *g;
	struct strbuf out;
	int stop_after; /* return 7 after this many paths (0: never) */
	int seen;
};

static int collect_path(const size_t *path, size_t len, void *data)
{
	struct collect *c = data;
	size_t k;

	if (c->out.len)
		strbuf_addch(&c->out, ' ');
	for (k = 0; k < len; k++) {
		if (k)
			strbuf_addch(&c->out, '>');
		node_name(c->g, path[k], &c->out);
	}
	c->seen++;
	return c->stop_after && c->seen >= c->stop_after ? 7 : 0;
}

static void expect_paths(const struct lock_graph *g, size_t i, size_t limit,
			 int stop_after, int want_ret, const char *want)
{
	struct collect c = { g, STRBUF_INIT, stop_after, 0 };
	int r = lock_graph_paths(g, i, limit, collect_path, &c);

	ck_assert_int_eq(r, want_ret);
	ck_assert_msg(!strcmp(c.out.buf, want),
		      "paths to %zu: got '%s', want '%s'", i, c.out.buf, want);
	strbuf_release(&c.out);
}

static void expect_str(struct strbuf *got, const char *want)
{
	ck_assert_msg(!strcmp(got->buf, want), "got '%s', want '%s'", got->buf,
		      want);
	strbuf_reset(got);
}

/* Index of the entry written `spec` ("x" or "x@2") in `g`. */
static size_t node(const struct lock_graph *g, const char *spec)
{
	struct strbuf sb = STRBUF_INIT;
	size_t i;

	for (i = 0; i < g->n; i++) {
		strbuf_reset(&sb);
		node_name(g, i, &sb);
		if (!strcmp(sb.buf, spec)) {
			strbuf_release(&sb);
			return i;
		}
	}
	ck_abort_msg("no node %s", spec);
	return 0;
}

START_TEST(test_roots_from_requirements)
{
	struct lock_file lf;
	struct lock_graph g;
	struct strbuf sb = STRBUF_INIT;

	lock_file_init(&lf);
	add(&lf, "a", "c");
	add(&lf, "b", "c,d,d");
	add(&lf, "c", "");
	add(&lf, "d", "b");          /* a cycle b -> d -> b */
	add(&lf, "e", "c");          /* locked, but no root reaches it */
	strvec_push(&lf.requirements, "A>=1");
	strvec_push(&lf.requirements, "b; python_version >= \"3\"");
	strvec_push(&lf.requirements, "b<3");
	strvec_push(&lf.requirements, "zzz"); /* names no entry */
	lock_graph_build(&g, &lf, NULL);
	ck_assert_uint_eq(g.n, 5);

	format_edges(&g, false, &sb);
	expect_str(&sb, "a:c b:c,d c: d:b e:c");
	format_edges(&g, true, &sb);
	expect_str(&sb, "a: b:d c:a,b,e d:b e:");
	format_roots(&g, &sb);
	expect_str(&sb, "a[A>=1] b[b; python_version >= \"3\",b<3]");

	expect_via(&g, node(&g, "c"), "A>=1|b; python_version >= \"3\"|b<3");
	expect_via(&g, node(&g, "d"), "b; python_version >= \"3\"|b<3");
	expect_via(&g, node(&g, "a"), "A>=1");
	expect_via(&g, node(&g, "e"), "");
	expect_via(&g, 99, "");

	expect_paths(&g, node(&g, "c"), 0, 0, 0, "a>c b>c");
	expect_paths(&g, node(&g, "d"), 0, 0, 0, "b>d");
	expect_paths(&g, node(&g, "b"), 0, 0, 0, "b");
	expect_paths(&g, node(&g, "e"), 0, 0, 0, "");
	expect_paths(&g, 99, 0, 0, 0, "");
	lock_graph_release(&g);
	lock_file_release(&lf);
	strbuf_release(&sb);
}
END_TEST

START_TEST(test_roots_without_requirements)
{
	struct lock_file lf;
	struct lock_graph g;
	struct strbuf sb = STRBUF_INIT;

	lock_file_init(&lf);
	add(&lf, "a", "c");
	add(&lf, "b", "c");
	add(&lf, "c", "d");
	add(&lf, "d", "");
	add(&lf, "x", "y");
	add(&lf, "y", "x"); /* a cycle nothing else reaches: no root */
	lock_graph_build(&g, &lf, NULL);
	format_roots(&g, &sb);
	expect_str(&sb, "a[] b[]");
	expect_via(&g, node(&g, "d"), "a|b");
	expect_via(&g, node(&g, "a"), "a");
	expect_via(&g, node(&g, "x"), "");
	expect_paths(&g, node(&g, "d"), 0, 0, 0, "a>c>d b>c>d");
	lock_graph_release(&g);

	/* An empty lockfile. */
	lock_file_release(&lf);
	lock_file_init(&lf);
	lock_graph_build(&g, &lf, NULL);
	ck_assert_uint_eq(g.n, 0);
	ck_assert_uint_eq(g.nroots, 0);
	expect_via(&g, 0, "");
	expect_paths(&g, 0, 0, 0, 0, "");
	lock_graph_release(&g);
	lock_file_release(&lf);
	strbuf_release(&sb);
}
END_TEST

START_TEST(test_versions_and_markers)
{
	struct lock_file lf;
	struct lock_graph g;
	struct strbuf sb = STRBUF_INIT;
	struct pep_env env;
	const char *groups[] = { "dev" };

	lock_file_init(&lf);
	add(&lf, "app", "x,y@2.0.0,t");
	add(&lf, "t!'test' in dependency_groups", "");
	add(&lf, "w!'dev' in dependency_groups", "x");
	add(&lf, "x@1!sys_platform == \"linux\"", "");
	add(&lf, "x@2!sys_platform == \"win32\"", "");
	add(&lf, "y@1", "");
	add(&lf, "y@2", "");
	add(&lf, "z!platform_machine == \"arm64\"", ""); /* undefined */
	strvec_push(&lf.requirements, "app");
	strvec_push(&lf.requirements, "w; 'dev' in dependency_groups");
	strvec_push(&lf.requirements, "z");

	/* Every environment: every entry of a name, the version when given. */
	lock_graph_build(&g, &lf, NULL);
	format_edges(&g, false, &sb);
	expect_str(&sb, "app:t,x@1,x@2,y@2 t: w:x@1,x@2 x@1: x@2: y@1: y@2: z:");
	format_roots(&g, &sb);
	expect_str(&sb, "app[app] w[w; 'dev' in dependency_groups] z[z]");
	lock_graph_release(&g);

	/* Linux, group dev (not test): x@2 and t drop out. */
	memset(&env, 0, sizeof(env));
	env.var[PEP_ENV_SYS_PLATFORM] = "linux";
	env.has_dependency_groups = true;
	env.dependency_groups = groups;
	env.ndependency_groups = 1;
	env.has_extras = true;
	lock_graph_build(&g, &lf, &env);
	format_edges(&g, false, &sb);
	expect_str(&sb, "app:x@1,y@2 t: w:x@1 x@1: x@2: y@1: y@2: z:");
	format_edges(&g, true, &sb);
	expect_str(&sb, "app: t: w: x@1:app,w x@2: y@1: y@2:app z:");
	/* z's marker cannot be evaluated here: it counts as holding. */
	format_roots(&g, &sb);
	expect_str(&sb, "app[app] w[w; 'dev' in dependency_groups] z[z]");
	expect_via(&g, node(&g, "x@1"), "app|w; 'dev' in dependency_groups");
	expect_via(&g, node(&g, "x@2"), "");
	expect_paths(&g, node(&g, "x@1"), 0, 0, 0, "app>x@1 w>x@1");
	lock_graph_release(&g);

	/* No groups: w is out, and so is the root requirement naming it. */
	env.ndependency_groups = 0;
	lock_graph_build(&g, &lf, &env);
	format_roots(&g, &sb);
	expect_str(&sb, "app[app] z[z]");
	expect_via(&g, node(&g, "x@1"), "app");
	lock_graph_release(&g);
	lock_file_release(&lf);
	strbuf_release(&sb);
}
END_TEST

START_TEST(test_shortest_paths)
{
	struct lock_file lf;
	struct lock_graph g;
	size_t t;

	lock_file_init(&lf);
	/* r reaches t in two steps twice and in three steps once. */
	add(&lf, "a", "t");
	add(&lf, "b", "t,a");
	add(&lf, "c", "d");
	add(&lf, "d", "t");
	add(&lf, "q", "c");
	add(&lf, "r", "c,b,a");
	add(&lf, "t", "");
	strvec_push(&lf.requirements, "r");
	strvec_push(&lf.requirements, "q");
	strvec_push(&lf.requirements, "t");
	lock_graph_build(&g, &lf, NULL);
	t = node(&g, "t");
	/* Per root (ascending), its shortest paths in ascending order. */
	expect_paths(&g, t, 0, 0, 0, "q>c>d>t r>a>t r>b>t t");
	expect_paths(&g, t, 2, 0, 0, "q>c>d>t r>a>t");
	expect_paths(&g, t, 1, 0, 0, "q>c>d>t");
	expect_paths(&g, t, 0, 2, 7, "q>c>d>t r>a>t");
	expect_paths(&g, t, 0, 1, 7, "q>c>d>t");
	expect_paths(&g, node(&g, "a"), 0, 0, 0, "r>a");
	lock_graph_release(&g);
	lock_file_release(&lf);
}
END_TEST

/* A wide layered graph: the number of shortest paths multiplies. */
START_TEST(test_many_paths)
{
	struct lock_file lf;
	struct lock_graph g;
	struct strbuf deps = STRBUF_INIT, name = STRBUF_INIT;
	struct collect c;
	int layer, k, r;

	lock_file_init(&lf);
	/* root -> l0_* -> l1_* -> ... -> l9_* -> end, 4 wide: 4^10 paths */
	for (k = 0; k < 4; k++)
		strbuf_addf(&deps, "%sl0-%d", k ? "," : "", k);
	add(&lf, "root", deps.buf);
	for (layer = 0; layer < 10; layer++) {
		strbuf_reset(&deps);
		for (k = 0; k < 4; k++)
			strbuf_addf(&deps, "%sl%d-%d", k ? "," : "", layer + 1, k);
		for (k = 0; k < 4; k++) {
			strbuf_reset(&name);
			strbuf_addf(&name, "l%d-%d", layer, k);
			add(&lf, name.buf, layer == 9 ? "end" : deps.buf);
		}
	}
	add(&lf, "end", "");
	strvec_push(&lf.requirements, "root");
	lock_graph_build(&g, &lf, NULL);
	memset(&c, 0, sizeof(c));
	c.g = &g;
	strbuf_init(&c.out, 0);
	r = lock_graph_paths(&g, node(&g, "end"), 1000, collect_path, &c);
	ck_assert_int_eq(r, 0);
	ck_assert_int_eq(c.seen, 1000);
	ck_assert(!strncmp(c.out.buf, "root>l0-0>l1-0>l2-0", 19));
	strbuf_release(&c.out);
	lock_graph_release(&g);
	lock_file_release(&lf);
	strbuf_release(&deps);
	strbuf_release(&name);
}
END_TEST

/* ---- selection (lockfmt/export.c) -------------------------------------- */

static void expect_reduce(const char *marker, const char *extras,
			  const char *groups, int want, const char *residual)
{
	struct strvec e = STRVEC_INIT, g = STRVEC_INIT;
	struct strbuf out = STRBUF_INIT;
	struct cvl_error err = CVL_ERROR_INIT;
	const char *s;
	int r;

	for (s = extras; *s; s += strcspn(s, ",") + (s[strcspn(s, ",")] ? 1 : 0))
		strvec_pushn(&e, s, strcspn(s, ","));
	for (s = groups; *s; s += strcspn(s, ",") + (s[strcspn(s, ",")] ? 1 : 0))
		strvec_pushn(&g, s, strcspn(s, ","));
	r = lock_marker_reduce(marker, &e, &g, &out, &err);
	ck_assert_msg(r == want, "%s: got %d, want %d (%s)", marker, r, want,
		      err.msg);
	ck_assert_msg(!strcmp(out.buf, residual), "%s: got '%s', want '%s'",
		      marker, out.buf, residual);
	strvec_clear(&e);
	strvec_clear(&g);
	strbuf_release(&out);
}

START_TEST(test_marker_reduce)
{
	/* the PEP 751 sets are decided, names normalized */
	expect_reduce("'cli' in extras", "cli", "", 1, "");
	expect_reduce("'CLI' in extras", "cli", "", 1, "");
	expect_reduce("\"cli\" in extras", "", "dev", 0, "");
	expect_reduce("'dev' in dependency_groups", "dev", "", 0, "");
	expect_reduce("'Dev_Tools' in dependency_groups", "", "dev-tools", 1, "");
	expect_reduce("'lite' not in extras", "lite", "", 0, "");
	expect_reduce("'lite' not in extras", "", "", 1, "");
	/* the environment's part is kept, in its normal form */
	expect_reduce("sys_platform=='win32'", "", "", 1,
		      "sys_platform == \"win32\"");
	expect_reduce("sys_platform == 'win32' and 'cli' in extras", "cli", "",
		      1, "sys_platform == \"win32\"");
	expect_reduce("sys_platform == 'win32' and 'cli' in extras", "", "",
		      0, "");
	expect_reduce("sys_platform == 'win32' or 'cli' in extras", "cli", "",
		      1, "");
	expect_reduce("sys_platform == 'win32' or 'cli' in extras", "", "", 1,
		      "sys_platform == \"win32\"");
	expect_reduce("(os_name == 'nt' or python_version < '3.10') and ('a' in extras or 'dev' in dependency_groups)",
		      "", "dev", 1,
		      "(os_name == \"nt\" or python_version < \"3.10\")");
	expect_reduce("os_name == 'nt' and (python_version < '3.10' or 'dev' in dependency_groups) and platform_machine == 'x86_64'",
		      "", "", 1,
		      "os_name == \"nt\" and python_version < \"3.10\" and platform_machine == \"x86_64\"");
	expect_reduce("a_b == 'x'", "", "", -CVL_EINVAL, "");
	expect_reduce("'a' in extras or 'b' in extras and 'c' in extras", "b",
		      "", 0, "");
	expect_reduce("'a' in extras or 'b' in extras and 'c' in extras", "b,c",
		      "", 1, "");
	/* a value with quotes and escapes is kept as packaging writes it */
	expect_reduce("platform_version == 'a\"b' and 'x' in extras", "x", "",
		      1, "platform_version == 'a\"b'");
	expect_reduce("'x' in extra", "", "", 1, "\"x\" in extra");
}
END_TEST

START_TEST(test_select)
{
	struct lock_file lf;
	struct lock_selection sel;
	struct lock_select_opts o;
	struct cvl_error err = CVL_ERROR_INIT;
	const char *cli[] = { "CLI" }, *nope[] = { "nope" }, *docs[] = { "docs" };
	struct lock_package *p;

	lock_file_init(&lf);
	strvec_push(&lf.extras, "cli");
	strvec_push(&lf.dependency_groups, "dev");
	strvec_push(&lf.dependency_groups, "docs");
	strvec_push(&lf.default_groups, "dev");
	lock_file_add_package(&lf, "base", "1");
	p = lock_file_add_package(&lf, "click", "8");
	lock_set_str(&p->marker, "'cli' in extras and sys_platform == 'linux'");
	p = lock_file_add_package(&lf, "pytest", "8");
	lock_set_str(&p->marker, "'dev' in dependency_groups");
	p = lock_file_add_package(&lf, "sphinx", "8");
	lock_set_str(&p->marker, "'docs' in dependency_groups");

	/* default: the default groups */
	memset(&o, 0, sizeof(o));
	ck_assert_int_eq(lock_select(&lf, &o, &sel, &err), 0);
	ck_assert_uint_eq(sel.n, 4);
	ck_assert(sel.selected[0] && !sel.selected[1] && sel.selected[2] &&
		  !sel.selected[3]);
	ck_assert_uint_eq(sel.extras.nr, 0);
	ck_assert_uint_eq(sel.groups.nr, 1);
	ck_assert_str_eq(sel.groups.v[0], "dev");
	ck_assert_ptr_null(sel.markers[0]);
	ck_assert_ptr_null(sel.markers[2]);
	lock_selection_release(&sel);

	/* an extra, another group, no defaults */
	o.extras = cli;
	o.nextras = 1;
	o.groups = docs;
	o.ngroups = 1;
	o.no_default_groups = true;
	ck_assert_int_eq(lock_select(&lf, &o, &sel, &err), 0);
	ck_assert(sel.selected[0] && sel.selected[1] && !sel.selected[2] &&
		  sel.selected[3]);
	ck_assert_str_eq(sel.markers[1], "sys_platform == \"linux\"");
	ck_assert_str_eq(sel.extras.v[0], "cli");
	lock_selection_release(&sel);

	/* everything */
	memset(&o, 0, sizeof(o));
	o.all_extras = true;
	o.all_groups = true;
	ck_assert_int_eq(lock_select(&lf, &o, &sel, &err), 0);
	ck_assert(sel.selected[0] && sel.selected[1] && sel.selected[2] &&
		  sel.selected[3]);
	ck_assert_uint_eq(sel.groups.nr, 2);
	lock_selection_release(&sel);

	/* what the lockfile does not list */
	memset(&o, 0, sizeof(o));
	o.extras = nope;
	o.nextras = 1;
	ck_assert_int_eq(lock_select(&lf, &o, &sel, &err), -CVL_EINVAL);
	ck_assert_str_eq(err.msg, "extra 'nope' is not in the lockfile");
	ck_assert_str_eq(err.hint, "the lockfile's extras: cli");
	lock_selection_release(&sel);
	memset(&o, 0, sizeof(o));
	o.groups = nope;
	o.ngroups = 1;
	ck_assert_int_eq(lock_select(&lf, &o, &sel, &err), -CVL_EINVAL);
	ck_assert_str_eq(err.msg, "group 'nope' is not in the lockfile");
	lock_selection_release(&sel);

	/* an invalid marker */
	lock_set_str(&lf.packages[0].marker, "os_name ==");
	memset(&o, 0, sizeof(o));
	ck_assert_int_eq(lock_select(&lf, &o, &sel, &err), -CVL_EINVAL);
	ck_assert_str_eq(err.msg,
			 "package 'base' has an invalid marker 'os_name =='");
	lock_selection_release(&sel);
	lock_file_release(&lf);
}
END_TEST

Suite *suite_lockfmt_graph(void)
{
	Suite *s = suite_create("lockfmt_graph");
	TCase *tc = tcase_create("graph");

	tcase_add_test(tc, test_roots_from_requirements);
	tcase_add_test(tc, test_roots_without_requirements);
	tcase_add_test(tc, test_versions_and_markers);
	tcase_add_test(tc, test_shortest_paths);
	tcase_add_test(tc, test_many_paths);
	suite_add_tcase(s, tc);
	tc = tcase_create("select");
	tcase_add_test(tc, test_marker_reduce);
	tcase_add_test(tc, test_select);
	suite_add_tcase(s, tc);
	return s;
}
