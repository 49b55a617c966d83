/*
 * result.c - the selected packages and their dependency edges, read back
 * from the solver's decisions, and their text form.
 */
#include "resolver/internal.h"

static int cmp_sel(const void *a, const void *b)
{
	const struct res_selected *x = a, *y = b;

	return strcmp(x->name, y->name);
}

static void add_dep_edge(size_t **deps, size_t *n, size_t *alloc, size_t to)
{
	size_t i;

	for (i = 0; i < *n; i++)
		if ((*deps)[i] == to)
			return;
	ALLOC_GROW(*deps, *n + 1, *alloc);
	(*deps)[(*n)++] = to;
}

static int cmp_size(const void *a, const void *b)
{
	size_t x = *(const size_t *)a, y = *(const size_t *)b;

	return (x > y) - (x < y);
}

void res_collect_result(struct res_state *st, Solver *solv,
			   struct res_result *res)
{
	Queue dq;
	int *sel_of_pkg = xcalloc(st->npkgs + 1, sizeof(int));
	size_t i, k, alloc = 0;

	queue_init(&dq);
	solver_get_decisionqueue(solv, &dq);
	for (i = 0; i < (size_t)dq.count; i++) {
		Id sid = dq.elements[i];
		struct sidinfo *si;

		if (sid <= 0 || (size_t)sid >= st->sids_alloc)
			continue;
		si = &st->sids[sid];
		if (si->kind != SID_BASE)
			continue;
		ALLOC_GROW(res->pkgs, res->npkgs + 1, alloc);
		memset(&res->pkgs[res->npkgs], 0, sizeof(*res->pkgs));
		res->pkgs[res->npkgs].name = st->pkgs[si->pkg]->p.name;
		res->pkgs[res->npkgs].cand = st->pkgs[si->pkg]->p.cands[si->cand];
		res->pkgs[res->npkgs].version =
			res->pkgs[res->npkgs].cand->version_str;
		res->pkgs[res->npkgs].direct = st->pkgs[si->pkg]->direct;
		strvec_init(&res->pkgs[res->npkgs].extras);
		res->npkgs++;
	}
	if (res->npkgs > 1)
		qsort(res->pkgs, res->npkgs, sizeof(*res->pkgs), cmp_sel);
	for (i = 0; i < res->npkgs; i++)
		sel_of_pkg[res_pkg_of_name(st, res->pkgs[i].name)->idx] = (int)i + 1;
	for (i = 0; i < (size_t)dq.count; i++) {
		Id sid = dq.elements[i];
		struct sidinfo *si;

		if (sid <= 0 || (size_t)sid >= st->sids_alloc)
			continue;
		si = &st->sids[sid];
		if (si->kind == SID_EXTRA && sel_of_pkg[si->pkg])
			strvec_push(&res->pkgs[sel_of_pkg[si->pkg] - 1].extras,
				    st->pkgs[si->pkg]->extras.v[si->extra]);
	}
	for (i = 0; i < res->npkgs; i++) {
		struct res_selected *s = &res->pkgs[i];
		struct rcand *rc = res_rcand(s->cand);
		size_t dalloc = 0, e;
		int *x = NULL;
		size_t nx = 0, ax = 0;

		strvec_sort(&s->extras);
		res_cand_base(st, rc);
		for (k = 0; k < rc->nbase; k++) {
			int to = sel_of_pkg[st->reqs[rc->base[k]].pkg];

			if (to && (size_t)(to - 1) != i)
				add_dep_edge(&s->deps, &s->ndeps, &dalloc,
					     (size_t)to - 1);
		}
		for (e = 0; e < s->extras.nr; e++) {
			nx = 0;
			res_cand_reqs(st, rc, s->extras.v[e], &x, &nx, &ax);
			for (k = 0; k < nx; k++) {
				int to = sel_of_pkg[st->reqs[x[k]].pkg];

				if (to && (size_t)(to - 1) != i)
					add_dep_edge(&s->deps, &s->ndeps,
						     &dalloc, (size_t)to - 1);
			}
		}
		free(x);
		if (s->ndeps > 1)
			qsort(s->deps, s->ndeps, sizeof(*s->deps), cmp_size);
	}
	alloc = 0;
	for (i = 0; i < st->nroot_reqs; i++) {
		int to = sel_of_pkg[st->reqs[st->root_reqs[i]].pkg];

		if (to)
			add_dep_edge(&res->root_deps, &res->nroot_deps, &alloc,
				     (size_t)to - 1);
	}
	if (res->nroot_deps > 1)
		qsort(res->root_deps, res->nroot_deps,
		      sizeof(size_t), cmp_size);
	queue_free(&dq);
	free(sel_of_pkg);
}

/* A node of the reach walk: a selected package's base or one extra. */
struct reach_node {
	int pkg;   /* package index (struct rpkg.idx) */
	int extra; /* index into its extras, -1 for the base */
};

struct reach {
	struct res_state *st;
	const struct res_result *res;
	int *sel_of_pkg;   /* package index -> selected index + 1 */
	bool **seen;       /* per selected package: [0] base, [1 + e] extra e */
	struct reach_node *q;
	size_t nq, aq;
};

static bool sel_has_extra(const struct res_selected *s, const char *extra)
{
	size_t i;

	for (i = 0; i < s->extras.nr; i++)
		if (!strcmp(s->extras.v[i], extra))
			return true;
	return false;
}

static void reach_push(struct reach *rc, int pkg, int extra)
{
	int sel = rc->sel_of_pkg[pkg] - 1;
	struct rpkg *p = rc->st->pkgs[pkg];

	if (sel < 0)
		return; /* not selected (a requirement whose marker is false) */
	if (extra >= 0) {
		/* an extra the solution did not activate adds nothing */
		if (!sel_has_extra(&rc->res->pkgs[sel], p->extras.v[extra]))
			return;
		reach_push(rc, pkg, -1); /* an extra requires its base */
	}
	if (!rc->seen[sel])
		rc->seen[sel] = xcalloc(p->extras.nr + 1, sizeof(bool));
	if (rc->seen[sel][extra + 1])
		return;
	rc->seen[sel][extra + 1] = true;
	ALLOC_GROW(rc->q, rc->nq + 1, rc->aq);
	rc->q[rc->nq].pkg = pkg;
	rc->q[rc->nq].extra = extra;
	rc->nq++;
}

static void reach_push_reqs(struct reach *rc, const int *reqs, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		reach_push(rc, rc->st->reqs[reqs[i]].pkg,
			   rc->st->reqs[reqs[i]].extra);
}

void res_result_reach(const struct res_result *result,
		      const struct pep_requirement *reqs, size_t n,
		      bool *reached)
{
	struct reach rc;
	int *x = NULL;
	size_t nx = 0, ax = 0, i;

	memset(&rc, 0, sizeof(rc));
	rc.st = res_result_state(result);
	rc.res = result;
	if (!rc.st || !result->npkgs)
		return;
	rc.sel_of_pkg = xcalloc(rc.st->npkgs + 1, sizeof(int));
	rc.seen = xcalloc(result->npkgs, sizeof(*rc.seen));
	for (i = 0; i < result->npkgs; i++) {
		struct rpkg *p = res_pkg_of_name(rc.st, result->pkgs[i].name);

		rc.sel_of_pkg[p->idx] = (int)i + 1;
	}
	for (i = 0; i < n; i++) {
		if (!res_marker_true(rc.st, reqs[i].marker, NULL))
			continue;
		nx = 0;
		/* interned during the resolution: nothing new is created */
		res_intern_requirement(rc.st, &reqs[i], &x, &nx, &ax);
		reach_push_reqs(&rc, x, nx);
	}
	while (rc.nq) {
		struct reach_node node = rc.q[--rc.nq];
		int sel = rc.sel_of_pkg[node.pkg] - 1;
		struct rcand *cand = res_rcand(result->pkgs[sel].cand);

		reached[sel] = true;
		if (node.extra < 0) {
			res_cand_base(rc.st, cand);
			reach_push_reqs(&rc, cand->base, cand->nbase);
		} else {
			nx = 0;
			res_cand_reqs(rc.st, cand,
				      rc.st->pkgs[node.pkg]->extras.v[node.extra],
				      &x, &nx, &ax);
			reach_push_reqs(&rc, x, nx);
		}
	}
	for (i = 0; i < result->npkgs; i++)
		free(rc.seen[i]);
	free(rc.seen);
	free(rc.sel_of_pkg);
	free(rc.q);
	free(x);
}

/*
 * One line per selected package, sorted by name:
 *     name version [extra,extra] -> dep dep
 */
void res_result_format(const struct res_result *result, struct strbuf *out)
{
	size_t i, k;

	for (i = 0; i < result->npkgs; i++) {
		const struct res_selected *s = &result->pkgs[i];

		strbuf_addf(out, "%s %s", s->name, s->version);
		if (s->extras.nr) {
			strbuf_addstr(out, " [");
			for (k = 0; k < s->extras.nr; k++)
				strbuf_addf(out, "%s%s", k ? "," : "",
					    s->extras.v[k]);
			strbuf_addch(out, ']');
		}
		if (s->ndeps) {
			strbuf_addstr(out, " ->");
			for (k = 0; k < s->ndeps; k++)
				strbuf_addf(out, " %s",
					    result->pkgs[s->deps[k]].name);
		}
		strbuf_addch(out, '\n');
	}
}
