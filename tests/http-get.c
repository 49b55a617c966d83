/*
 * http-get - drive the index transport (index/http.c) directly, for
 * tests/t0330-http-transport.sh: what the client commands cannot show,
 * such as the order in which transfers complete.
 *
 *   http-get [OPTIONS] URL...
 *     --cache DIR        the cache directory (default: no cache)
 *     --offline          --refresh
 *     --concurrency N    --retries N    --timeout SECONDS
 *     --retry-base-ms N  first backoff
 *     --netrc FILE
 *     --accept TYPE      the Accept header
 *     --range A-B | A- | -N
 *     --max-size N       the body cap in bytes
 *     --forever KEY      cache for ever under KEY
 *     --reject           the callback rejects every response (no_store)
 *     --then URL         when the first URL completes, its callback
 *                        submits URL (callbacks adding work)
 *
 * One line per completed request, in completion order (the URL with its
 * credentials masked):
 *     done URL rc=OK|NOTFOUND|NETWORK|... status=N len=N sha256=HEX8
 *          cache=0|1 revalidated=0|1 range=0|1 total=N
 * (one line), then "error: ..." / "hint: ..." lines for a failure, and at
 * the end "stats requests=N cache_hits=N revalidated=N retries=N".
 * Exits 0 when the run itself worked (whatever the requests did).
 */
#include "index/index.h"

static const char *code_name(int rc)
{
	switch (-rc) {
	case 0: return "OK";
	case CVL_ENOTFOUND: return "NOTFOUND";
	case CVL_ENETWORK: return "NETWORK";
	case CVL_ETOOBIG: return "TOOBIG";
	case CVL_EIO: return "IO";
	case CVL_EINVAL: return "INVAL";
	case CVL_EUNSUPPORTED: return "UNSUPPORTED";
	default: return "OTHER";
	}
}

struct run {
	struct idx_http *h;
	bool reject;
	const char *then;
	bool then_done;
	struct idx_request base;
};

static void on_done(const struct idx_request *req, struct idx_response *resp,
		    int rc, const struct cvl_error *err, void *data)
{
	struct run *r = data;
	struct strbuf url = STRBUF_INIT;
	char hex[65];

	/* the URL as messages show it: a test greps the output for secrets */
	url_redact(req->url, &url);
	sha256_hex(resp->body.buf, resp->body.len, hex);
	printf("done %s rc=%s status=%d len=%zu sha256=%.8s cache=%d revalidated=%d range=%d total=%llu\n",
	       url.buf, code_name(rc), resp->status, resp->body.len, hex,
	       resp->from_cache, resp->revalidated, resp->range_honoured,
	       (unsigned long long)resp->total_size);
	if (rc) {
		printf("error: %s\n", err->msg);
		if (err->hint[0])
			printf("hint: %s\n", err->hint);
	}
	if (r->reject)
		resp->no_store = true;
	if (r->then && !r->then_done) {
		struct idx_request next = r->base;

		r->then_done = true;
		next.url = r->then;
		idx_http_submit(r->h, &next, on_done, r);
	}
	fflush(stdout);
	strbuf_release(&url);
}

static long number(const char *s)
{
	char *end;
	long v = strtol(s, &end, 10);

	if (!*s || *end) {
		fprintf(stderr, "http-get: expected a number, got '%s'\n", s);
		exit(2);
	}
	return v;
}

int main(int argc, char **argv)
{
	struct idx_http_opts o;
	struct cvl_error err = CVL_ERROR_INIT;
	struct idx_http_stats st;
	struct run r;
	int i, first = 0;

	memset(&o, 0, sizeof(o));
	memset(&r, 0, sizeof(r));
	o.retries = -1;
	idx_request_init(&r.base, NULL);
	for (i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		bool takes = true;

		if (a[0] != '-') {
			first = i;
			break;
		}
		if (!strcmp(a, "--offline")) {
			o.offline = true;
			takes = false;
		} else if (!strcmp(a, "--refresh")) {
			o.refresh = true;
			takes = false;
		} else if (!strcmp(a, "--reject")) {
			r.reject = true;
			takes = false;
		} else if (!v) {
			fprintf(stderr, "http-get: '%s' needs a value\n", a);
			return 2;
		} else if (!strcmp(a, "--cache")) {
			o.cache_dir = v;
		} else if (!strcmp(a, "--concurrency")) {
			o.concurrency = (size_t)number(v);
		} else if (!strcmp(a, "--retries")) {
			o.retries = (int)number(v);
		} else if (!strcmp(a, "--timeout")) {
			o.low_speed_time_s = number(v);
			o.connect_timeout_ms = number(v) * 1000;
		} else if (!strcmp(a, "--retry-base-ms")) {
			o.retry_base_ms = number(v);
		} else if (!strcmp(a, "--netrc")) {
			o.netrc_path = v;
		} else if (!strcmp(a, "--accept")) {
			r.base.accept = v;
		} else if (!strcmp(a, "--max-size")) {
			r.base.max_size = (size_t)number(v);
		} else if (!strcmp(a, "--forever")) {
			r.base.cache = IDX_CACHE_FOREVER;
			r.base.cache_key = v;
		} else if (!strcmp(a, "--then")) {
			r.then = v;
		} else if (!strcmp(a, "--range")) {
			const char *dash = strchr(v, '-');

			if (!dash) {
				fprintf(stderr, "http-get: expected A-B, A- or -N\n");
				return 2;
			}
			if (dash == v) {
				r.base.range_end = number(dash + 1);
			} else {
				char *start = xmemdup0(v, (size_t)(dash - v));

				r.base.range_start = number(start);
				free(start);
				if (dash[1])
					r.base.range_end = number(dash + 1);
			}
		} else {
			fprintf(stderr, "http-get: unknown option '%s'\n", a);
			return 2;
		}
		if (takes)
			i++;
	}
	if (!first) {
		fprintf(stderr, "usage: http-get [OPTIONS] URL...\n");
		return 2;
	}
	if (idx_http_new(&r.h, &o, &err)) {
		printf("error: %s\n", err.msg);
		return 1;
	}
	for (i = first; i < argc; i++) {
		struct idx_request req = r.base;

		req.url = argv[i];
		idx_http_submit(r.h, &req, on_done, &r);
	}
	if (idx_http_run(r.h, &err)) {
		printf("error: %s\n", err.msg);
		idx_http_free(r.h);
		return 1;
	}
	idx_http_get_stats(r.h, &st);
	printf("stats requests=%zu cache_hits=%zu revalidated=%zu retries=%zu\n",
	       st.requests, st.cache_hits, st.revalidated, st.retries);
	idx_http_free(r.h);
	return 0;
}
