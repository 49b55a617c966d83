/*
 * metadata.c - the core metadata of one artifact, as cheaply as it can be
 * had:
 *   1. the cache, keyed by the advertised metadata hash or the artifact's
 *      hash (immutable content, kept forever);
 *   2. the PEP 658/714 `<url>.metadata` file, its hash checked;
 *   3. for wheels, range requests: the last 64 KiB (end records, usually
 *      the whole central directory), the central directory when it starts
 *      earlier, then the local header and compressed bytes of
 *      *.dist-info/METADATA; a server that ignores Range sends the whole
 *      wheel, which is then read as it is (its hash checked);
 *   4. for sdists, the whole archive and its PKG-INFO, usable only when
 *      Metadata-Version >= 2.2 and Requires-Dist and Requires-Python are
 *      not dynamic (otherwise the sdist needs a build, not supported yet).
 * The parsed metadata must name the file's project and version.
 */
#include "index/internal.h"

#include <archive.h>
#include <archive_entry.h>
#include <openssl/evp.h>
#include <strings.h>

#define TAIL_SIZE 65536
/* METADATA and PKG-INFO larger than this are refused (pep_metadata_parse's cap) */
#define METADATA_MAX ((size_t)16 << 20)
#define CD_MAX ((size_t)64 << 20)
/* whole artifacts (a server without Range, an sdist) */
#define ARTIFACT_MAX ((size_t)1 << 30)
/* local header: 30 bytes, then the name and extra field; guess this much */
#define LOCAL_SLACK 1024

struct md_fetch {
	struct idx_http *h;
	const struct idx_file *file;
	idx_metadata_fn cb;
	void *data;
	char *key;                       /* cache key, or NULL */
	const struct idx_hash *md_hash;  /* advertised hash of the .metadata */
	char *base_url;                  /* the file's URL without fragment */
	uint64_t size;                   /* the wheel's size */
	struct strbuf tail;              /* its last bytes ... */
	uint64_t tail_off;               /* ... from this offset */
	struct strbuf cd;                /* the central directory, when apart */
	uint64_t cd_off, cd_size;
	uint64_t cd_fetch;               /* bytes of it asked for */
	struct idx_zip_entry entry;
	bool refetched_local;
};

static void md_fetch_free(struct md_fetch *m)
{
	free(m->key);
	free(m->base_url);
	strbuf_release(&m->tail);
	strbuf_release(&m->cd);
	free(m);
}

static void fail(struct md_fetch *m, int rc, const struct cvl_error *err)
{
	m->cb(m->file, NULL, rc, err, m->data);
	md_fetch_free(m);
}

static void failf(struct md_fetch *m, int code, const char *fmt, ...)
	CVL_PRINTF(3, 4);
static void failf(struct md_fetch *m, int code, const char *fmt, ...)
{
	struct cvl_error err = CVL_ERROR_INIT;
	va_list ap;

	va_start(ap, fmt);
	cvl_error_setv(&err, code, fmt, ap);
	va_end(ap);
	fail(m, -code, &err);
}

/* ---- hashes ------------------------------------------------------------- */

/* The strongest usable hash of a list (md5 alone is never trusted). */
static const struct idx_hash *best_hash(const struct idx_hash *hashes,
					size_t n)
{
	static const enum idx_hash_alg pref[] = {
		IDX_HASH_SHA256, IDX_HASH_SHA512, IDX_HASH_SHA384,
	};
	size_t i, j;

	for (i = 0; i < ARRAY_SIZE(pref); i++)
		for (j = 0; j < n; j++)
			if (hashes[j].alg == pref[i])
				return &hashes[j];
	return NULL;
}

/*
 * The hex digest of `data`: sha256 without libcrypto for small data
 * (util.h: metadata; whole files through it when it loads), the others
 * (rare on indexes) through it, loaded now; an error when it cannot be.
 */
static int hash_hex(enum idx_hash_alg alg, const void *data, size_t len,
		    char out[129], struct cvl_error *err)
{
	static const char hexdig[] = "0123456789abcdef";
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int n = 0, i;
	const EVP_MD *type;
	int rc;

	if (alg == IDX_HASH_SHA256) {
		/* PEP 658 metadata, or a whole wheel or sdist */
		sha256_hex_bulk(data, len, out);
		return 0;
	}
	rc = cvl_lib_load(CVL_LIB_CRYPTO, err);
	if (rc < 0)
		return rc;
	type = alg == IDX_HASH_SHA384 ? EVP_sha384()
	       : alg == IDX_HASH_SHA512 ? EVP_sha512() : EVP_md5();
	if (!type || !EVP_Digest(data, len, md, &n, type, NULL))
		return cvl_error_set(err, CVL_EINTERNAL,
				     "cannot compute a %s: libcrypto failed",
				     idx__hash_alg_name(alg));
	for (i = 0; i < n; i++) {
		out[2 * i] = hexdig[md[i] >> 4];
		out[2 * i + 1] = hexdig[md[i] & 15];
	}
	out[2 * n] = '\0';
	return 0;
}

/*
 * Check `data` against `h`; on a mismatch fill err with
 * "<what> does not match its sha256 (expected ..., got ...)".
 */
static int hash_check(const struct idx_hash *h, const void *data, size_t len,
		      const char *what, struct cvl_error *err)
{
	char got[129];
	int rc;

	if (!h)
		return 0;
	rc = hash_hex(h->alg, data, len, got, err);
	if (rc < 0)
		return rc;
	if (!strcmp(got, h->hex))
		return 0;
	return cvl_error_set(err, CVL_EHASH,
			     "%s does not match its %s (expected %s, got %s)",
			     what, idx__hash_alg_name(h->alg), h->hex, got);
}

/* ---- the end: parse, check, cache, report ------------------------------- */

/* Whether a Metadata-Version is at least 2.2 (PEP 643: reliable sdists). */
static bool metadata_version_at_least_2_2(const char *mv)
{
	struct pep_version v = PEP_VERSION_INIT, want = PEP_VERSION_INIT;
	bool ok = false;

	if (mv && !pep_version_parse(&v, mv, strlen(mv), NULL) &&
	    !pep_version_parse(&want, "2.2", 3, NULL))
		ok = pep_version_cmp(&v, &want) >= 0;
	pep_version_release(&v);
	pep_version_release(&want);
	return ok;
}

/*
 * Parse `buf` and check it describes the file's project and version;
 * sdists must also carry reliable (PEP 643) dependencies.
 */
static int parse_checked(const struct idx_file *f, const char *buf, size_t len,
			 struct pep_metadata *md, struct cvl_error *err)
{
	struct strbuf canon = STRBUF_INIT;
	struct pep_version mv = PEP_VERSION_INIT, fv = PEP_VERSION_INIT;
	struct cvl_error perr = CVL_ERROR_INIT;
	int r;

	r = pep_metadata_parse(md, buf, len, &perr);
	if (r) {
		cvl_error_set(err, -r, "invalid metadata of '%s': %s",
			      f->filename, perr.msg);
		return r;
	}
	pep_name_canonicalize(md->name, strlen(md->name), &canon);
	r = pep_version_parse(&mv, md->version, strlen(md->version), NULL);
	if (!r && f->version_str)
		r = pep_version_parse(&fv, f->version_str,
				      strlen(f->version_str), NULL);
	if (r || (f->name && strcmp(canon.buf, f->name)) ||
	    (f->version_str && pep_version_cmp(&mv, &fv))) {
		r = cvl_error_set(err, CVL_EINVAL,
				  "metadata of '%s' is for '%s' %s, expected '%s' %s",
				  f->filename, md->name, md->version,
				  f->name ? f->name : "?",
				  f->version_str ? f->version_str : "?");
	} else if (f->kind == IDX_FILE_SDIST &&
		   (!metadata_version_at_least_2_2(md->metadata_version) ||
		    pep_metadata_is_dynamic(md, "Requires-Dist") ||
		    pep_metadata_is_dynamic(md, "Requires-Python"))) {
		r = cvl_error_set(err, CVL_EUNSUPPORTED,
				  "sdist '%s' needs a build to know its dependencies (building sdists is not supported yet)",
				  f->filename);
		if (!metadata_version_at_least_2_2(md->metadata_version))
			cvl_error_hint(err,
				       "its PKG-INFO has Metadata-Version %s; static dependencies need 2.2 or later",
				       md->metadata_version);
		else
			cvl_error_hint(err, "its PKG-INFO lists %s as dynamic",
				       pep_metadata_is_dynamic(md, "Requires-Dist")
					       ? "Requires-Dist"
					       : "Requires-Python");
	}
	strbuf_release(&canon);
	pep_version_release(&mv);
	pep_version_release(&fv);
	if (r) {
		pep_metadata_release(md);
		*md = (struct pep_metadata)PEP_METADATA_INIT;
	}
	return r;
}

/* Report metadata found on the network, caching it when it checks out. */
static void finish(struct md_fetch *m, const char *buf, size_t len)
{
	struct pep_metadata md = PEP_METADATA_INIT;
	struct cvl_error err = CVL_ERROR_INIT;
	int r;

	r = parse_checked(m->file, buf, len, &md, &err);
	if (r) {
		fail(m, r, &err);
		return;
	}
	if (m->key) {
		struct cvl_error cerr = CVL_ERROR_INIT;

		/* a cache that cannot be written only costs the next run */
		if (idx_cache_put(idx_http_cache(m->h), m->key, buf, len, &cerr))
			cvl_error_clear(&cerr);
	}
	m->cb(m->file, &md, 0, NULL, m->data);
	pep_metadata_release(&md);
	md_fetch_free(m);
}

/* The URL for messages. */
static void shown_url(const char *url, struct strbuf *out)
{
	url_redact(url, out);
}

static void submit(struct md_fetch *m, const char *url, int64_t start,
		   int64_t end, size_t max_size, enum idx_cache_policy cache,
		   idx_http_done_fn done)
{
	struct idx_request req;

	idx_request_init(&req, url);
	req.range_start = start;
	req.range_end = end;
	req.max_size = max_size;
	req.cache = cache;
	idx_http_submit(m->h, &req, done, m);
}

/* ---- wheels: a whole zip in memory -------------------------------------- */

static uint16_t le16(const unsigned char *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

/* Bytes from a local header to the end of its compressed data; 0 if unknown. */
static uint64_t local_need(const struct idx_zip_entry *e,
			   const unsigned char *p, size_t len)
{
	if (len < 30)
		return 0;
	return 30 + (uint64_t)le16(p + 26) + le16(p + 28) + e->compressed_size;
}

static int extract(struct md_fetch *m, const unsigned char *data, size_t len,
		   struct strbuf *out, struct cvl_error *err)
{
	struct cvl_error zerr = CVL_ERROR_INIT;
	int r;

	out->limit = METADATA_MAX;
	r = idx_zip_extract(&m->entry, data, len, out, &zerr);
	if (r)
		cvl_error_set(err, -r, "cannot read the METADATA of '%s': %s",
			      m->file->filename, zerr.msg);
	return r;
}

static int find_metadata(struct md_fetch *m, const unsigned char *cd,
			 size_t len, struct cvl_error *err)
{
	struct cvl_error zerr = CVL_ERROR_INIT;
	int r;

	r = idx_zip_find_metadata(cd, len, &m->entry, &zerr);
	if (r)
		return cvl_error_set(err, -r, "cannot read wheel '%s': %s",
				     m->file->filename, zerr.msg);
	if (m->entry.compressed_size > METADATA_MAX ||
	    m->entry.uncompressed_size > METADATA_MAX)
		return cvl_error_set(err, CVL_ETOOBIG,
				     "the METADATA of '%s' is larger than %zu bytes",
				     m->file->filename, METADATA_MAX);
	return 0;
}

/* The whole wheel came (a server without Range, or file://). */
static void whole_wheel(struct md_fetch *m, const struct strbuf *body)
{
	const unsigned char *z = (const unsigned char *)body->buf;
	struct strbuf out = STRBUF_INIT;
	struct cvl_error err = CVL_ERROR_INIT, zerr = CVL_ERROR_INIT;
	struct strbuf what = STRBUF_INIT;
	uint64_t cd_off, cd_size;
	int r;

	strbuf_addf(&what, "'%s'", m->file->filename);
	r = hash_check(best_hash(m->file->hashes, m->file->nhashes), body->buf,
		       body->len, what.buf, &err);
	strbuf_release(&what);
	if (!r) {
		r = idx_zip_find_cd(z, body->len, body->len, &cd_off, &cd_size,
				    &zerr);
		if (r)
			cvl_error_set(&err, -r, "cannot read wheel '%s': %s",
				      m->file->filename, zerr.msg);
	}
	if (!r)
		r = find_metadata(m, z + cd_off, (size_t)cd_size, &err);
	if (!r && m->entry.local_header_offset >= body->len)
		r = cvl_error_set(&err, CVL_EINVAL,
				  "cannot read wheel '%s': METADATA starts past the end",
				  m->file->filename);
	if (!r)
		r = extract(m, z + m->entry.local_header_offset,
			    body->len - (size_t)m->entry.local_header_offset,
			    &out, &err);
	if (r)
		fail(m, r, &err);
	else
		finish(m, out.buf, out.len);
	strbuf_release(&out);
}

/* ---- wheels: range requests ----------------------------------------------- */

static void fetch_local(struct md_fetch *m, uint64_t len);

static void on_whole_wheel(const struct idx_request *req,
			   struct idx_response *resp, int rc,
			   const struct cvl_error *err, void *data)
{
	struct md_fetch *m = data;

	if (rc)
		fail(m, rc, err);
	else
		whole_wheel(m, &resp->body);
}

static void fetch_whole_wheel(struct md_fetch *m)
{
	submit(m, m->base_url, -1, -1, ARTIFACT_MAX, IDX_CACHE_NONE,
	       on_whole_wheel);
}

static void on_local(const struct idx_request *req, struct idx_response *resp,
		     int rc, const struct cvl_error *err, void *data)
{
	struct md_fetch *m = data;
	const unsigned char *p = (const unsigned char *)resp->body.buf;
	struct strbuf out = STRBUF_INIT;
	struct cvl_error xerr = CVL_ERROR_INIT;
	uint64_t need;

	if (rc) {
		fail(m, rc, err);
		return;
	}
	if (!resp->range_honoured) {
		whole_wheel(m, &resp->body);
		return;
	}
	need = local_need(&m->entry, p, resp->body.len);
	if (!need || need > resp->body.len) {
		/* a long extra field: ask again for exactly what is needed */
		if (need && !m->refetched_local) {
			m->refetched_local = true;
			fetch_local(m, need);
			return;
		}
		failf(m, CVL_EINVAL,
		      "cannot read wheel '%s': short range response for METADATA",
		      m->file->filename);
		return;
	}
	rc = extract(m, p, resp->body.len, &out, &xerr);
	if (rc)
		fail(m, rc, &xerr);
	else
		finish(m, out.buf, out.len);
	strbuf_release(&out);
}

static void fetch_local(struct md_fetch *m, uint64_t len)
{
	uint64_t start = m->entry.local_header_offset;
	uint64_t end = start + len - 1;

	if (end >= m->size)
		end = m->size - 1;
	submit(m, m->base_url, (int64_t)start, (int64_t)end,
	       (size_t)(end - start + 1), IDX_CACHE_NONE, on_local);
}

/* The central directory is known: find METADATA and read it. */
static void have_cd(struct md_fetch *m, const unsigned char *cd, size_t len)
{
	struct cvl_error err = CVL_ERROR_INIT;
	uint64_t lho, need;
	int r;

	r = find_metadata(m, cd, len, &err);
	if (r) {
		fail(m, r, &err);
		return;
	}
	lho = m->entry.local_header_offset;
	if (lho >= m->tail_off && lho < m->size) {
		const unsigned char *p = (const unsigned char *)m->tail.buf +
					 (lho - m->tail_off);
		size_t avail = m->tail.len - (size_t)(lho - m->tail_off);
		struct strbuf out = STRBUF_INIT;

		need = local_need(&m->entry, p, avail);
		if (need && need <= avail) {
			r = extract(m, p, avail, &out, &err);
			if (r)
				fail(m, r, &err);
			else
				finish(m, out.buf, out.len);
			strbuf_release(&out);
			return;
		}
	}
	if (lho >= m->size) {
		failf(m, CVL_EINVAL,
		      "cannot read wheel '%s': METADATA starts past the end",
		      m->file->filename);
		return;
	}
	fetch_local(m, 30 + m->entry.compressed_size + LOCAL_SLACK);
}

static void on_cd(const struct idx_request *req, struct idx_response *resp,
		  int rc, const struct cvl_error *err, void *data)
{
	struct md_fetch *m = data;

	if (rc) {
		fail(m, rc, err);
		return;
	}
	if (!resp->range_honoured) {
		whole_wheel(m, &resp->body);
		return;
	}
	if (resp->body.len != m->cd_fetch) {
		failf(m, CVL_EINVAL,
		      "cannot read wheel '%s': short range response for its central directory",
		      m->file->filename);
		return;
	}
	/* the part before the tail, then the part inside it */
	strbuf_reset(&m->cd);
	strbuf_add(&m->cd, resp->body.buf, resp->body.len);
	if (m->cd_fetch < m->cd_size)
		strbuf_add(&m->cd, m->tail.buf,
			   (size_t)(m->cd_size - m->cd_fetch));
	have_cd(m, (const unsigned char *)m->cd.buf, m->cd.len);
}

static void on_tail(const struct idx_request *req, struct idx_response *resp,
		    int rc, const struct cvl_error *err, void *data)
{
	struct md_fetch *m = data;
	struct cvl_error zerr = CVL_ERROR_INIT;
	uint64_t cd_off, cd_size;

	if (rc) {
		fail(m, rc, err);
		return;
	}
	if (!resp->range_honoured) {
		whole_wheel(m, &resp->body);
		return;
	}
	if (!resp->total_size || resp->total_size < resp->body.len) {
		/* no usable Content-Range: read the whole wheel instead */
		fetch_whole_wheel(m);
		return;
	}
	m->size = resp->total_size;
	m->tail_off = m->size - resp->body.len;
	strbuf_reset(&m->tail);
	strbuf_add(&m->tail, resp->body.buf, resp->body.len);
	rc = idx_zip_find_cd((const unsigned char *)m->tail.buf, m->tail.len,
			     m->size, &cd_off, &cd_size, &zerr);
	if (rc) {
		failf(m, -rc, "cannot read wheel '%s': %s", m->file->filename,
		      zerr.msg);
		return;
	}
	if (cd_off >= m->tail_off && cd_off - m->tail_off + cd_size <= m->tail.len) {
		have_cd(m, (const unsigned char *)m->tail.buf +
				   (cd_off - m->tail_off),
			(size_t)cd_size);
		return;
	}
	if (cd_size > CD_MAX) {
		failf(m, CVL_ETOOBIG,
		      "cannot read wheel '%s': its central directory is larger than %zu bytes",
		      m->file->filename, CD_MAX);
		return;
	}
	if (!cd_size) {
		have_cd(m, (const unsigned char *)"", 0);
		return;
	}
	if (cd_off + cd_size > m->size) {
		failf(m, CVL_EINVAL,
		      "cannot read wheel '%s': its central directory ends past the end",
		      m->file->filename);
		return;
	}
	/* only the part of the central directory that the tail lacks */
	m->cd_off = cd_off;
	m->cd_size = cd_size;
	m->cd_fetch = cd_off + cd_size > m->tail_off ? m->tail_off - cd_off
						      : cd_size;
	submit(m, m->base_url, (int64_t)cd_off,
	       (int64_t)(cd_off + m->cd_fetch - 1), (size_t)m->cd_fetch,
	       IDX_CACHE_NONE, on_cd);
}

static void fetch_wheel(struct md_fetch *m)
{
	submit(m, m->base_url, -1, TAIL_SIZE, ARTIFACT_MAX, IDX_CACHE_NONE,
	       on_tail);
}

/* ---- sdists ------------------------------------------------------------- */

/* "<top>/PKG-INFO" (one top-level directory, "./" allowed in front). */
static bool is_top_pkg_info(const char *path)
{
	const char *slash;

	if (!path)
		return false;
	if (path[0] == '.' && path[1] == '/')
		path += 2;
	slash = strchr(path, '/');
	return slash && slash != path && !strcmp(slash + 1, "PKG-INFO");
}

static int read_pkg_info(const struct idx_file *f, const struct strbuf *body,
			 struct strbuf *out, struct cvl_error *err)
{
	struct archive *a = archive_read_new();
	struct archive_entry *e;
	int r = 1, ar;

	archive_read_support_filter_all(a);
	archive_read_support_format_tar(a);
	archive_read_support_format_gnutar(a);
	archive_read_support_format_zip(a);
	if (archive_read_open_memory(a, body->buf, body->len) != ARCHIVE_OK) {
		r = cvl_error_set(err, CVL_EINVAL, "cannot read sdist '%s': %s",
				  f->filename, archive_error_string(a));
		goto out;
	}
	for (;;) {
		ar = archive_read_next_header(a, &e);
		if (ar == ARCHIVE_EOF)
			break;
		if (ar != ARCHIVE_OK && ar != ARCHIVE_WARN) {
			r = cvl_error_set(err, CVL_EINVAL,
					  "cannot read sdist '%s': %s",
					  f->filename, archive_error_string(a));
			goto out;
		}
		if (!is_top_pkg_info(archive_entry_pathname(e)))
			continue;
		for (;;) {
			char buf[16384];
			la_ssize_t n = archive_read_data(a, buf, sizeof(buf));

			if (n == 0)
				break;
			if (n < 0) {
				r = cvl_error_set(err, CVL_EINVAL,
						  "cannot read sdist '%s': %s",
						  f->filename,
						  archive_error_string(a));
				goto out;
			}
			if (strbuf_add_checked(out, buf, (size_t)n)) {
				r = cvl_error_set(err, CVL_ETOOBIG,
						  "the PKG-INFO of '%s' is larger than %zu bytes",
						  f->filename, METADATA_MAX);
				goto out;
			}
		}
		r = 0;
		goto out;
	}
	r = cvl_error_set(err, CVL_EINVAL, "sdist '%s' has no PKG-INFO",
			  f->filename);
out:
	archive_read_free(a);
	return r;
}

static void on_sdist(const struct idx_request *req, struct idx_response *resp,
		     int rc, const struct cvl_error *err, void *data)
{
	struct md_fetch *m = data;
	struct strbuf out = STRBUF_INIT;
	struct cvl_error xerr = CVL_ERROR_INIT;
	struct strbuf what = STRBUF_INIT;

	if (rc) {
		fail(m, rc, err);
		return;
	}
	out.limit = METADATA_MAX;
	strbuf_addf(&what, "'%s'", m->file->filename);
	rc = hash_check(best_hash(m->file->hashes, m->file->nhashes),
			resp->body.buf, resp->body.len, what.buf, &xerr);
	strbuf_release(&what);
	if (!rc)
		rc = read_pkg_info(m->file, &resp->body, &out, &xerr);
	if (rc)
		fail(m, rc, &xerr);
	else
		finish(m, out.buf, out.len);
	strbuf_release(&out);
}

/* ---- PEP 658 ----------------------------------------------------------- */

static void start_artifact(struct md_fetch *m);

static void on_pep658(const struct idx_request *req, struct idx_response *resp,
		      int rc, const struct cvl_error *err, void *data)
{
	struct md_fetch *m = data;
	struct strbuf what = STRBUF_INIT;
	struct cvl_error herr = CVL_ERROR_INIT;

	if (rc == -CVL_ENOTFOUND) {
		/* advertised but missing: read the artifact instead */
		start_artifact(m);
		return;
	}
	if (rc) {
		fail(m, rc, err);
		return;
	}
	if (!m->key) {
		/* cached by HTTP rules: only what checks out may stay */
		struct pep_metadata md = PEP_METADATA_INIT;

		rc = parse_checked(m->file, resp->body.buf, resp->body.len,
				   &md, &herr);
		pep_metadata_release(&md);
		if (rc) {
			resp->no_store = true;
			fail(m, rc, &herr);
			return;
		}
	}
	strbuf_addf(&what, "metadata of '%s'", m->file->filename);
	rc = hash_check(m->md_hash, resp->body.buf, resp->body.len, what.buf,
			&herr);
	strbuf_release(&what);
	if (rc) {
		struct strbuf u = STRBUF_INIT;

		shown_url(req->url, &u);
		cvl_error_hint(&herr, "from '%s'", u.buf);
		strbuf_release(&u);
		fail(m, rc, &herr);
		return;
	}
	finish(m, resp->body.buf, resp->body.len);
}

static void start_artifact(struct md_fetch *m)
{
	switch (m->file->kind) {
	case IDX_FILE_WHEEL:
		/*
		 * A local wheel costs nothing to read whole, and then its
		 * hash can be checked too.
		 */
		if (!strncasecmp(m->base_url, "file:", 5))
			fetch_whole_wheel(m);
		else
			fetch_wheel(m);
		break;
	case IDX_FILE_SDIST:
		submit(m, m->base_url, -1, -1, ARTIFACT_MAX, IDX_CACHE_NONE,
		       on_sdist);
		break;
	case IDX_FILE_OTHER:
		failf(m, CVL_EUNSUPPORTED,
		      "cannot read the metadata of '%s': not a wheel or an sdist",
		      m->file->filename);
		break;
	}
}

/* ---- entry point --------------------------------------------------------- */

/*
 * The cache key: the metadata file's own hash when advertised (content
 * addressed, so wheels of one release that share METADATA share the
 * entry), else the artifact's hash; none when neither is known.
 */
static char *cache_key(const struct idx_file *f, const struct idx_hash *mdh)
{
	struct strbuf sb = STRBUF_INIT;
	const struct idx_hash *fh;

	if (mdh) {
		strbuf_addf(&sb, "metadata:%s:%s", idx__hash_alg_name(mdh->alg),
			    mdh->hex);
		return strbuf_detach(&sb, NULL);
	}
	fh = best_hash(f->hashes, f->nhashes);
	if (!fh)
		return NULL;
	strbuf_addf(&sb, "artifact-metadata:%s:%s", idx__hash_alg_name(fh->alg),
		    fh->hex);
	return strbuf_detach(&sb, NULL);
}

/* Metadata from the cache, if it is there and still checks out. */
static bool from_cache(struct md_fetch *m)
{
	struct strbuf buf = STRBUF_INIT;
	struct pep_metadata md = PEP_METADATA_INIT;
	struct cvl_error err = CVL_ERROR_INIT;
	bool hit = false;

	if (!m->key || idx_cache_get(idx_http_cache(m->h), m->key, &buf, &err) != 1)
		goto out;
	if (m->md_hash && hash_check(m->md_hash, buf.buf, buf.len, "", &err))
		goto out;
	if (parse_checked(m->file, buf.buf, buf.len, &md, &err))
		goto out;
	hit = true;
	m->cb(m->file, &md, 0, NULL, m->data);
	pep_metadata_release(&md);
out:
	strbuf_release(&buf);
	return hit;
}

void idx_metadata_fetch(struct idx_http *h, const struct idx_file *file,
			idx_metadata_fn cb, void *data)
{
	struct md_fetch *m = xcalloc(1, sizeof(*m));
	struct strbuf sb = STRBUF_INIT;

	m->h = h;
	m->file = file;
	m->cb = cb;
	m->data = data;
	strbuf_init(&m->tail, 0);
	strbuf_init(&m->cd, 0);
	if (file->has_metadata)
		m->md_hash = best_hash(file->metadata_hashes,
				       file->nmetadata_hashes);
	m->key = cache_key(file, m->md_hash);
	url_strip_fragment(file->url, &sb);
	m->base_url = strbuf_detach(&sb, NULL);
	if (from_cache(m)) {
		md_fetch_free(m);
		return;
	}
	if (file->has_metadata) {
		strbuf_addf(&sb, "%s.metadata", m->base_url);
		/*
		 * With a hash we cache the checked content ourselves; without
		 * one, let HTTP caching rules decide.
		 */
		submit(m, sb.buf, -1, -1, METADATA_MAX,
		       m->key ? IDX_CACHE_NONE : IDX_CACHE_HTTP, on_pep658);
		strbuf_release(&sb);
		return;
	}
	start_artifact(m);
}
