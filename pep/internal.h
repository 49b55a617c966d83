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

#endif
