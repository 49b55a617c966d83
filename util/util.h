/*
 * util.h - small shared pieces: allocation, errors, growable buffers,
 * string vectors, arenas.  Every other layer may use these.
 *
 * Allocation failure aborts inside x*alloc() (git's xmalloc); callers never
 * check for NULL.  Hostile sizes are bounded by explicit limits instead
 * (see strbuf.limit).
 */
#ifndef CVL_UTIL_H
#define CVL_UTIL_H

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#if defined(__GNUC__)
#define CVL_PRINTF(f, a) __attribute__((format(printf, f, a)))
#define WARN_UNUSED_RESULT __attribute__((warn_unused_result))
#define CVL_NORETURN __attribute__((noreturn))
#else
#define CVL_PRINTF(f, a)
#define WARN_UNUSED_RESULT
#define CVL_NORETURN
#endif

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* ---- allocation -------------------------------------------------------- */

void *xmalloc(size_t n);
void *xcalloc(size_t nmemb, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xmemdup0(const void *p, size_t n); /* copy n bytes and a NUL */

/*
 * Grow `array` (of `alloc` elements) so that it holds at least `nr` elements.
 * Usage: ALLOC_GROW(v->items, v->nr + 1, v->alloc);
 */
#define ALLOC_GROW(array, nr, alloc)                                           \
	do {                                                                   \
		if ((size_t)(nr) > (size_t)(alloc)) {                          \
			size_t alloc_grow_n_ = (alloc) ? (size_t)(alloc) : 4;  \
			while (alloc_grow_n_ < (size_t)(nr))                   \
				alloc_grow_n_ = alloc_grow_n_ * 3 / 2 + 8;     \
			(array) = xrealloc((array),                            \
					   alloc_grow_n_ * sizeof(*(array)));  \
			(alloc) = alloc_grow_n_;                               \
		}                                                              \
	} while (0)

CVL_NORETURN void cvl_bug(const char *file, int line, const char *fmt, ...)
	CVL_PRINTF(3, 4);
#define BUG(...) cvl_bug(__FILE__, __LINE__, __VA_ARGS__)

/* ---- errors ------------------------------------------------------------ */

/*
 * Error codes, one X-macro: code name, exit status, short text.
 * Library code returns 0 or -CVL_E<name> and fills a struct cvl_error.
 * Only cli/ maps codes to exit statuses.
 */
#define CVL_ERRORS(X)                                                          \
	X(USAGE, 2, "usage error")                                             \
	X(INVAL, 2, "invalid input")                                         \
	X(UNSUPPORTED, 2, "not supported")                                     \
	X(NOTFOUND, 1, "not found")                                            \
	X(UNSAT, 1, "no solution")                                             \
	X(UNDEFINED, 1, "undefined")                                           \
	X(NETWORK, 3, "network error")                                         \
	X(IO, 4, "input/output error")                                         \
	X(HASH, 5, "hash mismatch")                                            \
	X(TOOBIG, 2, "input too large")                                        \
	X(INTERNAL, 70, "internal error")

enum cvl_errcode {
	CVL_OK = 0,
#define CVL_X_ENUM(name, st, text) CVL_E##name,
	CVL_ERRORS(CVL_X_ENUM)
#undef CVL_X_ENUM
	CVL_E_COUNT
};

const char *cvl_errcode_text(int code); /* accepts code or -code */
int cvl_errcode_exit_status(int code);  /* accepts code or -code */

/*
 * An error with its context.  Owned by the caller, usually on the stack;
 * needs no release.  line/column are 1-based, 0 when unknown.
 */
struct cvl_error {
	int code; /* CVL_E*, positive; 0 when no error */
	int line;
	int column;
	char file[256];
	char msg[512];
	char hint[256];
};

#define CVL_ERROR_INIT {0}

/*
 * Fill `err` (which may be NULL) and return -code, so a function can end
 * with `return cvl_error_set(err, CVL_EINVAL, ...)`.
 */
int cvl_error_set(struct cvl_error *err, int code, const char *fmt, ...)
	CVL_PRINTF(3, 4);
int cvl_error_setv(struct cvl_error *err, int code, const char *fmt,
		   va_list ap) CVL_PRINTF(3, 0);
/* Set the position (1-based column) of an error already filled in. */
void cvl_error_at(struct cvl_error *err, int line, int column);
void cvl_error_hint(struct cvl_error *err, const char *fmt, ...)
	CVL_PRINTF(2, 3);
void cvl_error_file(struct cvl_error *err, const char *file);
void cvl_error_clear(struct cvl_error *err);

/* ---- strbuf: one growable, NUL-terminated buffer ------------------------ */

/*
 * buf is never NULL (it points at a shared empty string until the first
 * growth).  `limit`, when non-zero, caps len: growth beyond it makes
 * strbuf_grow() return -CVL_ETOOBIG and leaves the buffer as it was
 * (for anything read from the network).  The unchecked helpers below
 * BUG() on a limited buffer that overflows, so use strbuf_add_checked()
 * for untrusted input.
 */
struct strbuf {
	size_t alloc;
	size_t len;
	size_t limit;
	char *buf;
};

extern char strbuf_slopbuf[];
#define STRBUF_INIT { 0, 0, 0, strbuf_slopbuf }

void strbuf_init(struct strbuf *sb, size_t hint);
void strbuf_release(struct strbuf *sb);
char *strbuf_detach(struct strbuf *sb, size_t *len);
void strbuf_reset(struct strbuf *sb);
void strbuf_setlen(struct strbuf *sb, size_t len);
int strbuf_grow(struct strbuf *sb, size_t extra) WARN_UNUSED_RESULT;
void strbuf_add(struct strbuf *sb, const void *data, size_t len);
int strbuf_add_checked(struct strbuf *sb, const void *data,
		       size_t len) WARN_UNUSED_RESULT;
void strbuf_addstr(struct strbuf *sb, const char *s);
void strbuf_addch(struct strbuf *sb, int c);
void strbuf_addf(struct strbuf *sb, const char *fmt, ...) CVL_PRINTF(2, 3);
void strbuf_vaddf(struct strbuf *sb, const char *fmt, va_list ap)
	CVL_PRINTF(2, 0);
void strbuf_add_u64(struct strbuf *sb, uint64_t v);

/* ---- cvl_str: a by-value slice ----------------------------------------- */

struct cvl_str {
	const char *p;
	size_t len;
};

#define CVL_STR(lit) ((struct cvl_str){ (lit), sizeof(lit) - 1 })
static inline struct cvl_str cvl_str_of(const char *s, size_t len)
{
	struct cvl_str r = { s, len };
	return r;
}
struct cvl_str cvl_str_from(const char *cstr);
bool cvl_str_eq(struct cvl_str a, struct cvl_str b);
bool cvl_str_eq_cstr(struct cvl_str a, const char *s);

/* ---- strvec: a vector of owned NUL-terminated strings ------------------- */

struct strvec {
	char **v; /* NULL-terminated once non-empty; never NULL itself */
	size_t nr;
	size_t alloc;
};

extern const char *strvec_empty[];
#define STRVEC_INIT { (char **)strvec_empty, 0, 0 }

void strvec_init(struct strvec *sv);
void strvec_push(struct strvec *sv, const char *s);
void strvec_pushn(struct strvec *sv, const char *s, size_t len);
void strvec_pushf(struct strvec *sv, const char *fmt, ...) CVL_PRINTF(2, 3);
void strvec_sort(struct strvec *sv); /* bytewise */
void strvec_clear(struct strvec *sv);

/* ---- arena: bump allocation for parse-lifetime data --------------------- */

struct arena_block;
struct arena {
	struct arena_block *head;
	size_t used;
	size_t cap;
};

#define ARENA_INIT { NULL, 0, 0 }

void *arena_alloc(struct arena *a, size_t n); /* 16-byte aligned */
char *arena_strndup(struct arena *a, const char *s, size_t n);
void arena_release(struct arena *a);

/* ---- sha256 (util/sha256.c, FIPS 180-4) -------------------------------- */

/*
 * SHA-256 without libcrypto, for small inputs (cache keys, the inputs
 * hash, lock hashing): a warm resolve never loads libcrypto.  Bulk hashing
 * (wheels) uses libcrypto's faster code (util.h, cvl_lib_load).
 *
 *   struct sha256_ctx c;
 *
 *   sha256_init(&c);
 *   sha256_update(&c, part1, len1);
 *   sha256_update(&c, part2, len2);
 *   sha256_final(&c, md);            (md: 32 bytes; c must be inited again)
 */
struct sha256_ctx {
	uint32_t h[8];
	uint64_t nbytes;
	unsigned char block[64];
	size_t fill; /* bytes in block */
};

void sha256_init(struct sha256_ctx *c);
void sha256_update(struct sha256_ctx *c, const void *data, size_t len);
void sha256_final(struct sha256_ctx *c, unsigned char md[32]);

/* Write the lowercase hex SHA-256 of `len` bytes at `data` and a NUL to `out`. */
void sha256_hex(const void *data, size_t len, char out[65]);

/* The lowercase hex of a digest `md` and a NUL, to `out`. */
void sha256_to_hex(const unsigned char md[32], char out[65]);

/*
 * The same digests for whole files (util/sha256_bulk.c): through
 * libcrypto, loaded now if needed, for 1 MiB and more (where its SHA-NI
 * code repays loading it); through the code above for less, or when
 * libcrypto cannot be loaded.  Programs that call these link libcrypto
 * (cvlock: the shims).
 */
void sha256_bulk(const void *data, size_t len, unsigned char md[32]);
void sha256_hex_bulk(const void *data, size_t len, char out[65]);

/* ---- URLs (util/url.c, RFC 3986) --------------------------------------- */

/*
 * The parts of a URL as slices into it (RFC 3986 appendix B, with the
 * authority split at the last '@' and the port after the last ':').  The
 * has_* flags tell an empty part from a missing one ("a?" has an empty
 * query).  The scheme is recognized only when it is syntactically one.
 */
struct url_parts {
	struct cvl_str scheme;   /* without the ':' */
	struct cvl_str userinfo; /* "user:password", without the '@' */
	struct cvl_str host;     /* "[::1]" keeps its brackets */
	struct cvl_str port;
	struct cvl_str path;
	struct cvl_str query;    /* without the '?' */
	struct cvl_str fragment; /* without the '#' */
	bool has_scheme, has_authority, has_userinfo, has_port;
	bool has_query, has_fragment;
};

void url_split(const char *url, size_t len, struct url_parts *out);
/* Has a scheme ("https:", "file:"). */
bool url_is_absolute(const char *url);
/*
 * Append to `out` the RFC 3986 (section 5.2, strict) resolution of the
 * reference `ref` against the absolute URL `base`: dot segments removed,
 * percent-encoding and case kept as they are.
 */
void url_resolve(const char *base, const char *ref, struct strbuf *out);
/*
 * Append `url` for messages: a password becomes "***" ("user:***@"), and
 * so does a lone user part, which is often a token ("***@").
 */
void url_redact(const char *url, struct strbuf *out);
/* Append `url` without its userinfo (cache keys, final URLs). */
void url_strip_credentials(const char *url, struct strbuf *out);
/* Append `url` without its fragment. */
void url_strip_fragment(const char *url, struct strbuf *out);
/*
 * Find `key=value` among the '&'-separated fields of a fragment
 * ("sha256=ab..&egg=x"); the value is a slice of `fragment`.
 */
bool url_fragment_get(struct cvl_str fragment, const char *key,
		      struct cvl_str *value);
/*
 * Append the percent-decoded bytes of `s`.  Invalid escapes stay as they
 * are; a decoded NUL byte is an error.
 */
int url_percent_decode(const char *s, size_t len, struct strbuf *out,
		       struct cvl_error *err) WARN_UNUSED_RESULT;
/*
 * file:///abs/path (or file://localhost/..., file:/abs) to the decoded
 * path, appended to `out`; the query and fragment are dropped.  Other
 * hosts and relative paths are errors.
 */
int url_to_path(const char *url, struct strbuf *out,
		struct cvl_error *err) WARN_UNUSED_RESULT;
/*
 * Append `url` with the bytes that may not appear in a URL (controls,
 * space, non-ASCII, '"<>\^`{|}') percent-encoded, as browsers and pip
 * do with the links of a page; '%' is left alone.
 */
void url_encode_unsafe(const char *url, size_t len, struct strbuf *out);
/* An absolute path to a file:// URL, percent-encoding what needs it. */
int url_from_path(const char *path, struct strbuf *out,
		  struct cvl_error *err) WARN_UNUSED_RESULT;

/* ---- atomic file writes (util/atomic_write.c) ---------------------------- */

/*
 * Replace `path` with `len` bytes of `data` atomically: write
 * "<path>.lock" (O_EXCL: fails with a hint when it already exists, as
 * another writer holds it), fsync, rename() over `path`.  On failure the
 * old file is untouched and the lock file removed; an interrupted process
 * removes it at exit or on SIGINT/SIGTERM/SIGHUP/SIGPIPE.  CVL_EIO.
 */
int atomic_write_file(const char *path, const void *data, size_t len,
		      struct cvl_error *err) WARN_UNUSED_RESULT;

/* ---- dates (util/date.c) ------------------------------------------------ */

/* Days since 1970-01-01 of proleptic Gregorian date y-m-d (m: 1-12). */
int64_t cvl_days_from_civil(int64_t y, int64_t m, int64_t d);

/* ---- paths (util/path.c) ------------------------------------------------- */

/*
 * The directory part of `path`: "a/b" for "a/b/c", "." for "c", "/" for
 * "/c" (appended to `out`, or as a new string); the last part: "c".
 */
void path_dirname(const char *path, struct strbuf *out);
char *path_dirname_dup(const char *path);
const char *path_basename(const char *path);

/* ---- running programs (util/run.c) ----------------------------------------- */

/*
 * Run argv[0] (looked up on PATH when it has no '/') with argv, stdin
 * from `stdin_path` (NULL: /dev/null), in directory `dir` (NULL: ours),
 * in its own process group.  stdout is collected into `out` (NULL:
 * discarded), stderr into `errout` (NULL: inherited).  Returns 0 when the
 * program ran, whatever its exit status (in `status`: the exit code, or
 * 128 + the signal); -CVL_ENOTFOUND when it does not exist; -CVL_EIO
 * when it cannot be started, outlives `timeout_ms` (then its process
 * group is killed) or prints more than `max_output` bytes.
 *
 *     const char *argv[] = { "git", "rev-parse", "--show-prefix", NULL };
 *     struct strbuf out = STRBUF_INIT;
 *     struct cvl_run r = { .argv = argv, .out = &out };
 *     if (cvl_run(&r, &err) == 0 && r.status == 0) ... out.buf ...
 */
struct cvl_run {
	const char *const *argv;
	const char *dir;
	const char *stdin_path;
	struct strbuf *out;
	struct strbuf *errout;
	size_t max_output; /* per stream; 0: 64 MiB */
	int timeout_ms;    /* 0: none */
	int status;        /* out */
};

int cvl_run(struct cvl_run *r, struct cvl_error *err) WARN_UNUSED_RESULT;

/* ---- libraries loaded on first use (util/lazylib.c) ----------------------- */

/*
 * Unless configured with --disable-lazy-libs, the cvlock binary is not
 * linked with libcurl and libarchive (with their ~40 dependencies they cost
 * 20-35 ms of every start) nor libcrypto (its relocations and
 * initialization were a quarter of a warm resolve): it dlopen()s them on
 * first use, through shims of the curl_*, archive_* and EVP_* functions
 * that index/ and sync/ call (util/lazylib_shims.c).  A shim that must
 * load its library and cannot fails the way the real function fails:
 * curl_global_init() returns an error, archive_read_new() a handle on
 * which every call fails with ARCHIVE_FATAL and the reason as
 * archive_error_string(), EVP_sha256() and EVP_MD_CTX_new() NULL and the
 * EVP_Digest* calls 0.  Callers of EVP_* ask cvl_lib_load() first, for
 * the message.
 *
 * cvl_lib_load() loads `lib` now (once: later calls return the first
 * result): 0, or -CVL_EINTERNAL with "cannot load libcurl (libcurl.so.4):
 * <dlerror>" and a hint naming the package.  In a build linked directly
 * it returns 0 at once.  CVLOCK_LIBCURL, CVLOCK_LIBARCHIVE and
 * CVLOCK_LIBCRYPTO name another file to load (the tests make loading fail with them).  Loading runs
 * under pthread_once(): any thread may load; a caller that starts threads
 * may still load first to report a failure once (sync_download does).
 */
enum cvl_lib { CVL_LIB_CURL, CVL_LIB_ARCHIVE, CVL_LIB_CRYPTO, CVL_LIB_COUNT };

int cvl_lib_load(enum cvl_lib lib, struct cvl_error *err) WARN_UNUSED_RESULT;

/* Whether `lib` is loaded (always true in a build linked directly). */
bool cvl_lib_loaded(enum cvl_lib lib);

/* Last, so that the system headers above are already declared. */
#include "util/banned.h"

#endif
