/*
 * explain.c - libsolv problem rules to sentences about the user's own
 * requirements and real versions (notes/libsolv.md §9).  Never a rank, an
 * aux ladder name or a libsolv string.
 */
#include "resolver/internal.h"

enum line_kind {
	LINE_ROOT,    /* the project requires X */
	LINE_REQ,     /* P versions require X */
	LINE_NOTHING, /* ... but no version of T matches */
	LINE_TIED,    /* P[e] is tied to the version of P */
	LINE_ONE,     /* only one version of P can be installed */
};

struct group {
	enum line_kind kind;
	int src;    /* source package, -1 for the project */
	int extra;  /* source extra, -1 for the base */
	int target; /* target package (LINE_ONE: the package) */
	int req;    /* LINE_ROOT: the requirement */
	int *cands; /* source candidate indexes */
	size_t ncands, acands;
	int *reqs;  /* requirement indexes */
	size_t nreqs, areqs;
	int newest;     /* newest source candidate seen, -1 none */
	int newest_req; /* a requirement of it: the example shown */
};

struct explainer {
	struct res_state *st;
	struct group *g;
	size_t ng, ag;
};

static void add_int(int **arr, size_t *n, size_t *alloc, int v)
{
	size_t i;

	for (i = 0; i < *n; i++)
		if ((*arr)[i] == v)
			return;
	ALLOC_GROW(*arr, *n + 1, *alloc);
	(*arr)[(*n)++] = v;
}

static struct group *group_get(struct explainer *ex, enum line_kind kind,
			       int src, int extra, int target, int req)
{
	size_t i;
	struct group *g;

	for (i = 0; i < ex->ng; i++) {
		g = &ex->g[i];
		if (g->kind == kind && g->src == src && g->extra == extra &&
		    g->target == target && g->req == req)
			return g;
	}
	ALLOC_GROW(ex->g, ex->ng + 1, ex->ag);
	g = &ex->g[ex->ng++];
	memset(g, 0, sizeof(*g));
	g->kind = kind;
	g->src = src;
	g->extra = extra;
	g->target = target;
	g->req = req;
	g->newest = -1;
	g->newest_req = -1;
	return g;
}

static struct rreq *req_of(struct res_state *st, Id dep)
{
	if (dep <= 0 || (size_t)dep >= st->req_of_id_alloc ||
	    !st->req_of_id[dep])
		return NULL;
	return &st->reqs[st->req_of_id[dep] - 1];
}

static const struct sidinfo *info_of(struct res_state *st, Id sid)
{
	static const struct sidinfo none = { SID_NONE, -1, -1, -1 };

	if (sid <= 0 || (size_t)sid >= st->sids_alloc)
		return &none;
	return &st->sids[sid];
}

void res_problem_packages(struct res_state *st, Solver *solv, bool *named)
{
	Queue rules;
	Id pb, npb = (Id)solver_problem_count(solv);
	int i;

	queue_init(&rules);
	for (pb = 1; pb <= npb; pb++) {
		solver_findallproblemrules(solv, pb, &rules);
		for (i = 0; i < rules.count; i++) {
			Id from = 0, to = 0, dep = 0;
			const struct sidinfo *si;
			struct rreq *r;

			solver_ruleinfo(solv, rules.elements[i], &from, &to,
					&dep);
			si = info_of(st, from);
			if (si->pkg >= 0 && si->kind != SID_ROOT)
				named[si->pkg] = true;
			si = info_of(st, to);
			if (si->pkg >= 0 && si->kind != SID_ROOT)
				named[si->pkg] = true;
			r = req_of(st, dep);
			if (r)
				named[r->pkg] = true;
		}
	}
	queue_free(&rules);
}

static void collect(struct explainer *ex, Solver *solv)
{
	struct res_state *st = ex->st;
	Queue rules;
	Id pb, npb = (Id)solver_problem_count(solv);
	int i;

	queue_init(&rules);
	for (pb = 1; pb <= npb; pb++) {
		solver_findallproblemrules(solv, pb, &rules);
		for (i = 0; i < rules.count; i++) {
			Id from = 0, to = 0, dep = 0;
			SolverRuleinfo type = solver_ruleinfo(
				solv, rules.elements[i], &from, &to, &dep);
			const struct sidinfo *fi = info_of(st, from);
			const struct sidinfo *ti = info_of(st, to);
			struct rreq *r = req_of(st, dep);
			struct group *g;

			switch (type) {
			case SOLVER_RULE_PKG_SAME_NAME:
			case SOLVER_RULE_PKG_CONFLICTS:
			case SOLVER_RULE_PKG_OBSOLETES:
				if (fi->pkg >= 0)
					group_get(ex, LINE_ONE, -1, -1, fi->pkg, -1);
				else if (ti->pkg >= 0)
					group_get(ex, LINE_ONE, -1, -1, ti->pkg, -1);
				break;
			case SOLVER_RULE_PKG_REQUIRES:
			case SOLVER_RULE_PKG_NOTHING_PROVIDES_DEP:
				if (fi->kind == SID_AUX) {
					group_get(ex, LINE_ONE, -1, -1, fi->pkg, -1);
					break;
				}
				if (!r) {
					/* a ladder step required by a version */
					if (fi->pkg >= 0)
						group_get(ex, LINE_ONE, -1, -1,
							  fi->pkg, -1);
					break;
				}
				if (r->kind == RREQ_PIN) {
					if (fi->kind == SID_EXTRA)
						group_get(ex, LINE_TIED, fi->pkg,
							  fi->extra, fi->pkg, -1);
					break;
				}
				if (fi->kind == SID_ROOT) {
					g = group_get(ex, LINE_ROOT, -1, -1, r->pkg,
						      (int)(r - st->reqs));
					if (type == SOLVER_RULE_PKG_NOTHING_PROVIDES_DEP)
						g->kind = LINE_NOTHING;
					add_int(&g->reqs, &g->nreqs, &g->areqs,
						(int)(r - st->reqs));
					break;
				}
				if (fi->pkg < 0)
					break;
				g = group_get(ex,
					      type == SOLVER_RULE_PKG_REQUIRES
						      ? LINE_REQ
						      : LINE_NOTHING,
					      fi->pkg,
					      fi->kind == SID_EXTRA ? fi->extra : -1,
					      r->pkg, -1);
				add_int(&g->cands, &g->ncands, &g->acands,
					fi->cand);
				add_int(&g->reqs, &g->nreqs, &g->areqs,
					(int)(r - st->reqs));
				if (fi->cand > g->newest) {
					g->newest = fi->cand;
					g->newest_req = (int)(r - st->reqs);
				}
				break;
			default:
				break;
			}
		}
	}
	queue_free(&rules);
}

static int cmp_int(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;

	return (x > y) - (x < y);
}

static void source_name(struct res_state *st, const struct group *g,
			struct strbuf *out)
{
	struct rpkg *p = st->pkgs[g->src];

	strbuf_addstr(out, p->p.name);
	if (g->extra >= 0)
		strbuf_addf(out, "[%s]", p->extras.v[g->extra]);
}

/*
 * "1.0", "1.0 and 1.1", "1.0, 1.1 and 1.2", "1.0..1.9 (10 versions)" when
 * they are every version in between that was considered, otherwise
 * "1.0, 1.2, ..., 1.9 (5 versions)".
 */
static void versions(struct res_state *st, struct rpkg *p, int *cands,
		     size_t n, struct strbuf *out)
{
	size_t i;
	int k;
	bool contiguous = true;

	if (n > 1)
		qsort(cands, n, sizeof(*cands), cmp_int);
	if (n <= 3) {
		for (i = 0; i < n; i++)
			strbuf_addf(out, "%s%s",
				    !i ? "" : i + 1 == n ? " and " : ", ",
				    p->p.cands[cands[i]]->version_str);
		return;
	}
	for (k = cands[0]; k < cands[n - 1]; k++) {
		struct rcand *rc = res_rcand(p->p.cands[k]);
		bool in = false;

		for (i = 0; i < n; i++)
			if (cands[i] == k)
				in = true;
		if (rc->sid && !in)
			contiguous = false;
	}
	if (contiguous)
		strbuf_addf(out, "%s..%s (%zu versions)",
			    p->p.cands[cands[0]]->version_str,
			    p->p.cands[cands[n - 1]]->version_str, n);
	else
		strbuf_addf(out, "%s, %s, ..., %s (%zu versions)",
			    p->p.cands[cands[0]]->version_str,
			    p->p.cands[cands[1]]->version_str,
			    p->p.cands[cands[n - 1]]->version_str, n);
}

static void requirement_texts(struct res_state *st, const struct group *g,
			      bool plural, struct strbuf *out)
{
	struct rpkg *t = st->pkgs[g->target];

	if (g->nreqs == 1)
		strbuf_addf(out, "%s %s", plural ? "require" : "requires",
			    st->reqs[g->reqs[0]].text);
	else
		strbuf_addf(out, "%s %zu different ranges of %s (e.g. %s)",
			    plural ? "require" : "requires", g->nreqs,
			    t->p.name,
			    st->reqs[g->newest_req >= 0 ? g->newest_req
							: g->reqs[0]].text);
}

static void nothing_tail(struct res_state *st, const struct group *g,
			 struct strbuf *out)
{
	struct rpkg *t = st->pkgs[g->target];
	size_t i;
	bool any = false;

	for (i = 0; i < t->p.ncands; i++)
		if (!t->p.cands[i]->excluded)
			any = true;
	if (!t->p.exists || !t->p.ncands)
		strbuf_addf(out, ", but no package %s exists", t->p.name);
	else if (!any)
		strbuf_addf(out, ", but no version of %s is usable", t->p.name);
	else
		strbuf_addf(out, ", but no version of %s matches", t->p.name);
	for (i = 0; i < st->opts->nconstraints; i++) {
		const struct pep_requirement *c = &st->opts->constraints[i];
		struct strbuf sb = STRBUF_INIT;

		pep_name_canonicalize(c->name, strlen(c->name), &sb);
		if (!strcmp(sb.buf, t->p.name)) {
			strbuf_reset(&sb);
			pep_specset_format(&c->spec, &sb);
			strbuf_addf(out, " %s the constraint %s%s",
				    any ? "within" : "and", t->p.name, sb.buf);
			any = false;
		}
		strbuf_release(&sb);
	}
}

static void render_group(struct res_state *st, const struct group *g,
			 struct strbuf *line)
{
	struct rpkg *p;

	switch (g->kind) {
	case LINE_ROOT:
		strbuf_addf(line, "the project requires %s",
			    st->reqs[g->req].text);
		break;
	case LINE_NOTHING:
		if (g->src < 0) {
			strbuf_addf(line, "the project requires %s",
				    st->reqs[g->req].text);
			nothing_tail(st, g, line);
			break;
		}
		/* fall through */
	case LINE_REQ:
		p = st->pkgs[g->src];
		source_name(st, g, line);
		strbuf_addch(line, ' ');
		versions(st, p, g->cands, g->ncands, line);
		strbuf_addch(line, ' ');
		requirement_texts(st, g, g->ncands > 1, line);
		if (g->kind == LINE_NOTHING)
			nothing_tail(st, g, line);
		break;
	case LINE_TIED:
		p = st->pkgs[g->src];
		strbuf_addf(line, "%s[%s] must have the same version as %s",
			    p->p.name, p->extras.v[g->extra], p->p.name);
		break;
	case LINE_ONE:
		strbuf_addf(line, "only one version of %s can be installed",
			    st->pkgs[g->target]->p.name);
		break;
	}
}

/* ---- hints ----------------------------------------------------------- */

enum hint_kind {
	HINT_PRE,
	HINT_YANKED,
	HINT_PYTHON,
	HINT_DIST,
	HINT_FORMAT,
	HINT_NEW,
	NHINTS
};

/*
 * "hint: foo 1.0 has only an sdist and --only-binary foo is set" (or
 * ":all:" when that is the rule that applies), "hint: foo 1.0 has only
 * wheels and --no-binary foo is set".
 */
static void format_hint(struct res_state *st, const struct rpkg *t,
			const struct res_candidate *c, struct strbuf *sb)
{
	const struct res_options *o = st->opts;
	bool binary, source, only = false;
	const struct strvec *sv;
	const char *who = ":all:";
	size_t i;

	res_options_allowed_formats(o, t->p.name, &binary, &source);
	if (!source && c->has_sdist)
		only = true;
	sv = only ? &o->only_binary : &o->no_binary;
	for (i = 0; i < sv->nr; i++)
		if (!strcmp(sv->v[i], t->p.name))
			who = t->p.name;
	strbuf_addf(sb, "hint: %s %s has only %s and --%s %s is set",
		    t->p.name, c->version_str, only ? "an sdist" : "wheels",
		    only ? "only-binary" : "no-binary", who);
}

static void hints_for(struct res_state *st, const struct rreq *r,
		      struct strvec *out)
{
	struct rpkg *t = st->pkgs[r->pkg];
	struct res_candidate *best[NHINTS] = { NULL };
	struct strbuf sb = STRBUF_INIT;
	size_t i;
	int h;

	if (r->kind != RREQ_NORMAL)
		return;
	for (i = 0; i < t->p.ncands; i++) {
		struct res_candidate *c = t->p.cands[i];
		bool matched = false;
		size_t k;

		if (c->excluded == RES_EXCL_INVALID)
			continue;
		if (!pep_specset_contains(&r->spec, &c->version,
					  PEP_PRERELEASES_YES, false))
			continue;
		for (k = 0; k < r->nmatched; k++)
			if (r->matched[k] == (int)i)
				matched = true;
		if (matched)
			continue;
		switch (c->excluded) {
		case RES_EXCL_REQUIRES_PYTHON:
			best[HINT_PYTHON] = c;
			break;
		case RES_EXCL_NO_DIST:
			best[HINT_DIST] = c;
			break;
		case RES_EXCL_FORMAT:
			best[HINT_FORMAT] = c;
			break;
		case RES_EXCL_TOO_NEW:
			best[HINT_NEW] = c;
			break;
		default:
			if (c->yanked)
				best[HINT_YANKED] = c;
			else if (c->is_pre)
				best[HINT_PRE] = c;
			break;
		}
	}
	for (h = 0; h < NHINTS; h++) {
		struct res_candidate *c = best[h];

		if (!c)
			continue;
		strbuf_reset(&sb);
		switch (h) {
		case HINT_PRE:
			strbuf_addf(&sb, "hint: %s %s is a pre-release; it is "
				    "used with --prerelease allow or when a "
				    "requirement names a pre-release",
				    t->p.name, c->version_str);
			break;
		case HINT_YANKED:
			strbuf_addf(&sb, "hint: %s %s is yanked; a yanked "
				    "version is used only when pinned with == "
				    "or ===", t->p.name, c->version_str);
			break;
		case HINT_PYTHON:
			strbuf_addf(&sb, "hint: %s %s requires Python %s, "
				    "but the target is Python %s", t->p.name,
				    c->version_str, c->requires_python,
				    st->opts->python ? st->opts->python : "?");
			break;
		case HINT_DIST:
			strbuf_addf(&sb, "hint: %s %s has no wheel compatible "
				    "with the target and no usable source "
				    "distribution", t->p.name, c->version_str);
			break;
		case HINT_FORMAT:
			format_hint(st, t, c, &sb);
			break;
		case HINT_NEW:
			strbuf_addf(&sb, "hint: %s %s was uploaded after the "
				    "--exclude-newer date", t->p.name,
				    c->version_str);
			break;
		}
		strvec_push(out, sb.buf);
	}
	strbuf_release(&sb);
}

/*
 * The explanation, one sentence per group of problem rules, most general
 * first, then hints.  Example (tests/resolver/conflicts/diamond.t):
 *
 *     no solution:
 *       * the project requires pandas
 *       * the project requires scipy<1.12
 *       * pandas 2.0 and 2.1 require 2 different ranges of numpy (e.g. numpy<2,>=1.23)
 *       * pandas 2.2 requires numpy>=2.5, but no version of numpy matches
 *       * scipy 1.10 and 1.11 require numpy<1.22
 *       * only one version of numpy can be installed
 *
 * and, when a pre-release would have matched (prerelease/hint.t):
 *
 *     hint: a 3.0rc1 is a pre-release; it is used with --prerelease allow or when a requirement names a pre-release
 *
 * Lines: "the project requires R" (R as the project wrote it, canonical);
 * "P VERSIONS require(s) R" where VERSIONS is "1.0", "1.0 and 1.1",
 * "1.0, 1.1 and 1.2", "1.0..1.9 (10 versions)" (every considered version
 * in between) or "1.0, 1.2, ..., 1.9 (5 versions)"; several distinct
 * requirements on one package become "N different ranges of T (e.g. R)"
 * with the newest version's as example; ", but no version of T matches" (or "no
 * package T exists", "no version of T is usable"), then " within the
 * constraint C" for each constraint on T, when nothing provides it; "P[E] must have the same version as P"; "only one version of P can
 * be installed".  Sentences are sorted (project first, then by text),
 * duplicates dropped.  Hints follow, one per package and reason: a
 * pre-release, a yanked version, Requires-Python, no compatible
 * distribution, one that --no-binary / --only-binary forbid
 * ("hint: foo 1.0 has only an sdist and --only-binary foo is set"),
 * --exclude-newer.
 */
void res_explain(struct res_state *st, Solver *solv, struct strbuf *out)
{
	struct explainer ex;
	struct strvec roots = STRVEC_INIT, lines = STRVEC_INIT,
		      tail = STRVEC_INIT, hints = STRVEC_INIT;
	struct strbuf sb = STRBUF_INIT;
	size_t i, k;

	memset(&ex, 0, sizeof(ex));
	ex.st = st;
	collect(&ex, solv);
	for (i = 0; i < ex.ng; i++) {
		struct group *g = &ex.g[i];

		strbuf_reset(&sb);
		render_group(st, g, &sb);
		if (g->src < 0 && (g->kind == LINE_ROOT || g->kind == LINE_NOTHING))
			strvec_push(&roots, sb.buf);
		else if (g->kind == LINE_ONE || g->kind == LINE_TIED)
			strvec_push(&tail, sb.buf);
		else
			strvec_push(&lines, sb.buf);
		if (g->kind == LINE_NOTHING) {
			if (g->src < 0)
				hints_for(st, &st->reqs[g->req], &hints);
			for (k = 0; k < g->nreqs; k++)
				hints_for(st, &st->reqs[g->reqs[k]], &hints);
		}
	}
	strvec_sort(&roots);
	strvec_sort(&lines);
	strvec_sort(&tail);
	strvec_sort(&hints);
	strbuf_addstr(out, "no solution:\n");
	for (k = 0; k < 3; k++) {
		struct strvec *sv = k == 0 ? &roots : k == 1 ? &lines : &tail;

		for (i = 0; i < sv->nr; i++)
			if (!i || strcmp(sv->v[i], sv->v[i - 1]))
				strbuf_addf(out, "  * %s\n", sv->v[i]);
	}
	for (i = 0; i < hints.nr; i++)
		if (!i || strcmp(hints.v[i], hints.v[i - 1]))
			strbuf_addf(out, "%s\n", hints.v[i]);
	for (i = 0; i < ex.ng; i++) {
		free(ex.g[i].cands);
		free(ex.g[i].reqs);
	}
	free(ex.g);
	strvec_clear(&roots);
	strvec_clear(&lines);
	strvec_clear(&tail);
	strvec_clear(&hints);
	strbuf_release(&sb);
}

/* ---- the full derivation (-v) ------------------------------------------ */

/* "pandas 2.2", "pandas[sql] 2.2" or "the project" for a solvable. */
static bool solvable_text(struct res_state *st, Id sid, struct strbuf *out)
{
	const struct sidinfo *si = info_of(st, sid);
	struct rpkg *p;

	if (si->kind == SID_ROOT) {
		strbuf_addstr(out, "the project");
		return true;
	}
	if ((si->kind != SID_BASE && si->kind != SID_EXTRA) || si->pkg < 0)
		return false;
	p = st->pkgs[si->pkg];
	strbuf_addstr(out, p->p.name);
	if (si->kind == SID_EXTRA)
		strbuf_addf(out, "[%s]", p->extras.v[si->extra]);
	strbuf_addf(out, " %s", p->p.cands[si->cand]->version_str);
	return true;
}

/* One problem rule as a sentence (false: nothing to say about it). */
static bool rule_text(struct res_state *st, Solver *solv, Id rid,
		      struct strbuf *out)
{
	Id from = 0, to = 0, dep = 0;
	SolverRuleinfo type = solver_ruleinfo(solv, rid, &from, &to, &dep);
	const struct sidinfo *fi = info_of(st, from);
	const struct sidinfo *ti = info_of(st, to);
	struct rreq *r = req_of(st, dep);
	int pkg = fi->pkg >= 0 ? fi->pkg : ti->pkg;

	switch (type) {
	case SOLVER_RULE_PKG_REQUIRES:
	case SOLVER_RULE_PKG_NOTHING_PROVIDES_DEP:
		if (fi->kind == SID_AUX || !r) {
			if (pkg < 0)
				return false;
			strbuf_addf(out, "only one version of %s can be installed",
				    st->pkgs[pkg]->p.name);
			return true;
		}
		if (!solvable_text(st, from, out))
			return false;
		strbuf_addf(out, " requires %s", r->text);
		if (type == SOLVER_RULE_PKG_NOTHING_PROVIDES_DEP)
			strbuf_addf(out, ", but no version of %s matches",
				    st->pkgs[r->pkg]->p.name);
		return true;
	case SOLVER_RULE_PKG_SAME_NAME:
	case SOLVER_RULE_PKG_CONFLICTS:
	case SOLVER_RULE_PKG_OBSOLETES:
		if (pkg < 0)
			return false;
		strbuf_addf(out, "only one version of %s can be installed",
			    st->pkgs[pkg]->p.name);
		if (fi->kind == SID_BASE) {
			strbuf_addstr(out, " (");
			solvable_text(st, from, out);
			strbuf_addch(out, ')');
		}
		return true;
	default:
		/* the job (install the project root): nothing to explain */
		return false;
	}
}

/*
 * Every problem rule of every problem, in libsolv's order, one sentence
 * each (duplicates dropped), after the grouped explanation:
 *
 *     derivation (problem 1, 5 rules):
 *       - the project requires delta
 *       - delta 1.0 requires beta<1.1
 *       - the project requires beta>=2
 *       - only one version of beta can be installed (beta 1.0)
 */
void res_derivation(struct res_state *st, Solver *solv, struct strbuf *out)
{
	Queue rules;
	struct strvec seen = STRVEC_INIT;
	struct strbuf sb = STRBUF_INIT, lines = STRBUF_INIT;
	Id pb, npb = (Id)solver_problem_count(solv);
	int i;

	queue_init(&rules);
	for (pb = 1; pb <= npb; pb++) {
		size_t n = 0, k;

		strbuf_reset(&lines);
		strvec_clear(&seen);
		solver_findallproblemrules(solv, pb, &rules);
		for (i = 0; i < rules.count; i++) {
			bool dup = false;

			strbuf_reset(&sb);
			if (!rule_text(st, solv, rules.elements[i], &sb))
				continue;
			for (k = 0; k < seen.nr && !dup; k++)
				dup = !strcmp(seen.v[k], sb.buf);
			if (dup)
				continue;
			strvec_push(&seen, sb.buf);
			strbuf_addf(&lines, "  - %s\n", sb.buf);
			n++;
		}
		strbuf_addf(out, "derivation (problem %d, %zu rule%s):\n%s",
			    (int)pb, n, n == 1 ? "" : "s", lines.buf);
	}
	queue_free(&rules);
	strvec_clear(&seen);
	strbuf_release(&sb);
	strbuf_release(&lines);
}
