/*
 * client.c - where a project's files come from: the index URL, the extra
 * index URLs and the find-links sources, combined by the index strategy,
 * and the batches the resolver asks for (pages of names, metadata of
 * files), answered through callbacks as results arrive.
 *
 * Everything runs inside idx_http_run(): a page job submits one request
 * per index it needs (one after the other for first-index, all at once
 * for unsafe-best-match) and waits for the flat listings it needs (each
 * fetched or scanned once per client).  A finished job goes to a ready
 * queue that is drained right away when we are inside the transport's
 * callbacks, or by idx_client_run() otherwise, so no user callback ever
 * runs inside idx_client_fetch_*() itself.
 */
#include "index/internal.h"
#include "index/transport.h"

#include <dirent.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

/* ---- options ------------------------------------------------------------ */

const char *idx_strategy_name(enum idx_strategy s)
{
	switch (s) {
	case IDX_STRATEGY_FIRST_INDEX:
		return "first-index";
	case IDX_STRATEGY_UNSAFE_BEST_MATCH:
		return "unsafe-best-match";
	}
	return "?";
}

bool idx_strategy_parse(const char *s, size_t len, enum idx_strategy *out)
{
	if (len == 11 && !memcmp(s, "first-index", 11)) {
		*out = IDX_STRATEGY_FIRST_INDEX;
		return true;
	}
	if (len == 17 && !memcmp(s, "unsafe-best-match", 17)) {
		*out = IDX_STRATEGY_UNSAFE_BEST_MATCH;
		return true;
	}
	return false;
}

void idx_client_opts_init(struct idx_client_opts *o)
{
	memset(o, 0, sizeof(*o));
	strvec_init(&o->extra_index_urls);
	strvec_init(&o->find_links);
	o->strategy = IDX_STRATEGY_FIRST_INDEX;
	o->http.retries = -1;
}

void idx_client_opts_release(struct idx_client_opts *o)
{
	strvec_clear(&o->extra_index_urls);
	strvec_clear(&o->find_links);
}

/* ---- the client's state -------------------------------------------------- */

struct page_job;

struct index_source {
	char *url;     /* ends with '/'; may hold credentials */
	bool is_file;  /* file:// : the page is <url><name>/index.html */
};

/* A find-links source, loaded once and shared by every page job. */
struct flat_source {
	char *location;   /* the option as given, for messages */
	char *url;        /* a listing to fetch, or NULL for a directory */
	char *dir;        /* a directory to scan, or NULL */
	bool started, loaded;
	int rc;
	struct cvl_error err;
	struct idx_page page; /* every distribution file of the listing */
	struct page_job **waiting;
	size_t nwaiting, alloc_waiting;
};

struct page_waiter {
	idx_page_fn cb;
	void *data;
};

struct page_job {
	struct idx_client *client;
	char *name; /* canonical */
	struct page_waiter *waiters;
	size_t nwaiters, alloc_waiters;
	struct idx_page *pages; /* one per index */
	bool *found;            /* the index has the project */
	size_t pending;         /* requests and listings not answered yet */
	size_t next_index;      /* first-index: the next index to ask */
	int rc;                 /* the first error */
	struct cvl_error err;
	bool queued;            /* in the ready queue */
	size_t active_index;    /* in client->active */
};

struct page_req {
	struct page_job *job;
	size_t index;
};

struct flat_req {
	struct idx_client *client;
	struct flat_source *src;
};

struct md_job {
	struct idx_client *client;
	const struct idx_file *file;
	idx_metadata_fn cb;
	void *data;
	struct pep_metadata md;
	int rc;
	struct cvl_error err;
};

struct ready_item {
	struct page_job *page;
	struct md_job *md;
};

/* A page request not made yet (see submit_index_page()). */
struct deferred_page {
	struct page_job *job;
	size_t index;
};

struct idx_client {
	struct idx_http *http;
	enum idx_strategy strategy;
	struct index_source *indexes;
	size_t nindexes;
	struct flat_source *flats;
	size_t nflats;
	/* page jobs not finished yet (for sharing a name between callers) */
	struct page_job **active;
	size_t nactive, alloc_active;
	/* the same jobs by name (open addressing, with tombstones) */
	struct page_job **by_name;
	size_t by_name_cap, by_name_used;
	struct ready_item *ready;
	size_t nready, ready_head, alloc_ready;
	bool in_http;  /* inside idx_http_run() */
	bool draining; /* inside drain_ready() */
	bool md_starting; /* inside idx_metadata_fetch(): an answer is a cache hit */
	bool stopping;    /* idx_client_stop(): the rest of the run is cancelled */
	struct deferred_page *deferred;
	size_t ndeferred, deferred_head, alloc_deferred;
	idx_progress_fn progress_fn;
	void *progress_data;
	struct idx_progress progress;
};

/* ---- sources ------------------------------------------------------------- */

static bool has_scheme(const char *url, const char *scheme)
{
	size_t n = strlen(scheme);

	return !strncasecmp(url, scheme, n) && url[n] == ':';
}

/* An absolute version of a local path (it need not exist). */
static void absolute_path(const char *path, struct strbuf *out)
{
	char cwd[4096];

	if (path[0] != '/' && getcwd(cwd, sizeof(cwd))) {
		strbuf_addstr(out, cwd);
		if (out->len && out->buf[out->len - 1] != '/')
			strbuf_addch(out, '/');
	}
	strbuf_addstr(out, path);
}

static int add_index(struct idx_client *c, size_t *alloc, const char *url,
		     struct cvl_error *err)
{
	struct strbuf sb = STRBUF_INIT;
	struct index_source *s;

	if (!*url)
		return cvl_error_set(err, CVL_EUSAGE, "empty index URL");
	if (url_is_absolute(url)) {
		if (!has_scheme(url, "http") && !has_scheme(url, "https") &&
		    !has_scheme(url, "file")) {
			url_redact(url, &sb);
			cvl_error_set(err, CVL_EUSAGE,
				      "unsupported index URL '%s': expected http://, https:// or file://",
				      sb.buf);
			strbuf_release(&sb);
			return -CVL_EUSAGE;
		}
		strbuf_addstr(&sb, url);
	} else {
		/* a local directory, as uv allows */
		struct strbuf abs = STRBUF_INIT;
		int r;

		absolute_path(url, &abs);
		r = url_from_path(abs.buf, &sb, err);
		strbuf_release(&abs);
		if (r) {
			strbuf_release(&sb);
			return r;
		}
	}
	if (sb.buf[sb.len - 1] != '/')
		strbuf_addch(&sb, '/');
	ALLOC_GROW(c->indexes, c->nindexes + 1, *alloc);
	s = &c->indexes[c->nindexes++];
	s->is_file = has_scheme(sb.buf, "file");
	s->url = strbuf_detach(&sb, NULL);
	return 0;
}

/*
 * A find-links entry: a directory (a path or a file:// URL naming one) is
 * scanned; anything else is fetched as a flat HTML listing.
 */
static int add_flat(struct idx_client *c, size_t *alloc, const char *loc,
		    struct cvl_error *err)
{
	struct strbuf path = STRBUF_INIT;
	struct flat_source *s;
	struct stat st;
	int r;

	if (!*loc)
		return cvl_error_set(err, CVL_EUSAGE, "empty find-links location");
	ALLOC_GROW(c->flats, c->nflats + 1, *alloc);
	s = &c->flats[c->nflats];
	memset(s, 0, sizeof(*s));
	s->page = (struct idx_page)IDX_PAGE_INIT;
	if (url_is_absolute(loc)) {
		if (has_scheme(loc, "file")) {
			r = url_to_path(loc, &path, err);
			if (r) {
				strbuf_release(&path);
				return r;
			}
		} else if (!has_scheme(loc, "http") && !has_scheme(loc, "https")) {
			struct strbuf sb = STRBUF_INIT;

			url_redact(loc, &sb);
			cvl_error_set(err, CVL_EUSAGE,
				      "unsupported find-links URL '%s': expected http://, https://, file:// or a directory",
				      sb.buf);
			strbuf_release(&sb);
			return -CVL_EUSAGE;
		}
	} else {
		absolute_path(loc, &path);
	}
	if (path.len && stat(path.buf, &st)) {
		r = cvl_error_set(err, CVL_EUSAGE,
				  "find-links location '%s' does not exist",
				  loc);
		strbuf_release(&path);
		return r;
	}
	if (path.len && S_ISDIR(st.st_mode)) {
		s->dir = strbuf_detach(&path, NULL);
	} else if (path.len) {
		/* a local file: read it as a listing through file:// */
		struct strbuf url = STRBUF_INIT;

		r = url_from_path(path.buf, &url, err);
		strbuf_release(&path);
		if (r) {
			strbuf_release(&url);
			return r;
		}
		s->url = strbuf_detach(&url, NULL);
	} else {
		s->url = xstrdup(loc);
	}
	strbuf_release(&path);
	s->location = xstrdup(loc);
	c->nflats++;
	return 0;
}

int idx_client_new(struct idx_client **out, const struct idx_client_opts *opts,
		   struct cvl_error *err)
{
	struct idx_client *c = xcalloc(1, sizeof(*c));
	size_t alloc_indexes = 0, alloc_flats = 0, i;
	int r = 0;

	*out = NULL;
	c->strategy = opts->strategy;
	if (!opts->no_index) {
		r = add_index(c, &alloc_indexes,
			      opts->index_url ? opts->index_url
					      : IDX_DEFAULT_INDEX_URL, err);
		for (i = 0; !r && i < opts->extra_index_urls.nr; i++)
			r = add_index(c, &alloc_indexes,
				      opts->extra_index_urls.v[i], err);
	}
	for (i = 0; !r && i < opts->find_links.nr; i++)
		r = add_flat(c, &alloc_flats, opts->find_links.v[i], err);
	if (!r)
		r = idx_http_new(&c->http, &opts->http, err);
	if (r) {
		idx_client_free(c);
		return r;
	}
	*out = c;
	return 0;
}

static void page_job_free(struct page_job *job);

void idx_client_free(struct idx_client *c)
{
	size_t i;

	if (!c)
		return;
	for (i = 0; i < c->nindexes; i++)
		free(c->indexes[i].url);
	free(c->indexes);
	for (i = 0; i < c->nflats; i++) {
		struct flat_source *s = &c->flats[i];

		free(s->location);
		free(s->url);
		free(s->dir);
		idx_page_release(&s->page);
		free(s->waiting);
	}
	free(c->flats);
	/* jobs still around only when a run was cut short */
	for (i = 0; i < c->nactive; i++)
		page_job_free(c->active[i]);
	free(c->active);
	free(c->deferred);
	free(c->by_name);
	for (i = c->ready_head; i < c->nready; i++) {
		if (c->ready[i].page)
			page_job_free(c->ready[i].page);
		if (c->ready[i].md) {
			pep_metadata_release(&c->ready[i].md->md);
			free(c->ready[i].md);
		}
	}
	free(c->ready);
	idx_http_free(c->http);
	free(c);
}

void idx_client_set_progress(struct idx_client *c, idx_progress_fn fn,
			     void *data)
{
	c->progress_fn = fn;
	c->progress_data = data;
}

void idx_client_get_progress(const struct idx_client *c,
			     struct idx_progress *out)
{
	*out = c->progress;
	idx_http_get_stats(c->http, &out->http);
}

static void report_progress(struct idx_client *c)
{
	struct idx_progress p;

	if (!c->progress_fn)
		return;
	idx_client_get_progress(c, &p);
	c->progress_fn(&p, c->progress_data);
}

static void on_http_progress(const struct idx_http_stats *st, void *data)
{
	report_progress(data);
}

/* ---- merging pages -------------------------------------------------------- */

static const char *arena_str(struct arena *a, const char *s)
{
	return s ? arena_strndup(a, s, strlen(s)) : NULL;
}

/*
 * The file names a merged page has so far (open addressing; the strings
 * are the sources', which outlive the set), so that merging stays linear
 * for projects with thousands of files.
 */
struct name_set {
	const char **slots;
	size_t cap, n;
};

static uint64_t name_hash(const char *s)
{
	uint64_t h = 1469598103934665603ULL; /* FNV-1a */

	while (*s) {
		h ^= (unsigned char)*s++;
		h *= 1099511628211ULL;
	}
	return h;
}

static void name_set_insert(struct name_set *set, const char *name);

static void name_set_grow(struct name_set *set)
{
	const char **old = set->slots;
	size_t oldcap = set->cap, i;

	set->cap = oldcap ? oldcap * 2 : 64;
	set->slots = xcalloc(set->cap, sizeof(*set->slots));
	set->n = 0;
	for (i = 0; i < oldcap; i++)
		if (old[i])
			name_set_insert(set, old[i]);
	free(old);
}

/* Add `name`; false when it was there already. */
static bool name_set_add(struct name_set *set, const char *name)
{
	size_t i;

	if (2 * (set->n + 1) > set->cap)
		name_set_grow(set);
	i = (size_t)(name_hash(name) & (set->cap - 1));
	while (set->slots[i]) {
		if (!strcmp(set->slots[i], name))
			return false;
		i = (i + 1) & (set->cap - 1);
	}
	set->slots[i] = name;
	set->n++;
	return true;
}

static void name_set_insert(struct name_set *set, const char *name)
{
	name_set_add(set, name);
}

static void name_set_release(struct name_set *set)
{
	free(set->slots);
	set->slots = NULL;
	set->cap = set->n = 0;
}

/*
 * Add the files of `src` to `dst` (only those of project `name` when
 * given), skipping file names already `seen`: the first source wins.
 */
static void page_merge(struct idx_page *dst, struct name_set *seen,
		       const struct idx_page *src, const char *name)
{
	size_t i;

	for (i = 0; i < src->nfiles; i++) {
		const struct idx_file *f = &src->files[i];

		if (name && (!f->name || strcmp(f->name, name)))
			continue;
		if (!name_set_add(seen, f->filename))
			continue;
		idx__page_copy_file(dst, f);
	}
	if (!dst->url && src->url)
		dst->url = arena_str(&dst->arena, src->url);
	if (!dst->versions && src->versions && !name) {
		size_t j;

		dst->versions = arena_alloc(&dst->arena, src->nversions *
						  sizeof(*dst->versions) + 1);
		for (j = 0; j < src->nversions; j++)
			dst->versions[j] = arena_str(&dst->arena, src->versions[j]);
		dst->nversions = src->nversions;
	}
}

/* ---- the ready queue ------------------------------------------------------ */

static void page_job_deliver(struct page_job *job);
static void md_job_deliver(struct md_job *mj);

static void push_ready(struct idx_client *c, struct page_job *page,
		       struct md_job *md)
{
	if (c->ready_head == c->nready) {
		c->ready_head = 0;
		c->nready = 0;
	}
	ALLOC_GROW(c->ready, c->nready + 1, c->alloc_ready);
	c->ready[c->nready].page = page;
	c->ready[c->nready].md = md;
	c->nready++;
}

/*
 * Hand finished results to their callbacks, in the order they finished.
 * Callbacks may queue more work and finish more jobs synchronously; they
 * are picked up by the same loop.
 */
static void drain_ready(struct idx_client *c)
{
	if (c->draining)
		return;
	c->draining = true;
	while (c->ready_head < c->nready) {
		struct ready_item it = c->ready[c->ready_head++];

		if (it.page)
			page_job_deliver(it.page);
		else
			md_job_deliver(it.md);
	}
	c->ready_head = 0;
	c->nready = 0;
	c->draining = false;
}

/* Called at the end of every transport callback of ours. */
static void after_http_callback(struct idx_client *c)
{
	if (c->in_http)
		drain_ready(c);
}

/* ---- page jobs ------------------------------------------------------------ */

static void page_job_free(struct page_job *job)
{
	struct idx_client *c = job->client;
	size_t i;

	if (job->pages) {
		for (i = 0; i < c->nindexes; i++)
			idx_page_release(&job->pages[i]);
	}
	free(job->pages);
	free(job->found);
	free(job->waiters);
	free(job->name);
	free(job);
}

/* The marker of a removed slot in client->by_name. */
static struct page_job by_name_tombstone;
#define TOMBSTONE (&by_name_tombstone)

static uint64_t name_hash(const char *s);

static size_t by_name_find_slot(const struct idx_client *c, const char *name,
				bool for_insert)
{
	size_t mask = c->by_name_cap - 1;
	size_t i = (size_t)(name_hash(name) & mask), tomb = SIZE_MAX;

	while (c->by_name[i]) {
		if (c->by_name[i] == TOMBSTONE) {
			if (tomb == SIZE_MAX)
				tomb = i;
		} else if (!strcmp(c->by_name[i]->name, name)) {
			return i;
		}
		i = (i + 1) & mask;
	}
	return for_insert && tomb != SIZE_MAX ? tomb : i;
}

static void by_name_add(struct idx_client *c, struct page_job *job)
{
	size_t i;

	if (2 * (c->by_name_used + 1) > c->by_name_cap) {
		/* rebuild from the active jobs, dropping the tombstones */
		free(c->by_name);
		c->by_name_cap = c->by_name_cap ? c->by_name_cap : 64;
		while (4 * (c->nactive + 1) > c->by_name_cap)
			c->by_name_cap *= 2;
		c->by_name = xcalloc(c->by_name_cap, sizeof(*c->by_name));
		c->by_name_used = 0;
		for (i = 0; i < c->nactive; i++) {
			if (c->active[i] == job)
				continue;
			c->by_name[by_name_find_slot(c, c->active[i]->name,
						     true)] = c->active[i];
			c->by_name_used++;
		}
	}
	i = by_name_find_slot(c, job->name, true);
	if (!c->by_name[i])
		c->by_name_used++;
	c->by_name[i] = job;
}

static void page_job_remove_active(struct page_job *job)
{
	struct idx_client *c = job->client;
	size_t i = job->active_index, slot;

	if (i >= c->nactive || c->active[i] != job)
		BUG("page job '%s' is not active", job->name);
	c->active[i] = c->active[--c->nactive];
	c->active[i]->active_index = i;
	slot = by_name_find_slot(c, job->name, false);
	if (c->by_name[slot] == job)
		c->by_name[slot] = TOMBSTONE;
}

/*
 * What an index serves that cannot be used (a malformed or oversized page,
 * a broken wheel, a file it lists that is not there) is an index error,
 * like a failed request: the user's input is not at fault.  (A project
 * on no index is reported apart, by page_job_result().)
 */
static int as_index_error(int rc, struct cvl_error *err)
{
	if (rc != -CVL_EINVAL && rc != -CVL_ETOOBIG && rc != -CVL_ENOTFOUND)
		return rc;
	err->code = CVL_ENETWORK;
	return -CVL_ENETWORK;
}

static void page_job_fail(struct page_job *job, int rc,
			  const struct cvl_error *err)
{
	if (job->rc)
		return; /* the first error is the one reported */
	if (err)
		job->err = *err;
	else
		cvl_error_set(&job->err, -rc, "%s", cvl_errcode_text(rc));
	job->rc = as_index_error(rc, &job->err);
}

static void page_job_maybe_finish(struct page_job *job)
{
	if (job->pending || job->queued)
		return;
	job->queued = true;
	page_job_remove_active(job);
	push_ready(job->client, job, NULL);
}

/* Whether find-links source `s` has files of project `name`. */
static bool flat_has(const struct flat_source *s, const char *name)
{
	size_t i;

	for (i = 0; i < s->page.nfiles; i++)
		if (s->page.files[i].name && !strcmp(s->page.files[i].name, name))
			return true;
	return false;
}

/*
 * The page of a finished job: the one index page that has the project,
 * moved as it is, or a merge of every source that has files of it.
 */
static void page_job_result(struct page_job *job, struct idx_page *out)
{
	struct idx_client *c = job->client;
	struct name_set seen = { NULL, 0, 0 };
	size_t i, nfound = 0, nflats = 0, last = 0;

	for (i = 0; i < c->nindexes; i++) {
		if (job->found[i]) {
			nfound++;
			last = i;
		}
	}
	for (i = 0; i < c->nflats; i++)
		if (flat_has(&c->flats[i], job->name))
			nflats++;
	if (nfound == 1 && !nflats) {
		*out = job->pages[last];
		job->pages[last] = (struct idx_page)IDX_PAGE_INIT;
		return;
	}
	out->name = arena_str(&out->arena, job->name);
	for (i = 0; i < c->nindexes; i++)
		if (job->found[i])
			page_merge(out, &seen, &job->pages[i], NULL);
	for (i = 0; i < c->nflats; i++)
		page_merge(out, &seen, &c->flats[i].page, job->name);
	name_set_release(&seen);
	if (!nfound && !out->nfiles) {
		cvl_error_set(&job->err, CVL_ENOTFOUND,
			      "project '%s' was not found in any index",
			      job->name);
		if (!c->nindexes && !c->nflats)
			cvl_error_hint(&job->err,
				       "no index and no find-links were given");
		job->rc = -CVL_ENOTFOUND;
	}
}

/* Build the page and hand it (or copies) to every waiter. */
static void page_job_deliver(struct page_job *job)
{
	struct idx_client *c = job->client;
	struct idx_page result = IDX_PAGE_INIT;
	size_t i;

	if (!job->rc)
		page_job_result(job, &result);
	if (!(c->stopping && job->rc))
		c->progress.pages_done++; /* not when cancelled */
	report_progress(c);
	for (i = 0; i < job->nwaiters; i++) {
		struct idx_page copy = IDX_PAGE_INIT;
		struct idx_page *give = &result;

		if (job->rc) {
			job->waiters[i].cb(job->name, NULL, job->rc, &job->err,
					   job->waiters[i].data);
			continue;
		}
		if (i + 1 < job->nwaiters) {
			/* all but the last caller get a copy */
			struct name_set seen = { NULL, 0, 0 };

			copy.name = arena_str(&copy.arena, job->name);
			page_merge(&copy, &seen, &result, NULL);
			name_set_release(&seen);
			give = &copy;
		}
		job->waiters[i].cb(job->name, give, 0, NULL,
				   job->waiters[i].data);
		idx_page_release(give);
	}
	idx_page_release(&result);
	page_job_free(job);
}

/* Whether a Content-Type (or, without one, the body) says PEP 691 JSON. */
static bool is_json_page(const char *ctype, const char *body, size_t len)
{
	size_t i, n;

	if (ctype && *ctype) {
		n = strcspn(ctype, "; \t");
		return (n == 35 &&
			!strncasecmp(ctype, "application/vnd.pypi.simple.v1+json", n)) ||
		       (n == 16 && !strncasecmp(ctype, "application/json", n));
	}
	for (i = 0; i < len; i++) {
		if (body[i] != ' ' && body[i] != '\t' && body[i] != '\n' &&
		    body[i] != '\r')
			return body[i] == '{';
	}
	return false;
}

/*
 * Parse a fetched page into `page`.  A parser's message says what is
 * wrong; we add which URL it came from.
 */
static int parse_page(struct idx_page *page, const char *name,
		      const char *base, const struct idx_response *resp,
		      struct cvl_error *err)
{
	struct cvl_error perr = CVL_ERROR_INIT;
	struct strbuf shown = STRBUF_INIT;
	int r;

	if (is_json_page(resp->content_type, resp->body.buf, resp->body.len))
		r = idx_page_parse_json(page, name, base, resp->body.buf,
					resp->body.len, &perr);
	else
		r = idx_page_parse_html(page, name, base, resp->body.buf,
					resp->body.len, &perr);
	if (!r)
		return 0;
	url_redact(base, &shown);
	if (strstr(perr.msg, shown.buf)) {
		*err = perr;
	} else {
		cvl_error_set(err, -r, "invalid page '%s': %s", shown.buf,
			      perr.msg);
		if (perr.hint[0])
			cvl_error_hint(err, "%s", perr.hint);
	}
	strbuf_release(&shown);
	/* whatever is wrong with a page, the index is at fault */
	err->code = CVL_ENETWORK;
	return -CVL_ENETWORK;
}

static bool is_http_url(const char *url)
{
	return has_scheme(url, "http") || has_scheme(url, "https");
}

/*
 * A page from the network may not send us to local files: a link to
 * file:///etc/... on an http(s) page is dropped (pip and uv refuse them
 * too).  Pages read from disk may link to disk.
 */
static void drop_local_links(struct idx_page *page, const char *base)
{
	size_t i, n = 0;

	if (has_scheme(base, "file"))
		return;
	for (i = 0; i < page->nfiles; i++) {
		struct idx_file *f = &page->files[i];

		if (is_http_url(f->url)) {
			if (n != i)
				memmove(&page->files[n], f, sizeof(*f));
			n++;
		}
	}
	page->nfiles = n;
}

/* ---- parsed pages in the cache ------------------------------------------- */

/*
 * A warm resolve reads every project page from the cache, and parsing
 * them again (JSON or HTML, hashes, wheel names, versions) was most of
 * its time.  So each page parsed from an http(s) response is stored in
 * the cache too, encoded (index/page_codec.c), under a key of its own,
 * with the response's URL, validators and freshness; while the response
 * could be reused without asking the server (tr_http_may_reuse()), the
 * stored page is read instead of the response.  Otherwise the response
 * goes through the transport as before (revalidated, or fetched), and
 * the page parsed from it replaces the stored one.  The URL in the entry
 * lets `cvlock cache clean PROJECT` and `prune` treat both alike.
 */
static char *page_store_key(const struct idx_request *req, const char *name)
{
	struct strbuf sb = STRBUF_INIT;

	strbuf_addstr(&sb, "parsed-page-v1\nGET ");
	url_strip_credentials(req->url, &sb);
	if (req->accept)
		strbuf_addf(&sb, "\naccept: %s", req->accept);
	strbuf_addf(&sb, "\nproject: %s", name);
	return strbuf_detach(&sb, NULL);
}

/* The stored page for `req` into `page` when it may be used: true. */
static bool page_store_load(struct idx_client *c, const struct idx_request *req,
			    const char *name, struct idx_page *page)
{
	struct idx_cache *cache = idx_http_cache(c->http);
	struct tr_entry e;
	char *key;
	bool hit = false;

	if (!cache->dir || !is_http_url(req->url))
		return false;
	key = page_store_key(req, name);
	tr_entry_init(&e);
	if (tr_cache_load(cache, key, &e, NULL) == 1 &&
	    tr_http_may_reuse(c->http, &e)) {
		hit = !idx__page_decode(page, &e.body);
		if (!hit)
			tr_cache_remove(cache, key); /* damaged: parse again */
	}
	tr_entry_release(&e);
	free(key);
	if (hit)
		tr_http_count_cache_hit(c->http);
	return hit;
}

static char *dup_or_null(const char *s)
{
	return s ? xstrdup(s) : NULL;
}

/* Store `page`, parsed from a response cached as `src`. */
static void page_store_save(struct idx_client *c, const struct idx_request *req,
			    const char *name, const struct tr_entry *src,
			    const struct idx_page *page)
{
	struct idx_cache *cache = idx_http_cache(c->http);
	struct tr_entry e;
	int rc;

	if (!src || !cache->dir || !is_http_url(req->url))
		return;
	tr_entry_init(&e);
	e.key = page_store_key(req, name);
	e.url = dup_or_null(src->url);
	e.final_url = dup_or_null(src->final_url);
	e.content_type = dup_or_null(src->content_type);
	e.etag = dup_or_null(src->etag);
	e.last_modified = dup_or_null(src->last_modified);
	e.status = src->status;
	e.stored = src->stored;
	e.age = src->age;
	e.max_age = src->max_age;
	e.no_cache = src->no_cache;
	e.forever = src->forever;
	idx__page_encode(page, &e.body);
	/* a cache that cannot be written only costs speed later */
	rc = tr_cache_store(cache, &e, NULL);
	(void)rc;
	tr_entry_release(&e);
}

static void submit_index_page(struct page_job *job, size_t i);

static void on_index_page(const struct idx_request *req,
			  struct idx_response *resp, int rc,
			  const struct cvl_error *err, void *data)
{
	struct page_req *pr = data;
	struct page_job *job = pr->job;
	struct idx_client *c = job->client;
	size_t i = pr->index;

	free(pr);
	job->pending--;
	if (!rc) {
		const char *base = resp->final_url ? resp->final_url : req->url;
		struct cvl_error perr = CVL_ERROR_INIT;

		idx_page_release(&job->pages[i]);
		job->pages[i] = (struct idx_page)IDX_PAGE_INIT;
		rc = parse_page(&job->pages[i], job->name, base, resp, &perr);
		if (rc) {
			/* so that the next run asks again */
			resp->no_store = true;
			page_job_fail(job, rc, &perr);
		} else {
			drop_local_links(&job->pages[i], base);
			page_store_save(c, req, job->name, resp->entry,
					&job->pages[i]);
			job->found[i] = true;
		}
	} else if (rc == -CVL_ENOTFOUND) {
		/* not on this index: first-index asks the next one */
		if (c->strategy == IDX_STRATEGY_FIRST_INDEX && !job->rc &&
		    i + 1 < c->nindexes)
			submit_index_page(job, i + 1);
	} else {
		page_job_fail(job, rc, err);
	}
	page_job_maybe_finish(job);
	after_http_callback(c);
}

/*
 * Index `i`'s page of `job`: outside the transport's run, the request
 * waits in c->deferred for idx_client_run(), which makes such requests
 * one at a time (the parsed page from the cache, else a request to the
 * transport) and hands each answer over before the next, so a caller
 * that has seen enough can stop the rest (idx_client_stop()) before they
 * cost anything.  Inside the run (a first-index fallback) it is made at
 * once.
 */
static void fetch_index_page(struct page_job *job, size_t i);

static void submit_index_page(struct page_job *job, size_t i)
{
	struct idx_client *c = job->client;

	if (c->in_http) {
		fetch_index_page(job, i);
		return;
	}
	ALLOC_GROW(c->deferred, c->ndeferred + 1, c->alloc_deferred);
	c->deferred[c->ndeferred].job = job;
	c->deferred[c->ndeferred].index = i;
	c->ndeferred++;
	job->pending++;
}

/* Make the oldest deferred page request. */
static void run_deferred(struct idx_client *c)
{
	struct deferred_page d = c->deferred[c->deferred_head++];

	if (c->deferred_head == c->ndeferred)
		c->deferred_head = c->ndeferred = 0;
	d.job->pending--;
	if (c->stopping) {
		struct cvl_error err = CVL_ERROR_INIT;

		cvl_error_set(&err, CVL_EINTERNAL, "cancelled");
		page_job_fail(d.job, -CVL_EINTERNAL, &err);
	} else {
		fetch_index_page(d.job, d.index);
	}
	page_job_maybe_finish(d.job);
}

static void fetch_index_page(struct page_job *job, size_t i)
{
	struct idx_client *c = job->client;
	const struct index_source *s = &c->indexes[i];
	struct strbuf url = STRBUF_INIT;
	struct idx_request req;
	struct page_req *pr;

	strbuf_addstr(&url, s->url);
	strbuf_addstr(&url, job->name);
	strbuf_addch(&url, '/');
	/* a directory on disk cannot answer Accept: read its index.html */
	if (s->is_file)
		strbuf_addstr(&url, "index.html");
	idx_request_init(&req, url.buf);
	req.accept = IDX_PAGE_ACCEPT;
	if (page_store_load(c, &req, job->name, &job->pages[i])) {
		job->found[i] = true;
		strbuf_release(&url);
		return;
	}
	pr = xmalloc(sizeof(*pr));
	pr->job = job;
	pr->index = i;
	job->pending++;
	idx_http_submit(c->http, &req, on_index_page, pr);
	strbuf_release(&url);
}

/* ---- flat listings ---------------------------------------------------------- */

static bool needs_percent(unsigned char ch)
{
	return ch <= 0x20 || ch >= 0x7f || strchr("\"#%&'<>?\\^`{|}", ch);
}

/* A directory of distribution files, read as a flat listing of file:// URLs. */
static int scan_directory(struct flat_source *s, struct cvl_error *err)
{
	struct strbuf base = STRBUF_INIT, dir = STRBUF_INIT, url = STRBUF_INIT;
	struct strvec names = STRVEC_INIT;
	struct dirent *de;
	DIR *d;
	size_t i, j;
	int r;

	d = opendir(s->dir);
	if (!d)
		return cvl_error_set(err, CVL_EIO,
				     "cannot read find-links directory '%s': %s",
				     s->location, strerror(errno));
	while ((de = readdir(d)) != NULL) {
		struct strbuf path = STRBUF_INIT;
		struct stat st;
		bool regular;

		if (de->d_name[0] == '.')
			continue;
		strbuf_addf(&path, "%s/%s", s->dir, de->d_name);
		regular = !stat(path.buf, &st) && S_ISREG(st.st_mode);
		strbuf_release(&path);
		if (regular)
			strvec_push(&names, de->d_name);
	}
	closedir(d);
	/* readdir order is the file system's: sort for reproducible output */
	strvec_sort(&names);
	strbuf_addstr(&dir, s->dir);
	if (dir.buf[dir.len - 1] != '/')
		strbuf_addch(&dir, '/');
	r = url_from_path(dir.buf, &base, err);
	if (!r) {
		idx__page_begin(&s->page, NULL, base.buf);
		for (i = 0; i < names.nr; i++) {
			const char *n = names.v[i];

			strbuf_reset(&url);
			strbuf_addstr(&url, base.buf);
			for (j = 0; n[j]; j++) {
				unsigned char ch = (unsigned char)n[j];

				if (needs_percent(ch))
					strbuf_addf(&url, "%%%02X", ch);
				else
					strbuf_addch(&url, ch);
			}
			idx__page_add_file(&s->page, n, strlen(n), url.buf,
					   url.len);
		}
	}
	strvec_clear(&names);
	strbuf_release(&url);
	strbuf_release(&dir);
	strbuf_release(&base);
	return r;
}

static void flat_loaded(struct idx_client *c, struct flat_source *s)
{
	size_t i;

	s->loaded = true;
	for (i = 0; i < s->nwaiting; i++) {
		struct page_job *job = s->waiting[i];

		job->pending--;
		if (s->rc)
			page_job_fail(job, s->rc, &s->err);
		page_job_maybe_finish(job);
	}
	free(s->waiting);
	s->waiting = NULL;
	s->nwaiting = s->alloc_waiting = 0;
}

static void on_flat_page(const struct idx_request *req,
			 struct idx_response *resp, int rc,
			 const struct cvl_error *err, void *data)
{
	struct flat_req *fr = data;
	struct idx_client *c = fr->client;
	struct flat_source *s = fr->src;

	free(fr);
	if (!rc) {
		const char *base = resp->final_url ? resp->final_url : req->url;

		s->rc = parse_page(&s->page, NULL, base, resp, &s->err);
		resp->no_store = s->rc != 0;
		if (!s->rc)
			drop_local_links(&s->page, base);
	} else {
		s->rc = rc;
		s->err = *err;
	}
	flat_loaded(c, s);
	after_http_callback(c);
}

/* Make `job` wait for `s` unless it is loaded already. */
static void flat_need(struct idx_client *c, struct flat_source *s,
		      struct page_job *job)
{
	if (s->loaded) {
		if (s->rc)
			page_job_fail(job, s->rc, &s->err);
		return;
	}
	ALLOC_GROW(s->waiting, s->nwaiting + 1, s->alloc_waiting);
	s->waiting[s->nwaiting++] = job;
	job->pending++;
	if (s->started)
		return;
	s->started = true;
	if (s->dir) {
		s->rc = scan_directory(s, &s->err);
		flat_loaded(c, s);
	} else {
		struct flat_req *fr = xmalloc(sizeof(*fr));
		struct idx_request req;

		fr->client = c;
		fr->src = s;
		idx_request_init(&req, s->url);
		req.accept = "text/html";
		idx_http_submit(c->http, &req, on_flat_page, fr);
	}
}

/* ---- the resolver's interface ------------------------------------------- */

static struct page_job *find_active(struct idx_client *c, const char *name)
{
	struct page_job *job;

	if (!c->by_name_cap)
		return NULL;
	job = c->by_name[by_name_find_slot(c, name, false)];
	return job == TOMBSTONE ? NULL : job;
}

static void page_job_start(struct idx_client *c, struct page_job *job)
{
	size_t i;

	/* a directory scanned right away must not finish the job early */
	job->pending++;
	for (i = 0; i < c->nflats; i++)
		flat_need(c, &c->flats[i], job);
	if (c->nindexes) {
		if (c->strategy == IDX_STRATEGY_FIRST_INDEX) {
			submit_index_page(job, 0);
		} else {
			for (i = 0; i < c->nindexes; i++)
				submit_index_page(job, i);
		}
	}
	job->pending--;
	page_job_maybe_finish(job);
}

void idx_client_fetch_pages(struct idx_client *c, const char *const *names,
			    size_t n, idx_page_fn cb, void *data)
{
	size_t i, k;

	for (i = 0; i < n; i++) {
		struct strbuf canon = STRBUF_INIT;
		struct page_job *job;

		pep_name_canonicalize(names[i], strlen(names[i]), &canon);
		job = find_active(c, canon.buf);
		if (job) {
			strbuf_release(&canon);
			ALLOC_GROW(job->waiters, job->nwaiters + 1,
				   job->alloc_waiters);
			job->waiters[job->nwaiters].cb = cb;
			job->waiters[job->nwaiters].data = data;
			job->nwaiters++;
			continue;
		}
		job = xcalloc(1, sizeof(*job));
		job->client = c;
		job->name = strbuf_detach(&canon, NULL);
		job->pages = xcalloc(c->nindexes ? c->nindexes : 1,
				     sizeof(*job->pages));
		for (k = 0; k < c->nindexes; k++)
			job->pages[k] = (struct idx_page)IDX_PAGE_INIT;
		job->found = xcalloc(c->nindexes ? c->nindexes : 1,
				     sizeof(*job->found));
		ALLOC_GROW(job->waiters, 1, job->alloc_waiters);
		job->waiters[0].cb = cb;
		job->waiters[0].data = data;
		job->nwaiters = 1;
		ALLOC_GROW(c->active, c->nactive + 1, c->alloc_active);
		job->active_index = c->nactive;
		c->active[c->nactive++] = job;
		by_name_add(c, job);
		c->progress.pages_total++;
		if (!pep_name_is_valid(names[i], strlen(names[i]))) {
			/* it would become part of a URL or a path: ask nobody */
			struct strbuf q = STRBUF_INIT;

			idx__msg_quote(&q, names[i], strlen(names[i]));
			cvl_error_set(&job->err, CVL_EUSAGE,
				      "invalid project name '%s'", q.buf);
			cvl_error_hint(&job->err,
				       "a name has letters, digits, '.', '-' and '_', and starts and ends with a letter or digit");
			job->rc = -CVL_EUSAGE;
			strbuf_release(&q);
			page_job_maybe_finish(job);
			continue;
		}
		page_job_start(c, job);
	}
}

static void md_job_deliver(struct md_job *mj)
{
	struct idx_client *c = mj->client;

	c->progress.metadata_done++;
	report_progress(c);
	mj->cb(mj->file, mj->rc ? NULL : &mj->md, mj->rc,
	       mj->rc ? &mj->err : NULL, mj->data);
	pep_metadata_release(&mj->md);
	free(mj);
}

static void on_metadata(const struct idx_file *file, struct pep_metadata *md,
			int rc, const struct cvl_error *err, void *data)
{
	struct md_job *mj = data;
	struct idx_client *c = mj->client;

	if (c->md_starting && !rc)
		c->progress.metadata_cached++;
	mj->rc = rc;
	if (rc) {
		mj->err = *err;
		mj->rc = as_index_error(rc, &mj->err);
	} else {
		mj->md = *md;
		*md = (struct pep_metadata)PEP_METADATA_INIT;
	}
	push_ready(c, NULL, mj);
	after_http_callback(c);
}

void idx_client_fetch_metadata(struct idx_client *c,
			       const struct idx_file *const *files, size_t n,
			       idx_metadata_fn cb, void *data)
{
	size_t i;

	for (i = 0; i < n; i++) {
		struct md_job *mj = xcalloc(1, sizeof(*mj));

		mj->client = c;
		mj->file = files[i];
		mj->cb = cb;
		mj->data = data;
		mj->md = (struct pep_metadata)PEP_METADATA_INIT;
		c->progress.metadata_total++;
		c->md_starting = true;
		idx_metadata_fetch(c->http, files[i], on_metadata, mj);
		c->md_starting = false;
	}
}

void idx_client_stop(struct idx_client *c)
{
	c->stopping = true;
	if (c->in_http)
		idx_http_cancel(c->http);
}

int idx_client_run(struct idx_client *c, struct cvl_error *err)
{
	int r = 0;

	idx_http_set_progress(c->http, c->progress_fn ? on_http_progress : NULL,
			      c, 100);
	for (;;) {
		drain_ready(c);
		if (c->deferred_head < c->ndeferred) {
			run_deferred(c);
			continue;
		}
		if (c->stopping)
			idx_http_cancel(c->http); /* what was queued before */
		c->in_http = true;
		r = idx_http_run(c->http, err);
		c->in_http = false;
		if (r)
			break;
		if (c->ready_head == c->nready && c->deferred_head == c->ndeferred)
			break;
	}
	c->stopping = false;
	report_progress(c);
	return r;
}
