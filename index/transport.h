/*
 * transport.h - private pieces shared by index/http.c, cache.c and auth.c
 * (not part of the index/ API: see index.h for that).
 */
#ifndef CVL_INDEX_TRANSPORT_H
#define CVL_INDEX_TRANSPORT_H

#include "index/index.h"

/* ---- URLs (auth.c) ------------------------------------------------------ */

/*
 * The parts of an absolute URL that the transport needs.  `clean` is the
 * URL without its userinfo and fragment (what goes to libcurl, to cache
 * keys and into final_url); user and password are percent-decoded.
 * (Redaction for messages: url_redact() in util/.)
 */
struct tr_url {
	char *scheme; /* lowercase */
	char *user;   /* or NULL */
	char *password; /* or NULL */
	char *host;   /* lowercase, without brackets for IPv6; "" for file:/// */
	long port;    /* -1 when not given */
	char *clean;
};

/* 0, or -CVL_EINVAL for something that is not an absolute URL. */
int tr_url_parse(struct tr_url *u, const char *url, struct cvl_error *err)
	WARN_UNUSED_RESULT;
void tr_url_release(struct tr_url *u);

/* ---- credentials (auth.c) ---------------------------------------------- */

struct tr_cred {
	char *hostport; /* "host:port" or "host" */
	char *user;
	char *password;
};

/*
 * Credentials known to one transport: those written into URLs (learned
 * as requests are submitted, so that files on the index's host get the
 * index's credentials, as pip does) and the netrc file.
 */
struct tr_auth {
	struct tr_cred *creds;
	size_t nr, alloc;
	struct idx_netrc netrc;
};

/* Read the netrc file (NULL or missing: none).  Errors are parse errors. */
int tr_auth_init(struct tr_auth *a, const char *netrc_path,
		 struct cvl_error *err) WARN_UNUSED_RESULT;
void tr_auth_release(struct tr_auth *a);
/* Remember the credentials of `u` when it has any. */
void tr_auth_learn(struct tr_auth *a, const struct tr_url *u);
/*
 * The credentials for `u`: its own, else learned ones for its host and
 * port, else netrc's for its host.  Returns false when none.  Pointers
 * borrow from `u` or `a`.
 */
bool tr_auth_lookup(const struct tr_auth *a, const struct tr_url *u,
		    const char **user, const char **password);

/* ---- file:// URLs (http_file.c) ----------------------------------------- */

struct tr_file_result {
	int status;        /* 200 or 206; 404 or 416 with an error; else 0 */
	uint64_t total_size;
	const char *content_type; /* from the file name */
};

/*
 * Read the file a file: URL names into `body` (replacing it), honouring
 * req's range and max_size (0: 64 MiB); a directory serves its
 * index.html.  On an error, `err` holds the cause alone (the caller
 * names the URL): -CVL_ENOTFOUND, -CVL_ETOOBIG, -CVL_EIO, -CVL_EINVAL,
 * -CVL_EUNSUPPORTED (a remote host), -CVL_ENETWORK (a range past the end).
 */
int tr_file_fetch(const char *url, const struct idx_request *req,
		  struct strbuf *body, struct tr_file_result *res,
		  struct cvl_error *err) WARN_UNUSED_RESULT;
/* "64 MiB", or "1000 bytes" when not a whole number of MiB. */
void tr_size_phrase(struct strbuf *sb, size_t n);

/* ---- cache entries (cache.c) --------------------------------------------- */

enum {
	TR_CACHE_FORMAT = 1,
};
/* The directory of format TR_CACHE_FORMAT's entries under the cache. */
#define TR_HTTP_SUBDIR "http-v1"

/*
 * One cached response.  Times are Unix seconds.  The body is only loaded
 * by tr_cache_load(); strings are owned.
 */
struct tr_entry {
	char *key;
	char *url;      /* without credentials */
	char *final_url;
	char *content_type;
	char *etag;
	char *last_modified;
	int status;
	int64_t stored;   /* when the response (or its last 304) arrived */
	int64_t age;      /* the Age header at that time */
	int64_t max_age;  /* freshness lifetime; -1 unknown (always stale) */
	bool no_cache;    /* must revalidate before each use */
	bool forever;     /* IDX_CACHE_FOREVER */
	struct strbuf body;
};

void tr_entry_init(struct tr_entry *e);
void tr_entry_release(struct tr_entry *e);

/* Fresh at `now`: no-cache unset and the current age below max-age. */
bool tr_entry_fresh(const struct tr_entry *e, int64_t now);

/*
 * Freshness from response headers (any may be NULL): Cache-Control
 * max-age / no-cache / no-store, else Expires - Date.  Sets e->max_age,
 * e->no_cache and e->age; returns false for no-store (never store).
 */
bool tr_entry_set_freshness(struct tr_entry *e, const char *cache_control,
			    const char *expires, const char *date,
			    const char *age);

/*
 * Load the entry for `key`: 1 found (e filled), 0 miss (a corrupt or torn
 * entry is removed and counts as a miss), <0 on an error.
 */
int tr_cache_load(const struct idx_cache *c, const char *key,
		  struct tr_entry *e, struct cvl_error *err) WARN_UNUSED_RESULT;
/* Store `e` (e->key set) atomically. */
int tr_cache_store(const struct idx_cache *c, const struct tr_entry *e,
		   struct cvl_error *err) WARN_UNUSED_RESULT;
/* Remove the entry for `key` if present. */
void tr_cache_remove(const struct idx_cache *c, const char *key);

/* Serialize / parse an entry (exposed for the unit tests). */
void tr_entry_serialize(const struct tr_entry *e, struct strbuf *out);
/* 0, or -CVL_EINVAL when `data` is not a complete entry for `key`. */
int tr_entry_parse(struct tr_entry *e, const char *key, const char *data,
		   size_t len);

/*
 * Parse the header of an entry into `e` (without the body).  Sets
 * *hdr_len to the offset of the body and *body_len to the declared
 * length.  0, or -CVL_EINVAL for anything but a well-formed header.
 */
int tr_entry_parse_header(struct tr_entry *e, const char *data, size_t len,
			  size_t *hdr_len, uint64_t *body_len);
/* Remove `path` only if it is still the file `st` describes (same inode). */
struct stat;
void tr_unlink_if_same(const char *path, const struct stat *st);

/*
 * May entry `e` of the cache answer without asking the server: it is
 * fresh (and --refresh is off), immutable, or the client is --offline.
 * The rule of every cached response of `h`.
 */
bool tr_http_may_reuse(const struct idx_http *h, const struct tr_entry *e);
/* Count an answer that the cache gave outside `h` (the client's pages). */
void tr_http_count_cache_hit(struct idx_http *h);

/* Path of the entry file for `key` (appended to `out`). */
void tr_cache_path(const struct idx_cache *c, const char *key,
		   struct strbuf *out);

#endif
