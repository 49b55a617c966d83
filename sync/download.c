/*
 * download.c - wheels into the cache, keyed by their sha256 (sync.h,
 * "Downloads").
 *
 * Every wheel is one request of index/'s transport (parallel, retries,
 * netrc, file:// for local paths), with the body bounded by the lock's
 * size.  The body is checked (size, sha256) in memory, then written to a
 * temporary file next to its place in the cache and renamed: the cache
 * never holds a file that the lock's hash did not vouch for, and a killed
 * download leaves at most a temporary file (removed by the next
 * download of the same wheel's directory, or by cvlock cache prune).
 * Bodies live in memory until checked, so a wheel larger than the
 * transport's body cap (the lock's size, else WHEEL_MAX) is refused.
 */
#include "config.h"
#include "sync/sync.h"
#include "sync/internal.h"
#include "index/index.h"

#include <dirent.h>
#include <fcntl.h>
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

/* Write `len` bytes to `path` through a temporary sibling and rename. */
static int write_cached(const char *path, const void *data, size_t len,
			struct cvl_error *err)
{
	static unsigned counter;
	struct strbuf tmp = STRBUF_INIT;
	const char *p = data;
	int fd, rc = 0;

	if (make_parents(path, err) < 0)
		return -CVL_EIO;
	strbuf_addf(&tmp, "%s.tmp-%ld-%u", path, (long)getpid(), counter++);
	fd = open(tmp.buf, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (fd < 0) {
		rc = cvl_error_set(err, CVL_EIO, "cannot write '%s': %s",
				   tmp.buf, strerror(errno));
		goto out;
	}
	while (len) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			rc = cvl_error_set(err, CVL_EIO, "cannot write '%s': %s",
					   tmp.buf, strerror(errno));
			break;
		}
		p += n;
		len -= (size_t)n;
	}
	/*
	 * No fsync, as in index/cache.c: the name is the content's hash, and
	 * the reader of a file torn by a crash finds that out when it unpacks
	 * it (sync_wheel_unpack checks RECORD hashes) and fetches again.
	 */
	if (close(fd) < 0 && !rc)
		rc = cvl_error_set(err, CVL_EIO, "cannot write '%s': %s",
				   tmp.buf, strerror(errno));
	if (!rc && rename(tmp.buf, path) < 0)
		rc = cvl_error_set(err, CVL_EIO, "cannot rename '%s' to '%s': %s",
				   tmp.buf, path, strerror(errno));
	if (rc)
		unlink(tmp.buf);
out:
	strbuf_release(&tmp);
	return rc;
}

/* ---- the run ------------------------------------------------------------- */

struct dl_run {
	struct idx_http *http;
	const struct sync_download_opts *opts;
	struct sync_fetch *items;
	size_t n, done, total;
	uint64_t bytes;
};

/* One request: a fetch, or the fallback index page of a fetch. */
struct dl_req {
	struct dl_run *run;
	struct sync_fetch *f;
	bool is_page;  /* the fallback index page */
	bool fallback; /* the file found through the index page */
	char *url;
};

static void submit(struct dl_run *run, struct sync_fetch *f, const char *url,
		   bool is_page, bool fallback);

static void finish(struct dl_run *run, struct sync_fetch *f)
{
	run->done++;
	if (run->opts->progress)
		run->opts->progress(run->done, run->total, run->bytes,
				    run->opts->progress_data);
	(void)f;
}

static void check_and_store(struct dl_run *run, struct sync_fetch *f,
			    struct idx_response *resp)
{
	struct strbuf path = STRBUF_INIT;
	char hex[65];

	f->bytes = resp->body.len;
	run->bytes += resp->body.len;
	if (f->size >= 0 && (uint64_t)f->size != resp->body.len) {
		f->rc = cvl_error_set(&f->err, CVL_EHASH,
				      "size mismatch for '%s': the lock says %lld bytes, got %zu",
				      f->filename, (long long)f->size,
				      resp->body.len);
		cvl_error_hint(&f->err, "the file changed since it was locked; nothing was installed");
		return;
	}
	sha256_hex(resp->body.buf, resp->body.len, hex);
	if (strcmp(hex, f->sha256)) {
		f->rc = cvl_error_set(&f->err, CVL_EHASH,
				      "hash mismatch for '%s': expected sha256 %s, got %s",
				      f->filename, f->sha256, hex);
		cvl_error_hint(&f->err, "the file changed since it was locked, or the download was altered; nothing was installed");
		return;
	}
	sync_cache_wheel_path(run->opts->cache_dir, f->sha256, &path);
	f->rc = write_cached(path.buf, resp->body.buf, resp->body.len, &f->err);
	if (!f->rc) {
		f->wheel = strbuf_detach(&path, NULL);
		f->downloaded = true;
	}
	strbuf_release(&path);
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
	if (rc == -CVL_ETOOBIG && f->size >= 0) {
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
		check_and_store(r->run, f, resp);
	}
	finish(r->run, f);
out:
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
	idx_request_init(&req, r->url);
	req.cache = IDX_CACHE_NONE;
	req.user = r;
	if (is_page) {
		req.accept = IDX_PAGE_ACCEPT;
	} else {
		/* one byte more than the lock's size: a longer body is caught */
		req.max_size = f->size >= 0 ? (size_t)f->size + 1 : WHEEL_MAX;
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
		if (stat(path.buf, &sb) == 0 && S_ISREG(sb.st_mode) &&
		    (f->size < 0 || (int64_t)sb.st_size == f->size)) {
			free(f->wheel);
			f->wheel = strbuf_detach(&path, NULL);
			st->cached++;
			continue;
		}
		run.total++;
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
	if (rc < 0)
		goto out;
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
	if (rc < 0)
		goto out;
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

		if (unpacked_intact(dir, seal.buf)) {
			strbuf_release(&seal);
			return 0;
		}
		/* out of the way first, so that no reader sees it half gone */
		strbuf_addf(&old, "%s.damaged-%ld-%u", dir, (long)getpid(),
			    counter++);
		if (rename(dir, old.buf) == 0 && sync_rm_rf(old.buf, err) < 0)
			cvl_error_clear(err);
		strbuf_release(&old);
	}
	rc = make_parents(dir, err);
	if (rc == 0)
		rc = sync_wheel_unpack(wheel, dir, err);
	if (rc == 0)
		touch(seal.buf);
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
