/*
 * solve.c - the resolution loop: discover reachable packages, load the
 * metadata of a window of candidates per requirement, build a libsolv pool
 * (technique A, rank EVRs, ladder encoding; notes/libsolv.md), solve, and
 * widen the packages named by the problem rules until a solution is found
 * or every one of them is fully loaded.
 */
#include "resolver/internal.h"

/*
 * Candidates wanted per requirement before the first solve.  Measured on a
 * generated 1,000-package x 50-version universe (30 root requirements):
 * 1 -> 4,410 metadata loads in 12 rounds, 2 -> 3,718 loads in 1 round,
 * 3 -> 7,830, 4 -> 12,220 (more candidates reach more packages).  A
 * widened package's window grows 4x per round.
 */
#define DEFAULT_WINDOW 2
#define ROOT_NAME "<project>"

/* ---- registries ------------------------------------------------------ */

static int *idmap_slot(int **map, size_t *alloc, Id id)
{
	if ((size_t)id >= *alloc) {
		size_t old = *alloc;
		size_t n = (size_t)id + 1;

		ALLOC_GROW(*map, n, *alloc);
		memset(*map + old, 0, (*alloc - old) * sizeof(**map));
	}
	return &(*map)[id];
}

bool res_name_listed(const struct strvec *sv, const char *name)
{
	size_t i;

	for (i = 0; i < sv->nr; i++)
		if (!strcmp(sv->v[i], name) || !strcmp(sv->v[i], ":all:"))
			return true;
	return false;
}

static int cmp_name(const void *key, const void *elem)
{
	return strcmp(key, *(const char *const *)elem);
}

/* Is `canon` the name of one of the project's own requirements? */
static bool is_root_name(const struct res_state *st, const char *canon)
{
	return bsearch(canon, st->root_names.v, st->root_names.nr,
		       sizeof(*st->root_names.v), cmp_name) != NULL;
}

static struct rpkg *get_pkg(struct res_state *st, const char *canon)
{
	Id id = pool_str2id(st->pool, canon, 1);
	int *slot = idmap_slot(&st->pkg_of_id, &st->pkg_of_id_alloc, id);
	struct rpkg *p;

	if (*slot)
		return st->pkgs[*slot - 1];
	p = xcalloc(1, sizeof(*p));
	p->p.name = xstrdup(canon);
	p->idx = (int)st->npkgs;
	p->name_id = id;
	p->window = st->opts->window ? st->opts->window : DEFAULT_WINDOW;
	p->locked = -1;
	strvec_init(&p->extras);
	if (st->opts->resolution == PEP_RESOLUTION_LOWEST)
		p->invert = true;
	p->direct = is_root_name(st, canon);
	if (p->direct && st->opts->resolution == PEP_RESOLUTION_LOWEST_DIRECT)
		p->invert = true;
	ALLOC_GROW(st->pkgs, st->npkgs + 1, st->pkgs_alloc);
	st->pkgs[st->npkgs++] = p;
	*slot = (int)st->npkgs;
	return p;
}

/* The package a candidate belongs to (its name is registered). */
struct rpkg *res_pkg_of_name(struct res_state *st, const char *canon)
{
	return get_pkg(st, canon);
}

static int pkg_extra(struct rpkg *p, const char *extra)
{
	size_t i;

	for (i = 0; i < p->extras.nr; i++)
		if (!strcmp(p->extras.v[i], extra))
			return (int)i;
	strvec_push(&p->extras, extra);
	ALLOC_GROW(p->extra_reached, p->extras.nr, p->extra_reached_alloc);
	p->extra_reached[p->extras.nr - 1] = false;
	return (int)p->extras.nr - 1;
}

static struct rreq *req_by_key(struct res_state *st, const char *key,
			       bool *created)
{
	Id id = pool_str2id(st->pool, key, 1);
	int *slot = idmap_slot(&st->req_of_id, &st->req_of_id_alloc, id);
	struct rreq *r;

	*created = false;
	if (*slot)
		return &st->reqs[*slot - 1];
	ALLOC_GROW(st->reqs, st->nreqs + 1, st->reqs_alloc);
	r = &st->reqs[st->nreqs++];
	memset(r, 0, sizeof(*r));
	r->id = id;
	r->extra = -1;
	r->cand = -1;
	r->spec.prereleases = PEP_PRERELEASES_UNSET;
	*slot = (int)st->nreqs;
	*created = true;
	return r;
}

static const struct pep_requirement *find_override(struct res_state *st,
						   const char *canon)
{
	struct strbuf sb = STRBUF_INIT;
	const struct pep_requirement *found = NULL;
	size_t i;

	for (i = 0; i < st->opts->noverrides && !found; i++) {
		strbuf_reset(&sb);
		pep_name_canonicalize(st->opts->overrides[i].name,
				      strlen(st->opts->overrides[i].name), &sb);
		if (!strcmp(sb.buf, canon))
			found = &st->opts->overrides[i];
	}
	strbuf_release(&sb);
	return found;
}

bool res_marker_true(struct res_state *st, const struct pep_marker *m,
			const char *extra)
{
	struct cvl_error err = CVL_ERROR_INIT;
	bool result = false;

	if (!m)
		return true;
	st->env.var[PEP_ENV_EXTRA] = extra ? extra : "";
	if (pep_marker_evaluate(m, &st->env, &result, &err) < 0)
		return false;
	return result;
}

static bool spec_has_exact_pin(const struct pep_specset *s)
{
	size_t i;

	for (i = 0; i < s->nr; i++) {
		if (s->items[i].op == PEP_OP_ARBITRARY)
			return true;
		if (s->items[i].op == PEP_OP_EQ && !s->items[i].wildcard)
			return true;
	}
	return false;
}

/*
 * Intern one requirement (one per extra, or the base when it has none) and
 * append their indexes to *out.  Overrides replace the requirement's
 * specifier (their marker decides whether it stays at all).
 */
void res_intern_requirement(struct res_state *st,
			    const struct pep_requirement *req, int **out,
			    size_t *nout, size_t *alloc)
{
	struct strbuf canon = STRBUF_INIT, key = STRBUF_INIT, sp = STRBUF_INIT;
	const struct pep_requirement *ov;
	const struct pep_specset *spec = &req->spec;
	struct strvec extras = STRVEC_INIT;
	struct rpkg *p;
	size_t i, k;

	pep_name_canonicalize(req->name, strlen(req->name), &canon);
	ov = find_override(st, canon.buf);
	if (ov) {
		if (!res_marker_true(st, ov->marker, NULL))
			goto out;
		spec = &ov->spec;
	}
	for (i = 0; i < req->extras.nr; i++) {
		strbuf_reset(&sp);
		pep_name_canonicalize(req->extras.v[i],
				      strlen(req->extras.v[i]), &sp);
		strvec_push(&extras, sp.buf);
	}
	if (ov)
		for (i = 0; i < ov->extras.nr; i++) {
			strbuf_reset(&sp);
			pep_name_canonicalize(ov->extras.v[i],
					      strlen(ov->extras.v[i]), &sp);
			strvec_push(&extras, sp.buf);
		}
	strvec_sort(&extras);
	p = get_pkg(st, canon.buf);
	strbuf_reset(&sp);
	pep_specset_format(spec, &sp);
	for (k = 0; k < (extras.nr ? extras.nr : 1); k++) {
		const char *extra = extras.nr ? extras.v[k] : NULL;
		struct rreq *r;
		bool created;

		if (k && !strcmp(extras.v[k], extras.v[k - 1]))
			continue;
		strbuf_reset(&key);
		strbuf_addstr(&key, canon.buf);
		if (extra)
			strbuf_addf(&key, "[%s]", extra);
		strbuf_addf(&key, " (%s)", sp.len ? sp.buf : "*");
		r = req_by_key(st, key.buf, &created);
		if (created) {
			r->kind = RREQ_NORMAL;
			r->pkg = p->idx;
			r->extra = extra ? pkg_extra(p, extra) : -1;
			pep_specset_copy(&r->spec, spec);
			r->exact_pin = spec_has_exact_pin(spec);
			strbuf_reset(&key);
			strbuf_addstr(&key, canon.buf);
			if (extra)
				strbuf_addf(&key, "[%s]", extra);
			strbuf_add(&key, sp.buf, sp.len);
			r->text = strbuf_detach(&key, NULL);
		}
		ALLOC_GROW(*out, *nout + 1, *alloc);
		(*out)[(*nout)++] = (int)(r - st->reqs);
	}
out:
	strvec_clear(&extras);
	strbuf_release(&canon);
	strbuf_release(&key);
	strbuf_release(&sp);
}

/* The requirement indexes of a candidate for its base or one extra. */
void res_cand_reqs(struct res_state *st, struct rcand *rc,
		      const char *extra, int **out, size_t *nout,
		      size_t *alloc)
{
	size_t i;

	for (i = 0; i < rc->c.nrequires; i++) {
		const struct pep_requirement *r = &rc->c.requires[i];

		if (extra) {
			if (!r->marker || !pep_marker_uses_extra(r->marker))
				continue;
			if (!res_marker_true(st, r->marker, extra))
				continue;
		} else if (!res_marker_true(st, r->marker, NULL)) {
			continue;
		}
		res_intern_requirement(st, r, out, nout, alloc);
	}
}

void res_cand_base(struct res_state *st, struct rcand *rc)
{
	size_t alloc = 0;

	if (rc->base_done)
		return;
	res_cand_reqs(st, rc, NULL, &rc->base, &rc->nbase, &alloc);
	rc->base_done = true;
}

/* ---- discovery ------------------------------------------------------ */

struct work {
	int *q;
	size_t nq, aq;
	struct res_package **list;
	size_t nlist, alist;
	struct res_candidate **load;
	size_t nload, aload;
};

static void push_req(struct work *w, int r)
{
	ALLOC_GROW(w->q, w->nq + 1, w->aq);
	w->q[w->nq++] = r;
}

static void push_cand_reqs(struct res_state *st, struct work *w,
			   struct rpkg *p, struct rcand *rc)
{
	size_t i;

	res_cand_base(st, rc);
	for (i = 0; i < rc->nbase; i++)
		push_req(w, rc->base[i]);
	for (i = 0; i < p->extras.nr; i++) {
		int *x = NULL;
		size_t nx = 0, ax = 0, k;

		if (!p->extra_reached[i])
			continue;
		res_cand_reqs(st, rc, p->extras.v[i], &x, &nx, &ax);
		for (k = 0; k < nx; k++)
			push_req(w, x[k]);
		free(x);
	}
}

static void want(struct res_state *st, struct work *w, struct rpkg *p,
		 struct res_candidate *c)
{
	if (c->want)
		return;
	c->want = true;
	if (c->loaded) {
		push_cand_reqs(st, w, p, res_rcand(c));
	} else {
		ALLOC_GROW(w->load, w->nload + 1, w->aload);
		w->load[w->nload++] = c;
	}
}

/*
 * Interning requirements (res_cand_reqs, want) may grow st->reqs, so the
 * requirement is always re-read through its index, never kept as a
 * pointer across those calls.
 */
static void visit_req(struct res_state *st, struct work *w, int ri)
{
	struct rpkg *p = st->pkgs[st->reqs[ri].pkg];
	int extra_idx = st->reqs[ri].extra;
	const int *matched;
	size_t i, nmatched;

	if (st->reqs[ri].round == st->round)
		return;
	if (!p->p.listed) {
		if (!p->npending) {
			ALLOC_GROW(w->list, w->nlist + 1, w->alist);
			w->list[w->nlist++] = &p->p;
		}
		ALLOC_GROW(p->pending, p->npending + 1, p->pending_alloc);
		p->pending[p->npending++] = ri;
		return;
	}
	st->reqs[ri].round = st->round;
	p->reached = true;
	if (extra_idx >= 0 && !p->extra_reached[extra_idx]) {
		const char *extra = p->extras.v[extra_idx];

		p->extra_reached[extra_idx] = true;
		/* candidates already in: add this extra's requirements */
		for (i = 0; i < p->p.ncands; i++) {
			struct res_candidate *c = p->p.cands[i];
			int *x = NULL;
			size_t nx = 0, ax = 0, k;

			if (!c->want || !c->loaded)
				continue;
			res_cand_reqs(st, res_rcand(c), extra, &x, &nx, &ax);
			for (k = 0; k < nx; k++)
				push_req(w, x[k]);
			free(x);
		}
	}
	if (!st->reqs[ri].computed)
		res_compute_matches(st, &st->reqs[ri]);
	/* the matched array is its own allocation: stable */
	matched = st->reqs[ri].matched;
	nmatched = st->reqs[ri].nmatched;
	if (p->locked >= 0)
		want(st, w, p, p->p.cands[p->locked]);
	for (i = 0; i < nmatched && i < p->window; i++) {
		size_t k = p->invert ? i : nmatched - 1 - i;

		want(st, w, p, p->p.cands[matched[k]]);
	}
}

/*
 * Failing fast on the roots.  A root requirement that no candidate can
 * satisfy (an unknown project, or no version matching for the target,
 * yanked rules applied) means there is no solution, whatever the rest
 * holds.  The first listing (the root requirements' own pages, arriving
 * in any order) classifies each package as it comes and stops as soon as
 * the first root requirement, in input order, that is not known to have
 * matches is known to have none: roots before it all have matches, so
 * which one stops it does not depend on the order of arrival, and a
 * project that pins a thousand packages learns about its first dead one
 * without waiting for the other pages (pip and uv also stop at the first).
 */
static bool first_dead_root(struct res_state *st)
{
	while (st->live_roots < st->nroot_reqs) {
		struct rreq *r = &st->reqs[st->root_reqs[st->live_roots]];
		struct rpkg *p = st->pkgs[r->pkg];

		if (!p->p.listed || !p->classified)
			return false;
		if (!r->computed)
			res_compute_matches(st, r);
		if (!r->nmatched)
			return true;
		st->live_roots++;
	}
	return false;
}

static void classify_listed(struct res_state *st, struct rpkg *p)
{
	if (p->classified)
		return;
	res_classify(st, p);
	p->classified = true;
}

static bool on_root_listed(struct res_package *pkg, void *data)
{
	struct res_state *st = data;

	classify_listed(st, (struct rpkg *)pkg);
	return first_dead_root(st);
}

/*
 * After the first listing: when a root is dead, only the root
 * requirements on its project that have no match stay roots, so the pool
 * and the explanation are about them ("the project requires X, but no
 * version of X matches"), without the transitive closure.  Returns how
 * many stay.
 */
static size_t keep_dead_roots(struct res_state *st)
{
	size_t i, n = 0;
	int dead;

	if (!first_dead_root(st))
		return 0;
	dead = st->reqs[st->root_reqs[st->live_roots]].pkg;
	for (i = 0; i < st->nroot_reqs; i++) {
		struct rreq *r = &st->reqs[st->root_reqs[i]];

		if (r->pkg != dead)
			continue;
		if (!r->computed)
			res_compute_matches(st, r);
		if (!r->nmatched)
			st->root_reqs[n++] = st->root_reqs[i];
	}
	st->nroot_reqs = n;
	return n;
}

static int discover(struct res_state *st)
{
	struct work w;
	size_t i, k, nlists = 0;
	int ret = 0;

	memset(&w, 0, sizeof(w));
	for (i = 0; i < st->npkgs; i++) {
		struct rpkg *p = st->pkgs[i];

		p->reached = false;
		for (k = 0; k < p->extras.nr; k++)
			p->extra_reached[k] = false;
		for (k = 0; k < p->p.ncands; k++)
			p->p.cands[k]->want = false;
	}
	/* a stack: pushed backwards, the roots' pages are asked in order */
	for (i = st->nroot_reqs; i-- > 0;)
		push_req(&w, st->root_reqs[i]);
	for (;;) {
		while (w.nq)
			visit_req(st, &w, w.q[--w.nq]);
		if (w.nlist) {
			st->src->nlist_calls++;
			if (st->round == 1 && nlists == 0) {
				st->src->on_listed = on_root_listed;
				st->src->on_listed_data = st;
			}
			ret = st->src->ops->list_versions(st->src, w.list,
							  w.nlist, st->err);
			st->src->on_listed = NULL;
			st->src->on_listed_data = NULL;
			if (ret < 0)
				break;
			for (i = 0; i < w.nlist; i++) {
				struct rpkg *p = (struct rpkg *)w.list[i];

				if (!p->p.listed)
					continue; /* the listing stopped first */
				st->src->nlisted++;
				st->nlisted++;
				classify_listed(st, p);
				for (k = 0; k < p->npending; k++)
					push_req(&w, p->pending[k]);
				p->npending = 0;
			}
			w.nlist = 0;
			if (st->round == 1 && ++nlists == 1 &&
			    keep_dead_roots(st)) {
				/* visit only the dead roots, then stop */
				w.nq = 0;
				for (i = 0; i < st->nroot_reqs; i++)
					visit_req(st, &w, st->root_reqs[i]);
				w.nload = 0;
				break;
			}
			continue;
		}
		if (w.nload) {
			st->src->nload_calls++;
			st->src->nloaded += w.nload;
			st->nloaded += w.nload;
			ret = st->src->ops->load_metadata(st->src, w.load,
							  w.nload, st->err);
			if (ret < 0)
				break;
			for (i = 0; i < w.nload; i++) {
				struct res_candidate *c = w.load[i];

				c->loaded = true;
				push_cand_reqs(st, &w, res_pkg_of_name(st, c->name),
					       res_rcand(c));
			}
			w.nload = 0;
			continue;
		}
		break;
	}
	free(w.q);
	free(w.list);
	free(w.load);
	return ret;
}

/* ---- pool ------------------------------------------------------------ */

static void set_sid(struct res_state *st, Id sid, enum sid_kind kind, int pkg,
		    int cand, int extra)
{
	size_t old = st->sids_alloc;

	if ((size_t)sid >= st->sids_alloc) {
		ALLOC_GROW(st->sids, (size_t)sid + 1, st->sids_alloc);
		memset(st->sids + old, 0,
		       (st->sids_alloc - old) * sizeof(*st->sids));
	}
	st->sids[sid].kind = kind;
	st->sids[sid].pkg = pkg;
	st->sids[sid].cand = cand;
	st->sids[sid].extra = extra;
}

static Id new_solvable(struct res_state *st, const char *name, int rank,
		       enum sid_kind kind, int pkg, int cand, int extra)
{
	char evr[24];
	Id sid = repo_add_solvable(st->repo);
	Solvable *s = pool_id2solvable(st->pool, sid);

	snprintf(evr, sizeof(evr), "%d", rank);
	s->name = pool_str2id(st->pool, name, 1);
	s->evr = pool_str2id(st->pool, evr, 1);
	s->arch = ARCH_NOARCH;
	s->provides = repo_addid_dep(st->repo, s->provides, s->name, 0);
	set_sid(st, sid, kind, pkg, cand, extra);
	return sid;
}

static void add_require(struct res_state *st, Id sid, Id dep)
{
	Solvable *s = pool_id2solvable(st->pool, sid);

	s->requires = repo_addid_dep(st->repo, s->requires, dep, 0);
}

/*
 * One version per name with the ladder encoding (notes §4): aux S_k
 * ("a version with index <= k is chosen"); v_k requires S_k, S_k-1
 * requires S_k, v_k conflicts with S_k-1.
 */
static void add_ladder(struct res_state *st, const char *name, Id *sids,
		       size_t n, int pkg)
{
	struct strbuf sb = STRBUF_INIT;
	Id prev = 0;
	size_t k;

	if (n < 2)
		return;
	for (k = 0; k < n; k++) {
		Id aux;
		Solvable *s;

		strbuf_reset(&sb);
		strbuf_addf(&sb, "%s#%zu", name, k);
		aux = new_solvable(st, sb.buf, 0, SID_AUX, pkg, -1, -1);
		add_require(st, sids[k], pool_id2solvable(st->pool, aux)->name);
		if (prev) {
			Id prevname = pool_id2solvable(st->pool, prev)->name;

			add_require(st, prev, pool_id2solvable(st->pool, aux)->name);
			s = pool_id2solvable(st->pool, sids[k]);
			s->conflicts = repo_addid_dep(st->repo, s->conflicts,
						      prevname, 0);
		}
		prev = aux;
	}
	strbuf_release(&sb);
}

static Id pin_id(struct res_state *st, struct rpkg *p, int cand)
{
	struct strbuf key = STRBUF_INIT;
	struct rreq *r;
	bool created;

	strbuf_addf(&key, "%s (===%s #pin)", p->p.name,
		    p->p.cands[cand]->version_str);
	r = req_by_key(st, key.buf, &created);
	if (created) {
		r->kind = RREQ_PIN;
		r->pkg = p->idx;
		r->cand = cand;
		strbuf_reset(&key);
		strbuf_addf(&key, "%s==%s", p->p.name,
			    p->p.cands[cand]->version_str);
		r->text = strbuf_detach(&key, NULL);
	}
	strbuf_release(&key);
	return r->id;
}

static void build_pool(struct res_state *st)
{
	struct strbuf sb = STRBUF_INIT;
	Queue q;
	Id *ladder = NULL;
	size_t nladder, aladder = 0;
	size_t i, k, e;

	if (st->repo)
		repo_free(st->repo, 1);
	st->repo = repo_create(st->pool, "candidates");
	if (st->sids_alloc)
		memset(st->sids, 0, st->sids_alloc * sizeof(*st->sids));
	st->root_sid = new_solvable(st, ROOT_NAME, 0, SID_ROOT, -1, -1, -1);
	for (i = 0; i < st->nroot_reqs; i++)
		add_require(st, st->root_sid, st->reqs[st->root_reqs[i]].id);

	for (i = 0; i < st->npkgs; i++) {
		struct rpkg *p = st->pkgs[i];
		size_t n = p->p.ncands;

		for (k = 0; k < n; k++) {
			struct rcand *rc = res_rcand(p->p.cands[k]);

			rc->sid = 0;
			free(rc->xsid);
			rc->xsid = NULL;
			rc->nxsid = 0;
		}
		if (!p->reached)
			continue;
		nladder = 0;
		for (k = 0; k < n; k++) {
			struct rcand *rc = res_rcand(p->p.cands[k]);
			int rank = p->invert ? (int)(n - 1 - k) : (int)k;
			size_t j;

			if (!rc->c.want || !rc->c.loaded || rc->c.excluded)
				continue;
			rc->sid = new_solvable(st, p->p.name, rank, SID_BASE,
					       (int)i, (int)k, -1);
			res_cand_base(st, rc);
			for (j = 0; j < rc->nbase; j++)
				add_require(st, rc->sid,
					    st->reqs[rc->base[j]].id);
			ALLOC_GROW(ladder, nladder + 1, aladder);
			ladder[nladder++] = rc->sid;
		}
		add_ladder(st, p->p.name, ladder, nladder, (int)i);

		/*
		 * Extras need no ladder of their own: each requires the exact
		 * pin of its base, whose ladder allows one version.
		 */
		for (e = 0; e < p->extras.nr; e++) {
			if (!p->extra_reached[e])
				continue;
			strbuf_reset(&sb);
			strbuf_addf(&sb, "%s[%s]", p->p.name, p->extras.v[e]);
			for (k = 0; k < n; k++) {
				struct rcand *rc = res_rcand(p->p.cands[k]);
				int rank = p->invert ? (int)(n - 1 - k) : (int)k;
				int *x = NULL;
				size_t nx = 0, ax = 0, j;
				Id xs;

				if (!rc->sid)
					continue;
				if (!rc->xsid) {
					rc->xsid = xcalloc(p->extras.nr,
							   sizeof(*rc->xsid));
					rc->nxsid = p->extras.nr;
				}
				xs = new_solvable(st, sb.buf, rank, SID_EXTRA,
						  (int)i, (int)k, (int)e);
				rc->xsid[e] = xs;
				add_require(st, xs, pin_id(st, p, (int)k));
				res_cand_reqs(st, rc, p->extras.v[e], &x, &nx, &ax);
				for (j = 0; j < nx; j++)
					add_require(st, xs, st->reqs[x[j]].id);
				free(x);
			}
		}
	}
	free(ladder);
	strbuf_release(&sb);

	pool_createwhatprovides(st->pool);
	/* technique A: our own provider list for every requirement Id */
	queue_init(&q);
	for (i = 0; i < st->nreqs; i++) {
		struct rreq *r = &st->reqs[i];
		struct rpkg *p = st->pkgs[r->pkg];
		Id off;

		if (r->kind == RREQ_AUX)
			continue;
		queue_empty(&q);
		if (r->kind == RREQ_PIN) {
			Id sid = res_rcand(p->p.cands[r->cand])->sid;

			if (sid)
				queue_push(&q, sid);
		} else if (r->computed) {
			for (k = 0; k < r->nmatched; k++) {
				struct rcand *rc =
					res_rcand(p->p.cands[r->matched[k]]);
				Id sid = rc->sid;

				if (r->extra >= 0)
					sid = rc->xsid && (size_t)r->extra < rc->nxsid
						      ? rc->xsid[r->extra]
						      : 0;
				if (sid)
					queue_push(&q, sid);
			}
		}
		/* empty: offset 0 is not "empty" everywhere; use the empty list */
		off = pool_queuetowhatprovides(st->pool, &q);
		pool_set_whatprovides(st->pool, r->id, off);
	}
	queue_free(&q);
}

/* ---- the loop -------------------------------------------------------- */

static void state_free(struct res_state *st)
{
	size_t i;

	if (!st)
		return;
	for (i = 0; i < st->npkgs; i++) {
		struct rpkg *p = st->pkgs[i];

		res_package_release_cands(&p->p);
		free(p->p.name);
		strvec_clear(&p->extras);
		free(p->extra_reached);
		free(p->pending);
		free(p);
	}
	free(st->pkgs);
	for (i = 0; i < st->nreqs; i++) {
		pep_specset_release(&st->reqs[i].spec);
		free(st->reqs[i].text);
		free(st->reqs[i].matched);
	}
	free(st->reqs);
	free(st->pkg_of_id);
	free(st->req_of_id);
	free(st->root_reqs);
	strvec_clear(&st->root_names);
	free(st->sids);
	pep_version_release(&st->python);
	if (st->pool)
		pool_free(st->pool);
	free(st);
}

/* Grow the windows of the packages the problems name; how many grew. */
static size_t widen(struct res_state *st, Solver *solv)
{
	bool *named = xcalloc(st->npkgs + 1, sizeof(bool));
	size_t widened = 0;
	size_t i;

	res_problem_packages(st, solv, named);
	for (i = 0; i < st->npkgs; i++) {
		struct rpkg *p = st->pkgs[i];

		if (!named[i] || p->window >= p->p.ncands)
			continue;
		p->window *= 4;
		widened++;
	}
	free(named);
	return widened;
}

int res_resolve(const struct res_options *opts, struct res_source *src,
		struct res_result *result, struct strbuf *why,
		struct cvl_error *err)
{
	struct res_state *st = xcalloc(1, sizeof(*st));
	struct res_private *priv = xcalloc(1, sizeof(*priv));
	size_t i, alloc = 0, rounds_alloc = 0;
	int ret = 0;

	memset(result, 0, sizeof(*result));
	strvec_init(&st->root_names);
	result->priv = priv;
	priv->st = st;
	st->opts = opts;
	st->src = src;
	st->err = err;
	if (opts->env)
		st->env = *opts->env;
	if (opts->python) {
		struct cvl_error perr = CVL_ERROR_INIT;

		if (pep_version_parse(&st->python, opts->python,
				      strlen(opts->python), &perr) < 0)
			return cvl_error_set(err, CVL_EINVAL,
					     "invalid target python version '%s'",
					     opts->python);
		st->have_python = true;
	}
	switch (opts->prerelease) {
	case PEP_PRERELEASE_ALLOW:
		st->pre = PEP_PRERELEASES_YES;
		break;
	case PEP_PRERELEASE_DISALLOW:
		st->pre = PEP_PRERELEASES_NO;
		break;
	default:
		st->pre = PEP_PRERELEASES_UNSET;
		break;
	}
	st->pool = pool_create();
	for (i = 0; i < opts->nroots; i++) {
		struct strbuf sb = STRBUF_INIT;

		pep_name_canonicalize(opts->roots[i].name,
				      strlen(opts->roots[i].name), &sb);
		strvec_push(&st->root_names, sb.buf);
		strbuf_release(&sb);
	}
	strvec_sort(&st->root_names);
	for (i = 0; i < opts->nroots; i++)
		if (res_marker_true(st, opts->roots[i].marker, NULL))
			res_intern_requirement(st, &opts->roots[i],
					       &st->root_reqs, &st->nroot_reqs,
					       &alloc);

	for (;;) {
		Solver *solv;
		Queue job, fav;
		int nprob;
		size_t nlisted0 = st->nlisted, nloaded0 = st->nloaded;
		struct res_round *rs;

		st->round++;
		ret = discover(st);
		if (ret < 0)
			break;
		build_pool(st);
		ALLOC_GROW(result->round_stats, result->rounds + 1,
			   rounds_alloc);
		rs = &result->round_stats[result->rounds];
		memset(rs, 0, sizeof(*rs));
		rs->nlisted = st->nlisted - nlisted0;
		rs->nloaded = st->nloaded - nloaded0;
		for (i = 0; i < st->npkgs; i++) {
			size_t k;

			for (k = 0; k < st->pkgs[i]->p.ncands; k++)
				if (res_rcand(st->pkgs[i]->p.cands[k])->sid)
					rs->ncands++;
		}
		queue_init(&job);
		queue_init(&fav);
		queue_push2(&job, SOLVER_INSTALL | SOLVER_SOLVABLE, st->root_sid);
		queue_push2(&job, SOLVER_MULTIVERSION | SOLVER_SOLVABLE_ALL, 0);
		for (i = 0; i < st->npkgs; i++) {
			struct rpkg *p = st->pkgs[i];

			if (p->locked >= 0 && res_rcand(p->p.cands[p->locked])->sid)
				queue_push(&fav, res_rcand(p->p.cands[p->locked])->sid);
		}
		if (fav.count)
			queue_push2(&job, SOLVER_FAVOR | SOLVER_SOLVABLE_ONE_OF,
				    pool_queuetowhatprovides(st->pool, &fav));
		solv = solver_create(st->pool);
		nprob = solver_solve(solv, &job);
		result->rounds++;
		if (!nprob) {
			res_collect_result(st, solv, result);
		} else {
			rs->nwidened = widen(st, solv);
			if (!rs->nwidened) {
				res_explain(st, solv, why);
				if (opts->derivation)
					res_derivation(st, solv, why);
				ret = cvl_error_set(err, CVL_EUNSAT,
						    "no solution for the requirements");
			}
		}
		solver_free(solv);
		queue_free(&job);
		queue_free(&fav);
		if (!nprob || ret < 0)
			break;
	}
	result->nloaded = st->nloaded;
	result->nlisted = st->nlisted;
	return ret;
}

struct res_state *res_result_state(const struct res_result *result)
{
	const struct res_private *priv = result->priv;

	return priv ? priv->st : NULL;
}

void res_result_release(struct res_result *result)
{
	struct res_private *priv = result->priv;
	size_t i;

	for (i = 0; i < result->npkgs; i++) {
		strvec_clear(&result->pkgs[i].extras);
		free(result->pkgs[i].deps);
	}
	free(result->pkgs);
	free(result->root_deps);
	free(result->round_stats);
	if (priv) {
		state_free(priv->st);
		free(priv);
	}
	memset(result, 0, sizeof(*result));
}
