/*
 * cmd_lock.c - cvlock lock: work on an existing lockfile.
 *
 *   cvlock lock verify [FILE]   read FILE (default pylock.toml) and check
 *                               it against PEP 751
 *
 * verify prints every problem on stdout, one per line, then a summary:
 *
 *     pylock.toml:9:8: package name 'Foo_Bar' is not normalized (expected 'foo-bar')
 *     pylock.toml:6:1: warning: unknown key 'color' in the lockfile (ignored)
 *     pylock.toml: 1 error, 1 warning
 *
 * or "pylock.toml: ok, 12 packages" (with its warnings, if any).  The exit
 * status is 2 when there is an error, else 0; --quiet drops the summary.
 * Lockfiles of other PEP 751 tools (pip, uv, pdm) are checked the same way.
 *
 * With the project (a pyproject.toml next to FILE, or the files of -r and
 * -c; the project options of cvlock resolve), verify also compares the
 * hash of the project's inputs with the lockfile's [tool.cvlock]
 * inputs-hash.  The extras and groups are those the lockfile lists
 * (what resolve selected), unless --extra, --group and the like choose.
 * A mismatch (or an extra or group the project no longer defines) is
 *
 *     error: pylock.toml: the lockfile is out of date: the project's inputs changed since it was written
 *     hint: run 'cvlock resolve'
 *
 * on stderr, no summary, and exit status 1 (2 when the file also has
 * errors).  A lockfile without inputs-hash is not compared (a note with
 * -v).
 */
#include "config.h"
#include "cli/cli.h"
#include "cli/project.h"
#include "lockfmt/lockfmt.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

/* A lockfile larger than this is refused. */
#define LOCKFILE_MAX (64u << 20)

struct lock_opts {
	struct cvl_project_opts p;
	const struct cvl_option *options;
	size_t noptions;
};

static int on_option(int id, const char *value, void *data)
{
	struct lock_opts *o = data;

	if (id == OPT_HELP) {
		cvl_print_usage("lock", "verify [FILE] [-r FILE]... [--extra NAME]... [--group NAME]...",
				"Work on an existing lockfile.\n"
				"  verify  check FILE (default: pylock.toml) against PEP 751 and\n"
				"          print each problem as FILE:LINE:COLUMN: what is wrong;\n"
				"          exit status 2 when there is an error.  With the\n"
				"          project (a pyproject.toml next to FILE, or -r/-c\n"
				"          files), also check that the project's inputs are\n"
				"          those the lockfile was resolved from (exit status 1\n"
				"          when not)",
				o->options, o->noptions);
		exit(EXIT_OK);
	}
	if (cvl_project_opt_id(id))
		return cvl_project_opts_option(&o->p, id, value);
	return 0;
}

static int read_file(const char *path, struct strbuf *sb,
		     struct cvl_error *err)
{
	char buf[65536];
	struct stat st;
	ssize_t n;
	int fd, e;

	fd = open(path, O_RDONLY);
	if (fd < 0) {
		e = errno;
		return cvl_error_set(err, e == ENOENT ? CVL_EINVAL : CVL_EIO,
				     "cannot read '%s': %s", path, strerror(e));
	}
	if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
		close(fd);
		return cvl_error_set(err, CVL_EINVAL,
				     "cannot read '%s': is a directory", path);
	}
	sb->limit = LOCKFILE_MAX;
	for (;;) {
		n = read(fd, buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			e = errno;
			close(fd);
			return cvl_error_set(err, CVL_EIO, "cannot read '%s': %s",
					     path, strerror(e));
		}
		if (!n)
			break;
		if (strbuf_add_checked(sb, buf, (size_t)n) < 0) {
			close(fd);
			return cvl_error_set(err, CVL_ETOOBIG,
					     "cannot read '%s': larger than %u MiB",
					     path, LOCKFILE_MAX >> 20);
		}
	}
	close(fd);
	return 0;
}

/*
 * The project of lockfile `path`: the -r/-c files, else the directory
 * of `path` when it holds a pyproject.toml.  *dir is set (free() it) or
 * NULL; returns false when there is no project.
 */
static bool find_project(const struct lock_opts *o, const char *path,
			 char **dir)
{
	struct strbuf sb = STRBUF_INIT;
	const char *slash = strrchr(path, '/');
	struct stat st;

	*dir = NULL;
	if (o->p.nsources)
		return true;
	if (slash)
		strbuf_add(&sb, path, (size_t)(slash - path + 1));
	else
		strbuf_addstr(&sb, "./");
	strbuf_addstr(&sb, "pyproject.toml");
	if (stat(sb.buf, &st) || !S_ISREG(st.st_mode)) {
		strbuf_release(&sb);
		return false;
	}
	strbuf_setlen(&sb, sb.len - strlen("pyproject.toml"));
	*dir = strbuf_detach(&sb, NULL);
	return true;
}

/*
 * Select extras and groups in `in` as the command line asks, or as the
 * lockfile lists them.  Returns 0, or -1 when one of them is not the
 * project's (so the inputs changed).
 */
static int select_inputs(const struct lock_opts *o, const struct lock_file *lf,
			 struct pep_inputs *in)
{
	const struct cvl_project_opts *p = &o->p;
	struct cvl_error err = CVL_ERROR_INIT;
	bool chosen = p->extras.nr || p->groups.nr || p->all_extras ||
		      p->all_groups || p->no_default_groups;
	const struct strvec *extras = chosen ? &p->extras : &lf->extras;
	const struct strvec *groups = chosen ? &p->groups
					     : &lf->dependency_groups;
	size_t i;

	for (i = 0; i < extras->nr; i++)
		if (pep_inputs_select_extra(in, extras->v[i], &err) < 0)
			return -1;
	for (i = 0; i < groups->nr; i++)
		if (pep_inputs_select_group(in, groups->v[i], &err) < 0)
			return -1;
	if (!chosen)
		return 0;
	if (p->all_extras)
		pep_inputs_select_all_extras(in);
	if (p->all_groups)
		pep_inputs_select_all_groups(in);
	if (!p->no_default_groups)
		pep_inputs_select_default_groups(in);
	return 0;
}

/*
 * Compare the project's inputs hash with the lockfile's: 0 when they
 * match or there is nothing to compare, 1 when they differ, or an exit
 * status after printing an error reading the project.
 */
static int check_inputs(struct cvl_ctx *ctx, const struct lock_opts *o,
			const char *path, const struct lock_file *lf)
{
	struct cvl_project_opts load;
	struct cvl_error err = CVL_ERROR_INIT;
	struct pep_inputs in;
	char hex[65], *dir;
	int r;

	if (!find_project(o, path, &dir))
		return 0;
	if (!lf->inputs_hash) {
		if (ctx->verbose)
			fprintf(stderr, "note: '%s' records no inputs hash: the project's inputs are not compared\n",
				path);
		free(dir);
		return 0;
	}
	/* Read the files only; the selection is select_inputs()'s. */
	load = o->p;
	strvec_init(&load.extras);
	strvec_init(&load.groups);
	load.all_extras = false;
	load.all_groups = false;
	load.no_default_groups = true;
	pep_inputs_init(&in);
	r = cvl_project_load(ctx, &load, dir, &in, &err);
	free(dir);
	if (r < 0) {
		cvl_report(ctx, &err);
		pep_inputs_release(&in);
		return cvl_exit_status(r);
	}
	r = select_inputs(o, lf, &in);
	if (!r) {
		pep_inputs_hash(&in, hex);
		r = strncmp(lf->inputs_hash, "sha256:", 7) ||
		    strcmp(lf->inputs_hash + 7, hex);
	}
	pep_inputs_release(&in);
	if (!r)
		return 0;
	cvl_errorf("%s: the lockfile is out of date: the project's inputs changed since it was written",
		   path);
	fprintf(stderr, "hint: run 'cvlock resolve'\n");
	return EXIT_FAILURE_;
}

static int lock_verify(struct cvl_ctx *ctx, const struct lock_opts *o,
		       const char *path)
{
	struct strbuf text = STRBUF_INIT, out = STRBUF_INIT;
	struct lock_diags d = LOCK_DIAGS_INIT;
	struct cvl_error err = CVL_ERROR_INIT;
	struct lock_file lf;
	const char *base = strrchr(path, '/');
	int r, stale;

	r = read_file(path, &text, &err);
	if (r) {
		cvl_report(ctx, &err);
		strbuf_release(&text);
		return cvl_exit_status(r);
	}
	lock_file_init(&lf);
	/* The problems are in d; err repeats the first one. */
	if (lock_read(&lf, text.buf, text.len, &d, &err))
		cvl_error_clear(&err);
	lock_diags_format(&d, path, &out);
	fputs(out.buf, stdout);
	base = base ? base + 1 : path;
	if (!lock_filename_is_valid(base)) {
		printf("%s: warning: a lockfile is named pylock.toml or pylock.NAME.toml\n",
		       path);
		d.nwarnings++;
	}
	/* The inputs only of a lockfile that could be read. */
	stale = d.nerrors ? 0 : check_inputs(ctx, o, path, &lf);
	if (!ctx->quiet && (d.nerrors || !stale)) {
		if (d.nerrors)
			printf("%s: %zu error%s, %zu warning%s\n", path,
			       d.nerrors, d.nerrors == 1 ? "" : "s",
			       d.nwarnings, d.nwarnings == 1 ? "" : "s");
		else
			printf("%s: ok, %zu package%s\n", path, lf.npackages,
			       lf.npackages == 1 ? "" : "s");
	}
	r = d.nerrors ? EXIT_USAGE : stale;
	lock_diags_release(&d);
	lock_file_release(&lf);
	strbuf_release(&text);
	strbuf_release(&out);
	return r;
}

static int lock_command(struct cvl_ctx *ctx, const struct lock_opts *o,
			char **argv, int npos)
{
	if (npos < 1) {
		cvl_errorf("expected a subcommand: verify");
		fprintf(stderr, "hint: see 'cvlock lock --help'\n");
		return EXIT_USAGE;
	}
	if (strcmp(argv[0], "verify")) {
		cvl_errorf("unknown lock subcommand '%s'", argv[0]);
		fprintf(stderr, "hint: expected verify\n");
		return EXIT_USAGE;
	}
	if (npos > 2) {
		cvl_errorf("'cvlock lock verify' takes one FILE, got '%s' too",
			   argv[2]);
		return EXIT_USAGE;
	}
	return lock_verify(ctx, o, npos == 2 ? argv[1] : "pylock.toml");
}

int cmd_lock(int argc, char **argv, struct cvl_ctx *ctx)
{
	struct lock_opts o;
	int npos, r;

	memset(&o, 0, sizeof(o));
	cvl_project_opts_init(&o.p);
	o.options = cvl_project_options;
	o.noptions = cvl_nproject_options;
	r = cvl_parse_options(ctx, "lock", argc, argv, o.options, o.noptions,
			      on_option, &o, &npos);
	if (!r)
		r = lock_command(ctx, &o, argv, npos);
	cvl_project_opts_release(&o.p);
	return r;
}
