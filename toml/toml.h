/*
 * toml.h - TOML 1.0.0 (prefix toml_): a parser into a tree, lookup helpers,
 * and the escaping helpers that writers use.
 *
 * No I/O, no printing, no global state.  toml_parse() takes a pointer and a
 * length (the input need not be NUL-terminated) and either builds the whole
 * tree or rejects the document with one error: err->line and err->column
 * (1-based; the column counts bytes from the start of the line) point at
 * the offending spot and err->msg says what is wrong, e.g.
 *     duplicate key 'a'
 *     expected '=' after key
 *     invalid escape '\q' in string
 * A caller prints it as "file:line:column: msg".  Everything that TOML 1.0
 * forbids is rejected: invalid UTF-8, control characters, bad escapes,
 * integers outside int64, duplicate keys and tables, redefinitions through
 * dotted keys or inline tables, and so on.  Two choices where TOML 1.0
 * leaves room: a float literal beyond the range of a double (1e400) is
 * rejected rather than read as inf, and dotted keys may add to a table
 * that so far only exists because a [x.y] header implied it (as Python's
 * tomllib allows), which then counts as defined by them.
 *
 * The whole tree lives in one arena owned by struct toml_doc, so the
 * values stay valid until toml_doc_release().
 *
 * Files (toml/internal.h holds what they share):
 *   toml/parse.c     documents: lines, comments, keys, headers, arrays,
 *                    inline tables, the rules on redefinition
 *   toml/scalar.c    strings (all four forms), integers, floats, booleans
 *   toml/datetime.c  the four date and time forms and their normal text
 *   toml/tree.c      tables, arrays, lookup, typed getters
 *   toml/write.c     string escaping and key quoting for writers
 *   toml/utf8.c      UTF-8 validation and encoding
 */
#ifndef CVL_TOML_H
#define CVL_TOML_H

#include "util/util.h"

/*
 * Nesting limit: no value lies deeper than this many tables and arrays
 * below the root (whether nested inline or through keys and headers), so
 * recursive walkers of a parsed tree cannot overflow the stack.
 */
#define TOML_MAX_DEPTH 256

enum toml_type {
	TOML_TABLE = 1,
	TOML_ARRAY,
	TOML_STRING,
	TOML_INTEGER,
	TOML_FLOAT,
	TOML_BOOL,
	TOML_DATETIME,       /* offset date-time: 1979-05-27T07:32:00Z */
	TOML_DATETIME_LOCAL, /* local date-time: 1979-05-27T07:32:00 */
	TOML_DATE_LOCAL,     /* local date: 1979-05-27 */
	TOML_TIME_LOCAL,     /* local time: 07:32:00 */
};

/*
 * toml-test's name of a type: "table", "array", "string", "integer",
 * "float", "bool", "datetime", "datetime-local", "date-local",
 * "time-local" ("unknown" for anything else).
 */
const char *toml_type_name(enum toml_type type);

/*
 * A date, a time or both.  Fields that the type lacks are 0.  `text` is
 * the normal form for re-emission: uppercase 'T' between date and time
 * (never a space), uppercase 'Z', the fraction digits exactly as written,
 * e.g. "1979-05-27T00:32:00.999999-07:00".
 */
struct toml_datetime {
	int year, month, day;
	int hour, minute, second;
	uint32_t nanosecond; /* fraction of a second, digits past 9 dropped */
	int offset_minutes;  /* TOML_DATETIME only: east of UTC (-07:00 is -420) */
	bool offset_z;       /* TOML_DATETIME only: written as 'Z' */
	struct cvl_str text; /* NUL-terminated */
};

struct toml_value;

/* One key of a table, in the order in which the document defined it. */
struct toml_keyval {
	struct cvl_str key; /* NUL-terminated, but may contain NUL itself */
	int line, column;   /* where the key (its last dotted part) was written */
	struct toml_value *value;
};

/*
 * The fields after `nr` are private to toml/: use toml_table_get() and
 * friends to look keys up.
 */
struct toml_table {
	struct toml_keyval *items;
	size_t nr;
	size_t alloc;
	uint32_t *index;   /* hash of key -> items position + 1, or NULL */
	size_t index_size; /* power of two */
	unsigned flags;
	int depth;
};

struct toml_array {
	struct toml_value **items;
	size_t nr;
	size_t alloc;
	unsigned flags; /* private to toml/ */
	int depth;      /* private to toml/ */
};

/*
 * A value.  line and column locate its first character: the opening quote
 * of a string, the first digit or sign of a number, the '[' or '{' of an
 * inline array or table, the last name in a [table] or [[array]] header
 * (for the table and for the array), the key that created an implicit
 * table.  The root table is at 1:1.
 */
struct toml_value {
	enum toml_type type;
	int line, column;
	union {
		struct toml_table table;       /* TOML_TABLE */
		struct toml_array array;       /* TOML_ARRAY */
		struct cvl_str string;         /* TOML_STRING: NUL-terminated, may hold NUL */
		int64_t integer;               /* TOML_INTEGER */
		double fp;                     /* TOML_FLOAT */
		bool boolean;                  /* TOML_BOOL */
		struct toml_datetime datetime; /* the four date and time types */
	} u;
};

/* A parsed document: its root table and the arena holding everything. */
struct toml_doc {
	struct toml_value *root; /* a TOML_TABLE; NULL before a successful parse */
	struct arena arena;
};

#define TOML_DOC_INIT { NULL, ARENA_INIT }

/*
 * Parse `len` bytes of `buf` (a leading UTF-8 byte order mark is skipped).
 * `doc` need not be initialized: it is overwritten.  Returns 0, or
 * -CVL_EINVAL with err filled (msg, line, column); on failure doc holds no
 * tree and toml_doc_release() is still safe to call.
 */
int toml_parse(const char *buf, size_t len, struct toml_doc *doc,
	       struct cvl_error *err) WARN_UNUSED_RESULT;
void toml_doc_release(struct toml_doc *doc);

/* ---- lookup ------------------------------------------------------------ */

/*
 * Lookups take any value and return NULL when it is not of the expected
 * kind or the key or index is absent, so they chain:
 *     toml_table_get(toml_table_get(doc.root, "tool"), "cvlock")
 */
const struct toml_value *toml_table_get(const struct toml_value *tbl,
					const char *key);
const struct toml_value *toml_table_getn(const struct toml_value *tbl,
					 const char *key, size_t len);
size_t toml_table_size(const struct toml_value *tbl);
/* The i-th key in document order, or NULL past the end. */
const struct toml_keyval *toml_table_at(const struct toml_value *tbl,
					size_t i);
size_t toml_array_size(const struct toml_value *arr);
const struct toml_value *toml_array_at(const struct toml_value *arr, size_t i);

/*
 * Typed getters: true when `key` exists in `tbl` with that type (and *out
 * is set), false otherwise (and *out is untouched).
 */
bool toml_table_get_string(const struct toml_value *tbl, const char *key,
			   struct cvl_str *out);
bool toml_table_get_integer(const struct toml_value *tbl, const char *key,
			    int64_t *out);
bool toml_table_get_float(const struct toml_value *tbl, const char *key,
			  double *out);
bool toml_table_get_bool(const struct toml_value *tbl, const char *key,
			 bool *out);
/* The table or array under `key`, or NULL. */
const struct toml_value *toml_table_get_table(const struct toml_value *tbl,
					      const char *key);
const struct toml_value *toml_table_get_array(const struct toml_value *tbl,
					      const char *key);

/*
 * For readers that validate a document: look `key` up in `tbl` and check
 * its type.  Returns 0 with *out set (NULL when the key is absent and not
 * `required`), or -CVL_EINVAL with err at the value (or at `tbl` for a
 * missing key), e.g. "key 'version' must be a string, not an integer" or
 * "missing key 'name'".
 */
int toml_table_expect(const struct toml_value *tbl, const char *key,
		      enum toml_type type, bool required,
		      const struct toml_value **out,
		      struct cvl_error *err) WARN_UNUSED_RESULT;

/* ---- writer helpers ---------------------------------------------------- */

/*
 * Append `s` as a TOML basic string, quotes included.  Deterministic: '"'
 * and '\' are backslash-escaped, \b \t \n \f \r use their short escapes,
 * every other control character (U+0000..U+001F, U+007F) is written \uXXXX
 * with uppercase hex, and everything else (including non-ASCII UTF-8) is
 * copied as is.  Bytes that are not valid UTF-8 are written as U+FFFD, so
 * the output always parses.
 */
void toml_write_string(struct strbuf *out, const char *s, size_t len);
/* A key: bare when it is non-empty and only A-Za-z0-9_-, else quoted. */
void toml_write_key(struct strbuf *out, const char *key, size_t len);
/* True when `key` can be written bare. */
bool toml_key_is_bare(const char *key, size_t len);

#endif
