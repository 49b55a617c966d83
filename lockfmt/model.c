/*
 * model.c - the in-memory pylock.toml: lifecycle, builders, ordering.
 */
#include "lockfmt/internal.h"
#include "pep/pep.h"

void lock_set_str(char **field, const char *value)
{
	free(*field);
	*field = value ? xstrdup(value) : NULL;
}

void lock_file_init(struct lock_file *lf)
{
	memset(lf, 0, sizeof(*lf));
	lf->lock_version = xstrdup(LOCK_VERSION);
	lf->created_by = xstrdup("cvlock");
	strvec_init(&lf->environments);
	strvec_init(&lf->extras);
	strvec_init(&lf->dependency_groups);
	strvec_init(&lf->default_groups);
	strvec_init(&lf->requirements);
	lf->doc.root = NULL;
	lf->doc.arena = (struct arena)ARENA_INIT;
}

void lock_entry_release(struct lock_file_entry *f)
{
	size_t i;

	if (!f)
		return;
	free(f->name);
	free(f->upload_time);
	free(f->url);
	free(f->path);
	for (i = 0; i < f->nhashes; i++) {
		free(f->hashes[i].algo);
		free(f->hashes[i].value);
	}
	free(f->hashes);
	free(f->subdirectory);
	memset(f, 0, sizeof(*f));
}

static void tools_release(struct lock_tool *tools, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(tools[i].name);
	free(tools);
}

static void package_release(struct lock_package *p)
{
	size_t i;

	free(p->name);
	free(p->version);
	free(p->marker);
	free(p->requires_python);
	for (i = 0; i < p->ndeps; i++) {
		free(p->deps[i].name);
		free(p->deps[i].version);
	}
	free(p->deps);
	if (p->vcs) {
		free(p->vcs->type);
		free(p->vcs->url);
		free(p->vcs->path);
		free(p->vcs->requested_revision);
		free(p->vcs->commit_id);
		free(p->vcs->subdirectory);
		free(p->vcs);
	}
	if (p->directory) {
		free(p->directory->path);
		free(p->directory->subdirectory);
		free(p->directory);
	}
	lock_entry_release(p->archive);
	free(p->archive);
	free(p->index);
	lock_entry_release(p->sdist);
	free(p->sdist);
	for (i = 0; i < p->nwheels; i++)
		lock_entry_release(&p->wheels[i]);
	free(p->wheels);
	free(p->attestations);
	free(p->yanked);
	tools_release(p->tools, p->ntools);
}

void lock_file_release(struct lock_file *lf)
{
	size_t i;

	free(lf->lock_version);
	strvec_clear(&lf->environments);
	free(lf->requires_python);
	strvec_clear(&lf->extras);
	strvec_clear(&lf->dependency_groups);
	strvec_clear(&lf->default_groups);
	free(lf->created_by);
	for (i = 0; i < lf->npackages; i++)
		package_release(&lf->packages[i]);
	free(lf->packages);
	free(lf->inputs_hash);
	strvec_clear(&lf->requirements);
	for (i = 0; i < lf->noptions; i++) {
		free(lf->options[i].key);
		free(lf->options[i].value);
	}
	free(lf->options);
	tools_release(lf->tools, lf->ntools);
	toml_doc_release(&lf->doc);
	memset(lf, 0, sizeof(*lf));
	strvec_init(&lf->environments);
	strvec_init(&lf->extras);
	strvec_init(&lf->dependency_groups);
	strvec_init(&lf->default_groups);
	strvec_init(&lf->requirements);
	lf->doc.arena = (struct arena)ARENA_INIT;
}

struct lock_package *lock_file_add_package(struct lock_file *lf,
					   const char *name,
					   const char *version)
{
	struct lock_package *p;
	struct strbuf sb = STRBUF_INIT;

	ALLOC_GROW(lf->packages, lf->npackages + 1, lf->alloc_packages);
	p = &lf->packages[lf->npackages++];
	memset(p, 0, sizeof(*p));
	pep_name_canonicalize(name, strlen(name), &sb);
	p->name = strbuf_detach(&sb, NULL);
	p->version = version ? xstrdup(version) : NULL;
	return p;
}

void lock_file_set_option(struct lock_file *lf, const char *key,
			  const char *value)
{
	size_t i;

	for (i = 0; i < lf->noptions; i++) {
		if (!strcmp(lf->options[i].key, key)) {
			lock_set_str(&lf->options[i].value, value);
			return;
		}
	}
	ALLOC_GROW(lf->options, lf->noptions + 1, lf->alloc_options);
	lf->options[lf->noptions].key = xstrdup(key);
	lf->options[lf->noptions].value = xstrdup(value);
	lf->noptions++;
}

const char *lock_file_get_option(const struct lock_file *lf, const char *key)
{
	size_t i;

	for (i = 0; i < lf->noptions; i++)
		if (!strcmp(lf->options[i].key, key))
			return lf->options[i].value;
	return NULL;
}

struct lock_package *lock_file_find(const struct lock_file *lf,
				    const char *name, size_t *pos)
{
	struct strbuf want = STRBUF_INIT;
	struct lock_package *found = NULL;
	size_t i;

	pep_name_canonicalize(name, strlen(name), &want);
	for (i = pos ? *pos : 0; i < lf->npackages; i++) {
		if (lf->packages[i].name && !strcmp(lf->packages[i].name, want.buf)) {
			found = &lf->packages[i];
			if (pos)
				*pos = i;
			break;
		}
	}
	strbuf_release(&want);
	return found;
}

void lock_package_add_dep(struct lock_package *pkg, const char *name,
			  const char *version)
{
	struct lock_dep *d;
	struct strbuf sb = STRBUF_INIT;

	ALLOC_GROW(pkg->deps, pkg->ndeps + 1, pkg->alloc_deps);
	d = &pkg->deps[pkg->ndeps++];
	memset(d, 0, sizeof(*d));
	pep_name_canonicalize(name, strlen(name), &sb);
	d->name = strbuf_detach(&sb, NULL);
	d->version = version ? xstrdup(version) : NULL;
	pkg->has_dependencies = true;
}

struct lock_file_entry *lock_package_add_wheel(struct lock_package *pkg)
{
	struct lock_file_entry *w;

	ALLOC_GROW(pkg->wheels, pkg->nwheels + 1, pkg->alloc_wheels);
	w = &pkg->wheels[pkg->nwheels++];
	memset(w, 0, sizeof(*w));
	return w;
}

struct lock_file_entry *lock_package_sdist(struct lock_package *pkg)
{
	if (!pkg->sdist)
		pkg->sdist = xcalloc(1, sizeof(*pkg->sdist));
	return pkg->sdist;
}

static char *lowercase_dup(const char *s)
{
	char *r = xstrdup(s);
	char *p;

	for (p = r; *p; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
	return r;
}

void lock_entry_set_hash(struct lock_file_entry *f, const char *algo,
			 const char *value)
{
	char *a = lowercase_dup(algo);
	size_t i;

	for (i = 0; i < f->nhashes; i++) {
		if (!strcmp(f->hashes[i].algo, a)) {
			free(a);
			free(f->hashes[i].value);
			f->hashes[i].value = lowercase_dup(value);
			return;
		}
	}
	ALLOC_GROW(f->hashes, f->nhashes + 1, f->alloc_hashes);
	f->hashes[f->nhashes].algo = a;
	f->hashes[f->nhashes].value = lowercase_dup(value);
	f->nhashes++;
}

bool lock_entry_filename(const struct lock_file_entry *f, struct strbuf *out)
{
	const char *s, *end, *slash;
	size_t start;

	if (f->name) {
		strbuf_addstr(out, f->name);
		return true;
	}
	s = f->path ? f->path : f->url;
	if (!s)
		return false;
	end = s + strcspn(s, f->path ? "" : "?#");
	slash = end;
	while (slash > s && slash[-1] != '/' && slash[-1] != '\\')
		slash--;
	if (slash == end)
		return false;
	start = out->len;
	if (!f->path &&
	    url_percent_decode(slash, (size_t)(end - slash), out, NULL) == 0)
		return true;
	/* A %00 in the URL: keep the segment as it is. */
	strbuf_setlen(out, start);
	strbuf_add(out, slash, (size_t)(end - slash));
	return true;
}

/* PEP 440 order when both parse, else bytewise (after all valid ones). */
int lock_version_str_cmp(const char *a, const char *b)
{
	struct pep_version va = PEP_VERSION_INIT, vb = PEP_VERSION_INIT;
	bool oka, okb;
	int c;

	if (!a || !b)
		return a ? 1 : (b ? -1 : 0);
	oka = pep_version_parse(&va, a, strlen(a), NULL) == 0;
	okb = pep_version_parse(&vb, b, strlen(b), NULL) == 0;
	if (oka && okb)
		c = pep_version_cmp(&va, &vb);
	else if (oka != okb)
		c = oka ? -1 : 1;
	else
		c = 0;
	pep_version_release(&va);
	pep_version_release(&vb);
	/* Equal versions spelled differently still get one order. */
	return c ? c : strcmp(a, b);
}

static int strcmp_null(const char *a, const char *b)
{
	if (!a || !b)
		return a ? 1 : (b ? -1 : 0);
	return strcmp(a, b);
}

int lock_package_cmp(const struct lock_package *a,
		     const struct lock_package *b)
{
	int c = strcmp_null(a->name, b->name);

	if (!c)
		c = lock_version_str_cmp(a->version, b->version);
	if (!c)
		c = strcmp_null(a->marker, b->marker);
	return c;
}
