/*
 * cmd_export.c - cvlock export: a lockfile as a requirements file that
 * `pip install --require-hashes -r` installs.
 *
 *   cvlock export [LOCKFILE] [--format requirements.txt] [-o FILE]
 *                 [--no-hashes] [--extra NAME]... [--all-extras]
 *                 [--group NAME]... [--all-groups] [--no-default-groups]
 *
 * LOCKFILE defaults to pylock.toml.  The packages are those whose marker
 * holds for the chosen extras and groups (the lockfile's default groups
 * unless --no-default-groups); the rest of each marker stays on the line
 * for pip to evaluate.  The layout is lock_export_requirements()'s
 * (lockfmt/lockfmt.h).  Output goes to stdout, or with -o replaces FILE
 * atomically.
 */
#include "config.h"
#include "cli/cli.h"
#include "cli/lockfile.h"
#include "lockfmt/lockfmt.h"

#include <limits.h>
#include <stdlib.h>

enum {
	OPT_FORMAT = 1,
	OPT_OUTPUT,
	OPT_NO_HASHES,
	OPT_EXTRA,
	OPT_ALL_EXTRAS,
	OPT_GROUP,
	OPT_ALL_GROUPS,
	OPT_NO_DEFAULT_GROUPS,
};

static const struct cvl_option options[] = {
	{ "format", 0, OPT_VALUE, OPT_FORMAT, "FORMAT",
	  "output format: requirements.txt (the default and only one)" },
	{ "output", 'o', OPT_VALUE, OPT_OUTPUT, "FILE",
	  "write to FILE (atomically) instead of stdout" },
	{ "no-hashes", 0, OPT_FLAG, OPT_NO_HASHES, NULL,
	  "leave out the --hash options" },
	{ "extra", 0, OPT_VALUE, OPT_EXTRA, "NAME",
	  "include the packages of extra NAME (repeatable)" },
	{ "all-extras", 0, OPT_FLAG, OPT_ALL_EXTRAS, NULL,
	  "include the packages of every extra" },
	{ "group", 0, OPT_VALUE, OPT_GROUP, "NAME",
	  "include the packages of dependency group NAME (repeatable)" },
	{ "all-groups", 0, OPT_FLAG, OPT_ALL_GROUPS, NULL,
	  "include the packages of every dependency group" },
	{ "no-default-groups", 0, OPT_FLAG, OPT_NO_DEFAULT_GROUPS, NULL,
	  "leave out the lockfile's default groups" },
};

struct export_opts {
	const char *output;
	struct strvec extras, groups;
	struct lock_export_opts e;
};

static int on_option(int id, const char *value, void *data)
{
	struct export_opts *o = data;

	switch (id) {
	case OPT_HELP:
		cvl_print_usage("export",
				"[LOCKFILE] [--format requirements.txt] [-o FILE] [--no-hashes] [--extra NAME]... [--group NAME]...",
				"Export a lockfile (default: pylock.toml) as a requirements file\n"
				"for 'pip install --require-hashes --no-deps -r FILE': one pinned\n"
				"line per package of the chosen extras and groups, with the hash\n"
				"of every file, its environment marker and '# via' comments.",
				options, ARRAY_SIZE(options));
		exit(EXIT_OK);
	case OPT_FORMAT:
		if (strcmp(value, "requirements.txt")) {
			cvl_errorf("unknown export format '%s'", value);
			fprintf(stderr, "hint: the format is requirements.txt\n");
			return EXIT_USAGE;
		}
		return 0;
	case OPT_OUTPUT:
		o->output = value;
		return 0;
	case OPT_NO_HASHES:
		o->e.no_hashes = true;
		return 0;
	case OPT_EXTRA:
		strvec_push(&o->extras, value);
		return 0;
	case OPT_ALL_EXTRAS:
		o->e.select.all_extras = true;
		return 0;
	case OPT_GROUP:
		strvec_push(&o->groups, value);
		return 0;
	case OPT_ALL_GROUPS:
		o->e.select.all_groups = true;
		return 0;
	case OPT_NO_DEFAULT_GROUPS:
		o->e.select.no_default_groups = true;
		return 0;
	}
	return 0;
}

/* The directory of `path` made absolute and canonical, or NULL. */
static char *real_dir(const char *path)
{
	struct strbuf dir = STRBUF_INIT;
	char *real;

	path_dirname(path, &dir);
	real = realpath(dir.buf, NULL);
	strbuf_release(&dir);
	return real;
}

/*
 * The way from the directory of `from` to the directory of `to`, as a
 * prefix for paths relative to the latter ("", "../", "sub/"); appended
 * to `out`.  Without canonical directories, `to`'s directory as given
 * when it is relative.
 */
static void relative_prefix(const char *from, const char *to,
			    struct strbuf *out)
{
	char *a = real_dir(from), *b = real_dir(to);
	size_t i = 0, common = 0;

	if (!a || !b) {
		const char *slash = strrchr(to, '/');

		if (to[0] != '/' && slash)
			strbuf_add(out, to, (size_t)(slash - to + 1));
		free(a);
		free(b);
		return;
	}
	/* the longest common run of whole components */
	for (;;) {
		bool end_a = !a[i] || a[i] == '/', end_b = !b[i] || b[i] == '/';

		if (end_a && end_b)
			common = i;
		if (!a[i] || !b[i] || a[i] != b[i])
			break;
		i++;
	}
	for (i = common; a[i]; i++)
		if (a[i] == '/' && a[i + 1])
			strbuf_addstr(out, "../");
	if (b[common])
		strbuf_addf(out, "%s/", b[common] == '/' ? b + common + 1
							 : b + common);
	free(a);
	free(b);
}

int cmd_export(int argc, char **argv, struct cvl_ctx *ctx)
{
	struct export_opts o;
	struct cvl_error err = CVL_ERROR_INIT;
	struct strbuf out = STRBUF_INIT, prefix = STRBUF_INIT;
	struct lock_file lf;
	const char *path = "pylock.toml";
	int npos, r;

	memset(&o, 0, sizeof(o));
	strvec_init(&o.extras);
	strvec_init(&o.groups);
	r = cvl_parse_options(ctx, "export", argc, argv, options,
			      ARRAY_SIZE(options), on_option, &o, &npos);
	if (r)
		goto out_opts;
	if (npos > 1) {
		cvl_errorf("'cvlock export' takes one LOCKFILE, got '%s' too",
			   argv[1]);
		fprintf(stderr, "hint: see 'cvlock export --help'\n");
		r = EXIT_USAGE;
		goto out_opts;
	}
	if (npos == 1)
		path = argv[0];

	lock_file_init(&lf);
	r = cvl_load_lockfile(ctx, path, NULL, &lf);
	if (r)
		goto out;
	o.e.select.extras = (const char *const *)o.extras.v;
	o.e.select.nextras = o.extras.nr;
	o.e.select.groups = (const char *const *)o.groups.v;
	o.e.select.ngroups = o.groups.nr;
	o.e.lockfile_name = path_basename(path);
	relative_prefix(o.output ? o.output : "./-", path, &prefix);
	o.e.path_prefix = prefix.buf;
	r = lock_export_requirements(&lf, &o.e, &out, &err);
	if (!r && o.output)
		r = atomic_write_file(o.output, out.buf, out.len, &err);
	else if (!r)
		fwrite(out.buf, 1, out.len, stdout);
	if (r < 0) {
		cvl_report(ctx, &err);
		r = cvl_exit_status(r);
	}
out:
	lock_file_release(&lf);
	strbuf_release(&out);
	strbuf_release(&prefix);
out_opts:
	strvec_clear(&o.extras);
	strvec_clear(&o.groups);
	return r;
}
