/*
 * source.c - candidates, packages, options, and the in-memory source.
 */
#include "resolver/internal.h"

struct rcand *res_rcand(struct res_candidate *c)
{
	/* struct rcand starts with its public part */
	return (struct rcand *)c;
}

static struct rcand *rcand_new(const char *name, const char *version,
			       size_t len)
{
	struct rcand *rc = xcalloc(1, sizeof(*rc));
	struct cvl_error err = CVL_ERROR_INIT;
	struct pep_version v = PEP_VERSION_INIT;

	rc->c.name = name;
	rc->c.version_str = xmemdup0(version, len);
	rc->c.upload_time = -1;
	rc->c.has_wheel = true;
	rc->c.has_sdist = true;
	strvec_init(&rc->c.provides_extra);
	if (pep_version_parse(&v, version, len, &err) < 0)
		rc->c.excluded = RES_EXCL_INVALID;
	else
		memcpy(&rc->c.version, &v, sizeof(v));
	return rc;
}

static void rcand_free(struct rcand *rc)
{
	size_t i;

	if (!rc)
		return;
	free(rc->c.version_str);
	pep_version_release(&rc->c.version);
	free(rc->c.requires_python);
	for (i = 0; i < rc->c.nrequires; i++)
		pep_requirement_release(&rc->c.requires[i]);
	free(rc->c.requires);
	strvec_clear(&rc->c.provides_extra);
	free(rc->base);
	free(rc->xsid);
	free(rc);
}

struct res_candidate *res_package_add(struct res_package *pkg,
				      const char *version, size_t len)
{
	struct rcand *rc = rcand_new(pkg->name, version, len);

	ALLOC_GROW(pkg->cands, pkg->ncands + 1, pkg->cands_alloc);
	pkg->cands[pkg->ncands++] = &rc->c;
	return &rc->c;
}

void res_package_release_cands(struct res_package *pkg)
{
	size_t i;

	for (i = 0; i < pkg->ncands; i++)
		rcand_free(res_rcand(pkg->cands[i]));
	free(pkg->cands);
	pkg->cands = NULL;
	pkg->ncands = pkg->cands_alloc = 0;
}

int res_candidate_add_requirement(struct res_candidate *c, const char *s,
				  size_t len, struct cvl_error *err)
{
	struct pep_requirement req = PEP_REQUIREMENT_INIT;
	int ret = pep_requirement_parse(&req, s, len, err);

	if (ret < 0)
		return ret;
	ALLOC_GROW(c->requires, c->nrequires + 1, c->requires_alloc);
	memcpy(&c->requires[c->nrequires++], &req, sizeof(req));
	return 0;
}

void res_source_free(struct res_source *src)
{
	if (src && src->ops->free)
		src->ops->free(src);
}

/* ---- options -------------------------------------------------------- */

void res_options_init(struct res_options *opts)
{
	memset(opts, 0, sizeof(*opts));
	strvec_init(&opts->no_binary);
	strvec_init(&opts->only_binary);
	strvec_init(&opts->upgrade);
}

static void reqs_release(struct pep_requirement *r, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		pep_requirement_release(&r[i]);
	free(r);
}

void res_options_release(struct res_options *opts)
{
	size_t i;

	reqs_release(opts->roots, opts->nroots);
	reqs_release(opts->constraints, opts->nconstraints);
	reqs_release(opts->overrides, opts->noverrides);
	for (i = 0; i < opts->nlocked; i++) {
		free(opts->locked[i].name);
		free(opts->locked[i].version);
	}
	free(opts->locked);
	strvec_clear(&opts->no_binary);
	strvec_clear(&opts->only_binary);
	strvec_clear(&opts->upgrade);
	res_options_init(opts);
}

static int add_req(struct pep_requirement **arr, size_t *nr, size_t *alloc,
		   const char *s, struct cvl_error *err)
{
	struct pep_requirement req = PEP_REQUIREMENT_INIT;
	int ret = pep_requirement_parse(&req, s, strlen(s), err);

	if (ret < 0)
		return ret;
	ALLOC_GROW(*arr, *nr + 1, *alloc);
	memcpy(&(*arr)[(*nr)++], &req, sizeof(req));
	return 0;
}

int res_options_add_root(struct res_options *opts, const char *req,
			 struct cvl_error *err)
{
	return add_req(&opts->roots, &opts->nroots, &opts->roots_alloc, req,
		       err);
}

int res_options_add_constraint(struct res_options *opts, const char *req,
			       struct cvl_error *err)
{
	return add_req(&opts->constraints, &opts->nconstraints,
		       &opts->constraints_alloc, req, err);
}

int res_options_add_override(struct res_options *opts, const char *req,
			     struct cvl_error *err)
{
	return add_req(&opts->overrides, &opts->noverrides,
		       &opts->overrides_alloc, req, err);
}

static char *canonical(const char *name)
{
	struct strbuf sb = STRBUF_INIT;

	pep_name_canonicalize(name, strlen(name), &sb);
	return strbuf_detach(&sb, NULL);
}

void res_options_add_locked(struct res_options *opts, const char *name,
			    const char *version)
{
	ALLOC_GROW(opts->locked, opts->nlocked + 1, opts->locked_alloc);
	opts->locked[opts->nlocked].name = canonical(name);
	opts->locked[opts->nlocked].version = xstrdup(version);
	opts->nlocked++;
}

void res_options_add_upgrade(struct res_options *opts, const char *name)
{
	char *c = canonical(name);

	strvec_push(&opts->upgrade, c);
	free(c);
}

static bool listed_exactly(const struct strvec *sv, const char *name)
{
	size_t i;

	for (i = 0; i < sv->nr; i++)
		if (!strcmp(sv->v[i], name))
			return true;
	return false;
}

void res_options_allowed_formats(const struct res_options *opts,
				 const char *canonical_name, bool *binary,
				 bool *source)
{
	pep_format_control_allowed(&opts->no_binary, &opts->only_binary,
				   canonical_name, binary, source);
	/* the _all flags are ":all:" entries: a name listed wins */
	if (listed_exactly(&opts->only_binary, canonical_name) ||
	    listed_exactly(&opts->no_binary, canonical_name))
		return;
	if (opts->only_binary_all)
		*source = false;
	else if (opts->no_binary_all && *source)
		*binary = false;
}

/* ---- the in-memory source ------------------------------------------- */

struct mem_pkg {
	struct res_package p; /* its candidates are the templates */
};

struct mem_universe {
	struct mem_pkg **pkgs;
	size_t npkgs, alloc;
	struct mem_pkg *last; /* universes are mostly built package by package */
};

static struct mem_pkg *mem_find(struct mem_universe *u, const char *name,
				bool create)
{
	size_t i;
	struct mem_pkg *mp;

	if (u->last && !strcmp(u->last->p.name, name))
		return u->last;
	for (i = 0; i < u->npkgs; i++)
		if (!strcmp(u->pkgs[i]->p.name, name)) {
			u->last = u->pkgs[i];
			return u->last;
		}
	if (!create)
		return NULL;
	mp = xcalloc(1, sizeof(*mp));
	u->last = mp;
	mp->p.name = xstrdup(name);
	ALLOC_GROW(u->pkgs, u->npkgs + 1, u->alloc);
	u->pkgs[u->npkgs++] = mp;
	return mp;
}

struct res_candidate *res_memory_add(struct res_source *src, const char *name,
				     const char *version)
{
	struct mem_universe *u = src->data;
	char *c = canonical(name);
	struct mem_pkg *mp = mem_find(u, c, true);

	free(c);
	return res_package_add(&mp->p, version, strlen(version));
}

struct res_candidate *res_memory_get(struct res_source *src, const char *name,
				     const char *version)
{
	struct mem_universe *u = src->data;
	char *c = canonical(name);
	struct mem_pkg *mp = mem_find(u, c, false);
	size_t i;

	free(c);
	if (!mp)
		return NULL;
	for (i = 0; i < mp->p.ncands; i++)
		if (!strcmp(mp->p.cands[i]->version_str, version))
			return mp->p.cands[i];
	return NULL;
}

static int mem_list(struct res_source *src, struct res_package **pkgs,
		    size_t n, struct cvl_error *err)
{
	struct mem_universe *u = src->data;
	size_t i, k;

	for (i = 0; i < n; i++) {
		struct mem_pkg *mp = mem_find(u, pkgs[i]->name, false);

		pkgs[i]->listed = true;
		pkgs[i]->exists = mp != NULL;
		for (k = 0; mp && k < mp->p.ncands; k++) {
			struct res_candidate *t = mp->p.cands[k];
			struct res_candidate *c = res_package_add(
				pkgs[i], t->version_str, strlen(t->version_str));

			c->yanked = t->yanked;
			c->upload_time = t->upload_time;
			if (t->requires_python)
				c->requires_python = xstrdup(t->requires_python);
			c->has_wheel = t->has_wheel;
			c->has_sdist = t->has_sdist;
			c->opaque = t;
		}
		if (src->on_listed && src->on_listed(pkgs[i], src->on_listed_data))
			break; /* the rest stay unlisted */
	}
	return 0;
}

static int mem_load(struct res_source *src, struct res_candidate **cands,
		    size_t n, struct cvl_error *err)
{
	struct strbuf sb = STRBUF_INIT;
	size_t i, k;
	int ret = 0;

	for (i = 0; i < n && !ret; i++) {
		struct res_candidate *t = cands[i]->opaque;

		for (k = 0; k < t->nrequires && !ret; k++) {
			strbuf_reset(&sb);
			pep_requirement_format(&t->requires[k], &sb);
			ret = res_candidate_add_requirement(cands[i], sb.buf,
							    sb.len, err);
		}
		for (k = 0; k < t->provides_extra.nr; k++)
			strvec_push(&cands[i]->provides_extra,
				    t->provides_extra.v[k]);
		cands[i]->loaded = true;
	}
	strbuf_release(&sb);
	return ret;
}

static void mem_free(struct res_source *src)
{
	struct mem_universe *u = src->data;
	size_t i;

	for (i = 0; i < u->npkgs; i++) {
		res_package_release_cands(&u->pkgs[i]->p);
		free(u->pkgs[i]->p.name);
		free(u->pkgs[i]);
	}
	free(u->pkgs);
	free(u);
	free(src);
}

static const struct res_source_ops mem_ops = {
	mem_list,
	mem_load,
	mem_free,
};

struct res_source *res_source_memory(void)
{
	struct res_source *src = xcalloc(1, sizeof(*src));

	src->ops = &mem_ops;
	src->data = xcalloc(1, sizeof(struct mem_universe));
	return src;
}
