/*
 * download.c - wheels into the cache, keyed by their sha256 (sync.h,
 * "Downloads").
 *
 * Every wheel is one request of index/'s transport (parallel, retries,
 * netrc, file:// for local paths), with the body bounded by the lock's
 * size.  The body goes to a temporary file next to its place in the
 * cache as it arrives (the transport's sink; hashed on the way, started
 * again on a retry), and is renamed into place only once its size and
 * sha256 are the lock's: the cache never holds a file that the lock's
 * hash did not vouch for; a failed download removes its file, and a
 * killed one leaves at most a temporary file (removed by cvlock cache
 * prune).  A wheel larger than the lock's size (else WHEEL_MAX) is
 * refused as it arrives.
 *
 * With opts.unpack, worker threads unpack each wheel (sync_unpack_cached)
 * as soon as it is stored, while the others still download: the event
 * loop stays on the calling thread, the workers only read the stored
 * wheel and write the cache's unpacked tree (made in a temporary
 * directory and renamed, as always); sync_download returns once they are
 * all done.  A tree this process unpacked is not checked again by a
 * later sync_unpack_cached of the same process (it was checked as it
 * was written, seconds ago).
 */
#include "config.h"
#include "sync/sync.h"
#include "sync/internal.h"
#include "index/index.h"

#include <dirent.h>
#include <fcntl.h>
#include <pthread.h>
#include <time.h>
#include <openssl/evp.h>
#include <sys/stat.h>
#include <unistd.h>

/* A wheel without a size in the lock may be this large. */
#define WHEEL_MAX ((size_t)1 << 30)
/* A RECORD larger than this is damaged. */
#define RECORD_MAX ((size_t)64 << 20)

void sync_fetch_release(struct sync_fetch *f)
{
	free(f->wheel);
	f->wheel = NULL;
	free(f->unpacked);
	f->unpacked = NULL;
}

static void cache_path(const char *cache_dir, const char *kind,
		       const char *sha256, const char *suffix,
		       struct strbuf *out)
{
	strbuf_addf(out, "%s/%s/%.2s/%s%s", cache_dir, kind, sha256, sha256,
		    suffix);
}

void sync_cache_wheel_path(const char *cache_dir, const char *sha256,
			   struct strbuf *out)
{
	cache_path(cache_dir, "wheels-v1", sha256, ".whl", out);
}

void sync_cache_unpacked_path(const char *cache_dir, const char *sha256,
			      struct strbuf *out)
{
	cache_path(cache_dir, "unpacked-v1", sha256, "", out);
}

/* mkdir -p of the directory part of `path`. */
static int make_parents(const char *path, struct cvl_error *err)
{
	struct strbuf dir = STRBUF_INIT;
	char *p;
	int rc = 0;

	strbuf_addstr(&dir, path);
	p = strrchr(dir.buf, '/');
	if (!p || p == dir.buf)
		goto out;
	*p = '\0';
	for (p = dir.buf + 1; ; p++) {
		char c = *p;

		if (c != '/' && c != '\0')
			continue;
		*p = '\0';
		if (mkdir(dir.buf, 0777) < 0 && errno != EEXIST) {
			rc = cvl_error_set(err, CVL_EIO,
					   "cannot create directory '%s': %s",
					   dir.buf, strerror(errno));
			goto out;
		}
		*p = c;
		if (!c)
			break;
	}
out:
	strbuf_release(&dir);
	return rc;
}

static bool valid_sha256(const char *s)
{
	size_t i;

	for (i = 0; i < 64; i++)
		if (!((s[i] >= '0' && s[i] <= '9') ||
		      (s[i] >= 'a' && s[i] <= 'f')))
			return false;
	return s[64] == '\0';
}

/* ---- unpacking while downloading ----------------------------------------- */

struct unpack_pool {
	pthread_mutex_t lock;
	pthread_cond_t more;
	const char *cache_dir;
	struct sync_fetch **queue; /* first in, first out */
	size_t head, n, alloc;
	bool closing; /* no more jobs: workers exit when the queue is empty */
	bool abort;   /* a download failed: drop the queued jobs */
	pthread_t threads[8];
	size_t nthreads;
};

static void *unpack_worker(void *data)
{
	struct unpack_pool *p = data;

	for (;;) {
		struct sync_fetch *f = NULL;
		struct strbuf dir = STRBUF_INIT;
		struct cvl_error err = CVL_ERROR_INIT;

		pthread_mutex_lock(&p->lock);
		while (p->head == p->n && !p->closing && !p->abort)
			pthread_cond_wait(&p->more, &p->lock);
		if (p->head < p->n && !p->abort)
			f = p->queue[p->head++];
		pthread_mutex_unlock(&p->lock);
		if (!f)
			return NULL;
		/* the caller unpacks it again, and tells why it fails */
		if (sync_unpack_cached(p->cache_dir, f->sha256, f->wheel, &dir,
				       &err) == 0)
			f->unpacked = strbuf_detach(&dir, NULL);
		strbuf_release(&dir);
	}
}

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static unsigned pool_size(unsigned jobs)
{
	long n = jobs ? (long)jobs : sysconf(_SC_NPROCESSORS_ONLN);

	return n < 1 ? 1 : n > 8 ? 8 : (unsigned)n;
}

/* Start the workers; without any (pthread_create failed), no pool. */
static struct unpack_pool *pool_start(const char *cache_dir, unsigned jobs)
{
	struct unpack_pool *p = xcalloc(1, sizeof(*p));
	unsigned i, n = pool_size(jobs);

	pthread_mutex_init(&p->lock, NULL);
	pthread_cond_init(&p->more, NULL);
	p->cache_dir = cache_dir;
	for (i = 0; i < n; i++) {
		if (pthread_create(&p->threads[p->nthreads], NULL,
				   unpack_worker, p))
			break;
		p->nthreads++;
	}
	if (!p->nthreads) {
		pthread_cond_destroy(&p->more);
		pthread_mutex_destroy(&p->lock);
		free(p);
		return NULL;
	}
	return p;
}

static void pool_add(struct unpack_pool *p, struct sync_fetch *f)
{
	if (!p)
		return;
	pthread_mutex_lock(&p->lock);
	ALLOC_GROW(p->queue, p->n + 1, p->alloc);
	p->queue[p->n++] = f;
	pthread_cond_signal(&p->more);
	pthread_mutex_unlock(&p->lock);
}

/* Wait for the queued jobs (none more with `abort`), end the workers. */
static void pool_finish(struct unpack_pool *p, bool abort)
{
	size_t i;

	if (!p)
		return;
	pthread_mutex_lock(&p->lock);
	p->closing = true;
	p->abort = p->abort || abort;
	pthread_cond_broadcast(&p->more);
	pthread_mutex_unlock(&p->lock);
	for (i = 0; i < p->nthreads; i++)
		pthread_join(p->threads[i], NULL);
	pthread_cond_destroy(&p->more);
	pthread_mutex_destroy(&p->lock);
	free(p->queue);
	free(p);
}

static void pool_abort(struct unpack_pool *p)
{
	if (!p)
		return;
	pthread_mutex_lock(&p->lock);
	p->abort = true;
	pthread_cond_broadcast(&p->more);
	pthread_mutex_unlock(&p->lock);
}

/* ---- the run ------------------------------------------------------------- */

struct dl_run {
	struct idx_http *http;
	const struct sync_download_opts *opts;
	struct sync_fetch *items;
	size_t n, done, total;
	uint64_t bytes;
	struct unpack_pool *pool;
};

/*
 * One request: a fetch, or the fallback index page of a fetch.  A fetch's
 * body goes to a temporary file next to its place in the cache as it
 * arrives (the transport's sink), hashed on the way.
 */
struct dl_req {
	struct dl_run *run;
	struct sync_fetch *f;
	bool is_page;  /* the fallback index page */
	bool fallback; /* the file found through the index page */
	char *url;
	struct strbuf tmp; /* the temporary file, once made */
	int fd;            /* its descriptor, or -1 */
	int werr;          /* a failed write: -CVL_EIO, `wrr` says why */
	struct cvl_error wrr;
	EVP_MD_CTX *md;
	uint64_t nbytes;
};

static bool write_failed(struct dl_req *r)
{
	r->werr = cvl_error_set(&r->wrr, CVL_EIO, "cannot write '%s': %s",
				r->tmp.buf, strerror(errno));
	return false;
}

/*
 * libcrypto's `call` failed on the body of `r`.  sync_download loads it
 * before any transfer starts, so only libcrypto's own failure (memory)
 * gets here; the download fails with the reason, as a failed write does.
 */
static bool hash_failed(struct dl_req *r, const char *call)
{
	if (cvl_lib_load(CVL_LIB_CRYPTO, &r->wrr) < 0)
		r->werr = -CVL_EINTERNAL;
	else
		r->werr = cvl_error_set(&r->wrr, CVL_EINTERNAL,
					"cannot hash '%s': libcrypto's %s failed",
					r->f->filename, call);
	return false;
}

/* The temporary file of `r`, created next to its place in the cache. */
static bool body_open(struct dl_req *r)
{
	static unsigned counter;
	struct strbuf path = STRBUF_INIT;

	sync_cache_wheel_path(r->run->opts->cache_dir, r->f->sha256, &path);
	strbuf_addf(&r->tmp, "%s.tmp-%ld-%u", path.buf, (long)getpid(),
		    counter++);
	strbuf_release(&path);
	if (make_parents(r->tmp.buf, &r->wrr) < 0) {
		r->werr = -CVL_EIO;
		return false;
	}
	r->fd = open(r->tmp.buf, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
		     0644);
	/* a failed download elsewhere removed the directory just now */
	if (r->fd < 0 && errno == ENOENT &&
	    make_parents(r->tmp.buf, &r->wrr) == 0)
		r->fd = open(r->tmp.buf,
			     O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (r->fd < 0)
		return write_failed(r);
	return true;
}

static bool body_sink(const void *data, size_t len, void *user)
{
	struct dl_req *r = user;
	const char *p = data;

	if (r->werr)
		return false;
	if (!data) {
		/* a retry: start again */
		if (r->fd >= 0 &&
		    (ftruncate(r->fd, 0) < 0 || lseek(r->fd, 0, SEEK_SET) < 0))
			return write_failed(r);
		if (!EVP_DigestInit_ex(r->md, EVP_sha256(), NULL))
			return hash_failed(r, "EVP_DigestInit_ex");
		r->nbytes = 0;
		return true;
	}
	if (r->fd < 0 && !body_open(r))
		return false;
	if (!EVP_DigestUpdate(r->md, data, len))
		return hash_failed(r, "EVP_DigestUpdate");
	r->nbytes += len;
	while (len) {
		ssize_t n = write(r->fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return write_failed(r);
		p += n;
		len -= (size_t)n;
	}
	return true;
}

/*
 * The temporary file closed and, unless it was renamed, removed with its
 * directory when that is empty now: a failed download leaves nothing.
 */
static void body_discard(struct dl_req *r)
{
	char *slash;

	if (r->fd >= 0)
		close(r->fd);
	r->fd = -1;
	if (r->tmp.len && !unlink(r->tmp.buf)) {
		slash = strrchr(r->tmp.buf, '/');
		if (slash) {
			*slash = '\0';
			rmdir(r->tmp.buf); /* fails when not empty */
		}
	}
	strbuf_reset(&r->tmp);
}

static void submit(struct dl_run *run, struct sync_fetch *f, const char *url,
		   bool is_page, bool fallback);

static void finish(struct dl_run *run, struct sync_fetch *f)
{
	run->done++;
	if (run->opts->progress)
		run->opts->progress(run->done, run->total, run->bytes,
				    run->opts->progress_data);
	if (f->rc < 0)
		pool_abort(run->pool); /* nothing will be installed */
	else if (f->wheel)
		pool_add(run->pool, f);
}

static void check_and_store(struct dl_run *run, struct dl_req *r,
			    struct idx_response *resp)
{
	struct sync_fetch *f = r->f;
	struct strbuf path = STRBUF_INIT;
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0, i;
	char hex[65];

	/* what did not go through the sink: a file:// URL's bytes */
	if (resp->body.len)
		body_sink(resp->body.buf, resp->body.len, r);
	if (!r->werr && r->fd < 0)
		body_open(r); /* an empty body */
	if (r->werr) {
		f->rc = r->werr;
		f->err = r->wrr;
		return;
	}
	f->bytes = r->nbytes;
	run->bytes += r->nbytes;
	if (f->size >= 0 && (uint64_t)f->size != r->nbytes) {
		f->rc = cvl_error_set(&f->err, CVL_EHASH,
				      "size mismatch for '%s': the lock says %lld bytes, got %llu",
				      f->filename, (long long)f->size,
				      (unsigned long long)r->nbytes);
		cvl_error_hint(&f->err, "the file changed since it was locked; nothing was installed");
		return;
	}
	if (!EVP_DigestFinal_ex(r->md, md, &mdlen) || mdlen != 32) {
		hash_failed(r, "EVP_DigestFinal_ex");
		f->rc = r->werr;
		f->err = r->wrr;
		return;
	}
	for (i = 0; i < mdlen; i++) {
		hex[2 * i] = "0123456789abcdef"[md[i] >> 4];
		hex[2 * i + 1] = "0123456789abcdef"[md[i] & 15];
	}
	hex[64] = '\0';
	if (strcmp(hex, f->sha256)) {
		f->rc = cvl_error_set(&f->err, CVL_EHASH,
				      "hash mismatch for '%s': expected sha256 %s, got %s",
				      f->filename, f->sha256, hex);
		cvl_error_hint(&f->err, "the file changed since it was locked, or the download was altered; nothing was installed");
		return;
	}
	/*
	 * No fsync, as in index/cache.c: the name is the content's hash, and
	 * the reader of a file torn by a crash finds that out when it unpacks
	 * it (sync_wheel_unpack checks RECORD hashes) and fetches again.
	 */
	sync_cache_wheel_path(run->opts->cache_dir, f->sha256, &path);
	if (close(r->fd) < 0 || rename(r->tmp.buf, path.buf) < 0) {
		r->fd = -1;
		f->rc = cvl_error_set(&f->err, CVL_EIO,
				      "cannot rename '%s' to '%s': %s",
				      r->tmp.buf, path.buf, strerror(errno));
		strbuf_release(&path);
		return;
	}
	r->fd = -1;
	strbuf_reset(&r->tmp); /* renamed: nothing to remove */
	f->wheel = strbuf_detach(&path, NULL);
	f->downloaded = true;
}

/* The fallback index page arrived: find the file and fetch it. */
static void on_page(struct dl_req *r, struct idx_response *resp)
{
	struct sync_fetch *f = r->f;
	struct idx_page page = IDX_PAGE_INIT;
	struct strbuf name = STRBUF_INIT;
	const char *ct = resp->content_type ? resp->content_type : "";
	const char *base = resp->final_url ? resp->final_url : r->url;
	size_t i;
	int rc;

	pep_name_canonicalize(f->name, strlen(f->name), &name);
	if (strstr(ct, "json"))
		rc = idx_page_parse_json(&page, name.buf, base, resp->body.buf,
					 resp->body.len, &f->err);
	else
		rc = idx_page_parse_html(&page, name.buf, base, resp->body.buf,
					 resp->body.len, &f->err);
	if (rc < 0) {
		f->rc = rc;
		goto done;
	}
	for (i = 0; i < page.nfiles; i++) {
		const struct idx_file *pf = &page.files[i];

		if (strcmp(pf->filename, f->filename))
			continue;
		/* a file of another hash would fail the check anyway */
		submit(r->run, f, pf->url, false, true);
		goto out;
	}
	f->rc = cvl_error_set(&f->err, CVL_ENOTFOUND,
			      "'%s' is gone from its URL and from the index '%s'",
			      f->filename, f->index);
done:
	finish(r->run, f);
out:
	idx_page_release(&page);
	strbuf_release(&name);
}

static void on_done(const struct idx_request *req, struct idx_response *resp,
		    int rc, const struct cvl_error *err, void *data)
{
	struct dl_req *r = req->user;
	struct sync_fetch *f = r->f;

	(void)data;
	if (rc == -CVL_ENOTFOUND && !r->is_page && !r->fallback && f->index &&
	    !r->run->opts->offline) {
		struct strbuf page = STRBUF_INIT;
		struct strbuf name = STRBUF_INIT;

		pep_name_canonicalize(f->name, strlen(f->name), &name);
		strbuf_addstr(&page, f->index);
		if (!page.len || page.buf[page.len - 1] != '/')
			strbuf_addch(&page, '/');
		strbuf_addf(&page, "%s/", name.buf);
		submit(r->run, f, page.buf, true, false);
		strbuf_release(&page);
		strbuf_release(&name);
		goto out;
	}
	if (rc < 0 && r->werr) {
		f->rc = r->werr;
		f->err = r->wrr;
	} else if (rc == -CVL_ETOOBIG && f->size >= 0) {
		f->rc = cvl_error_set(&f->err, CVL_EHASH,
				      "size mismatch for '%s': larger than the %lld bytes the lock says",
				      f->filename, (long long)f->size);
		cvl_error_hint(&f->err, "the file changed since it was locked; nothing was installed");
	} else if (rc == -CVL_ENETWORK && r->run->opts->offline) {
		f->rc = cvl_error_set(&f->err, CVL_ENETWORK,
				      "'%s' is not in the cache, and --offline forbids downloading it",
				      f->filename);
		cvl_error_hint(&f->err, "run once without --offline to fill the cache");
	} else if (rc < 0) {
		f->rc = rc;
		f->err = *err;
	} else if (r->is_page) {
		on_page(r, resp);
		goto out;
	} else {
		check_and_store(r->run, r, resp);
	}
	finish(r->run, f);
out:
	body_discard(r);
	strbuf_release(&r->tmp);
	EVP_MD_CTX_free(r->md);
	free(r->url);
	free(r);
}

static void submit(struct dl_run *run, struct sync_fetch *f, const char *url,
		   bool is_page, bool fallback)
{
	struct dl_req *r = xcalloc(1, sizeof(*r));
	struct idx_request req;

	r->run = run;
	r->f = f;
	r->is_page = is_page;
	r->fallback = fallback;
	r->url = xstrdup(url);
	strbuf_init(&r->tmp, 0);
	r->fd = -1;
	idx_request_init(&req, r->url);
	req.cache = IDX_CACHE_NONE;
	req.user = r;
	if (is_page) {
		req.accept = IDX_PAGE_ACCEPT;
	} else {
		/* one byte more than the lock's size: a longer body is caught */
		req.max_size = f->size >= 0 ? (size_t)f->size + 1 : WHEEL_MAX;
		req.sink = body_sink;
		r->md = EVP_MD_CTX_new();
		/* the sink, or the check of an empty body, reports it */
		if (!r->md || !EVP_DigestInit_ex(r->md, EVP_sha256(), NULL))
			hash_failed(r, "EVP_DigestInit_ex");
	}
	idx_http_submit(run->http, &req, on_done, run);
}

/* The URL of a fetch: its url, else its path (relative to base_dir). */
static int fetch_url(const struct sync_fetch *f, const char *base_dir,
		     struct strbuf *out, struct cvl_error *err)
{
	struct strbuf abs = STRBUF_INIT;
	int rc;

	if (f->url) {
		strbuf_addstr(out, f->url);
		return 0;
	}
	if (f->path[0] != '/') {
		if (base_dir && *base_dir) {
			strbuf_addstr(&abs, base_dir);
		} else {
			char cwd[4096];

			if (!getcwd(cwd, sizeof(cwd)))
				return cvl_error_set(err, CVL_EIO,
						     "cannot find the current directory: %s",
						     strerror(errno));
			strbuf_addstr(&abs, cwd);
		}
		strbuf_addch(&abs, '/');
	}
	strbuf_addstr(&abs, f->path);
	rc = url_from_path(abs.buf, out, err);
	strbuf_release(&abs);
	return rc;
}

static void progress_cb(const struct idx_http_stats *st, void *data)
{
	struct dl_run *run = data;

	if (run->opts->progress)
		run->opts->progress(run->done, run->total, st->bytes,
				    run->opts->progress_data);
}

int sync_download(struct sync_fetch *items, size_t n,
		  const struct sync_download_opts *opts,
		  struct sync_download_stats *st, struct cvl_error *err)
{
	struct sync_download_stats dummy;
	struct idx_http_opts hopts;
	struct strbuf path = STRBUF_INIT, url = STRBUF_INIT;
	struct dl_run run;
	size_t i;
	int rc = 0;
	int64_t t0 = now_ms();

	if (!st)
		st = &dummy;
	memset(st, 0, sizeof(*st));
	memset(&run, 0, sizeof(run));
	run.opts = opts;
	run.items = items;
	run.n = n;
	for (i = 0; i < n; i++) {
		struct sync_fetch *f = &items[i];
		struct stat sb;

		f->rc = 0;
		cvl_error_clear(&f->err);
		f->downloaded = false;
		f->bytes = 0;
		if (!f->sha256 || !valid_sha256(f->sha256))
			BUG("sync_download: '%s' without a valid sha256",
			    f->filename);
		strbuf_reset(&path);
		sync_cache_wheel_path(opts->cache_dir, f->sha256, &path);
		free(f->unpacked);
		f->unpacked = NULL;
		if (stat(path.buf, &sb) == 0 && S_ISREG(sb.st_mode) &&
		    (f->size < 0 || (int64_t)sb.st_size == f->size)) {
			free(f->wheel);
			f->wheel = strbuf_detach(&path, NULL);
			st->cached++;
			continue;
		}
		run.total++;
	}
	/*
	 * libcrypto loaded here, before any transfer or thread, and only
	 * when there is a body to hash or a wheel to unpack (its files are
	 * checked against RECORD): when it cannot be, that one error.
	 */
	if (run.total || (opts->unpack && n)) {
		rc = cvl_lib_load(CVL_LIB_CRYPTO, err);
		if (rc < 0)
			goto out;
	}
	/*
	 * libarchive loaded here, before any thread, and only when there
	 * is a wheel to install (a no-op sync does not load it); when it
	 * cannot be, no pool, and the caller's own unpack tells why.
	 */
	if (opts->unpack && n && cvl_lib_load(CVL_LIB_ARCHIVE, NULL) == 0) {
		run.pool = pool_start(opts->cache_dir, opts->jobs);
		for (i = 0; i < n; i++)
			if (items[i].wheel)
				pool_add(run.pool, &items[i]);
	}
	if (!run.total)
		goto out;

	if (opts->http)
		hopts = *opts->http;
	else
		memset(&hopts, 0, sizeof(hopts));
	hopts.cache_dir = NULL; /* our own cache, by hash */
	hopts.offline = opts->offline;
	rc = idx_http_new(&run.http, &hopts, err);
	if (rc < 0) {
		pool_abort(run.pool);
		goto out;
	}
	if (opts->progress)
		idx_http_set_progress(run.http, progress_cb, &run, 100);
	for (i = 0; i < n; i++) {
		struct sync_fetch *f = &items[i];

		if (f->wheel)
			continue;
		strbuf_reset(&url);
		f->rc = fetch_url(f, opts->base_dir, &url, &f->err);
		if (f->rc < 0) {
			run.done++;
			continue;
		}
		submit(&run, f, url.buf, false, false);
	}
	rc = idx_http_run(run.http, err);
	idx_http_free(run.http);
	st->transfer_ms = now_ms() - t0;
	if (rc < 0) {
		pool_abort(run.pool);
		goto out;
	}
	for (i = 0; i < n; i++) {
		struct sync_fetch *f = &items[i];

		if (f->rc < 0) {
			if (!rc) {
				rc = f->rc;
				*err = f->err;
			}
			continue;
		}
		if (f->downloaded) {
			st->downloaded++;
			st->bytes += f->bytes;
		}
	}
out:
	pool_finish(run.pool, rc < 0);
	strbuf_release(&path);
	strbuf_release(&url);
	return rc;
}

/* Create `path` or set its modification time to now (best effort). */
static void touch(const char *path)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);

	if (fd >= 0) {
		futimens(fd, NULL);
		close(fd);
	}
}

/*
 * Whether the unpacked tree `dir` still holds what its wheel's RECORD
 * says.  Environments hard-link their files to this tree, so an edit of
 * an installed file (or a damaged disk) changes it too; every install
 * checks it first rather than spread the change.  The check is cheap when
 * it can be: `seal` is a file touched when the tree was last known good,
 * and a tree whose every file has its RECORD size and was not modified
 * since then is good without reading a byte (hard links do not change a
 * file's mtime; writing to it does).  Otherwise every file's hash is
 * compared, and the seal touched again when they all match.
 */
static bool unpacked_intact(const char *dir, const char *seal)
{
	struct strbuf path = STRBUF_INIT, text = STRBUF_INIT, h = STRBUF_INIT;
	struct sync_record rec = { NULL, 0, 0 };
	struct dirent *de;
	struct stat sst, st;
	bool ok = false, quick;
	size_t base, i;
	DIR *d = opendir(dir);

	if (!d)
		return false;
	while ((de = readdir(d))) {
		size_t len = strlen(de->d_name);

		if (len > 10 && !strcmp(de->d_name + len - 10, ".dist-info")) {
			strbuf_addf(&path, "%s/%s/RECORD", dir, de->d_name);
			break;
		}
	}
	closedir(d);
	if (!path.len ||
	    sync_read_file(path.buf, RECORD_MAX, &text, NULL) < 0 ||
	    sync_record_parse(&rec, text.buf, text.len, NULL) < 0)
		goto out;
	strbuf_reset(&path);
	strbuf_addf(&path, "%s/", dir);
	base = path.len;
	quick = stat(seal, &sst) == 0;
	for (i = 0; i < rec.n && quick; i++) {
		const struct sync_record_entry *e = &rec.entries[i];

		if (!e->hash)
			continue;
		strbuf_setlen(&path, base);
		strbuf_addstr(&path, e->path);
		if (lstat(path.buf, &st) < 0 || !S_ISREG(st.st_mode) ||
		    (e->size >= 0 && st.st_size != e->size) ||
		    st.st_mtim.tv_sec > sst.st_mtim.tv_sec ||
		    (st.st_mtim.tv_sec == sst.st_mtim.tv_sec &&
		     st.st_mtim.tv_nsec > sst.st_mtim.tv_nsec))
			quick = false;
	}
	if (quick) {
		ok = true;
		goto out;
	}
	for (i = 0; i < rec.n; i++) {
		const struct sync_record_entry *e = &rec.entries[i];

		if (!e->hash)
			continue;
		strbuf_setlen(&path, base);
		strbuf_addstr(&path, e->path);
		if (sync_read_file(path.buf, (size_t)-1, &text, NULL) < 0)
			goto out;
		strbuf_reset(&h);
		sync_record_hash(text.buf, text.len, &h);
		if (strcmp(h.buf, e->hash))
			goto out;
	}
	ok = true;
	touch(seal);
out:
	sync_record_release(&rec);
	strbuf_release(&path);
	strbuf_release(&text);
	strbuf_release(&h);
	return ok;
}

/* The trees this process unpacked (their paths), under made_lock. */
static pthread_mutex_t made_lock = PTHREAD_MUTEX_INITIALIZER;
static struct strvec made = STRVEC_INIT;

static bool made_here(const char *dir)
{
	bool found = false;
	size_t i;

	pthread_mutex_lock(&made_lock);
	for (i = 0; i < made.nr && !found; i++)
		found = !strcmp(made.v[i], dir);
	pthread_mutex_unlock(&made_lock);
	return found;
}

static void made_add(const char *dir)
{
	pthread_mutex_lock(&made_lock);
	strvec_push(&made, dir);
	pthread_mutex_unlock(&made_lock);
}

int sync_unpack_cached(const char *cache_dir, const char *sha256,
		       const char *wheel, struct strbuf *out,
		       struct cvl_error *err)
{
	struct strbuf seal = STRBUF_INIT;
	struct stat st;
	size_t start = out->len;
	const char *dir;
	int rc;

	sync_cache_unpacked_path(cache_dir, sha256, out);
	dir = out->buf + start;
	strbuf_addf(&seal, "%s.sealed", dir);
	if (stat(dir, &st) == 0 && S_ISDIR(st.st_mode)) {
		struct strbuf old = STRBUF_INIT;
		static unsigned counter;

		if (made_here(dir) || unpacked_intact(dir, seal.buf)) {
			strbuf_release(&seal);
			return 0;
		}
		/* out of the way first, so that no reader sees it half gone */
		strbuf_addf(&old, "%s.damaged-%ld-%u", dir, (long)getpid(),
			    __atomic_fetch_add(&counter, 1, __ATOMIC_RELAXED));
		if (rename(dir, old.buf) == 0 && sync_rm_rf(old.buf, err) < 0)
			cvl_error_clear(err);
		strbuf_release(&old);
	}
	rc = make_parents(dir, err);
	if (rc == 0)
		rc = sync_wheel_unpack(wheel, dir, err);
	if (rc == 0) {
		touch(seal.buf);
		made_add(dir);
	}
	if (rc < 0 && stat(dir, &st) == 0 && S_ISDIR(st.st_mode)) {
		/* another process unpacked it first */
		cvl_error_clear(err);
		rc = 0;
	}
	if (rc < 0)
		strbuf_setlen(out, start);
	strbuf_release(&seal);
	return rc;
}
