/*
 * internal.h - what the files of sync/ share beyond sync/sync.h: the file
 * system helpers of sync/fs.c.
 */
#ifndef CVL_SYNC_INTERNAL_H
#define CVL_SYNC_INTERNAL_H

#include "util/util.h"

/*
 * Append the absolute, lexically normalized form of `path` (relative to
 * the current directory; "." and empty components dropped, ".." removes
 * the previous one, never past "/"): what os.path.abspath() gives.
 */
int sync_abspath(const char *path, struct strbuf *out,
		 struct cvl_error *err) WARN_UNUSED_RESULT;
/* Lexical normalization of an absolute path (as above). */
void sync_normpath(const char *path, struct strbuf *out);
/* Whether absolute, normalized `path` is `dir` or inside it. */
bool sync_path_within(const char *path, const char *dir);

/*
 * Read the whole file `path` (at most `max` bytes: -CVL_ETOOBIG) into
 * `out` (reset first).  -CVL_ENOTFOUND when it does not exist, else
 * -CVL_EIO with strerror().
 */
int sync_read_file(const char *path, size_t max, struct strbuf *out,
		   struct cvl_error *err) WARN_UNUSED_RESULT;

/*
 * Remove `path` and, when it is a directory, everything below it, never
 * following a symbolic link.  A missing path is not an error.  CVL_EIO.
 */
int sync_rm_rf(const char *path, struct cvl_error *err) WARN_UNUSED_RESULT;

/* Create `path` and its missing parents (mode 0755).  CVL_EIO. */
int sync_mkdir_p(const char *path, struct cvl_error *err) WARN_UNUSED_RESULT;

#endif
