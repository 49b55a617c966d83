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
 *                                  revalidated for DAYS days; also what
 *                                  killed syncs left in wheels-v1 and
 *                                  unpacked-v1 (see prune_sync_leftovers)
 *
 * The directory: --cache-dir > CVLOCK_CACHE_DIR > $XDG_CACHE_HOME/cvlock >
 * ~/.cache/cvlock.  clean and prune only touch what cvlock writes there
 * (<kind>-v<N> directories, CACHEDIR.TAG), so a mistaken --cache-dir
 * loses nothing else.
 */
#include "config.h"
#include "cli/cli.h"
#include "index/index.h"

#include <dirent.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

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
				"  prune   remove temporary files left by killed runs (syncs'\n"
				"          after an hour), damaged entries and older cache\n"
				"          formats; with --older-than, also entries not\n"
				"          refreshed for DAYS days",
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

/* ---- what killed syncs leave ---------------------------------------------- */

/*
 * sync's leftovers are only removed when not modified for this long, so
 * that a running sync is not hurt: a download's temporary file is written
 * to all along, but an unpack fills its directory's subdirectories, and a
 * big wheel may take minutes on a slow disk.
 */
#define SYNC_LEFTOVER_STALE_S (60 * 60)

/* "<64 hex digits><suffix>...": the suffix of a leftover after the hash. */
static bool leftover_name(const char *name, const char *const *suffixes)
{
	size_t i;

	for (i = 0; i < 64; i++)
		if (!((name[i] >= '0' && name[i] <= '9') ||
		      (name[i] >= 'a' && name[i] <= 'f')))
			return false;
	for (i = 0; suffixes[i]; i++)
		if (!strncmp(name + 64, suffixes[i], strlen(suffixes[i])) &&
		    name[64 + strlen(suffixes[i])])
			return true;
	return false;
}

/* rm -rf `path` (not following symbolic links), counting what goes. */
static int remove_tree(struct strbuf *path, struct idx_cache_prune_stats *st,
		       struct cvl_error *err)
{
	struct stat sb;
	size_t len = path->len;
	struct dirent *de;
	DIR *d;
	int rc = 0;

	if (lstat(path->buf, &sb))
		return errno == ENOENT ? 0 :
		       cvl_error_set(err, CVL_EIO, "cannot remove '%s': %s",
				     path->buf, strerror(errno));
	if (!S_ISDIR(sb.st_mode)) {
		if (unlink(path->buf) && errno != ENOENT)
			return cvl_error_set(err, CVL_EIO, "cannot remove '%s': %s",
					     path->buf, strerror(errno));
		st->removed++;
		st->bytes_removed += (uint64_t)sb.st_size;
		return 0;
	}
	d = opendir(path->buf);
	if (!d)
		return errno == ENOENT ? 0 :
		       cvl_error_set(err, CVL_EIO, "cannot remove '%s': %s",
				     path->buf, strerror(errno));
	while (!rc && (de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		strbuf_setlen(path, len);
		strbuf_addf(path, "/%s", de->d_name);
		rc = remove_tree(path, st, err);
	}
	closedir(d);
	strbuf_setlen(path, len);
	if (!rc && rmdir(path->buf) && errno != ENOENT)
		rc = cvl_error_set(err, CVL_EIO, "cannot remove '%s': %s",
				   path->buf, strerror(errno));
	return rc;
}

/*
 * In <dir>/<kind>/<xx>/, remove the entries named <sha256><suffix>... not
 * modified for SYNC_LEFTOVER_STALE_S seconds.
 */
static int prune_kind(const char *dir, const char *kind,
		      const char *const *suffixes, int64_t now,
		      struct idx_cache_prune_stats *st, struct cvl_error *err)
{
	struct strbuf path = STRBUF_INIT;
	struct dirent *de;
	DIR *top;
	size_t len;
	int rc = 0;

	strbuf_addf(&path, "%s/%s", dir, kind);
	len = path.len;
	top = opendir(path.buf);
	if (!top) {
		rc = errno == ENOENT ? 0 :
		     cvl_error_set(err, CVL_EIO, "cannot open '%s': %s",
				   path.buf, strerror(errno));
		strbuf_release(&path);
		return rc;
	}
	while (!rc && (de = readdir(top))) {
		struct dirent *e;
		size_t sublen;
		DIR *sub;

		if (strlen(de->d_name) != 2 || de->d_name[0] == '.')
			continue;
		strbuf_setlen(&path, len);
		strbuf_addf(&path, "/%s", de->d_name);
		sublen = path.len;
		sub = opendir(path.buf);
		if (!sub)
			continue; /* not a directory, or gone */
		while (!rc && (e = readdir(sub))) {
			struct stat sb;

			if (!leftover_name(e->d_name, suffixes))
				continue;
			strbuf_setlen(&path, sublen);
			strbuf_addf(&path, "/%s", e->d_name);
			if (lstat(path.buf, &sb) ||
			    now - (int64_t)sb.st_mtime <= SYNC_LEFTOVER_STALE_S)
				continue;
			rc = remove_tree(&path, st, err);
		}
		closedir(sub);
	}
	closedir(top);
	strbuf_release(&path);
	return rc;
}

/*
 * What killed syncs leave in the cache (sync/download.c, sync/wheel.c):
 * a download's temporary file wheels-v1/xx/<sha256>.whl.tmp-PID-N, an
 * unpack's temporary directory unpacked-v1/xx/<sha256>.tmp-XXXXXX, and a
 * damaged tree moved aside to unpacked-v1/xx/<sha256>.damaged-PID-N.
 */
static int prune_sync_leftovers(const char *dir, int64_t now,
				struct idx_cache_prune_stats *st,
				struct cvl_error *err)
{
	static const char *const wheels[] = { ".whl.tmp-", NULL };
	static const char *const unpacked[] = { ".tmp-", ".damaged-", NULL };
	int rc;

	rc = prune_kind(dir, "wheels-v1", wheels, now, st, err);
	if (!rc)
		rc = prune_kind(dir, "unpacked-v1", unpacked, now, st, err);
	return rc;
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
		int64_t now = (int64_t)time(NULL);

		rc = idx_cache_prune(dir,
				     o.older_than_days >= 0 ? o.older_than_days * 86400 : -1,
				     now, &st, &err);
		if (!rc)
			rc = prune_sync_leftovers(dir, now, &st, &err);
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
