/*
 * cmd_resolve.c - cvlock resolve: the project's inputs, resolved for one
 * target environment against the package indexes, written to a
 * deterministic pylock.toml (PEP 751).
 *
 *   inputs (cli/project.c) -> target (probed interpreter or described)
 *   -> candidate source over the index client (resolver/source_index.c)
 *   -> res_resolve (the versions of an existing lockfile are preferences)
 *   -> lock model (lockfmt/) -> atomic write
 *
 * Exit statuses: 0 resolved (and written), 1 no solution or --check found
 * the lockfile missing or out of date, 2 bad input (including a corrupted
 * existing lockfile: nothing is overwritten), 3 an index or network error,
 * 4 a file-system error, 5 a hash mismatch.
 */
#define _GNU_SOURCE /* timegm */
#include "config.h"
#include "cli/cli.h"
#include "cli/direct.h"
#include "cli/project.h"
#include "index/index.h"
#include "lockfmt/lockfmt.h"
#include "resolver/resolver.h"
#include "resolver/source_index.h"
#include "sync/sync.h"

#include <ctype.h>
#include <limits.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

enum {
	OPT_OUTPUT = 1,
	OPT_PYTHON,
	OPT_PYTHON_VERSION,
	OPT_PLATFORM,
	OPT_IMPLEMENTATION,
	OPT_PRERELEASE,
	OPT_RESOLUTION,
	OPT_EXCLUDE_NEWER,
	OPT_UPGRADE,
	OPT_UPGRADE_PACKAGE,
	OPT_CHECK,
	OPT_DRY_RUN,
	OPT_WRITE_TESTCASE,
	OPT_VERBOSE,
};

/* Joined after the project-input group and before the index group. */
static const struct cvl_option own_options[] = {
	{ "output-file", 'o', OPT_VALUE, OPT_OUTPUT, "FILE",
	  "the lockfile (default: pylock.toml next to the project)" },
	{ "python", 0, OPT_VALUE, OPT_PYTHON, "PATH",
	  "resolve for this interpreter (default: python3 on PATH)" },
	{ "python-version", 0, OPT_VALUE, OPT_PYTHON_VERSION, "3.X[.Y]",
	  "resolve for a described target, without an interpreter" },
	{ "platform", 0, OPT_VALUE, OPT_PLATFORM, "PLAT",
	  "the described target's platform, e.g. manylinux_2_28_x86_64" },
	{ "implementation", 0, OPT_VALUE, OPT_IMPLEMENTATION, "cp|pp",
	  "the described target's Python implementation (default: cp)" },
	{ "prerelease", 0, OPT_VALUE, OPT_PRERELEASE,
	  "if-necessary|allow|disallow",
	  "when pre-releases may be chosen (default: if-necessary)" },
	{ "resolution", 0, OPT_VALUE, OPT_RESOLUTION,
	  "highest|lowest|lowest-direct",
	  "which versions to prefer (default: highest)" },
	{ "exclude-newer", 0, OPT_VALUE, OPT_EXCLUDE_NEWER, "TIMESTAMP",
	  "ignore files uploaded after this time (2024-05-01 or 2024-05-01T12:00:00Z)" },
	{ "upgrade", 'U', OPT_FLAG, OPT_UPGRADE, NULL,
	  "ignore the versions of the existing lockfile" },
	{ "upgrade-package", 'P', OPT_VALUE, OPT_UPGRADE_PACKAGE, "NAME[==VER]",
	  "ignore the existing lockfile's version of NAME; with ==VER, require that version (repeatable)" },
	{ "check", 0, OPT_FLAG, OPT_CHECK, NULL,
	  "write nothing; exit 1 when the lockfile is missing or would change" },
	{ "dry-run", 0, OPT_FLAG, OPT_DRY_RUN, NULL,
	  "write nothing; print what would change" },
	{ "write-testcase", 0, OPT_VALUE, OPT_WRITE_TESTCASE, "DIR",
	  "save a self-contained reproduction of the resolution in DIR" },
	{ "verbose", 'v', OPT_FLAG, OPT_VERBOSE, NULL,
	  "more detail (-v: statistics per round, and every rule of a conflict)" },
};

struct resolve_cmd {
	struct cvl_ctx *ctx;
	struct cvl_option *options;
	size_t noptions;
	struct cvl_project_opts p;
	struct cvl_index_opts io;
	struct cvl_progress progress;
	const char *output;
	const char *python;
	const char *python_version;
	const char *platform;
	const char *implementation;
	bool has_prerelease, has_resolution;
	enum pep_prerelease_mode prerelease;
	enum pep_resolution_mode resolution;
	const char *exclude_newer_text;
	int64_t exclude_newer;
	/* which target settings came from [tool.cvlock] (for messages) */
	bool pv_from_project, platform_from_project, impl_from_project;
	bool upgrade;
	struct strvec upgrade_packages;
	bool check, dry_run;
	const char *testcase_dir;
};

/* "2024-05-01", "2024-05-01T12:00:00Z" or "...+02:00" as Unix seconds. */
static bool parse_timestamp(const char *s, int64_t *out)
{
	struct tm tm;
	const char *end;
	long off = 0;

	memset(&tm, 0, sizeof(tm));
	end = strptime(s, "%Y-%m-%d", &tm);
	if (!end)
		return false;
	if (*end == 'T' || *end == ' ') {
		end = strptime(end + 1, "%H:%M:%S", &tm);
		if (!end)
			return false;
		if (*end == '.') {
			end++;
			while (*end >= '0' && *end <= '9')
				end++;
		}
		if (*end == 'Z' || *end == 'z') {
			end++;
		} else if ((*end == '+' || *end == '-') &&
			   end[1] >= '0' && end[1] <= '9' && end[2] >= '0' &&
			   end[2] <= '9' && end[3] == ':' && end[4] >= '0' &&
			   end[4] <= '9' && end[5] >= '0' && end[5] <= '9') {
			off = ((end[1] - '0') * 10 + (end[2] - '0')) * 3600 +
			      ((end[4] - '0') * 10 + (end[5] - '0')) * 60;
			if (*end == '-')
				off = -off;
			end += 6;
		} else if (*end) {
			return false;
		}
	}
	if (*end)
		return false;
	*out = (int64_t)timegm(&tm) - off;
	return true;
}

static void print_usage(const struct resolve_cmd *rc)
{
	cvl_print_usage("resolve",
			"[DIR|pyproject.toml] [-r FILE]... [-c FILE]... [-o FILE] [options]",
			"Resolve the project's requirements (or requirements files) for one\n"
			"target environment and write a pylock.toml (PEP 751).  The target\n"
			"is a Python interpreter (--python, default python3 on PATH), or\n"
			"described with --python-version and --platform.  The versions of an\n"
			"existing lockfile are kept where the inputs allow (--upgrade,\n"
			"--upgrade-package NAME drop them).  Prints 'Resolved N packages'\n"
			"and the changes on stderr.  Exit status 1 when there is no solution\n"
			"(with an explanation) or when --check finds the lockfile stale.",
			rc->options, rc->noptions);
}

/*
 * --upgrade-package NAME or NAME==VERSION (any specifier: uv's
 * "-P 'NAME>=2'" too): drops NAME's preference; the version, when given,
 * is required in this resolution (a constraint, so NAME is not added
 * when nothing needs it).  Markers, extras and URLs make no sense here.
 */
static int upgrade_package_option(struct resolve_cmd *rc, const char *value)
{
	struct pep_requirement req = PEP_REQUIREMENT_INIT;
	struct cvl_error err = CVL_ERROR_INIT;
	int r = 0;

	if (pep_requirement_parse(&req, value, strlen(value), &err) < 0) {
		cvl_errorf("invalid --upgrade-package '%s': %s", value, err.msg);
		r = EXIT_USAGE;
	} else if (req.url || req.marker || req.extras.nr) {
		cvl_errorf("invalid --upgrade-package '%s': expected NAME or NAME==VERSION",
			   value);
		r = EXIT_USAGE;
	}
	if (r)
		fprintf(stderr, "hint: e.g. --upgrade-package requests or --upgrade-package requests==2.32.3\n");
	else
		strvec_push(&rc->upgrade_packages, value);
	pep_requirement_release(&req);
	return r;
}

static int on_option(int id, const char *value, void *data)
{
	struct resolve_cmd *rc = data;

	switch (id) {
	case OPT_HELP:
		print_usage(rc);
		exit(EXIT_OK);
	case OPT_OUTPUT:
		rc->output = value;
		return 0;
	case OPT_PYTHON:
		rc->python = value;
		return 0;
	case OPT_PYTHON_VERSION:
		rc->python_version = value;
		return 0;
	case OPT_PLATFORM:
		rc->platform = value;
		return 0;
	case OPT_IMPLEMENTATION:
		if (strcmp(value, "cp") && strcmp(value, "pp")) {
			cvl_errorf("invalid --implementation '%s'", value);
			fprintf(stderr, "hint: expected 'cp' (CPython) or 'pp' (PyPy)\n");
			return EXIT_USAGE;
		}
		rc->implementation = value;
		return 0;
	case OPT_PRERELEASE:
		if (!pep_prerelease_mode_parse(value, strlen(value),
					       &rc->prerelease)) {
			cvl_errorf("invalid --prerelease '%s'", value);
			fprintf(stderr, "hint: expected 'if-necessary', 'allow' or 'disallow'\n");
			return EXIT_USAGE;
		}
		rc->has_prerelease = true;
		return 0;
	case OPT_RESOLUTION:
		if (!pep_resolution_mode_parse(value, strlen(value),
					       &rc->resolution)) {
			cvl_errorf("invalid --resolution '%s'", value);
			fprintf(stderr, "hint: expected 'highest', 'lowest' or 'lowest-direct'\n");
			return EXIT_USAGE;
		}
		rc->has_resolution = true;
		return 0;
	case OPT_EXCLUDE_NEWER:
		if (!parse_timestamp(value, &rc->exclude_newer)) {
			cvl_errorf("invalid --exclude-newer '%s'", value);
			fprintf(stderr, "hint: expected a date (2024-05-01) or an RFC 3339 time (2024-05-01T12:00:00Z)\n");
			return EXIT_USAGE;
		}
		rc->exclude_newer_text = value;
		return 0;
	case OPT_UPGRADE:
		rc->upgrade = true;
		return 0;
	case OPT_UPGRADE_PACKAGE:
		return upgrade_package_option(rc, value);
	case OPT_CHECK:
		rc->check = true;
		return 0;
	case OPT_DRY_RUN:
		rc->dry_run = true;
		return 0;
	case OPT_WRITE_TESTCASE:
		rc->testcase_dir = value;
		return 0;
	case OPT_VERBOSE:
		rc->ctx->verbose++;
		return 0;
	default:
		if (cvl_project_opt_id(id))
			return cvl_project_opts_option(&rc->p, id, value);
		return cvl_index_opts_option(&rc->io, id, value);
	}
}

/* ---- the target ---------------------------------------------------------- */

struct target {
	struct pep_env env;
	struct arena storage;
	struct strvec tags;
	char python[32];      /* "3.11.0" */
	char environment[512]; /* the lockfile's environments marker */
	char requires_python[32];
	bool described;
	struct sync_interp interp;
};

static bool parse_part(const char **s, int *out)
{
	long v = 0;

	if (**s < '0' || **s > '9')
		return false;
	while (**s >= '0' && **s <= '9') {
		v = v * 10 + (**s - '0');
		if (v > 999)
			return false;
		(*s)++;
	}
	*out = (int)v;
	return true;
}

static bool parse_python_version(const char *s, int ver[3])
{
	ver[2] = 0;
	if (!parse_part(&s, &ver[0]) || *s++ != '.' || !parse_part(&s, &ver[1]))
		return false;
	if (*s == '.') {
		s++;
		if (!parse_part(&s, &ver[2]))
			return false;
	}
	return *s == '\0';
}

static void target_describe(struct target *t, int major, int minor)
{
	const char *const *v = t->env.var;

	snprintf(t->environment, sizeof(t->environment),
		 "sys_platform == \"%s\" and platform_machine == \"%s\" and implementation_name == \"%s\"",
		 v[PEP_ENV_SYS_PLATFORM] ? v[PEP_ENV_SYS_PLATFORM] : "",
		 v[PEP_ENV_PLATFORM_MACHINE] ? v[PEP_ENV_PLATFORM_MACHINE] : "",
		 v[PEP_ENV_IMPLEMENTATION_NAME] ? v[PEP_ENV_IMPLEMENTATION_NAME] : "");
	snprintf(t->requires_python, sizeof(t->requires_python), "==%d.%d.*",
		 major, minor);
}

static int target_setup(struct resolve_cmd *rc, struct target *t)
{
	struct cvl_error err = CVL_ERROR_INIT;
	int r;

	if (rc->python && (rc->python_version || rc->platform)) {
		cvl_errorf("--python cannot be combined with --python-version or --platform");
		fprintf(stderr, "hint: probe an interpreter, or describe a target without one\n");
		return EXIT_USAGE;
	}
	if (rc->python_version || rc->platform) {
		struct pep_target pt;
		size_t plen;

		if (!rc->python_version || !rc->platform) {
			if (rc->pv_from_project || rc->platform_from_project) {
				cvl_errorf("missing %s: [tool.cvlock] sets %s",
					   rc->platform ? "the python version"
							: "the platform",
					   rc->platform ? "platform"
							: "python-version");
				fprintf(stderr, "hint: set both python-version and platform in [tool.cvlock], give the other with --python-version or --platform, or probe an interpreter with --python PATH\n");
				return EXIT_USAGE;
			}
			cvl_errorf("missing %s", rc->platform ? "--python-version" : "--platform");
			fprintf(stderr, "hint: give both --python-version and --platform, e.g. --python-version 3.12 --platform manylinux_2_28_x86_64, or --python PATH\n");
			return EXIT_USAGE;
		}
		memset(&pt, 0, sizeof(pt));
		if (!parse_python_version(rc->python_version, pt.python)) {
			/* [tool.cvlock] python-version was checked when read */
			cvl_errorf("invalid --python-version '%s'", rc->python_version);
			fprintf(stderr, "hint: expected e.g. 3.12 or 3.12.1\n");
			return EXIT_USAGE;
		}
		plen = strlen(rc->platform);
		if (plen >= sizeof(pt.platform)) {
			cvl_errorf("unsupported platform '%.40s...': too long",
				   rc->platform);
			return EXIT_USAGE;
		}
		memcpy(pt.platform, rc->platform, plen + 1);
		memcpy(pt.implementation,
		       rc->implementation ? rc->implementation : "cp", 3);
		r = pep_target_env(&pt, &t->env, &t->storage, &err);
		if (!r)
			r = pep_target_tags(&pt, &t->tags, &err);
		if (r) {
			cvl_report(rc->ctx, &err);
			return cvl_exit_status(r);
		}
		snprintf(t->python, sizeof(t->python), "%d.%d.%d",
			 pt.python[0], pt.python[1], pt.python[2]);
		t->described = true;
		target_describe(t, pt.python[0], pt.python[1]);
		return 0;
	} else {
		char *cache_dir = rc->io.no_cache ? NULL
						  : cvl_cache_dir(rc->io.cache_dir);

		if (rc->implementation) {
			if (rc->impl_from_project)
				cvl_errorf("[tool.cvlock] implementation needs python-version and platform");
			else
				cvl_errorf("--implementation needs --python-version and --platform");
			return EXIT_USAGE;
		}
		r = sync_interp_probe(rc->python, cache_dir, &t->interp, &err);
		free(cache_dir);
		if (!r)
			r = sync_interp_tags(&t->interp, &t->tags, &err);
		if (r) {
			cvl_report(rc->ctx, &err);
			return cvl_exit_status(r);
		}
		sync_interp_env(&t->interp, &t->env);
		snprintf(t->python, sizeof(t->python), "%d.%d.%d",
			 t->interp.version[0], t->interp.version[1],
			 t->interp.version[2]);
		target_describe(t, t->interp.version[0], t->interp.version[1]);
		if (rc->ctx->verbose)
			fprintf(stderr, "python interpreter '%s': %s%s\n",
				t->interp.path, t->python,
				t->interp.from_cache ? " (cached probe)" : "");
		return 0;
	}
}

/* ---- paths ------------------------------------------------------------------ */

/* The default lockfile: pylock.toml next to the project. */
static char *default_output(const char *path)
{
	struct stat st;
	struct strbuf sb = STRBUF_INIT;

	if (path && stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
		strbuf_addstr(&sb, path);
		if (sb.len && sb.buf[sb.len - 1] != '/')
			strbuf_addch(&sb, '/');
	} else if (path && cvl_ends_with(path, ".toml")) {
		char *d = path_dirname_dup(path);

		strbuf_addf(&sb, "%s/", d);
		free(d);
	}
	strbuf_addstr(&sb, "pylock.toml");
	return strbuf_detach(&sb, NULL);
}

/*
 * `target` (absolute) relative to the directory `from` (absolute, real),
 * e.g. "../index/files/a-1.0.tar.gz".
 */
static void relative_path(const char *from, const char *target,
			  struct strbuf *out)
{
	size_t i = 0, common = 0;
	const char *p;

	/* the longest common prefix that ends at a '/' boundary */
	while (from[i] && target[i] && from[i] == target[i]) {
		if (from[i] == '/')
			common = i;
		i++;
	}
	if (!from[i] && (target[i] == '/' || !target[i]))
		common = i;
	else if (from[i] == '/' && !target[i])
		common = i;
	for (p = from + common; *p; p++)
		if (*p == '/' && p[1])
			strbuf_addstr(out, "../");
	p = target + common;
	while (*p == '/')
		p++;
	strbuf_addstr(out, p);
}

/* ---- the lockfile ----------------------------------------------------------- */

static void format_time(int64_t t, char out[32])
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (!gmtime_r(&tt, &tm) ||
	    !strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm))
		snprintf(out, 32, "1970-01-01T00:00:00Z");
}

static const char *hash_alg_name(enum idx_hash_alg alg)
{
	switch (alg) {
	case IDX_HASH_SHA256:
		return "sha256";
	case IDX_HASH_SHA384:
		return "sha384";
	case IDX_HASH_SHA512:
		return "sha512";
	case IDX_HASH_MD5:
	case IDX_HASH_NALGS:
		break;
	}
	return NULL;
}

struct lock_ctx {
	const char *lock_dir; /* real path of the lockfile's directory */
};

/* url or path, hashes, size, upload time of one file. */
static int fill_entry(const struct lock_ctx *lc, struct lock_file_entry *e,
		      const struct idx_file *f, struct cvl_error *err)
{
	size_t k;

	lock_set_str(&e->name, f->filename);
	if (!strncmp(f->url, "file:", 5)) {
		struct strbuf path = STRBUF_INIT, rel = STRBUF_INIT;
		char *real;
		int r = url_to_path(f->url, &path, err);

		if (r < 0) {
			strbuf_release(&path);
			return r;
		}
		real = realpath(path.buf, NULL);
		relative_path(lc->lock_dir, real ? real : path.buf, &rel);
		lock_set_str(&e->path, rel.buf);
		if (!f->nhashes) {
			struct strbuf data = STRBUF_INIT;
			char hex[65];

			/* a find-links directory gives no hash: compute it */
			r = cvl_read_file(real ? real : path.buf, "", &data, err);
			if (!r) {
				sha256_hex_bulk(data.buf, data.len, hex);
				lock_entry_set_hash(e, "sha256", hex);
			}
			strbuf_release(&data);
			if (r < 0) {
				free(real);
				strbuf_release(&path);
				strbuf_release(&rel);
				return r;
			}
		}
		free(real);
		strbuf_release(&path);
		strbuf_release(&rel);
	} else {
		struct strbuf url = STRBUF_INIT;

		url_strip_credentials(f->url, &url);
		lock_set_str(&e->url, url.buf);
		strbuf_release(&url);
	}
	if (f->upload_time >= 0) {
		char t[32];

		format_time(f->upload_time, t);
		lock_set_str(&e->upload_time, t);
	}
	if (f->size >= 0) {
		e->has_size = true;
		e->size = (uint64_t)f->size;
	}
	for (k = 0; k < f->nhashes; k++) {
		const char *alg = hash_alg_name(f->hashes[k].alg);

		if (alg)
			lock_entry_set_hash(e, alg, f->hashes[k].hex);
	}
	return 0;
}

/* A local file (hashed here) or a file with a hash worth locking. */
static bool file_usable(const struct idx_file *f)
{
	size_t k;

	if (!strncmp(f->url, "file:", 5))
		return true;
	for (k = 0; k < f->nhashes; k++)
		if (hash_alg_name(f->hashes[k].alg))
			return true;
	return false;
}

/* The index a page came from: its URL without "<name>/". */
static char *index_of(const char *page_url, const char *name)
{
	struct strbuf sb = STRBUF_INIT;
	size_t n, m = strlen(name);

	if (!page_url || !strncmp(page_url, "file:", 5))
		return NULL;
	url_strip_credentials(page_url, &sb);
	n = sb.len;
	if (n && sb.buf[n - 1] == '/')
		n--;
	if (n > m && sb.buf[n - m - 1] == '/' && !strncmp(sb.buf + n - m, name, m)) {
		strbuf_setlen(&sb, n - m);
		/* "https://pypi.org/simple" as PEP 751's examples write it */
		if (sb.len > 1 && sb.buf[sb.len - 1] == '/')
			strbuf_setlen(&sb, sb.len - 1);
		return strbuf_detach(&sb, NULL);
	}
	strbuf_release(&sb);
	return NULL;
}

/* The files of a selected version the lock lists (with their hashes). */
static int add_files(const struct lock_ctx *lc, struct res_source *src,
		     const struct res_options *opts,
		     const struct res_selected *sel, struct lock_package *pkg,
		     struct cvl_error *err)
{
	const struct idx_file *const *files;
	size_t nfiles, nused = 0, k;
	bool binary, source;

	/* --no-binary / --only-binary: only the files they allow */
	res_options_allowed_formats(opts, sel->name, &binary, &source);
	res_source_index_files(src, sel->cand, &files, &nfiles);
	for (k = 0; k < nfiles; k++) {
		struct lock_file_entry *e;
		int r;

		if (!file_usable(files[k]))
			continue; /* nothing to check it against */
		if (files[k]->kind == IDX_FILE_WHEEL) {
			if (!binary)
				continue;
			e = lock_package_add_wheel(pkg);
		} else if (files[k]->kind == IDX_FILE_SDIST) {
			if (!source || pkg->sdist)
				continue; /* one sdist (.tar.gz sorts first) */
			e = lock_package_sdist(pkg);
		} else {
			continue;
		}
		r = fill_entry(lc, e, files[k], err);
		if (r < 0)
			return r;
		nused++;
	}
	if (!nused)
		return cvl_error_set(err, CVL_EINVAL,
				     "%s %s has no file with a hash to lock",
				     sel->name, sel->version);
	/*
	 * A yanked version (all its files are, PEP 592: only chosen when
	 * pinned with == or ===): [packages.tool.cvlock] yanked, with the
	 * first reason the index gave.
	 */
	if (sel->cand && sel->cand->yanked) {
		const char *reason = NULL;

		for (k = 0; k < nfiles && !reason; k++)
			if (files[k]->yanked_reason && *files[k]->yanked_reason)
				reason = files[k]->yanked_reason;
		lock_set_str(&pkg->yanked, reason ? reason : "");
	}
	return 0;
}

/*
 * A direct reference's wheel: [packages.archive] with its URL (without
 * credentials) or, for a local file, its path relative to the lockfile.
 */
static void direct_archive(const struct lock_ctx *lc,
			   const struct cvl_direct *d, struct lock_package *pkg)
{
	struct lock_file_entry *e = xcalloc(1, sizeof(*e));
	struct strbuf sb = STRBUF_INIT;

	if (d->path)
		relative_path(lc->lock_dir, d->path, &sb);
	else
		url_strip_credentials(d->url, &sb);
	lock_set_str(d->path ? &e->path : &e->url, sb.buf);
	e->has_size = true;
	e->size = d->size;
	lock_entry_set_hash(e, "sha256", d->sha256);
	pkg->archive = e;
	strbuf_release(&sb);
}

/* ---- extras and dependency groups in the lockfile ------------------------ */

/* Set reached[i] for the selected packages that list `l` leads to. */
static void list_reach(const struct res_result *res,
		       const struct pep_input_list *l, bool *reached)
{
	struct pep_requirement *reqs = xcalloc(l->nr + 1, sizeof(*reqs));
	size_t i;

	/* shallow copies: res_result_reach only reads them */
	for (i = 0; i < l->nr; i++)
		reqs[i] = l->items[i].req;
	res_result_reach(res, reqs, l->nr, reached);
	free(reqs);
}

/* "'name' in extras" (PEP 751), quoted for the marker grammar. */
static void origin_marker(const char *name, bool group, struct strbuf *out)
{
	strbuf_addf(out, "'%s' in %s", name,
		    group ? "dependency_groups" : "extras");
}

/*
 * The packages reachable only through extras or groups get a marker
 * naming them ("'cli' in extras or 'dev' in dependency_groups"): walk
 * the selected graph from the base requirements, then from each selected
 * extra and group.  `markers[i]` is NULL (reachable from the base) or a
 * malloc'ed marker.
 */
static void origin_markers(const struct pep_inputs *in,
			   const struct res_result *res, char **markers)
{
	bool *base = xcalloc(res->npkgs + 1, sizeof(bool));
	bool *via = xcalloc(res->npkgs + 1, sizeof(bool));
	struct strbuf *sb = xcalloc(res->npkgs + 1, sizeof(*sb));
	struct strvec extras = STRVEC_INIT, groups = STRVEC_INIT;
	size_t i, k, pass;

	for (i = 0; i < res->npkgs; i++)
		strbuf_init(&sb[i], 0);
	list_reach(res, &in->requirements, base);
	for (i = 0; i < in->selected_extras.nr; i++)
		strvec_push(&extras, in->selected_extras.v[i]);
	for (i = 0; i < in->selected_groups.nr; i++)
		strvec_push(&groups, in->selected_groups.v[i]);
	strvec_sort(&extras);
	strvec_sort(&groups);
	for (pass = 0; pass < 2; pass++) {
		const struct strvec *names = pass ? &groups : &extras;

		for (k = 0; k < names->nr; k++) {
			const char *n = names->v[k];
			const struct pep_input_list *l =
				pass ? pep_inputs_find_group(in, n, strlen(n))
				     : pep_inputs_find_extra(in, n, strlen(n));

			if (!l || (k && !strcmp(n, names->v[k - 1])))
				continue;
			memset(via, 0, res->npkgs * sizeof(bool));
			list_reach(res, l, via);
			for (i = 0; i < res->npkgs; i++) {
				if (base[i] || !via[i])
					continue;
				if (sb[i].len)
					strbuf_addstr(&sb[i], " or ");
				origin_marker(n, pass, &sb[i]);
			}
		}
	}
	for (i = 0; i < res->npkgs; i++) {
		markers[i] = sb[i].len ? strbuf_detach(&sb[i], NULL) : NULL;
		strbuf_release(&sb[i]);
	}
	free(sb);
	free(base);
	free(via);
	strvec_clear(&extras);
	strvec_clear(&groups);
}

/*
 * One requirement of extra or group `name` with the origin's marker
 * attached ("click>=8; 'cli' in extras", "(own) and 'cli' in extras"),
 * normalized by pep_requirement_format.
 */
static void marked_requirement(const struct pep_requirement *req,
			       const char *name, bool group,
			       struct strbuf *out)
{
	struct pep_requirement bare = *req, parsed = PEP_REQUIREMENT_INIT;
	struct strbuf sb = STRBUF_INIT;
	struct cvl_error err = CVL_ERROR_INIT;

	bare.marker = NULL;
	pep_requirement_format(&bare, &sb);
	/* a ';' right after a URL would belong to the URL */
	strbuf_addstr(&sb, req->url ? " ; " : "; ");
	if (req->marker) {
		strbuf_addch(&sb, '(');
		pep_marker_format(req->marker, &sb);
		strbuf_addstr(&sb, ") and ");
	}
	origin_marker(name, group, &sb);
	if (pep_requirement_parse(&parsed, sb.buf, sb.len, &err) < 0)
		BUG("cannot parse the marked requirement '%s': %s", sb.buf,
		    err.msg);
	pep_requirement_format(&parsed, out);
	pep_requirement_release(&parsed);
	strbuf_release(&sb);
}

/* A URL's user:password never reaches the lockfile. */
static void strip_requirement_credentials(struct strvec *reqs)
{
	struct pep_requirement req = PEP_REQUIREMENT_INIT;
	struct cvl_error err = CVL_ERROR_INIT;
	struct strbuf url = STRBUF_INIT, sb = STRBUF_INIT;
	size_t i;

	for (i = 0; i < reqs->nr; i++) {
		if (pep_requirement_parse(&req, reqs->v[i], strlen(reqs->v[i]),
					  &err) < 0 || !req.url) {
			pep_requirement_release(&req);
			continue;
		}
		strbuf_reset(&url);
		url_strip_credentials(req.url, &url);
		if (strcmp(url.buf, req.url)) {
			free(req.url);
			req.url = xstrdup(url.buf);
			strbuf_reset(&sb);
			pep_requirement_format(&req, &sb);
			free(reqs->v[i]);
			reqs->v[i] = xstrdup(sb.buf);
		}
		pep_requirement_release(&req);
	}
	strbuf_release(&url);
	strbuf_release(&sb);
}

/* The project's own requirements: the base ones, then marked ones. */
static void lock_requirements(const struct pep_inputs *in,
			      struct lock_file *lf)
{
	struct strbuf sb = STRBUF_INIT;
	size_t i, k, pass;

	for (i = 0; i < in->requirements.nr; i++)
		strvec_push(&lf->requirements, in->requirements.items[i].text);
	for (pass = 0; pass < 2; pass++) {
		const struct strvec *names =
			pass ? &in->selected_groups : &in->selected_extras;

		for (k = 0; k < names->nr; k++) {
			const char *n = names->v[k];
			const struct pep_input_list *l =
				pass ? pep_inputs_find_group(in, n, strlen(n))
				     : pep_inputs_find_extra(in, n, strlen(n));

			for (i = 0; l && i < l->nr; i++) {
				strbuf_reset(&sb);
				marked_requirement(&l->items[i].req, n, pass,
						   &sb);
				strvec_push(&lf->requirements, sb.buf);
			}
		}
	}
	strip_requirement_credentials(&lf->requirements);
	strbuf_release(&sb);
}

static int build_lock(struct resolve_cmd *rc, const struct lock_ctx *lc,
		      const struct pep_inputs *in, const struct target *t,
		      struct res_source *src, const struct cvl_directs *directs,
		      const struct res_options *opts,
		      const struct res_result *res, struct lock_file *lf,
		      struct cvl_error *err)
{
	char hex[65], hash[80];
	char **markers;
	size_t i, k;
	int r = 0;

	strvec_push(&lf->environments, t->environment);
	lock_set_str(&lf->requires_python, t->requires_python);
	for (i = 0; i < in->selected_extras.nr; i++)
		strvec_push(&lf->extras, in->selected_extras.v[i]);
	for (i = 0; i < in->selected_groups.nr; i++) {
		/* what was resolved is what a plain sync installs */
		strvec_push(&lf->dependency_groups, in->selected_groups.v[i]);
		strvec_push(&lf->default_groups, in->selected_groups.v[i]);
	}
	lock_requirements(in, lf);
	markers = xcalloc(res->npkgs + 1, sizeof(*markers));
	origin_markers(in, res, markers);
	for (i = 0; i < res->npkgs; i++) {
		const struct res_selected *sel = &res->pkgs[i];
		const struct cvl_direct *direct;
		struct lock_package *pkg;
		char *index;

		pkg = lock_file_add_package(lf, sel->name, sel->version);
		pkg->marker = markers[i];
		markers[i] = NULL;
		if (sel->cand && sel->cand->requires_python)
			lock_set_str(&pkg->requires_python,
				     sel->cand->requires_python);
		pkg->has_dependencies = true;
		for (k = 0; k < sel->ndeps; k++)
			lock_package_add_dep(pkg, res->pkgs[sel->deps[k]].name,
					     NULL);
		direct = cvl_direct_find(directs, sel->name);
		if (direct) {
			direct_archive(lc, direct, pkg);
			continue;
		}
		index = index_of(res_source_index_page_url(sel->cand), sel->name);
		if (index) {
			lock_set_str(&pkg->index, index);
			free(index);
		}
		r = add_files(lc, src, opts, sel, pkg, err);
		if (r < 0)
			break;
	}
	for (i = 0; i < res->npkgs; i++)
		free(markers[i]);
	free(markers);
	if (r < 0)
		return r;
	pep_inputs_hash(in, hex);
	snprintf(hash, sizeof(hash), "sha256:%s", hex);
	lock_set_str(&lf->inputs_hash, hash);
	lock_file_set_option(lf, "prerelease",
			     pep_prerelease_mode_name(rc->prerelease));
	lock_file_set_option(lf, "resolution",
			     pep_resolution_mode_name(rc->resolution));
	if (rc->exclude_newer_text) {
		char ts[32];

		format_time(rc->exclude_newer, ts);
		lock_file_set_option(lf, "exclude-newer", ts);
	}
	for (i = 0; i < 2; i++) {
		const struct strvec *set = i ? &in->only_binary : &in->no_binary;
		struct strbuf sb = STRBUF_INIT;

		if (!set->nr)
			continue;
		pep_format_control_format(set, &sb);
		lock_file_set_option(lf, i ? "only-binary" : "no-binary", sb.buf);
		strbuf_release(&sb);
	}
	lock_file_set_option(lf, "python-version", t->python);
	if (t->described) {
		lock_file_set_option(lf, "platform", rc->platform);
		lock_file_set_option(lf, "implementation",
				     rc->implementation ? rc->implementation : "cp");
	}
	return 0;
}

/* ---- changes against the previous lockfile ------------------------------- */

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static const char *old_version(const struct lock_file *old, const char *name)
{
	size_t pos = 0;
	struct lock_package *p = old ? lock_file_find(old, name, &pos) : NULL;

	return p ? (p->version ? p->version : "") : NULL;
}

/*
 * "Added x 1.2", "Updated y 1.0 -> 1.1", "Removed z 0.9", sorted by name,
 * each line prefixed with "NAME\t" (the sort key) into `lines`.
 */
static void collect_changes(const struct lock_file *old,
			    const struct res_result *res, struct strvec *lines)
{
	struct strbuf sb = STRBUF_INIT;
	size_t i;

	for (i = 0; i < res->npkgs; i++) {
		const char *ov = old_version(old, res->pkgs[i].name);

		strbuf_reset(&sb);
		if (!ov)
			strbuf_addf(&sb, "%s\tAdded %s %s", res->pkgs[i].name,
				    res->pkgs[i].name, res->pkgs[i].version);
		else if (strcmp(ov, res->pkgs[i].version))
			strbuf_addf(&sb, "%s\tUpdated %s %s -> %s",
				    res->pkgs[i].name, res->pkgs[i].name, ov,
				    res->pkgs[i].version);
		else
			continue;
		strvec_push(lines, sb.buf);
	}
	for (i = 0; old && i < old->npackages; i++) {
		const struct lock_package *p = &old->packages[i];
		bool found = false;
		size_t k;

		for (k = 0; k < res->npkgs; k++)
			if (!strcmp(res->pkgs[k].name, p->name))
				found = true;
		if (found)
			continue;
		strbuf_reset(&sb);
		strbuf_addf(&sb, "%s\tRemoved %s %s", p->name, p->name,
			    p->version ? p->version : "");
		strvec_push(lines, sb.buf);
	}
	qsort(lines->v, lines->nr, sizeof(*lines->v), cmp_str);
	strbuf_release(&sb);
}

/* ---- the command ------------------------------------------------------------ */

static int add_list(struct res_options *opts, const struct pep_input_list *l,
		    int (*add)(struct res_options *, const char *,
			       struct cvl_error *),
		    struct cvl_error *err)
{
	size_t i;
	int r;

	for (i = 0; i < l->nr; i++) {
		r = add(opts, l->items[i].text, err);
		if (r < 0)
			return r;
	}
	return 0;
}

/*
 * Direct references ("name @ URL") are refused for now rather than
 * silently resolved from the index: the first one of the lists resolve
 * reads (in file order), with its origin.
 */
static int check_no_urls(const struct pep_input_list *l, bool roots,
			 struct cvl_error *err)
{
	size_t i;

	for (i = 0; i < l->nr; i++) {
		const struct pep_input_req *q = &l->items[i];
		bool vcs;

		if (!q->req.url)
			continue;
		if (roots && cvl_direct_is_wheel_url(q->req.url))
			continue; /* fetched by fetch_directs() */
		vcs = !strncmp(q->req.url, "git+", 4) ||
		      !strncmp(q->req.url, "hg+", 3) ||
		      !strncmp(q->req.url, "svn+", 4) ||
		      !strncmp(q->req.url, "bzr+", 4);
		cvl_error_set(err, CVL_EUNSUPPORTED,
			      "%s reference '%s' is not supported yet",
			      vcs ? "version control" : "direct", q->text);
		if (q->file)
			cvl_error_file(err, q->file);
		if (q->line)
			cvl_error_at(err, q->line, q->column);
		cvl_error_hint(err, vcs ? "require a released version from the index, or lock a wheel built from the repository"
				      : roots ? "only wheel URLs (.whl) are supported; require the version from an index, or serve the file in a --find-links directory"
					      : "a constraint or override names versions; require the URL itself instead");
		return -CVL_EUNSUPPORTED;
	}
	return 0;
}

static int check_direct_references(const struct pep_inputs *in,
				   struct cvl_error *err)
{
	size_t i;
	int r;

	r = check_no_urls(&in->requirements, true, err);
	for (i = 0; !r && i < in->selected_extras.nr; i++) {
		const char *e = in->selected_extras.v[i];
		const struct pep_input_list *l =
			pep_inputs_find_extra(in, e, strlen(e));

		if (l)
			r = check_no_urls(l, true, err);
	}
	for (i = 0; !r && i < in->selected_groups.nr; i++) {
		const char *g = in->selected_groups.v[i];
		const struct pep_input_list *l =
			pep_inputs_find_group(in, g, strlen(g));

		if (l)
			r = check_no_urls(l, true, err);
	}
	if (!r)
		r = check_no_urls(&in->constraints, false, err);
	if (!r)
		r = check_no_urls(&in->overrides, false, err);
	return r;
}

/* Fetch the wheels of the direct references of one list of roots. */
static int fetch_list(const struct pep_input_list *l, const struct target *t,
		      const struct idx_http_opts *http, struct cvl_directs *d,
		      struct cvl_error *err)
{
	size_t i;
	int r;

	for (i = 0; i < l->nr; i++) {
		const struct pep_requirement *req = &l->items[i].req;
		struct cvl_error merr = CVL_ERROR_INIT;
		bool applies = true;

		if (!req->url)
			continue;
		/* not for this target: nothing to fetch (an error: fetch) */
		if (req->marker &&
		    pep_marker_evaluate(req->marker, &t->env, &applies,
					&merr) < 0)
			applies = true;
		if (!applies)
			continue;
		r = cvl_direct_add(d, &l->items[i], &t->tags, http, err);
		if (r < 0)
			return r;
	}
	return 0;
}

/* The wheels of every direct reference among the roots (file order). */
static int fetch_directs(const struct pep_inputs *in, const struct target *t,
			 const struct idx_http_opts *http,
			 struct cvl_directs *d, struct cvl_error *err)
{
	size_t i;
	int r;

	r = fetch_list(&in->requirements, t, http, d, err);
	for (i = 0; !r && i < in->selected_extras.nr; i++) {
		const char *e = in->selected_extras.v[i];
		const struct pep_input_list *l =
			pep_inputs_find_extra(in, e, strlen(e));

		if (l)
			r = fetch_list(l, t, http, d, err);
	}
	for (i = 0; !r && i < in->selected_groups.nr; i++) {
		const char *g = in->selected_groups.v[i];
		const struct pep_input_list *l =
			pep_inputs_find_group(in, g, strlen(g));

		if (l)
			r = fetch_list(l, t, http, d, err);
	}
	return r;
}

static int fill_options(struct resolve_cmd *rc, const struct pep_inputs *in,
			const struct target *t, const struct lock_file *old,
			struct res_options *opts, struct cvl_error *err)
{
	size_t i;
	int r;

	r = check_direct_references(in, err);
	if (r < 0)
		return r;
	opts->env = &t->env;
	opts->python = t->python;
	opts->derivation = rc->ctx->verbose > 0;
	opts->prerelease = rc->prerelease;
	opts->resolution = rc->resolution;
	opts->exclude_newer = rc->exclude_newer_text ? rc->exclude_newer : 0;
	for (i = 0; i < in->no_binary.nr; i++)
		strvec_push(&opts->no_binary, in->no_binary.v[i]);
	for (i = 0; i < in->only_binary.nr; i++)
		strvec_push(&opts->only_binary, in->only_binary.v[i]);
	r = add_list(opts, &in->requirements, res_options_add_root, err);
	for (i = 0; !r && i < in->selected_extras.nr; i++) {
		const char *e = in->selected_extras.v[i];
		const struct pep_input_list *l =
			pep_inputs_find_extra(in, e, strlen(e));

		if (l)
			r = add_list(opts, l, res_options_add_root, err);
	}
	for (i = 0; !r && i < in->selected_groups.nr; i++) {
		const char *g = in->selected_groups.v[i];
		const struct pep_input_list *l =
			pep_inputs_find_group(in, g, strlen(g));

		if (l)
			r = add_list(opts, l, res_options_add_root, err);
	}
	if (!r)
		r = add_list(opts, &in->constraints, res_options_add_constraint,
			     err);
	if (!r)
		r = add_list(opts, &in->overrides, res_options_add_override,
			     err);
	if (r < 0)
		return r;
	for (i = 0; old && i < old->npackages; i++)
		if (old->packages[i].version)
			res_options_add_locked(opts, old->packages[i].name,
					       old->packages[i].version);
	opts->upgrade_all = rc->upgrade;
	for (i = 0; i < rc->upgrade_packages.nr; i++) {
		/* NAME or NAME==VERSION (checked by upgrade_package_option) */
		const char *s = rc->upgrade_packages.v[i];
		struct pep_requirement req = PEP_REQUIREMENT_INIT;

		r = pep_requirement_parse(&req, s, strlen(s), err);
		if (!r) {
			res_options_add_upgrade(opts, req.name);
			if (req.spec.nr)
				r = res_options_add_constraint(opts, s, err);
		}
		pep_requirement_release(&req);
		if (r < 0)
			return r;
	}
	return 0;
}

/*
 * Read the existing lockfile: 0 (missing: *exists = false), or an exit
 * status after printing why (a corrupted file is never overwritten).
 */
static int read_old(struct resolve_cmd *rc, const char *path,
		    struct lock_file *old, struct strbuf *bytes, bool *exists)
{
	struct cvl_error err = CVL_ERROR_INIT;
	struct lock_diags diags = LOCK_DIAGS_INIT;
	int r;

	*exists = false;
	if (access(path, F_OK) != 0)
		return 0;
	r = cvl_read_file(path, "", bytes, &err);
	if (r < 0) {
		cvl_report(rc->ctx, &err);
		return cvl_exit_status(r);
	}
	*exists = true;
	r = lock_read(old, bytes->buf, bytes->len, &diags, &err);
	if (r < 0) {
		struct strbuf sb = STRBUF_INIT;

		lock_diags_format(&diags, path, &sb);
		cvl_errorf("existing lockfile '%s' is not valid; nothing was written",
			   path);
		fprintf(stderr, "%s", sb.buf);
		fprintf(stderr, "hint: fix it, or remove it to resolve from scratch\n");
		strbuf_release(&sb);
		lock_diags_release(&diags);
		return EXIT_USAGE;
	}
	lock_diags_release(&diags);
	return 0;
}

/*
 * The [tool.cvlock] settings the command line did not give: the
 * pre-release and resolution modes, --exclude-newer, and the described
 * target (python-version, platform, implementation; none of them when
 * --python names an interpreter to probe).  The index settings are
 * taken by cvl_index_opts_finish(), --no-binary / --only-binary by
 * cvl_project_load().
 */
static int project_settings(struct resolve_cmd *rc, const struct pep_inputs *in)
{
	if (!rc->has_prerelease)
		rc->prerelease = in->prerelease;
	if (!rc->has_resolution)
		rc->resolution = in->resolution;
	if (!rc->exclude_newer_text && in->exclude_newer) {
		if (!parse_timestamp(in->exclude_newer, &rc->exclude_newer)) {
			cvl_errorf("invalid exclude-newer '%s' in [tool.cvlock]",
				   in->exclude_newer);
			return EXIT_USAGE;
		}
		rc->exclude_newer_text = in->exclude_newer;
	}
	if (rc->python)
		return 0;
	if (!rc->python_version && in->python_version) {
		rc->python_version = in->python_version;
		rc->pv_from_project = true;
	}
	if (!rc->platform && in->platform) {
		rc->platform = in->platform;
		rc->platform_from_project = true;
	}
	if (!rc->implementation && in->implementation) {
		rc->implementation = in->implementation;
		rc->impl_from_project = true;
	}
	return 0;
}

static int write_testcase(struct resolve_cmd *rc, const struct res_options *opts,
			  const struct res_result *res, const char *why)
{
	struct strbuf out = STRBUF_INIT, path = STRBUF_INIT;
	struct cvl_error err = CVL_ERROR_INIT;
	int r;

	if (mkdir(rc->testcase_dir, 0777) < 0 && errno != EEXIST) {
		cvl_errorf("cannot create '%s': %s", rc->testcase_dir,
			   strerror(errno));
		return EXIT_IO;
	}
	res_testcase_write(opts, res, why, &out);
	strbuf_addf(&path, "%s/resolve.t", rc->testcase_dir);
	r = atomic_write_file(path.buf, out.buf, out.len, &err);
	if (r < 0)
		cvl_report(rc->ctx, &err);
	else if (!rc->ctx->quiet)
		fprintf(stderr, "Wrote testcase %s\n", path.buf);
	strbuf_release(&out);
	strbuf_release(&path);
	return r < 0 ? cvl_exit_status(r) : 0;
}

/*
 * -v: what each round of the resolution did, e.g.
 *     round 1: 6 packages listed, 9 metadata loaded, 9 candidates, 1 package widened
 *     round 2: 0 packages listed, 4 metadata loaded, 13 candidates
 */
static void print_rounds(const struct res_result *res)
{
	size_t i;

	for (i = 0; i < res->rounds; i++) {
		const struct res_round *r = &res->round_stats[i];

		fprintf(stderr, "round %zu: %zu package%s listed, %zu metadata loaded, %zu candidate%s",
			i + 1, r->nlisted, r->nlisted == 1 ? "" : "s",
			r->nloaded, r->ncands, r->ncands == 1 ? "" : "s");
		if (r->nwidened)
			fprintf(stderr, ", %zu package%s widened", r->nwidened,
				r->nwidened == 1 ? "" : "s");
		fputc('\n', stderr);
	}
	fprintf(stderr, "%zu round%s, %zu package%s listed, %zu metadata loaded\n",
		res->rounds, res->rounds == 1 ? "" : "s", res->nlisted,
		res->nlisted == 1 ? "" : "s", res->nloaded);
}

static bool name_char(char c)
{
	return isalnum((unsigned char)c) || c == '-' || c == '_' || c == '.';
}

/* Whether `text` names the package `name` as a whole word. */
static bool mentions(const char *text, const char *name)
{
	size_t n = strlen(name);
	const char *p;

	for (p = strstr(text, name); p; p = strstr(p + 1, name))
		if ((p == text || !name_char(p[-1])) && !name_char(p[n]))
			return true;
	return false;
}

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/*
 * What a successful resolution tells, once the lockfile is written (a
 * closed stderr or a SIGPIPE cannot lose the write): -v's rounds,
 * "Resolved N packages in X ms", the changes (not with -q), and a
 * warning per yanked version locked (always).
 */
static void print_summary(const struct resolve_cmd *rc,
			  const struct res_result *res, int64_t ms,
			  const struct strvec *changes,
			  const struct lock_file *lf)
{
	size_t i;

	if (rc->ctx->verbose)
		print_rounds(res);
	if (!rc->ctx->quiet) {
		fprintf(stderr, "Resolved %zu package%s in %lld ms\n",
			res->npkgs, res->npkgs == 1 ? "" : "s", (long long)ms);
		for (i = 0; i < changes->nr; i++)
			fprintf(stderr, "%s\n", strchr(changes->v[i], '\t') + 1);
	}
	for (i = 0; i < lf->npackages; i++) {
		const struct lock_package *p = &lf->packages[i];

		if (p->yanked)
			cvl_warnf("%s %s is yanked%s%s", p->name, p->version,
				  *p->yanked ? ": " : "", p->yanked);
	}
}

static int run(struct resolve_cmd *rc, const char *path)
{
	struct pep_inputs in;
	struct target t;
	struct lock_file old, lf;
	struct strbuf old_bytes = STRBUF_INIT, out = STRBUF_INIT,
		      why = STRBUF_INIT;
	struct cvl_error err = CVL_ERROR_INIT;
	struct idx_client_opts co;
	struct idx_client *client = NULL;
	struct res_source *src = NULL;
	struct cvl_directs directs = { NULL, 0, 0 };
	struct res_options opts;
	struct res_result res;
	struct lock_ctx lc = { NULL };
	char *output = NULL, *outdir = NULL;
	const char *base;
	bool old_exists = false;
	struct strvec changes = STRVEC_INIT;
	int64_t start, elapsed;
	int r;

	pep_inputs_init(&in);
	memset(&t, 0, sizeof(t));
	t.storage = (struct arena)ARENA_INIT;
	strvec_init(&t.tags);
	sync_interp_init(&t.interp);
	lock_file_init(&old);
	lock_file_init(&lf);
	idx_client_opts_init(&co);
	res_options_init(&opts);
	memset(&res, 0, sizeof(res));

	r = cvl_project_load(rc->ctx, &rc->p, path, &in, &err);
	if (r < 0) {
		cvl_report(rc->ctx, &err);
		r = cvl_exit_status(r);
		goto out;
	}
	r = project_settings(rc, &in);
	if (r)
		goto out;

	output = rc->output ? xstrdup(rc->output) : default_output(path);
	base = path_basename(output);
	if (!lock_filename_is_valid(base)) {
		cvl_errorf("invalid lockfile name '%s'", base);
		fprintf(stderr, "hint: PEP 751 names lockfiles pylock.toml or pylock.NAME.toml\n");
		r = EXIT_USAGE;
		goto out;
	}
	outdir = path_dirname_dup(output);
	lc.lock_dir = realpath(outdir, NULL);
	if (!lc.lock_dir) {
		cvl_errorf("cannot write '%s': %s", output, strerror(errno));
		r = EXIT_IO;
		goto out;
	}
	r = read_old(rc, output, &old, &old_bytes, &old_exists);
	if (r)
		goto out;

	r = target_setup(rc, &t);
	if (r)
		goto out;

	r = fill_options(rc, &in, &t, old_exists ? &old : NULL, &opts, &err);
	if (r < 0) {
		cvl_report(rc->ctx, &err);
		r = cvl_exit_status(r);
		goto out;
	}

	r = cvl_index_opts_finish(&rc->io, &in, &co);
	if (r)
		goto out;
	if (idx_client_new(&client, &co, &err) ||
	    res_source_index_new(&src, client, &t.tags, &err)) {
		cvl_report(rc->ctx, &err);
		r = cvl_exit_status(-err.code);
		goto out;
	}
	r = fetch_directs(&in, &t, &co.http, &directs, &err);
	if (r < 0) {
		cvl_report(rc->ctx, &err);
		r = cvl_exit_status(r);
		goto out;
	}
	if (directs.nr)
		src = cvl_direct_source(src, &directs);

	start = now_ms();
	cvl_progress_start(&rc->progress, rc->ctx, client);
	r = res_resolve(&opts, src, &res, &why, &err);
	cvl_progress_finish(&rc->progress, client);
	elapsed = now_ms() - start;
	if (rc->ctx->verbose && r == -CVL_EUNSAT)
		print_rounds(&res);
	if (rc->testcase_dir) {
		int tr = write_testcase(rc, &opts, &res,
					r == -CVL_EUNSAT ? why.buf : "");

		if (tr && !r) {
			r = tr;
			goto out;
		}
	}
	if (r == -CVL_EUNSAT) {
		size_t i;

		fprintf(stderr, "error: %s", why.buf);
		if (why.len && why.buf[why.len - 1] != '\n')
			fputc('\n', stderr);
		for (i = 0; i < directs.nr; i++)
			if (mentions(why.buf, directs.v[i].name))
				fprintf(stderr, "hint: %s has only version %s, from its direct reference '%s'\n",
					directs.v[i].name, directs.v[i].version,
					directs.v[i].text);
		r = EXIT_FAILURE_;
		goto out;
	}
	if (r < 0) {
		cvl_report(rc->ctx, &err);
		r = cvl_exit_status(r);
		goto out;
	}
	r = build_lock(rc, &lc, &in, &t, cvl_direct_inner(src), &directs,
		       &opts, &res, &lf, &err);
	if (!r)
		r = lock_write(&lf, &out, &err);
	if (r < 0) {
		cvl_report(rc->ctx, &err);
		r = cvl_exit_status(r);
		goto out;
	}
	collect_changes(old_exists ? &old : NULL, &res, &changes);
	if (rc->check) {
		print_summary(rc, &res, elapsed, &changes, &lf);
		if (!old_exists) {
			cvl_errorf("'%s' does not exist", output);
			fprintf(stderr, "hint: run 'cvlock resolve' to create it\n");
			r = EXIT_FAILURE_;
		} else if (old_bytes.len != out.len ||
			   memcmp(old_bytes.buf, out.buf, out.len)) {
			cvl_errorf("'%s' is out of date%s", output,
				   changes.nr ? "" : " (same versions, other content)");
			fprintf(stderr, "hint: run 'cvlock resolve' to update it\n");
			r = EXIT_FAILURE_;
		} else {
			r = EXIT_OK;
		}
		goto out;
	}
	/* unchanged: leave the file (and its mtime) alone */
	if (!rc->dry_run && !(old_exists && old_bytes.len == out.len &&
			      !memcmp(old_bytes.buf, out.buf, out.len))) {
		r = atomic_write_file(output, out.buf, out.len, &err);
		if (r < 0) {
			cvl_report(rc->ctx, &err);
			r = cvl_exit_status(r);
			goto out;
		}
	}
	print_summary(rc, &res, elapsed, &changes, &lf);
	r = EXIT_OK;
out:
	res_result_release(&res);
	res_source_free(src);
	cvl_directs_release(&directs);
	idx_client_free(client);
	res_options_release(&opts);
	idx_client_opts_release(&co);
	lock_file_release(&lf);
	lock_file_release(&old);
	sync_interp_release(&t.interp);
	strvec_clear(&t.tags);
	arena_release(&t.storage);
	pep_inputs_release(&in);
	strbuf_release(&old_bytes);
	strbuf_release(&out);
	strbuf_release(&why);
	strvec_clear(&changes);
	free((char *)lc.lock_dir);
	free(output);
	free(outdir);
	return r;
}

int cmd_resolve(int argc, char **argv, struct cvl_ctx *ctx)
{
	struct resolve_cmd rc;
	const char *path = NULL;
	struct cvl_option *project_own;
	size_t nproject_own;
	int npos, r;

	memset(&rc, 0, sizeof(rc));
	rc.ctx = ctx;
	cvl_project_opts_init(&rc.p);
	cvl_index_opts_init(&rc.io);
	strvec_init(&rc.upgrade_packages);
	project_own = cvl_options_join(cvl_project_options,
				       cvl_nproject_options, own_options,
				       ARRAY_SIZE(own_options), &nproject_own);
	rc.options = cvl_options_with_index(project_own, nproject_own,
					    &rc.noptions);
	free(project_own);
	r = cvl_parse_options(ctx, "resolve", argc, argv, rc.options,
			      rc.noptions, on_option, &rc, &npos);
	if (r)
		goto out;
	if (npos > 1) {
		cvl_errorf("unexpected argument '%s'", argv[1]);
		fprintf(stderr, "hint: see 'cvlock resolve --help'\n");
		r = EXIT_USAGE;
		goto out;
	}
	if (npos == 1)
		path = argv[0];
	else if (!rc.p.nsources)
		path = ".";
	if (rc.check && rc.dry_run) {
		cvl_errorf("--check and --dry-run cannot be combined");
		r = EXIT_USAGE;
		goto out;
	}
	r = run(&rc, path);
out:
	cvl_project_opts_release(&rc.p);
	cvl_index_opts_release(&rc.io);
	strvec_clear(&rc.upgrade_packages);
	free(rc.options);
	return r;
}
