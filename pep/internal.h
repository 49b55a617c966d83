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
/* ---- end of versions and specifiers ------------------------------------ */

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

/* ---- names, markers, requirements (end) -------------------------------- */

#endif
