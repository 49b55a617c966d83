/* internal.h - private helpers shared by the pep/ sources. */
#ifndef CVL_PEP_INTERNAL_H
#define CVL_PEP_INTERNAL_H

#include "pep/pep.h"

/* ---- versions and specifiers (pep/version.c, pep/specifier.c) ---------- */

/* Shrink [*start, *end) of s past Python's Unicode whitespace (str.isspace). */
void pep__trim_space(const char *s, size_t *start, size_t *end);
/* Whether a whitespace character starts at s[p] (its length in *n). */
bool pep__is_space_at(const char *s, size_t end, size_t p, size_t *n);
/* Compare two normalized local labels as PEP 440 does; NULL sorts first. */
int pep__local_cmp(const char *a, const char *b);

/* Where and why a version failed to parse (pos: 0-based offset in s). */
struct pep__vperr {
	size_t pos;
	char why[200];
};
/* pep_version_parse() without the message; pe may be NULL. */
int pep__version_parse(struct pep_version *v, const char *s, size_t len,
		       struct pep__vperr *pe);
/* packaging's pre-release rank: 0 dev-only, 1 a, 2 b, 3 rc, 4 none. */
int pep__version_pre_rank(const struct pep_version *v);
/* Compare epoch and release only (trailing zeros ignored). */
int pep__version_cmp_base(const struct pep_version *a,
			  const struct pep_version *b);
/*
 * Up to `max` bytes of s for a message, control characters as \xNN and
 * "..." when cut; written to buf (sz >= 8), which is returned.
 */
const char *pep__quote(char *buf, size_t sz, const char *s, size_t len,
		       size_t max);
/* ---- end of versions and specifiers ------------------------------------ */

/* ---- file names, tags, metadata (begin) ---------------------------------
 * Owned by pep/wheelname.c, pep/tags.c and pep/metadata.c.
 */

/*
 * Append `s` to `out` for an error message: at most PEP__QUOTE_MAX bytes
 * (then "..."), bytes that are not printable ASCII or UTF-8 as \xNN.
 */
#define PEP__QUOTE_MAX 200
void pep__msg_quote(struct strbuf *out, const char *s, size_t len);

/*
 * Decode one UTF-8 code point of s[0..len) (len >= 1) into *cp and return
 * its byte length, or 0 when the bytes are not valid UTF-8 (overlong forms,
 * surrogates and values beyond U+10FFFF are invalid).
 */
size_t pep__utf8_decode(const char *s, size_t len, uint32_t *cp);

/*
 * Whether a non-ASCII code point counts as a letter or digit, approximating
 * Python's str.isalnum() (used by `\w` and str.isidentifier()): everything
 * outside the common punctuation, symbol, space, combining-mark, private-use
 * and emoji blocks is taken as a letter.
 */
bool pep__unicode_is_alnum(uint32_t cp);

/*
 * Expand a compressed tag set as packaging.tags.parse_tag: append the
 * lowercased "interp-abi-plat" tags to `out` (unsorted, possibly repeated)
 * and return 0, or return -1 with the reason in `why` ("empty part in
 * 'py3.'").  With `validate_order`, each component's parts must already be
 * sorted.  At most PEP__TAG_EXPAND_MAX tags are produced.
 */
#define PEP__TAG_EXPAND_MAX 4096
int pep__tag_expand(const char *s, size_t len, bool validate_order,
		   struct strvec *out, struct strbuf *why);

/* Sort `sv` bytewise and drop repeated strings. */
void pep__strvec_sort_unique(struct strvec *sv);

/* ---- file names, tags, metadata (end) ---------------------------------- */

/* ---- names, markers, requirements (begin) -------------------------------
 * Owned by pep/name.c, pep/marker.c and pep/requirement.c.
 */

/* Encode one code point as UTF-8 (no validation); returns its length. */
size_t pep__utf8_encode(uint32_t cp, char out[4]);
/* Python's simple lowercase mapping for the common bicameral scripts. */
uint32_t pep__unicode_lower(uint32_t cp);
/* Append s lowercased as Python's str.lower() (bytes of bad UTF-8 kept). */
void pep__lower_append(const char *s, size_t len, struct strbuf *out);
/* canonicalize_name(a) == canonicalize_name(b), without allocating. */
bool pep__name_canon_equal(const char *a, size_t alen, const char *b,
			   size_t blen);
/* canonicalize_name(s) == s. */
bool pep__name_is_canonical(const char *s, size_t len);

/* Python's a.lower() == b.lower(), without allocating. */
bool pep__lower_equal(const char *a, size_t alen, const char *b, size_t blen);

/* Skip packaging's WS token ([ \t]*) from s[pos]; returns the new position. */
size_t pep__skip_ws(const char *s, size_t len, size_t pos);
/* Regex \b at s[pos], with Python's Unicode word characters. */
bool pep__word_boundary(const char *s, size_t len, size_t pos);
/* Fill err (CVL_EINVAL): "<what> at column <pos+1> in '<s>'". */
void pep__error_at(struct cvl_error *err, const char *s, size_t len,
		   size_t pos, const char *what);
/*
 * Parse the `marker` production of a requirement at s[*pos] (trailing WS
 * consumed, no end check) and advance *pos.  `first_expected`, if set, is
 * the message when not even a first comparison starts at *pos.
 */
int pep__marker_parse_at(struct pep_marker **out, const char *s, size_t len,
			 size_t *pos, const char *first_expected,
			 struct cvl_error *err);
/* str(a) == str(b), as packaging compares markers; NULL equals NULL. */
bool pep__marker_equal(const struct pep_marker *a, const struct pep_marker *b);

/* ---- names, markers, requirements (end) -------------------------------- */

#endif
