/*
 * internal.h - what the files of toml/ share and nobody else uses: the
 * private flags of tables and arrays, and the tree-building and date-time
 * helpers the parser calls.
 */
#ifndef CVL_TOML_INTERNAL_H
#define CVL_TOML_INTERNAL_H

#include "toml/toml.h"

/*
 * How a table came to exist decides what may still be added to it later
 * (TOML 1.0, "Table" and "Inline Table"):
 *   no flag         implicit: created on the way to a [x.y] header (x
 *                   here).  A later [x] header may still define it, once,
 *                   and dotted keys may add to it (which defines it, as
 *                   Python's tomllib does);
 *   TOML_TBL_HEADER defined by its own [header] (or an [[array]] element):
 *                   closed to dotted keys from other sections;
 *   TOML_TBL_DOTTED created (or first added to) by a dotted key: more
 *                   dotted keys may add to it, a header may only define
 *                   sub-tables below it;
 *   TOML_TBL_INLINE an inline table: closed once its '}' is read.
 * Sections cannot be reopened, so "dotted keys of the same section" needs
 * no bookkeeping of its own.
 */
#define TOML_TBL_HEADER 0x1u
#define TOML_TBL_DOTTED 0x2u
#define TOML_TBL_INLINE 0x4u

/* An array built by [[header]]s, as opposed to a closed [ ... ] value. */
#define TOML_ARR_TABLES 0x1u

/* ---- parse.c: the parser state, shared with scalar.c -------------------- */

/* One part of a dotted key, decoded, NUL-terminated, in the arena. */
struct toml_keypart {
	const char *s;
	size_t len;
	int line, column;
};

struct toml_parser {
	const char *buf; /* the document, after any byte order mark */
	size_t len;
	size_t pos;      /* the next byte to read */
	struct arena *arena;
	struct cvl_error *err;
	struct strbuf scratch; /* decoding buffer for strings */
	/* the key being parsed (reused for every key) */
	struct toml_keypart *parts;
	size_t nparts;
	size_t parts_alloc;
	/* toml_parser_where()'s memory: the line of byte lc_pos */
	size_t lc_pos;
	size_t lc_line_start;
	int lc_line;
};

/* Line and 1-based byte column of byte `pos` of the document. */
void toml_parser_where(struct toml_parser *p, size_t pos, int *line,
		       int *column);
/* Fill p->err with the message and the position of `pos`; -CVL_EINVAL. */
int toml_parser_fail(struct toml_parser *p, size_t pos, const char *fmt, ...)
	CVL_PRINTF(3, 4);
/*
 * Describe the character at `pos` for a message, into `out`: 'x' for
 * printable ASCII and other characters, U+000B for control characters,
 * "end of file" past the end.
 */
void toml_parser_describe(struct toml_parser *p, size_t pos, char out[24]);

/* ---- scalar.c: strings, numbers, booleans, dates ------------------------ */

/*
 * The string at p->pos (the byte there is '"' or '\''), decoded into the
 * arena: *out is NUL-terminated.  Multi-line forms are refused when
 * `multiline_ok` is false (keys).
 */
int toml_parse_string(struct toml_parser *p, bool multiline_ok,
		      struct cvl_str *out);
/*
 * A bare value at p->pos: a boolean, number, inf, nan, or date-time.
 * Sets v's type and payload.
 */
int toml_parse_bare_value(struct toml_parser *p, struct toml_value *v);

/* ---- utf8.c ------------------------------------------------------------ */

/*
 * Length (1..4) of the well-formed UTF-8 sequence at s (n bytes left), or
 * 0 when it is not well-formed (overlong, surrogate, above U+10FFFF,
 * truncated, stray continuation byte).
 */
size_t toml_utf8_len(const char *s, size_t n);
/* Append code point `c` (a Unicode scalar value) as UTF-8. */
void toml_utf8_put(struct strbuf *sb, uint32_t c);

/* ---- tree.c ------------------------------------------------------------ */

struct toml_value *toml_value_new(struct arena *a, enum toml_type type,
				  int line, int column);
/* The value under `key` in `t`, or NULL. */
struct toml_value *toml_table_find(const struct toml_table *t, const char *key,
				   size_t len);
/*
 * Append `key` (already copied into the arena, NUL-terminated) to `t`;
 * the caller has checked that it is absent.
 */
void toml_table_add(struct arena *a, struct toml_table *t, const char *key,
		    size_t len, int line, int column, struct toml_value *value);
void toml_array_push(struct arena *a, struct toml_array *arr,
		     struct toml_value *value);

/* ---- datetime.c -------------------------------------------------------- */

/*
 * Does the value starting at `p` (with `n` bytes left) have the shape of a
 * date (DDDD-) or a time (DD:)?  Then toml_datetime_parse() must read it.
 */
bool toml_datetime_starts(const char *p, size_t n);

/*
 * Read an RFC 3339 date, time, or date-time at `p` into `v` (setting its
 * type and u.datetime, with the normal text copied into `a`) and store the
 * number of bytes read in *used.  On failure returns -1 with *why set to a
 * static reason ("month out of range", ...) and *used set to the length of
 * the malformed token, for the message.
 */
int toml_datetime_parse(const char *p, size_t n, struct arena *a,
			struct toml_value *v, size_t *used, const char **why);

#endif
