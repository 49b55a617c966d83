/*
 * index.h - the package-index client (prefix idx_).
 *
 * Layers inside index/ (one job per file):
 *   pure parsers, no I/O (fuzzed):
 *     index/page_json.c   PEP 691 JSON project pages (+ PEP 700 fields)
 *     index/page_html.c   PEP 503 HTML project pages, flat --find-links listings
 *     index/zip.c         the end records and central directory of a zip,
 *                         to find *.dist-info/METADATA inside a wheel
 *     util/url.c          RFC 3986 reference resolution, credential redaction
 *   transport and storage:
 *     index/http.c        libcurl multi: many transfers, retries, caps
 *     index/http_file.c   file:// URLs (ranges, a directory's index.html)
 *     index/cache.c       the on-disk HTTP cache (validators, atomic writes)
 *     index/cache_upkeep.c  cvlock cache clean / prune, the cache's place
 *     index/auth.c        credentials from URLs and ~/.netrc
 *     index/transport.h   what these five share (not API)
 *   orchestration:
 *     index/client.c      indexes, strategy, batches for the resolver
 *     index/metadata.c    core metadata of one artifact: PEP 658 file,
 *                         range requests into the wheel, full download,
 *                         sdist PKG-INFO (libarchive)
 *
 * index/ knows pep/ (versions, file names, metadata) and util/; nothing
 * above it.  Nothing here prints; errors come back as CVL_E* codes with a
 * struct cvl_error whose message names the URL (credentials redacted),
 * the HTTP status and the cause.
 */
#ifndef CVL_INDEX_H
#define CVL_INDEX_H

#include "pep/pep.h"

/* ======================================================================
 * Project pages: the data model (shared by the parsers and the client)
 * ====================================================================== */

enum idx_file_kind {
	IDX_FILE_WHEEL,
	IDX_FILE_SDIST,
	IDX_FILE_OTHER, /* eggs, .exe, unparsable names: ignored by the resolver */
};

enum idx_hash_alg {
	IDX_HASH_SHA256,
	IDX_HASH_SHA384,
	IDX_HASH_SHA512,
	IDX_HASH_MD5, /* legacy; never trusted alone */
	IDX_HASH_NALGS,
};

struct idx_hash {
	enum idx_hash_alg alg;
	const char *hex; /* lowercase, in the page's arena */
};

/*
 * A wheel's file name, parsed: a compact read-only view (the fields the
 * resolver reads of a struct pep_wheelname), in the page's arena.  Files
 * of a page with the same tag set share one tags array.
 */
struct idx_wheel {
	const char *name; /* canonical (PEP 503) */
	struct {
		const char *const *v; /* expanded "interp-abi-plat", sorted */
		size_t nr;
	} tags;
};

/*
 * One distribution file of a project.  Everything it points to belongs to
 * its page (strings and wheel in the page's arena; the version among the
 * page's parsed versions), so a file is plain data: it may be copied or
 * moved within a page, and it is valid as long as its page.  A project
 * page holds tens of thousands of files (PyPI's largest), so the struct
 * stays small: about 250 bytes plus its strings.
 */
struct idx_file {
	const char *filename;
	const char *url; /* absolute, resolved against the page's final URL */
	enum idx_file_kind kind;
	const char *name;  /* canonical project name from the file name */
	/* from the file name; NULL for IDX_FILE_OTHER.  Shared by files of
	 * one version, as is version_str */
	const struct pep_version *version;
	const char *version_str;    /* canonical version string */
	const struct idx_wheel *wheel; /* wheels only, else NULL */
	struct idx_hash hashes[IDX_HASH_NALGS];
	size_t nhashes;
	const char *requires_python; /* or NULL */
	bool yanked;
	const char *yanked_reason; /* or NULL */
	/* PEP 658 / 714: core metadata available as <url>.metadata */
	bool has_metadata;
	struct idx_hash metadata_hashes[IDX_HASH_NALGS];
	size_t nmetadata_hashes;
	int64_t upload_time; /* PEP 700, Unix seconds; -1 when unknown */
	int64_t size;        /* PEP 700 bytes; -1 when unknown */
};

/* A project's page: its files (in page order) and PEP 700 versions. */
struct idx_page {
	const char *name; /* canonical */
	const char *url;  /* final URL after redirects */
	struct idx_file *files;
	size_t nfiles, alloc_files;
	const char **versions; /* PEP 700 "versions", or NULL */
	size_t nversions;
	struct arena arena;
	/* private: the versions the files point to (in the arena, released
	 * with the page) */
	struct pep_version **parsed;
	size_t nparsed, alloc_parsed;
	/* private: the bytes a page read from the cache points into */
	char *blob;
};

#define IDX_PAGE_INIT                                                          \
	{ NULL, NULL, NULL, 0, 0, NULL, 0, ARENA_INIT, NULL, 0, 0, NULL }

void idx_page_release(struct idx_page *page);

/*
 * Parse a PEP 691 JSON page (application/vnd.pypi.simple.v1+json).
 * `base_url` is the final URL the page came from (relative links resolve
 * against it).  Files whose names cannot be parsed are kept as
 * IDX_FILE_OTHER.
 *
 * Both parsers release `page` first (it must be initialized) and leave it
 * empty on failure.  File URLs are kept without their fragment (hashes in
 * it go to `hashes`).  A wheel or sdist of another project than `name`
 * is IDX_FILE_OTHER.  Bodies over 64 MiB are refused (-CVL_ETOOBIG); a
 * malformed page, a bad hash or a non-UTF-8 body is -CVL_EINVAL, an
 * api-version other than 1.x -CVL_EUNSUPPORTED; messages start with
 * "invalid project page '<url, password redacted>': ".
 */
int idx_page_parse_json(struct idx_page *page, const char *name,
			const char *base_url, const char *body, size_t len,
			struct cvl_error *err) WARN_UNUSED_RESULT;
/*
 * Parse a PEP 503 HTML page: anchors, hash fragments, data-requires-python
 * (HTML-unescaped), data-yanked, data-dist-info-metadata /
 * data-core-metadata, and a <base href>.  With name == NULL, a flat
 * --find-links listing: every anchor to a distribution file, of any
 * project.  As in pip, a file's name is the last segment of its URL's
 * path, percent-decoded, not the anchor's text; links ending in '/'
 * (directories) are skipped.
 */
int idx_page_parse_html(struct idx_page *page, const char *name,
			const char *base_url, const char *body, size_t len,
			struct cvl_error *err) WARN_UNUSED_RESULT;

/* ======================================================================
 * Zip central directory (for range requests into wheels)
 * ====================================================================== */

/*
 * Locate the end of central directory (plain or zip64) in the last bytes
 * of a file.  `tail` holds the file's final `len` bytes; `file_size` is the
 * whole size.  On success, *cd_offset / *cd_size say which byte range holds
 * the central directory.
 */
int idx_zip_find_cd(const unsigned char *tail, size_t len, uint64_t file_size,
		    uint64_t *cd_offset, uint64_t *cd_size,
		    struct cvl_error *err) WARN_UNUSED_RESULT;

struct idx_zip_entry {
	uint64_t local_header_offset;
	uint64_t compressed_size;
	uint64_t uncompressed_size;
	uint16_t method; /* 0 stored, 8 deflate */
	uint32_t crc32;
};

/*
 * Find the entry `<something>.dist-info/METADATA` (exactly one top-level
 * .dist-info directory) in a central directory.
 */
int idx_zip_find_metadata(const unsigned char *cd, size_t len,
			  struct idx_zip_entry *out,
			  struct cvl_error *err) WARN_UNUSED_RESULT;

/*
 * Given the bytes starting at the entry's local header (at least the
 * header plus compressed_size bytes), inflate the member into `out`
 * (bounded by out->limit when set; through libarchive, no zlib of our own)
 * and check its size.
 */
int idx_zip_extract(const struct idx_zip_entry *e, const unsigned char *data,
		    size_t len, struct strbuf *out,
		    struct cvl_error *err) WARN_UNUSED_RESULT;

/* ======================================================================
 * HTTP transport with cache and auth (index/http.c, cache.c, auth.c)
 * Owned by the transport engineer.
 *
 * Event-driven: submit requests, then idx_http_run() drives one libcurl
 * multi handle until every request (including those submitted from
 * callbacks) has completed; each completion calls its callback once.
 * Nothing here reads the environment: cli/ resolves the cache directory
 * and the netrc path and passes them in.
 * ====================================================================== */

struct idx_http_opts {
	size_t concurrency;      /* transfers at once; 0 = default 50 */
	long connect_timeout_ms; /* 0 = default 10000 */
	long low_speed_time_s;   /* abort a transfer when no byte arrives
				  * for this long; 0 = default 30 */
	int retries;             /* on connection errors, 429, 5xx; <0 = default 3 */
	long retry_base_ms;      /* first backoff (doubles, plus jitter);
				  * 0 = default 500 */
	long retry_after_max_s;  /* cap on a server's Retry-After; 0 = 60 */
	long max_redirs;         /* redirects followed; 0 = default 10 */
	const char *cache_dir;   /* NULL: no cache */
	bool offline;            /* never touch the network; a miss is an error */
	bool refresh;            /* revalidate every cached response */
	const char *netrc_path;  /* NULL: no netrc (cli/ resolves $NETRC,
				  * ~/.netrc); a missing file is not an error */
	const char *user_agent;  /* NULL: "cvlock/<version>" */
};

enum idx_cache_policy {
	IDX_CACHE_HTTP,    /* obey ETag / Last-Modified / Cache-Control */
	IDX_CACHE_FOREVER, /* immutable content (keyed by an artifact hash) */
	IDX_CACHE_NONE,    /* never stored */
};

struct idx_request {
	const char *url;      /* http(s):// or file://; may hold user:pass@ */
	const char *accept;   /* Accept header, or NULL */
	int64_t range_start;  /* byte range [start, end]; -1 = whole body; */
	int64_t range_end;    /* start == -1 && end >= 0: the last `end` bytes */
	size_t max_size;      /* body cap; 0 = default 64 MiB */
	enum idx_cache_policy cache; /* range requests are never cached */
	const char *cache_key; /* NULL: derived from the URL (credentials
				* removed) and the Accept header */
	void *user;
	/*
	 * Or NULL.  The body of a 2xx HTTP response is handed to `sink` as it
	 * arrives instead of into resp->body (which then holds only what a
	 * file:// URL read); false aborts the transfer (-CVL_EIO).  Before a
	 * new response (a retry) it is called with `data` NULL: start again.
	 * IDX_CACHE_NONE only.
	 */
	bool (*sink)(const void *data, size_t len, void *user);
};

/* Initialize a request for `url`: whole body, IDX_CACHE_HTTP, no Accept. */
void idx_request_init(struct idx_request *req, const char *url);

struct tr_entry;

struct idx_response {
	int status;            /* final HTTP status (200 for file:// and cache
				* hits); 0 when no response came */
	const char *final_url; /* after redirects (credentials removed) */
	const char *content_type; /* or NULL */
	struct strbuf body;
	bool from_cache;       /* served without any request */
	bool revalidated;      /* a conditional request answered 304 */
	bool range_honoured;   /* a range was asked for and 206 came back */
	uint64_t total_size;   /* whole size from Content-Range (or of the
				* file:// file); 0 unknown */
	bool no_store;         /* set by the callback to reject the response:
				* it is not cached, and the cache entry it
				* came from (if any) is removed */
	/* private to index/: the cache entry the response came from or is
	 * stored as (its validators and freshness); NULL when not cached */
	const struct tr_entry *entry;
};

struct idx_http;

/*
 * Called once per submitted request, in completion order; `rc` is 0 or a
 * negative CVL_E* with `err` filled:
 *   -CVL_ENOTFOUND  HTTP 404 or 410, or a missing file:// path (the client
 *                   moves on to the next index); resp->status is set
 *   -CVL_ETOOBIG    the body exceeded max_size
 *   -CVL_ENETWORK   anything else: connection errors and other statuses
 *                   after the retries, a redirect loop, 401/403, an
 *                   --offline cache miss
 *   -CVL_EIO        a file:// path that cannot be read
 * The message names the URL (credentials redacted), the status and the
 * cause, e.g. "cannot fetch 'https://user:***@host/simple/foo/': HTTP 503
 * Service Unavailable after 4 attempts".  `resp` is never NULL and valid
 * only during the call (steal resp->body with strbuf_detach to keep it).
 * The callback may submit more requests (they join the same run).
 */
typedef void (*idx_http_done_fn)(const struct idx_request *req,
				 struct idx_response *resp, int rc,
				 const struct cvl_error *err, void *data);

int idx_http_new(struct idx_http **out, const struct idx_http_opts *opts,
		 struct cvl_error *err) WARN_UNUSED_RESULT;
void idx_http_free(struct idx_http *h);
/*
 * From a callback: end the current idx_http_run() early.  Every request
 * not answered yet completes at once with -CVL_EINTERNAL ("cancelled"),
 * and the run returns 0.
 */
void idx_http_cancel(struct idx_http *h);
/* Queue a request (copied); nothing is sent and no callback runs until
 * idx_http_run(). */
void idx_http_submit(struct idx_http *h, const struct idx_request *req,
		     idx_http_done_fn done, void *data);
/* Run until every submitted request (including those submitted from
 * callbacks) has completed.  Returns 0, or an error only for a failure of
 * the machinery itself (per-request errors go to the callbacks). */
int idx_http_run(struct idx_http *h, struct cvl_error *err) WARN_UNUSED_RESULT;

struct idx_http_stats {
	size_t requests;    /* sent over the network (each attempt counts) */
	size_t cache_hits;  /* answered from the cache without a request */
	size_t revalidated; /* 304 answers */
	size_t retries;
	size_t pending;     /* submitted and not completed yet */
	size_t completed;   /* callbacks called */
	uint64_t bytes;     /* body bytes received */
};
void idx_http_get_stats(const struct idx_http *h, struct idx_http_stats *out);

/*
 * Progress: called from inside idx_http_run() at most every `interval_ms`
 * (and never when no transfer is running), for a progress line.
 */
typedef void (*idx_http_progress_fn)(const struct idx_http_stats *st,
				     void *data);
void idx_http_set_progress(struct idx_http *h, idx_http_progress_fn fn,
			   void *data, long interval_ms);

/* The transport's cache (its dir is NULL when the cache is off). */
struct idx_cache *idx_http_cache(struct idx_http *h);

/* ---- the on-disk cache (index/cache.c) ----------------------------------
 *
 * Layout: <dir>/http-v1/<2 hex>/<sha256 of the key> holding a versioned
 * header (URL without credentials, status, validators, freshness, content
 * type, final URL, body length) and the body.  Every write goes to a
 * temporary file (O_EXCL, random suffix) in the same directory and is
 * renamed into place; a reader checks the header and the length, and a
 * torn or corrupt entry counts as a miss and is removed.  Safe between
 * processes.
 */
struct idx_cache {
	char *dir; /* NULL: disabled (get misses, put does nothing) */
};

#define IDX_CACHE_INIT { NULL }

/* dir may be NULL (disabled); it is created on the first write. */
void idx_cache_init(struct idx_cache *c, const char *dir);
void idx_cache_release(struct idx_cache *c);

/*
 * Immutable content by key (IDX_CACHE_FOREVER), e.g. the METADATA of an
 * artifact keyed by "metadata:sha256:<hex>".  get returns 1 with the bytes
 * in `out` (appended), 0 on a miss, <0 on an error (never for a corrupt
 * entry: that is a miss).  put replaces atomically.
 */
int idx_cache_get(struct idx_cache *c, const char *key, struct strbuf *out,
		  struct cvl_error *err) WARN_UNUSED_RESULT;
int idx_cache_put(struct idx_cache *c, const char *key, const void *data,
		  size_t len, struct cvl_error *err) WARN_UNUSED_RESULT;

struct idx_cache_prune_stats {
	size_t kept, removed;
	uint64_t bytes_kept, bytes_removed;
};
/*
 * Remove everything under the cache directory that cvlock wrote: every
 * <kind>-v<N> directory (http-v1, interpreters-v1, ...) and CACHEDIR.TAG;
 * nothing else.
 */
int idx_cache_clean(const char *dir, struct idx_cache_prune_stats *st,
		    struct cvl_error *err) WARN_UNUSED_RESULT;
/*
 * Remove the entries of project `name` (any spelling): responses whose URL
 * is a page <...>/<name>/ or a distribution file of the project (or its
 * .metadata).  Entries stored by key alone (idx_cache_put) stay: they are
 * immutable and hold no URL.
 */
int idx_cache_clean_project(const char *dir, const char *name,
			    struct idx_cache_prune_stats *st,
			    struct cvl_error *err) WARN_UNUSED_RESULT;
/*
 * Remove temporary files left by writers that died, damaged entries,
 * directories of older format versions, and (when `max_age_s` >= 0)
 * entries not written or revalidated for `max_age_s` seconds.  `now` is
 * the current time (Unix seconds).
 */
int idx_cache_prune(const char *dir, int64_t max_age_s, int64_t now,
		    struct idx_cache_prune_stats *st,
		    struct cvl_error *err) WARN_UNUSED_RESULT;

/*
 * The cache directory: `opt` (--cache-dir) > `env_cache_dir`
 * (CVLOCK_CACHE_DIR) > `xdg_cache_home`/cvlock > `home`/.cache/cvlock.
 * Empty strings count as unset.  Returns a new string, or NULL when none
 * is known.
 */
char *idx_cache_dir_resolve(const char *opt, const char *env_cache_dir,
			    const char *xdg_cache_home, const char *home);

/* ---- credentials (index/auth.c) -------------------------------------- */

struct idx_netrc_entry {
	char *machine; /* NULL for the "default" entry */
	char *login;   /* or NULL */
	char *password; /* or NULL */
};

struct idx_netrc {
	struct idx_netrc_entry *entries;
	size_t nr, alloc;
};

#define IDX_NETRC_INIT { NULL, 0, 0 }

/*
 * Parse netrc text (Python's netrc basics: whitespace-separated tokens,
 * double-quoted tokens with backslash escapes, # comments at the start of a
 * token, `machine`/`default`/`login`/`password`/`account`, `macdef`
 * skipped up to an empty line).  `file` names the source in errors.
 */
int idx_netrc_parse(struct idx_netrc *n, const char *text, size_t len,
		    const char *file, struct cvl_error *err) WARN_UNUSED_RESULT;
/* The entry for `host` (case-insensitive), else the default, else NULL. */
const struct idx_netrc_entry *idx_netrc_lookup(const struct idx_netrc *n,
					       const char *host);
void idx_netrc_release(struct idx_netrc *n);

/* ======================================================================
 * The client: indexes, strategy, batches for the resolver (client.c,
 * metadata.c).  Owned by the client engineer.
 * ====================================================================== */

/*
 * Where a project's files come from:
 *   - the index URL (PEP 503/691 "simple" root; http(s):// or file://) and
 *     the extra index URLs, in that order: a project page is
 *     <index URL>/<canonical name>/ (a trailing '/' is added to the index
 *     URL when missing; a local directory becomes a file:// URL, whose
 *     pages are read from <dir>/<name>/index.html).  404 (or a missing
 *     file) means "not on this index"; any other error is reported, not
 *     skipped.
 *   - find-links: local directories (scanned for distribution files) and
 *     URLs of flat listings (HTML, every anchor of any project); always
 *     merged in, whatever the strategy.
 * Files of several sources are deduplicated by file name, the first
 * source winning.  Pages fetched over http(s) keep only http(s) links.
 *
 * Strategy (defence against dependency confusion):
 *   first-index        a project's files come only from the first index
 *                      that has the project (the default)
 *   unsafe-best-match  the union of every index that has it
 */
enum idx_strategy {
	IDX_STRATEGY_FIRST_INDEX,
	IDX_STRATEGY_UNSAFE_BEST_MATCH,
};

/* "first-index" / "unsafe-best-match"; and back (false for an unknown name). */
const char *idx_strategy_name(enum idx_strategy s);
bool idx_strategy_parse(const char *s, size_t len, enum idx_strategy *out);

#define IDX_DEFAULT_INDEX_URL "https://pypi.org/simple/"

/*
 * The Accept header of project pages: PEP 691 JSON preferred, HTML
 * accepted.  Responses are parsed by their Content-Type (JSON when it is
 * application/vnd.pypi.simple.v1+json or application/json, else HTML).
 */
#define IDX_PAGE_ACCEPT                                                        \
	"application/vnd.pypi.simple.v1+json, "                                \
	"application/vnd.pypi.simple.v1+html;q=0.2, text/html;q=0.01"

/*
 * Client options (filled by cli/index_options.c from the command line,
 * the environment and [tool.cvlock]).  The strvecs are owned; the other
 * strings are borrowed and must outlive the client.
 */
struct idx_client_opts {
	const char *index_url;          /* NULL: IDX_DEFAULT_INDEX_URL */
	bool no_index;                  /* ignore index_url and extras */
	struct strvec extra_index_urls; /* in priority order */
	struct strvec find_links;       /* directories, file:// or http(s):// URLs */
	enum idx_strategy strategy;
	struct idx_http_opts http;      /* concurrency, cache, offline, ... */
};

void idx_client_opts_init(struct idx_client_opts *o);
void idx_client_opts_release(struct idx_client_opts *o);

struct idx_client;

int idx_client_new(struct idx_client **out, const struct idx_client_opts *opts,
		   struct cvl_error *err) WARN_UNUSED_RESULT;
void idx_client_free(struct idx_client *c);

/*
 * The merged page of one project, or an error for it: rc is 0, or e.g.
 *     -CVL_ENOTFOUND  project 'foo' was not found in any index
 *     -CVL_ENETWORK   an index error: a failed request (URL, status and
 *                     cause in err), or a malformed or oversized page
 *                     (its URL and the problem in err)
 *     -CVL_EIO        a local index or find-links directory unreadable
 *     -CVL_EUSAGE     invalid project name '../x' (nothing is fetched)
 * `page` holds the files of every source that contributed (first-index:
 * the first index that has the project, plus find-links), in source order,
 * only files of this project; page->url is the URL of the first source.
 * The page belongs to the callee: keep it by moving the struct
 * (`mine = *page; *page = (struct idx_page)IDX_PAGE_INIT;`), otherwise it
 * is released after the call.  `page` is NULL when rc != 0.
 */
typedef void (*idx_page_fn)(const char *name, struct idx_page *page, int rc,
			    const struct cvl_error *err, void *data);

/*
 * Queue the pages of `n` project names (any spelling; canonicalized).
 * Nothing is fetched until idx_client_run(); callbacks come in completion
 * order, one per name, and may queue more work (it joins the same run).
 * A name asked for again while its page is in flight is fetched once and
 * reported to each caller (each gets its own page); asked for after its
 * callbacks ran, it is fetched again (the HTTP cache usually answers).
 */
void idx_client_fetch_pages(struct idx_client *c, const char *const *names,
			    size_t n, idx_page_fn cb, void *data);

/*
 * The core metadata of one file, or an error for it: rc is 0, or e.g.
 *     -CVL_EHASH         metadata of 'foo-1.0-py3-none-any.whl' does not
 *                        match its sha256 (expected ..., got ...)
 *     -CVL_EUNSUPPORTED  sdist 'foo-1.0.tar.gz' needs a build to know its
 *                        dependencies (building sdists is not supported yet)
 *     -CVL_ENETWORK      a failed request, or a file the index serves that
 *                        cannot be read (a broken zip, malformed metadata,
 *                        metadata of another name or version)
 * `md` belongs to the callee as `page` above (move it and reset it to
 * PEP_METADATA_INIT to keep it); NULL when rc != 0.  Its name and version
 * were checked against the file's.
 */
typedef void (*idx_metadata_fn)(const struct idx_file *file,
				struct pep_metadata *md, int rc,
				const struct cvl_error *err, void *data);

/*
 * Queue the metadata of `n` files (from pages of this client, or any
 * struct idx_file with at least filename, url, kind, name and version_str
 * set).  The files must stay valid until their callbacks have run; the
 * callback gets the same pointer back.
 */
void idx_client_fetch_metadata(struct idx_client *c,
			       const struct idx_file *const *files, size_t n,
			       idx_metadata_fn cb, void *data);

/*
 * From a callback of idx_client_run(): the caller has what it needs.  The
 * work not done yet ends at once: its callbacks come with -CVL_EINTERNAL
 * ("cancelled"), and the run returns 0.
 */
void idx_client_stop(struct idx_client *c);

/* Run until all queued work (including work queued from callbacks) is done. */
int idx_client_run(struct idx_client *c, struct cvl_error *err)
	WARN_UNUSED_RESULT;

/* Counts for a progress line (cli/ prints it; index/ never does). */
struct idx_progress {
	size_t pages_done, pages_total;
	size_t metadata_done, metadata_total;
	size_t metadata_cached; /* metadata found in the cache by hash */
	struct idx_http_stats http;
};

/*
 * Called after each page or metadata result (before its callback); a
 * cheap callback, as it runs often.  NULL disables.
 */
typedef void (*idx_progress_fn)(const struct idx_progress *p, void *data);
void idx_client_set_progress(struct idx_client *c, idx_progress_fn fn,
			     void *data);
void idx_client_get_progress(const struct idx_client *c,
			     struct idx_progress *out);

/*
 * The metadata of one artifact through an HTTP handle (index/metadata.c),
 * in this order: the PEP 658/714 `<url>.metadata` file when advertised
 * (its hash checked); for wheels, range requests for the zip's end
 * records, central directory and *.dist-info/METADATA (a full download
 * when the server ignores Range); for sdists, PKG-INFO from the archive
 * when Metadata-Version >= 2.2 and Requires-Dist is not dynamic.  The
 * extracted METADATA is cached forever under the artifact's hash (the
 * metadata file's hash when advertised, so the wheels of a release that
 * share it share one entry).  `cb` is called exactly once: before
 * idx_metadata_fetch() returns on a cache hit, else from inside
 * idx_http_run().  `file` must stay valid until then.
 */
void idx_metadata_fetch(struct idx_http *h, const struct idx_file *file,
			idx_metadata_fn cb, void *data);

#endif
