/*
 * http.c - the transport: one libcurl multi handle running many transfers
 * at once, with retries, caps, the on-disk cache and credentials.
 *
 * A request moves through three places:
 *
 *     ready queue --start--> active (an easy handle in the multi handle)
 *          ^                    |
 *          |                    v
 *     delayed (retry timer) <-- done: success, final error, or retry
 *
 * Requests that need no transfer (file:// URLs, fresh cache entries,
 * --offline) complete when they leave the ready queue, without counting
 * against the concurrency.  A retry waits on a timer inside the same loop,
 * so other transfers keep running meanwhile.  Callbacks run from
 * idx_http_run() only, and may submit more requests.
 */
#include "config.h"
#include "index/transport.h"

#include <curl/curl.h>
#include <fcntl.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define DEFAULT_CONCURRENCY 50
#define DEFAULT_CONNECT_TIMEOUT_MS 10000L
#define DEFAULT_LOW_SPEED_TIME_S 30L
#define DEFAULT_RETRIES 3
#define DEFAULT_RETRY_BASE_MS 500L
#define DEFAULT_RETRY_AFTER_MAX_S 60L
#define DEFAULT_MAX_REDIRS 10L
#define DEFAULT_MAX_SIZE ((size_t)64 << 20)
/* A single backoff never waits longer than this. */
#define BACKOFF_MAX_MS 30000L

/* The headers of one response that the transport keeps. */
struct resp_headers {
	int status;
	char reason[64];
	char *etag;
	char *last_modified;
	char *cache_control;
	char *expires;
	char *date;
	char *age;
	char *content_type;
	char *retry_after;
	char *content_range;
};

struct xfer {
	struct xfer *next, *prev; /* a queue, or the active list */
	struct idx_http *h;
	struct idx_request req; /* url, accept and cache_key owned */
	idx_http_done_fn done;
	void *data;

	int parse_rc;           /* the URL did not parse */
	struct cvl_error parse_err;
	struct tr_url url;

	char *key;              /* cache key; NULL: not cached */
	enum idx_cache_policy policy;
	struct tr_entry cached; /* a stale entry being revalidated */
	bool have_cached;
	bool sent_auth;

	int attempts;
	int64_t due_ms;         /* delayed: when to start again */
	CURL *easy;
	struct curl_slist *hdrs;
	struct strbuf body;
	uint64_t sunk;          /* body bytes handed to req.sink */
	bool sink_failed;
	bool too_big;
	bool stalled;           /* aborted: no data for low_speed_time_s */
	int64_t last_data_ms;   /* when bytes last arrived (or the start) */
	struct resp_headers rh;
	char errbuf[CURL_ERROR_SIZE];
};

struct idx_http {
	CURLM *multi;           /* NULL until the first transfer */
	int curl_rc;            /* setting libcurl up failed: */
	struct cvl_error curl_err;
	struct idx_http_opts opts; /* strings below are owned copies */
	char *user_agent;
	struct idx_cache cache;
	struct tr_auth auth;

	struct xfer *ready_head, *ready_tail;
	struct xfer *delayed;
	struct xfer *active_list;
	size_t active;
	CURL **idle;
	size_t nidle, alloc_idle;

	struct idx_http_stats stats;
	uint64_t rng;
	bool running;
	bool cancel;   /* idx_http_cancel(): end the run */

	idx_http_progress_fn progress;
	void *progress_data;
	long progress_interval_ms;
	int64_t progress_last_ms;
};

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* xorshift64*: jitter needs no quality, only no shared state. */
static uint64_t next_random(struct idx_http *h)
{
	h->rng ^= h->rng >> 12;
	h->rng ^= h->rng << 25;
	h->rng ^= h->rng >> 27;
	return h->rng * 2685821657736338717ull;
}

void idx_request_init(struct idx_request *req, const char *url)
{
	memset(req, 0, sizeof(*req));
	req->url = url;
	req->range_start = -1;
	req->range_end = -1;
	req->cache = IDX_CACHE_HTTP;
}

static void headers_clear(struct resp_headers *rh)
{
	free(rh->etag);
	free(rh->last_modified);
	free(rh->cache_control);
	free(rh->expires);
	free(rh->date);
	free(rh->age);
	free(rh->content_type);
	free(rh->retry_after);
	free(rh->content_range);
	memset(rh, 0, sizeof(*rh));
}

static void xfer_free(struct xfer *x)
{
	free((char *)x->req.url);
	free((char *)x->req.accept);
	free((char *)x->req.cache_key);
	tr_url_release(&x->url);
	free(x->key);
	tr_entry_release(&x->cached);
	curl_slist_free_all(x->hdrs);
	strbuf_release(&x->body);
	headers_clear(&x->rh);
	free(x);
}

/* ---- setup ----------------------------------------------------------------- */

int idx_http_new(struct idx_http **out, const struct idx_http_opts *opts,
		 struct cvl_error *err)
{
	struct idx_http *h;
	struct timespec ts;
	int rc;

	*out = NULL;
	h = xcalloc(1, sizeof(*h));
	h->opts = *opts;
	if (!h->opts.concurrency)
		h->opts.concurrency = DEFAULT_CONCURRENCY;
	if (h->opts.connect_timeout_ms <= 0)
		h->opts.connect_timeout_ms = DEFAULT_CONNECT_TIMEOUT_MS;
	if (h->opts.low_speed_time_s <= 0)
		h->opts.low_speed_time_s = DEFAULT_LOW_SPEED_TIME_S;
	if (h->opts.retries < 0)
		h->opts.retries = DEFAULT_RETRIES;
	if (h->opts.retry_base_ms <= 0)
		h->opts.retry_base_ms = DEFAULT_RETRY_BASE_MS;
	if (h->opts.retry_after_max_s <= 0)
		h->opts.retry_after_max_s = DEFAULT_RETRY_AFTER_MAX_S;
	if (h->opts.max_redirs <= 0)
		h->opts.max_redirs = DEFAULT_MAX_REDIRS;
	h->opts.cache_dir = NULL;
	h->opts.netrc_path = NULL;
	h->opts.user_agent = NULL;
	h->user_agent = xstrdup(opts->user_agent ? opts->user_agent :
				"cvlock/" PACKAGE_VERSION);
	idx_cache_init(&h->cache, opts->cache_dir);
	rc = tr_auth_init(&h->auth, opts->netrc_path, err);
	if (rc) {
		idx_cache_release(&h->cache);
		free(h->user_agent);
		free(h);
		return rc;
	}
	clock_gettime(CLOCK_REALTIME, &ts);
	h->rng = ((uint64_t)ts.tv_nsec << 20) ^ (uint64_t)ts.tv_sec ^
		 ((uint64_t)getpid() << 40) ^ (uint64_t)(uintptr_t)h;
	if (!h->rng)
		h->rng = 88172645463325252ull;
	*out = h;
	return 0;
}

static void free_list(struct xfer *x)
{
	while (x) {
		struct xfer *next = x->next;

		xfer_free(x);
		x = next;
	}
}

void idx_http_free(struct idx_http *h)
{
	size_t i;

	if (!h)
		return;
	if (h->running)
		BUG("idx_http_free() from inside idx_http_run()");
	free_list(h->ready_head);
	free_list(h->delayed);
	for (i = 0; i < h->nidle; i++)
		curl_easy_cleanup(h->idle[i]);
	free(h->idle);
	if (h->multi) {
		curl_multi_cleanup(h->multi);
		curl_global_cleanup();
	}
	tr_auth_release(&h->auth);
	idx_cache_release(&h->cache);
	free(h->user_agent);
	free(h);
}

struct idx_cache *idx_http_cache(struct idx_http *h)
{
	return &h->cache;
}

bool tr_http_may_reuse(const struct idx_http *h, const struct tr_entry *e)
{
	return e->forever || h->opts.offline ||
	       (!h->opts.refresh && tr_entry_fresh(e, (int64_t)time(NULL)));
}

void tr_http_count_cache_hit(struct idx_http *h)
{
	h->stats.cache_hits++;
}

void idx_http_get_stats(const struct idx_http *h, struct idx_http_stats *out)
{
	*out = h->stats;
}

void idx_http_set_progress(struct idx_http *h, idx_http_progress_fn fn,
			   void *data, long interval_ms)
{
	h->progress = fn;
	h->progress_data = data;
	h->progress_interval_ms = interval_ms > 0 ? interval_ms : 0;
}

static void ready_push(struct idx_http *h, struct xfer *x)
{
	x->next = NULL;
	if (h->ready_tail)
		h->ready_tail->next = x;
	else
		h->ready_head = x;
	h->ready_tail = x;
}

static struct xfer *ready_pop(struct idx_http *h)
{
	struct xfer *x = h->ready_head;

	if (x) {
		h->ready_head = x->next;
		if (!h->ready_head)
			h->ready_tail = NULL;
		x->next = NULL;
	}
	return x;
}

void idx_http_submit(struct idx_http *h, const struct idx_request *req,
		     idx_http_done_fn done, void *data)
{
	struct xfer *x = xcalloc(1, sizeof(*x));

	x->h = h;
	x->req = *req;
	x->req.url = xstrdup(req->url ? req->url : "");
	x->req.accept = req->accept ? xstrdup(req->accept) : NULL;
	x->req.cache_key = req->cache_key ? xstrdup(req->cache_key) : NULL;
	if (!x->req.max_size)
		x->req.max_size = DEFAULT_MAX_SIZE;
	if (req->sink && req->cache != IDX_CACHE_NONE)
		BUG("idx_http_submit: a sink with a cache policy");
	x->done = done;
	x->data = data;
	tr_entry_init(&x->cached);
	strbuf_init(&x->body, 0);
	x->url.port = -1;
	x->parse_rc = tr_url_parse(&x->url, x->req.url, &x->parse_err);
	if (!x->parse_rc)
		tr_auth_learn(&h->auth, &x->url);
	h->stats.pending++;
	ready_push(h, x);
}

/* ---- completion -------------------------------------------------------------- */

/* "cannot fetch 'URL': " with the URL's credentials masked. */
static void fetch_prefix(struct strbuf *sb, const struct xfer *x)
{
	strbuf_addstr(sb, "cannot fetch '");
	url_redact(x->req.url, sb);
	strbuf_addstr(sb, "': ");
}

static int xfer_error(struct xfer *x, struct cvl_error *err, int code,
		      const char *fmt, ...) CVL_PRINTF(4, 5);
static int xfer_error(struct xfer *x, struct cvl_error *err, int code,
		      const char *fmt, ...)
{
	struct strbuf sb = STRBUF_INIT;
	va_list ap;
	int rc;

	fetch_prefix(&sb, x);
	va_start(ap, fmt);
	strbuf_vaddf(&sb, fmt, ap);
	va_end(ap);
	if (x->attempts > 1)
		strbuf_addf(&sb, " after %d attempts", x->attempts);
	rc = cvl_error_set(err, code, "%s", sb.buf);
	strbuf_release(&sb);
	return rc;
}

/* A cache that cannot be written only costs speed later: not an error. */
static void store_quietly(struct idx_http *h, const struct tr_entry *e)
{
	int rc = tr_cache_store(&h->cache, e, NULL);

	(void)rc;
}

/*
 * Hand the result to the callback and free the request.  `resp` fields
 * other than the body are filled by the caller; the body is x->body.
 * `pending` (or NULL) is the cache entry of a new response: it is stored
 * after the callback, unless the callback rejected the response (then,
 * as for a response that came from the cache, the entry is removed).
 */
static void complete(struct idx_http *h, struct xfer *x,
		     struct idx_response *resp, int rc,
		     const struct cvl_error *err, struct tr_entry *pending)
{
	struct cvl_error none = CVL_ERROR_INIT;

	resp->body = x->body;
	resp->no_store = false;
	if (pending)
		resp->entry = pending;
	strbuf_init(&x->body, 0);
	h->stats.pending--;
	h->stats.completed++;
	if (x->done)
		x->done(&x->req, resp, rc, rc ? err : &none, x->data);
	if (!rc && resp->no_store && x->key)
		tr_cache_remove(&h->cache, x->key);
	else if (!rc && pending)
		store_quietly(h, pending);
	strbuf_release(&resp->body);
	xfer_free(x);
}

static void complete_error(struct idx_http *h, struct xfer *x, int status,
			   int rc, const struct cvl_error *err)
{
	struct idx_response resp;

	memset(&resp, 0, sizeof(resp));
	resp.status = status;
	/* an unparsable URL has no clean form (and may hold credentials) */
	resp.final_url = x->url.clean ? x->url.clean : "";
	strbuf_reset(&x->body);
	complete(h, x, &resp, rc, err, NULL);
}

/* Serve a cache entry (fresh, offline, or revalidated by a 304). */
static void complete_cached(struct idx_http *h, struct xfer *x,
			    struct tr_entry *e, bool revalidated)
{
	struct idx_response resp;

	memset(&resp, 0, sizeof(resp));
	resp.status = e->status ? e->status : 200;
	resp.final_url = e->final_url ? e->final_url : e->url ? e->url : x->url.clean;
	resp.content_type = e->content_type;
	resp.from_cache = !revalidated;
	resp.revalidated = revalidated;
	resp.total_size = e->body.len;
	resp.entry = e;
	strbuf_release(&x->body);
	x->body = e->body;
	strbuf_init(&e->body, 0);
	if (revalidated)
		h->stats.revalidated++;
	else
		h->stats.cache_hits++;
	complete(h, x, &resp, 0, NULL, NULL);
}

/* ---- file:// ------------------------------------------------------------------ */

static void serve_file(struct idx_http *h, struct xfer *x)
{
	struct cvl_error why = CVL_ERROR_INIT, err = CVL_ERROR_INIT;
	struct tr_file_result fr = { 0, 0, NULL };
	struct idx_response resp;
	int rc;

	rc = tr_file_fetch(x->url.clean, &x->req, &x->body, &fr, &why);
	if (rc) {
		rc = xfer_error(x, &err, -rc, "%s", why.msg);
		complete_error(h, x, fr.status, rc, &err);
		return;
	}
	memset(&resp, 0, sizeof(resp));
	resp.status = fr.status;
	resp.final_url = x->url.clean;
	resp.range_honoured = fr.status == 206;
	resp.total_size = fr.total_size;
	resp.content_type = fr.content_type;
	complete(h, x, &resp, 0, NULL, NULL);
}

/* ---- libcurl callbacks ----------------------------------------------------------- */

/* A new response starts: forget the body of the last one. */
static void body_restart(struct xfer *x)
{
	strbuf_reset(&x->body);
	if (x->sunk)
		x->req.sink(NULL, 0, x->req.user);
	x->sunk = 0;
}

static size_t on_body(char *ptr, size_t size, size_t nmemb, void *data)
{
	struct xfer *x = data;
	size_t n = size * nmemb;

	if (x->req.sink && x->rh.status >= 200 && x->rh.status < 300) {
		if (x->sunk + n > x->req.max_size) {
			x->too_big = true;
			return 0;
		}
		if (!x->req.sink(ptr, n, x->req.user)) {
			x->sink_failed = true;
			return 0;
		}
		x->sunk += n;
	} else if (strbuf_add_checked(&x->body, ptr, n)) {
		x->too_big = true;
		return 0; /* aborts the transfer with CURLE_WRITE_ERROR */
	}
	x->h->stats.bytes += n;
	if (n)
		x->last_data_ms = now_ms();
	return n;
}

/*
 * libcurl calls this often while data flows and about once a second when
 * it does not.  A transfer is stalled when no byte has arrived for the
 * timeout: CURLOPT_LOW_SPEED_TIME would average the speed over several
 * seconds, so a body that stops after a burst would live on much longer.
 */
static int on_progress(void *data, curl_off_t dltotal, curl_off_t dlnow,
		       curl_off_t ultotal, curl_off_t ulnow)
{
	struct xfer *x = data;

	(void)dltotal;
	(void)dlnow;
	(void)ultotal;
	(void)ulnow;
	if (now_ms() - x->last_data_ms > x->h->opts.low_speed_time_s * 1000) {
		x->stalled = true;
		return 1; /* aborts with CURLE_ABORTED_BY_CALLBACK */
	}
	return 0;
}

static bool header_is(const char *line, size_t len, const char *name,
		      const char **value, size_t *vlen)
{
	size_t n = strlen(name);
	const char *v, *end = line + len;

	if (len <= n || strncasecmp(line, name, n) || line[n] != ':')
		return false;
	v = line + n + 1;
	while (v < end && (*v == ' ' || *v == '\t'))
		v++;
	while (end > v && (end[-1] == '\r' || end[-1] == '\n' ||
			   end[-1] == ' ' || end[-1] == '\t'))
		end--;
	*value = v;
	*vlen = (size_t)(end - v);
	return true;
}

static size_t on_header(char *line, size_t size, size_t nmemb, void *data)
{
	struct xfer *x = data;
	size_t len = size * nmemb;
	const char *v;
	size_t vlen;
	static const struct {
		const char *name;
		size_t off;
	} keep[] = {
		{ "etag", offsetof(struct resp_headers, etag) },
		{ "last-modified", offsetof(struct resp_headers, last_modified) },
		{ "cache-control", offsetof(struct resp_headers, cache_control) },
		{ "expires", offsetof(struct resp_headers, expires) },
		{ "date", offsetof(struct resp_headers, date) },
		{ "age", offsetof(struct resp_headers, age) },
		{ "content-type", offsetof(struct resp_headers, content_type) },
		{ "retry-after", offsetof(struct resp_headers, retry_after) },
		{ "content-range", offsetof(struct resp_headers, content_range) },
	};
	size_t i;

	x->last_data_ms = now_ms();
	if (len > 5 && !memcmp(line, "HTTP/", 5)) {
		/* a new response (after a redirect, say): forget the last one */
		const char *p = memchr(line, ' ', len), *end = line + len;
		int status = 0;

		headers_clear(&x->rh);
		body_restart(x);
		if (p) {
			p++;
			while (p < end && *p >= '0' && *p <= '9') {
				status = status * 10 + (*p - '0');
				if (status > 999)
					break;
				p++;
			}
			if (p < end && *p == ' ') {
				size_t n = 0;

				p++;
				while (p < end && *p != '\r' && *p != '\n' &&
				       n < sizeof(x->rh.reason) - 1) {
					/* printable ASCII only: it goes into messages */
					x->rh.reason[n++] = *p >= 0x20 && *p < 0x7f ? *p : '?';
					p++;
				}
				x->rh.reason[n] = '\0';
			}
		}
		x->rh.status = status;
		return len;
	}
	for (i = 0; i < ARRAY_SIZE(keep); i++) {
		if (header_is(line, len, keep[i].name, &v, &vlen)) {
			char **slot = (char **)((char *)&x->rh + keep[i].off);

			free(*slot);
			*slot = xmemdup0(v, vlen < 8192 ? vlen : 8192);
			break;
		}
	}
	return len;
}

/* ---- starting transfers ------------------------------------------------------------- */

static CURL *get_easy(struct idx_http *h)
{
	CURL *c;

	if (h->nidle) {
		c = h->idle[--h->nidle];
		curl_easy_reset(c);
		return c;
	}
	return curl_easy_init();
}

static void put_easy(struct idx_http *h, CURL *c)
{
	ALLOC_GROW(h->idle, h->nidle + 1, h->alloc_idle);
	h->idle[h->nidle++] = c;
}

static bool is_ranged(const struct idx_request *r)
{
	return r->range_start >= 0 || r->range_end >= 0;
}

/*
 * libcurl is set up for the first transfer, not in idx_http_new(): a run
 * served from the cache and file:// URLs does not even load it (util.h,
 * cvl_lib_load).  A failure is kept for the transfers that follow.
 */
static int start_curl(struct idx_http *h, struct cvl_error *err)
{
	if (h->multi)
		return 0;
	if (h->curl_rc)
		goto fail;
	h->curl_rc = cvl_lib_load(CVL_LIB_CURL, &h->curl_err);
	if (h->curl_rc)
		goto fail;
	if (curl_global_init(CURL_GLOBAL_DEFAULT)) {
		h->curl_rc = cvl_error_set(&h->curl_err, CVL_EINTERNAL,
					   "cannot initialize libcurl");
		goto fail;
	}
	h->multi = curl_multi_init();
	if (!h->multi) {
		curl_global_cleanup();
		h->curl_rc = cvl_error_set(&h->curl_err, CVL_EINTERNAL,
					   "cannot create a libcurl multi handle");
		goto fail;
	}
	curl_multi_setopt(h->multi, CURLMOPT_PIPELINING, (long)CURLPIPE_MULTIPLEX);
	curl_multi_setopt(h->multi, CURLMOPT_MAXCONNECTS,
			  (long)(h->opts.concurrency < 1000 ? h->opts.concurrency : 1000));
	return 0;
fail:
	if (err)
		*err = h->curl_err;
	return h->curl_rc;
}

static int start_transfer(struct idx_http *h, struct xfer *x,
			  struct cvl_error *err)
{
	const struct idx_http_opts *o = &h->opts;
	const char *user, *password;
	struct strbuf sb = STRBUF_INIT;
	struct cvl_error cerr = CVL_ERROR_INIT;
	CURL *c;
	int rc;

	rc = start_curl(h, &cerr);
	if (rc) {
		rc = xfer_error(x, err, -rc, "%s", cerr.msg);
		cvl_error_hint(err, "%s", cerr.hint);
		return rc;
	}
	c = get_easy(h);
	if (!c)
		return xfer_error(x, err, CVL_EINTERNAL, "cannot create a libcurl handle");
	x->easy = c;
	x->attempts++;
	x->too_big = false;
	x->sink_failed = false;
	x->stalled = false;
	x->last_data_ms = now_ms();
	x->errbuf[0] = '\0';
	body_restart(x);
	x->body.limit = x->req.max_size;
	headers_clear(&x->rh);
	curl_slist_free_all(x->hdrs);
	x->hdrs = NULL;

	curl_easy_setopt(c, CURLOPT_URL, x->url.clean);
	curl_easy_setopt(c, CURLOPT_PRIVATE, x);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, x->errbuf);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, x);
	curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(c, CURLOPT_HEADERDATA, x);
#if LIBCURL_VERSION_NUM >= 0x075500
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(c, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
#else
	curl_easy_setopt(c, CURLOPT_PROTOCOLS, (long)(CURLPROTO_HTTP | CURLPROTO_HTTPS));
	curl_easy_setopt(c, CURLOPT_REDIR_PROTOCOLS, (long)(CURLPROTO_HTTP | CURLPROTO_HTTPS));
#endif
	curl_easy_setopt(c, CURLOPT_HTTP_VERSION, (long)CURL_HTTP_VERSION_2TLS);
	/* wait for a connection that may multiplex rather than open another */
	curl_easy_setopt(c, CURLOPT_PIPEWAIT, 1L);
	curl_easy_setopt(c, CURLOPT_TCP_KEEPALIVE, 1L);
	curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 1L);
	curl_easy_setopt(c, CURLOPT_MAXREDIRS, o->max_redirs);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, o->connect_timeout_ms);
	curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
	curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, on_progress);
	curl_easy_setopt(c, CURLOPT_XFERINFODATA, x);
	curl_easy_setopt(c, CURLOPT_USERAGENT, h->user_agent);
	curl_easy_setopt(c, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)x->req.max_size);
	if (is_ranged(&x->req)) {
		/*
		 * Byte ranges address the stored bytes: ask for no content
		 * coding, so that offsets into a wheel's zip stay true.
		 */
		if (x->req.range_start >= 0 && x->req.range_end >= 0)
			strbuf_addf(&sb, "%lld-%lld", (long long)x->req.range_start,
				    (long long)x->req.range_end);
		else if (x->req.range_start >= 0)
			strbuf_addf(&sb, "%lld-", (long long)x->req.range_start);
		else
			strbuf_addf(&sb, "-%lld", (long long)x->req.range_end);
		curl_easy_setopt(c, CURLOPT_RANGE, sb.buf);
	} else {
		curl_easy_setopt(c, CURLOPT_ACCEPT_ENCODING, "");
	}
	strbuf_reset(&sb);
	if (x->req.accept) {
		strbuf_addf(&sb, "Accept: %s", x->req.accept);
		x->hdrs = curl_slist_append(x->hdrs, sb.buf);
	}
	if (x->have_cached && x->cached.etag) {
		strbuf_reset(&sb);
		strbuf_addf(&sb, "If-None-Match: %s", x->cached.etag);
		x->hdrs = curl_slist_append(x->hdrs, sb.buf);
	}
	if (x->have_cached && x->cached.last_modified) {
		strbuf_reset(&sb);
		strbuf_addf(&sb, "If-Modified-Since: %s", x->cached.last_modified);
		x->hdrs = curl_slist_append(x->hdrs, sb.buf);
	}
	strbuf_release(&sb);
	if (x->hdrs)
		curl_easy_setopt(c, CURLOPT_HTTPHEADER, x->hdrs);
	x->sent_auth = tr_auth_lookup(&h->auth, &x->url, &user, &password);
	if (x->sent_auth) {
		/*
		 * libcurl sends these to the original host only: after a
		 * redirect to another host they are dropped
		 * (CURLOPT_UNRESTRICTED_AUTH stays off).
		 */
		curl_easy_setopt(c, CURLOPT_HTTPAUTH, (long)CURLAUTH_BASIC);
		curl_easy_setopt(c, CURLOPT_USERNAME, user);
		curl_easy_setopt(c, CURLOPT_PASSWORD, password);
	}
	if (curl_multi_add_handle(h->multi, c) != CURLM_OK) {
		x->easy = NULL;
		put_easy(h, c);
		return xfer_error(x, err, CVL_EINTERNAL,
				  "cannot add a transfer to the libcurl multi handle");
	}
	x->prev = NULL;
	x->next = h->active_list;
	if (x->next)
		x->next->prev = x;
	h->active_list = x;
	h->active++;
	h->stats.requests++;
	return 0;
}

static void derive_key(struct xfer *x)
{
	struct strbuf sb = STRBUF_INIT;

	if (x->req.cache_key) {
		x->key = xstrdup(x->req.cache_key);
		return;
	}
	/* the Accept header picks the representation (JSON or HTML) */
	strbuf_addf(&sb, "GET %s", x->url.clean);
	if (x->req.accept)
		strbuf_addf(&sb, "\naccept: %s", x->req.accept);
	x->key = strbuf_detach(&sb, NULL);
}

/*
 * Take one request off the ready queue: answer it without the network
 * when possible, else start its transfer.
 */
static void start_one(struct idx_http *h, struct xfer *x)
{
	struct cvl_error err = CVL_ERROR_INIT;
	int rc, loaded;

	if (x->parse_rc) {
		struct cvl_error perr = x->parse_err;

		complete_error(h, x, 0, x->parse_rc, &perr);
		return;
	}
	if (!strcmp(x->url.scheme, "file")) {
		serve_file(h, x);
		return;
	}
	if (strcmp(x->url.scheme, "http") && strcmp(x->url.scheme, "https")) {
		rc = xfer_error(x, &err, CVL_EUNSUPPORTED,
				"unsupported URL scheme '%s' (expected http, https or file)",
				x->url.scheme);
		complete_error(h, x, 0, rc, &err);
		return;
	}
	if (x->attempts == 0) {
		x->policy = is_ranged(&x->req) ? IDX_CACHE_NONE : x->req.cache;
		if (x->policy != IDX_CACHE_NONE && h->cache.dir) {
			derive_key(x);
			loaded = tr_cache_load(&h->cache, x->key, &x->cached, NULL);
			if (loaded == 1) {
				if (x->policy == IDX_CACHE_FOREVER ||
				    tr_http_may_reuse(h, &x->cached)) {
					complete_cached(h, x, &x->cached, false);
					return;
				}
				x->have_cached = true;
			}
		}
		if (h->opts.offline) {
			rc = xfer_error(x, &err, CVL_ENETWORK,
					"it is not in the cache and --offline forbids the network");
			if (!h->cache.dir)
				cvl_error_hint(&err, "the cache is off, so --offline can only read local files");
			else if (x->policy == IDX_CACHE_NONE)
				cvl_error_hint(&err, "this kind of request is never cached: run without --offline");
			else
				cvl_error_hint(&err, "run once without --offline to fill the cache");
			complete_error(h, x, 0, rc, &err);
			return;
		}
	}
	rc = start_transfer(h, x, &err);
	if (rc)
		complete_error(h, x, 0, rc, &err);
}

/* ---- finishing transfers -------------------------------------------------------------- */

static const char *status_text(int status)
{
	switch (status) {
	case 400: return "Bad Request";
	case 401: return "Unauthorized";
	case 403: return "Forbidden";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 406: return "Not Acceptable";
	case 407: return "Proxy Authentication Required";
	case 408: return "Request Timeout";
	case 410: return "Gone";
	case 416: return "Range Not Satisfiable";
	case 429: return "Too Many Requests";
	case 500: return "Internal Server Error";
	case 501: return "Not Implemented";
	case 502: return "Bad Gateway";
	case 503: return "Service Unavailable";
	case 504: return "Gateway Timeout";
	default: return "";
	}
}

static void status_phrase(struct strbuf *sb, const struct xfer *x, int status)
{
	const char *reason = status == x->rh.status && x->rh.reason[0] ?
			     x->rh.reason : status_text(status);

	strbuf_addf(sb, "HTTP %d", status);
	if (*reason)
		strbuf_addf(sb, " %s", reason);
}

static bool retryable_curl(CURLcode rc)
{
	switch (rc) {
	case CURLE_COULDNT_CONNECT:
	case CURLE_RECV_ERROR:
	case CURLE_SEND_ERROR:
	case CURLE_PARTIAL_FILE:
	case CURLE_OPERATION_TIMEDOUT:
	case CURLE_GOT_NOTHING:
	case CURLE_HTTP2:
	case CURLE_HTTP2_STREAM:
	case CURLE_SSL_CONNECT_ERROR:
	case CURLE_BAD_CONTENT_ENCODING:
		return true;
	default:
		return false;
	}
}

/* Milliseconds to wait before the next attempt. */
static int64_t retry_delay(struct idx_http *h, struct xfer *x)
{
	int64_t base = h->opts.retry_base_ms, d;
	int i;

	if (x->rh.retry_after && (x->rh.status == 429 || x->rh.status == 503)) {
		const char *v = x->rh.retry_after;
		int64_t secs = -1;

		if (*v >= '0' && *v <= '9') {
			secs = 0;
			while (*v >= '0' && *v <= '9' && secs < 1000000)
				secs = secs * 10 + (*v++ - '0');
		} else {
			time_t t = curl_getdate(v, NULL);

			if (t >= 0)
				secs = (int64_t)t > (int64_t)time(NULL) ?
				       (int64_t)t - (int64_t)time(NULL) : 0;
		}
		if (secs >= 0) {
			if (secs > h->opts.retry_after_max_s)
				secs = h->opts.retry_after_max_s;
			return secs * 1000;
		}
	}
	d = base;
	for (i = 1; i < x->attempts && d < BACKOFF_MAX_MS; i++)
		d *= 2;
	if (d > BACKOFF_MAX_MS)
		d = BACKOFF_MAX_MS;
	/* jitter: spread the retries of many transfers that failed together */
	return d + (int64_t)(next_random(h) % (uint64_t)(d / 2 + 1));
}

static void schedule_retry(struct idx_http *h, struct xfer *x)
{
	x->due_ms = now_ms() + retry_delay(h, x);
	x->next = h->delayed;
	h->delayed = x;
	h->stats.retries++;
}

static void describe_curl_error(struct strbuf *sb, struct xfer *x, CURLcode cc)
{
	CURL *c = x->easy;
	curl_off_t clen = -1;

	if (x->stalled) {
		strbuf_addf(sb, "no data for %ld second%s", x->h->opts.low_speed_time_s,
			    x->h->opts.low_speed_time_s == 1 ? "" : "s");
		return;
	}
	switch (cc) {
	case CURLE_COULDNT_RESOLVE_HOST:
		strbuf_addf(sb, "cannot resolve host '%s'", x->url.host);
		break;
	case CURLE_COULDNT_CONNECT:
		strbuf_addstr(sb, "cannot connect to the server");
		if (strstr(x->errbuf, "refused"))
			strbuf_addstr(sb, " (connection refused)");
		break;
	case CURLE_RECV_ERROR:
	case CURLE_SEND_ERROR:
		if (x->rh.status)
			strbuf_addstr(sb, "connection reset while receiving the body");
		else
			strbuf_addstr(sb, "connection reset before a response");
		break;
	case CURLE_PARTIAL_FILE:
		curl_easy_getinfo(c, CURLINFO_CONTENT_LENGTH_DOWNLOAD_T, &clen);
		if (clen >= 0)
			strbuf_addf(sb, "the connection closed after %zu of %lld bytes of the body",
				    x->body.len + (size_t)x->sunk,
				    (long long)clen);
		else
			strbuf_addstr(sb, "the connection closed before the end of the body");
		break;
	case CURLE_GOT_NOTHING:
		strbuf_addstr(sb, "the server closed the connection without a response");
		break;
	case CURLE_OPERATION_TIMEDOUT:
		strbuf_addf(sb, "no connection within %ld ms",
			    x->h->opts.connect_timeout_ms);
		break;
	case CURLE_TOO_MANY_REDIRECTS:
		strbuf_addf(sb, "more than %ld redirects (a redirect loop?)",
			    x->h->opts.max_redirs);
		break;
	case CURLE_UNSUPPORTED_PROTOCOL:
		strbuf_addstr(sb, "redirected to an unsupported protocol (expected http or https)");
		break;
	case CURLE_BAD_CONTENT_ENCODING:
		strbuf_addstr(sb, "the compressed body is damaged");
		break;
	default:
		strbuf_addstr(sb, curl_easy_strerror(cc));
		/* the buffer names hosts and ports but never credentials */
		if (x->errbuf[0] && strcmp(x->errbuf, curl_easy_strerror(cc)))
			strbuf_addf(sb, " (%s)", x->errbuf);
		break;
	}
}

/*
 * The cache entry for a new 200 response, or false when it is not to be
 * stored.  The body is copied: the callback may take the response's.
 */
static bool entry_for_response(struct idx_http *h, struct xfer *x,
			       const char *final_url, struct tr_entry *e)
{
	if (!x->key || !h->cache.dir || x->policy == IDX_CACHE_NONE)
		return false;
	e->key = xstrdup(x->key);
	e->url = xstrdup(x->url.clean);
	e->final_url = xstrdup(final_url);
	e->content_type = x->rh.content_type ? xstrdup(x->rh.content_type) : NULL;
	e->etag = x->rh.etag ? xstrdup(x->rh.etag) : NULL;
	e->last_modified = x->rh.last_modified ? xstrdup(x->rh.last_modified) : NULL;
	e->status = 200;
	e->stored = (int64_t)time(NULL);
	if (x->policy == IDX_CACHE_FOREVER) {
		e->forever = true;
	} else if (!tr_entry_set_freshness(e, x->rh.cache_control, x->rh.expires,
					   x->rh.date, x->rh.age)) {
		/* no-store: and forget what an earlier response left */
		tr_cache_remove(&h->cache, x->key);
		return false;
	}
	strbuf_add(&e->body, x->body.buf, x->body.len);
	return true;
}

/* A 304: refresh the stored entry's freshness and serve it. */
static void finish_revalidated(struct idx_http *h, struct xfer *x)
{
	struct tr_entry *e = &x->cached;

	e->stored = (int64_t)time(NULL);
	if (x->rh.cache_control || x->rh.expires) {
		if (!tr_entry_set_freshness(e, x->rh.cache_control, x->rh.expires,
					    x->rh.date, x->rh.age)) {
			tr_cache_remove(&h->cache, x->key);
			complete_cached(h, x, e, true);
			return;
		}
	} else {
		/* the 304 said nothing new about freshness: keep the old terms */
		e->age = 0;
	}
	if (x->rh.etag) {
		free(e->etag);
		e->etag = xstrdup(x->rh.etag);
	}
	if (x->rh.last_modified) {
		free(e->last_modified);
		e->last_modified = xstrdup(x->rh.last_modified);
	}
	store_quietly(h, e);
	complete_cached(h, x, e, true);
}

static uint64_t content_range_total(const char *v)
{
	const char *slash = v ? strrchr(v, '/') : NULL;
	uint64_t t = 0;

	if (!slash || slash[1] < '0' || slash[1] > '9')
		return 0;
	for (slash++; *slash >= '0' && *slash <= '9'; slash++) {
		if (t > UINT64_MAX / 10 - 10)
			return 0;
		t = t * 10 + (uint64_t)(*slash - '0');
	}
	return t;
}

static void finish_one(struct idx_http *h, struct xfer *x, CURLcode cc)
{
	struct cvl_error err = CVL_ERROR_INIT;
	struct strbuf sb = STRBUF_INIT;
	struct idx_response resp;
	long status = 0;
	char *eff = NULL, *final_url;
	int rc;
	bool may_retry = x->attempts <= h->opts.retries;

	curl_easy_getinfo(x->easy, CURLINFO_RESPONSE_CODE, &status);
	curl_easy_getinfo(x->easy, CURLINFO_EFFECTIVE_URL, &eff);
	url_strip_credentials(eff ? eff : x->url.clean, &sb);
	final_url = strbuf_detach(&sb, NULL);

	if (cc != CURLE_OK) {
		if (x->too_big || cc == CURLE_FILESIZE_EXCEEDED) {
			tr_size_phrase(&sb, x->req.max_size);
			rc = xfer_error(x, &err, CVL_ETOOBIG,
					"the response exceeds %s", sb.buf);
			goto fail;
		}
		if (x->sink_failed) {
			rc = xfer_error(x, &err, CVL_EIO,
					"the body cannot be stored");
			goto fail;
		}
		if ((retryable_curl(cc) || x->stalled) && may_retry) {
			free(final_url);
			schedule_retry(h, x);
			return;
		}
		describe_curl_error(&sb, x, cc);
		rc = xfer_error(x, &err, CVL_ENETWORK, "%s", sb.buf);
		goto fail;
	}
	if (status == 304 && x->have_cached) {
		free(final_url);
		finish_revalidated(h, x);
		return;
	}
	if (status == 200 || (status == 206 && is_ranged(&x->req))) {
		struct tr_entry e;
		bool store;

		tr_entry_init(&e);
		store = status == 200 && entry_for_response(h, x, final_url, &e);
		memset(&resp, 0, sizeof(resp));
		resp.status = (int)status;
		resp.final_url = final_url;
		resp.content_type = x->rh.content_type;
		resp.range_honoured = status == 206;
		resp.total_size = status == 206 ? content_range_total(x->rh.content_range) :
				  x->body.len + x->sunk;
		complete(h, x, &resp, 0, NULL, store ? &e : NULL);
		tr_entry_release(&e);
		free(final_url);
		return;
	}
	if ((status == 429 || status >= 500) && may_retry) {
		free(final_url);
		schedule_retry(h, x);
		return;
	}
	status_phrase(&sb, x, (int)status);
	if (status == 404 || status == 410) {
		rc = xfer_error(x, &err, CVL_ENOTFOUND, "%s", sb.buf);
	} else if (status == 401 && !x->sent_auth) {
		rc = xfer_error(x, &err, CVL_ENETWORK, "%s (no credentials for '%s')",
				sb.buf, x->url.host);
		cvl_error_hint(&err, "add credentials for %s to ~/.netrc or the index URL",
			       x->url.host);
	} else if (status == 401 || status == 403) {
		rc = xfer_error(x, &err, CVL_ENETWORK,
				x->sent_auth ? "%s (the credentials for '%s' were refused)" :
					       "%s (access to '%s' is denied)",
				sb.buf, x->url.host);
	} else if (status >= 300 && status < 400) {
		rc = xfer_error(x, &err, CVL_ENETWORK, "%s without a usable Location",
				sb.buf);
	} else if (status == 304) {
		rc = xfer_error(x, &err, CVL_ENETWORK,
				"HTTP 304 Not Modified to a request that was not conditional");
	} else if (status == 206) {
		rc = xfer_error(x, &err, CVL_ENETWORK,
				"HTTP 206 Partial Content to a request for the whole body");
	} else {
		rc = xfer_error(x, &err, CVL_ENETWORK, "%s", sb.buf);
	}
fail:
	strbuf_release(&sb);
	free(final_url);
	complete_error(h, x, (int)status, rc, &err);
}

/* ---- the loop ------------------------------------------------------------------------------ */

static void promote_due(struct idx_http *h, int64_t now)
{
	struct xfer **pp = &h->delayed;

	while (*pp) {
		struct xfer *x = *pp;

		if (x->due_ms <= now) {
			*pp = x->next;
			ready_push(h, x);
		} else {
			pp = &x->next;
		}
	}
}

static int64_t next_due(const struct idx_http *h)
{
	const struct xfer *x;
	int64_t due = INT64_MAX;

	for (x = h->delayed; x; x = x->next)
		if (x->due_ms < due)
			due = x->due_ms;
	return due;
}

static void active_unlink(struct idx_http *h, struct xfer *x)
{
	if (x->prev)
		x->prev->next = x->next;
	else
		h->active_list = x->next;
	if (x->next)
		x->next->prev = x->prev;
	x->next = x->prev = NULL;
	h->active--;
}

static void drain_messages(struct idx_http *h)
{
	CURLMsg *m;
	int left;

	while ((m = curl_multi_info_read(h->multi, &left))) {
		struct xfer *x = NULL;
		CURL *c = m->easy_handle;
		CURLcode cc = m->data.result;

		if (m->msg != CURLMSG_DONE)
			continue;
		curl_easy_getinfo(c, CURLINFO_PRIVATE, (char **)&x);
		curl_multi_remove_handle(h->multi, c);
		active_unlink(h, x);
		finish_one(h, x, cc);
		/* finish_one() reads the handle's info first; then it is idle */
		put_easy(h, c);
	}
}

static void report_progress(struct idx_http *h, bool force)
{
	int64_t now;

	if (!h->progress)
		return;
	now = now_ms();
	if (!force && now - h->progress_last_ms < h->progress_interval_ms)
		return;
	h->progress_last_ms = now;
	h->progress(&h->stats, h->progress_data);
}

/* Fail everything still queued or running (the multi handle broke). */
static void fail_all(struct idx_http *h, int rc, const struct cvl_error *err)
{
	struct xfer *x;

	while ((x = h->active_list)) {
		h->active_list = x->next;
		curl_multi_remove_handle(h->multi, x->easy);
		put_easy(h, x->easy);
		h->active--;
		complete_error(h, x, 0, rc, err);
	}
	while ((x = ready_pop(h)))
		complete_error(h, x, 0, rc, err);
	while (h->delayed) {
		x = h->delayed;
		h->delayed = x->next;
		complete_error(h, x, 0, rc, err);
	}
}

void idx_http_cancel(struct idx_http *h)
{
	h->cancel = true;
}

/* After idx_http_cancel(): every request left ends as cancelled. */
static bool cancelled(struct idx_http *h)
{
	struct cvl_error err = CVL_ERROR_INIT;

	if (!h->cancel)
		return false;
	cvl_error_set(&err, CVL_EINTERNAL, "cancelled");
	fail_all(h, -CVL_EINTERNAL, &err);
	return true;
}

int idx_http_run(struct idx_http *h, struct cvl_error *err)
{
	int still, rc = 0;

	if (h->running)
		BUG("idx_http_run() called from one of its callbacks");
	h->running = true;
	for (;;) {
		CURLMcode mc;
		int64_t now = now_ms(), due;
		long timeout = 1000;

		promote_due(h, now);
		while (h->active < h->opts.concurrency && h->ready_head &&
		       !h->cancel)
			start_one(h, ready_pop(h));
		if (cancelled(h))
			break;
		if (!h->active && !h->ready_head && !h->delayed)
			break;
		if (h->active) {
			mc = curl_multi_perform(h->multi, &still);
			if (mc != CURLM_OK) {
				rc = cvl_error_set(err, CVL_EINTERNAL, "libcurl failed: %s",
						   curl_multi_strerror(mc));
				break;
			}
			drain_messages(h);
			if (cancelled(h))
				break;
		}
		report_progress(h, false);
		if (h->ready_head && h->active < h->opts.concurrency)
			continue;
		if (!h->active && !h->ready_head && !h->delayed)
			break;
		due = next_due(h);
		if (due != INT64_MAX) {
			now = now_ms();
			if (due - now < timeout)
				timeout = due > now ? (long)(due - now) : 0;
		}
		if (h->active) {
			mc = curl_multi_poll(h->multi, NULL, 0, (int)timeout, NULL);
			if (mc != CURLM_OK) {
				rc = cvl_error_set(err, CVL_EINTERNAL, "libcurl failed: %s",
						   curl_multi_strerror(mc));
				break;
			}
		} else if (h->delayed && timeout > 0) {
			/* only retry timers are left: nothing else can run */
			struct timespec ts = { timeout / 1000, (timeout % 1000) * 1000000L };

			nanosleep(&ts, NULL);
		}
	}
	if (rc)
		fail_all(h, rc, err);
	report_progress(h, true);
	h->running = false;
	h->cancel = false;
	return rc;
}
