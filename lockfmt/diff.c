/*
 * diff.c - what changed between two lockfiles: packages matched by name
 * and marker, the kind and size of each change, via, risks.  See
 * "differences between two lockfiles" in lockfmt.h; diff_format.c shows
 * the result.
 */
#include "lockfmt/internal.h"
#include "pep/pep.h"

/* ---- names ------------------------------------------------------------- */

const char *lock_change_kind_name(enum lock_change_kind kind)
{
	switch (kind) {
	case LOCK_CHANGE_ADDED:
		return "added";
	case LOCK_CHANGE_REMOVED:
		return "removed";
	case LOCK_CHANGE_UPGRADED:
		return "upgraded";
	case LOCK_CHANGE_DOWNGRADED:
		return "downgraded";
	case LOCK_CHANGE_CHANGED:
		return "changed";
	}
	return "?";
}

const char *lock_jump_name(enum lock_jump jump)
{
	switch (jump) {
	case LOCK_JUMP_NONE:
		return "";
	case LOCK_JUMP_EPOCH:
		return "epoch";
	case LOCK_JUMP_MAJOR:
		return "major";
	case LOCK_JUMP_MINOR:
		return "minor";
	case LOCK_JUMP_PATCH:
		return "patch";
	case LOCK_JUMP_PRE:
		return "pre-release";
	case LOCK_JUMP_POST:
		return "post-release";
	case LOCK_JUMP_DEV:
		return "dev-release";
	case LOCK_JUMP_LOCAL:
		return "local";
	}
	return "?";
}

const char *lock_risk_kind_name(enum lock_risk_kind kind)
{
	switch (kind) {
	case LOCK_RISK_HASH:
		return "hash";
	case LOCK_RISK_INDEX:
		return "index";
	case LOCK_RISK_SOURCE:
		return "source";
	case LOCK_RISK_SDIST_ONLY:
		return "sdist-only";
	case LOCK_RISK_YANKED:
		return "yanked";
	case LOCK_RISK_REQUIRES_PYTHON:
		return "requires-python";
	case LOCK_RISK_LOCK_REQUIRES_PYTHON:
		return "lock-requires-python";
	case LOCK_RISK_ENVIRONMENTS:
		return "environments";
	}
	return "?";
}

/* ---- versions ---------------------------------------------------------- */

static int num_cmp_at(const struct pep_version *a, const struct pep_version *b,
		      size_t i)
{
	static const struct pep_num zero = { 0, NULL, 0 };
	struct pep_num x = i < a->nrelease ? pep_version_segments(a)[i] : zero;
	struct pep_num y = i < b->nrelease ? pep_version_segments(b)[i] : zero;

	return pep_num_cmp(x, y);
}

static bool pre_equal(const struct pep_version *a, const struct pep_version *b)
{
	if (a->pre_kind != b->pre_kind)
		return false;
	return a->pre_kind == PEP_PRE_NONE || !pep_num_cmp(a->pre, b->pre);
}

static bool opt_num_equal(bool has_a, struct pep_num a, bool has_b,
			  struct pep_num b)
{
	if (has_a != has_b)
		return false;
	return !has_a || !pep_num_cmp(a, b);
}

static enum lock_jump jump_of(const struct pep_version *a,
			      const struct pep_version *b)
{
	size_t i, n = a->nrelease > b->nrelease ? a->nrelease : b->nrelease;

	if (pep_num_cmp(a->epoch, b->epoch))
		return LOCK_JUMP_EPOCH;
	for (i = 0; i < n; i++) {
		if (!num_cmp_at(a, b, i))
			continue;
		if (i == 0)
			return LOCK_JUMP_MAJOR;
		return i == 1 ? LOCK_JUMP_MINOR : LOCK_JUMP_PATCH;
	}
	if (!pre_equal(a, b))
		return LOCK_JUMP_PRE;
	if (!opt_num_equal(a->has_post, a->post, b->has_post, b->post))
		return LOCK_JUMP_POST;
	if (!opt_num_equal(a->has_dev, a->dev, b->has_dev, b->dev))
		return LOCK_JUMP_DEV;
	if (pep_version_cmp(a, b))
		return LOCK_JUMP_LOCAL;
	return LOCK_JUMP_NONE;
}

/* Like lock_version_jump(); returns whether both versions parsed. */
static bool version_jump(const char *a, const char *b, enum lock_jump *jump,
			 int *cmp)
{
	struct pep_version va = PEP_VERSION_INIT, vb = PEP_VERSION_INIT;
	bool ok = false;

	*jump = LOCK_JUMP_NONE;
	*cmp = 0;
	if (a && b && !pep_version_parse(&va, a, strlen(a), NULL)) {
		if (!pep_version_parse(&vb, b, strlen(b), NULL)) {
			*cmp = pep_version_cmp(&va, &vb);
			*jump = jump_of(&va, &vb);
			ok = true;
		}
	}
	pep_version_release(&va);
	pep_version_release(&vb);
	return ok;
}

enum lock_jump lock_version_jump(const char *a, const char *b, int *cmp)
{
	enum lock_jump jump;
	int c;

	version_jump(a, b, &jump, &c);
	if (cmp)
		*cmp = c;
	return jump;
}

/* ---- normal forms ------------------------------------------------------ */

static char *norm_marker(const char *m)
{
	struct pep_marker *pm = NULL;
	struct strbuf sb = STRBUF_INIT;

	if (!m)
		return NULL;
	if (pep_marker_parse(&pm, m, strlen(m), NULL))
		return xstrdup(m);
	pep_marker_format(pm, &sb);
	pep_marker_free(pm);
	return strbuf_detach(&sb, NULL);
}

static char *norm_specset(const char *s)
{
	struct pep_specset set = PEP_SPECSET_INIT;
	struct strbuf sb = STRBUF_INIT;

	if (!s)
		return NULL;
	if (pep_specset_parse(&set, s, strlen(s), NULL)) {
		pep_specset_release(&set);
		return xstrdup(s);
	}
	pep_specset_format(&set, &sb);
	pep_specset_release(&set);
	return strbuf_detach(&sb, NULL);
}

static bool str_equal(const char *a, const char *b)
{
	if (!a || !b)
		return a == b;
	return !strcmp(a, b);
}

static bool normal_equal(char *(*norm)(const char *), const char *a,
			 const char *b)
{
	char *na = norm(a), *nb = norm(b);
	bool eq = str_equal(na, nb);

	free(na);
	free(nb);
	return eq;
}

/*
 * The package's source in one line, or NULL when it names none (files
 * without an index): *is_index tells an index URL from the others.
 */
static char *describe_source(const struct lock_package *p, bool *is_index)
{
	struct strbuf sb = STRBUF_INIT;

	*is_index = false;
	if (p->vcs) {
		strbuf_addf(&sb, "%s %s", p->vcs->type ? p->vcs->type : "vcs",
			    p->vcs->url ? p->vcs->url :
			    (p->vcs->path ? p->vcs->path : ""));
		if (p->vcs->commit_id)
			strbuf_addf(&sb, "@%s", p->vcs->commit_id);
		if (p->vcs->subdirectory)
			strbuf_addf(&sb, "#subdirectory=%s",
				    p->vcs->subdirectory);
	} else if (p->directory) {
		strbuf_addf(&sb, "directory %s",
			    p->directory->path ? p->directory->path : "");
		if (p->directory->subdirectory)
			strbuf_addf(&sb, "#subdirectory=%s",
				    p->directory->subdirectory);
		if (p->directory->has_editable && p->directory->editable)
			strbuf_addstr(&sb, " (editable)");
	} else if (p->archive) {
		const struct lock_file_entry *a = p->archive;

		strbuf_addf(&sb, "archive %s",
			    a->url ? a->url : (a->path ? a->path : ""));
		if (a->subdirectory)
			strbuf_addf(&sb, "#subdirectory=%s", a->subdirectory);
	} else if (p->index) {
		size_t len = strlen(p->index);

		while (len > 1 && p->index[len - 1] == '/')
			len--;
		strbuf_add(&sb, p->index, len);
		*is_index = true;
	} else {
		return NULL;
	}
	return strbuf_detach(&sb, NULL);
}

static bool sdist_only(const struct lock_package *p)
{
	return p->sdist && !p->nwheels && !p->vcs && !p->directory &&
	       !p->archive;
}

/* Whether [packages.tool.cvlock] says yanked; *reason: its reason. */
static bool is_yanked(const struct lock_package *p, const char **reason)
{
	*reason = p->yanked && *p->yanked ? p->yanked : NULL;
	return p->yanked != NULL;
}

/* Dependencies as sorted "name" / "name==version" strings. */
static void dep_keys(const struct lock_package *p, struct strvec *out)
{
	size_t i;

	for (i = 0; i < p->ndeps; i++) {
		if (p->deps[i].version)
			strvec_pushf(out, "%s==%s", p->deps[i].name,
				     p->deps[i].version);
		else
			strvec_push(out, p->deps[i].name);
	}
	strvec_sort(out);
}

static bool strvec_equal(const struct strvec *a, const struct strvec *b)
{
	size_t i;

	if (a->nr != b->nr)
		return false;
	for (i = 0; i < a->nr; i++)
		if (strcmp(a->v[i], b->v[i]))
			return false;
	return true;
}

/* ---- files ------------------------------------------------------------- */

struct named_file {
	char *name;
	const struct lock_file_entry *f;
};

static void add_named(struct named_file **v, size_t *n, size_t *alloc,
		      const struct lock_file_entry *f)
{
	struct strbuf sb = STRBUF_INIT;

	if (!f)
		return;
	if (!lock_entry_filename(f, &sb)) {
		strbuf_release(&sb);
		return;
	}
	ALLOC_GROW(*v, *n + 1, *alloc);
	(*v)[*n].name = strbuf_detach(&sb, NULL);
	(*v)[*n].f = f;
	(*n)++;
}

static int named_cmp(const void *a, const void *b)
{
	const struct named_file *x = a, *y = b;

	return strcmp(x->name, y->name);
}

static size_t package_files(const struct lock_package *p,
			    struct named_file **out)
{
	size_t n = 0, alloc = 0, i;

	*out = NULL;
	add_named(out, &n, &alloc, p->sdist);
	add_named(out, &n, &alloc, p->archive);
	for (i = 0; i < p->nwheels; i++)
		add_named(out, &n, &alloc, &p->wheels[i]);
	if (n)
		qsort(*out, n, sizeof(**out), named_cmp);
	return n;
}

static void named_release(struct named_file *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(v[i].name);
	free(v);
}

static const struct lock_hash *find_hash(const struct lock_file_entry *f,
					 const char *algo)
{
	size_t i;

	for (i = 0; i < f->nhashes; i++)
		if (!strcmp(f->hashes[i].algo, algo))
			return &f->hashes[i];
	return NULL;
}

/* ---- building the diff ------------------------------------------------- */

static struct lock_risk *add_risk(struct lock_diff *d,
				  enum lock_risk_kind kind,
				  const struct lock_package *pkg,
				  const char *old, const char *new)
{
	struct lock_risk *r;

	ALLOC_GROW(d->risks, d->nrisks + 1, d->alloc_risks);
	r = &d->risks[d->nrisks++];
	memset(r, 0, sizeof(*r));
	r->kind = kind;
	r->pkg = pkg;
	r->old = old ? xstrdup(old) : NULL;
	r->new = new ? xstrdup(new) : NULL;
	return r;
}

static struct lock_change *add_change(struct lock_diff *d,
				      enum lock_change_kind kind,
				      const struct lock_package *old,
				      const struct lock_package *new)
{
	struct lock_change *c;

	ALLOC_GROW(d->changes, d->nchanges + 1, d->alloc_changes);
	c = &d->changes[d->nchanges++];
	memset(c, 0, sizeof(*c));
	c->kind = kind;
	c->old = old;
	c->new = new;
	strvec_init(&c->via);
	return c;
}

/*
 * Files of one version on both sides: names only on one side (FILES),
 * names whose hash differs for an algorithm both give (HASHES, and a
 * risk per file when `risks`).
 */
static unsigned compare_files(struct lock_diff *d, const struct lock_package *o,
			      const struct lock_package *n, bool risks)
{
	struct named_file *fo, *fn;
	size_t no = package_files(o, &fo), nn = package_files(n, &fn);
	size_t i = 0, j = 0, k;
	unsigned what = 0;

	while (i < no || j < nn) {
		int c = i >= no ? 1 : (j >= nn ? -1 :
				       strcmp(fo[i].name, fn[j].name));

		if (c) {
			what |= LOCK_DIFF_FILES;
			if (c < 0)
				i++;
			else
				j++;
			continue;
		}
		for (k = 0; k < fo[i].f->nhashes; k++) {
			const struct lock_hash *ho = &fo[i].f->hashes[k];
			const struct lock_hash *hn = find_hash(fn[j].f,
							       ho->algo);
			struct lock_risk *r;

			if (!hn || !strcmp(ho->value, hn->value))
				continue;
			what |= LOCK_DIFF_HASHES;
			if (risks) {
				r = add_risk(d, LOCK_RISK_HASH, n, ho->value,
					     hn->value);
				r->file = xstrdup(fn[j].name);
				r->algo = xstrdup(ho->algo);
			}
			break;
		}
		i++;
		j++;
	}
	named_release(fo, no);
	named_release(fn, nn);
	return what;
}

/* A matched pair: the change (or none: returns false) without risks. */
static bool pair_change(struct lock_diff *d, const struct lock_package *o,
			const struct lock_package *n)
{
	struct strvec da = STRVEC_INIT, db = STRVEC_INIT;
	enum lock_change_kind kind = LOCK_CHANGE_CHANGED;
	struct lock_change *c;
	enum lock_jump jump;
	bool same, oi, ni;
	char *so, *sn;
	unsigned what = 0;
	int cmp;

	if (version_jump(o->version, n->version, &jump, &cmp))
		same = !cmp;
	else
		same = str_equal(o->version, n->version);
	if (!same && cmp)
		kind = cmp < 0 ? LOCK_CHANGE_UPGRADED : LOCK_CHANGE_DOWNGRADED;
	if (!normal_equal(norm_marker, o->marker, n->marker))
		what |= LOCK_DIFF_MARKER;
	so = describe_source(o, &oi);
	sn = describe_source(n, &ni);
	if (so && sn && strcmp(so, sn))
		what |= LOCK_DIFF_SOURCE;
	free(so);
	free(sn);
	if (!normal_equal(norm_specset, o->requires_python,
			  n->requires_python))
		what |= LOCK_DIFF_REQUIRES_PYTHON;
	if (same) {
		const char *ro, *rn;
		bool yo = is_yanked(o, &ro), yn = is_yanked(n, &rn);

		if (yo != yn || !str_equal(ro, rn))
			what |= LOCK_DIFF_YANKED;
		what |= compare_files(d, o, n, false);
		dep_keys(o, &da);
		dep_keys(n, &db);
		if (!strvec_equal(&da, &db))
			what |= LOCK_DIFF_DEPENDENCIES;
		strvec_clear(&da);
		strvec_clear(&db);
	}
	if (same && !what)
		return false;
	c = add_change(d, kind, o, n);
	c->jump = jump;
	c->what = what;
	return true;
}

static int change_cmp(const void *a, const void *b)
{
	const struct lock_change *x = a, *y = b;
	const struct lock_package *px = x->new ? x->new : x->old;
	const struct lock_package *py = y->new ? y->new : y->old;
	int c = strcmp(px->name, py->name);

	if (!c && x->old && y->old)
		c = lock_version_str_cmp(x->old->version, y->old->version);
	if (!c)
		c = lock_package_cmp(px, py);
	if (!c)
		c = (int)x->kind - (int)y->kind;
	return c;
}

/* The risks of one change, added to d->risks. */
static void change_risks(struct lock_diff *d, const struct lock_change *c)
{
	const struct lock_package *o = c->old, *n = c->new;
	const char *reason, *old_reason;
	bool same = c->kind == LOCK_CHANGE_CHANGED;

	if (!n)
		return;
	if (o && same)
		compare_files(d, o, n, true);
	if (o && (c->what & LOCK_DIFF_SOURCE)) {
		bool oi, ni;
		char *so = describe_source(o, &oi), *sn = describe_source(n, &ni);

		add_risk(d, oi && ni ? LOCK_RISK_INDEX : LOCK_RISK_SOURCE, n,
			 so, sn);
		free(so);
		free(sn);
	}
	if (sdist_only(n) && !(o && same && sdist_only(o))) {
		struct lock_risk *r = add_risk(d, LOCK_RISK_SDIST_ONLY, n,
					       NULL, NULL);
		struct strbuf sb = STRBUF_INIT;

		if (lock_entry_filename(n->sdist, &sb))
			r->file = strbuf_detach(&sb, NULL);
		strbuf_release(&sb);
	}
	if (is_yanked(n, &reason) && !(o && same && is_yanked(o, &old_reason)))
		add_risk(d, LOCK_RISK_YANKED, n, NULL, reason);
	if (o && (c->what & LOCK_DIFF_REQUIRES_PYTHON))
		add_risk(d, LOCK_RISK_REQUIRES_PYTHON, n, o->requires_python,
			 n->requires_python);
}

/* Normalized environments, sorted, or NULL for none. */
static char *environments_key(const struct strvec *env, bool normalize)
{
	struct strvec v = STRVEC_INIT;
	struct strbuf sb = STRBUF_INIT;
	size_t i;

	if (!env->nr)
		return NULL;
	for (i = 0; i < env->nr; i++) {
		char *m = normalize ? norm_marker(env->v[i]) :
				      xstrdup(env->v[i]);

		strvec_push(&v, m);
		free(m);
	}
	if (normalize)
		strvec_sort(&v);
	for (i = 0; i < v.nr; i++) {
		if (i)
			strbuf_addstr(&sb, "; ");
		strbuf_addstr(&sb, v.v[i]);
	}
	strvec_clear(&v);
	return strbuf_detach(&sb, NULL);
}

/* A lockfile with nothing in it: a missing one. */
static bool lock_is_empty(const struct lock_file *lf)
{
	return !lf->npackages && !lf->requires_python &&
	       !lf->environments.nr && !lf->requirements.nr;
}

static void lockfile_risks(struct lock_diff *d)
{
	const struct lock_file *o = d->old, *n = d->new;
	char *ko, *kn;

	if (lock_is_empty(o) || lock_is_empty(n))
		return;
	if (!normal_equal(norm_specset, o->requires_python, n->requires_python))
		add_risk(d, LOCK_RISK_LOCK_REQUIRES_PYTHON, NULL,
			 o->requires_python, n->requires_python);
	ko = environments_key(&o->environments, true);
	kn = environments_key(&n->environments, true);
	if (!str_equal(ko, kn)) {
		free(ko);
		free(kn);
		ko = environments_key(&o->environments, false);
		kn = environments_key(&n->environments, false);
		add_risk(d, LOCK_RISK_ENVIRONMENTS, NULL, ko, kn);
	}
	free(ko);
	free(kn);
}

/* Strings of `a` not in `b` (both sorted copies), appended to `out`. */
static void strvec_minus(const struct strvec *a, const struct strvec *b,
			 struct strvec *out)
{
	size_t i, j;

	for (i = 0; i < a->nr; i++) {
		bool found = false;

		for (j = 0; j < b->nr && !found; j++)
			found = !strcmp(a->v[i], b->v[j]);
		if (!found && !(i && !strcmp(a->v[i], a->v[i - 1])))
			strvec_push(out, a->v[i]);
	}
}

static void sorted_copy(const struct strvec *src, struct strvec *dst)
{
	size_t i;

	for (i = 0; i < src->nr; i++)
		strvec_push(dst, src->v[i]);
	strvec_sort(dst);
}

/* What pairs an old requirement with a new one: its name and marker. */
static char *requirement_key(const char *s)
{
	struct pep_requirement req = PEP_REQUIREMENT_INIT;
	struct strbuf sb = STRBUF_INIT;

	if (pep_requirement_parse(&req, s, strlen(s), NULL)) {
		pep_requirement_release(&req);
		return xstrdup(s);
	}
	pep_name_canonicalize(req.name, strlen(req.name), &sb);
	if (req.marker) {
		strbuf_addch(&sb, ';');
		pep_marker_format(req.marker, &sb);
	}
	pep_requirement_release(&req);
	return strbuf_detach(&sb, NULL);
}

static size_t count_key(char **keys, size_t n, const char *key, size_t *at)
{
	size_t i, count = 0;

	for (i = 0; i < n; i++) {
		if (strcmp(keys[i], key))
			continue;
		*at = i;
		count++;
	}
	return count;
}

/*
 * Requirements added and removed; one removed and one added for the same
 * name and marker are one change ("alpha<1.1" became "alpha").
 */
static void requirement_changes(struct lock_diff *d)
{
	struct strvec o = STRVEC_INIT, n = STRVEC_INIT;
	struct strvec rem = STRVEC_INIT, add = STRVEC_INIT;
	char **krem, **kadd;
	bool *paired;
	size_t i, at, at2;

	sorted_copy(&d->old->requirements, &o);
	sorted_copy(&d->new->requirements, &n);
	strvec_minus(&n, &o, &add);
	strvec_minus(&o, &n, &rem);
	krem = xcalloc(rem.nr + 1, sizeof(*krem));
	kadd = xcalloc(add.nr + 1, sizeof(*kadd));
	paired = xcalloc(add.nr + 1, sizeof(*paired));
	for (i = 0; i < rem.nr; i++)
		krem[i] = requirement_key(rem.v[i]);
	for (i = 0; i < add.nr; i++)
		kadd[i] = requirement_key(add.v[i]);
	for (i = 0; i < rem.nr; i++) {
		if (count_key(krem, rem.nr, krem[i], &at2) == 1 &&
		    count_key(kadd, add.nr, krem[i], &at) == 1) {
			strvec_push(&d->requirements_changed_old, rem.v[i]);
			strvec_push(&d->requirements_changed_new, add.v[at]);
			paired[at] = true;
		} else {
			strvec_push(&d->requirements_removed, rem.v[i]);
		}
	}
	for (i = 0; i < add.nr; i++)
		if (!paired[i])
			strvec_push(&d->requirements_added, add.v[i]);
	for (i = 0; i < rem.nr; i++)
		free(krem[i]);
	for (i = 0; i < add.nr; i++)
		free(kadd[i]);
	free(krem);
	free(kadd);
	free(paired);
	strvec_clear(&o);
	strvec_clear(&n);
	strvec_clear(&rem);
	strvec_clear(&add);
}

/* First unmatched entry of old named `name` that `ok` accepts. */
static size_t find_unmatched(const struct lock_file *lf, const char *name,
			     const size_t *match, bool (*ok)(const char *,
							     const char *),
			     const char *key, char **keys)
{
	size_t pos = 0;
	struct lock_package *p;

	for (;;) {
		size_t i;

		p = lock_file_find(lf, name, &pos);
		if (!p)
			return SIZE_MAX;
		i = (size_t)(p - lf->packages);
		pos = i + 1;
		if (match[i] != SIZE_MAX)
			continue;
		if (!ok || ok(key, keys ? keys[i] : p->version))
			return i;
	}
}

static bool same_version(const char *a, const char *b)
{
	enum lock_jump jump;
	int cmp;

	if (!a || !b)
		return false;
	if (version_jump(a, b, &jump, &cmp))
		return !cmp;
	return !strcmp(a, b);
}

void lock_diff_compute(struct lock_diff *d, const struct lock_file *old,
		       const struct lock_file *new)
{
	size_t no = old->npackages, nn = new->npackages, i, j, pass;
	size_t *mo = xmalloc((no + 1) * sizeof(*mo));
	size_t *mn = xmalloc((nn + 1) * sizeof(*mn));
	char **ko = xcalloc(no + 1, sizeof(*ko));
	char **kn = xcalloc(nn + 1, sizeof(*kn));
	struct lock_graph go, gn;

	memset(d, 0, sizeof(*d));
	d->old = old;
	d->new = new;
	strvec_init(&d->requirements_added);
	strvec_init(&d->requirements_removed);
	strvec_init(&d->requirements_changed_old);
	strvec_init(&d->requirements_changed_new);

	/* Markers in normal form; "" for none. */
	for (i = 0; i < no; i++) {
		mo[i] = SIZE_MAX;
		ko[i] = old->packages[i].marker ?
			norm_marker(old->packages[i].marker) : xstrdup("");
	}
	for (j = 0; j < nn; j++) {
		mn[j] = SIZE_MAX;
		kn[j] = new->packages[j].marker ?
			norm_marker(new->packages[j].marker) : xstrdup("");
	}
	/* Pass 0: same marker; 1: same version; 2: whatever is left. */
	for (pass = 0; pass < 3; pass++) {
		for (j = 0; j < nn; j++) {
			const struct lock_package *p = &new->packages[j];

			if (mn[j] != SIZE_MAX)
				continue;
			if (pass == 0)
				i = find_unmatched(old, p->name, mo, str_equal,
						   kn[j], ko);
			else if (pass == 1)
				i = find_unmatched(old, p->name, mo,
						   same_version, p->version,
						   NULL);
			else
				i = find_unmatched(old, p->name, mo, NULL,
						   NULL, NULL);
			if (i == SIZE_MAX)
				continue;
			mo[i] = j;
			mn[j] = i;
		}
	}

	for (j = 0; j < nn; j++) {
		if (mn[j] == SIZE_MAX) {
			add_change(d, LOCK_CHANGE_ADDED, NULL,
				   &new->packages[j]);
			d->nadded++;
		} else if (!pair_change(d, &old->packages[mn[j]],
					&new->packages[j])) {
			d->nunchanged++;
		}
	}
	for (i = 0; i < no; i++) {
		if (mo[i] != SIZE_MAX)
			continue;
		add_change(d, LOCK_CHANGE_REMOVED, &old->packages[i], NULL);
		d->nremoved++;
	}
	if (d->nchanges)
		qsort(d->changes, d->nchanges, sizeof(*d->changes),
		      change_cmp);

	lock_graph_build(&go, old, NULL);
	lock_graph_build(&gn, new, NULL);
	for (i = 0; i < d->nchanges; i++) {
		struct lock_change *c = &d->changes[i];

		if (c->kind == LOCK_CHANGE_UPGRADED)
			d->nupgraded++;
		else if (c->kind == LOCK_CHANGE_DOWNGRADED)
			d->ndowngraded++;
		else if (c->kind == LOCK_CHANGE_CHANGED)
			d->nchanged++;
		if (c->new)
			lock_graph_via(&gn, (size_t)(c->new - new->packages),
				       &c->via);
		else
			lock_graph_via(&go, (size_t)(c->old - old->packages),
				       &c->via);
		change_risks(d, c);
	}
	lock_graph_release(&go);
	lock_graph_release(&gn);
	lockfile_risks(d);
	requirement_changes(d);

	for (i = 0; i < no; i++)
		free(ko[i]);
	for (j = 0; j < nn; j++)
		free(kn[j]);
	free(ko);
	free(kn);
	free(mo);
	free(mn);
}

void lock_diff_release(struct lock_diff *d)
{
	size_t i;

	for (i = 0; i < d->nchanges; i++)
		strvec_clear(&d->changes[i].via);
	free(d->changes);
	for (i = 0; i < d->nrisks; i++) {
		free(d->risks[i].file);
		free(d->risks[i].algo);
		free(d->risks[i].old);
		free(d->risks[i].new);
	}
	free(d->risks);
	strvec_clear(&d->requirements_added);
	strvec_clear(&d->requirements_removed);
	strvec_clear(&d->requirements_changed_old);
	strvec_clear(&d->requirements_changed_new);
	memset(d, 0, sizeof(*d));
}

bool lock_diff_is_empty(const struct lock_diff *d)
{
	return !d->nchanges && !d->nrisks && !d->requirements_added.nr &&
	       !d->requirements_removed.nr && !d->requirements_changed_old.nr;
}
