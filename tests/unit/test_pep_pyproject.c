/* test_pep_pyproject.c - pyproject.toml inputs (pep/pyproject.c) */
#include "tests/unit/unit.h"
#include "pep/pep.h"

/* The text listing without its last line (the hash, tested elsewhere). */
static void render(const struct pep_inputs *in, struct strbuf *out)
{
	char *last;

	pep_inputs_format_text(in, out);
	ck_assert(out->len > 0 && out->buf[out->len - 1] == '\n');
	out->buf[out->len - 1] = '\0';
	last = strrchr(out->buf, '\n');
	ck_assert_ptr_nonnull(last);
	ck_assert(!strncmp(last + 1, "hash: sha256:", 13));
	strbuf_setlen(out, (size_t)(last - out->buf) + 1);
}

static const struct {
	const char *toml;
	const char *out;
} good[] = {
	{ "", "prerelease: if-necessary\nresolution: highest\n" },
	{ "[build-system]\nrequires = [\"setuptools\"]\n[tool.other]\nx = 1\n",
	  "prerelease: if-necessary\nresolution: highest\n" },
	{ "[project]\n"
	  "name = \"Demo_Project\"\n"
	  "version = \"1.0\"\n"
	  "dynamic = [\"readme\"]\n"
	  "requires-python = \">= 3.9, <4\"\n"
	  "dependencies = [\n"
	  "  \"Requests [socks] >= 2.31\",\n"
	  "  'click>=8; python_version >= \"3.9\"',\n"
	  "]\n"
	  "[project.optional-dependencies]\n"
	  "Fast_IO = [\"orjson\"]\n"
	  "all = [\"demo-project[fast-io]\"]\n"
	  "empty = []\n",
	  "project: demo-project\n"
	  "requires-python: <4,>=3.9\n"
	  "prerelease: if-necessary\nresolution: highest\n"
	  "requirements:\n"
	  "  click>=8; python_version >= \"3.9\"  (pyproject.toml:8)\n"
	  "  requests[socks]>=2.31  (pyproject.toml:7)\n"
	  "extras:\n"
	  "  all:\n"
	  "    demo-project[fast-io]  (pyproject.toml:12)\n"
	  "  empty: (empty)\n"
	  "  fast-io:\n"
	  "    orjson  (pyproject.toml:11)\n" },
	/* PEP 735 without [project]; includes expanded, nested, deduplicated */
	{ "[dependency-groups]\n"
	  "test = [\"pytest>=8\", {include-group = \"Lint\"}, \"coverage\"]\n"
	  "lint = [\"ruff\", \"mypy\"]\n"
	  "Dev_Tools = [{include-group = \"test\"}, {include-group = \"lint\"}, \"ipython\"]\n",
	  "prerelease: if-necessary\nresolution: highest\n"
	  "groups:\n"
	  "  dev-tools:\n"
	  "    coverage  (pyproject.toml:2)\n"
	  "    ipython  (pyproject.toml:4)\n"
	  "    mypy  (pyproject.toml:3)\n"
	  "    pytest>=8  (pyproject.toml:2)\n"
	  "    ruff  (pyproject.toml:3)\n"
	  "  lint:\n"
	  "    mypy  (pyproject.toml:3)\n"
	  "    ruff  (pyproject.toml:3)\n"
	  "  test:\n"
	  "    coverage  (pyproject.toml:2)\n"
	  "    mypy  (pyproject.toml:3)\n"
	  "    pytest>=8  (pyproject.toml:2)\n"
	  "    ruff  (pyproject.toml:3)\n" },
	/* an included group reached twice, and an empty group */
	{ "[dependency-groups]\n"
	  "a = [{include-group = \"b\"}, {include-group = \"c\"}]\n"
	  "b = [{include-group = \"d\"}]\n"
	  "c = [{include-group = \"d\"}, {include-group = \"e\"}]\n"
	  "d = [\"x\"]\n"
	  "e = []\n",
	  "prerelease: if-necessary\nresolution: highest\n"
	  "groups:\n"
	  "  a:\n    x  (pyproject.toml:5)\n"
	  "  b:\n    x  (pyproject.toml:5)\n"
	  "  c:\n    x  (pyproject.toml:5)\n"
	  "  d:\n    x  (pyproject.toml:5)\n"
	  "  e: (empty)\n" },
	/* [tool.cvlock]: every key */
	{ "[dependency-groups]\ndev = [\"pytest\"]\nDocs = [\"sphinx\"]\n"
	  "[tool.cvlock]\n"
	  "index-url = \"https://pypi.example/simple\"\n"
	  "extra-index-url = [\"https://b.example/simple\", \"https://a.example/simple\", \"https://b.example/simple\"]\n"
	  "find-links = [\"https://links.example/\", \"./wheels\"]\n"
	  "no-index = true\n"
	  "constraint-dependencies = [\"urllib3 < 3\"]\n"
	  "override-dependencies = [\"IDNA == 3.7\"]\n"
	  "default-groups = [\"docs\", \"dev\"]\n"
	  "prerelease = \"disallow\"\n"
	  "resolution = \"lowest\"\n"
	  "python-version = \"3.12.1\"\n",
	  "python-version: 3.12.1\n"
	  "index-url: https://pypi.example/simple\n"
	  "extra-index-url: https://b.example/simple\n"
	  "extra-index-url: https://a.example/simple\n"
	  "find-links: ./wheels\n"
	  "find-links: https://links.example/\n"
	  "no-index: true\n"
	  "prerelease: disallow\n"
	  "resolution: lowest\n"
	  "constraints:\n  urllib3<3  (pyproject.toml:9)\n"
	  "overrides:\n  idna==3.7  (pyproject.toml:10)\n"
	  "groups:\n"
	  "  dev:\n    pytest  (pyproject.toml:2)\n"
	  "  docs:\n    sphinx  (pyproject.toml:3)\n"
	  "default-groups: dev, docs\n" },
	/* dotted keys and inline tables are the same document */
	{ "tool.cvlock.resolution = \"lowest-direct\"\n"
	  "project = { name = \"x\", dependencies = [\"a\"] }\n",
	  "project: x\n"
	  "prerelease: if-necessary\nresolution: lowest-direct\n"
	  "requirements:\n  a  (pyproject.toml:2)\n" },
	{ "[tool.cvlock]\nprerelease = \"allow\"\ndefault-groups = []\n",
	  "prerelease: allow\nresolution: highest\ndefault-groups: (none)\n" },
	/* the target and pip's format control (applied in order) */
	{ "[tool.cvlock]\n"
	  "python-version = \"3.11\"\n"
	  "platform = \"macosx_14_0_arm64\"\n"
	  "implementation = \"pp\"\n"
	  "exclude-newer = \"2024-05-01T12:00:00.5+02:00\"\n"
	  "only-binary = [\":all:\", \"Zope.Interface\"]\n"
	  "no-binary = [\"zope-interface\", \"lxml\"]\n",
	  "python-version: 3.11\n"
	  "prerelease: if-necessary\nresolution: highest\n"
	  "platform: macosx_14_0_arm64\n"
	  "implementation: pp\n"
	  "exclude-newer: 2024-05-01T12:00:00.5+02:00\n"
	  "no-binary: lxml,zope-interface\n"
	  "only-binary: :all:\n" },
	{ "[tool.cvlock]\nexclude-newer = \"2024-05-01\"\n"
	  "no-binary = [\"a\", \":none:\", \"b\"]\n",
	  "prerelease: if-necessary\nresolution: highest\n"
	  "exclude-newer: 2024-05-01\n"
	  "no-binary: b\n" },
};

START_TEST(pyproject_good)
{
	struct pep_inputs in;
	struct cvl_error err = CVL_ERROR_INIT;
	struct strbuf out = STRBUF_INIT;
	const char *toml = good[_i].toml;
	int r;

	pep_inputs_init(&in);
	r = pep_pyproject_parse(&in, toml, strlen(toml), "pyproject.toml",
				&err);
	ck_assert_msg(r == 0, "case %d failed: %s:%d:%d: %s", _i, err.file,
		      err.line, err.column, err.msg);
	render(&in, &out);
	ck_assert_msg(!strcmp(out.buf, good[_i].out),
		      "case %d\nexpected:\n%sgot:\n%s", _i, good[_i].out,
		      out.buf);
	strbuf_release(&out);
	pep_inputs_release(&in);
}
END_TEST

static const struct {
	const char *toml;
	int code;
	int line, column;
	const char *msg;  /* exact, or a prefix when it ends in '*' */
	const char *hint; /* exact, or NULL for any */
} bad[] = {
	/* malformed TOML: the TOML parser's message and position */
	{ "[project\nname = \"x\"\n", CVL_EINVAL, 1, 9, "*", NULL },
	{ "a = 1\na = 2\n", CVL_EINVAL, 2, 1, "*", NULL },
	/* [project] */
	{ "[project]\nversion = \"1\"\n", CVL_EINVAL, 1, 2,
	  "missing key 'name' in [project]", NULL },
	{ "[project]\nname = 3\n", CVL_EINVAL, 2, 8,
	  "key 'name' must be a string, not an integer", NULL },
	{ "[project]\nname = \"-bad\"\n", CVL_EINVAL, 2, 8,
	  "invalid project name '-bad'", NULL },
	{ "project = 1\n", CVL_EINVAL, 1, 11,
	  "key 'project' must be a table, not an integer", NULL },
	{ "[project]\nname = \"x\"\ndynamic = [\"version\", \"dependencies\"]\n",
	  CVL_EUNSUPPORTED, 3, 23, "dynamic 'dependencies' is not supported",
	  "cvlock reads dependencies from pyproject.toml itself: list them in [project] dependencies" },
	{ "[project]\nname = \"x\"\ndynamic = [\"optional-dependencies\"]\n",
	  CVL_EUNSUPPORTED, 3, 12,
	  "dynamic 'optional-dependencies' is not supported", NULL },
	{ "[project]\nname = \"x\"\ndependencies = \"foo\"\n", CVL_EINVAL, 3, 16,
	  "key 'dependencies' must be an array, not a string", NULL },
	{ "[project]\nname = \"x\"\ndependencies = [\"a\", 1]\n", CVL_EINVAL, 3,
	  22, "expected a requirement string in project.dependencies, not an integer",
	  NULL },
	/* requirement errors at the character, when written without escapes */
	{ "[project]\nname = \"x\"\ndependencies = [\"ok\", \"foo>=\"]\n",
	  CVL_EINVAL, 3, 29, "invalid requirement: *", NULL },
	{ "[project]\nname = \"x\"\ndependencies = ['ok', 'foo>=']\n",
	  CVL_EINVAL, 3, 29, "invalid requirement: *", NULL },
	/* ... at the opening quote otherwise */
	{ "[project]\nname = \"x\"\ndependencies = [\"ok\", \"f\\u006Fo>=\"]\n",
	  CVL_EINVAL, 3, 23, "invalid requirement: *", NULL },
	{ "[project]\nname = \"x\"\ndependencies = [\"\"\"\nfoo>=\"\"\"]\n",
	  CVL_EINVAL, 3, 17, "invalid requirement: *", NULL },
	{ "[project]\nname = \"x\"\nrequires-python = \">=3.9,<<4\"\n",
	  CVL_EINVAL, 3, 27, "invalid requires-python: *", NULL },
	{ "[project]\nname = \"x\"\n[project.optional-dependencies]\n"
	  "ok = [\"a\"]\nbad = [\"b c\"]\n",
	  CVL_EINVAL, 5, 11, "invalid requirement: *", NULL },
	{ "[project]\nname = \"x\"\n[project.optional-dependencies]\n"
	  "foo_bar = []\nFoo-Bar = [\"x\"]\n",
	  CVL_EINVAL, 5, 1,
	  "duplicate extra 'Foo-Bar' (names are compared normalized)", NULL },
	{ "[project]\nname = \"x\"\n[project.optional-dependencies]\n"
	  "\"bad name\" = []\n",
	  CVL_EINVAL, 4, 1, "invalid extra name 'bad name'", NULL },
	{ "[project]\nname = \"x\"\n[project.optional-dependencies]\nx = \"a\"\n",
	  CVL_EINVAL, 4, 5,
	  "expected an array in project.optional-dependencies, not a string",
	  NULL },
	/* [dependency-groups] */
	{ "[dependency-groups]\na = [{include-group = \"b\"}]\n"
	  "b = [\"x\", {include-group = \"a\"}]\n",
	  CVL_EINVAL, 3, 28, "dependency group cycle: a -> b -> a", NULL },
	{ "[dependency-groups]\nA = [{include-group = \"b\"}]\n"
	  "b = [{include-group = \"C\"}]\nc = [{include-group = \"B\"}]\n",
	  CVL_EINVAL, 4, 23, "dependency group cycle: b -> c -> b", NULL },
	{ "[dependency-groups]\nself = [{include-group = \"self\"}]\n",
	  CVL_EINVAL, 2, 26, "dependency group cycle: self -> self", NULL },
	{ "[dependency-groups]\na = [{include-group = \"nope\"}]\n",
	  CVL_EINVAL, 2, 23,
	  "dependency group 'a' includes unknown group 'nope'", NULL },
	{ "[dependency-groups]\na = [{include-group = \"b\", x = 1}]\nb = []\n",
	  CVL_EINVAL, 2, 28,
	  "unknown key 'x' in an include of dependency group 'a'", NULL },
	{ "[dependency-groups]\na = [{}]\n", CVL_EINVAL, 2, 6,
	  "expected {include-group = \"...\"} in dependency group 'a'", NULL },
	{ "[dependency-groups]\na = [{include-group = 1}]\n", CVL_EINVAL, 2, 23,
	  "expected a group name in include-group, not an integer", NULL },
	{ "[dependency-groups]\na = [1]\n", CVL_EINVAL, 2, 6,
	  "expected a requirement string or {include-group = \"...\"} in dependency group 'a', not an integer",
	  NULL },
	{ "[dependency-groups]\na = \"x\"\n", CVL_EINVAL, 2, 5,
	  "expected an array in [dependency-groups], not a string", NULL },
	{ "[dependency-groups]\nTest = []\ntest = []\n", CVL_EINVAL, 3, 1,
	  "duplicate dependency group 'test' (names are compared normalized)",
	  NULL },
	{ "[dependency-groups]\n\"-x\" = []\n", CVL_EINVAL, 2, 1,
	  "invalid dependency group name '-x'", NULL },
	/* requirement errors come in file order, before include errors */
	{ "[dependency-groups]\na = [{include-group = \"b\"}, \"bad bad\"]\n"
	  "b = [\"worse>=\"]\n",
	  CVL_EINVAL, 2, 34, "invalid requirement: *", NULL },
	/* [tool.cvlock] */
	{ "[tool.cvlock]\nindex-url = \"https://x\"\nfoo = 1\n", CVL_EINVAL, 3, 1,
	  "unknown key 'foo' in [tool.cvlock]",
	  "valid keys: constraint-dependencies, default-groups, exclude-newer, extra-index-url, find-links, implementation, index-url, no-binary, no-index, only-binary, override-dependencies, platform, prerelease, python-version, resolution" },
	{ "[tool.cvlock]\nindex_url = \"https://x\"\n", CVL_EINVAL, 2, 1,
	  "unknown key 'index_url' in [tool.cvlock]", NULL },
	{ "[tool]\ncvlock = 1\n", CVL_EINVAL, 2, 10,
	  "key 'cvlock' must be a table, not an integer", NULL },
	{ "[tool.cvlock]\nindex-url = 3\n", CVL_EINVAL, 2, 13,
	  "key 'index-url' in [tool.cvlock] must be a string, not an integer",
	  NULL },
	{ "[tool.cvlock]\nindex-url = \"\"\n", CVL_EINVAL, 2, 13,
	  "empty value for 'index-url' in [tool.cvlock]", NULL },
	{ "[tool.cvlock]\nextra-index-url = \"https://x\"\n", CVL_EINVAL, 2, 19,
	  "key 'extra-index-url' in [tool.cvlock] must be an array, not a string",
	  NULL },
	{ "[tool.cvlock]\nfind-links = [true]\n", CVL_EINVAL, 2, 15,
	  "expected a string in tool.cvlock.find-links, not a bool", NULL },
	{ "[tool.cvlock]\nno-index = \"yes\"\n", CVL_EINVAL, 2, 12,
	  "key 'no-index' in [tool.cvlock] must be a bool, not a string", NULL },
	{ "[tool.cvlock]\nconstraint-dependencies = [\"a<\"]\n", CVL_EINVAL, 2,
	  31, "invalid requirement: *", NULL },
	{ "[tool.cvlock]\noverride-dependencies = [\"a\", 2]\n", CVL_EINVAL, 2,
	  31,
	  "expected a requirement string in tool.cvlock.override-dependencies, not an integer",
	  NULL },
	{ "[dependency-groups]\ndev = []\n[tool.cvlock]\ndefault-groups = [\"dev\", \"nope\"]\n",
	  CVL_EINVAL, 4, 26,
	  "default group 'nope' is not defined in [dependency-groups]", NULL },
	{ "[tool.cvlock]\nprerelease = \"maybe\"\n", CVL_EINVAL, 2, 14,
	  "invalid prerelease 'maybe' in [tool.cvlock]",
	  "expected one of: if-necessary, allow, disallow" },
	{ "[tool.cvlock]\nresolution = \"newest\"\n", CVL_EINVAL, 2, 14,
	  "invalid resolution 'newest' in [tool.cvlock]",
	  "expected one of: highest, lowest, lowest-direct" },
	{ "[tool.cvlock]\npython-version = \"3\"\n", CVL_EINVAL, 2, 18,
	  "invalid python-version '3' in [tool.cvlock]",
	  "expected a version such as '3.12' or '3.12.1'" },
	{ "[tool.cvlock]\npython-version = \"3.12.\"\n", CVL_EINVAL, 2, 18,
	  "invalid python-version '3.12.' in [tool.cvlock]", NULL },
	{ "[tool.cvlock]\nplatform = \"linux x86\"\n", CVL_EINVAL, 2, 12,
	  "invalid platform 'linux x86' in [tool.cvlock]",
	  "expected a platform tag such as 'manylinux_2_28_x86_64', 'macosx_14_0_arm64' or 'win_amd64'" },
	{ "[tool.cvlock]\nplatform = \"\"\n", CVL_EINVAL, 2, 12,
	  "empty value for 'platform' in [tool.cvlock]", NULL },
	{ "[tool.cvlock]\nplatform = [\"linux\"]\n", CVL_EINVAL, 2, 12,
	  "key 'platform' in [tool.cvlock] must be a string, not an array",
	  NULL },
	{ "[tool.cvlock]\nimplementation = \"cpython\"\n", CVL_EINVAL, 2, 18,
	  "invalid implementation 'cpython' in [tool.cvlock]",
	  "expected 'cp' (CPython) or 'pp' (PyPy)" },
	{ "[tool.cvlock]\nexclude-newer = \"2024-5-1\"\n", CVL_EINVAL, 2, 17,
	  "invalid exclude-newer '2024-5-1' in [tool.cvlock]",
	  "expected a date (2024-05-01) or an RFC 3339 time (2024-05-01T12:00:00Z)" },
	{ "[tool.cvlock]\nexclude-newer = \"2024-05-01T12:00:00\"\n", CVL_EINVAL,
	  2, 17, "invalid exclude-newer '2024-05-01T12:00:00' in [tool.cvlock]",
	  NULL },
	{ "[tool.cvlock]\nexclude-newer = \"2024-05-01T12:00:00.Z\"\n", CVL_EINVAL,
	  2, 17, "invalid exclude-newer '2024-05-01T12:00:00.Z' in [tool.cvlock]",
	  NULL },
	{ "[tool.cvlock]\nno-binary = \":all:\"\n", CVL_EINVAL, 2, 13,
	  "key 'no-binary' in [tool.cvlock] must be an array, not a string",
	  NULL },
	{ "[tool.cvlock]\nonly-binary = [\"a\", \"b,c\"]\n", CVL_EINVAL, 2, 21,
	  "invalid project name 'b,c' in only-binary in [tool.cvlock]",
	  "expected project names, \":all:\" or \":none:\", one per string" },
	{ "[tool.cvlock]\nno-binary = [\"-x\"]\n", CVL_EINVAL, 2, 14,
	  "invalid project name '-x' in no-binary in [tool.cvlock]", NULL },
	{ "[tool.cvlock]\nno-binary = [1]\n", CVL_EINVAL, 2, 14,
	  "expected a project name in tool.cvlock.no-binary, not an integer",
	  NULL },
};

START_TEST(pyproject_bad)
{
	struct pep_inputs in;
	struct cvl_error err = CVL_ERROR_INIT;
	const char *toml = bad[_i].toml;
	const char *want = bad[_i].msg;
	size_t wl = strlen(want);
	int r;

	pep_inputs_init(&in);
	r = pep_pyproject_parse(&in, toml, strlen(toml), "dir/pyproject.toml",
				&err);
	ck_assert_msg(r == -bad[_i].code, "case %d: got %d (%s)", _i, r,
		      err.msg);
	ck_assert_int_eq(err.code, bad[_i].code);
	ck_assert_str_eq(err.file, "dir/pyproject.toml");
	ck_assert_msg(err.line == bad[_i].line && err.column == bad[_i].column,
		      "case %d: at %d:%d, expected %d:%d (%s)", _i, err.line,
		      err.column, bad[_i].line, bad[_i].column, err.msg);
	if (want[wl - 1] == '*')
		ck_assert_msg(!strncmp(err.msg, want, wl - 1) &&
				      strlen(err.msg) > wl - 1,
			      "case %d: message '%s'", _i, err.msg);
	else
		ck_assert_str_eq(err.msg, want);
	if (bad[_i].hint)
		ck_assert_str_eq(err.hint, bad[_i].hint);
	pep_inputs_release(&in);
}
END_TEST

/* Origins name the file as the caller gave it, and the line of the string. */
START_TEST(pyproject_origins)
{
	struct pep_inputs in;
	struct cvl_error err = CVL_ERROR_INIT;
	const char *toml = "[project]\nname = \"x\"\ndependencies = [\n\n  \"b\",  \"a\"]\n";

	pep_inputs_init(&in);
	ck_assert_int_eq(pep_pyproject_parse(&in, toml, strlen(toml),
					     "sub/pyproject.toml", &err), 0);
	ck_assert_uint_eq(in.requirements.nr, 2);
	ck_assert_str_eq(in.requirements.items[0].text, "b");
	ck_assert_str_eq(in.requirements.items[0].file, "sub/pyproject.toml");
	ck_assert_int_eq(in.requirements.items[0].line, 5);
	ck_assert_int_eq(in.requirements.items[0].column, 3);
	ck_assert_int_eq(in.requirements.items[1].column, 9);
	pep_inputs_release(&in);
}
END_TEST

/* The default group: [tool.cvlock] default-groups, else "dev" if defined. */
START_TEST(pyproject_default_groups)
{
	struct pep_inputs in;
	struct cvl_error err = CVL_ERROR_INIT;
	const char *a = "[dependency-groups]\nDev = [\"x\"]\nlint = []\n";
	const char *b = "[dependency-groups]\ndev = []\nlint = []\n"
			"[tool.cvlock]\ndefault-groups = [\"Lint\"]\n";
	const char *c = "[dependency-groups]\nlint = []\n";

	pep_inputs_init(&in);
	ck_assert_int_eq(pep_pyproject_parse(&in, a, strlen(a), "p", &err), 0);
	pep_inputs_select_default_groups(&in);
	ck_assert_uint_eq(in.selected_groups.nr, 1);
	ck_assert_str_eq(in.selected_groups.v[0], "dev");
	pep_inputs_release(&in);

	ck_assert_int_eq(pep_pyproject_parse(&in, b, strlen(b), "p", &err), 0);
	pep_inputs_select_default_groups(&in);
	ck_assert_uint_eq(in.selected_groups.nr, 1);
	ck_assert_str_eq(in.selected_groups.v[0], "lint");
	pep_inputs_release(&in);

	ck_assert_int_eq(pep_pyproject_parse(&in, c, strlen(c), "p", &err), 0);
	pep_inputs_select_default_groups(&in);
	ck_assert_uint_eq(in.selected_groups.nr, 0);
	pep_inputs_release(&in);
}
END_TEST

/* Long include chains are refused instead of recursing without bound. */
START_TEST(pyproject_deep_includes)
{
	struct pep_inputs in;
	struct cvl_error err = CVL_ERROR_INIT;
	struct strbuf doc = STRBUF_INIT;
	int i, n = 300;

	strbuf_addstr(&doc, "[dependency-groups]\n");
	for (i = 0; i < n; i++)
		strbuf_addf(&doc, "g%d = [{include-group = \"g%d\"}]\n", i,
			    i + 1);
	strbuf_addf(&doc, "g%d = [\"x\"]\n", n);
	pep_inputs_init(&in);
	ck_assert_int_eq(pep_pyproject_parse(&in, doc.buf, doc.len, "p", &err),
			 -CVL_EINVAL);
	ck_assert_str_eq(err.msg, "dependency group includes nested deeper than 256");
	pep_inputs_release(&in);

	/* 200 deep is fine */
	strbuf_reset(&doc);
	strbuf_addstr(&doc, "[dependency-groups]\n");
	for (i = 0; i < 200; i++)
		strbuf_addf(&doc, "g%d = [{include-group = \"g%d\"}]\n", i,
			    i + 1);
	strbuf_addstr(&doc, "g200 = [\"x\"]\n");
	ck_assert_int_eq(pep_pyproject_parse(&in, doc.buf, doc.len, "p", &err),
			 0);
	ck_assert_uint_eq(in.ngroups, 201);
	ck_assert_uint_eq(in.groups[0].nr, 1);
	ck_assert_str_eq(in.groups[0].items[0].text, "x");
	pep_inputs_release(&in);
	strbuf_release(&doc);
}
END_TEST

Suite *suite_pep_pyproject(void)
{
	Suite *s = suite_create("pep_pyproject");
	TCase *tc = tcase_create("pyproject");

	tcase_add_loop_test(tc, pyproject_good, 0, (int)ARRAY_SIZE(good));
	tcase_add_loop_test(tc, pyproject_bad, 0, (int)ARRAY_SIZE(bad));
	tcase_add_test(tc, pyproject_origins);
	tcase_add_test(tc, pyproject_default_groups);
	tcase_add_test(tc, pyproject_deep_includes);
	suite_add_tcase(s, tc);
	return s;
}
