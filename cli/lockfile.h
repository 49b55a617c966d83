/* lockfile.h - reading a pylock.toml from the command line (cli/lockfile.c). */
#ifndef CVL_CLI_LOCKFILE_H
#define CVL_CLI_LOCKFILE_H

#include "cli/cli.h"
#include "lockfmt/lockfmt.h"

/*
 * Read and check the lockfile at `path` into `lf` (initialized by the
 * caller, released by the caller in every case); `display` names it in
 * messages (NULL: `path`; e.g. "pylock.toml at HEAD~1").  Returns 0, or
 * an exit status after printing on stderr:
 *     error: lockfile 'pylock.toml' is not valid: 2 errors
 *     pylock.toml:9:8: package name 'Foo_Bar' is not normalized (expected 'foo-bar')
 *     ...
 *     hint: 'cvlock lock verify pylock.toml' checks it
 * (EXIT_USAGE), or for a file that cannot be read, its error and a hint.
 * Warnings are printed only with -v.
 */
int cvl_load_lockfile(struct cvl_ctx *ctx, const char *path,
		      const char *display, struct lock_file *lf);
/* The same for `len` bytes at `buf` (e.g. a file at a git revision). */
int cvl_parse_lockfile(struct cvl_ctx *ctx, const char *buf, size_t len,
		       const char *display, struct lock_file *lf);

#endif
