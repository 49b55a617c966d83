/*
 * direct.c - direct URL wheel requirements for cvlock resolve (see
 * direct.h).
 */
#include "config.h"
#include "cli/direct.h"

#include <limits.h>
#include <stdlib.h>
#include <strings.h>

#define WHEEL_MAX ((size_t)1 << 30)
#define TAIL_SIZE ((size_t)65536)

bool cvl_direct_is_wheel_url(const char *url)
{
	size_t n = strcspn(url, "?#");

	return n >= 4 && !strncasecmp(url + n - 4, ".whl", 4);
}

const struct cvl_direct *cvl_direct_find(const struct cvl_directs *d,
					 const char *name)
{
	size_t i;

	for (i = 0; d && i < d->nr; i++)
		if (!strcmp(d->v[i].name, name))
			return &d->v[i];
	return NULL;
}

void cvl_directs_release(struct cvl_directs *d)
{
	size_t i;

	for (i = 0; i < d->nr; i++) {
		struct cvl_direct *x = &d->v[i];

		free(x->name);
		free(x->text);
		free(x->url);
		free(x->path);
		free(x->filename);
		free(x->version);
		pep_metadata_release(&x->md);
	}
	free(d->v);
	memset(d, 0, sizeof(*d));
}

/* ---- fetching ------------------------------------------------------------ */

struct fetch {
	struct strbuf body;
	int rc;
	struct cvl_error err;
};

static void on_done(const struct idx_request *req, struct idx_response *resp,
		    int rc, const struct cvl_error *err, void *data)
{
	struct fetch *f = data;

	(void)req;
	f->rc = rc;
	if (rc) {
		f->err = *err;
		return;
	}
	strbuf_release(&f->body);
	f->body = resp->body;
	strbuf_init(&resp->body, 0);
}

static int fetch_url(const char *url, const struct idx_http_opts *http,
		     struct strbuf *out, struct cvl_error *err)
{
	struct idx_http *h = NULL;
	struct idx_request req;
	struct fetch f;
	int r;

	strbuf_init(&f.body, 0);
	f.rc = 0;
	memset(&f.err, 0, sizeof(f.err));
	r = idx_http_new(&h, http, err);
	if (r < 0)
		return r;
	idx_request_init(&req, url);
	req.cache = IDX_CACHE_FOREVER; /* keyed by the URL */
	req.max_size = WHEEL_MAX;
	idx_http_submit(h, &req, on_done, &f);
	r = idx_http_run(h, err);
	idx_http_free(h);
	if (!r && f.rc) {
		*err = f.err;
		r = f.rc;
	}
	if (!r) {
		strbuf_release(out);
		*out = f.body;
	} else {
		strbuf_release(&f.body);
	}
	return r;
}

/* METADATA out of the wheel's bytes. */
static int wheel_metadata(const char *filename, const struct strbuf *data,
			  struct strbuf *out, struct cvl_error *err)
{
	const unsigned char *b = (const unsigned char *)data->buf;
	size_t tail = data->len < TAIL_SIZE ? data->len : TAIL_SIZE;
	uint64_t cd_off, cd_size;
	struct idx_zip_entry e;
	int r;

	r = idx_zip_find_cd(b + data->len - tail, tail, data->len, &cd_off,
			    &cd_size, err);
	if (!r && (cd_off > data->len || cd_size > data->len - cd_off))
		r = cvl_error_set(err, CVL_EINVAL,
				  "the central directory is out of the file");
	if (!r)
		r = idx_zip_find_metadata(b + cd_off, (size_t)cd_size, &e, err);
	if (!r && e.local_header_offset >= data->len)
		r = cvl_error_set(err, CVL_EINVAL,
				  "METADATA is out of the file");
	if (!r)
		r = idx_zip_extract(&e, b + e.local_header_offset,
				    data->len - (size_t)e.local_header_offset,
				    out, err);
	if (r < 0) {
		struct cvl_error inner = *err;

		return cvl_error_set(err, CVL_EINVAL,
				     "cannot read the metadata of '%s': %s",
				     filename, inner.msg);
	}
	return 0;
}

/* The URL to fetch (fragment removed; a path made a file:// URL). */
static int fetch_url_of(const struct pep_input_req *q, struct strbuf *url,
			char **path, struct cvl_error *err)
{
	const char *u = q->req.url;
	size_t n = strcspn(u, "#");

	*path = NULL;
	if (!strstr(u, "://") && strncmp(u, "file:", 5)) {
		struct strbuf p = STRBUF_INIT;
		char *real;

		/* a relative path: from the requirements file's directory */
		if (u[0] != '/' && q->file) {
			path_dirname(q->file, &p);
			strbuf_addch(&p, '/');
		}
		while (n > 2 && u[0] == '.' && u[1] == '/') {
			u += 2;
			n -= 2;
		}
		strbuf_add(&p, u, n);
		real = realpath(p.buf, NULL);
		if (!real) {
			int r = cvl_error_set(err, CVL_EIO,
					      "cannot read '%s': %s", p.buf,
					      strerror(errno));

			strbuf_release(&p);
			return r;
		}
		strbuf_release(&p);
		strbuf_addf(url, "file://%s", real);
		*path = real;
		return 0;
	}
	strbuf_add(url, u, n);
	if (!strncmp(u, "file:", 5)) {
		struct strbuf p = STRBUF_INIT;
		int r = url_to_path(url->buf, &p, err);

		if (r < 0) {
			strbuf_release(&p);
			return r;
		}
		*path = realpath(p.buf, NULL);
		if (!*path)
			*path = strbuf_detach(&p, NULL);
		strbuf_release(&p);
	}
	return 0;
}

static const char *expected_sha256(const char *url)
{
	const char *frag = strchr(url, '#');

	if (!frag)
		return NULL;
	frag = strstr(frag, "sha256=");
	return frag ? frag + 7 : NULL;
}

static bool tags_compatible(const struct pep_wheelname *w,
			    const struct strvec *tags)
{
	size_t i, k;

	for (i = 0; i < w->tags.nr; i++)
		for (k = 0; k < tags->nr; k++)
			if (!strcmp(w->tags.v[i], tags->v[k]))
				return true;
	return false;
}

static int add_one(struct cvl_direct *x, const struct pep_input_req *q,
		   const struct strvec *tags, const struct idx_http_opts *http,
		   struct cvl_error *err)
{
	struct strbuf url = STRBUF_INIT, data = STRBUF_INIT, md = STRBUF_INIT,
		      canon = STRBUF_INIT, ver = STRBUF_INIT;
	struct pep_wheelname w = PEP_WHEELNAME_INIT;
	const char *want, *base;
	size_t blen;
	int r;

	r = fetch_url_of(q, &url, &x->path, err);
	if (r < 0)
		goto out;
	blen = strcspn(url.buf, "?");
	base = url.buf + blen;
	while (base > url.buf && base[-1] != '/')
		base--;
	x->filename = xmemdup0(base, (size_t)(url.buf + blen - base));
	r = pep_wheelname_parse(&w, x->filename, strlen(x->filename), false,
				err);
	if (r < 0)
		goto out;
	if (strcmp(w.name, x->name)) {
		r = cvl_error_set(err, CVL_EINVAL,
				  "direct reference '%s' names a wheel of '%s', not '%s'",
				  q->text, w.name, x->name);
		goto out;
	}
	if (!tags_compatible(&w, tags)) {
		r = cvl_error_set(err, CVL_EINVAL,
				  "wheel '%s' of direct reference '%s' is not compatible with the target environment",
				  x->filename, q->text);
		cvl_error_hint(err, "see 'cvlock tags' for the tags the target accepts");
		goto out;
	}
	pep_version_format(&w.version, &ver);
	x->version = strbuf_detach(&ver, NULL);
	x->url = strbuf_detach(&url, NULL);
	r = fetch_url(x->url, http, &data, err);
	if (r < 0)
		goto out;
	sha256_hex_bulk(data.buf, data.len, x->sha256);
	x->size = data.len;
	want = expected_sha256(q->req.url);
	if (want && strcasecmp(want, x->sha256)) {
		r = cvl_error_set(err, CVL_EHASH,
				  "hash mismatch for '%s': expected sha256 %s, got %s",
				  x->filename, want, x->sha256);
		goto out;
	}
	r = wheel_metadata(x->filename, &data, &md, err);
	if (!r)
		r = pep_metadata_parse(&x->md, md.buf, md.len, err);
	if (r < 0)
		goto out;
	pep_name_canonicalize(x->md.name, strlen(x->md.name), &canon);
	if (strcmp(canon.buf, x->name))
		r = cvl_error_set(err, CVL_EINVAL,
				  "the metadata of '%s' names '%s', not '%s'",
				  x->filename, x->md.name, x->name);
out:
	if (r < 0) {
		if (q->file)
			cvl_error_file(err, q->file);
		if (q->line)
			cvl_error_at(err, q->line, q->column);
	}
	pep_wheelname_release(&w);
	strbuf_release(&url);
	strbuf_release(&data);
	strbuf_release(&md);
	strbuf_release(&canon);
	return r;
}

int cvl_direct_add(struct cvl_directs *d, const struct pep_input_req *q,
		   const struct strvec *tags, const struct idx_http_opts *http,
		   struct cvl_error *err)
{
	struct strbuf canon = STRBUF_INIT;
	const struct cvl_direct *old;
	struct cvl_direct *x;
	int r;

	pep_name_canonicalize(q->req.name, strlen(q->req.name), &canon);
	old = cvl_direct_find(d, canon.buf);
	if (old) {
		struct strbuf url = STRBUF_INIT;
		char *path = NULL;

		/* the same file again (another spelling): nothing to do */
		r = fetch_url_of(q, &url, &path, err);
		if (!r && strcmp(old->url, url.buf))
			r = cvl_error_set(err, CVL_EINVAL,
					  "'%s' has two direct references: '%s' and '%s'",
					  canon.buf, old->text, q->text);
		if (r < 0) {
			if (q->file)
				cvl_error_file(err, q->file);
			if (q->line)
				cvl_error_at(err, q->line, q->column);
		}
		free(path);
		strbuf_release(&url);
		strbuf_release(&canon);
		return r;
	}
	ALLOC_GROW(d->v, d->nr + 1, d->alloc);
	x = &d->v[d->nr];
	memset(x, 0, sizeof(*x));
	x->md = (struct pep_metadata)PEP_METADATA_INIT;
	x->name = strbuf_detach(&canon, NULL);
	x->text = xstrdup(q->text);
	d->nr++;
	r = add_one(x, q, tags, http, err);
	return r;
}

/* ---- the candidate source -------------------------------------------- */

struct dsrc {
	struct res_source src;
	struct res_source *inner;
	const struct cvl_directs *d;
};

static int dsrc_list(struct res_source *src, struct res_package **pkgs,
		     size_t n, struct cvl_error *err)
{
	struct dsrc *s = src->data;
	struct res_package **rest = xcalloc(n + 1, sizeof(*rest));
	size_t i, nrest = 0;
	bool stop = false;
	int r = 0;

	for (i = 0; i < n && !stop; i++) {
		const struct cvl_direct *x = cvl_direct_find(s->d,
							     pkgs[i]->name);
		struct res_candidate *c;

		if (!x) {
			rest[nrest++] = pkgs[i];
			continue;
		}
		c = res_package_add(pkgs[i], x->version, strlen(x->version));
		/* --exclude-newer is about index files: no upload time */
		c->upload_time = 0;
		c->has_wheel = true;
		c->opaque = (void *)x;
		if (x->md.requires_python && *x->md.requires_python)
			c->requires_python = xstrdup(x->md.requires_python);
		pkgs[i]->listed = true;
		pkgs[i]->exists = true;
		/* stopped: the rest, and those set aside, stay unlisted */
		stop = src->on_listed &&
		       src->on_listed(pkgs[i], src->on_listed_data);
	}
	if (nrest && !stop) {
		s->inner->on_listed = src->on_listed;
		s->inner->on_listed_data = src->on_listed_data;
		r = s->inner->ops->list_versions(s->inner, rest, nrest, err);
		s->inner->on_listed = NULL;
		s->inner->on_listed_data = NULL;
	}
	free(rest);
	return r;
}

static int dsrc_load(struct res_source *src, struct res_candidate **cands,
		     size_t n, struct cvl_error *err)
{
	struct dsrc *s = src->data;
	struct res_candidate **rest = xcalloc(n + 1, sizeof(*rest));
	size_t i, k, nrest = 0;
	int r = 0;

	for (i = 0; i < n; i++) {
		const struct cvl_direct *x = cvl_direct_find(s->d,
							     cands[i]->name);
		struct res_candidate *c = cands[i];

		if (!x) {
			rest[nrest++] = c;
			continue;
		}
		for (k = 0; k < x->md.requires_dist.nr; k++) {
			const char *rd = x->md.requires_dist.v[k];

			r = res_candidate_add_requirement(c, rd, strlen(rd),
							  err);
			if (r < 0)
				break;
		}
		if (r < 0)
			break;
		for (k = 0; k < x->md.provides_extra.nr; k++)
			strvec_push(&c->provides_extra,
				    x->md.provides_extra.v[k]);
		c->loaded = true;
	}
	if (!r && nrest)
		r = s->inner->ops->load_metadata(s->inner, rest, nrest, err);
	free(rest);
	return r;
}

static void dsrc_free(struct res_source *src)
{
	struct dsrc *s = src->data;

	res_source_free(s->inner);
	free(s);
}

static const struct res_source_ops dsrc_ops = {
	dsrc_list,
	dsrc_load,
	dsrc_free,
};

struct res_source *cvl_direct_source(struct res_source *inner,
				     const struct cvl_directs *d)
{
	struct dsrc *s = xcalloc(1, sizeof(*s));

	s->src.ops = &dsrc_ops;
	s->src.data = s;
	s->inner = inner;
	s->d = d;
	return &s->src;
}

struct res_source *cvl_direct_inner(struct res_source *src)
{
	if (src && src->ops == &dsrc_ops)
		return ((struct dsrc *)src->data)->inner;
	return src;
}
