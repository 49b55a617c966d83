/*
 * write.c - the deterministic pylock.toml writer (layout: lockfmt.h).
 *
 * Everything that could depend on the order in which a caller built the
 * model is sorted here, on copies of pointers, so the model stays const
 * and two models with the same content give the same bytes.
 */
#include "lockfmt/internal.h"
#include "pep/pep.h"

#include <math.h>

struct writer {
	struct strbuf *out;
	struct cvl_error *err;
	int status;
};

/* Record the first error only; later writes go on but are discarded. */
static void fail(struct writer *w, const char *fmt, ...) CVL_PRINTF(2, 3);
static void fail(struct writer *w, const char *fmt, ...)
{
	va_list ap;

	if (w->status)
		return;
	va_start(ap, fmt);
	w->status = cvl_error_setv(w->err, CVL_EINVAL, fmt, ap);
	va_end(ap);
}

static void put_str(struct strbuf *out, const char *s)
{
	toml_write_string(out, s, strlen(s));
}

static void put_key_str(struct strbuf *out, const char *key, const char *s)
{
	if (!s)
		return;
	strbuf_addf(out, "%s = ", key);
	put_str(out, s);
	strbuf_addch(out, '\n');
}

/*
 * Markers and Requires-Python in their normal form (packaging's str()):
 * the same constraint spelled two ways is written one way.  Text that
 * does not parse is written as it is (the reader reports it).
 */
static void normal_marker(const char *s, struct strbuf *out)
{
	struct pep_marker *m = NULL;

	if (!pep_marker_parse(&m, s, strlen(s), NULL))
		pep_marker_format(m, out);
	else
		strbuf_addstr(out, s);
	pep_marker_free(m);
}

static void normal_specset(const char *s, struct strbuf *out)
{
	struct pep_specset set = PEP_SPECSET_INIT;

	if (!pep_specset_parse(&set, s, strlen(s), NULL))
		pep_specset_format(&set, out);
	else
		strbuf_addstr(out, s);
	pep_specset_release(&set);
}

static void put_normal(struct strbuf *out, const char *key, const char *s,
		       void (*normalize)(const char *, struct strbuf *))
{
	struct strbuf sb = STRBUF_INIT;

	if (!s)
		return;
	normalize(s, &sb);
	put_key_str(out, key, sb.buf);
	strbuf_release(&sb);
}

/* ---- generic values (tool tables, raw dependencies, attestations) ------ */

static void put_inline(struct strbuf *out, const struct toml_value *v)
{
	size_t i, start;

	switch (v->type) {
	case TOML_TABLE:
		strbuf_addch(out, '{');
		for (i = 0; i < v->u.table.nr; i++) {
			const struct toml_keyval *kv = &v->u.table.items[i];

			if (i)
				strbuf_addstr(out, ", ");
			toml_write_key(out, kv->key.p, kv->key.len);
			strbuf_addstr(out, " = ");
			put_inline(out, kv->value);
		}
		strbuf_addch(out, '}');
		break;
	case TOML_ARRAY:
		strbuf_addch(out, '[');
		for (i = 0; i < v->u.array.nr; i++) {
			if (i)
				strbuf_addstr(out, ", ");
			put_inline(out, v->u.array.items[i]);
		}
		strbuf_addch(out, ']');
		break;
	case TOML_STRING:
		toml_write_string(out, v->u.string.p, v->u.string.len);
		break;
	case TOML_INTEGER:
		strbuf_addf(out, "%lld", (long long)v->u.integer);
		break;
	case TOML_FLOAT:
		if (isnan(v->u.fp)) {
			strbuf_addstr(out, "nan");
		} else if (isinf(v->u.fp)) {
			strbuf_addstr(out, v->u.fp < 0 ? "-inf" : "inf");
		} else {
			/* %.17g is exact and locale-free for digits and '.'
			 * only in the C locale, which cvlock never leaves. */
			start = out->len;
			strbuf_addf(out, "%.17g", v->u.fp);
			if (!strpbrk(out->buf + start, ".en"))
				strbuf_addstr(out, ".0");
		}
		break;
	case TOML_BOOL:
		strbuf_addstr(out, v->u.boolean ? "true" : "false");
		break;
	default:
		strbuf_add(out, v->u.datetime.text.p, v->u.datetime.text.len);
		break;
	}
}

/*
 * The body of a table under the header `prefix` (already written): plain
 * keys first, then each sub-table under its own header, so that the
 * output is valid TOML whatever the order of the original document.
 */
static void put_table_body(struct strbuf *out, const char *prefix,
			   const struct toml_value *tbl)
{
	size_t i, plen;
	struct strbuf sub = STRBUF_INIT;

	for (i = 0; i < tbl->u.table.nr; i++) {
		const struct toml_keyval *kv = &tbl->u.table.items[i];

		if (kv->value->type == TOML_TABLE)
			continue;
		toml_write_key(out, kv->key.p, kv->key.len);
		strbuf_addstr(out, " = ");
		put_inline(out, kv->value);
		strbuf_addch(out, '\n');
	}
	strbuf_addstr(&sub, prefix);
	plen = sub.len;
	for (i = 0; i < tbl->u.table.nr; i++) {
		const struct toml_keyval *kv = &tbl->u.table.items[i];

		if (kv->value->type != TOML_TABLE)
			continue;
		strbuf_setlen(&sub, plen);
		strbuf_addch(&sub, '.');
		toml_write_key(&sub, kv->key.p, kv->key.len);
		strbuf_addf(out, "\n[%s]\n", sub.buf);
		put_table_body(out, sub.buf, kv->value);
	}
	strbuf_release(&sub);
}

static void put_tools(struct strbuf *out, const char *prefix,
		      const struct lock_tool *tools, size_t n)
{
	struct strbuf hdr = STRBUF_INIT;
	size_t i;

	for (i = 0; i < n; i++) {
		strbuf_reset(&hdr);
		strbuf_addf(&hdr, "%s.", prefix);
		toml_write_key(&hdr, tools[i].name, strlen(tools[i].name));
		strbuf_addf(out, "\n[%s]\n", hdr.buf);
		if (tools[i].value && tools[i].value->type == TOML_TABLE)
			put_table_body(out, hdr.buf, tools[i].value);
	}
	strbuf_release(&hdr);
}

/* ---- checks on what is written ----------------------------------------- */

static bool path_is_absolute(const char *p)
{
	if (p[0] == '/' || p[0] == '\\')
		return true;
	/* "C:\..." or "C:/..." */
	return ((p[0] >= 'A' && p[0] <= 'Z') || (p[0] >= 'a' && p[0] <= 'z')) &&
	       p[1] == ':';
}

static void put_path(struct writer *w, const char *key, const char *path)
{
	if (!path)
		return;
	if (path_is_absolute(path))
		fail(w, "refusing to write absolute path '%s' to a lockfile",
		     path);
	put_key_str(w->out, key, path);
}

static void put_url(struct writer *w, const char *key, const char *url)
{
	struct strbuf clean = STRBUF_INIT;

	if (!url)
		return;
	url_strip_credentials(url, &clean);
	put_key_str(w->out, key, clean.buf);
	strbuf_release(&clean);
}

/* An upload time must be a TOML offset date-time, or the file breaks. */
static void put_datetime(struct writer *w, const char *key, const char *text)
{
	struct strbuf doc = STRBUF_INIT;
	struct toml_doc d;
	const struct toml_value *v;
	bool ok = false;

	if (!text)
		return;
	strbuf_addf(&doc, "t = %s\n", text);
	if (!toml_parse(doc.buf, doc.len, &d, NULL)) {
		v = toml_table_get(d.root, "t");
		ok = v && v->type == TOML_DATETIME &&
		     strlen(text) == v->u.datetime.text.len &&
		     !memcmp(text, v->u.datetime.text.p, v->u.datetime.text.len);
	}
	toml_doc_release(&d);
	strbuf_release(&doc);
	if (!ok) {
		fail(w, "invalid %s '%s': expected an offset date-time such as 2025-01-25T11:30:10Z",
		     key, text);
		return;
	}
	strbuf_addf(w->out, "%s = %s\n", key, text);
}

/* ---- files -------------------------------------------------------------- */

static int hash_cmp(const void *a, const void *b)
{
	const struct lock_hash *const *x = a, *const *y = b;

	return strcmp((*x)->algo, (*y)->algo);
}

static void put_hashes(struct writer *w, const struct lock_file_entry *f,
		       const char *what)
{
	const struct lock_hash **sorted;
	size_t i;
	char *p;
	char *lower;

	if (!f->nhashes) {
		fail(w, "%s has no hash", what);
		return;
	}
	sorted = xmalloc(f->nhashes * sizeof(*sorted));
	for (i = 0; i < f->nhashes; i++)
		sorted[i] = &f->hashes[i];
	qsort(sorted, f->nhashes, sizeof(*sorted), hash_cmp);
	strbuf_addstr(w->out, "hashes = {");
	for (i = 0; i < f->nhashes; i++) {
		if (i)
			strbuf_addstr(w->out, ", ");
		toml_write_key(w->out, sorted[i]->algo, strlen(sorted[i]->algo));
		strbuf_addstr(w->out, " = ");
		lower = xstrdup(sorted[i]->value);
		for (p = lower; *p; p++)
			if (*p >= 'A' && *p <= 'Z')
				*p = (char)(*p - 'A' + 'a');
		put_str(w->out, lower);
		free(lower);
	}
	strbuf_addstr(w->out, "}\n");
	free(sorted);
}

static void put_size(struct writer *w, const struct lock_file_entry *f)
{
	if (!f->has_size)
		return;
	if (f->size > INT64_MAX) {
		fail(w, "file size %llu is too large for TOML",
		     (unsigned long long)f->size);
		return;
	}
	strbuf_addf(w->out, "size = %llu\n", (unsigned long long)f->size);
}

/* [packages.sdist] and [[packages.wheels]]: name, upload-time, url, path, size, hashes */
static void put_dist(struct writer *w, const char *header,
		     const struct lock_package *pkg,
		     const struct lock_file_entry *f)
{
	struct strbuf what = STRBUF_INIT;

	strbuf_addf(w->out, "\n%s\n", header);
	if (!f->url && !f->path)
		fail(w, "a file of package '%s' has neither url nor path",
		     pkg->name);
	put_key_str(w->out, "name", f->name);
	put_datetime(w, "upload-time", f->upload_time);
	put_url(w, "url", f->url);
	put_path(w, "path", f->path);
	put_size(w, f);
	strbuf_addf(&what, "file '%s' of package '%s'",
		    f->name ? f->name : (f->url ? f->url : "?"), pkg->name);
	put_hashes(w, f, what.buf);
	strbuf_release(&what);
}

struct wheel_sort {
	const struct lock_file_entry *f;
	char *key;
};

static int wheel_cmp(const void *a, const void *b)
{
	const struct wheel_sort *x = a, *y = b;
	int c = strcmp(x->key, y->key);

	if (!c)
		c = strcmp(x->f->url ? x->f->url : "", y->f->url ? y->f->url : "");
	if (!c)
		c = strcmp(x->f->path ? x->f->path : "",
			   y->f->path ? y->f->path : "");
	return c;
}

static void put_wheels(struct writer *w, const struct lock_package *pkg)
{
	struct wheel_sort *s;
	struct strbuf sb = STRBUF_INIT;
	size_t i;

	if (!pkg->nwheels)
		return;
	s = xmalloc(pkg->nwheels * sizeof(*s));
	for (i = 0; i < pkg->nwheels; i++) {
		strbuf_reset(&sb);
		lock_entry_filename(&pkg->wheels[i], &sb);
		s[i].f = &pkg->wheels[i];
		s[i].key = xstrdup(sb.buf);
	}
	qsort(s, pkg->nwheels, sizeof(*s), wheel_cmp);
	for (i = 0; i < pkg->nwheels; i++) {
		put_dist(w, "[[packages.wheels]]", pkg, s[i].f);
		free(s[i].key);
	}
	free(s);
	strbuf_release(&sb);
}

/* ---- packages ----------------------------------------------------------- */

struct dep_sort {
	const struct lock_dep *d;
	char *text;
};

static int dep_cmp(const void *a, const void *b)
{
	const struct dep_sort *x = a, *y = b;
	int c = strcmp(x->d->name ? x->d->name : "", y->d->name ? y->d->name : "");

	if (!c)
		c = lock_version_str_cmp(x->d->version, y->d->version);
	if (!c)
		c = strcmp(x->text, y->text);
	return c;
}

static void put_version(struct strbuf *out, const char *key, const char *ver)
{
	struct pep_version v = PEP_VERSION_INIT;
	struct strbuf sb = STRBUF_INIT;

	if (!ver)
		return;
	if (!pep_version_parse(&v, ver, strlen(ver), NULL))
		pep_version_format(&v, &sb);
	else
		strbuf_addstr(&sb, ver);
	pep_version_release(&v);
	strbuf_addf(out, "%s = ", key);
	put_str(out, sb.buf);
	strbuf_release(&sb);
}

static void put_deps(struct writer *w, const struct lock_package *pkg)
{
	struct dep_sort *s;
	struct strbuf sb = STRBUF_INIT;
	size_t i;

	if (!pkg->has_dependencies && !pkg->ndeps)
		return;
	if (!pkg->ndeps) {
		strbuf_addstr(w->out, "dependencies = []\n");
		return;
	}
	s = xmalloc(pkg->ndeps * sizeof(*s));
	for (i = 0; i < pkg->ndeps; i++) {
		const struct lock_dep *d = &pkg->deps[i];

		strbuf_reset(&sb);
		if (d->raw) {
			put_inline(&sb, d->raw);
		} else {
			if (!d->name)
				fail(w, "a dependency of package '%s' has no name",
				     pkg->name);
			strbuf_addstr(&sb, "{name = ");
			put_str(&sb, d->name ? d->name : "");
			if (d->version) {
				strbuf_addstr(&sb, ", ");
				put_version(&sb, "version", d->version);
			}
			strbuf_addch(&sb, '}');
		}
		s[i].d = d;
		s[i].text = xstrdup(sb.buf);
	}
	qsort(s, pkg->ndeps, sizeof(*s), dep_cmp);
	strbuf_addstr(w->out, "dependencies = [\n");
	for (i = 0; i < pkg->ndeps; i++) {
		strbuf_addf(w->out, "    %s,\n", s[i].text);
		free(s[i].text);
	}
	strbuf_addstr(w->out, "]\n");
	free(s);
	strbuf_release(&sb);
}

static void put_package(struct writer *w, const struct lock_package *pkg)
{
	size_t i;
	int nsources = 0;

	strbuf_addstr(w->out, "\n[[packages]]\n");
	if (!pkg->name || !*pkg->name) {
		fail(w, "a package has no name");
		return;
	}
	put_key_str(w->out, "name", pkg->name);
	if (pkg->version) {
		put_version(w->out, "version", pkg->version);
		strbuf_addch(w->out, '\n');
	}
	put_normal(w->out, "marker", pkg->marker, normal_marker);
	put_normal(w->out, "requires-python", pkg->requires_python,
		   normal_specset);
	put_deps(w, pkg);
	nsources = (pkg->vcs != NULL) + (pkg->directory != NULL) +
		   (pkg->archive != NULL) +
		   (pkg->sdist != NULL || pkg->nwheels > 0);
	if (nsources != 1)
		fail(w, "package '%s' must have exactly one source (vcs, directory, archive, or sdist and wheels), not %d",
		     pkg->name, nsources);
	put_url(w, "index", pkg->index);
	if (pkg->vcs) {
		strbuf_addstr(w->out, "\n[packages.vcs]\n");
		put_key_str(w->out, "type", pkg->vcs->type);
		put_url(w, "url", pkg->vcs->url);
		put_path(w, "path", pkg->vcs->path);
		put_key_str(w->out, "requested-revision",
			    pkg->vcs->requested_revision);
		put_key_str(w->out, "commit-id", pkg->vcs->commit_id);
		put_key_str(w->out, "subdirectory", pkg->vcs->subdirectory);
		if (!pkg->vcs->type || !pkg->vcs->commit_id ||
		    (!pkg->vcs->url && !pkg->vcs->path))
			fail(w, "vcs source of package '%s' needs type, commit-id and url or path",
			     pkg->name);
	}
	if (pkg->directory) {
		strbuf_addstr(w->out, "\n[packages.directory]\n");
		if (!pkg->directory->path)
			fail(w, "directory source of package '%s' needs a path",
			     pkg->name);
		put_path(w, "path", pkg->directory->path);
		if (pkg->directory->has_editable)
			strbuf_addf(w->out, "editable = %s\n",
				    pkg->directory->editable ? "true" : "false");
		put_key_str(w->out, "subdirectory", pkg->directory->subdirectory);
	}
	if (pkg->archive) {
		const struct lock_file_entry *a = pkg->archive;
		struct strbuf what = STRBUF_INIT;

		strbuf_addstr(w->out, "\n[packages.archive]\n");
		if (!a->url && !a->path)
			fail(w, "archive of package '%s' has neither url nor path",
			     pkg->name);
		put_url(w, "url", a->url);
		put_path(w, "path", a->path);
		put_size(w, a);
		put_datetime(w, "upload-time", a->upload_time);
		strbuf_addf(&what, "archive of package '%s'", pkg->name);
		put_hashes(w, a, what.buf);
		strbuf_release(&what);
		put_key_str(w->out, "subdirectory", a->subdirectory);
	}
	if (pkg->sdist)
		put_dist(w, "[packages.sdist]", pkg, pkg->sdist);
	put_wheels(w, pkg);
	for (i = 0; i < pkg->nattestations; i++) {
		strbuf_addstr(w->out, "\n[[packages.attestation-identities]]\n");
		put_table_body(w->out, "packages.attestation-identities",
			       pkg->attestations[i]);
	}
	if (pkg->yanked) {
		strbuf_addstr(w->out, "\n[packages.tool.cvlock]\nyanked = ");
		if (*pkg->yanked)
			toml_write_string(w->out, pkg->yanked,
					  strlen(pkg->yanked));
		else
			strbuf_addstr(w->out, "true");
		strbuf_addch(w->out, '\n');
	}
	put_tools(w->out, "packages.tool", pkg->tools, pkg->ntools);
}

/* ---- top level ---------------------------------------------------------- */

/*
 * A sorted, deduplicated one-line array, each string through `normalize`
 * when given.
 */
static void put_str_array(struct strbuf *out, const char *key,
			  const struct strvec *sv,
			  void (*normalize)(const char *, struct strbuf *))
{
	struct strvec v = STRVEC_INIT;
	struct strbuf sb = STRBUF_INIT;
	size_t i, n = 0;

	for (i = 0; i < sv->nr; i++) {
		strbuf_reset(&sb);
		if (normalize)
			normalize(sv->v[i], &sb);
		else
			strbuf_addstr(&sb, sv->v[i]);
		strvec_push(&v, sb.buf);
	}
	strvec_sort(&v);
	strbuf_addf(out, "%s = [", key);
	for (i = 0; i < v.nr; i++) {
		if (i && !strcmp(v.v[i], v.v[i - 1]))
			continue;
		if (n++)
			strbuf_addstr(out, ", ");
		put_str(out, v.v[i]);
	}
	strbuf_addstr(out, "]\n");
	strvec_clear(&v);
	strbuf_release(&sb);
}

static int pkg_ptr_cmp(const void *a, const void *b)
{
	const struct lock_package *const *x = a, *const *y = b;

	return lock_package_cmp(*x, *y);
}

static int option_cmp(const void *a, const void *b)
{
	const struct lock_option *const *x = a, *const *y = b;

	return strcmp((*x)->key, (*y)->key);
}

static void put_cvlock(struct writer *w, const struct lock_file *lf)
{
	const struct lock_option **opts;
	size_t i;

	if (!lf->inputs_hash && !lf->noptions && !lf->requirements.nr)
		return;
	strbuf_addstr(w->out, "\n[tool.cvlock]\n");
	put_key_str(w->out, "inputs-hash", lf->inputs_hash);
	if (lf->requirements.nr)
		put_str_array(w->out, "requirements", &lf->requirements, NULL);
	opts = xmalloc((lf->noptions ? lf->noptions : 1) * sizeof(*opts));
	for (i = 0; i < lf->noptions; i++)
		opts[i] = &lf->options[i];
	qsort(opts, lf->noptions, sizeof(*opts), option_cmp);
	for (i = 0; i < lf->noptions; i++) {
		if (!strcmp(opts[i]->key, "inputs-hash") ||
		    !strcmp(opts[i]->key, "requirements")) {
			fail(w, "'%s' is not an option", opts[i]->key);
			continue;
		}
		toml_write_key(w->out, opts[i]->key, strlen(opts[i]->key));
		strbuf_addstr(w->out, " = ");
		put_str(w->out, opts[i]->value ? opts[i]->value : "");
		strbuf_addch(w->out, '\n');
	}
	free(opts);
}

int lock_write(const struct lock_file *lf, struct strbuf *out,
	       struct cvl_error *err)
{
	struct strbuf buf = STRBUF_INIT;
	struct writer w = { &buf, err, 0 };
	const struct lock_package **pkgs;
	size_t i;

	/* What was read may be a newer minor; what is written is 1.0. */
	put_key_str(&buf, "lock-version", LOCK_VERSION);
	if (lf->environments.nr)
		put_str_array(&buf, "environments", &lf->environments,
			      normal_marker);
	put_normal(&buf, "requires-python", lf->requires_python,
		   normal_specset);
	put_str_array(&buf, "extras", &lf->extras, NULL);
	put_str_array(&buf, "dependency-groups", &lf->dependency_groups, NULL);
	put_str_array(&buf, "default-groups", &lf->default_groups, NULL);
	if (!lf->created_by || !*lf->created_by)
		fail(&w, "a lockfile needs 'created-by'");
	put_key_str(&buf, "created-by", lf->created_by ? lf->created_by : "");

	pkgs = xmalloc((lf->npackages ? lf->npackages : 1) * sizeof(*pkgs));
	for (i = 0; i < lf->npackages; i++)
		pkgs[i] = &lf->packages[i];
	qsort(pkgs, lf->npackages, sizeof(*pkgs), pkg_ptr_cmp);
	for (i = 0; i < lf->npackages; i++)
		put_package(&w, pkgs[i]);
	free(pkgs);
	/* An empty list still has to be an array for readers. */
	if (!lf->npackages)
		strbuf_addstr(&buf, "packages = []\n");

	put_cvlock(&w, lf);
	put_tools(&buf, "tool", lf->tools, lf->ntools);

	if (!w.status)
		strbuf_add(out, buf.buf, buf.len);
	strbuf_release(&buf);
	return w.status;
}
