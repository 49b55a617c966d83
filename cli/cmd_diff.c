/*
 * cmd_diff.c - cvlock diff: what changed between two lockfiles, for review.
 *
 *   cvlock diff OLD NEW                two lockfiles
 *   cvlock diff --git REV [FILE]       FILE (default pylock.toml) at git
 *                                      revision REV against the work tree
 *   cvlock diff --git A..B [FILE]      at A against at B (an empty side is
 *                                      HEAD, as in git)
 *   cvlock diff --git A...B [FILE]     at the merge base of A and B against
 *                                      at B (what a pull request changes)
 *
 * The lockfile at a revision is `git show REV:PATH`, PATH being FILE
 * relative to the repository's root (`git rev-parse --show-prefix` gives
 * the current directory's place in it).  A file missing at a revision or
 * in the work tree is an empty lockfile (everything added or removed),
 * unless it is missing on both sides.  Output formats and the model are
 * described in lockfmt/lockfmt.h ("differences between two lockfiles").
 *
 * Exit status: 0 whether or not the lockfiles differ, or with --exit-code
 * 1 when they differ; 2 for a bad command line, a lockfile that does not
 * read (its problems printed as FILE:LINE:COLUMN lines) or an unknown
 * revision.
 */
#include "config.h"
#include "cli/cli.h"
#include "cli/lockfile.h"
#include "lockfmt/lockfmt.h"

#include <unistd.h>

/* Git's output (a lockfile) larger than this is refused. */
#define GIT_OUTPUT_MAX (64u << 20)
#define GIT_TIMEOUT_MS 60000

enum {
	OPT_GIT = 1,
	OPT_FORMAT,
	OPT_EXIT_CODE,
	OPT_COLOR,
};

static const struct cvl_option options[] = {
	{ "git", 0, OPT_VALUE, OPT_GIT, "REV",
	  "compare FILE at REV (REV1..REV2, REV1...REV2) with the work tree" },
	{ "format", 0, OPT_VALUE, OPT_FORMAT, "FMT",
	  "text (default), markdown or json" },
	{ "exit-code", 0, OPT_FLAG, OPT_EXIT_CODE, NULL,
	  "exit with status 1 when the lockfiles differ" },
	{ "color", 0, OPT_VALUE, OPT_COLOR, "WHEN",
	  "auto (default: on a terminal, without NO_COLOR), always, never" },
};

enum diff_format {
	FORMAT_TEXT,
	FORMAT_MARKDOWN,
	FORMAT_JSON,
};

struct diff_cmd {
	struct cvl_ctx *ctx;
	const char *git_rev;
	enum diff_format format;
	bool exit_code;
	bool color;
};

static int on_option(int id, const char *value, void *data)
{
	struct diff_cmd *dc = data;

	switch (id) {
	case OPT_HELP:
		cvl_print_usage("diff", "OLD NEW | --git REV [FILE]",
				"Show what changed between two lockfiles: packages added,\n"
				"removed, upgraded and downgraded (with the size of the jump),\n"
				"changed in place, the requirements that pull each in (via),\n"
				"and the risks a reviewer must see: a hash that changed\n"
				"without the version, another index, a new package with only\n"
				"an sdist, a yanked version, a changed requires-python.\n"
				"With --git, FILE (default: pylock.toml) at REV against the\n"
				"work tree, or at REV1 against at REV2 for REV1..REV2.",
				options, ARRAY_SIZE(options));
		exit(EXIT_OK);
	case OPT_GIT:
		dc->git_rev = value;
		return 0;
	case OPT_FORMAT:
		if (!strcmp(value, "text")) {
			dc->format = FORMAT_TEXT;
		} else if (!strcmp(value, "markdown")) {
			dc->format = FORMAT_MARKDOWN;
		} else if (!strcmp(value, "json")) {
			dc->format = FORMAT_JSON;
		} else {
			cvl_errorf("unknown format '%s'", value);
			fprintf(stderr, "hint: expected 'text', 'markdown' or 'json'\n");
			return EXIT_USAGE;
		}
		return 0;
	case OPT_EXIT_CODE:
		dc->exit_code = true;
		return 0;
	case OPT_COLOR:
		if (!strcmp(value, "always")) {
			dc->color = true;
		} else if (!strcmp(value, "never")) {
			dc->color = false;
		} else if (!strcmp(value, "auto")) {
			dc->color = dc->ctx->color;
		} else {
			cvl_errorf("unknown --color value '%s'", value);
			fprintf(stderr, "hint: expected 'auto', 'always' or 'never'\n");
			return EXIT_USAGE;
		}
		return 0;
	}
	return 0;
}

/* ---- git --------------------------------------------------------------- */

/*
 * Run git with `args`; its stdout in `out` (trailing newlines dropped).
 * Returns 0 with *status set, or an exit status after printing why git
 * could not run.
 */
static int run_git(struct diff_cmd *dc, const char *const *args,
		   struct strbuf *out, struct strbuf *errout, int *status)
{
	struct cvl_error err = CVL_ERROR_INIT;
	struct cvl_run run = { .argv = args, .out = out, .errout = errout,
			       .max_output = GIT_OUTPUT_MAX,
			       .timeout_ms = GIT_TIMEOUT_MS };
	int r;

	r = cvl_run(&run, &err);
	if (r) {
		if (r == -CVL_ENOTFOUND)
			cvl_error_hint(&err, "--git needs git on PATH; "
				       "name two files instead");
		cvl_report(dc->ctx, &err);
		return cvl_exit_status(r);
	}
	*status = run.status;
	return 0;
}

static void chomp(struct strbuf *sb)
{
	while (sb->len && (sb->buf[sb->len - 1] == '\n' ||
			   sb->buf[sb->len - 1] == '\r'))
		strbuf_setlen(sb, sb->len - 1);
}

/* The first line of git's complaint, for our own message. */
static const char *git_reason(struct strbuf *errout)
{
	char *nl;

	chomp(errout);
	nl = strchr(errout->buf, '\n');
	if (nl)
		*nl = '\0';
	if (!strncmp(errout->buf, "fatal: ", 7))
		return errout->buf + 7;
	return errout->buf;
}

/* The commit that `rev` names, into `oid`. */
static int git_commit(struct diff_cmd *dc, const char *rev,
		      struct strbuf *oid)
{
	struct strbuf spec = STRBUF_INIT, errout = STRBUF_INIT;
	const char *args[] = { "git", "rev-parse", "--verify", "--quiet",
			       "--end-of-options", NULL, NULL };
	int status, r;

	strbuf_addf(&spec, "%s^{commit}", rev);
	args[5] = spec.buf;
	r = run_git(dc, args, oid, &errout, &status);
	if (!r && status) {
		cvl_errorf("unknown revision '%s'", rev);
		fprintf(stderr, "hint: name a commit, a branch or a tag "
			"('git log' lists them)\n");
		r = EXIT_USAGE;
	}
	chomp(oid);
	strbuf_release(&spec);
	strbuf_release(&errout);
	return r;
}

/* The merge base of `a` and `b` (commits), into `oid`. */
static int git_merge_base(struct diff_cmd *dc, const char *a, const char *b,
			  const char *spelled, struct strbuf *oid)
{
	struct strbuf errout = STRBUF_INIT;
	const char *args[] = { "git", "merge-base", a, b, NULL };
	int status, r;

	r = run_git(dc, args, oid, &errout, &status);
	if (!r && status) {
		cvl_errorf("'%s' has no merge base", spelled);
		fprintf(stderr, "hint: use A..B to compare A with B directly\n");
		r = EXIT_USAGE;
	}
	chomp(oid);
	strbuf_release(&errout);
	return r;
}

/*
 * FILE as a path from the repository's root: the current directory's
 * prefix joined with FILE, "." and ".." resolved.
 */
static int repo_path(struct diff_cmd *dc, const char *file,
		     struct strbuf *path)
{
	struct strbuf prefix = STRBUF_INIT, errout = STRBUF_INIT;
	const char *args[] = { "git", "rev-parse", "--show-prefix", NULL };
	struct strvec parts = STRVEC_INIT;
	const char *p, *s;
	int status, r;
	size_t i;

	if (file[0] == '/') {
		cvl_errorf("'--git' takes FILE relative to the current directory, "
			   "not '%s'", file);
		return EXIT_USAGE;
	}
	r = run_git(dc, args, &prefix, &errout, &status);
	if (r)
		goto out;
	if (status) {
		cvl_errorf("cannot use --git here: %s", git_reason(&errout));
		fprintf(stderr, "hint: run it inside a git work tree, or name "
			"two files\n");
		r = EXIT_USAGE;
		goto out;
	}
	chomp(&prefix);
	strbuf_addch(&prefix, '/');
	strbuf_addstr(&prefix, file);
	for (s = prefix.buf; *s; s = *p ? p + 1 : p) {
		p = strchr(s, '/');
		if (!p)
			p = s + strlen(s);
		if (p == s || (p - s == 1 && s[0] == '.'))
			continue;
		if (p - s == 2 && s[0] == '.' && s[1] == '.') {
			if (!parts.nr) {
				cvl_errorf("'%s' is outside the repository",
					   file);
				r = EXIT_USAGE;
				goto out;
			}
			free(parts.v[--parts.nr]);
			parts.v[parts.nr] = NULL;
			continue;
		}
		strvec_pushn(&parts, s, (size_t)(p - s));
	}
	for (i = 0; i < parts.nr; i++) {
		if (i)
			strbuf_addch(path, '/');
		strbuf_addstr(path, parts.v[i]);
	}
	if (!path->len) {
		cvl_errorf("'%s' is not a file", file);
		r = EXIT_USAGE;
	}
out:
	strvec_clear(&parts);
	strbuf_release(&prefix);
	strbuf_release(&errout);
	return r;
}

/*
 * The lockfile at `commit`:`path` into `text`; *found false when the
 * commit has no such file.
 */
static int git_blob(struct diff_cmd *dc, const char *commit, const char *path,
		    const char *display, struct strbuf *text, bool *found)
{
	struct strbuf spec = STRBUF_INIT, type = STRBUF_INIT;
	struct strbuf errout = STRBUF_INIT;
	const char *targs[] = { "git", "cat-file", "-t", NULL, NULL };
	const char *sargs[] = { "git", "show", NULL, NULL };
	int status, r;

	*found = false;
	strbuf_addf(&spec, "%s:%s", commit, path);
	targs[3] = spec.buf;
	r = run_git(dc, targs, &type, &errout, &status);
	if (r || status)
		goto out;
	chomp(&type);
	if (strcmp(type.buf, "blob")) {
		cvl_errorf("'%s' is not a file (git has a %s there)", display,
			   type.buf);
		r = EXIT_USAGE;
		goto out;
	}
	sargs[2] = spec.buf;
	strbuf_reset(&errout);
	r = run_git(dc, sargs, text, &errout, &status);
	if (!r && status) {
		cvl_errorf("cannot read '%s': %s", display, git_reason(&errout));
		r = EXIT_IO;
	}
	if (!r)
		*found = true;
out:
	strbuf_release(&spec);
	strbuf_release(&type);
	strbuf_release(&errout);
	return r;
}

/* One side of a --git diff: a revision, or the work tree when NULL. */
struct side {
	const char *rev;  /* as the user spelled it; NULL: work tree */
	char *commit;     /* resolved */
	struct strbuf label;
	bool found;
};

static int load_side(struct diff_cmd *dc, struct side *s, const char *path,
		     const char *file, struct lock_file *lf)
{
	struct strbuf text = STRBUF_INIT;
	int r;

	if (!s->rev) {
		strbuf_addstr(&s->label, file);
		s->found = access(file, F_OK) == 0;
		if (!s->found)
			return 0;
		return cvl_load_lockfile(dc->ctx, file, s->label.buf, lf);
	}
	strbuf_addf(&s->label, "%s:%s", s->rev, file);
	r = git_blob(dc, s->commit, path, s->label.buf, &text, &s->found);
	if (!r && s->found)
		r = cvl_parse_lockfile(dc->ctx, text.buf, text.len,
				       s->label.buf, lf);
	strbuf_release(&text);
	return r;
}

/*
 * Split REV (A, A..B, A...B) into the two sides and resolve the commits;
 * b->rev stays NULL for the work tree.
 */
static int parse_revs(struct diff_cmd *dc, const char *rev, struct side *a,
		      struct side *b, char **store)
{
	const char *dots = strstr(rev, "..");
	struct strbuf oid = STRBUF_INIT, oid2 = STRBUF_INIT;
	bool three;
	int r;

	if (!dots) {
		a->rev = rev;
		r = git_commit(dc, rev, &oid);
		a->commit = strbuf_detach(&oid, NULL);
		return r;
	}
	three = dots[2] == '.';
	store[0] = dots == rev ? xstrdup("HEAD") :
				 xmemdup0(rev, (size_t)(dots - rev));
	store[1] = xstrdup(dots[three ? 3 : 2] ? dots + (three ? 3 : 2) :
						 "HEAD");
	a->rev = store[0];
	b->rev = store[1];
	r = git_commit(dc, a->rev, &oid);
	if (!r)
		r = git_commit(dc, b->rev, &oid2);
	if (!r && three) {
		struct strbuf base = STRBUF_INIT;

		r = git_merge_base(dc, oid.buf, oid2.buf, rev, &base);
		strbuf_release(&oid);
		oid = base;
		/* Label the old side as git does: the merge base of A and B. */
		store[2] = xstrdup(rev);
		a->rev = store[2];
	}
	a->commit = strbuf_detach(&oid, NULL);
	b->commit = strbuf_detach(&oid2, NULL);
	return r;
}

/* ---- output ------------------------------------------------------------ */

static int show(struct diff_cmd *dc, const struct lock_file *old,
		const struct lock_file *new, const char *old_label,
		const char *new_label)
{
	struct lock_diff d;
	struct lock_diff_style st = { old_label, new_label, false };
	struct strbuf out = STRBUF_INIT;
	bool differ;

	lock_diff_compute(&d, old, new);
	switch (dc->format) {
	case FORMAT_TEXT:
		st.color = dc->color;
		lock_diff_format_text(&d, &st, &out);
		break;
	case FORMAT_MARKDOWN:
		lock_diff_format_markdown(&d, &st, &out);
		break;
	case FORMAT_JSON:
		lock_diff_format_json(&d, &st, &out);
		break;
	}
	fwrite(out.buf, 1, out.len, stdout);
	differ = !lock_diff_is_empty(&d);
	lock_diff_release(&d);
	strbuf_release(&out);
	if (fflush(stdout) || ferror(stdout)) {
		cvl_errorf("cannot write the diff: %s", strerror(errno));
		return EXIT_IO;
	}
	return dc->exit_code && differ ? EXIT_FAILURE_ : EXIT_OK;
}

static int diff_files(struct diff_cmd *dc, const char *a, const char *b)
{
	struct lock_file old, new;
	int r;

	lock_file_init(&old);
	lock_file_init(&new);
	r = cvl_load_lockfile(dc->ctx, a, NULL, &old);
	if (!r)
		r = cvl_load_lockfile(dc->ctx, b, NULL, &new);
	if (!r)
		r = show(dc, &old, &new, a, b);
	lock_file_release(&old);
	lock_file_release(&new);
	return r;
}

static int diff_git(struct diff_cmd *dc, const char *file)
{
	struct side a = { NULL, NULL, STRBUF_INIT, false };
	struct side b = { NULL, NULL, STRBUF_INIT, false };
	struct strbuf path = STRBUF_INIT;
	struct lock_file old, new;
	char *store[3] = { NULL, NULL, NULL };
	int r;
	size_t i;

	lock_file_init(&old);
	lock_file_init(&new);
	r = repo_path(dc, file, &path);
	if (!r)
		r = parse_revs(dc, dc->git_rev, &a, &b, store);
	if (!r)
		r = load_side(dc, &a, path.buf, file, &old);
	if (!r)
		r = load_side(dc, &b, path.buf, file, &new);
	if (!r && !a.found && !b.found) {
		cvl_errorf("'%s' is neither in '%s' nor in %s", file,
			   a.label.buf, b.rev ? b.label.buf : "the work tree");
		fprintf(stderr, "hint: name the lockfile: cvlock diff --git %s FILE\n",
			dc->git_rev);
		r = EXIT_USAGE;
	}
	if (!r)
		r = show(dc, &old, &new, a.label.buf, b.label.buf);
	lock_file_release(&old);
	lock_file_release(&new);
	strbuf_release(&path);
	strbuf_release(&a.label);
	strbuf_release(&b.label);
	free(a.commit);
	free(b.commit);
	for (i = 0; i < ARRAY_SIZE(store); i++)
		free(store[i]);
	return r;
}

int cmd_diff(int argc, char **argv, struct cvl_ctx *ctx)
{
	struct diff_cmd dc = { .ctx = ctx, .format = FORMAT_TEXT };
	int npos, r;

	dc.color = ctx->color;
	r = cvl_parse_options(ctx, "diff", argc, argv, options,
			      ARRAY_SIZE(options), on_option, &dc, &npos);
	if (r)
		return r;
	if (dc.git_rev) {
		if (!*dc.git_rev) {
			cvl_errorf("'--git' needs a revision");
			fprintf(stderr, "hint: see 'cvlock diff --help'\n");
			return EXIT_USAGE;
		}
		if (npos > 1) {
			cvl_errorf("'cvlock diff --git REV' takes one FILE, got '%s' too",
				   argv[1]);
			return EXIT_USAGE;
		}
		return diff_git(&dc, npos ? argv[0] : "pylock.toml");
	}
	if (npos != 2) {
		cvl_errorf("'cvlock diff' takes two lockfiles (OLD NEW), got %d",
			   npos);
		fprintf(stderr, "hint: or compare with a git revision: "
			"cvlock diff --git HEAD [FILE]\n");
		return EXIT_USAGE;
	}
	return diff_files(&dc, argv[0], argv[1]);
}
