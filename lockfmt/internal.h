/* internal.h - what the lockfmt/ files share (not part of the API). */
#ifndef CVL_LOCKFMT_INTERNAL_H
#define CVL_LOCKFMT_INTERNAL_H

#include "lockfmt/lockfmt.h"

/* Ordering used by the writer and by the duplicate checks. */
int lock_version_str_cmp(const char *a, const char *b);
int lock_package_cmp(const struct lock_package *a,
		     const struct lock_package *b);
void lock_entry_release(struct lock_file_entry *f);

/*
 * Field checks for the reader (lockfmt/validate.c): each adds a
 * diagnostic at line:column when `s` is not acceptable.
 */
void lock_check_name(struct lock_diags *d, const char *what, const char *s,
		     size_t len, int line, int column);
void lock_check_version(struct lock_diags *d, const char *s, size_t len,
			int line, int column);
void lock_check_marker(struct lock_diags *d, const char *s, size_t len,
		       int line, int column);
void lock_check_requirement(struct lock_diags *d, const char *s, size_t len,
			    int line, int column);
void lock_check_specset(struct lock_diags *d, const char *what,
			const char *s, size_t len, int line, int column);
void lock_check_hash(struct lock_diags *d, const char *algo,
		     const char *value, size_t len, int line, int column);
/* A file name of package `pkgname` at `pkgversion` (either may be NULL). */
void lock_check_wheelname(struct lock_diags *d, const char *pkgname,
			  const char *pkgversion, const char *s, size_t len,
			  int line, int column);
void lock_check_sdistname(struct lock_diags *d, const char *pkgname,
			  const char *pkgversion, const char *s, size_t len,
			  int line, int column);

#endif
