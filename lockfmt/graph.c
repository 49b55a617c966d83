/*
 * graph.c - the dependency graph of a lockfile: nodes are the entries of
 * lf->packages, edges their `dependencies`, roots the packages the
 * project's own requirements name (see the contract in lockfmt.h).
 *
 * Choices the contract leaves open:
 *   - with an `env`, a marker (of an entry or of a root requirement) that
 *     cannot be evaluated there (an undefined name) counts as holding: the
 *     graph shows too much rather than too little;
 *   - an entry whose marker does not hold is a node without edges, and
 *     is never a root;
 *   - a dependency of an entry on itself is dropped;
 *   - lock_graph_paths() reports, for each root in ascending order, the
 *     shortest paths from that root, in ascending order of their nodes
 *     (lexicographically), so a root that reaches `i` by a longer way
 *     than another root still appears.
 *
 * Lookups by name go through a copy of the node numbers sorted by name,
 * so building costs n log n plus the size of each group of one name.
 */
#include "lockfmt/internal.h"
#include "pep/pep.h"

struct builder {
	const struct lock_file *lf;
	size_t *by_name; /* node numbers sorted by name, then number */
	size_t nnamed;
	bool *holds;
};

static const struct lock_file *sort_lf;

static int by_name_cmp(const void *a, const void *b)
{
	size_t x = *(const size_t *)a, y = *(const size_t *)b;
	int c = strcmp(sort_lf->packages[x].name, sort_lf->packages[y].name);

	if (!c)
		c = (x < y) ? -1 : (x > y);
	return c;
}

static size_t lower_bound(const struct builder *b, const char *name)
{
	size_t lo = 0, hi = b->nnamed;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (strcmp(b->lf->packages[b->by_name[mid]].name, name) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static bool versions_equal(const char *a, const char *b)
{
	struct pep_version va = PEP_VERSION_INIT, vb = PEP_VERSION_INIT;
	bool same;

	if (!a || !b)
		return !a && !b;
	if (!pep_version_parse(&va, a, strlen(a), NULL) &&
	    !pep_version_parse(&vb, b, strlen(b), NULL))
		same = pep_version_cmp(&va, &vb) == 0;
	else
		same = !strcmp(a, b);
	pep_version_release(&va);
	pep_version_release(&vb);
	return same;
}

/* Whether marker text `s` holds in `env` (true when it cannot be told). */
static bool marker_holds(const char *s, const struct pep_env *env)
{
	struct pep_marker *m = NULL;
	bool result = true;

	if (!s || !env)
		return true;
	if (pep_marker_parse(&m, s, strlen(s), NULL))
		return true;
	if (pep_marker_evaluate(m, env, &result, NULL))
		result = true;
	pep_marker_free(m);
	return result;
}

static int size_cmp(const void *a, const void *b)
{
	size_t x = *(const size_t *)a, y = *(const size_t *)b;

	return (x < y) ? -1 : (x > y);
}

/* Sort and drop duplicates; returns the new length. */
static size_t sort_unique(size_t *v, size_t n)
{
	size_t i, k = 0;

	if (!n)
		return 0;
	qsort(v, n, sizeof(*v), size_cmp);
	for (i = 1; i < n; i++)
		if (v[i] != v[k])
			v[++k] = v[i];
	return k + 1;
}

static void build_edges(struct lock_graph *g, struct builder *b)
{
	const struct lock_file *lf = g->lf;
	size_t i, j, k, at, alloc, nr;
	size_t *fill;

	for (i = 0; i < g->n; i++) {
		const struct lock_package *p = &lf->packages[i];
		size_t *v = NULL;

		alloc = 0;
		nr = 0;
		if (!b->holds[i] || !p->name)
			continue;
		for (k = 0; k < p->ndeps; k++) {
			const struct lock_dep *dep = &p->deps[k];

			if (!dep->name)
				continue;
			at = lower_bound(b, dep->name);
			for (j = at; j < b->nnamed; j++) {
				size_t to = b->by_name[j];
				const struct lock_package *q = &lf->packages[to];

				if (strcmp(q->name, dep->name))
					break;
				if (to == i || !b->holds[to])
					continue;
				if (dep->version &&
				    !versions_equal(dep->version, q->version))
					continue;
				ALLOC_GROW(v, nr + 1, alloc);
				v[nr++] = to;
			}
		}
		g->deps[i] = v;
		g->ndeps[i] = sort_unique(v, nr);
	}

	/* Reverse edges: filled in ascending order of the source. */
	for (i = 0; i < g->n; i++)
		for (k = 0; k < g->ndeps[i]; k++)
			g->nrdeps[g->deps[i][k]]++;
	fill = xcalloc(g->n ? g->n : 1, sizeof(*fill));
	for (i = 0; i < g->n; i++)
		if (g->nrdeps[i])
			g->rdeps[i] = xmalloc(g->nrdeps[i] * sizeof(size_t));
	for (i = 0; i < g->n; i++) {
		for (k = 0; k < g->ndeps[i]; k++) {
			size_t to = g->deps[i][k];

			g->rdeps[to][fill[to]++] = i;
		}
	}
	free(fill);
}

static void build_roots(struct lock_graph *g, struct builder *b,
			const struct pep_env *env)
{
	const struct lock_file *lf = g->lf;
	struct strvec *reqs_of = NULL;
	struct strbuf name = STRBUF_INIT;
	size_t i, j, k, at;

	g->roots = xmalloc((g->n ? g->n : 1) * sizeof(*g->roots));
	if (!lf->requirements.nr) {
		for (i = 0; i < g->n; i++)
			if (b->holds[i] && lf->packages[i].name && !g->nrdeps[i])
				g->roots[g->nroots++] = i;
		g->root_reqs = xcalloc(g->nroots ? g->nroots : 1,
				       sizeof(*g->root_reqs));
		for (k = 0; k < g->nroots; k++)
			strvec_init(&g->root_reqs[k]);
		return;
	}

	reqs_of = xcalloc(g->n ? g->n : 1, sizeof(*reqs_of));
	for (i = 0; i < g->n; i++)
		strvec_init(&reqs_of[i]);
	for (k = 0; k < lf->requirements.nr; k++) {
		const char *text = lf->requirements.v[k];
		struct pep_requirement req = PEP_REQUIREMENT_INIT;
		bool holds = true;

		if (pep_requirement_parse(&req, text, strlen(text), NULL))
			continue;
		if (req.marker && env &&
		    pep_marker_evaluate(req.marker, env, &holds, NULL))
			holds = true;
		strbuf_reset(&name);
		pep_name_canonicalize(req.name, strlen(req.name), &name);
		pep_requirement_release(&req);
		if (!holds)
			continue;
		at = lower_bound(b, name.buf);
		for (j = at; j < b->nnamed; j++) {
			size_t node = b->by_name[j];

			if (strcmp(lf->packages[node].name, name.buf))
				break;
			if (b->holds[node])
				strvec_push(&reqs_of[node], text);
		}
	}
	strbuf_release(&name);

	for (i = 0; i < g->n; i++)
		if (reqs_of[i].nr)
			g->roots[g->nroots++] = i;
	g->root_reqs = xcalloc(g->nroots ? g->nroots : 1,
			       sizeof(*g->root_reqs));
	for (k = 0; k < g->nroots; k++)
		g->root_reqs[k] = reqs_of[g->roots[k]];
	for (i = 0; i < g->n; i++)
		if (reqs_of[i].nr == 0)
			strvec_clear(&reqs_of[i]);
	free(reqs_of);
}

void lock_graph_build(struct lock_graph *g, const struct lock_file *lf,
		      const struct pep_env *env)
{
	struct builder b;
	size_t i;

	memset(g, 0, sizeof(*g));
	g->lf = lf;
	g->n = lf->npackages;
	g->deps = xcalloc(g->n ? g->n : 1, sizeof(*g->deps));
	g->ndeps = xcalloc(g->n ? g->n : 1, sizeof(*g->ndeps));
	g->rdeps = xcalloc(g->n ? g->n : 1, sizeof(*g->rdeps));
	g->nrdeps = xcalloc(g->n ? g->n : 1, sizeof(*g->nrdeps));

	memset(&b, 0, sizeof(b));
	b.lf = lf;
	b.holds = xcalloc(g->n ? g->n : 1, sizeof(*b.holds));
	b.by_name = xmalloc((g->n ? g->n : 1) * sizeof(*b.by_name));
	for (i = 0; i < g->n; i++) {
		const struct lock_package *p = &lf->packages[i];

		if (!p->name)
			continue;
		b.holds[i] = marker_holds(p->marker, env);
		b.by_name[b.nnamed++] = i;
	}
	sort_lf = lf;
	qsort(b.by_name, b.nnamed, sizeof(*b.by_name), by_name_cmp);
	sort_lf = NULL;

	build_edges(g, &b);
	build_roots(g, &b, env);
	free(b.holds);
	free(b.by_name);
}

void lock_graph_release(struct lock_graph *g)
{
	size_t i;

	for (i = 0; i < g->n; i++) {
		free(g->deps[i]);
		free(g->rdeps[i]);
	}
	free(g->deps);
	free(g->ndeps);
	free(g->rdeps);
	free(g->nrdeps);
	for (i = 0; i < g->nroots; i++)
		strvec_clear(&g->root_reqs[i]);
	free(g->root_reqs);
	free(g->roots);
	memset(g, 0, sizeof(*g));
}

/*
 * Breadth-first search from `i` along reverse edges: dist[j] is the
 * length of the shortest path j..i, or SIZE_MAX when j does not reach i.
 */
static size_t *distances_to(const struct lock_graph *g, size_t i)
{
	size_t *dist = xmalloc((g->n ? g->n : 1) * sizeof(*dist));
	size_t *queue = xmalloc((g->n ? g->n : 1) * sizeof(*queue));
	size_t head = 0, tail = 0, j, k;

	for (j = 0; j < g->n; j++)
		dist[j] = SIZE_MAX;
	dist[i] = 0;
	queue[tail++] = i;
	while (head < tail) {
		size_t cur = queue[head++];

		for (k = 0; k < g->nrdeps[cur]; k++) {
			size_t from = g->rdeps[cur][k];

			if (dist[from] != SIZE_MAX)
				continue;
			dist[from] = dist[cur] + 1;
			queue[tail++] = from;
		}
	}
	free(queue);
	return dist;
}

void lock_graph_via(const struct lock_graph *g, size_t i, struct strvec *out)
{
	struct strvec found = STRVEC_INIT;
	size_t *dist;
	size_t k, j;

	if (i >= g->n)
		return;
	dist = distances_to(g, i);
	for (k = 0; k < g->nroots; k++) {
		size_t r = g->roots[k];

		if (dist[r] == SIZE_MAX)
			continue;
		if (!g->root_reqs[k].nr)
			strvec_push(&found, g->lf->packages[r].name);
		for (j = 0; j < g->root_reqs[k].nr; j++)
			strvec_push(&found, g->root_reqs[k].v[j]);
	}
	free(dist);
	strvec_sort(&found);
	for (j = 0; j < found.nr; j++)
		if (!j || strcmp(found.v[j], found.v[j - 1]))
			strvec_push(out, found.v[j]);
	strvec_clear(&found);
}

/*
 * The shortest paths from `root` to the target, whose distances `dist`
 * gives: depth-first, always stepping to a dependency one step closer,
 * in ascending order.  pick[d] is the position in deps[path[d]] tried
 * next.  Returns fn's non-zero value, or 0; *count counts the paths.
 */
static int paths_from(const struct lock_graph *g, const size_t *dist,
		      size_t root, size_t limit, size_t *count,
		      lock_graph_path_fn fn, void *data)
{
	size_t len = dist[root] + 1, depth = 0;
	size_t *path = xmalloc(len * sizeof(*path));
	size_t *pick = xcalloc(len, sizeof(*pick));
	int r = 0;

	path[0] = root;
	for (;;) {
		size_t cur = path[depth];
		bool stepped = false;

		if (depth + 1 == len) {
			r = fn(path, len, data);
			(*count)++;
			if (r || (limit && *count >= limit))
				break;
		} else {
			while (pick[depth] < g->ndeps[cur]) {
				size_t next = g->deps[cur][pick[depth]++];

				if (dist[next] + 1 != dist[cur])
					continue;
				depth++;
				path[depth] = next;
				pick[depth] = 0;
				stepped = true;
				break;
			}
			if (stepped)
				continue;
		}
		if (!depth)
			break;
		depth--;
	}
	free(path);
	free(pick);
	return r;
}

int lock_graph_paths(const struct lock_graph *g, size_t i, size_t limit,
		     lock_graph_path_fn fn, void *data)
{
	size_t *dist;
	size_t k, count = 0;
	int r = 0;

	if (i >= g->n)
		return 0;
	dist = distances_to(g, i);
	for (k = 0; k < g->nroots && !r; k++) {
		if (limit && count >= limit)
			break;
		if (dist[g->roots[k]] == SIZE_MAX)
			continue;
		r = paths_from(g, dist, g->roots[k], limit, &count, fn, data);
	}
	free(dist);
	return r;
}
