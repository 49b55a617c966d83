/*
 * test_lockfmt_diff.c - the differences between two lockfiles
 * (lockfmt/diff.c, diff_format.c): the PEP 440 jump of a version move,
 * matching by name and marker, the kinds of change, via, requirement
 * changes, every risk signal, a missing side, and the three renderings
 * compared whole.
 *
 * Lockfiles are written as TOML text (pkg() below builds an entry) and
 * read with lock_read(), so tool tables (yanked) come through the reader.
 */
#include "tests/unit/unit.h"
#include "lockfmt/lockfmt.h"

#define LOCK_HEAD "lock-version = \"1.0\"\ncreated-by = \"test\"\n"

/*
 * Append a [[packages]] entry: `name`, `version`, one py3 wheel from
 * index `idx` whose sha256 is 64 times `h` (or, for h == 0, only an
 * sdist with hash "ee..."), and `more` (TOML lines: marker,
 * requires-python, dependencies, tool table...) after the version.
 */
static void pkg(struct strbuf *sb, const char *name, const char *version,
		const char *idx, char h, const char *more)
{
	char hash[65];

	memset(hash, h ? h : 'e', 64);
	hash[64] = '\0';
	strbuf_addf(sb, "\n[[packages]]\nname = \"%s\"\nversion = \"%s\"\n%s",
		    name, version, more ? more : "");
	strbuf_addf(sb, "index = \"%s\"\n", idx);
	if (!h) {
		strbuf_addf(sb, "sdist = {name = \"%s-%s.tar.gz\", "
			    "url = \"%s/%s-%s.tar.gz\", hashes = {sha256 = \"%s\"}}\n",
			    name, version, idx, name, version, hash);
		return;
	}
	strbuf_addf(sb, "wheels = [{name = \"%s-%s-py3-none-any.whl\", "
		    "url = \"%s/%s-%s-py3-none-any.whl\", "
		    "hashes = {sha256 = \"%s\"}}]\n",
		    name, version, idx, name, version, hash);
}

static void read_lock(struct lock_file *lf, const struct strbuf *text)
{
	struct lock_diags d = LOCK_DIAGS_INIT;
	struct cvl_error err = CVL_ERROR_INIT;
	struct strbuf msg = STRBUF_INIT;

	lock_file_init(lf);
	if (lock_read(lf, text->buf, text->len, &d, &err)) {
		lock_diags_format(&d, "test.toml", &msg);
		ck_abort_msg("lockfile does not read:\n%s\n%s", msg.buf,
			     text->buf);
	}
	lock_diags_release(&d);
	strbuf_release(&msg);
}

/* "kind name old>new jump [what...] via a,b" per change, "; "-joined. */
static void changes_text(const struct lock_diff *d, struct strbuf *out)
{
	static const char *const what[] = {
		"marker", "source", "files", "hashes", "requires-python",
		"dependencies", "yanked",
	};
	size_t i, k;

	for (i = 0; i < d->nchanges; i++) {
		const struct lock_change *c = &d->changes[i];
		const struct lock_package *p = c->new ? c->new : c->old;

		if (i)
			strbuf_addstr(out, "; ");
		strbuf_addf(out, "%s %s %s>%s", lock_change_kind_name(c->kind),
			    p->name,
			    c->old && c->old->version ? c->old->version : "",
			    c->new && c->new->version ? c->new->version : "");
		if (c->jump != LOCK_JUMP_NONE)
			strbuf_addf(out, " %s", lock_jump_name(c->jump));
		for (k = 0; k < ARRAY_SIZE(what); k++)
			if (c->what & (1u << k))
				strbuf_addf(out, " [%s]", what[k]);
		if (c->via.nr) {
			strbuf_addstr(out, " via ");
			for (k = 0; k < c->via.nr; k++)
				strbuf_addf(out, "%s%s", k ? "," : "",
					    c->via.v[k]);
		}
	}
}

/* "kind pkg|lockfile file old>new" per risk, "; "-joined. */
static void risks_text(const struct lock_diff *d, struct strbuf *out)
{
	size_t i;

	for (i = 0; i < d->nrisks; i++) {
		const struct lock_risk *r = &d->risks[i];

		if (i)
			strbuf_addstr(out, "; ");
		strbuf_addf(out, "%s %s", lock_risk_kind_name(r->kind),
			    r->pkg ? r->pkg->name : "lockfile");
		if (r->file)
			strbuf_addf(out, " %s", r->file);
		if (r->old || r->new)
			strbuf_addf(out, " %s>%s", r->old ? r->old : "-",
				    r->new ? r->new : "-");
	}
}

/*
 * Compare long texts: on a difference, the whole output goes to stderr
 * and the failure names the first differing line (Check's messages are
 * short).
 */
#define expect_text(got, want) expect_text_at(__LINE__, (got), (want))
static void expect_text_at(int line, const char *got, const char *want)
{
	size_t i = 0, start;

	if (!strcmp(got, want))
		return;
	while (got[i] && got[i] == want[i])
		i++;
	start = i;
	while (start && got[start - 1] != '\n')
		start--;
	fprintf(stderr, "line %d: got:\n%s\n", line, got);
	ck_abort_msg("line %d: differs at byte %zu: got '%.120s', want '%.120s'",
		     line, i, got + start, want + start);
}

struct pair {
	struct strbuf a, b;
	struct lock_file old, new;
	struct lock_diff d;
	struct strbuf changes, risks;
};

static void pair_init(struct pair *p)
{
	strbuf_init(&p->a, 0);
	strbuf_init(&p->b, 0);
	strbuf_init(&p->changes, 0);
	strbuf_init(&p->risks, 0);
	strbuf_addstr(&p->a, LOCK_HEAD);
	strbuf_addstr(&p->b, LOCK_HEAD);
}

static void pair_run(struct pair *p)
{
	read_lock(&p->old, &p->a);
	read_lock(&p->new, &p->b);
	lock_diff_compute(&p->d, &p->old, &p->new);
	changes_text(&p->d, &p->changes);
	risks_text(&p->d, &p->risks);
}

static void pair_release(struct pair *p)
{
	lock_diff_release(&p->d);
	lock_file_release(&p->old);
	lock_file_release(&p->new);
	strbuf_release(&p->a);
	strbuf_release(&p->b);
	strbuf_release(&p->changes);
	strbuf_release(&p->risks);
}

static const struct {
	const char *a, *b;
	enum lock_jump jump;
	int sign;
} jumps[] = {
	{ "1.0", "2.0", LOCK_JUMP_MAJOR, -1 },
	{ "2.0", "1.9", LOCK_JUMP_MAJOR, 1 },
	{ "1.0", "1.1", LOCK_JUMP_MINOR, -1 },
	{ "1.0", "1.1rc1", LOCK_JUMP_MINOR, -1 },
	{ "1.0", "1.0.1", LOCK_JUMP_PATCH, -1 },
	{ "1.2.3.4", "1.2.3.5", LOCK_JUMP_PATCH, -1 },
	{ "1.2.3", "1.2.2", LOCK_JUMP_PATCH, 1 },
	{ "1.0", "1.0.0", LOCK_JUMP_NONE, 0 },
	{ "v1.0", "1.0", LOCK_JUMP_NONE, 0 },
	{ "1!1.0", "2.0", LOCK_JUMP_EPOCH, 1 },
	{ "1.0rc1", "1.0", LOCK_JUMP_PRE, -1 },
	{ "1.0a1", "1.0b1", LOCK_JUMP_PRE, -1 },
	{ "1.0a1", "1.0a2", LOCK_JUMP_PRE, -1 },
	{ "1.0", "1.0.post1", LOCK_JUMP_POST, -1 },
	{ "1.0.post1", "1.0.post2", LOCK_JUMP_POST, -1 },
	{ "1.0.dev1", "1.0", LOCK_JUMP_DEV, -1 },
	{ "1.0+a", "1.0+b", LOCK_JUMP_LOCAL, -1 },
	{ "1.0", "1.0+ubuntu.1", LOCK_JUMP_LOCAL, -1 },
	{ "99999999999999999999.0", "99999999999999999999.1",
	  LOCK_JUMP_MINOR, -1 },
	{ "not a version", "1.0", LOCK_JUMP_NONE, 0 },
	{ NULL, "1.0", LOCK_JUMP_NONE, 0 },
	{ "1.0", NULL, LOCK_JUMP_NONE, 0 },
};

START_TEST(test_version_jump)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(jumps); i++) {
		int cmp = 42;
		enum lock_jump j = lock_version_jump(jumps[i].a, jumps[i].b,
						     &cmp);

		ck_assert_msg(j == jumps[i].jump, "%s -> %s: %s, expected %s",
			      jumps[i].a ? jumps[i].a : "(null)",
			      jumps[i].b ? jumps[i].b : "(null)",
			      lock_jump_name(j), lock_jump_name(jumps[i].jump));
		ck_assert_msg((cmp > 0) - (cmp < 0) == jumps[i].sign,
			      "%s -> %s: cmp %d", jumps[i].a ? jumps[i].a : "",
			      jumps[i].b ? jumps[i].b : "", cmp);
	}
	ck_assert_ptr_null(NULL);
	ck_assert_int_eq(lock_version_jump("1.0", "2.0", NULL),
			 LOCK_JUMP_MAJOR);
}
END_TEST

START_TEST(test_kinds)
{
	const char *ix = "https://a.example/simple";
	struct pair p;

	pair_init(&p);
	pkg(&p.a, "beta", "1.0", ix, 'a', NULL);
	pkg(&p.a, "eps", "1.0", ix, 'a', NULL);
	pkg(&p.a, "kappa", "1.2.3", ix, 'a', NULL);
	pkg(&p.a, "same", "1.0", ix, 'a', NULL);
	pkg(&p.b, "beta", "2.0", ix, 'b', NULL);
	pkg(&p.b, "gamma", "1.0", ix, 'a', NULL);
	pkg(&p.b, "kappa", "1.2.2", ix, 'a', NULL);
	pkg(&p.b, "same", "1.0", ix, 'a', NULL);
	/* the same version spelled otherwise, the same file */
	strbuf_addf(&p.b, "\n[[packages]]\nname = \"spelled\"\n"
		    "version = \"1.0.0\"\nindex = \"%s\"\n"
		    "wheels = [{name = \"spelled-1.0-py3-none-any.whl\", "
		    "url = \"%s/spelled-1.0-py3-none-any.whl\", "
		    "hashes = {sha256 = \"%064d\"}}]\n", ix, ix, 0);
	strbuf_addf(&p.a, "\n[[packages]]\nname = \"spelled\"\n"
		    "version = \"1.0\"\nindex = \"%s\"\n"
		    "wheels = [{name = \"spelled-1.0-py3-none-any.whl\", "
		    "url = \"%s/spelled-1.0-py3-none-any.whl\", "
		    "hashes = {sha256 = \"%064d\"}}]\n", ix, ix, 0);
	pair_run(&p);
	/* without [tool.cvlock] requirements, each is its own root */
	expect_text(p.changes.buf,
		    "upgraded beta 1.0>2.0 major via beta; "
		    "removed eps 1.0> via eps; added gamma >1.0 via gamma; "
		    "downgraded kappa 1.2.3>1.2.2 patch via kappa");
	expect_text(p.risks.buf, "");
	ck_assert_uint_eq(p.d.nadded, 1);
	ck_assert_uint_eq(p.d.nremoved, 1);
	ck_assert_uint_eq(p.d.nupgraded, 1);
	ck_assert_uint_eq(p.d.ndowngraded, 1);
	ck_assert_uint_eq(p.d.nchanged, 0);
	/* same, and spelled (1.0 == 1.0.0: same version, same files) */
	ck_assert_uint_eq(p.d.nunchanged, 2);
	ck_assert(!lock_diff_is_empty(&p.d));
	pair_release(&p);
}
END_TEST

START_TEST(test_unchanged_is_empty)
{
	const char *ix = "https://a.example/simple";
	struct pair p;

	pair_init(&p);
	strbuf_addstr(&p.a, "requires-python = \">=3.8\"\n"
		      "environments = [\"sys_platform == 'linux'\"]\n");
	/* the same constraints spelled otherwise */
	strbuf_addstr(&p.b, "requires-python = \">= 3.8\"\n"
		      "environments = ['sys_platform==\"linux\"']\n");
	pkg(&p.a, "a", "1.0", ix, 'a', "marker = \"python_version < '3.9'\"\n");
	pkg(&p.b, "a", "1.0", ix, 'a', "marker = 'python_version<\"3.9\"'\n");
	pkg(&p.a, "b", "1.0", ix, 'a', NULL);
	pkg(&p.b, "b", "1.0", ix, 'a', NULL);
	pair_run(&p);
	expect_text(p.changes.buf, "");
	expect_text(p.risks.buf, "");
	ck_assert_uint_eq(p.d.nunchanged, 2);
	ck_assert(lock_diff_is_empty(&p.d));
	pair_release(&p);
}
END_TEST

START_TEST(test_markers)
{
	const char *ix = "https://a.example/simple";
	struct pair p;

	pair_init(&p);
	/* foo: one entry per marker, the old-Python one moves */
	pkg(&p.a, "foo", "1.0", ix, 'a', "marker = \"python_version < '3.9'\"\n");
	pkg(&p.a, "foo", "2.0", ix, 'a', "marker = \"python_version >= '3.9'\"\n");
	pkg(&p.b, "foo", "1.5", ix, 'a', "marker = \"python_version < '3.9'\"\n");
	pkg(&p.b, "foo", "2.0", ix, 'a', "marker = \"python_version >= '3.9'\"\n");
	/* bar: the marker changes, the version does not */
	pkg(&p.a, "bar", "1.0", ix, 'a', "marker = \"sys_platform == 'linux'\"\n");
	pkg(&p.b, "bar", "1.0", ix, 'a',
	    "marker = \"sys_platform == 'linux' or sys_platform == 'darwin'\"\n");
	/* baz: split in two by marker: one keeps the version */
	pkg(&p.a, "baz", "1.0", ix, 'a', NULL);
	pkg(&p.b, "baz", "0.9", ix, 'a', "marker = \"python_version < '3.9'\"\n");
	pkg(&p.b, "baz", "1.0", ix, 'a', "marker = \"python_version >= '3.9'\"\n");
	pair_run(&p);
	expect_text(p.changes.buf,
		    "changed bar 1.0>1.0 [marker] via bar; "
		    "added baz >0.9 via baz; "
		    "changed baz 1.0>1.0 [marker] via baz; "
		    "upgraded foo 1.0>1.5 minor via foo");
	ck_assert_uint_eq(p.d.nunchanged, 1);
	pair_release(&p);
}
END_TEST

START_TEST(test_via_and_requirements)
{
	const char *ix = "https://a.example/simple";
	struct pair p;

	pair_init(&p);
	pkg(&p.a, "alpha", "1.0", ix, 'a',
	    "dependencies = [{name = \"beta\"}]\n");
	pkg(&p.a, "beta", "1.0", ix, 'a', NULL);
	pkg(&p.a, "eps", "1.0", ix, 'a', NULL);
	strbuf_addstr(&p.a, "\n[tool.cvlock]\nrequirements = "
		      "[\"alpha<1.1\", \"eps\", \"click>=8; 'cli' in extras\", "
		      "\"x\", \"x[y]\"]\n");
	pkg(&p.b, "alpha", "1.1", ix, 'a',
	    "dependencies = [{name = \"beta\"}, {name = \"gamma\"}]\n");
	pkg(&p.b, "beta", "2.0", ix, 'a', NULL);
	pkg(&p.b, "gamma", "1.0", ix, 'a', NULL);
	pkg(&p.b, "zeta", "1.0", ix, 'a', NULL);
	strbuf_addstr(&p.b, "\n[tool.cvlock]\nrequirements = "
		      "[\"alpha\", \"beta>=2\", \"zeta\", \"Zeta[fast]\", "
		      "\"click>=9; 'cli' in extras\", \"click>=9\", \"x\"]\n");
	pair_run(&p);
	expect_text(p.changes.buf,
			 "upgraded alpha 1.0>1.1 minor via alpha; "
			 "upgraded beta 1.0>2.0 major via alpha,beta>=2; "
			 "removed eps 1.0> via eps; "
			 "added gamma >1.0 via alpha; "
			 "added zeta >1.0 via Zeta[fast],zeta");
	/* one removed and one added of a name and marker are a change */
	ck_assert_uint_eq(p.d.requirements_changed_old.nr, 2);
	ck_assert_str_eq(p.d.requirements_changed_old.v[0], "alpha<1.1");
	ck_assert_str_eq(p.d.requirements_changed_new.v[0], "alpha");
	ck_assert_str_eq(p.d.requirements_changed_old.v[1],
			 "click>=8; 'cli' in extras");
	ck_assert_str_eq(p.d.requirements_changed_new.v[1],
			 "click>=9; 'cli' in extras");
	ck_assert_uint_eq(p.d.requirements_added.nr, 4);
	ck_assert_str_eq(p.d.requirements_added.v[0], "Zeta[fast]");
	ck_assert_str_eq(p.d.requirements_added.v[1], "beta>=2");
	ck_assert_str_eq(p.d.requirements_added.v[2], "click>=9");
	ck_assert_str_eq(p.d.requirements_added.v[3], "zeta");
	ck_assert_uint_eq(p.d.requirements_removed.nr, 2);
	ck_assert_str_eq(p.d.requirements_removed.v[0], "eps");
	ck_assert_str_eq(p.d.requirements_removed.v[1], "x[y]");
	pair_release(&p);
}
END_TEST

START_TEST(test_risks)
{
	const char *ix = "https://a.example/simple", *iy = "https://b.example/simple";
	struct pair p;

	pair_init(&p);
	strbuf_addstr(&p.a, "requires-python = \">=3.8\"\n"
		      "environments = [\"sys_platform == 'linux'\"]\n");
	strbuf_addstr(&p.b, "requires-python = \">=3.9\"\n"
		      "environments = [\"sys_platform == 'linux'\", "
		      "\"sys_platform == 'darwin'\"]\n");
	/* same version, another hash */
	pkg(&p.a, "delta", "1.0", ix, 'a', NULL);
	pkg(&p.b, "delta", "1.0", ix, 'b', NULL);
	/* another index (trailing slash alone is no move) */
	pkg(&p.a, "moved", "1.0", ix, 'a', NULL);
	pkg(&p.b, "moved", "1.0", iy, 'a', NULL);
	pkg(&p.a, "slash", "1.0", "https://a.example/simple/", 'a', NULL);
	pkg(&p.b, "slash", "1.0", ix, 'a', NULL);
	/* only an sdist: new package, new version, but not when it was so */
	pkg(&p.b, "zeta", "1.0", ix, 0, NULL);
	pkg(&p.a, "sd", "1.0", ix, 'a', NULL);
	pkg(&p.b, "sd", "2.0", ix, 0, NULL);
	pkg(&p.a, "sdsame", "1.0", ix, 0, NULL);
	pkg(&p.b, "sdsame", "1.0", ix, 0, "requires-python = \">=3\"\n");
	/* yanked (tool table): new, newly, and already */
	pkg(&p.b, "y1", "1.0", ix, 'a',
	    "tool.cvlock.yanked = \"broken build\"\n");
	pkg(&p.a, "y2", "1.0", ix, 'a', NULL);
	pkg(&p.b, "y2", "1.0", ix, 'a', "tool.cvlock.yanked = true\n");
	pkg(&p.a, "y3", "1.0", ix, 'a', "tool.cvlock.yanked = true\n");
	pkg(&p.b, "y3", "1.0", ix, 'a',
	    "requires-python = \">=3\"\ntool.cvlock.yanked = true\n");
	pkg(&p.b, "y4", "1.0", ix, 'a', "tool.cvlock.yanked = false\n");
	/* requires-python, with an upgrade */
	pkg(&p.a, "rp", "1.0", ix, 'a', "requires-python = \">=3.7\"\n");
	pkg(&p.b, "rp", "1.1", ix, 'a', "requires-python = \">=3.9\"\n");
	pair_run(&p);
	expect_text(p.changes.buf,
		    "changed delta 1.0>1.0 [hashes] via delta; "
		    "changed moved 1.0>1.0 [source] via moved; "
		    "upgraded rp 1.0>1.1 minor [requires-python] via rp; "
		    "upgraded sd 1.0>2.0 major via sd; "
		    "changed sdsame 1.0>1.0 [requires-python] via sdsame; "
		    "added y1 >1.0 via y1; "
		    "changed y2 1.0>1.0 [yanked] via y2; "
		    "changed y3 1.0>1.0 [requires-python] via y3; "
		    "added y4 >1.0 via y4; added zeta >1.0 via zeta");
	/* slash: same index */
	ck_assert_uint_eq(p.d.nunchanged, 1);
	expect_text(p.risks.buf,
			 "hash delta delta-1.0-py3-none-any.whl "
			 "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa>"
			 "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb; "
			 "index moved https://a.example/simple>https://b.example/simple; "
			 "requires-python rp >=3.7>>=3.9; "
			 "sdist-only sd sd-2.0.tar.gz; "
			 "requires-python sdsame ->>=3; "
			 "yanked y1 ->broken build; "
			 "yanked y2; "
			 "requires-python y3 ->>=3; "
			 "sdist-only zeta zeta-1.0.tar.gz; "
			 "lock-requires-python lockfile >=3.8>>=3.9; "
			 "environments lockfile sys_platform == 'linux'>"
			 "sys_platform == 'linux'; sys_platform == 'darwin'");
	pair_release(&p);
}
END_TEST

START_TEST(test_sources)
{
	const char *ix = "https://a.example/simple";
	struct pair p;

	pair_init(&p);
	strbuf_addstr(&p.a, "\n[[packages]]\nname = \"v\"\nversion = \"1.0\"\n"
		      "vcs = {type = \"git\", url = \"https://g.example/v.git\", "
		      "commit-id = \"0123456789abcdef0123456789abcdef01234567\"}\n");
	strbuf_addstr(&p.b, "\n[[packages]]\nname = \"v\"\nversion = \"1.0\"\n"
		      "vcs = {type = \"git\", url = \"https://g.example/v.git\", "
		      "commit-id = \"fedcba9876543210fedcba9876543210fedcba98\"}\n");
	pkg(&p.a, "w", "1.0", ix, 'a', NULL);
	strbuf_addstr(&p.b, "\n[[packages]]\nname = \"w\"\nversion = \"1.0\"\n"
		      "directory = {path = \"src/w\", editable = true}\n");
	pair_run(&p);
	expect_text(p.changes.buf,
		    "changed v 1.0>1.0 [source] via v; "
		    "changed w 1.0>1.0 [source] [files] via w");
	expect_text(p.risks.buf,
			 "source v git https://g.example/v.git@0123456789abcdef0123456789abcdef01234567>"
			 "git https://g.example/v.git@fedcba9876543210fedcba9876543210fedcba98; "
			 "source w https://a.example/simple>directory src/w (editable)");
	pair_release(&p);
}
END_TEST

START_TEST(test_missing_side)
{
	const char *ix = "https://a.example/simple";
	struct strbuf text = STRBUF_INIT, out = STRBUF_INIT;
	struct lock_file empty, lf;
	struct lock_diff d;

	strbuf_addstr(&text, LOCK_HEAD "requires-python = \">=3.9\"\n");
	pkg(&text, "a", "1.0", ix, 'a', NULL);
	pkg(&text, "b", "1.0", ix, 0, NULL);
	read_lock(&lf, &text);
	lock_file_init(&empty);
	/* an empty old lockfile: everything added, no lockfile risk */
	lock_diff_compute(&d, &empty, &lf);
	changes_text(&d, &out);
	expect_text(out.buf, "added a >1.0 via a; added b >1.0 via b");
	strbuf_reset(&out);
	risks_text(&d, &out);
	expect_text(out.buf, "sdist-only b b-1.0.tar.gz");
	lock_diff_release(&d);
	/* an empty new one: everything removed, no risk */
	lock_diff_compute(&d, &lf, &empty);
	strbuf_reset(&out);
	changes_text(&d, &out);
	expect_text(out.buf, "removed a 1.0> via a; removed b 1.0> via b");
	ck_assert_uint_eq(d.nremoved, 2);
	ck_assert_uint_eq(d.nrisks, 0);
	lock_diff_release(&d);
	lock_diff_compute(&d, &empty, &empty);
	ck_assert(lock_diff_is_empty(&d));
	lock_diff_release(&d);
	lock_file_release(&empty);
	lock_file_release(&lf);
	strbuf_release(&text);
	strbuf_release(&out);
}
END_TEST

/* The pair rendered in the three formats below. */
static void render_pair(struct pair *p)
{
	const char *ix = "https://a.example/simple";

	pair_init(p);
	strbuf_addstr(&p->a, "requires-python = \">=3.8\"\n");
	strbuf_addstr(&p->b, "requires-python = \">=3.9\"\n");
	pkg(&p->a, "alpha", "1.0", ix, 'a',
	    "dependencies = [{name = \"beta\"}]\n");
	pkg(&p->a, "beta", "1.0", ix, 'a', NULL);
	pkg(&p->a, "delta", "1.0", ix, 'a', NULL);
	pkg(&p->a, "eps", "1.0", ix, 'a', NULL);
	strbuf_addstr(&p->a, "\n[tool.cvlock]\nrequirements = "
		      "[\"alpha<1.1\", \"delta\", \"eps\"]\n");
	pkg(&p->b, "alpha", "1.1", ix, 'a',
	    "dependencies = [{name = \"beta\"}, {name = \"zeta\"}]\n");
	pkg(&p->b, "beta", "1.0", ix, 'a', NULL);
	pkg(&p->b, "delta", "1.0", ix, 'b', NULL);
	pkg(&p->b, "zeta", "1.0", ix, 0,
	    "marker = \"sys_platform == 'linux'\"\n"
	    "tool.cvlock.yanked = \"bad | `code`\"\n");
	strbuf_addstr(&p->b, "\n[tool.cvlock]\nrequirements = "
		      "[\"alpha\", \"delta\"]\n");
	pair_run(p);
}

START_TEST(test_format_text)
{
	struct lock_diff_style st = { "a.toml", "b.toml", false };
	struct strbuf out = STRBUF_INIT;
	struct pair p;

	render_pair(&p);
	lock_diff_format_text(&p.d, &st, &out);
	expect_text(out.buf,
		"--- a.toml\n"
		"+++ b.toml\n"
		"requirements:\n"
		"  changed   alpha<1.1 -> alpha\n"
		"  removed   eps\n"
		"packages:\n"
		"  upgraded  alpha                          1.0 -> 1.1  minor   via alpha\n"
		"  changed   delta                          1.0         hashes  via delta\n"
		"  removed   eps                            1.0                 via eps\n"
		"  added     zeta; sys_platform == 'linux'  1.0                 via alpha\n"
		"risks:\n"
		"  delta 1.0: the sha256 of 'delta-1.0-py3-none-any.whl' changed but the version did not\n"
		"  zeta 1.0: only an sdist ('zeta-1.0.tar.gz'): installing it builds it from source\n"
		"  zeta 1.0: this version is yanked: 'bad | `code`'\n"
		"  lockfile: requires-python changed from '>=3.8' to '>=3.9'\n"
		"1 added, 1 removed, 1 upgraded, 0 downgraded, 1 changed, 1 unchanged; 4 risks\n");
	/* colours only when asked */
	ck_assert_ptr_null(strchr(out.buf, '\033'));
	strbuf_reset(&out);
	st.color = true;
	lock_diff_format_text(&p.d, &st, &out);
	ck_assert_ptr_nonnull(strstr(out.buf,
				     "  \033[36mupgraded\033[m  alpha"));
	ck_assert_ptr_nonnull(strstr(out.buf, "\033[1m\033[31mrisks:\033[m\n"));
	strbuf_release(&out);
	pair_release(&p);
}
END_TEST

START_TEST(test_format_markdown)
{
	struct lock_diff_style st = { "HEAD:py|lock.toml", "b.toml", true };
	struct strbuf out = STRBUF_INIT;
	struct pair p;

	render_pair(&p);
	lock_diff_format_markdown(&p.d, &st, &out);
	expect_text(out.buf,
		"**cvlock diff** `HEAD:py\\|lock.toml` -> `b.toml`: 1 added, 1 removed, "
		"1 upgraded, 0 downgraded, 1 changed, 1 unchanged; 4 risks\n"
		"\n"
		"**Requirements**\n"
		"\n"
		"- changed `alpha<1.1` -> `alpha`\n"
		"- removed `eps`\n"
		"\n"
		"| Package | Old | New | Change | Via |\n"
		"| --- | --- | --- | --- | --- |\n"
		"| alpha | 1.0 | 1.1 | upgraded (minor) | `alpha` |\n"
		"| delta | 1.0 | 1.0 | changed (hashes) | `delta` |\n"
		"| eps | 1.0 |  | removed | `eps` |\n"
		"| zeta `sys_platform == 'linux'` |  | 1.0 | added | `alpha` |\n"
		"\n"
		"**Risks**\n"
		"\n"
		"- **delta 1.0**: the sha256 of `delta-1.0-py3-none-any.whl` changed but the version did not\n"
		"- **zeta 1.0**: only an sdist (`zeta-1.0.tar.gz`): installing it builds it from source\n"
		"- **zeta 1.0**: this version is yanked: `` bad \\| `code` ``\n"
		"- **lockfile**: requires-python changed from `>=3.8` to `>=3.9`\n");
	ck_assert_ptr_null(strchr(out.buf, '\033'));
	strbuf_release(&out);
	pair_release(&p);
}
END_TEST

START_TEST(test_format_json)
{
	struct lock_diff_style st = { "a \"old\"\n", "b.toml", true };
	struct strbuf out = STRBUF_INIT;
	struct pair p;

	render_pair(&p);
	lock_diff_format_json(&p.d, &st, &out);
	expect_text(out.buf,
		"{\n"
		"  \"old\": \"a \\\"old\\\"\\n\",\n"
		"  \"new\": \"b.toml\",\n"
		"  \"summary\": {\n"
		"    \"added\": 1,\n"
		"    \"removed\": 1,\n"
		"    \"upgraded\": 1,\n"
		"    \"downgraded\": 0,\n"
		"    \"changed\": 1,\n"
		"    \"unchanged\": 1,\n"
		"    \"risks\": 4\n"
		"  },\n"
		"  \"requirements\": {\n"
		"    \"added\": [],\n"
		"    \"removed\": [\"eps\"],\n"
		"    \"changed\": [\n"
		"      {\"old\": \"alpha<1.1\", \"new\": \"alpha\"}\n"
		"    ]\n"
		"  },\n"
		"  \"packages\": [\n"
		"    {\n"
		"      \"name\": \"alpha\",\n"
		"      \"change\": \"upgraded\",\n"
		"      \"old_version\": \"1.0\",\n"
		"      \"new_version\": \"1.1\",\n"
		"      \"old_marker\": null,\n"
		"      \"new_marker\": null,\n"
		"      \"jump\": \"minor\",\n"
		"      \"details\": [],\n"
		"      \"via\": [\"alpha\"]\n"
		"    },\n"
		"    {\n"
		"      \"name\": \"delta\",\n"
		"      \"change\": \"changed\",\n"
		"      \"old_version\": \"1.0\",\n"
		"      \"new_version\": \"1.0\",\n"
		"      \"old_marker\": null,\n"
		"      \"new_marker\": null,\n"
		"      \"jump\": null,\n"
		"      \"details\": [\"hashes\"],\n"
		"      \"via\": [\"delta\"]\n"
		"    },\n"
		"    {\n"
		"      \"name\": \"eps\",\n"
		"      \"change\": \"removed\",\n"
		"      \"old_version\": \"1.0\",\n"
		"      \"new_version\": null,\n"
		"      \"old_marker\": null,\n"
		"      \"new_marker\": null,\n"
		"      \"jump\": null,\n"
		"      \"details\": [],\n"
		"      \"via\": [\"eps\"]\n"
		"    },\n"
		"    {\n"
		"      \"name\": \"zeta\",\n"
		"      \"change\": \"added\",\n"
		"      \"old_version\": null,\n"
		"      \"new_version\": \"1.0\",\n"
		"      \"old_marker\": null,\n"
		"      \"new_marker\": \"sys_platform == 'linux'\",\n"
		"      \"jump\": null,\n"
		"      \"details\": [],\n"
		"      \"via\": [\"alpha\"]\n"
		"    }\n"
		"  ],\n"
		"  \"risks\": [\n"
		"    {\n"
		"      \"kind\": \"hash\",\n"
		"      \"package\": \"delta\",\n"
		"      \"version\": \"1.0\",\n"
		"      \"file\": \"delta-1.0-py3-none-any.whl\",\n"
		"      \"algorithm\": \"sha256\",\n"
		"      \"old\": \"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\",\n"
		"      \"new\": \"bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb\"\n"
		"    },\n"
		"    {\n"
		"      \"kind\": \"sdist-only\",\n"
		"      \"package\": \"zeta\",\n"
		"      \"version\": \"1.0\",\n"
		"      \"file\": \"zeta-1.0.tar.gz\",\n"
		"      \"algorithm\": null,\n"
		"      \"old\": null,\n"
		"      \"new\": null\n"
		"    },\n"
		"    {\n"
		"      \"kind\": \"yanked\",\n"
		"      \"package\": \"zeta\",\n"
		"      \"version\": \"1.0\",\n"
		"      \"file\": null,\n"
		"      \"algorithm\": null,\n"
		"      \"old\": null,\n"
		"      \"new\": \"bad | `code`\"\n"
		"    },\n"
		"    {\n"
		"      \"kind\": \"lock-requires-python\",\n"
		"      \"package\": null,\n"
		"      \"version\": null,\n"
		"      \"file\": null,\n"
		"      \"algorithm\": null,\n"
		"      \"old\": \">=3.8\",\n"
		"      \"new\": \">=3.9\"\n"
		"    }\n"
		"  ]\n"
		"}\n");
	strbuf_release(&out);
	pair_release(&p);
}
END_TEST

START_TEST(test_format_empty)
{
	struct lock_diff_style st = { NULL, NULL, true };
	struct strbuf out = STRBUF_INIT;
	struct lock_file a;
	struct lock_diff d;

	lock_file_init(&a);
	lock_diff_compute(&d, &a, &a);
	lock_diff_format_text(&d, &st, &out);
	expect_text(out.buf, "\033[1m--- \033[mold\n"
			 "\033[1m+++ \033[mnew\nno changes\n");
	strbuf_reset(&out);
	lock_diff_format_markdown(&d, &st, &out);
	expect_text(out.buf, "**cvlock diff** `old` -> `new`: no changes\n");
	strbuf_reset(&out);
	lock_diff_format_json(&d, &st, &out);
	expect_text(out.buf,
		"{\n"
		"  \"old\": \"old\",\n"
		"  \"new\": \"new\",\n"
		"  \"summary\": {\n"
		"    \"added\": 0,\n"
		"    \"removed\": 0,\n"
		"    \"upgraded\": 0,\n"
		"    \"downgraded\": 0,\n"
		"    \"changed\": 0,\n"
		"    \"unchanged\": 0,\n"
		"    \"risks\": 0\n"
		"  },\n"
		"  \"requirements\": {\n"
		"    \"added\": [],\n"
		"    \"removed\": [],\n"
		"    \"changed\": []\n"
		"  },\n"
		"  \"packages\": [],\n"
		"  \"risks\": []\n"
		"}\n");
	lock_diff_release(&d);
	lock_file_release(&a);
	strbuf_release(&out);
}
END_TEST

Suite *suite_lockfmt_diff(void)
{
	Suite *s = suite_create("lockfmt_diff");
	TCase *tc = tcase_create("diff");

	tcase_add_test(tc, test_version_jump);
	tcase_add_test(tc, test_kinds);
	tcase_add_test(tc, test_unchanged_is_empty);
	tcase_add_test(tc, test_markers);
	tcase_add_test(tc, test_via_and_requirements);
	tcase_add_test(tc, test_risks);
	tcase_add_test(tc, test_sources);
	tcase_add_test(tc, test_missing_side);
	tcase_add_test(tc, test_format_text);
	tcase_add_test(tc, test_format_markdown);
	tcase_add_test(tc, test_format_json);
	tcase_add_test(tc, test_format_empty);
	suite_add_tcase(s, tc);
	return s;
}
