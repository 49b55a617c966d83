/*
 * internal.h - private helpers shared inside index/ (prefix idx__).
 * One marked section per part; nothing outside index/ includes this.
 */
#ifndef CVL_INDEX_INTERNAL_H
#define CVL_INDEX_INTERNAL_H

#include "index/index.h"

/* ---- page parsers and zip (index/page.c, page_json.c, page_html.c, zip.c) */

/* Bodies larger than this are refused before parsing (the transport caps too). */
#define IDX_PAGE_MAX_SIZE ((size_t)64 << 20)

/* "sha256" etc. (ASCII case-insensitive) to its algorithm; -1 when unknown. */
int idx__hash_alg_from_name(const char *name, size_t len);
const char *idx__hash_alg_name(enum idx_hash_alg alg);

/*
 * Add a hash given as hex (any case) to a hash array, lowercased (the
 * string in arena `a`), after checking its length and digits.  A second
 * value for the same algorithm must be equal.  On error, `err` holds the
 * problem without its context ("expected 64 hex digits for sha256, got
 * 'abc'").
 */
int idx__hash_add(struct arena *a, struct idx_hash *hashes, size_t *nhashes,
		  enum idx_hash_alg alg, const char *hex, size_t len,
		  struct cvl_error *err) WARN_UNUSED_RESULT;

/*
 * Start a page: release `page`, canonicalize `name` (NULL: a flat
 * listing) and keep the base URL.
 */
void idx__page_begin(struct idx_page *page, const char *name,
		     const char *base_url);

/*
 * Append a file named `filename` at `url` (absolute, kept without its
 * fragment): kind, canonical name and version from the file name (an
 * unparsable name, or one of another project than the page's, makes an
 * IDX_FILE_OTHER), no hashes, unknown size and upload time.  The
 * returned pointer is valid until the next file is added.
 */
struct idx_file *idx__page_add_file(struct idx_page *page,
				    const char *filename, size_t filename_len,
				    const char *url, size_t url_len);

/* Make room for `n` more files at once (no slack, no moves while adding). */
void idx__page_reserve(struct idx_page *page, size_t n);

/*
 * Append a copy of `f` (a file of another page) to `page`: its strings,
 * hashes and wheel copied into the page's arena, its version shared with
 * the page's files of that version or copied.
 */
struct idx_file *idx__page_copy_file(struct idx_page *page,
				     const struct idx_file *f);

/*
 * The hashes in a URL fragment ("#sha256=..."; pip's algorithms we
 * know), added to the file's hashes.
 */
int idx__file_add_fragment_hashes(struct idx_page *page, struct idx_file *f,
				  struct cvl_str fragment,
				  struct cvl_error *err) WARN_UNUSED_RESULT;

/*
 * A parsed page as compact bytes (index/page_codec.c), appended to `out`,
 * and back: decode fills `page` (released first) and takes `data`'s
 * buffer (its strings point into it; `data` is left empty), or returns
 * -1 with the page empty and `data` untouched when the bytes are damaged,
 * truncated or of another format version.  decode(encode(p)) holds the
 * same files, in the same order, as p.
 */
void idx__page_encode(const struct idx_page *page, struct strbuf *out);
int idx__page_decode(struct idx_page *page, struct strbuf *data)
	WARN_UNUSED_RESULT;

/*
 * Fill `err` with "invalid project page '<url redacted>': <detail>" and
 * return -code.
 */
int idx__page_error(struct cvl_error *err, int code, const char *url,
		    const char *fmt, ...) CVL_PRINTF(4, 5);

/*
 * ISO 8601 / RFC 3339 date and time ("2024-01-31T12:00:00.123456Z") to
 * Unix seconds; no zone means UTC.  Returns 0, or -1 when malformed.
 */
int idx__parse_iso8601(const char *s, size_t len, int64_t *out);

/* Append `s` for a message: at most 80 bytes, control bytes as \xNN. */
void idx__msg_quote(struct strbuf *out, const char *s, size_t len);

/* ---- end of page parsers and zip ---------------------------------------- */

/* ---- JSON pull reader (index/json_scan.c) ------------------------------- */

/* Values nested deeper than this are refused (jansson's limit; a scalar
 * counts as a level too). */
#define IDX__JSON_MAX_DEPTH 2048

enum idx__json_token {
	IDX__JSON_ERROR = -1,
	IDX__JSON_EOF = 0,	/* after the top-level value: nothing left */
	IDX__JSON_OBJECT,	/* '{' */
	IDX__JSON_OBJECT_END,	/* '}' */
	IDX__JSON_ARRAY,	/* '[' */
	IDX__JSON_ARRAY_END,	/* ']' */
	IDX__JSON_KEY,		/* str/len; its ':' is read too */
	IDX__JSON_STRING,	/* str/len */
	IDX__JSON_INTEGER,	/* integer */
	IDX__JSON_REAL,		/* real */
	IDX__JSON_TRUE,
	IDX__JSON_FALSE,
	IDX__JSON_NULL,
};

/*
 * Reading one document: idx__json_init(), then idx__json_next() until
 * IDX__JSON_EOF or IDX__JSON_ERROR, then idx__json_release().  A KEY or
 * STRING is str/len: valid UTF-8 without NUL, pointing into the body, or
 * into the scratch buffer (valid until the next token) when it held
 * escapes; it is not NUL-terminated.  On IDX__JSON_ERROR, errmsg says
 * what is wrong at err_at (see idx__json_position()) and every later call
 * fails too.
 */
struct idx__json {
	const char *start, *end;
	const char *p;		/* next byte to read */
	const char *tok;	/* where the last token began */
	const char *str;
	size_t len;
	int64_t integer;
	double real;
	unsigned depth;		/* containers open */
	int state;
	struct strbuf scratch;
	const char *err_at;
	char errmsg[96];
	unsigned char kind[IDX__JSON_MAX_DEPTH / 8]; /* bit set: an object */
};

/* A place to come back to (idx__json_seek), e.g. right after a KEY. */
struct idx__json_mark {
	const char *p, *tok;
	unsigned depth;
	int state;
};

void idx__json_init(struct idx__json *j, const char *body, size_t len);
void idx__json_release(struct idx__json *j);
int idx__json_next(struct idx__json *j);
/*
 * After `tok` (a value's first token) came, read up to the end of that
 * value: nothing for a scalar, up to the matching closer for an object or
 * an array.  Returns 0, or -1 on a syntax error.
 */
int idx__json_skip(struct idx__json *j, int tok);
/*
 * Read the rest of the document (what remains of every container open,
 * then the end).  Returns 0 when it is all valid, otherwise -1.
 */
int idx__json_finish(struct idx__json *j);
/*
 * Marks taken and used while the containers around them are still open
 * (or just closed, with no other opened since): seeking back re-reads
 * the document from there, a part already read once.
 */
void idx__json_mark(const struct idx__json *j, struct idx__json_mark *m);
void idx__json_seek(struct idx__json *j, const struct idx__json_mark *m);
/* 1-based line and column (in characters) of `at` in the body. */
void idx__json_position(const struct idx__json *j, const char *at, int *line,
			int *column);

/* ---- end of JSON pull reader -------------------------------------------- */

#endif
