/*
 * index_options.c - the option group of every command that talks to
 * package indexes, and the environment variables behind it.
 *
 * Each setting comes from the first of: the command line, the
 * environment, the project ([tool.cvlock] or a requirements file's
 * options), the default.  A list given on the command line replaces the
 * environment's and the project's lists rather than adding to them, so
 * that a command line says everything about where packages come from.
 */
#include "config.h"
#include "cli/cli.h"
#include "index/index.h"

#include <sys/stat.h>

enum {
	OPT_INDEX_URL = CVL_INDEX_OPT_BASE,
	OPT_EXTRA_INDEX_URL,
	OPT_FIND_LINKS,
	OPT_NO_INDEX,
	OPT_INDEX_STRATEGY,
	OPT_CACHE_DIR,
	OPT_NO_CACHE,
	OPT_OFFLINE,
	OPT_REFRESH,
	OPT_CONCURRENCY,
	OPT_HTTP_TIMEOUT,
	OPT_RETRIES,
};

const struct cvl_option cvl_index_options[] = {
	{ "index-url", 0, OPT_VALUE, OPT_INDEX_URL, "URL",
	  "the package index (default: https://pypi.org/simple/; env CVLOCK_INDEX_URL)" },
	{ "extra-index-url", 0, OPT_VALUE, OPT_EXTRA_INDEX_URL, "URL",
	  "another index, after the first (repeatable; env CVLOCK_EXTRA_INDEX_URL)" },
	{ "find-links", 0, OPT_VALUE, OPT_FIND_LINKS, "DIR|URL",
	  "a directory or a page of links to distribution files (repeatable)" },
	{ "no-index", 0, OPT_FLAG, OPT_NO_INDEX, NULL,
	  "use no index, only --find-links" },
	{ "index-strategy", 0, OPT_VALUE, OPT_INDEX_STRATEGY,
	  "first-index|unsafe-best-match",
	  "where a package's versions may come from (default: first-index)" },
	{ "cache-dir", 0, OPT_VALUE, OPT_CACHE_DIR, "DIR",
	  "the cache directory (env CVLOCK_CACHE_DIR; default ~/.cache/cvlock)" },
	{ "no-cache", 0, OPT_FLAG, OPT_NO_CACHE, NULL,
	  "neither read nor write the cache" },
	{ "offline", 0, OPT_FLAG, OPT_OFFLINE, NULL,
	  "never use the network: only the cache and local files" },
	{ "refresh", 0, OPT_FLAG, OPT_REFRESH, NULL,
	  "revalidate every cached response with the index" },
	{ "concurrency", 0, OPT_VALUE, OPT_CONCURRENCY, "N",
	  "transfers at once (default: 50; env CVLOCK_CONCURRENCY)" },
	{ "http-timeout", 0, OPT_VALUE, OPT_HTTP_TIMEOUT, "SECONDS",
	  "give up on a connection or a stalled transfer after this long (default: 30; env CVLOCK_HTTP_TIMEOUT)" },
	{ "retries", 0, OPT_VALUE, OPT_RETRIES, "N",
	  "retries after connection errors, 429 and 5xx (default: 3; env CVLOCK_RETRIES)" },
};
const size_t cvl_nindex_options = ARRAY_SIZE(cvl_index_options);

#define CONCURRENCY_MAX 1000
#define TIMEOUT_MAX (24L * 3600)
#define RETRIES_MAX 20

void cvl_index_opts_init(struct cvl_index_opts *o)
{
	memset(o, 0, sizeof(*o));
	strvec_init(&o->extra_index_urls);
	strvec_init(&o->find_links);
	strvec_init(&o->storage);
	o->concurrency = -1;
	o->timeout_s = -1;
	o->retries = -1;
}

void cvl_index_opts_release(struct cvl_index_opts *o)
{
	strvec_clear(&o->extra_index_urls);
	strvec_clear(&o->find_links);
	strvec_clear(&o->storage);
	free(o->resolved_cache_dir);
	free(o->netrc_path);
	cvl_index_opts_init(o);
}

/* A whole number in [min, max], or -1 (after printing an error). */
static long parse_number(const char *what, const char *value, long min,
			 long max)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(value, &end, 10);
	if (!*value || *end || errno || v < min || v > max) {
		cvl_errorf("expected a whole number from %ld to %ld for %s, got '%s'",
			   min, max, what, value);
		return -1;
	}
	return v;
}

int cvl_index_opts_option(struct cvl_index_opts *o, int id, const char *value)
{
	enum idx_strategy s;

	switch (id) {
	case OPT_INDEX_URL:
		o->index_url = value;
		break;
	case OPT_EXTRA_INDEX_URL:
		strvec_push(&o->extra_index_urls, value);
		break;
	case OPT_FIND_LINKS:
		strvec_push(&o->find_links, value);
		break;
	case OPT_NO_INDEX:
		o->no_index = true;
		break;
	case OPT_INDEX_STRATEGY:
		if (!idx_strategy_parse(value, strlen(value), &s)) {
			cvl_errorf("unknown index strategy '%s'", value);
			fprintf(stderr, "hint: expected 'first-index' or 'unsafe-best-match'\n");
			return EXIT_USAGE;
		}
		o->strategy = value;
		break;
	case OPT_CACHE_DIR:
		o->cache_dir = value;
		break;
	case OPT_NO_CACHE:
		o->no_cache = true;
		break;
	case OPT_OFFLINE:
		o->offline = true;
		break;
	case OPT_REFRESH:
		o->refresh = true;
		break;
	case OPT_CONCURRENCY:
		o->concurrency = parse_number("--concurrency", value, 1, CONCURRENCY_MAX);
		if (o->concurrency < 0)
			return EXIT_USAGE;
		break;
	case OPT_HTTP_TIMEOUT:
		o->timeout_s = parse_number("--http-timeout", value, 1, TIMEOUT_MAX);
		if (o->timeout_s < 0)
			return EXIT_USAGE;
		break;
	case OPT_RETRIES:
		o->retries = parse_number("--retries", value, 0, RETRIES_MAX);
		if (o->retries < 0)
			return EXIT_USAGE;
		break;
	default:
		BUG("unknown index option id %d", id);
	}
	return 0;
}

static const char *env(const char *name)
{
	const char *v = getenv(name);

	return v && *v ? v : NULL;
}

/*
 * An index given as a URL stays as it is; an existing directory becomes
 * its file:// URL (so `--index-url ./simple` works).  NULL after printing
 * an error for anything else.
 */
static const char *index_location(struct cvl_index_opts *o, const char *v,
				  const char *origin)
{
	struct cvl_error err = CVL_ERROR_INIT;
	struct strbuf sb = STRBUF_INIT;
	struct stat st;
	char *abs;

	if (url_is_absolute(v))
		return v;
	if (stat(v, &st) || !S_ISDIR(st.st_mode)) {
		cvl_errorf("index '%s' (%s) is neither a URL nor a directory", v, origin);
		fprintf(stderr, "hint: an index URL looks like https://pypi.org/simple/\n");
		return NULL;
	}
	abs = realpath(v, NULL);
	if (!abs || url_from_path(abs, &sb, &err)) {
		free(abs);
		strbuf_release(&sb);
		cvl_errorf("cannot use the directory '%s' as an index: %s", v,
			   err.msg[0] ? err.msg : strerror(errno));
		return NULL;
	}
	free(abs);
	if (sb.buf[sb.len - 1] != '/')
		strbuf_addch(&sb, '/');
	strvec_push(&o->storage, sb.buf);
	strbuf_release(&sb);
	return o->storage.v[o->storage.nr - 1];
}

/* Split a space-separated environment list into `out`. */
static void split_words(const char *v, struct strvec *out)
{
	while (*v) {
		size_t n;

		while (*v == ' ' || *v == '\t' || *v == '\n')
			v++;
		n = strcspn(v, " \t\n");
		if (n)
			strvec_pushn(out, v, n);
		v += n;
	}
}

static long env_number(const char *name, long min, long max, bool *bad)
{
	const char *v = env(name);
	long n;

	if (!v)
		return -1;
	n = parse_number(name, v, min, max);
	if (n < 0)
		*bad = true;
	return n;
}

int cvl_index_opts_finish(struct cvl_index_opts *o,
			  const struct pep_inputs *project,
			  struct idx_client_opts *out)
{
	struct idx_http_opts *h = &out->http;
	struct strvec env_extra = STRVEC_INIT;
	const struct strvec *extras;
	const char *v, *strategy, *origin, *home;
	bool bad = false;
	long n;
	size_t i;

	/* where packages come from */
	v = o->index_url;
	origin = "--index-url";
	if (!v) {
		v = env("CVLOCK_INDEX_URL");
		origin = "CVLOCK_INDEX_URL";
	}
	if (!v && project && project->index_url) {
		v = project->index_url;
		origin = "the project's index-url";
	}
	if (v) {
		out->index_url = index_location(o, v, origin);
		if (!out->index_url)
			return EXIT_USAGE;
	}
	out->no_index = o->no_index || (project && project->no_index);

	v = env("CVLOCK_EXTRA_INDEX_URL");
	if (o->extra_index_urls.nr) {
		extras = &o->extra_index_urls;
	} else if (v) {
		split_words(v, &env_extra);
		extras = &env_extra;
	} else if (project) {
		extras = &project->extra_index_urls;
	} else {
		extras = &env_extra;
	}
	for (i = 0; i < extras->nr; i++) {
		const char *u = index_location(o, extras->v[i],
					       extras == &o->extra_index_urls ?
					       "--extra-index-url" :
					       extras == &env_extra ?
					       "CVLOCK_EXTRA_INDEX_URL" :
					       "the project's extra-index-url");

		if (!u) {
			strvec_clear(&env_extra);
			return EXIT_USAGE;
		}
		strvec_push(&out->extra_index_urls, u);
	}
	strvec_clear(&env_extra);
	if (o->find_links.nr) {
		for (i = 0; i < o->find_links.nr; i++)
			strvec_push(&out->find_links, o->find_links.v[i]);
	} else if (project) {
		for (i = 0; i < project->find_links.nr; i++)
			strvec_push(&out->find_links, project->find_links.v[i]);
	}
	strategy = o->strategy ? o->strategy : env("CVLOCK_INDEX_STRATEGY");
	if (strategy && !idx_strategy_parse(strategy, strlen(strategy), &out->strategy)) {
		cvl_errorf("unknown index strategy '%s' in CVLOCK_INDEX_STRATEGY", strategy);
		fprintf(stderr, "hint: expected 'first-index' or 'unsafe-best-match'\n");
		return EXIT_USAGE;
	}

	/* how they are fetched */
	n = o->concurrency >= 0 ? o->concurrency :
	    env_number("CVLOCK_CONCURRENCY", 1, CONCURRENCY_MAX, &bad);
	if (n > 0)
		h->concurrency = (size_t)n;
	n = o->timeout_s >= 0 ? o->timeout_s :
	    env_number("CVLOCK_HTTP_TIMEOUT", 1, TIMEOUT_MAX, &bad);
	if (n > 0) {
		h->low_speed_time_s = n;
		h->connect_timeout_ms = n * 1000;
	}
	n = o->retries >= 0 ? o->retries :
	    env_number("CVLOCK_RETRIES", 0, RETRIES_MAX, &bad);
	h->retries = n >= 0 ? (int)n : -1;
	if (bad)
		return EXIT_USAGE;
	h->offline = o->offline;
	h->refresh = o->refresh;
	free(o->resolved_cache_dir);
	o->resolved_cache_dir = o->no_cache ? NULL : cvl_cache_dir(o->cache_dir);
	h->cache_dir = o->resolved_cache_dir;
	free(o->netrc_path);
	o->netrc_path = NULL;
	v = env("NETRC");
	home = env("HOME");
	if (v) {
		o->netrc_path = xstrdup(v);
	} else if (home) {
		struct strbuf sb = STRBUF_INIT;

		strbuf_addf(&sb, "%s/.netrc", home);
		o->netrc_path = strbuf_detach(&sb, NULL);
	}
	h->netrc_path = o->netrc_path;
	return 0;
}

struct cvl_option *cvl_options_with_index(const struct cvl_option *own,
					  size_t nown, size_t *total)
{
	return cvl_options_join(own, nown, cvl_index_options,
				cvl_nindex_options, total);
}

char *cvl_cache_dir(const char *opt)
{
	return idx_cache_dir_resolve(opt, getenv("CVLOCK_CACHE_DIR"),
				     getenv("XDG_CACHE_HOME"), getenv("HOME"));
}
