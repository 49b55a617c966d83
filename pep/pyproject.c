/*
 * pyproject.c - the inputs a pyproject.toml declares:
 *   [project]            name, requires-python, dependencies,
 *                        optional-dependencies (PEP 621)
 *   [dependency-groups]  PEP 735, {include-group = "..."} expanded
 *   [tool.cvlock]        resolution settings, the same as the options of
 *                        'cvlock resolve'
 * Every error names the file and points at the offending key or value.
 */
#include "pep/internal.h"
#include "toml/toml.h"

struct loader {
	struct pep_inputs *in;
	const char *file;
	const char *src; /* the document text, to place errors inside strings */
	size_t srclen;
	size_t *line_start; /* byte offset of each line, built on first use */
	size_t nlines;
	struct cvl_error *err;
};

/* The [tool.cvlock] keys, sorted (the hint lists them in this order). */
static const char *const tool_keys[] = {
	"constraint-dependencies",
	"default-groups",
	"exclude-newer",
	"extra-index-url",
	"find-links",
	"implementation",
	"index-url",
	"no-binary",
	"no-index",
	"only-binary",
	"override-dependencies",
	"platform",
	"prerelease",
	"python-version",
	"resolution",
};

static const char *article(enum toml_type t)
{
	switch (t) {
	case TOML_ARRAY:
	case TOML_INTEGER:
		return "an";
	default:
		return "a";
	}
}

static int fail_at(struct loader *ld, int line, int column, int code,
		   const char *fmt, ...) CVL_PRINTF(5, 6);

static int fail_at(struct loader *ld, int line, int column, int code,
		   const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = cvl_error_setv(ld->err, code, fmt, ap);
	va_end(ap);
	cvl_error_at(ld->err, line, column);
	return r;
}

/* "expected a string in project.dependencies, not an integer" */
static int fail_type(struct loader *ld, const struct toml_value *v,
		     const char *expected, const char *where)
{
	return fail_at(ld, v->line, v->column, CVL_EINVAL,
		       "expected %s in %s, not %s %s", expected, where,
		       article(v->type), toml_type_name(v->type));
}

/*
 * The column of byte `off` (0-based) of string value `v`, when the string
 * is written on one line without escapes, so that the text between the
 * quotes is the value itself; otherwise the column of the opening quote.
 */
static int string_column(struct loader *ld, const struct toml_value *v,
			 size_t off)
{
	size_t pos, n = v->u.string.len;
	char q;

	if (!ld->src || v->line < 1 || v->column < 1)
		return v->column;
	if (!ld->line_start) {
		size_t i, alloc = 0;

		ALLOC_GROW(ld->line_start, 1, alloc);
		ld->line_start[0] = 0;
		ld->nlines = 1;
		for (i = 0; i < ld->srclen; i++)
			if (ld->src[i] == '\n') {
				ALLOC_GROW(ld->line_start, ld->nlines + 1,
					   alloc);
				ld->line_start[ld->nlines++] = i + 1;
			}
	}
	if ((size_t)v->line > ld->nlines)
		return v->column;
	pos = ld->line_start[v->line - 1] + (size_t)v->column - 1;
	if (pos >= ld->srclen)
		return v->column;
	q = ld->src[pos];
	if (q != '"' && q != '\'')
		return v->column;
	if (pos + 1 + n >= ld->srclen || ld->src[pos + 1 + n] != q ||
	    (n && memcmp(ld->src + pos + 1, v->u.string.p, n)) ||
	    memchr(v->u.string.p, '\n', n))
		return v->column;
	if (!n && pos + 2 < ld->srclen && ld->src[pos + 2] == q)
		return v->column; /* """ or ''' */
	if (off > n)
		off = n;
	return v->column + 1 + (int)off;
}

/* Report requirement error `perr` of string value `v` at its character. */
static int requirement_error(struct loader *ld, const struct toml_value *v,
			     const struct cvl_error *perr)
{
	size_t off = perr->column > 0 ? (size_t)perr->column - 1 : 0;
	int r;

	r = fail_at(ld, v->line, string_column(ld, v, off),
		    perr->code ? perr->code : CVL_EINVAL,
		    "invalid requirement: %s", perr->msg);
	if (perr->hint[0])
		cvl_error_hint(ld->err, "%s", perr->hint);
	return r;
}

/* Parse string value `v` as a requirement into `list`. */
static int add_requirement(struct loader *ld, struct pep_input_list *list,
			   const struct toml_value *v)
{
	struct cvl_error perr = CVL_ERROR_INIT;

	if (memchr(v->u.string.p, '\0', v->u.string.len))
		return fail_at(ld, v->line, v->column, CVL_EINVAL,
			       "NUL character in requirement");
	if (pep_input_list_add_string(list, v->u.string.p, v->u.string.len,
				      ld->file, v->line, v->column, &perr) < 0)
		return requirement_error(ld, v, &perr);
	return 0;
}

/* Only check that string value `v` is a valid requirement. */
static int check_requirement(struct loader *ld, const struct toml_value *v)
{
	struct pep_requirement req = PEP_REQUIREMENT_INIT;
	struct cvl_error perr = CVL_ERROR_INIT;
	int r = 0;

	if (memchr(v->u.string.p, '\0', v->u.string.len))
		return fail_at(ld, v->line, v->column, CVL_EINVAL,
			       "NUL character in requirement");
	if (pep_requirement_parse(&req, v->u.string.p, v->u.string.len,
				  &perr) < 0)
		r = requirement_error(ld, v, &perr);
	pep_requirement_release(&req);
	return r;
}

/* Check that `arr` holds only strings ("expected ... in `where`"). */
static int check_strings(struct loader *ld, const struct toml_value *arr,
			 const char *what, const char *where)
{
	size_t i;

	for (i = 0; i < toml_array_size(arr); i++) {
		const struct toml_value *v = toml_array_at(arr, i);

		if (v->type != TOML_STRING)
			return fail_type(ld, v, what, where);
	}
	return 0;
}

static int add_requirements(struct loader *ld, struct pep_input_list *list,
			    const struct toml_value *arr, const char *where)
{
	size_t i;
	int r = check_strings(ld, arr, "a requirement string", where);

	for (i = 0; !r && i < toml_array_size(arr); i++)
		r = add_requirement(ld, list, toml_array_at(arr, i));
	return r;
}

static int expect(struct loader *ld, const struct toml_value *tbl,
		  const char *key, enum toml_type type,
		  const struct toml_value **out)
{
	return toml_table_expect(tbl, key, type, false, out, ld->err);
}

/* ---- [project] ---------------------------------------------------------- */

static int load_dynamic(struct loader *ld, const struct toml_value *dyn)
{
	size_t i;
	int r = check_strings(ld, dyn, "a string", "project.dynamic");

	for (i = 0; !r && i < toml_array_size(dyn); i++) {
		const struct toml_value *v = toml_array_at(dyn, i);
		struct cvl_str s = v->u.string;

		if (cvl_str_eq_cstr(s, "dependencies") ||
		    cvl_str_eq_cstr(s, "optional-dependencies")) {
			r = fail_at(ld, v->line, v->column, CVL_EUNSUPPORTED,
				    "dynamic '%s' is not supported", s.p);
			cvl_error_hint(ld->err,
				       "cvlock reads dependencies from pyproject.toml itself: list them in [project] %s",
				       s.p);
		}
	}
	return r;
}

static int load_extras(struct loader *ld, const struct toml_value *tbl)
{
	size_t i;
	int r;

	for (i = 0; i < toml_table_size(tbl); i++) {
		const struct toml_keyval *kv = toml_table_at(tbl, i);
		struct pep_input_list *l;

		if (!pep_name_is_valid(kv->key.p, kv->key.len))
			return fail_at(ld, kv->line, kv->column, CVL_EINVAL,
				       "invalid extra name '%s'", kv->key.p);
		if (pep_inputs_find_extra(ld->in, kv->key.p, kv->key.len))
			return fail_at(ld, kv->line, kv->column, CVL_EINVAL,
				       "duplicate extra '%s' (names are compared normalized)",
				       kv->key.p);
		if (kv->value->type != TOML_ARRAY)
			return fail_type(ld, kv->value, "an array",
					 "project.optional-dependencies");
		l = pep_inputs_add_extra(ld->in, kv->key.p, kv->key.len);
		r = add_requirements(ld, l, kv->value,
				     "project.optional-dependencies");
		if (r < 0)
			return r;
	}
	return 0;
}

static int load_project(struct loader *ld, const struct toml_value *project)
{
	const struct toml_value *v;
	struct strbuf sb = STRBUF_INIT;
	int r;

	if (!toml_table_get(project, "name"))
		return fail_at(ld, project->line, project->column, CVL_EINVAL,
			       "missing key 'name' in [project]");
	r = expect(ld, project, "name", TOML_STRING, &v);
	if (r < 0)
		return r;
	if (!pep_name_is_valid(v->u.string.p, v->u.string.len))
		return fail_at(ld, v->line, v->column, CVL_EINVAL,
			       "invalid project name '%s'", v->u.string.p);
	pep_name_canonicalize(v->u.string.p, v->u.string.len, &sb);
	free(ld->in->project_name);
	ld->in->project_name = strbuf_detach(&sb, NULL);

	r = expect(ld, project, "dynamic", TOML_ARRAY, &v);
	if (!r && v)
		r = load_dynamic(ld, v);
	if (r < 0)
		return r;

	r = expect(ld, project, "requires-python", TOML_STRING, &v);
	if (r < 0)
		return r;
	if (v) {
		struct pep_specset set = PEP_SPECSET_INIT;
		struct cvl_error perr = CVL_ERROR_INIT;

		if (pep_specset_parse(&set, v->u.string.p, v->u.string.len,
				      &perr) < 0) {
			size_t off = perr.column > 0 ? (size_t)perr.column - 1 : 0;

			pep_specset_release(&set);
			return fail_at(ld, v->line, string_column(ld, v, off),
				       perr.code ? perr.code : CVL_EINVAL,
				       "invalid requires-python: %s", perr.msg);
		}
		pep_specset_format(&set, &sb);
		pep_specset_release(&set);
		free(ld->in->requires_python);
		ld->in->requires_python = strbuf_detach(&sb, NULL);
	}

	r = expect(ld, project, "dependencies", TOML_ARRAY, &v);
	if (!r && v)
		r = add_requirements(ld, &ld->in->requirements, v,
				     "project.dependencies");
	if (r < 0)
		return r;

	r = expect(ld, project, "optional-dependencies", TOML_TABLE, &v);
	if (!r && v)
		r = load_extras(ld, v);
	return r;
}

/* ---- [dependency-groups] (PEP 735) --------------------------------------- */

/* Includes nested deeper than this are refused (bounds the recursion). */
#define GROUP_MAX_DEPTH 256

struct group {
	const struct toml_keyval *kv;
	char *canon;
	int state; /* 0 not expanded, 1 being expanded, 2 done */
	const struct toml_value **reqs; /* the expanded requirement strings */
	size_t nreqs, alloc;
};

struct groups {
	struct group *v;
	size_t nr, alloc;
	size_t *path; /* indexes of the groups being expanded */
	size_t npath, alloc_path;
};

static struct group *group_find(struct groups *gs, const char *name,
				size_t len)
{
	struct strbuf sb = STRBUF_INIT;
	struct group *found = NULL;
	size_t i;

	pep_name_canonicalize(name, len, &sb);
	for (i = 0; i < gs->nr; i++)
		if (!strcmp(gs->v[i].canon, sb.buf)) {
			found = &gs->v[i];
			break;
		}
	strbuf_release(&sb);
	return found;
}

static void group_add_req(struct group *g, const struct toml_value *v)
{
	size_t i;

	/* pointer identity: a string reached through two includes is one */
	for (i = 0; i < g->nreqs; i++)
		if (g->reqs[i] == v)
			return;
	ALLOC_GROW(g->reqs, g->nreqs + 1, g->alloc);
	g->reqs[g->nreqs++] = v;
}

/* {include-group = "name"}: the name's value, or an error. */
static int include_target(struct loader *ld, struct groups *gs,
			  const struct toml_value *tbl, const char *gname,
			  const struct toml_value **out)
{
	const struct toml_keyval *kv;
	const struct toml_value *v;

	if (toml_table_size(tbl) != 1 ||
	    !cvl_str_eq_cstr(toml_table_at(tbl, 0)->key, "include-group")) {
		size_t i;

		for (i = 0; i < toml_table_size(tbl); i++) {
			kv = toml_table_at(tbl, i);
			if (!cvl_str_eq_cstr(kv->key, "include-group"))
				return fail_at(ld, kv->line, kv->column,
					       CVL_EINVAL,
					       "unknown key '%s' in an include of dependency group '%s'",
					       kv->key.p, gname);
		}
		return fail_at(ld, tbl->line, tbl->column, CVL_EINVAL,
			       "expected {include-group = \"...\"} in dependency group '%s'",
			       gname);
	}
	v = toml_table_at(tbl, 0)->value;
	if (v->type != TOML_STRING)
		return fail_type(ld, v, "a group name", "include-group");
	if (!group_find(gs, v->u.string.p, v->u.string.len))
		return fail_at(ld, v->line, v->column, CVL_EINVAL,
			       "dependency group '%s' includes unknown group '%s'",
			       gname, v->u.string.p);
	*out = v;
	return 0;
}

static int expand_group(struct loader *ld, struct groups *gs, size_t gi,
			int depth);

static int cycle_error(struct loader *ld, struct groups *gs, size_t target,
		       const struct toml_value *at)
{
	struct strbuf chain = STRBUF_INIT;
	size_t i, from = 0;
	int r;

	for (i = 0; i < gs->npath; i++)
		if (gs->path[i] == target) {
			from = i;
			break;
		}
	for (i = from; i < gs->npath; i++)
		strbuf_addf(&chain, "%s -> ", gs->v[gs->path[i]].kv->key.p);
	strbuf_addstr(&chain, gs->v[target].kv->key.p);
	r = fail_at(ld, at->line, at->column, CVL_EINVAL,
		    "dependency group cycle: %s", chain.buf);
	strbuf_release(&chain);
	return r;
}

static int expand_group(struct loader *ld, struct groups *gs, size_t gi,
			int depth)
{
	struct group *g = &gs->v[gi];
	const struct toml_value *arr = g->kv->value;
	size_t i, j;
	int r;

	if (g->state == 2)
		return 0;
	if (depth > GROUP_MAX_DEPTH)
		return fail_at(ld, g->kv->line, g->kv->column, CVL_EINVAL,
			       "dependency group includes nested deeper than %d",
			       GROUP_MAX_DEPTH);
	g->state = 1;
	ALLOC_GROW(gs->path, gs->npath + 1, gs->alloc_path);
	gs->path[gs->npath++] = gi;
	for (i = 0; i < toml_array_size(arr); i++) {
		const struct toml_value *v = toml_array_at(arr, i), *target;
		size_t ti;

		if (v->type == TOML_STRING) {
			group_add_req(&gs->v[gi], v);
			continue;
		}
		/* checked by the first pass */
		target = toml_table_at(v, 0)->value;
		ti = (size_t)(group_find(gs, target->u.string.p,
					 target->u.string.len) - gs->v);
		if (gs->v[ti].state == 1)
			return cycle_error(ld, gs, ti, target);
		r = expand_group(ld, gs, ti, depth + 1);
		if (r < 0)
			return r;
		for (j = 0; j < gs->v[ti].nreqs; j++)
			group_add_req(&gs->v[gi], gs->v[ti].reqs[j]);
	}
	gs->npath--;
	gs->v[gi].state = 2;
	return 0;
}

static int load_groups(struct loader *ld, const struct toml_value *tbl)
{
	struct groups gs = { NULL, 0, 0, NULL, 0, 0 };
	struct strbuf sb = STRBUF_INIT;
	size_t i, j;
	int r = 0;

	/* first pass: names, types, requirement syntax, include targets */
	for (i = 0; i < toml_table_size(tbl); i++) {
		const struct toml_keyval *kv = toml_table_at(tbl, i);
		struct group *g;

		if (!pep_name_is_valid(kv->key.p, kv->key.len)) {
			r = fail_at(ld, kv->line, kv->column, CVL_EINVAL,
				    "invalid dependency group name '%s'",
				    kv->key.p);
			goto out;
		}
		if (group_find(&gs, kv->key.p, kv->key.len)) {
			r = fail_at(ld, kv->line, kv->column, CVL_EINVAL,
				    "duplicate dependency group '%s' (names are compared normalized)",
				    kv->key.p);
			goto out;
		}
		if (kv->value->type != TOML_ARRAY) {
			r = fail_type(ld, kv->value, "an array",
				      "[dependency-groups]");
			goto out;
		}
		ALLOC_GROW(gs.v, gs.nr + 1, gs.alloc);
		g = &gs.v[gs.nr++];
		memset(g, 0, sizeof(*g));
		g->kv = kv;
		strbuf_reset(&sb);
		pep_name_canonicalize(kv->key.p, kv->key.len, &sb);
		g->canon = strbuf_detach(&sb, NULL);
	}
	for (i = 0; i < gs.nr; i++) {
		const struct toml_value *arr = gs.v[i].kv->value;
		const char *gname = gs.v[i].kv->key.p;

		for (j = 0; j < toml_array_size(arr); j++) {
			const struct toml_value *v = toml_array_at(arr, j);
			const struct toml_value *target;

			if (v->type == TOML_TABLE) {
				r = include_target(ld, &gs, v, gname, &target);
			} else if (v->type == TOML_STRING) {
				/* validate now, so errors come in file order */
				r = check_requirement(ld, v);
			} else {
				strbuf_reset(&sb);
				strbuf_addf(&sb, "dependency group '%s'", gname);
				r = fail_type(ld, v,
					      "a requirement string or {include-group = \"...\"}",
					      sb.buf);
			}
			if (r < 0)
				goto out;
		}
	}

	/* second pass: expand includes, then add the groups in file order */
	for (i = 0; i < gs.nr; i++) {
		r = expand_group(ld, &gs, i, 0);
		if (r < 0)
			goto out;
	}
	for (i = 0; i < gs.nr; i++) {
		struct pep_input_list *l;

		l = pep_inputs_add_group(ld->in, gs.v[i].kv->key.p,
					 gs.v[i].kv->key.len);
		for (j = 0; j < gs.v[i].nreqs; j++) {
			r = add_requirement(ld, l, gs.v[i].reqs[j]);
			if (r < 0)
				goto out;
		}
	}
out:
	for (i = 0; i < gs.nr; i++) {
		free(gs.v[i].canon);
		free(gs.v[i].reqs);
	}
	free(gs.v);
	free(gs.path);
	strbuf_release(&sb);
	return r;
}

/* ---- [tool.cvlock] -------------------------------------------------------- */

static int want_type(struct loader *ld, const struct toml_keyval *kv,
		     enum toml_type type)
{
	if (kv->value->type == type)
		return 0;
	return fail_at(ld, kv->value->line, kv->value->column, CVL_EINVAL,
		       "key '%s' in [tool.cvlock] must be %s %s, not %s %s",
		       kv->key.p, article(type), toml_type_name(type),
		       article(kv->value->type),
		       toml_type_name(kv->value->type));
}

static int nonempty_string(struct loader *ld, const struct toml_value *v,
			   const char *key)
{
	if (!v->u.string.len)
		return fail_at(ld, v->line, v->column, CVL_EINVAL,
			       "empty value for '%s' in [tool.cvlock]", key);
	if (memchr(v->u.string.p, '\0', v->u.string.len))
		return fail_at(ld, v->line, v->column, CVL_EINVAL,
			       "NUL character in '%s' in [tool.cvlock]", key);
	return 0;
}

/* "3.12" or "3.12.1" */
static bool valid_python_version(const char *s, size_t len)
{
	size_t i = 0;
	int parts = 0;

	while (i < len) {
		size_t d = i;

		while (i < len && s[i] >= '0' && s[i] <= '9')
			i++;
		if (i == d || i - d > 4)
			return false;
		parts++;
		if (i < len) {
			if (s[i] != '.' || i + 1 == len)
				return false;
			i++;
		}
	}
	return parts == 2 || parts == 3;
}

static bool digits(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return true;
}

/*
 * "2024-05-01", or an RFC 3339 time "2024-05-01T12:00:00Z" (fraction
 * and a numeric offset allowed), as cvlock resolve --exclude-newer.
 */
static bool valid_timestamp(const char *s, size_t len)
{
	size_t i = 19;

	if (len < 10 || !digits(s, 4) || s[4] != '-' || !digits(s + 5, 2) ||
	    s[7] != '-' || !digits(s + 8, 2))
		return false;
	if (len == 10)
		return true;
	if (len < 20 || (s[10] != 'T' && s[10] != 't') || !digits(s + 11, 2) ||
	    s[13] != ':' || !digits(s + 14, 2) || s[16] != ':' ||
	    !digits(s + 17, 2))
		return false;
	if (s[i] == '.') {
		i++;
		if (i >= len || !digits(s + i, 1))
			return false;
		while (i < len && digits(s + i, 1))
			i++;
	}
	if (i + 1 == len && (s[i] == 'Z' || s[i] == 'z'))
		return true;
	return i + 6 == len && (s[i] == '+' || s[i] == '-') &&
	       digits(s + i + 1, 2) && s[i + 3] == ':' && digits(s + i + 4, 2);
}

/* platform, implementation, exclude-newer: checked strings */
static int tool_target(struct loader *ld, const struct toml_keyval *kv)
{
	const struct toml_value *v = kv->value;
	const char *key = kv->key.p, *hint;
	struct cvl_str s = v->u.string;
	char **field;
	bool ok;
	size_t i;
	int r = nonempty_string(ld, v, key);

	if (r < 0)
		return r;
	if (!strcmp(key, "platform")) {
		field = &ld->in->platform;
		ok = s.len < 64;
		for (i = 0; ok && i < s.len; i++)
			ok = (s.p[i] >= 'a' && s.p[i] <= 'z') ||
			     (s.p[i] >= 'A' && s.p[i] <= 'Z') ||
			     (s.p[i] >= '0' && s.p[i] <= '9') ||
			     s.p[i] == '_' || s.p[i] == '.' || s.p[i] == '-';
		hint = "expected a platform tag such as 'manylinux_2_28_x86_64', 'macosx_14_0_arm64' or 'win_amd64'";
	} else if (!strcmp(key, "implementation")) {
		field = &ld->in->implementation;
		ok = cvl_str_eq_cstr(s, "cp") || cvl_str_eq_cstr(s, "pp");
		hint = "expected 'cp' (CPython) or 'pp' (PyPy)";
	} else {
		field = &ld->in->exclude_newer;
		ok = valid_timestamp(s.p, s.len);
		hint = "expected a date (2024-05-01) or an RFC 3339 time (2024-05-01T12:00:00Z)";
	}
	if (!ok) {
		r = fail_at(ld, v->line, v->column, CVL_EINVAL,
			    "invalid %s '%s' in [tool.cvlock]", key, s.p);
		cvl_error_hint(ld->err, "%s", hint);
		return r;
	}
	free(*field);
	*field = xstrdup(s.p);
	return 0;
}

/* no-binary, only-binary: lists of names, ":all:" or ":none:" (pip) */
static int tool_format_control(struct loader *ld,
			       const struct toml_keyval *kv)
{
	const struct toml_value *v = kv->value;
	bool no = cvl_str_eq_cstr(kv->key, "no-binary");
	size_t i;
	int r = check_strings(ld, v, "a project name",
			      no ? "tool.cvlock.no-binary"
				 : "tool.cvlock.only-binary");

	for (i = 0; !r && i < toml_array_size(v); i++) {
		const struct toml_value *s = toml_array_at(v, i);
		struct cvl_error ferr = CVL_ERROR_INIT;

		r = nonempty_string(ld, s, kv->key.p);
		if (!r && (memchr(s->u.string.p, ',', s->u.string.len) ||
			   pep_format_control_check(s->u.string.p,
						    s->u.string.len,
						    &ferr) < 0)) {
			r = fail_at(ld, s->line, s->column, CVL_EINVAL,
				    "invalid project name '%s' in %s in [tool.cvlock]",
				    s->u.string.p, kv->key.p);
			cvl_error_hint(ld->err,
				       "expected project names, \":all:\" or \":none:\", one per string");
		}
		if (!r)
			pep_format_control_apply(no ? &ld->in->no_binary
						    : &ld->in->only_binary,
						 no ? &ld->in->only_binary
						    : &ld->in->no_binary,
						 s->u.string.p);
	}
	return r;
}

static int tool_enum(struct loader *ld, const struct toml_keyval *kv)
{
	const struct toml_value *v = kv->value;
	struct cvl_str s = v->u.string;
	bool ok;
	int r;

	if (cvl_str_eq_cstr(kv->key, "prerelease"))
		ok = pep_prerelease_mode_parse(s.p, s.len,
					       &ld->in->prerelease);
	else
		ok = pep_resolution_mode_parse(s.p, s.len,
					       &ld->in->resolution);
	if (ok)
		return 0;
	r = fail_at(ld, v->line, v->column, CVL_EINVAL,
		    "invalid %s '%s' in [tool.cvlock]", kv->key.p, s.p);
	if (cvl_str_eq_cstr(kv->key, "prerelease"))
		cvl_error_hint(ld->err,
			       "expected one of: if-necessary, allow, disallow");
	else
		cvl_error_hint(ld->err,
			       "expected one of: highest, lowest, lowest-direct");
	return r;
}

static int tool_key(struct loader *ld, const struct toml_keyval *kv)
{
	const char *key = kv->key.p;
	const struct toml_value *v = kv->value;
	struct pep_inputs *in = ld->in;
	size_t i;
	int r;

	if (!strcmp(key, "index-url")) {
		r = want_type(ld, kv, TOML_STRING);
		if (!r)
			r = nonempty_string(ld, v, key);
		if (!r) {
			free(in->index_url);
			in->index_url = xstrdup(v->u.string.p);
		}
		return r;
	}
	if (!strcmp(key, "extra-index-url") || !strcmp(key, "find-links")) {
		struct strvec *sv = key[0] == 'e' ? &in->extra_index_urls
						  : &in->find_links;

		r = want_type(ld, kv, TOML_ARRAY);
		if (!r)
			r = check_strings(ld, v, "a string",
					  key[0] == 'e' ? "tool.cvlock.extra-index-url"
							: "tool.cvlock.find-links");
		for (i = 0; !r && i < toml_array_size(v); i++) {
			const struct toml_value *s = toml_array_at(v, i);
			size_t k;
			bool dup = false;

			r = nonempty_string(ld, s, key);
			for (k = 0; !r && k < sv->nr; k++)
				if (!strcmp(sv->v[k], s->u.string.p))
					dup = true;
			if (!r && !dup)
				strvec_push(sv, s->u.string.p);
		}
		return r;
	}
	if (!strcmp(key, "no-index")) {
		r = want_type(ld, kv, TOML_BOOL);
		if (!r)
			in->no_index = v->u.boolean;
		return r;
	}
	if (!strcmp(key, "constraint-dependencies") ||
	    !strcmp(key, "override-dependencies")) {
		r = want_type(ld, kv, TOML_ARRAY);
		if (!r)
			r = add_requirements(ld,
					     key[0] == 'c' ? &in->constraints
							   : &in->overrides,
					     v,
					     key[0] == 'c' ? "tool.cvlock.constraint-dependencies"
							   : "tool.cvlock.override-dependencies");
		return r;
	}
	if (!strcmp(key, "default-groups")) {
		r = want_type(ld, kv, TOML_ARRAY);
		if (!r)
			r = check_strings(ld, v, "a group name",
					  "tool.cvlock.default-groups");
		in->has_default_groups = true;
		for (i = 0; !r && i < toml_array_size(v); i++) {
			const struct toml_value *s = toml_array_at(v, i);
			const struct pep_input_list *g;

			g = pep_inputs_find_group(in, s->u.string.p,
						  s->u.string.len);
			if (!g)
				return fail_at(ld, s->line, s->column,
					       CVL_EINVAL,
					       "default group '%s' is not defined in [dependency-groups]",
					       s->u.string.p);
			strvec_push(&in->default_groups, g->name);
		}
		return r;
	}
	if (!strcmp(key, "prerelease") || !strcmp(key, "resolution")) {
		r = want_type(ld, kv, TOML_STRING);
		if (!r)
			r = tool_enum(ld, kv);
		return r;
	}
	if (!strcmp(key, "python-version")) {
		r = want_type(ld, kv, TOML_STRING);
		if (r < 0)
			return r;
		if (!valid_python_version(v->u.string.p, v->u.string.len)) {
			r = fail_at(ld, v->line, v->column, CVL_EINVAL,
				    "invalid python-version '%s' in [tool.cvlock]",
				    v->u.string.p);
			cvl_error_hint(ld->err,
				       "expected a version such as '3.12' or '3.12.1'");
			return r;
		}
		free(in->python_version);
		in->python_version = xstrdup(v->u.string.p);
		return 0;
	}
	if (!strcmp(key, "platform") || !strcmp(key, "implementation") ||
	    !strcmp(key, "exclude-newer")) {
		r = want_type(ld, kv, TOML_STRING);
		if (!r)
			r = tool_target(ld, kv);
		return r;
	}
	if (!strcmp(key, "no-binary") || !strcmp(key, "only-binary")) {
		r = want_type(ld, kv, TOML_ARRAY);
		if (!r)
			r = tool_format_control(ld, kv);
		return r;
	}
	BUG("unhandled [tool.cvlock] key '%s'", key);
}

static int load_tool(struct loader *ld, const struct toml_value *tbl)
{
	size_t i, k;
	int r;

	for (i = 0; i < toml_table_size(tbl); i++) {
		const struct toml_keyval *kv = toml_table_at(tbl, i);
		bool known = false;

		for (k = 0; k < ARRAY_SIZE(tool_keys); k++)
			if (cvl_str_eq_cstr(kv->key, tool_keys[k]))
				known = true;
		if (!known) {
			struct strbuf hint = STRBUF_INIT;

			r = fail_at(ld, kv->line, kv->column, CVL_EINVAL,
				    "unknown key '%s' in [tool.cvlock]",
				    kv->key.p);
			for (k = 0; k < ARRAY_SIZE(tool_keys); k++)
				strbuf_addf(&hint, "%s%s", k ? ", " : "",
					    tool_keys[k]);
			cvl_error_hint(ld->err, "valid keys: %s", hint.buf);
			strbuf_release(&hint);
			return r;
		}
		r = tool_key(ld, kv);
		if (r < 0)
			return r;
	}
	return 0;
}

/* ---- the document -------------------------------------------------------- */

static int load(struct loader *ld, const struct toml_value *root)
{
	const struct toml_value *v, *tool;
	int r;

	r = expect(ld, root, "project", TOML_TABLE, &v);
	if (!r && v)
		r = load_project(ld, v);
	if (r < 0)
		return r;
	r = expect(ld, root, "dependency-groups", TOML_TABLE, &v);
	if (!r && v)
		r = load_groups(ld, v);
	if (r < 0)
		return r;
	r = expect(ld, root, "tool", TOML_TABLE, &tool);
	if (!r && tool)
		r = expect(ld, tool, "cvlock", TOML_TABLE, &v);
	if (!r && tool && v)
		r = load_tool(ld, v);
	return r;
}

int pep_pyproject_parse(struct pep_inputs *in, const char *buf, size_t len,
			const char *file, struct cvl_error *err)
{
	struct loader ld = { in, file, buf, len, NULL, 0, err };
	struct toml_doc doc;
	int r;

	r = toml_parse(buf, len, &doc, err);
	if (!r)
		r = load(&ld, doc.root);
	toml_doc_release(&doc);
	free(ld.line_start);
	if (r < 0)
		cvl_error_file(err, file);
	return r;
}
