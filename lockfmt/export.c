/*
 * export.c - which packages a choice of extras and groups installs, and
 * the requirements.txt export of a lockfile (see lockfmt.h).
 *
 * Markers are reduced on their normal form (pep_marker_format()), which
 * is a small language: comparisons "LHS OP RHS" whose sides are variable
 * names or quoted strings, joined by "and" / "or" with parentheses.  The
 * reducer parses that text again with `and` binding tighter than `or`
 * (PEP 508), decides the comparisons on the PEP 751 sets and rebuilds
 * the rest, adding parentheses only where an `or` sits inside an `and`.
 */
#include "lockfmt/internal.h"
#include "pep/pep.h"

/* ---- marker reduction ---------------------------------------------------- */

enum tv {
	TV_FALSE,
	TV_TRUE,
	TV_SOME, /* depends on the environment: see text */
};

struct reduced {
	enum tv v;
	struct strbuf text; /* TV_SOME only */
	bool is_or;         /* text is an `or` of several parts */
};

struct reducer {
	const char *s;
	size_t pos, len;
	const struct strvec *extras, *groups;
	int depth;
	bool bad;
};

static void skip_spaces(struct reducer *r)
{
	while (r->pos < r->len && r->s[r->pos] == ' ')
		r->pos++;
}

static bool is_word_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '_' || c == '.';
}

/* Whether the next token is the word `w` (and consume it if so). */
static bool take_word(struct reducer *r, const char *w)
{
	size_t n = strlen(w);

	skip_spaces(r);
	if (r->len - r->pos < n || memcmp(r->s + r->pos, w, n))
		return false;
	if (r->pos + n < r->len && is_word_char(r->s[r->pos + n]))
		return false;
	r->pos += n;
	return true;
}

/* One side of a comparison: a quoted string or a name; [*start, *end). */
static bool take_side(struct reducer *r, size_t *start, size_t *end)
{
	char q;

	skip_spaces(r);
	*start = r->pos;
	if (r->pos >= r->len)
		return false;
	q = r->s[r->pos];
	if (q == '"' || q == '\'') {
		r->pos++;
		while (r->pos < r->len && r->s[r->pos] != q) {
			if (r->s[r->pos] == '\\')
				r->pos++;
			r->pos++;
		}
		if (r->pos >= r->len)
			return false;
		r->pos++;
	} else {
		while (r->pos < r->len && is_word_char(r->s[r->pos]))
			r->pos++;
	}
	*end = r->pos;
	return *end > *start;
}

static bool is_quoted(const char *s, size_t start)
{
	return s[start] == '"' || s[start] == '\'';
}

/* Whether `set` holds the quoted name s[start..end) (normalized). */
static bool set_has(const struct strvec *set, const char *s, size_t start,
		    size_t end)
{
	struct strbuf name = STRBUF_INIT;
	bool found = false;
	size_t i;

	/* Escapes only appear in values that are not names. */
	if (memchr(s + start, '\\', end - start))
		return false;
	pep_name_canonicalize(s + start + 1, end - start - 2, &name);
	for (i = 0; i < set->nr && !found; i++)
		found = !strcmp(set->v[i], name.buf);
	strbuf_release(&name);
	return found;
}

static void reduce_or(struct reducer *r, struct reduced *out);

static void reduce_primary(struct reducer *r, struct reduced *out)
{
	size_t ls, le, rs, re, op;
	const struct strvec *set = NULL;
	bool membership = false, negate = false;

	skip_spaces(r);
	if (r->pos < r->len && r->s[r->pos] == '(') {
		r->pos++;
		if (++r->depth > 200) {
			r->bad = true;
			return;
		}
		reduce_or(r, out);
		r->depth--;
		skip_spaces(r);
		if (r->pos >= r->len || r->s[r->pos] != ')') {
			r->bad = true;
			return;
		}
		r->pos++;
		return;
	}
	if (!take_side(r, &ls, &le)) {
		r->bad = true;
		return;
	}
	skip_spaces(r);
	op = r->pos;
	if (take_word(r, "not")) {
		if (!take_word(r, "in")) {
			r->bad = true;
			return;
		}
		membership = true;
		negate = true;
	} else if (take_word(r, "in")) {
		membership = true;
	} else {
		while (r->pos < r->len && strchr("<>=!~", r->s[r->pos]))
			r->pos++;
		if (r->pos == op) {
			r->bad = true;
			return;
		}
	}
	if (!take_side(r, &rs, &re)) {
		r->bad = true;
		return;
	}
	/* 'name' in extras / 'name' in dependency_groups */
	if (membership && is_quoted(r->s, ls) && !is_quoted(r->s, rs)) {
		if (re - rs == 6 && !memcmp(r->s + rs, "extras", 6))
			set = r->extras;
		else if (re - rs == 17 &&
			 !memcmp(r->s + rs, "dependency_groups", 17))
			set = r->groups;
	}
	if (set) {
		bool has = set_has(set, r->s, ls, le);

		out->v = has != negate ? TV_TRUE : TV_FALSE;
		return;
	}
	out->v = TV_SOME;
	strbuf_add(&out->text, r->s + ls, r->pos - ls);
}

static void reduced_release(struct reduced *x)
{
	strbuf_release(&x->text);
}

/*
 * Join `part` into `acc` with `op` (" and " / " or "): `acc` starts as
 * the neutral value of the operation (TV_TRUE for and, TV_FALSE for or).
 */
static void combine(struct reduced *acc, struct reduced *part, bool is_and,
		    size_t *nparts)
{
	enum tv absorbing = is_and ? TV_FALSE : TV_TRUE;

	if (acc->v == absorbing)
		return;
	if (part->v == absorbing) {
		acc->v = absorbing;
		strbuf_reset(&acc->text);
		return;
	}
	if (part->v != TV_SOME)
		return;
	if (acc->v == TV_SOME)
		strbuf_addstr(&acc->text, is_and ? " and " : " or ");
	acc->v = TV_SOME;
	if (is_and && part->is_or) {
		strbuf_addch(&acc->text, '(');
		strbuf_add(&acc->text, part->text.buf, part->text.len);
		strbuf_addch(&acc->text, ')');
	} else {
		strbuf_add(&acc->text, part->text.buf, part->text.len);
	}
	(*nparts)++;
	if (*nparts == 1)
		acc->is_or = part->is_or;
	else
		acc->is_or = !is_and;
}

static void reduce_and(struct reducer *r, struct reduced *out)
{
	size_t nparts = 0;

	out->v = TV_TRUE;
	out->is_or = false;
	do {
		struct reduced part = { TV_FALSE, STRBUF_INIT, false };

		reduce_primary(r, &part);
		if (!r->bad)
			combine(out, &part, true, &nparts);
		reduced_release(&part);
	} while (!r->bad && take_word(r, "and"));
}

static void reduce_or(struct reducer *r, struct reduced *out)
{
	size_t nparts = 0;

	out->v = TV_FALSE;
	out->is_or = false;
	do {
		struct reduced part = { TV_FALSE, STRBUF_INIT, false };

		reduce_and(r, &part);
		if (!r->bad)
			combine(out, &part, false, &nparts);
		reduced_release(&part);
	} while (!r->bad && take_word(r, "or"));
}

int lock_marker_reduce(const char *marker, const struct strvec *extras,
		       const struct strvec *groups, struct strbuf *residual,
		       struct cvl_error *err)
{
	struct pep_marker *m = NULL;
	struct strbuf norm = STRBUF_INIT;
	struct reducer r;
	struct reduced res = { TV_FALSE, STRBUF_INIT, false };
	int ret;

	ret = pep_marker_parse(&m, marker, strlen(marker), err);
	if (ret)
		return ret;
	pep_marker_format(m, &norm);
	pep_marker_free(m);

	memset(&r, 0, sizeof(r));
	r.s = norm.buf;
	r.len = norm.len;
	r.extras = extras;
	r.groups = groups;
	reduce_or(&r, &res);
	skip_spaces(&r);
	if (r.bad || r.pos != r.len) {
		/* The normal form is ours: this would be a bug in either. */
		ret = cvl_error_set(err, CVL_EINVAL,
				    "cannot reduce marker '%s'", norm.buf);
	} else if (res.v == TV_FALSE) {
		ret = 0;
	} else {
		if (res.v == TV_SOME)
			strbuf_add(residual, res.text.buf, res.text.len);
		ret = 1;
	}
	reduced_release(&res);
	strbuf_release(&norm);
	return ret;
}

/* ---- selection ------------------------------------------------------------ */

static void push_normalized(struct strvec *sv, const char *name)
{
	struct strbuf sb = STRBUF_INIT;

	pep_name_canonicalize(name, strlen(name), &sb);
	strvec_push(sv, sb.buf);
	strbuf_release(&sb);
}

static void sort_unique(struct strvec *sv)
{
	size_t i, k = 0;

	strvec_sort(sv);
	for (i = 0; i < sv->nr; i++) {
		if (k && !strcmp(sv->v[k - 1], sv->v[i])) {
			free(sv->v[i]);
			continue;
		}
		sv->v[k++] = sv->v[i];
	}
	sv->nr = k;
	if (sv->alloc)
		sv->v[k] = NULL;
}

/* Keep the first of equal strings, in order. */
static void drop_duplicates(struct strvec *sv)
{
	size_t i, j, k = 0;

	for (i = 0; i < sv->nr; i++) {
		bool dup = false;

		for (j = 0; j < k && !dup; j++)
			dup = !strcmp(sv->v[j], sv->v[i]);
		if (dup) {
			free(sv->v[i]);
			continue;
		}
		sv->v[k++] = sv->v[i];
	}
	sv->nr = k;
	if (sv->alloc)
		sv->v[k] = NULL;
}

/* Whether normalized `name` is in `known` (any spelling there). */
static bool listed(const struct strvec *known, const char *name)
{
	struct strbuf sb = STRBUF_INIT;
	bool found = false;
	size_t i;

	for (i = 0; i < known->nr && !found; i++) {
		strbuf_reset(&sb);
		pep_name_canonicalize(known->v[i], strlen(known->v[i]), &sb);
		found = !strcmp(sb.buf, name);
	}
	strbuf_release(&sb);
	return found;
}

static int check_listed(const struct strvec *known, const struct strvec *chosen,
			const char *what, const char *key,
			struct cvl_error *err)
{
	struct strbuf have = STRBUF_INIT;
	size_t i;

	if (!known->nr)
		return 0;
	for (i = 0; i < chosen->nr; i++) {
		if (listed(known, chosen->v[i]))
			continue;
		cvl_error_set(err, CVL_EINVAL, "%s '%s' is not in the lockfile",
			      what, chosen->v[i]);
		for (i = 0; i < known->nr; i++)
			strbuf_addf(&have, "%s%s", i ? ", " : "", known->v[i]);
		cvl_error_hint(err, "the lockfile's %s: %s", key, have.buf);
		strbuf_release(&have);
		return -CVL_EINVAL;
	}
	return 0;
}

void lock_selection_release(struct lock_selection *sel)
{
	size_t i;

	strvec_clear(&sel->extras);
	strvec_clear(&sel->groups);
	if (sel->markers)
		for (i = 0; i < sel->n; i++)
			free(sel->markers[i]);
	free(sel->markers);
	free(sel->selected);
	memset(sel, 0, sizeof(*sel));
	strvec_init(&sel->extras);
	strvec_init(&sel->groups);
}

int lock_select(const struct lock_file *lf, const struct lock_select_opts *o,
		struct lock_selection *sel, struct cvl_error *err)
{
	struct strbuf residual = STRBUF_INIT;
	size_t i;
	int r;

	memset(sel, 0, sizeof(*sel));
	strvec_init(&sel->extras);
	strvec_init(&sel->groups);
	for (i = 0; i < o->nextras; i++)
		push_normalized(&sel->extras, o->extras[i]);
	for (i = 0; i < o->ngroups; i++)
		push_normalized(&sel->groups, o->groups[i]);
	r = check_listed(&lf->extras, &sel->extras, "extra", "extras", err);
	if (!r)
		r = check_listed(&lf->dependency_groups, &sel->groups, "group",
				 "dependency-groups", err);
	if (r)
		return r;
	if (o->all_extras)
		for (i = 0; i < lf->extras.nr; i++)
			push_normalized(&sel->extras, lf->extras.v[i]);
	if (o->all_groups)
		for (i = 0; i < lf->dependency_groups.nr; i++)
			push_normalized(&sel->groups,
					lf->dependency_groups.v[i]);
	if (!o->no_default_groups)
		for (i = 0; i < lf->default_groups.nr; i++)
			push_normalized(&sel->groups, lf->default_groups.v[i]);
	sort_unique(&sel->extras);
	sort_unique(&sel->groups);

	sel->n = lf->npackages;
	sel->selected = xcalloc(sel->n ? sel->n : 1, sizeof(*sel->selected));
	sel->markers = xcalloc(sel->n ? sel->n : 1, sizeof(*sel->markers));
	for (i = 0; i < lf->npackages; i++) {
		const struct lock_package *p = &lf->packages[i];

		if (!p->marker) {
			sel->selected[i] = true;
			continue;
		}
		strbuf_reset(&residual);
		r = lock_marker_reduce(p->marker, &sel->extras, &sel->groups,
				       &residual, err);
		if (r < 0) {
			cvl_error_set(err, CVL_EINVAL,
				      "package '%s' has an invalid marker '%s'",
				      p->name, p->marker);
			strbuf_release(&residual);
			return -CVL_EINVAL;
		}
		sel->selected[i] = r == 1;
		if (r == 1 && residual.len)
			sel->markers[i] = xstrdup(residual.buf);
	}
	strbuf_release(&residual);
	return 0;
}

/* ---- requirements.txt ------------------------------------------------------ */

static bool pip_hash_algo(const char *algo)
{
	return !strcmp(algo, "sha256") || !strcmp(algo, "sha384") ||
	       !strcmp(algo, "sha512");
}

/*
 * The "--hash=ALGO:VALUE" strings of file `f` that pip can check, added
 * to `hashes`; fails when there is none.
 */
static int add_hashes(const struct lock_package *p,
		      const struct lock_file_entry *f, struct strvec *hashes,
		      struct cvl_error *err)
{
	struct strbuf name = STRBUF_INIT;
	size_t i, found = 0;

	for (i = 0; i < f->nhashes; i++) {
		if (!pip_hash_algo(f->hashes[i].algo))
			continue;
		strvec_pushf(hashes, "--hash=%s:%s", f->hashes[i].algo,
			     f->hashes[i].value);
		found++;
	}
	if (found)
		return 0;
	if (!lock_entry_filename(f, &name))
		strbuf_addstr(&name, "?");
	cvl_error_set(err, CVL_EINVAL,
		      "cannot export package '%s': file '%s' has no sha256, sha384 or sha512 hash for pip to check",
		      p->name, name.buf);
	cvl_error_hint(err, "export with --no-hashes, or lock again");
	strbuf_release(&name);
	return -CVL_EINVAL;
}

/*
 * A local path of the lockfile seen from the export: prefix + path, with
 * "." components and "DIR/.." pairs taken out ("p/../idx" is "idx").
 */
static void local_path(const struct lock_export_opts *o, const char *path,
		       struct strbuf *out)
{
	struct strbuf joined = STRBUF_INIT;
	struct strvec parts = STRVEC_INIT;
	const char *s;
	size_t i;

	if (path[0] == '/') {
		strbuf_addstr(out, path);
		return;
	}
	if (o->path_prefix)
		strbuf_addstr(&joined, o->path_prefix);
	strbuf_addstr(&joined, path);
	for (s = joined.buf; *s;) {
		size_t n = strcspn(s, "/");

		if (n == 2 && !memcmp(s, "..", 2) && parts.nr &&
		    strcmp(parts.v[parts.nr - 1], "..")) {
			free(parts.v[--parts.nr]);
			parts.v[parts.nr] = NULL;
		} else if (n && !(n == 1 && s[0] == '.')) {
			strvec_pushn(&parts, s, n);
		}
		s += n;
		if (*s == '/')
			s++;
	}
	for (i = 0; i < parts.nr; i++)
		strbuf_addf(out, "%s%s", i ? "/" : "", parts.v[i]);
	if (!parts.nr)
		strbuf_addch(out, '.');
	strvec_clear(&parts);
	strbuf_release(&joined);
}

/* The directory part of a local path ("." when none). */
static void path_dir(const struct lock_export_opts *o, const char *path,
		     struct strbuf *out)
{
	size_t start = out->len;
	char *slash;

	local_path(o, path, out);
	slash = strrchr(out->buf + start, '/');
	if (!slash)
		strbuf_setlen(out, start);
	if (!slash || slash == out->buf + start)
		strbuf_addch(out, slash ? '/' : '.');
	else
		strbuf_setlen(out, (size_t)(slash - out->buf));
}

/* A local path as pip reads it on a requirement line: "./x", "../x". */
static void pip_path(const struct lock_export_opts *o, const char *path,
		     struct strbuf *out)
{
	struct strbuf p = STRBUF_INIT;

	local_path(o, path, &p);
	if (p.buf[0] != '/' && p.buf[0] != '.')
		strbuf_addstr(out, "./");
	strbuf_add(out, p.buf, p.len);
	strbuf_release(&p);
}

struct line {
	size_t pkg;
	struct strbuf req;    /* "name==1.0", "name @ URL", "./path" */
	struct strvec hashes; /* sorted, unique */
};

static int unsupported(const struct lock_package *p, const char *why,
		       const char *hint, struct cvl_error *err)
{
	cvl_error_set(err, CVL_EINVAL, "cannot export package '%s': %s",
		      p->name, why);
	if (hint)
		cvl_error_hint(err, "%s", hint);
	return -CVL_EINVAL;
}

static int index_line(const struct lock_package *p, const struct lock_export_opts *o,
		      struct line *l, struct strvec *find_links,
		      struct cvl_error *err)
{
	size_t i;
	int r;

	if (!p->version)
		return unsupported(p, "it has no version", NULL, err);
	strbuf_addf(&l->req, "%s==%s", p->name, p->version);
	for (i = 0; i <= p->nwheels; i++) {
		const struct lock_file_entry *f =
			i ? &p->wheels[i - 1] : p->sdist;
		struct strbuf dir = STRBUF_INIT;

		if (!f)
			continue;
		if (!f->url && f->path) {
			path_dir(o, f->path, &dir);
			strvec_push(find_links, dir.buf);
			strbuf_release(&dir);
		}
		if (o->no_hashes)
			continue;
		r = add_hashes(p, f, &l->hashes, err);
		if (r)
			return r;
	}
	if (!p->nwheels && !p->sdist)
		return unsupported(p, "it has no wheel, no sdist and no other source",
				   NULL, err);
	return 0;
}

static int source_line(const struct lock_package *p,
		       const struct lock_export_opts *o, struct line *l,
		       struct cvl_error *err)
{
	if (p->archive) {
		const struct lock_file_entry *a = p->archive;

		if (a->url)
			strbuf_addf(&l->req, "%s @ %s", p->name, a->url);
		else
			pip_path(o, a->path, &l->req);
		if (a->subdirectory)
			strbuf_addf(&l->req, "%csubdirectory=%s",
				    strchr(l->req.buf, '#') ? '&' : '#',
				    a->subdirectory);
		return o->no_hashes ? 0 : add_hashes(p, a, &l->hashes, err);
	}
	if (p->vcs) {
		const struct lock_vcs *v = p->vcs;

		if (!o->no_hashes)
			return unsupported(p, "it comes from a version control repository, whose checkout pip cannot check against a hash",
					   "export with --no-hashes", err);
		if (!v->url)
			return unsupported(p, "pip cannot install a repository given by a local path in a requirements file",
					   NULL, err);
		strbuf_addf(&l->req, "%s @ %s+%s", p->name, v->type, v->url);
		if (v->commit_id || v->requested_revision)
			strbuf_addf(&l->req, "@%s",
				    v->commit_id ? v->commit_id
						 : v->requested_revision);
		if (v->subdirectory)
			strbuf_addf(&l->req, "#subdirectory=%s",
				    v->subdirectory);
		return 0;
	}
	if (p->directory) {
		if (!o->no_hashes)
			return unsupported(p, "it is a local directory, which pip cannot check against a hash",
					   "export with --no-hashes", err);
		if (p->directory->has_editable && p->directory->editable)
			strbuf_addstr(&l->req, "-e ");
		pip_path(o, p->directory->path, &l->req);
		if (p->directory->subdirectory)
			strbuf_addf(&l->req, "#subdirectory=%s",
				    p->directory->subdirectory);
		return 0;
	}
	return 1;
}

static const struct lock_file *sort_lf;

static int pkg_index_cmp(const void *a, const void *b)
{
	size_t x = *(const size_t *)a, y = *(const size_t *)b;
	int c = lock_package_cmp(&sort_lf->packages[x], &sort_lf->packages[y]);

	if (!c)
		c = (x < y) ? -1 : (x > y);
	return c;
}

static void write_header(const struct lock_file *lf,
			 const struct lock_export_opts *o,
			 const struct lock_selection *sel, struct strbuf *out)
{
	const char *name = o->lockfile_name ? o->lockfile_name : "pylock.toml";
	const struct lock_select_opts *s = &o->select;
	size_t i;

	(void)lf;
	strbuf_addf(out, "# This file was generated by cvlock from %s:\n#    cvlock export --format requirements.txt",
		    name);
	if (o->no_hashes)
		strbuf_addstr(out, " --no-hashes");
	if (s->all_extras)
		strbuf_addstr(out, " --all-extras");
	for (i = 0; i < s->nextras && !s->all_extras; i++)
		strbuf_addf(out, " --extra %s", s->extras[i]);
	if (s->all_groups)
		strbuf_addstr(out, " --all-groups");
	for (i = 0; i < s->ngroups && !s->all_groups; i++)
		strbuf_addf(out, " --group %s", s->groups[i]);
	if (s->no_default_groups)
		strbuf_addstr(out, " --no-default-groups");
	if (strcmp(name, "pylock.toml"))
		strbuf_addf(out, " %s", name);
	strbuf_addstr(out, "\n# extras: ");
	for (i = 0; i < sel->extras.nr; i++)
		strbuf_addf(out, "%s%s", i ? ", " : "", sel->extras.v[i]);
	if (!sel->extras.nr)
		strbuf_addstr(out, "(none)");
	strbuf_addstr(out, "; dependency groups: ");
	for (i = 0; i < sel->groups.nr; i++)
		strbuf_addf(out, "%s%s", i ? ", " : "", sel->groups.v[i]);
	if (!sel->groups.nr)
		strbuf_addstr(out, "(none)");
	strbuf_addch(out, '\n');
}

static void write_line(const struct line *l, const char *marker,
		       const struct strvec *via, struct strbuf *out)
{
	size_t i;

	strbuf_add(out, l->req.buf, l->req.len);
	if (marker)
		strbuf_addf(out, " ; %s", marker);
	for (i = 0; i < l->hashes.nr; i++)
		strbuf_addf(out, " \\\n    %s", l->hashes.v[i]);
	strbuf_addch(out, '\n');
	if (via->nr == 1) {
		strbuf_addf(out, "    # via %s\n", via->v[0]);
	} else if (via->nr > 1) {
		strbuf_addstr(out, "    # via\n");
		for (i = 0; i < via->nr; i++)
			strbuf_addf(out, "    #   %s\n", via->v[i]);
	}
}

static void graph_env(const struct lock_selection *sel, struct pep_env *env)
{
	memset(env, 0, sizeof(*env));
	env->has_extras = true;
	env->extras = (const char *const *)sel->extras.v;
	env->nextras = sel->extras.nr;
	env->has_dependency_groups = true;
	env->dependency_groups = (const char *const *)sel->groups.v;
	env->ndependency_groups = sel->groups.nr;
}

int lock_export_requirements(const struct lock_file *lf,
			     const struct lock_export_opts *o,
			     struct strbuf *out, struct cvl_error *err)
{
	struct lock_selection sel;
	struct lock_graph g;
	struct pep_env env;
	struct strvec find_links = STRVEC_INIT;
	struct strbuf text = STRBUF_INIT;
	struct line *lines;
	size_t *order, i, nlines = 0;
	int r;

	r = lock_select(lf, &o->select, &sel, err);
	if (r) {
		lock_selection_release(&sel);
		return r;
	}
	order = xmalloc((lf->npackages ? lf->npackages : 1) * sizeof(*order));
	lines = xcalloc(lf->npackages ? lf->npackages : 1, sizeof(*lines));
	for (i = 0; i < lf->npackages; i++)
		order[i] = i;
	sort_lf = lf;
	qsort(order, lf->npackages, sizeof(*order), pkg_index_cmp);
	sort_lf = NULL;

	for (i = 0; i < lf->npackages && !r; i++) {
		const struct lock_package *p = &lf->packages[order[i]];
		struct line *l;

		if (!sel.selected[order[i]])
			continue;
		l = &lines[nlines++];
		l->pkg = order[i];
		strbuf_init(&l->req, 0);
		strvec_init(&l->hashes);
		r = source_line(p, o, l, err);
		if (r == 1)
			r = index_line(p, o, l, &find_links, err);
		drop_duplicates(&l->hashes);
	}

	if (!r) {
		graph_env(&sel, &env);
		lock_graph_build(&g, lf, &env);
		write_header(lf, o, &sel, &text);
		sort_unique(&find_links);
		for (i = 0; i < find_links.nr; i++)
			strbuf_addf(&text, "--find-links %s\n", find_links.v[i]);
		for (i = 0; i < nlines; i++) {
			struct strvec via = STRVEC_INIT;

			lock_graph_via(&g, lines[i].pkg, &via);
			write_line(&lines[i], sel.markers[lines[i].pkg], &via,
				   &text);
			strvec_clear(&via);
		}
		lock_graph_release(&g);
		strbuf_add(out, text.buf, text.len);
	}

	for (i = 0; i < nlines; i++) {
		strbuf_release(&lines[i].req);
		strvec_clear(&lines[i].hashes);
	}
	free(lines);
	free(order);
	strvec_clear(&find_links);
	strbuf_release(&text);
	lock_selection_release(&sel);
	return r;
}
