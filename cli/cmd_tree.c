/*
 * cmd_tree.c - cvlock tree and cvlock why: the dependency graph recorded
 * in a lockfile (lockfmt/graph.c).
 *
 *   cvlock tree [LOCKFILE] [--depth N] [--invert] [--package NAME]...
 *               [--format text|json]
 *   cvlock why NAME [LOCKFILE] [--all] [--format text|json]
 *
 * tree prints one tree per root (the packages the project's requirements
 * name, [tool.cvlock] requirements; for another tool's lockfile, the
 * packages nothing depends on), then any package no root reaches:
 *
 *     alpha 1.0
 *     ├── beta 2.0
 *     └── gamma 1.0 ; "cli" in extras
 *         └── beta 2.0 (*)
 *     zeta 1.0
 *
 * "(*)" marks a package whose dependencies were shown above (or that
 * depends on itself through the path).  --invert turns the edges round:
 * the trees start at the packages that depend on nothing and go to those
 * that depend on them.  --package NAME starts at NAME instead of the
 * roots.  --depth N stops N levels below the top (0: the top only).
 * JSON: an array of nodes {name, version, marker, dependencies: [...]}
 * ("dependents" with --invert), and "shown_above": true instead of the
 * list for a "(*)" node.
 *
 * why prints every shortest path from each root to NAME, one per line,
 * with the requirements that make the root one:
 *
 *     alpha 1.0 -> beta 2.0  (from 'alpha')
 *     beta 2.0  (from 'beta>=1')
 *
 * at most 100 paths unless --all.  NAME not in the lockfile: exit 1, with
 * a hint naming a package of a near name.
 */
#include "config.h"
#include "cli/cli.h"
#include "cli/lockfile.h"
#include "lockfmt/lockfmt.h"

#include <jansson.h>

/* Paths why prints without --all. */
#define WHY_LIMIT 100

enum {
	OPT_DEPTH = 1,
	OPT_INVERT,
	OPT_PACKAGE,
	OPT_FORMAT,
	OPT_ALL,
};

static const struct cvl_option tree_options[] = {
	{ "depth", 'd', OPT_VALUE, OPT_DEPTH, "N",
	  "show N levels below the top (default: all)" },
	{ "invert", 0, OPT_FLAG, OPT_INVERT, NULL,
	  "show who depends on each package instead" },
	{ "package", 'p', OPT_VALUE, OPT_PACKAGE, "NAME",
	  "start at package NAME (repeatable)" },
	{ "format", 0, OPT_VALUE, OPT_FORMAT, "text|json",
	  "output format (default: text)" },
};

static const struct cvl_option why_options[] = {
	{ "all", 'a', OPT_FLAG, OPT_ALL, NULL,
	  "show every path (default: the first 100)" },
	{ "format", 0, OPT_VALUE, OPT_FORMAT, "text|json",
	  "output format (default: text)" },
};

struct tree_opts {
	long depth; /* -1: no limit */
	bool invert;
	bool json;
	bool all;
	struct strvec packages;
};

static int parse_depth(const char *value, long *out)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(value, &end, 10);
	if (errno || end == value || *end || v < 0) {
		cvl_errorf("invalid --depth '%s'", value);
		fprintf(stderr, "hint: expected a number, 0 or more\n");
		return EXIT_USAGE;
	}
	*out = v;
	return 0;
}

static int on_tree_option(int id, const char *value, void *data)
{
	struct tree_opts *o = data;

	switch (id) {
	case OPT_HELP:
		cvl_print_usage("tree",
				"[LOCKFILE] [--depth N] [--invert] [--package NAME]... [--format text|json]",
				"Show the dependency graph recorded in a lockfile (default:\n"
				"pylock.toml) as trees, one per package the project requires;\n"
				"'(*)' marks a package whose dependencies are shown above.",
				tree_options, ARRAY_SIZE(tree_options));
		exit(EXIT_OK);
	case OPT_DEPTH:
		return parse_depth(value, &o->depth);
	case OPT_INVERT:
		o->invert = true;
		return 0;
	case OPT_PACKAGE:
		strvec_push(&o->packages, value);
		return 0;
	case OPT_FORMAT:
		return cvl_parse_format(value, &o->json);
	}
	return 0;
}

static int on_why_option(int id, const char *value, void *data)
{
	struct tree_opts *o = data;

	switch (id) {
	case OPT_HELP:
		cvl_print_usage("why", "NAME [LOCKFILE] [--all] [--format text|json]",
				"Show why a package is in a lockfile (default: pylock.toml):\n"
				"every shortest path from a package the project requires to\n"
				"NAME, with those requirements.  Exit status 1 when NAME is not\n"
				"in the lockfile.",
				why_options, ARRAY_SIZE(why_options));
		exit(EXIT_OK);
	case OPT_ALL:
		o->all = true;
		return 0;
	case OPT_FORMAT:
		return cvl_parse_format(value, &o->json);
	}
	return 0;
}

/* ---- names ------------------------------------------------------------ */

static size_t edit_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), i, j;
	size_t *row = xmalloc((lb + 1) * sizeof(*row));
	size_t d;

	for (j = 0; j <= lb; j++)
		row[j] = j;
	for (i = 1; i <= la; i++) {
		size_t diag = row[0];

		row[0] = i;
		for (j = 1; j <= lb; j++) {
			size_t up = row[j];
			size_t best = diag + (a[i - 1] != b[j - 1]);

			if (up + 1 < best)
				best = up + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			row[j] = best;
			diag = up;
		}
	}
	d = row[lb];
	free(row);
	return d;
}

/*
 * The nodes named `name` (any spelling) in `nodes`; when there is none,
 * prints the error, with a hint naming the nearest package within an
 * edit distance of 2 (or a third of the name), and returns EXIT_FAILURE_.
 */
static int find_nodes(const struct lock_file *lf, const char *name,
		      const char *lockname, size_t **nodes, size_t *n)
{
	struct strbuf want = STRBUF_INIT;
	const char *near = NULL;
	size_t i, best = SIZE_MAX, max;

	pep_name_canonicalize(name, strlen(name), &want);
	*n = 0;
	*nodes = xmalloc((lf->npackages ? lf->npackages : 1) * sizeof(**nodes));
	for (i = 0; i < lf->npackages; i++)
		if (!strcmp(lf->packages[i].name, want.buf))
			(*nodes)[(*n)++] = i;
	if (*n) {
		strbuf_release(&want);
		return 0;
	}
	max = want.len / 3 > 2 ? want.len / 3 : 2;
	for (i = 0; i < lf->npackages; i++) {
		size_t d = edit_distance(want.buf, lf->packages[i].name);

		if (d <= max && d < best) {
			best = d;
			near = lf->packages[i].name;
		}
	}
	cvl_errorf("package '%s' is not in '%s'", name, lockname);
	if (near)
		fprintf(stderr, "hint: did you mean '%s'?\n", near);
	strbuf_release(&want);
	free(*nodes);
	*nodes = NULL;
	return EXIT_FAILURE_;
}

static void node_label(const struct lock_package *p, struct strbuf *out)
{
	strbuf_addstr(out, p->name);
	if (p->version)
		strbuf_addf(out, " %s", p->version);
}

/* ---- tree ------------------------------------------------------------- */

struct tree {
	const struct lock_graph *g;
	const struct tree_opts *o;
	bool *expanded; /* its children were printed */
	bool *on_path;
	bool *reach;    /* reached from a tree printed so far, at any depth */
	size_t *queue;
	struct strbuf out;
	struct strbuf prefix;
};

static void children(const struct tree *t, size_t i, const size_t **v,
		     size_t *n)
{
	if (t->o->invert) {
		*v = t->g->rdeps[i];
		*n = t->g->nrdeps[i];
	} else {
		*v = t->g->deps[i];
		*n = t->g->ndeps[i];
	}
}

/* Mark what `start` reaches (whatever --depth cuts off). */
static void mark_reach(struct tree *t, size_t start)
{
	size_t head = 0, tail = 0, k, n;
	const size_t *v;

	if (t->reach[start])
		return;
	t->reach[start] = true;
	t->queue[tail++] = start;
	while (head < tail) {
		size_t cur = t->queue[head++];

		children(t, cur, &v, &n);
		for (k = 0; k < n; k++) {
			if (t->reach[v[k]])
				continue;
			t->reach[v[k]] = true;
			t->queue[tail++] = v[k];
		}
	}
}

static void print_node(struct tree *t, size_t i, long depth)
{
	const struct lock_package *p = &t->g->lf->packages[i];
	const size_t *v;
	size_t n, k, saved;
	bool again;

	children(t, i, &v, &n);
	node_label(p, &t->out);
	if (p->marker)
		strbuf_addf(&t->out, " ; %s", p->marker);
	again = n && (t->expanded[i] || t->on_path[i]);
	if (again)
		strbuf_addstr(&t->out, " (*)");
	strbuf_addch(&t->out, '\n');
	if (again || (t->o->depth >= 0 && depth >= t->o->depth))
		return;
	t->expanded[i] = true;
	t->on_path[i] = true;
	saved = t->prefix.len;
	for (k = 0; k < n; k++) {
		bool last = k + 1 == n;

		strbuf_add(&t->out, t->prefix.buf, t->prefix.len);
		strbuf_addstr(&t->out, last ? "└── " : "├── ");
		strbuf_addstr(&t->prefix, last ? "    " : "│   ");
		print_node(t, v[k], depth + 1);
		strbuf_setlen(&t->prefix, saved);
	}
	t->on_path[i] = false;
}

static json_t *json_node(struct tree *t, size_t i, long depth)
{
	const struct lock_package *p = &t->g->lf->packages[i];
	json_t *o = json_object();
	const size_t *v;
	size_t n, k;

	children(t, i, &v, &n);
	json_object_set_new(o, "name", json_string(p->name));
	json_object_set_new(o, "version",
			    p->version ? json_string(p->version) : json_null());
	json_object_set_new(o, "marker",
			    p->marker ? json_string(p->marker) : json_null());
	if (n && (t->expanded[i] || t->on_path[i])) {
		json_object_set_new(o, "shown_above", json_true());
		return o;
	}
	if (t->o->depth < 0 || depth < t->o->depth) {
		json_t *arr = json_array();

		t->expanded[i] = true;
		t->on_path[i] = true;
		for (k = 0; k < n; k++)
			json_array_append_new(arr, json_node(t, v[k], depth + 1));
		t->on_path[i] = false;
		json_object_set_new(o, t->o->invert ? "dependents" : "dependencies",
				    arr);
	}
	return o;
}

/* The top of the trees: --package, else the roots (or leaves) and then
 * whatever they do not reach. */
static void tops(const struct lock_graph *g, const struct tree_opts *o,
		 size_t *v, size_t *n)
{
	size_t i;

	*n = 0;
	if (o->invert) {
		for (i = 0; i < g->n; i++)
			if (!g->ndeps[i])
				v[(*n)++] = i;
		return;
	}
	for (i = 0; i < g->nroots; i++)
		v[(*n)++] = g->roots[i];
}

static int tree_run(struct cvl_ctx *ctx, struct tree_opts *o,
		    const char *path)
{
	struct lock_file lf;
	struct lock_graph g;
	struct tree t;
	size_t *top = NULL, ntop = 0, i, k;
	json_t *arr = NULL;
	int r;

	lock_file_init(&lf);
	r = cvl_load_lockfile(ctx, path, NULL, &lf);
	if (r) {
		lock_file_release(&lf);
		return r;
	}
	lock_graph_build(&g, &lf, NULL);
	top = xmalloc((g.n ? g.n : 1) * sizeof(*top));
	for (i = 0; i < o->packages.nr; i++) {
		size_t *found, nfound;

		r = find_nodes(&lf, o->packages.v[i], path, &found, &nfound);
		if (r)
			goto out;
		for (k = 0; k < nfound && ntop < g.n; k++)
			top[ntop++] = found[k];
		free(found);
	}
	if (!o->packages.nr)
		tops(&g, o, top, &ntop);

	memset(&t, 0, sizeof(t));
	t.g = &g;
	t.o = o;
	t.expanded = xcalloc(g.n ? g.n : 1, sizeof(bool));
	t.on_path = xcalloc(g.n ? g.n : 1, sizeof(bool));
	t.reach = xcalloc(g.n ? g.n : 1, sizeof(bool));
	t.queue = xmalloc((g.n ? g.n : 1) * sizeof(size_t));
	strbuf_init(&t.out, 0);
	strbuf_init(&t.prefix, 0);
	if (o->json)
		arr = json_array();
	for (i = 0; i <= g.n; i++) {
		size_t node;

		if (i < ntop) {
			node = top[i];
		} else {
			/* then what no tree reaches (cycles, stray entries) */
			if (o->packages.nr)
				break;
			for (node = 0; node < g.n && t.reach[node]; node++)
				;
			if (node == g.n)
				break;
		}
		mark_reach(&t, node);
		if (o->json)
			json_array_append_new(arr, json_node(&t, node, 0));
		else
			print_node(&t, node, 0);
	}
	if (o->json) {
		char *text = json_dumps(arr, JSON_INDENT(2) | JSON_PRESERVE_ORDER);

		printf("%s\n", text ? text : "[]");
		free(text);
		json_decref(arr);
	} else {
		fwrite(t.out.buf, 1, t.out.len, stdout);
	}
	free(t.expanded);
	free(t.on_path);
	free(t.reach);
	free(t.queue);
	strbuf_release(&t.out);
	strbuf_release(&t.prefix);
	r = EXIT_OK;
out:
	free(top);
	lock_graph_release(&g);
	lock_file_release(&lf);
	return r;
}

/* LOCKFILE from the positional arguments (at most `max`). */
static int lockfile_arg(const char *cmd, char **pos, int npos, int max,
			const char **path)
{
	if (npos > max) {
		cvl_errorf("'cvlock %s' takes %s, got '%s' too", cmd,
			   max == 1 ? "one LOCKFILE" : "NAME and one LOCKFILE",
			   pos[max]);
		fprintf(stderr, "hint: see 'cvlock %s --help'\n", cmd);
		return EXIT_USAGE;
	}
	*path = npos == max ? pos[max - 1] : "pylock.toml";
	return 0;
}

int cmd_tree(int argc, char **argv, struct cvl_ctx *ctx)
{
	struct tree_opts o;
	const char *path;
	int npos, r;

	memset(&o, 0, sizeof(o));
	o.depth = -1;
	strvec_init(&o.packages);
	r = cvl_parse_options(ctx, "tree", argc, argv, tree_options,
			      ARRAY_SIZE(tree_options), on_tree_option, &o,
			      &npos);
	if (!r)
		r = lockfile_arg("tree", argv, npos, 1, &path);
	if (!r)
		r = tree_run(ctx, &o, path);
	strvec_clear(&o.packages);
	return r;
}

/* ---- why -------------------------------------------------------------- */

struct why {
	const struct lock_graph *g;
	bool json;
	size_t count;
	struct strbuf out;
	json_t *arr;
};

/* The requirement strings that make `root` a root (none: a foreign lock). */
static const struct strvec *root_reqs(const struct lock_graph *g, size_t root)
{
	size_t k;

	for (k = 0; k < g->nroots; k++)
		if (g->roots[k] == root)
			return &g->root_reqs[k];
	return NULL;
}

static int why_path(const size_t *path, size_t len, void *data)
{
	struct why *w = data;
	const struct strvec *reqs = root_reqs(w->g, path[0]);
	size_t k;

	w->count++;
	if (w->json) {
		json_t *o = json_object(), *nodes = json_array(), *ra = json_array();

		for (k = 0; k < len; k++) {
			const struct lock_package *p = &w->g->lf->packages[path[k]];
			json_t *n = json_object();

			json_object_set_new(n, "name", json_string(p->name));
			json_object_set_new(n, "version",
					    p->version ? json_string(p->version)
						       : json_null());
			json_array_append_new(nodes, n);
		}
		for (k = 0; reqs && k < reqs->nr; k++)
			json_array_append_new(ra, json_string(reqs->v[k]));
		json_object_set_new(o, "requirements", ra);
		json_object_set_new(o, "path", nodes);
		json_array_append_new(w->arr, o);
		return 0;
	}
	for (k = 0; k < len; k++) {
		if (k)
			strbuf_addstr(&w->out, " -> ");
		node_label(&w->g->lf->packages[path[k]], &w->out);
	}
	for (k = 0; reqs && k < reqs->nr; k++)
		strbuf_addf(&w->out, "%s'%s'", k ? ", " : "  (from ", reqs->v[k]);
	if (reqs && reqs->nr)
		strbuf_addch(&w->out, ')');
	strbuf_addch(&w->out, '\n');
	return 0;
}

int cmd_why(int argc, char **argv, struct cvl_ctx *ctx)
{
	struct tree_opts o;
	struct lock_file lf;
	struct lock_graph g;
	struct why w;
	const char *path;
	size_t *nodes = NULL, nnodes = 0, k, limit;
	int npos, r;

	memset(&o, 0, sizeof(o));
	strvec_init(&o.packages);
	r = cvl_parse_options(ctx, "why", argc, argv, why_options,
			      ARRAY_SIZE(why_options), on_why_option, &o,
			      &npos);
	if (r)
		return r;
	if (npos < 1) {
		cvl_errorf("'cvlock why' needs the NAME of a package");
		fprintf(stderr, "hint: see 'cvlock why --help'\n");
		return EXIT_USAGE;
	}
	r = lockfile_arg("why", argv, npos, 2, &path);
	if (r)
		return r;

	lock_file_init(&lf);
	r = cvl_load_lockfile(ctx, path, NULL, &lf);
	if (r) {
		lock_file_release(&lf);
		return r;
	}
	r = find_nodes(&lf, argv[0], path, &nodes, &nnodes);
	if (r) {
		lock_file_release(&lf);
		return r;
	}
	lock_graph_build(&g, &lf, NULL);
	memset(&w, 0, sizeof(w));
	w.g = &g;
	w.json = o.json;
	strbuf_init(&w.out, 0);
	if (o.json)
		w.arr = json_array();
	/* one more than shown, to know whether there are more */
	limit = o.all ? 0 : WHY_LIMIT + 1;
	for (k = 0; k < nnodes; k++) {
		size_t before = w.count;

		if (lock_graph_paths(&g, nodes[k], limit ? limit - w.count : 0,
				     why_path, &w))
			break;
		if (w.count == before && !o.json) {
			struct strbuf label = STRBUF_INIT;

			node_label(&lf.packages[nodes[k]], &label);
			strbuf_addf(&w.out, "%s: no requirement of the project leads to it\n",
				    label.buf);
			strbuf_release(&label);
		}
		if (limit && w.count >= limit)
			break;
	}
	if (o.json) {
		char *text;

		if (limit && w.count >= limit)
			json_array_remove(w.arr, json_array_size(w.arr) - 1);
		text = json_dumps(w.arr, JSON_INDENT(2) | JSON_PRESERVE_ORDER);

		printf("%s\n", text ? text : "[]");
		free(text);
		json_decref(w.arr);
	} else {
		if (limit && w.count >= limit) {
			/* drop the extra line */
			size_t end = w.out.len - 1;

			while (end && w.out.buf[end - 1] != '\n')
				end--;
			strbuf_setlen(&w.out, end);
		}
		fwrite(w.out.buf, 1, w.out.len, stdout);
		if (limit && w.count >= limit)
			fprintf(stderr, "note: only the first %d paths are shown; --all shows every one\n",
				WHY_LIMIT);
	}
	strbuf_release(&w.out);
	free(nodes);
	lock_graph_release(&g);
	lock_file_release(&lf);
	return EXIT_OK;
}
