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
 */
#include "config.h"
#include "cli/cli.h"
#include "lockfmt/lockfmt.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

/* A lockfile larger than this is refused. */
#define LOCKFILE_MAX (64u << 20)

static int on_option(int id, const char *value, void *data)
{
	(void)value;
	(void)data;
	if (id == OPT_HELP) {
		cvl_print_usage("lock", "verify [FILE]",
				"Work on an existing lockfile.\n"
				"  verify  check FILE (default: pylock.toml) against PEP 751 and\n"
				"          print each problem as FILE:LINE:COLUMN: what is wrong;\n"
				"          exit status 2 when there is an error",
				NULL, 0);
		exit(EXIT_OK);
	}
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

static int lock_verify(struct cvl_ctx *ctx, const char *path)
{
	struct strbuf text = STRBUF_INIT, out = STRBUF_INIT;
	struct lock_diags d = LOCK_DIAGS_INIT;
	struct cvl_error err = CVL_ERROR_INIT;
	struct lock_file lf;
	const char *base = strrchr(path, '/');
	int r;

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
	if (!ctx->quiet) {
		if (d.nerrors)
			printf("%s: %zu error%s, %zu warning%s\n", path,
			       d.nerrors, d.nerrors == 1 ? "" : "s",
			       d.nwarnings, d.nwarnings == 1 ? "" : "s");
		else
			printf("%s: ok, %zu package%s\n", path, lf.npackages,
			       lf.npackages == 1 ? "" : "s");
	}
	r = d.nerrors ? EXIT_USAGE : EXIT_OK;
	lock_diags_release(&d);
	lock_file_release(&lf);
	strbuf_release(&text);
	strbuf_release(&out);
	return r;
}

int cmd_lock(int argc, char **argv, struct cvl_ctx *ctx)
{
	int npos, r;

	r = cvl_parse_options(ctx, "lock", argc, argv, NULL, 0, on_option,
			      NULL, &npos);
	if (r)
		return r;
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
	return lock_verify(ctx, npos == 2 ? argv[1] : "pylock.toml");
}
