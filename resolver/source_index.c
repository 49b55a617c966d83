/*
 * source_index.c - the candidate source of `cvlock resolve`: versions and
 * metadata come from the package-index client (index/), in batches.
 *
 * list_versions asks for the pages of the whole batch at once and groups
 * each page's files by version; load_metadata asks for the core metadata
 * of the best file of every candidate of the batch at once (the most
 * preferred compatible wheel by tag priority, else the sdist).  The pages
 * are kept until the source is freed: candidates point into them, and
 * the lockfile is written from their files.
 */
#include "config.h"
#include "resolver/source_index.h"
#include "index/index.h"

/* ---- the target's tags: tag -> priority (0 is the most preferred) ---- */

struct tag_slot {
	const char *tag; /* NULL: empty */
	size_t prio;
};

struct tag_set {
	struct strvec tags;
	struct tag_slot *slots;
	size_t mask;
};

static uint64_t hash_str(const char *s)
{
	uint64_t h = 1469598103934665603ull; /* FNV-1a */

	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= 1099511628211ull;
	}
	return h;
}

static void tag_set_init(struct tag_set *ts, const struct strvec *tags)
{
	size_t cap = 16, i;

	strvec_init(&ts->tags);
	for (i = 0; i < tags->nr; i++)
		strvec_push(&ts->tags, tags->v[i]);
	while (cap < 2 * ts->tags.nr + 2)
		cap *= 2;
	ts->slots = xcalloc(cap, sizeof(*ts->slots));
	ts->mask = cap - 1;
	for (i = 0; i < ts->tags.nr; i++) {
		size_t h = (size_t)hash_str(ts->tags.v[i]) & ts->mask;

		while (ts->slots[h].tag && strcmp(ts->slots[h].tag, ts->tags.v[i]))
			h = (h + 1) & ts->mask;
		if (!ts->slots[h].tag) {
			/* the first (most preferred) position wins */
			ts->slots[h].tag = ts->tags.v[i];
			ts->slots[h].prio = i;
		}
	}
}

static void tag_set_release(struct tag_set *ts)
{
	free(ts->slots);
	strvec_clear(&ts->tags);
}

/* The priority of `tag`, or SIZE_MAX when the target does not accept it. */
static size_t tag_prio(const struct tag_set *ts, const char *tag)
{
	size_t h = (size_t)hash_str(tag) & ts->mask;

	while (ts->slots[h].tag) {
		if (!strcmp(ts->slots[h].tag, tag))
			return ts->slots[h].prio;
		h = (h + 1) & ts->mask;
	}
	return SIZE_MAX;
}

/* The best priority among a wheel's tags; SIZE_MAX: incompatible. */
static size_t wheel_prio(const struct tag_set *ts, const struct idx_file *f)
{
	size_t best = SIZE_MAX, i;

	if (f->kind != IDX_FILE_WHEEL || !f->wheel)
		return SIZE_MAX;
	for (i = 0; i < f->wheel->tags.nr; i++) {
		size_t p = tag_prio(ts, f->wheel->tags.v[i]);

		if (p < best)
			best = p;
	}
	return best;
}

/* ---- the source ------------------------------------------------------- */

/* What a candidate points to (res_candidate.opaque). */
struct cand_files {
	const struct idx_file **files; /* sorted by file name */
	size_t nfiles;
	const struct idx_file *best; /* whose metadata is read; NULL: none */
	const char *page_url;        /* the project page (in its arena) */
};

struct isrc {
	struct res_source src;
	struct idx_client *client;
	struct tag_set tags;
	struct idx_page **pages;
	size_t npages, alloc_pages;
	struct cand_files **cfs;
	size_t ncfs, alloc_cfs;
	/* the batch being listed */
	struct res_package **batch;
	size_t nbatch;
	bool stopped; /* src.on_listed() said to stop listing the batch */
	int rc;
	struct cvl_error err;
};

static void isrc_fail(struct isrc *s, int rc, const struct cvl_error *err)
{
	if (s->rc)
		return;
	s->rc = rc;
	s->err = *err;
}

static int cmp_files_version_name(const void *pa, const void *pb)
{
	const struct idx_file *a = *(const struct idx_file *const *)pa;
	const struct idx_file *b = *(const struct idx_file *const *)pb;
	int r = pep_version_cmp(a->version, b->version);

	return r ? r : strcmp(a->filename, b->filename);
}

static bool better_file(const struct tag_set *ts, const struct idx_file *a,
			const struct idx_file *b)
{
	size_t pa = wheel_prio(ts, a), pb = wheel_prio(ts, b);

	if (a->yanked != b->yanked)
		return !a->yanked;
	if (pa != pb)
		return pa < pb;
	if (a->has_metadata != b->has_metadata)
		return a->has_metadata;
	return strcmp(a->filename, b->filename) < 0;
}

/* Files [i, end) of `v` share a version: make it one candidate. */
static void add_version(struct isrc *s, struct res_package *pkg,
			const char *page_url, const struct idx_file **v,
			size_t i, size_t end)
{
	struct cand_files *cf = xcalloc(1, sizeof(*cf));
	struct res_candidate *c;
	const struct idx_file *bestw = NULL, *bests = NULL;
	bool all_yanked = true;
	size_t j;

	for (j = i; j < end; j++)
		if (!v[j]->yanked)
			all_yanked = false;
	c = res_package_add(pkg, v[i]->version_str, strlen(v[i]->version_str));
	c->yanked = all_yanked;
	c->upload_time = -1;
	c->has_wheel = false;
	c->has_sdist = false;
	cf->files = xcalloc(end - i, sizeof(*cf->files));
	for (j = i; j < end; j++) {
		const struct idx_file *f = v[j];

		/* a yanked file of a version that has others is not offered */
		if (f->yanked && !all_yanked)
			continue;
		cf->files[cf->nfiles++] = f;
		if (f->upload_time >= 0 &&
		    (c->upload_time < 0 || f->upload_time < c->upload_time))
			c->upload_time = f->upload_time;
		if (!c->requires_python && f->requires_python &&
		    *f->requires_python)
			c->requires_python = xstrdup(f->requires_python);
		if (f->kind == IDX_FILE_WHEEL) {
			if (wheel_prio(&s->tags, f) == SIZE_MAX)
				continue;
			c->has_wheel = true;
		} else if (f->kind == IDX_FILE_SDIST) {
			c->has_sdist = true;
		} else {
			continue;
		}
		if (f->kind == IDX_FILE_WHEEL) {
			if (!bestw || better_file(&s->tags, f, bestw))
				bestw = f;
		} else if (!bests || better_file(&s->tags, f, bests)) {
			bests = f;
		}
	}
	/* a compatible wheel always beats an sdist */
	cf->best = bestw ? bestw : bests;
	cf->page_url = page_url;
	c->opaque = cf;
	ALLOC_GROW(s->cfs, s->ncfs + 1, s->alloc_cfs);
	s->cfs[s->ncfs++] = cf;
}

static void take_page(struct isrc *s, struct res_package *pkg,
		      struct idx_page *page)
{
	struct idx_page *mine = xmalloc(sizeof(*mine));
	const struct idx_file **v;
	size_t i, n = 0, end;

	*mine = *page;
	*page = (struct idx_page)IDX_PAGE_INIT;
	ALLOC_GROW(s->pages, s->npages + 1, s->alloc_pages);
	s->pages[s->npages++] = mine;

	v = xcalloc(mine->nfiles + 1, sizeof(*v));
	for (i = 0; i < mine->nfiles; i++)
		if (mine->files[i].kind != IDX_FILE_OTHER)
			v[n++] = &mine->files[i];
	qsort(v, n, sizeof(*v), cmp_files_version_name);
	for (i = 0; i < n; i = end) {
		end = i + 1;
		while (end < n && !pep_version_cmp(v[end]->version, v[i]->version))
			end++;
		add_version(s, pkg, mine->url, v, i, end);
	}
	free(v);
}

static void on_page(const char *name, struct idx_page *page, int rc,
		    const struct cvl_error *err, void *data)
{
	struct isrc *s = data;
	struct strbuf canon = STRBUF_INIT;
	size_t i;

	pep_name_canonicalize(name, strlen(name), &canon);
	for (i = 0; i < s->nbatch; i++) {
		struct res_package *pkg = s->batch[i];

		if (strcmp(pkg->name, canon.buf) || pkg->listed)
			continue;
		if (s->stopped)
			break; /* cancelled, or came too late: stays unlisted */
		pkg->listed = true;
		if (rc == -CVL_ENOTFOUND) {
			pkg->exists = false;
		} else if (rc) {
			isrc_fail(s, rc, err);
			break;
		} else {
			pkg->exists = true;
			take_page(s, pkg, page);
		}
		if (s->src.on_listed &&
		    s->src.on_listed(pkg, s->src.on_listed_data)) {
			s->stopped = true;
			idx_client_stop(s->client);
		}
		break;
	}
	strbuf_release(&canon);
}

static int isrc_list(struct res_source *src, struct res_package **pkgs,
		     size_t n, struct cvl_error *err)
{
	struct isrc *s = src->data;
	const char **names = xcalloc(n + 1, sizeof(*names));
	size_t i;
	int r;

	for (i = 0; i < n; i++)
		names[i] = pkgs[i]->name;
	s->batch = pkgs;
	s->nbatch = n;
	s->rc = 0;
	s->stopped = false;
	idx_client_fetch_pages(s->client, names, n, on_page, s);
	r = idx_client_run(s->client, err);
	free(names);
	s->batch = NULL;
	s->nbatch = 0;
	if (r < 0)
		return r;
	if (s->rc) {
		*err = s->err;
		return s->rc;
	}
	if (s->stopped)
		return 0; /* the rest of the batch stays unlisted */
	for (i = 0; i < n; i++)
		pkgs[i]->listed = true;
	return 0;
}

struct md_batch {
	struct isrc *s;
	struct res_candidate **cands;
	const struct idx_file **files;
	size_t n;
};

static void on_metadata(const struct idx_file *file, struct pep_metadata *md,
			int rc, const struct cvl_error *err, void *data)
{
	struct md_batch *b = data;
	size_t i, k;

	for (i = 0; i < b->n; i++) {
		struct res_candidate *c = b->cands[i];
		struct cvl_error rerr = CVL_ERROR_INIT;

		if (b->files[i] != file || c->loaded)
			continue;
		c->loaded = true;
		if (rc == -CVL_EUNSUPPORTED) {
			/* an sdist that needs a build: never chosen */
			c->excluded = RES_EXCL_NO_DIST;
			continue;
		}
		if (rc) {
			isrc_fail(b->s, rc, err);
			continue;
		}
		for (k = 0; k < md->requires_dist.nr; k++) {
			const char *rd = md->requires_dist.v[k];

			if (res_candidate_add_requirement(c, rd, strlen(rd),
							  &rerr) < 0) {
				/* unreadable metadata: this version only */
				c->excluded = RES_EXCL_INVALID;
				break;
			}
		}
		for (k = 0; k < md->provides_extra.nr; k++)
			strvec_push(&c->provides_extra, md->provides_extra.v[k]);
		if (!c->requires_python && md->requires_python &&
		    *md->requires_python)
			c->requires_python = xstrdup(md->requires_python);
	}
}

static int isrc_load(struct res_source *src, struct res_candidate **cands,
		     size_t n, struct cvl_error *err)
{
	struct isrc *s = src->data;
	struct md_batch b;
	const struct idx_file **uniq = xcalloc(n + 1, sizeof(*uniq));
	size_t i, k, nuniq = 0;
	int r;

	b.s = s;
	b.cands = cands;
	b.n = n;
	b.files = xcalloc(n + 1, sizeof(*b.files));
	s->rc = 0;
	for (i = 0; i < n; i++) {
		struct cand_files *cf = cands[i]->opaque;

		b.files[i] = cf ? cf->best : NULL;
		if (!b.files[i]) {
			cands[i]->loaded = true;
			cands[i]->excluded = RES_EXCL_NO_DIST;
			continue;
		}
		for (k = 0; k < nuniq; k++)
			if (uniq[k] == b.files[i])
				break;
		if (k == nuniq)
			uniq[nuniq++] = b.files[i];
	}
	if (nuniq)
		idx_client_fetch_metadata(s->client, uniq, nuniq, on_metadata,
					  &b);
	r = nuniq ? idx_client_run(s->client, err) : 0;
	free(uniq);
	free(b.files);
	if (r < 0)
		return r;
	if (s->rc) {
		*err = s->err;
		return s->rc;
	}
	for (i = 0; i < n; i++)
		cands[i]->loaded = true;
	return 0;
}

static void isrc_free(struct res_source *src)
{
	struct isrc *s = src->data;
	size_t i;

	for (i = 0; i < s->npages; i++) {
		idx_page_release(s->pages[i]);
		free(s->pages[i]);
	}
	free(s->pages);
	for (i = 0; i < s->ncfs; i++) {
		free(s->cfs[i]->files);
		free(s->cfs[i]);
	}
	free(s->cfs);
	tag_set_release(&s->tags);
	free(s);
}

static const struct res_source_ops isrc_ops = {
	isrc_list,
	isrc_load,
	isrc_free,
};

int res_source_index_new(struct res_source **out, struct idx_client *client,
			 const struct strvec *tags, struct cvl_error *err)
{
	struct isrc *s;

	(void)err;
	s = xcalloc(1, sizeof(*s));
	s->src.ops = &isrc_ops;
	s->src.data = s;
	s->client = client;
	tag_set_init(&s->tags, tags);
	*out = &s->src;
	return 0;
}

void res_source_index_files(struct res_source *src,
			    const struct res_candidate *c,
			    const struct idx_file *const **files, size_t *n)
{
	const struct cand_files *cf = c ? c->opaque : NULL;

	(void)src;
	*files = cf ? cf->files : NULL;
	*n = cf ? cf->nfiles : 0;
}

const struct idx_file *res_source_index_best(const struct res_candidate *c)
{
	const struct cand_files *cf = c ? c->opaque : NULL;

	return cf ? cf->best : NULL;
}

const char *res_source_index_page_url(const struct res_candidate *c)
{
	const struct cand_files *cf = c ? c->opaque : NULL;

	return cf ? cf->page_url : NULL;
}
