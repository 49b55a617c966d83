/*
 * lockfile.c - reading a pylock.toml for a command (diff, export, tree,
 * why, sync, merge-driver): the file's problems are printed as
 * FILE:LINE:COLUMN lines under one error sentence.
 */
#include "config.h"
#include "cli/cli.h"
#include "cli/project.h"
#include "cli/lockfile.h"

#include <unistd.h>

int cvl_load_lockfile(struct cvl_ctx *ctx, const char *path,
		      const char *display, struct lock_file *lf)
{
	struct strbuf text = STRBUF_INIT;
	struct cvl_error err = CVL_ERROR_INIT;
	int r;

	if (!display)
		display = path;
	r = cvl_read_file(path, "lockfile ", &text, &err);
	if (r < 0) {
		if (r == -CVL_EINVAL && access(path, F_OK) != 0 &&
		    !err.hint[0])
			cvl_error_hint(&err, "run 'cvlock resolve' to create it, "
				       "or name the lockfile to read");
		cvl_report(ctx, &err);
		strbuf_release(&text);
		return cvl_exit_status(r);
	}
	r = cvl_parse_lockfile(ctx, text.buf, text.len, display, lf);
	strbuf_release(&text);
	return r;
}

int cvl_parse_lockfile(struct cvl_ctx *ctx, const char *buf, size_t len,
		       const char *display, struct lock_file *lf)
{
	struct strbuf out = STRBUF_INIT;
	struct lock_diags d = LOCK_DIAGS_INIT;
	struct cvl_error err = CVL_ERROR_INIT;
	int r;

	r = lock_read(lf, buf, len, &d, &err);
	if (r < 0) {
		cvl_errorf("lockfile '%s' is not valid: %zu error%s", display,
			   d.nerrors, d.nerrors == 1 ? "" : "s");
		lock_diags_format(&d, display, &out);
		fputs(out.buf, stderr);
		/* (not for a lockfile from git: `display` is no file) */
		if (access(display, F_OK) == 0)
			fprintf(stderr, "hint: 'cvlock lock verify %s' checks it\n",
				display);
		r = EXIT_USAGE;
	} else if (ctx->verbose && d.nwarnings) {
		/* Warnings only with -v: the file is usable. */
		lock_diags_format(&d, display, &out);
		fputs(out.buf, stderr);
	}
	lock_diags_release(&d);
	strbuf_release(&out);
	return r < 0 ? EXIT_USAGE : r;
}
