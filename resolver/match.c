/*
 * match.c - which candidates enter the pool and which ones each
 * requirement accepts: version order, Requires-Python, distributions,
 * --exclude-newer, yanked files, pre-release policy, constraints.
 */
#include "resolver/internal.h"

static int cmp_cand(const void *a, const void *b)
{
	const struct res_candidate *x = *(struct res_candidate *const *)a;
	const struct res_candidate *y = *(struct res_candidate *const *)b;
	int c;

	if (x->excluded == RES_EXCL_INVALID || y->excluded == RES_EXCL_INVALID) {
		if (x->excluded != y->excluded)
			return x->excluded == RES_EXCL_INVALID ? -1 : 1;
		return strcmp(x->version_str, y->version_str);
	}
	c = pep_version_cmp(&x->version, &y->version);
	if (c)
		return c;
	return strcmp(x->version_str, y->version_str);
}

/*
 * Requires-Python against the target, ignoring upper bounds ('<', '<=',
 * the upper half of '~=') as uv does: packages cap Python
 * speculatively, and the packse scenarios (python-less-than-current)
 * expect such a cap to be ignored.  An unparsable value admits, as pip
 * does.
 */
static bool python_admits(struct res_state *st, const char *rp)
{
	struct pep_specset set = PEP_SPECSET_INIT;
	struct cvl_error err = CVL_ERROR_INIT;
	bool ok = true;
	size_t i;

	if (pep_specset_parse(&set, rp, strlen(rp), &err) < 0)
		return true;
	for (i = 0; i < set.nr && ok; i++) {
		const struct pep_specifier *c = &set.items[i];

		if (c->op == PEP_OP_LT || c->op == PEP_OP_LE)
			continue;
		if (c->op == PEP_OP_COMPATIBLE)
			ok = pep_version_cmp(&st->python, &c->version) >= 0;
		else
			ok = pep_specifier_match(c, &st->python);
	}
	pep_specset_release(&set);
	return ok;
}

void res_classify(struct res_state *st, struct rpkg *p)
{
	const struct res_options *o = st->opts;
	bool binary, source;
	size_t i;

	res_options_allowed_formats(o, p->p.name, &binary, &source);
	if (p->p.ncands > 1)
		qsort(p->p.cands, p->p.ncands, sizeof(*p->p.cands), cmp_cand);
	for (i = 0; i < p->p.ncands; i++) {
		struct res_candidate *c = p->p.cands[i];

		c->index = (int)i;
		if (c->excluded == RES_EXCL_INVALID)
			continue;
		c->is_pre = pep_version_is_prerelease(&c->version);
		if (c->requires_python && st->have_python &&
		    !python_admits(st, c->requires_python)) {
			c->excluded = RES_EXCL_REQUIRES_PYTHON;
			continue;
		}
		if (!(binary && c->has_wheel) && !(source && c->has_sdist)) {
			/* FORMAT: it has a distribution, but not one allowed */
			if ((c->has_wheel && !binary) ||
			    (c->has_sdist && !source))
				c->excluded = RES_EXCL_FORMAT;
			else
				c->excluded = RES_EXCL_NO_DIST;
		} else if (o->exclude_newer > 0 &&
			 (c->upload_time < 0 || c->upload_time > o->exclude_newer))
			c->excluded = RES_EXCL_TOO_NEW;
	}
	if (o->upgrade_all || res_name_listed(&o->upgrade, p->p.name))
		return;
	for (i = 0; i < o->nlocked; i++) {
		struct pep_version v = PEP_VERSION_INIT;
		struct cvl_error err = CVL_ERROR_INIT;
		size_t k;

		if (strcmp(o->locked[i].name, p->p.name))
			continue;
		if (pep_version_parse(&v, o->locked[i].version,
				      strlen(o->locked[i].version), &err) < 0)
			continue;
		for (k = 0; k < p->p.ncands; k++)
			if (!p->p.cands[k]->excluded &&
			    !pep_version_cmp(&p->p.cands[k]->version, &v))
				p->locked = (int)k;
		pep_version_release(&v);
	}
}

static bool constraints_admit(struct res_state *st, const char *name,
			      const struct pep_version *v)
{
	struct strbuf sb = STRBUF_INIT;
	bool ok = true;
	size_t i;

	for (i = 0; i < st->opts->nconstraints && ok; i++) {
		const struct pep_requirement *c = &st->opts->constraints[i];

		strbuf_reset(&sb);
		pep_name_canonicalize(c->name, strlen(c->name), &sb);
		if (strcmp(sb.buf, name) || !res_marker_true(st, c->marker, NULL))
			continue;
		ok = pep_specset_contains(&c->spec, v, PEP_PRERELEASES_YES,
					  false);
	}
	strbuf_release(&sb);
	return ok;
}

static int cmp_int(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;

	return (x > y) - (x < y);
}

/*
 * Whether a root requirement on the package pins `c` (== / ===): a yanked
 * version pinned by the project may then satisfy any requirement on it
 * (PEP 592; packse transitive-package-only-yanked-in-range-opt-in).
 */
static bool root_pins(struct res_state *st, int pkg,
		      const struct res_candidate *c)
{
	size_t i;

	for (i = 0; i < st->nroot_reqs; i++) {
		const struct rreq *r = &st->reqs[st->root_reqs[i]];

		if (r->pkg == pkg && r->exact_pin &&
		    pep_specset_contains(&r->spec, &c->version,
					 PEP_PRERELEASES_YES, false))
			return true;
	}
	return false;
}

/*
 * The pre-release policy of one requirement.  "if-necessary" (the
 * default) follows uv and the packse scenarios: pre-releases when the
 * requirement's specifier names one, when a root requirement on the same
 * package names one (the project opted in), or when the package has no
 * usable final release at all.  A range that only pre-releases match does
 * not admit them by itself (packse package-only-prereleases-in-range).
 */
static enum pep_prereleases req_prereleases(struct res_state *st,
					    const struct rreq *r)
{
	const struct rpkg *p = st->pkgs[r->pkg];
	size_t i;

	if (st->pre != PEP_PRERELEASES_UNSET)
		return st->pre;
	if (pep_specset_admits_prereleases(&r->spec))
		return PEP_PRERELEASES_YES;
	for (i = 0; i < st->nroot_reqs; i++) {
		const struct rreq *q = &st->reqs[st->root_reqs[i]];

		if (q->pkg == r->pkg && q->kind == RREQ_NORMAL &&
		    pep_specset_admits_prereleases(&q->spec))
			return PEP_PRERELEASES_YES;
	}
	for (i = 0; i < p->p.ncands; i++)
		if (!p->p.cands[i]->excluded && !p->p.cands[i]->is_pre)
			return PEP_PRERELEASES_NO;
	return PEP_PRERELEASES_YES;
}

/*
 * The candidates a requirement accepts, computed once per requirement
 * over every eligible candidate of its (listed) package: PEP 440 match
 * with the pre-release policy (req_prereleases), yanked versions only for
 * == / === pins, then the constraints on that name.
 */
void res_compute_matches(struct res_state *st, struct rreq *r)
{
	struct rpkg *p = st->pkgs[r->pkg];
	const struct pep_version **vers;
	size_t *idx, *out, n = 0, nm, i;
	int *res;
	size_t nres = 0;

	r->computed = true;
	vers = xcalloc(p->p.ncands + 1, sizeof(*vers));
	idx = xcalloc(p->p.ncands + 1, sizeof(*idx));
	out = xcalloc(p->p.ncands + 1, sizeof(*out));
	res = xcalloc(p->p.ncands + 1, sizeof(*res));
	for (i = 0; i < p->p.ncands; i++) {
		struct res_candidate *c = p->p.cands[i];

		if (c->excluded || c->yanked)
			continue;
		vers[n] = &c->version;
		idx[n++] = i;
	}
	nm = pep_specset_filter(&r->spec, vers, NULL, n,
				req_prereleases(st, r), out);
	for (i = 0; i < nm; i++)
		res[nres++] = (int)idx[out[i]];
	for (i = 0; i < p->p.ncands; i++) {
		struct res_candidate *c = p->p.cands[i];

		if (c->excluded || !c->yanked)
			continue;
		if (!r->exact_pin && !root_pins(st, r->pkg, c))
			continue;
		if (pep_specset_contains(&r->spec, &c->version,
					 PEP_PRERELEASES_YES, false))
			res[nres++] = (int)i;
	}
	if (nres > 1)
		qsort(res, nres, sizeof(*res), cmp_int);
	n = 0;
	for (i = 0; i < nres; i++)
		if (constraints_admit(st, p->p.name, &p->p.cands[res[i]]->version))
			res[n++] = res[i];
	r->matched = res;
	r->nmatched = n;
	free(vers);
	free(idx);
	free(out);
}

