/*
 * cmd_cache.c - cvlock cache: where the cache lives, and its upkeep.
 *
 *   cvlock cache dir               print the cache directory
 *   cvlock cache clean [NAME...]   remove everything cvlock cached, or the
 *                                  responses of the named projects (their
 *                                  pages and files; metadata cached by
 *                                  artifact hash is immutable and stays)
 *   cvlock cache prune [--older-than DAYS]
 *                                  remove what is of no use: temporary
 *                                  files of writers that died, damaged
 *                                  entries, older cache formats, and with
 *                                  --older-than the entries not written or
 *                                  revalidated for DAYS days
 *
 * The directory: --cache-dir > CVLOCK_CACHE_DIR > $XDG_CACHE_HOME/cvlock >
 * ~/.cache/cvlock.  clean and prune only touch what cvlock writes there
 * (<kind>-v<N> directories, CACHEDIR.TAG), so a mistaken --cache-dir
 * loses nothing else.
 */
#include "config.h"
#include "cli/cli.h"
#include "index/index.h"

#include <time.h>

enum {
	OPT_CACHE_DIR = 1,
	OPT_OLDER_THAN,
};

static const struct cvl_option options[] = {
	{ "cache-dir", 0, OPT_VALUE, OPT_CACHE_DIR, "DIR",
	  "the cache directory (env CVLOCK_CACHE_DIR; default ~/.cache/cvlock)" },
	{ "older-than", 0, OPT_VALUE, OPT_OLDER_THAN, "DAYS",
	  "prune: also remove entries not refreshed for DAYS days" },
};

struct cache_opts {
	const char *cache_dir;
	long older_than_days; /* -1: not given */
};

static int on_option(int id, const char *value, void *data)
{
	struct cache_opts *o = data;
	char *end;

	switch (id) {
	case OPT_HELP:
		cvl_print_usage("cache", "dir | clean [NAME...] | prune [--older-than DAYS]",
				"Show or tidy the cache of index responses.\n"
				"  dir     print the cache directory\n"
				"  clean   remove everything cvlock cached, or with NAMEs the\n"
				"          cached pages and files of those projects\n"
				"  prune   remove temporary files left by killed runs, damaged\n"
				"          entries and older cache formats; with --older-than,\n"
				"          also entries not refreshed for DAYS days",
				options, ARRAY_SIZE(options));
		exit(EXIT_OK);
	case OPT_CACHE_DIR:
		o->cache_dir = value;
		break;
	case OPT_OLDER_THAN:
		errno = 0;
		o->older_than_days = strtol(value, &end, 10);
		if (!*value || *end || errno || o->older_than_days < 0 ||
		    o->older_than_days > 36500) {
			cvl_errorf("expected a number of days from 0 to 36500 for --older-than, got '%s'",
				   value);
			return EXIT_USAGE;
		}
		break;
	}
	return 0;
}

static void format_size(uint64_t n, struct strbuf *out)
{
	if (n < 1024)
		strbuf_addf(out, "%llu B", (unsigned long long)n);
	else if (n < ((uint64_t)1 << 20))
		strbuf_addf(out, "%.1f KiB", (double)n / 1024);
	else if (n < ((uint64_t)1 << 30))
		strbuf_addf(out, "%.1f MiB", (double)n / (1 << 20));
	else
		strbuf_addf(out, "%.1f GiB", (double)n / (1 << 30));
}

static void print_removed(struct cvl_ctx *ctx, const char *dir,
			  const struct idx_cache_prune_stats *st)
{
	struct strbuf sb = STRBUF_INIT;

	if (ctx->quiet)
		return;
	format_size(st->bytes_removed, &sb);
	printf("removed %zu file%s (%s) from %s\n", st->removed,
	       st->removed == 1 ? "" : "s", sb.buf, dir);
	strbuf_release(&sb);
}

int cmd_cache(int argc, char **argv, struct cvl_ctx *ctx)
{
	struct cache_opts o = { NULL, -1 };
	struct cvl_error err = CVL_ERROR_INIT;
	struct idx_cache_prune_stats st;
	const char *sub;
	char *dir;
	int npos, r, rc = 0, i;

	r = cvl_parse_options(ctx, "cache", argc, argv, options,
			      ARRAY_SIZE(options), on_option, &o, &npos);
	if (r)
		return r;
	if (npos < 1) {
		cvl_errorf("expected a subcommand: dir, clean or prune");
		fprintf(stderr, "hint: see 'cvlock cache --help'\n");
		return EXIT_USAGE;
	}
	sub = argv[0];
	if (strcmp(sub, "dir") && strcmp(sub, "clean") && strcmp(sub, "prune")) {
		cvl_errorf("unknown cache subcommand '%s'", sub);
		fprintf(stderr, "hint: expected dir, clean or prune\n");
		return EXIT_USAGE;
	}
	if (strcmp(sub, "clean") && npos > 1) {
		cvl_errorf("'cvlock cache %s' takes no arguments, got '%s'", sub, argv[1]);
		return EXIT_USAGE;
	}
	if (o.older_than_days >= 0 && strcmp(sub, "prune")) {
		cvl_errorf("--older-than applies to 'cvlock cache prune' only");
		return EXIT_USAGE;
	}
	dir = cvl_cache_dir(o.cache_dir);
	if (!dir) {
		cvl_errorf("cannot tell where the cache is: HOME is not set");
		fprintf(stderr, "hint: pass --cache-dir DIR or set CVLOCK_CACHE_DIR\n");
		return EXIT_USAGE;
	}
	if (!strcmp(sub, "dir")) {
		printf("%s\n", dir);
	} else if (!strcmp(sub, "clean") && npos == 1) {
		rc = idx_cache_clean(dir, &st, &err);
		if (!rc)
			print_removed(ctx, dir, &st);
	} else if (!strcmp(sub, "clean")) {
		struct idx_cache_prune_stats total = { 0, 0, 0, 0 };

		for (i = 1; i < npos && !rc; i++) {
			rc = idx_cache_clean_project(dir, argv[i], &st, &err);
			total.removed += st.removed;
			total.bytes_removed += st.bytes_removed;
		}
		if (!rc)
			print_removed(ctx, dir, &total);
	} else {
		rc = idx_cache_prune(dir,
				     o.older_than_days >= 0 ? o.older_than_days * 86400 : -1,
				     (int64_t)time(NULL), &st, &err);
		if (!rc)
			print_removed(ctx, dir, &st);
	}
	free(dir);
	if (rc) {
		cvl_report(ctx, &err);
		return cvl_exit_status(rc);
	}
	return EXIT_OK;
}
