/*
 * read.c - pylock.toml -> struct lock_file, reporting every problem.
 *
 * The reader never stops at the first problem (except an unknown major
 * lock-version, whose layout it cannot know): each one becomes a
 * diagnostic at the position of the value or key at fault, or of the
 * enclosing table for a missing key, so that a user can fix them all in
 * one pass.  Values that are wrong are left out of the model.
 */
#include "lockfmt/internal.h"
#include "pep/pep.h"

struct reader {
	struct lock_diags *d;
	struct lock_file *lf;
};

#define ERR(r, v, ...) lock_diag_add((r)->d, LOCK_ERROR, (v)->line, (v)->column, __VA_ARGS__)
#define WARN(r, v, ...) lock_diag_add((r)->d, LOCK_WARNING, (v)->line, (v)->column, __VA_ARGS__)

static const char *type_article(enum toml_type t)
{
	switch (t) {
	case TOML_TABLE:
		return "a table";
	case TOML_ARRAY:
		return "an array";
	case TOML_STRING:
		return "a string";
	case TOML_INTEGER:
		return "an integer";
	case TOML_FLOAT:
		return "a float";
	case TOML_BOOL:
		return "a boolean";
	default:
		return "a date-time";
	}
}

/* The key is exactly `key` (keys may hold NUL bytes). */
static bool key_is(const struct toml_keyval *kv, const char *key)
{
	return kv->key.len == strlen(key) && !memcmp(kv->key.p, key, kv->key.len);
}

static const struct toml_keyval *field(const struct toml_value *tbl,
				       const char *key)
{
	size_t i, n = toml_table_size(tbl), klen = strlen(key);

	for (i = 0; i < n; i++) {
		const struct toml_keyval *kv = toml_table_at(tbl, i);

		if (kv->key.len == klen && !memcmp(kv->key.p, key, klen))
			return kv;
	}
	return NULL;
}

/* Warn about keys that PEP 751 does not define in `where`. */
static void check_keys(struct reader *r, const struct toml_value *tbl,
		       const char *const *known, const char *where)
{
	size_t i, j, n = toml_table_size(tbl);

	for (i = 0; i < n; i++) {
		const struct toml_keyval *kv = toml_table_at(tbl, i);
		bool ok = false;

		for (j = 0; known[j]; j++)
			if (kv->key.len == strlen(known[j]) &&
			    !memcmp(kv->key.p, known[j], kv->key.len))
				ok = true;
		if (!ok)
			lock_diag_add(r->d, LOCK_WARNING, kv->line, kv->column,
				      "unknown key '%s' in %s (ignored)",
				      kv->key.p, where);
	}
}

/*
 * The value of `key` in `tbl` when it has type `type` (any date-time type
 * counts for TOML_DATETIME); NULL when absent (an error when `required`)
 * or of another type (an error).
 */
static const struct toml_value *want(struct reader *r,
				     const struct toml_value *tbl,
				     const char *key, enum toml_type type,
				     bool required, const char *where)
{
	const struct toml_keyval *kv = field(tbl, key);
	enum toml_type t;

	if (!kv) {
		if (required)
			ERR(r, tbl, "missing key '%s' in %s", key, where);
		return NULL;
	}
	t = kv->value->type;
	if (type == TOML_DATETIME && t >= TOML_DATETIME)
		return kv->value;
	if (t != type) {
		ERR(r, kv->value, "'%s' must be %s, not %s", key,
		    type_article(type), type_article(t));
		return NULL;
	}
	return kv->value;
}

static const char *want_str(struct reader *r, const struct toml_value *tbl,
			    const char *key, bool required, const char *where,
			    const struct toml_value **vout)
{
	const struct toml_value *v = want(r, tbl, key, TOML_STRING, required,
					  where);

	if (vout)
		*vout = v;
	if (!v)
		return NULL;
	if (memchr(v->u.string.p, '\0', v->u.string.len)) {
		ERR(r, v, "'%s' contains a NUL character", key);
		if (vout)
			*vout = NULL;
		return NULL;
	}
	return v->u.string.p;
}

/* An array of strings into `sv`, each checked by `check` when given. */
static void read_str_array(struct reader *r, const struct toml_value *tbl,
			   const char *key, struct strvec *sv,
			   void (*check)(struct reader *, const struct toml_value *))
{
	const struct toml_value *arr = want(r, tbl, key, TOML_ARRAY, false,
					    "the lockfile");
	size_t i;

	if (!arr)
		return;
	for (i = 0; i < toml_array_size(arr); i++) {
		const struct toml_value *v = toml_array_at(arr, i);

		if (v->type != TOML_STRING) {
			ERR(r, v, "'%s' must hold strings, not %s", key,
			    type_article(v->type));
			continue;
		}
		if (memchr(v->u.string.p, '\0', v->u.string.len)) {
			ERR(r, v, "'%s' contains a NUL character", key);
			continue;
		}
		if (check)
			check(r, v);
		strvec_push(sv, v->u.string.p);
	}
}

static void check_requirement(struct reader *r, const struct toml_value *v)
{
	lock_check_requirement(r->d, v->u.string.p, v->u.string.len, v->line,
			       v->column);
}

static void check_env_marker(struct reader *r, const struct toml_value *v)
{
	lock_check_marker(r->d, v->u.string.p, v->u.string.len, v->line,
			  v->column);
}

static void check_extra_name(struct reader *r, const struct toml_value *v)
{
	lock_check_name(r->d, "extra name", v->u.string.p, v->u.string.len,
			v->line, v->column);
}

static void check_group_name(struct reader *r, const struct toml_value *v)
{
	lock_check_name(r->d, "dependency group name", v->u.string.p,
			v->u.string.len, v->line, v->column);
}

/* ---- files -------------------------------------------------------------- */

enum file_kind { FILE_SDIST, FILE_WHEEL, FILE_ARCHIVE };

static void read_hashes(struct reader *r, const struct toml_value *tbl,
			struct lock_file_entry *f, const char *where)
{
	const struct toml_value *h = want(r, tbl, "hashes", TOML_TABLE, true,
					  where);
	size_t i, n;

	if (!h)
		return;
	n = toml_table_size(h);
	if (!n)
		ERR(r, h, "'hashes' in %s must hold at least one hash", where);
	for (i = 0; i < n; i++) {
		const struct toml_keyval *kv = toml_table_at(h, i);
		const struct toml_value *v = kv->value;

		if (v->type != TOML_STRING) {
			ERR(r, v, "hash '%s' must be a string, not %s",
			    kv->key.p, type_article(v->type));
			continue;
		}
		if (memchr(kv->key.p, '\0', kv->key.len) ||
		    memchr(v->u.string.p, '\0', v->u.string.len)) {
			ERR(r, v, "hash contains a NUL character");
			continue;
		}
		lock_check_hash(r->d, kv->key.p, v->u.string.p,
				v->u.string.len, v->line, v->column);
		lock_entry_set_hash(f, kv->key.p, v->u.string.p);
	}
}

static void read_file_entry(struct reader *r, const struct toml_value *tbl,
			    enum file_kind kind, const struct lock_package *pkg,
			    struct lock_file_entry *f)
{
	static const char *const dist_keys[] = {
		"name", "upload-time", "url", "path", "size", "hashes", NULL
	};
	static const char *const archive_keys[] = {
		"url", "path", "size", "upload-time", "hashes", "subdirectory",
		NULL
	};
	const char *where = kind == FILE_SDIST	 ? "[packages.sdist]"
			    : kind == FILE_WHEEL ? "[[packages.wheels]]"
						 : "[packages.archive]";
	const struct toml_value *v, *namev = NULL;
	const char *s;
	struct strbuf fn = STRBUF_INIT;

	f->line = tbl->line;
	f->column = tbl->column;
	check_keys(r, tbl, kind == FILE_ARCHIVE ? archive_keys : dist_keys,
		   where);
	if (kind != FILE_ARCHIVE) {
		s = want_str(r, tbl, "name", false, where, &namev);
		lock_set_str(&f->name, s);
	}
	lock_set_str(&f->url, want_str(r, tbl, "url", false, where, NULL));
	lock_set_str(&f->path, want_str(r, tbl, "path", false, where, NULL));
	if (!field(tbl, "url") && !field(tbl, "path"))
		ERR(r, tbl, "%s needs 'url' or 'path'", where);
	v = want(r, tbl, "upload-time", TOML_DATETIME, false, where);
	if (v && v->type != TOML_DATETIME) {
		ERR(r, v, "'upload-time' must be a date-time with a UTC offset, such as 2025-01-25T11:30:10Z");
	} else if (v) {
		if (v->u.datetime.offset_minutes)
			WARN(r, v, "'upload-time' should be recorded in UTC");
		lock_set_str(&f->upload_time, v->u.datetime.text.p);
	}
	v = want(r, tbl, "size", TOML_INTEGER, false, where);
	if (v && v->u.integer < 0) {
		ERR(r, v, "'size' must not be negative");
	} else if (v) {
		f->has_size = true;
		f->size = (uint64_t)v->u.integer;
	}
	read_hashes(r, tbl, f, where);
	if (kind == FILE_ARCHIVE)
		lock_set_str(&f->subdirectory,
			     want_str(r, tbl, "subdirectory", false, where,
				      NULL));
	/* The file name, given or derived from the URL or path. */
	if (kind != FILE_ARCHIVE && lock_entry_filename(f, &fn)) {
		const struct toml_value *at = namev ? namev : tbl;

		if (kind == FILE_WHEEL)
			lock_check_wheelname(r->d, pkg->name, pkg->version,
					     fn.buf, fn.len, at->line,
					     at->column);
		else
			lock_check_sdistname(r->d, pkg->name, pkg->version,
					     fn.buf, fn.len, at->line,
					     at->column);
	} else if (kind != FILE_ARCHIVE && (f->url || f->path)) {
		ERR(r, tbl, "%s needs 'name': none can be derived from its url or path",
		    where);
	}
	strbuf_release(&fn);
}

/* ---- packages ----------------------------------------------------------- */

static void read_vcs(struct reader *r, const struct toml_value *tbl,
		     struct lock_package *p)
{
	static const char *const keys[] = {
		"type", "url", "path", "requested-revision", "commit-id",
		"subdirectory", NULL
	};
	static const char *const types[] = { "git", "hg", "bzr", "svn" };
	const char *where = "[packages.vcs]";
	const struct toml_value *tv;
	const char *type;
	size_t i;
	bool known = false;

	p->vcs = xcalloc(1, sizeof(*p->vcs));
	check_keys(r, tbl, keys, where);
	type = want_str(r, tbl, "type", true, where, &tv);
	if (type) {
		for (i = 0; i < ARRAY_SIZE(types); i++)
			if (!strcmp(type, types[i]))
				known = true;
		if (!known)
			WARN(r, tv, "unknown vcs type '%s' (expected git, hg, bzr or svn)",
			     type);
	}
	lock_set_str(&p->vcs->type, type);
	lock_set_str(&p->vcs->url, want_str(r, tbl, "url", false, where, NULL));
	lock_set_str(&p->vcs->path,
		     want_str(r, tbl, "path", false, where, NULL));
	if (!field(tbl, "url") && !field(tbl, "path"))
		ERR(r, tbl, "%s needs 'url' or 'path'", where);
	lock_set_str(&p->vcs->requested_revision,
		     want_str(r, tbl, "requested-revision", false, where, NULL));
	lock_set_str(&p->vcs->commit_id,
		     want_str(r, tbl, "commit-id", true, where, NULL));
	lock_set_str(&p->vcs->subdirectory,
		     want_str(r, tbl, "subdirectory", false, where, NULL));
}

static void read_directory(struct reader *r, const struct toml_value *tbl,
			   struct lock_package *p)
{
	static const char *const keys[] = {
		"path", "editable", "subdirectory", NULL
	};
	const char *where = "[packages.directory]";
	const struct toml_value *v;

	p->directory = xcalloc(1, sizeof(*p->directory));
	check_keys(r, tbl, keys, where);
	lock_set_str(&p->directory->path,
		     want_str(r, tbl, "path", true, where, NULL));
	v = want(r, tbl, "editable", TOML_BOOL, false, where);
	if (v) {
		p->directory->has_editable = true;
		p->directory->editable = v->u.boolean;
	}
	lock_set_str(&p->directory->subdirectory,
		     want_str(r, tbl, "subdirectory", false, where, NULL));
}

static void read_deps(struct reader *r, const struct toml_value *arr,
		      struct lock_package *p)
{
	size_t i, j;

	p->has_dependencies = true;
	for (i = 0; i < toml_array_size(arr); i++) {
		const struct toml_value *t = toml_array_at(arr, i);
		const struct toml_value *nv, *vv;
		const char *name, *version;
		struct lock_dep *dep;
		bool plain = true;

		if (t->type != TOML_TABLE) {
			ERR(r, t, "'dependencies' must hold tables, not %s",
			    type_article(t->type));
			continue;
		}
		name = want_str(r, t, "name", true, "a dependency", &nv);
		version = want_str(r, t, "version", false, "a dependency", &vv);
		if (!name)
			continue;
		lock_check_name(r->d, "dependency name", name, strlen(name),
				nv->line, nv->column);
		if (version)
			lock_check_version(r->d, version, strlen(version),
					   vv->line, vv->column);
		for (j = 0; j < toml_table_size(t); j++) {
			const struct toml_keyval *kv = toml_table_at(t, j);

			if (!key_is(kv, "name") && !key_is(kv, "version"))
				plain = false;
		}
		ALLOC_GROW(p->deps, p->ndeps + 1, p->alloc_deps);
		dep = &p->deps[p->ndeps++];
		memset(dep, 0, sizeof(*dep));
		dep->name = xstrdup(name);
		dep->version = version ? xstrdup(version) : NULL;
		dep->raw = plain ? NULL : t;
		dep->line = t->line;
		dep->column = t->column;
	}
}

static void read_tools(struct reader *r, const struct toml_value *tbl,
		       struct lock_tool **tools, size_t *n, size_t *alloc,
		       bool skip_cvlock)
{
	size_t i;

	for (i = 0; i < toml_table_size(tbl); i++) {
		const struct toml_keyval *kv = toml_table_at(tbl, i);

		if (skip_cvlock && key_is(kv, "cvlock"))
			continue;
		if (kv->value->type != TOML_TABLE) {
			ERR(r, kv->value, "'tool.%s' must be a table, not %s",
			    kv->key.p, type_article(kv->value->type));
			continue;
		}
		if (memchr(kv->key.p, '\0', kv->key.len)) {
			ERR(r, kv->value, "tool name contains a NUL character");
			continue;
		}
		ALLOC_GROW(*tools, *n + 1, *alloc);
		(*tools)[*n].name = xstrdup(kv->key.p);
		(*tools)[*n].value = kv->value;
		(*n)++;
	}
}

static const char *const source_names[] = {
	"vcs", "directory", "archive", "sdist", "wheels"
};

/*
 * [packages.tool.cvlock]: yanked = true (kept as "") or "reason"; false
 * is the same as no key.  Other keys are ignored with a warning (the
 * writer would drop them).
 */
static void read_package_cvlock(struct reader *r,
				const struct toml_value *tbl,
				struct lock_package *p)
{
	size_t i;

	for (i = 0; i < toml_table_size(tbl); i++) {
		const struct toml_keyval *kv = toml_table_at(tbl, i);
		const struct toml_value *v = kv->value;

		if (!key_is(kv, "yanked")) {
			WARN(r, v, "unknown key '%.*s' in [packages.tool.cvlock] (ignored)",
			     (int)kv->key.len, kv->key.p);
			continue;
		}
		if (v->type == TOML_BOOL) {
			lock_set_str(&p->yanked, v->u.boolean ? "" : NULL);
		} else if (v->type == TOML_STRING &&
			   !memchr(v->u.string.p, '\0', v->u.string.len)) {
			lock_set_str(&p->yanked, v->u.string.p);
		} else {
			WARN(r, v, "[packages.tool.cvlock] 'yanked' must be a boolean or a string (ignored)");
		}
	}
}

static void read_package(struct reader *r, const struct toml_value *tbl)
{
	static const char *const keys[] = {
		"name", "version", "marker", "requires-python",
		"dependencies", "vcs", "directory", "archive", "index",
		"sdist", "wheels", "attestation-identities", "tool", NULL
	};
	const char *where = "[[packages]]";
	struct lock_file *lf = r->lf;
	struct lock_package *p;
	const struct toml_value *v, *nv;
	const char *name, *s;
	struct strbuf canon = STRBUF_INIT, list = STRBUF_INIT;
	size_t i, nsources = 0;

	check_keys(r, tbl, keys, where);
	name = want_str(r, tbl, "name", true, where, &nv);
	if (name) {
		lock_check_name(r->d, "package name", name, strlen(name),
				nv->line, nv->column);
		pep_name_canonicalize(name, strlen(name), &canon);
	}
	ALLOC_GROW(lf->packages, lf->npackages + 1, lf->alloc_packages);
	p = &lf->packages[lf->npackages++];
	memset(p, 0, sizeof(*p));
	p->name = name ? strbuf_detach(&canon, NULL) : NULL;
	p->line = tbl->line;
	p->column = tbl->column;

	s = want_str(r, tbl, "version", false, where, &v);
	if (s)
		lock_check_version(r->d, s, strlen(s), v->line, v->column);
	lock_set_str(&p->version, s);
	s = want_str(r, tbl, "marker", false, where, &v);
	if (s)
		lock_check_marker(r->d, s, strlen(s), v->line, v->column);
	lock_set_str(&p->marker, s);
	s = want_str(r, tbl, "requires-python", false, where, &v);
	if (s)
		lock_check_specset(r->d, "requires-python", s, strlen(s),
				   v->line, v->column);
	lock_set_str(&p->requires_python, s);
	v = want(r, tbl, "dependencies", TOML_ARRAY, false, where);
	if (v)
		read_deps(r, v, p);

	v = want(r, tbl, "vcs", TOML_TABLE, false, where);
	if (v)
		read_vcs(r, v, p);
	v = want(r, tbl, "directory", TOML_TABLE, false, where);
	if (v)
		read_directory(r, v, p);
	v = want(r, tbl, "archive", TOML_TABLE, false, where);
	if (v) {
		p->archive = xcalloc(1, sizeof(*p->archive));
		read_file_entry(r, v, FILE_ARCHIVE, p, p->archive);
	}
	lock_set_str(&p->index, want_str(r, tbl, "index", false, where, NULL));
	v = want(r, tbl, "sdist", TOML_TABLE, false, where);
	if (v) {
		p->sdist = xcalloc(1, sizeof(*p->sdist));
		read_file_entry(r, v, FILE_SDIST, p, p->sdist);
	}
	v = want(r, tbl, "wheels", TOML_ARRAY, false, where);
	for (i = 0; v && i < toml_array_size(v); i++) {
		const struct toml_value *w = toml_array_at(v, i);

		if (w->type != TOML_TABLE) {
			ERR(r, w, "'wheels' must hold tables, not %s",
			    type_article(w->type));
			continue;
		}
		ALLOC_GROW(p->wheels, p->nwheels + 1, p->alloc_wheels);
		memset(&p->wheels[p->nwheels], 0, sizeof(p->wheels[0]));
		read_file_entry(r, w, FILE_WHEEL, p, &p->wheels[p->nwheels++]);
	}
	if (v && !toml_array_size(v))
		ERR(r, v, "'wheels' must not be empty");

	/* Exactly one kind of source (sdist and wheels count as one). */
	for (i = 0; i < ARRAY_SIZE(source_names); i++) {
		if (!field(tbl, source_names[i]))
			continue;
		if (i == 4 && field(tbl, "sdist"))
			continue;
		if (list.len)
			strbuf_addstr(&list, " and ");
		strbuf_addstr(&list, source_names[i]);
		nsources++;
	}
	if (!nsources)
		ERR(r, tbl, "package '%s' has no source: expected one of vcs, directory, archive, sdist or wheels",
		    p->name ? p->name : "?");
	else if (nsources > 1)
		ERR(r, tbl, "package '%s' has more than one kind of source (%s)",
		    p->name ? p->name : "?", list.buf);
	if ((field(tbl, "sdist") || field(tbl, "wheels")) && !field(tbl, "version"))
		WARN(r, tbl, "package '%s' from an index should record its version",
		     p->name ? p->name : "?");

	v = want(r, tbl, "attestation-identities", TOML_ARRAY, false, where);
	for (i = 0; v && i < toml_array_size(v); i++) {
		const struct toml_value *a = toml_array_at(v, i);

		if (a->type != TOML_TABLE) {
			ERR(r, a, "'attestation-identities' must hold tables, not %s",
			    type_article(a->type));
			continue;
		}
		if (!want_str(r, a, "kind", true,
			      "[[packages.attestation-identities]]", NULL))
			continue;
		ALLOC_GROW(p->attestations, p->nattestations + 1,
			   p->alloc_attestations);
		p->attestations[p->nattestations++] = a;
	}
	v = want(r, tbl, "tool", TOML_TABLE, false, where);
	if (v) {
		const struct toml_value *pk = toml_table_get(v, "cvlock");

		if (pk && pk->type == TOML_TABLE)
			read_package_cvlock(r, pk, p);
		else if (pk)
			ERR(r, pk, "'packages.tool.cvlock' must be a table, not %s",
			    type_article(pk->type));
		read_tools(r, v, &p->tools, &p->ntools, &p->alloc_tools, true);
	}
	strbuf_release(&canon);
	strbuf_release(&list);
}

/* ---- top level ---------------------------------------------------------- */

static void read_cvlock(struct reader *r, const struct toml_value *tbl)
{
	size_t i;

	for (i = 0; i < toml_table_size(tbl); i++) {
		const struct toml_keyval *kv = toml_table_at(tbl, i);
		const struct toml_value *v = kv->value;

		if (key_is(kv, "requirements")) {
			read_str_array(r, tbl, "requirements",
				       &r->lf->requirements, check_requirement);
			continue;
		}
		if (v->type != TOML_STRING ||
		    memchr(v->u.string.p, '\0', v->u.string.len) ||
		    memchr(kv->key.p, '\0', kv->key.len)) {
			WARN(r, v, "[tool.cvlock] '%s' must be a string (ignored)",
			     kv->key.p);
			continue;
		}
		if (key_is(kv, "inputs-hash"))
			lock_set_str(&r->lf->inputs_hash, v->u.string.p);
		else
			lock_file_set_option(r->lf, kv->key.p, v->u.string.p);
	}
}

/* "MAJOR.MINOR" with decimal numbers; false otherwise. */
static bool parse_lock_version(const char *s, unsigned long *major,
			       unsigned long *minor)
{
	char *end;

	if (*s < '0' || *s > '9')
		return false;
	errno = 0;
	*major = strtoul(s, &end, 10);
	if (errno || *end != '.' || end[1] < '0' || end[1] > '9')
		return false;
	*minor = strtoul(end + 1, &end, 10);
	return !errno && !*end;
}

static int read_doc(struct reader *r, const struct toml_value *root)
{
	static const char *const keys[] = {
		"lock-version", "environments", "requires-python", "extras",
		"dependency-groups", "default-groups", "created-by",
		"packages", "tool", NULL
	};
	const char *where = "the lockfile";
	struct lock_file *lf = r->lf;
	const struct toml_value *v, *pk;
	const char *s;
	unsigned long major, minor;
	size_t i;

	s = want_str(r, root, "lock-version", true, where, &v);
	if (s) {
		if (!parse_lock_version(s, &major, &minor)) {
			ERR(r, v, "invalid lock-version '%s': expected MAJOR.MINOR such as \"1.0\"",
			    s);
			return -1;
		}
		if (major != LOCK_VERSION_MAJOR) {
			ERR(r, v, "unsupported lock-version '%s': cvlock reads lock-version 1.x",
			    s);
			return -1;
		}
		if (minor != 0)
			WARN(r, v, "unknown minor lock-version '%s': read as 1.0",
			     s);
	}
	lock_set_str(&lf->lock_version, s);
	check_keys(r, root, keys, where);
	read_str_array(r, root, "environments", &lf->environments,
		       check_env_marker);
	s = want_str(r, root, "requires-python", false, where, &v);
	if (s)
		lock_check_specset(r->d, "requires-python", s, strlen(s),
				   v->line, v->column);
	lock_set_str(&lf->requires_python, s);
	read_str_array(r, root, "extras", &lf->extras, check_extra_name);
	read_str_array(r, root, "dependency-groups", &lf->dependency_groups,
		       check_group_name);
	read_str_array(r, root, "default-groups", &lf->default_groups,
		       check_group_name);
	lock_set_str(&lf->created_by,
		     want_str(r, root, "created-by", true, where, NULL));

	pk = want(r, root, "packages", TOML_ARRAY, true, where);
	for (i = 0; pk && i < toml_array_size(pk); i++) {
		v = toml_array_at(pk, i);
		if (v->type != TOML_TABLE) {
			ERR(r, v, "'packages' must hold tables, not %s",
			    type_article(v->type));
			continue;
		}
		read_package(r, v);
	}
	v = want(r, root, "tool", TOML_TABLE, false, where);
	if (v) {
		pk = toml_table_get(v, "cvlock");
		if (pk && pk->type == TOML_TABLE)
			read_cvlock(r, pk);
		else if (pk)
			ERR(r, pk, "'tool.cvlock' must be a table, not %s",
			    type_article(pk->type));
		read_tools(r, v, &lf->tools, &lf->ntools, &lf->alloc_tools,
			   true);
	}
	lock_file_check(lf, r->d);
	return 0;
}

int lock_read(struct lock_file *lf, const char *buf, size_t len,
	      struct lock_diags *diags, struct cvl_error *err)
{
	struct reader r = { diags, lf };
	struct cvl_error perr = CVL_ERROR_INIT;
	size_t first = diags->nr, nerrors = diags->nerrors, i;

	lock_file_release(lf);
	if (toml_parse(buf, len, &lf->doc, &perr)) {
		lock_diag_add(diags, LOCK_ERROR, perr.line, perr.column, "%s",
			      perr.msg);
		cvl_error_set(err, CVL_EINVAL, "%s", perr.msg);
		cvl_error_at(err, perr.line, perr.column);
		return -CVL_EINVAL;
	}
	(void)read_doc(&r, lf->doc.root);
	lock_diags_sort(diags);
	if (diags->nerrors == nerrors)
		return 0;
	for (i = first; i < diags->nr; i++) {
		if (diags->items[i].severity != LOCK_ERROR)
			continue;
		cvl_error_set(err, CVL_EINVAL, "%s", diags->items[i].msg);
		cvl_error_at(err, diags->items[i].line, diags->items[i].column);
		break;
	}
	return -CVL_EINVAL;
}
