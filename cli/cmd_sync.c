/*
 * cmd_sync.c - cvlock sync: make a virtual environment match a lockfile,
 * exactly (sync/sync.h: plan, download, install).
 *
 *   lockfile -> interpreter (probed once, cached) -> environment (opened;
 *   created only once the wheels are in hand) -> plan against what is
 *   installed -> downloads into the cache, checked against the lock's
 *   hashes -> under the environment's lock: uninstall, install
 *
 * Nothing in the environment changes before every wheel the plan needs
 * is in the cache with the lock's hash.  Two syncs of one environment
 * never interleave: the second waits for DIR/.cvlock-sync.lock (flock)
 * and plans again once it holds it.  A sync killed at any point leaves
 * what sync.h's crash-safety rules say (files without a dist-info, or a
 * dist-info whose RECORD no longer holds), which the next plan repairs.
 *
 * Output (stderr; none with --quiet):
 *     Downloaded 3 wheels (1.2 MiB) in 40 ms
 *     Installed 3 packages in 12 ms
 *     + alpha==1.0
 *     - old==2.0
 *     ~ beta 1.0 -> 2.0
 *     ~ gamma 1.0 (reinstalled: 'gamma/__init__.py' is missing)
 * or "Checked 3 packages in 2 ms, nothing to do".  --dry-run and --check
 * print the same lines on stdout ("Would install ..."); --check exits 1
 * when anything would change.
 *
 * Exit statuses: 0 done (or nothing to do), 1 --check found differences,
 * 2 bad input (a lockfile for another Python, an sdist-only package),
 * 3 a download failed, 4 a file-system error, 5 a hash mismatch.
 */
#define _GNU_SOURCE /* nftw */
#include "config.h"
#include "cli/cli.h"
#include "cli/lockfile.h"
#include "index/index.h"
#include "lockfmt/lockfmt.h"
#include "sync/sync.h"

#include <jansson.h>

#include <fcntl.h>
#include <ftw.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

enum {
	OPT_VENV = 1,
	OPT_PYTHON,
	OPT_EXTRA,
	OPT_ALL_EXTRAS,
	OPT_GROUP,
	OPT_NO_DEFAULT_GROUPS,
	OPT_DRY_RUN,
	OPT_CHECK,
	OPT_INEXACT,
	OPT_LINK_MODE,
	OPT_COMPILE,
	OPT_RECREATE,
	OPT_VERIFY,
	OPT_VERBOSE,
};

static const struct cvl_option own_options[] = {
	{ "venv", 0, OPT_VALUE, OPT_VENV, "DIR",
	  "the environment (default: .venv next to the lockfile; env CVLOCK_VENV)" },
	{ "python", 0, OPT_VALUE, OPT_PYTHON, "PATH",
	  "the interpreter of a new environment (default: python3 on PATH)" },
	{ "extra", 0, OPT_VALUE, OPT_EXTRA, "NAME",
	  "install the packages of this extra of the lock (repeatable)" },
	{ "all-extras", 0, OPT_FLAG, OPT_ALL_EXTRAS, NULL,
	  "install the packages of every extra of the lock" },
	{ "group", 0, OPT_VALUE, OPT_GROUP, "NAME",
	  "install the packages of this dependency group (repeatable)" },
	{ "no-default-groups", 0, OPT_FLAG, OPT_NO_DEFAULT_GROUPS, NULL,
	  "leave out the lock's default groups" },
	{ "dry-run", 0, OPT_FLAG, OPT_DRY_RUN, NULL,
	  "change nothing; print what would change" },
	{ "check", 0, OPT_FLAG, OPT_CHECK, NULL,
	  "change nothing; exit 1 when the environment differs from the lock (every installed file checked)" },
	{ "verify", 0, OPT_FLAG, OPT_VERIFY, NULL,
	  "check every installed file against its RECORD and reinstall what differs" },
	{ "inexact", 0, OPT_FLAG, OPT_INEXACT, NULL,
	  "keep installed packages that the lock does not list" },
	{ "link-mode", 0, OPT_VALUE, OPT_LINK_MODE, "clone|hardlink|copy",
	  "how files come from the cache (default: clone, else hardlink, else copy)" },
	{ "compile-bytecode", 0, OPT_FLAG, OPT_COMPILE, NULL,
	  "compile the installed modules to bytecode" },
	{ "recreate", 0, OPT_FLAG, OPT_RECREATE, NULL,
	  "replace an environment of another Python version" },
	{ "verbose", 'v', OPT_FLAG, OPT_VERBOSE, NULL,
	  "more detail" },
};

struct sync_cmd {
	struct cvl_ctx *ctx;
	struct cvl_index_opts io;
	struct cvl_option *options;
	size_t noptions;
	const char *venv;
	const char *python;
	struct strvec extras, groups;
	unsigned plan_flags;
	bool dry_run, check, compile, recreate;
	enum sync_link_mode link_mode;
	int verbose;
	const char *lock_dir; /* absolute: where the lock's paths start */
};

static int on_option(int id, const char *value, void *data)
{
	struct sync_cmd *sc = data;

	switch (id) {
	case OPT_HELP:
		cvl_print_usage("sync", "[options] [LOCKFILE]",
				"Make a virtual environment match LOCKFILE (default: pylock.toml)\n"
				"exactly: install, upgrade, downgrade and remove packages.",
				sc->options, sc->noptions);
		exit(EXIT_OK);
	case OPT_VENV:
		sc->venv = value;
		return 0;
	case OPT_PYTHON:
		sc->python = value;
		return 0;
	case OPT_EXTRA:
		strvec_push(&sc->extras, value);
		return 0;
	case OPT_ALL_EXTRAS:
		sc->plan_flags |= SYNC_PLAN_ALL_EXTRAS;
		return 0;
	case OPT_GROUP:
		strvec_push(&sc->groups, value);
		return 0;
	case OPT_NO_DEFAULT_GROUPS:
		sc->plan_flags |= SYNC_PLAN_NO_DEFAULT_GROUPS;
		return 0;
	case OPT_DRY_RUN:
		sc->dry_run = true;
		return 0;
	case OPT_CHECK:
		sc->check = true;
		return 0;
	case OPT_INEXACT:
		sc->plan_flags |= SYNC_PLAN_INEXACT;
		return 0;
	case OPT_LINK_MODE:
		if (!sync_link_mode_parse(value, &sc->link_mode)) {
			cvl_errorf("unknown link mode '%s'", value);
			fprintf(stderr, "hint: expected clone, hardlink or copy\n");
			return EXIT_USAGE;
		}
		return 0;
	case OPT_COMPILE:
		sc->compile = true;
		return 0;
	case OPT_RECREATE:
		sc->recreate = true;
		return 0;
	case OPT_VERIFY:
		sc->plan_flags |= SYNC_PLAN_VERIFY;
		return 0;
	case OPT_VERBOSE:
		sc->verbose++;
		return 0;
	default:
		return cvl_index_opts_option(&sc->io, id, value);
	}
}

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* ---- a temporary cache for --no-cache ------------------------------------ */

static int rm_one(const char *path, const struct stat *st, int flag,
		  struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	if (flag == FTW_DP)
		rmdir(path);
	else
		unlink(path);
	return 0;
}

static void rm_rf(const char *dir)
{
	nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

/* ---- the environment's lock ---------------------------------------------- */

/* flock DIR/.cvlock-sync.lock; returns the descriptor or -1 (err set). */
static int lock_env(struct cvl_ctx *ctx, const char *dir,
		    struct cvl_error *err)
{
	struct strbuf path = STRBUF_INIT;
	int fd;

	strbuf_addf(&path, "%s/.cvlock-sync.lock", dir);
	fd = open(path.buf, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	if (fd < 0) {
		cvl_error_set(err, CVL_EIO, "cannot open '%s': %s", path.buf,
			      strerror(errno));
		goto out;
	}
	if (flock(fd, LOCK_EX | LOCK_NB) == 0)
		goto out;
	if (errno == EWOULDBLOCK) {
		if (!ctx->quiet)
			fprintf(stderr, "Waiting for another cvlock sync of '%s'\n",
				dir);
		while (flock(fd, LOCK_EX) < 0 && errno == EINTR)
			;
	} else {
		cvl_error_set(err, CVL_EIO, "cannot lock '%s': %s", path.buf,
			      strerror(errno));
		close(fd);
		fd = -1;
	}
out:
	strbuf_release(&path);
	return fd;
}

/* ---- output ----------------------------------------------------------------- */

static void print_item(FILE *out, const struct sync_plan_item *it)
{
	const char *old = it->ninstalled ? it->installed[0]->version : "?";

	switch (it->action) {
	case SYNC_KEEP:
		break;
	case SYNC_INSTALL:
		fprintf(out, "+ %s==%s\n", it->name, it->version);
		break;
	case SYNC_REMOVE:
		fprintf(out, "- %s==%s\n", it->name, old);
		break;
	case SYNC_UPGRADE:
	case SYNC_DOWNGRADE:
		fprintf(out, "~ %s %s -> %s\n", it->name, old, it->version);
		break;
	case SYNC_REINSTALL:
		fprintf(out, "~ %s %s (reinstalled: %s)\n", it->name,
			it->version, it->reason ? it->reason : "changed");
		break;
	default:
		BUG("bad action");
	}
}

static size_t nchanges(const struct sync_plan *plan)
{
	return plan->n - plan->counts[SYNC_KEEP];
}

static const char *plural(size_t n, const char *one, const char *many)
{
	return n == 1 ? one : many;
}

/* --dry-run and --check: the plan on stdout. */
static void print_plan(const struct sync_plan *plan)
{
	size_t ins = nchanges(plan) - plan->counts[SYNC_REMOVE];
	size_t rem = plan->counts[SYNC_REMOVE];
	size_t i;

	if (sync_plan_is_noop(plan)) {
		printf("Nothing to do: %zu %s match the lock\n", plan->nselected,
		       plural(plan->nselected, "package", "packages"));
		return;
	}
	if (ins)
		printf("Would install %zu %s\n", ins,
		       plural(ins, "package", "packages"));
	if (rem)
		printf("Would remove %zu %s\n", rem,
		       plural(rem, "package", "packages"));
	for (i = 0; i < plan->n; i++)
		print_item(stdout, &plan->items[i]);
}

/* ---- downloads ------------------------------------------------------------ */

struct dl_progress {
	bool tty;
	bool shown;
};

static void on_dl_progress(size_t done, size_t total, uint64_t bytes,
			   void *data)
{
	struct dl_progress *p = data;
	struct strbuf sb = STRBUF_INIT;

	if (!p->tty)
		return;
	cvl_format_bytes(bytes, &sb);
	fprintf(stderr, "\rDownloading %zu/%zu wheels (%s)\033[K", done,
		total, sb.buf);
	p->shown = true;
	strbuf_release(&sb);
}

/*
 * The wheels of the plan's changes into the cache.  `fetches` gets one
 * entry per item (unused for keep and remove).
 */
static int download(struct sync_cmd *sc, const struct sync_plan *plan,
		    struct sync_fetch *fetches, const char *cache_dir,
		    const char *base_dir, const struct idx_client_opts *co,
		    struct cvl_error *err)
{
	struct sync_download_opts o;
	struct sync_download_stats st;
	struct dl_progress prog = { false, false };
	struct sync_fetch *list;
	size_t i, n = 0;
	int rc;

	list = xcalloc(plan->n ? plan->n : 1, sizeof(*list));
	for (i = 0; i < plan->n; i++) {
		const struct sync_plan_item *it = &plan->items[i];
		struct sync_fetch *f = &list[n];

		if (it->action == SYNC_KEEP || it->action == SYNC_REMOVE)
			continue;
		f->name = it->name;
		f->filename = it->wheel_name;
		f->url = it->wheel->url;
		f->path = it->wheel->url ? NULL : it->wheel->path;
		f->index = it->pkg->index;
		f->sha256 = it->sha256;
		f->size = it->wheel->has_size ? (int64_t)it->wheel->size : -1;
		n++;
	}
	memset(&o, 0, sizeof(o));
	o.cache_dir = cache_dir;
	o.base_dir = base_dir;
	o.offline = co->http.offline;
	o.http = &co->http;
	prog.tty = isatty(STDERR_FILENO) && !sc->ctx->quiet;
	o.progress = on_dl_progress;
	o.progress_data = &prog;
	o.unpack = true; /* while the others download */
	rc = sync_download(list, n, &o, &st, err);
	if (prog.shown)
		fprintf(stderr, "\r\033[K");
	if (rc == 0 && st.downloaded && !sc->ctx->quiet) {
		struct strbuf sb = STRBUF_INIT;

		cvl_format_bytes(st.bytes, &sb);
		fprintf(stderr, "Downloaded %zu %s (%s) in %lld ms\n",
			st.downloaded, plural(st.downloaded, "wheel", "wheels"),
			sb.buf, (long long)st.transfer_ms);
		strbuf_release(&sb);
	}
	/* hand the cached paths back, item by item */
	n = 0;
	for (i = 0; i < plan->n; i++) {
		const struct sync_plan_item *it = &plan->items[i];

		if (it->action == SYNC_KEEP || it->action == SYNC_REMOVE)
			continue;
		fetches[i] = list[n];
		list[n].wheel = NULL;
		list[n].unpacked = NULL;
		n++;
	}
	free(list);
	return rc;
}

/* ---- bytecode ------------------------------------------------------------- */

static int compile_bytecode(const struct sync_venv *v, struct cvl_error *err)
{
	const char *dirs[2] = { v->paths[SYNC_PATH_PURELIB],
				v->paths[SYNC_PATH_PLATLIB] };
	char *argv[8];
	int argc = 0, status;
	pid_t pid;

	argv[argc++] = v->python;
	argv[argc++] = "-m";
	argv[argc++] = "compileall";
	argv[argc++] = "-q";
	argv[argc++] = "-j0";
	argv[argc++] = (char *)dirs[0];
	if (dirs[1] && strcmp(dirs[0], dirs[1]))
		argv[argc++] = (char *)dirs[1];
	argv[argc] = NULL;
	fflush(NULL);
	pid = fork();
	if (pid < 0)
		return cvl_error_set(err, CVL_EIO, "cannot run '%s': %s",
				     v->python, strerror(errno));
	if (pid == 0) {
		int fd = open("/dev/null", O_WRONLY);

		if (fd >= 0)
			dup2(fd, STDOUT_FILENO);
		execv(v->python, argv);
		_exit(127);
	}
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (!WIFEXITED(status) || WEXITSTATUS(status))
		return cvl_error_set(err, CVL_EIO,
				     "'%s -m compileall' failed (status %d)",
				     v->python,
				     WIFEXITED(status) ? WEXITSTATUS(status) : -1);
	return 0;
}

/* ---- the sync -------------------------------------------------------------- */

/*
 * PEP 610's direct_url.json for a package locked from a direct URL wheel
 * ([packages.archive]); false for an index package.
 */
static bool direct_url_json(const struct sync_cmd *sc,
			    const struct sync_plan_item *it, struct strbuf *out)
{
	const struct lock_file_entry *f = it->wheel;
	struct strbuf url = STRBUF_INIT, path = STRBUF_INIT;
	struct cvl_error err = CVL_ERROR_INIT;
	json_t *o;
	char *text;

	if (!it->pkg || !f || f != it->pkg->archive)
		return false;
	if (f->url) {
		strbuf_addstr(&url, f->url);
	} else {
		if (f->path[0] != '/')
			strbuf_addf(&path, "%s/", sc->lock_dir);
		strbuf_addstr(&path, f->path);
		if (url_from_path(path.buf, &url, &err)) {
			strbuf_release(&path);
			strbuf_release(&url);
			return false;
		}
	}
	o = json_pack("{s:s, s:{s:s, s:{s:s}}}", "url", url.buf,
		      "archive_info", "hash", "", "hashes", "sha256",
		      it->sha256);
	if (o) {
		struct strbuf h = STRBUF_INIT;

		strbuf_addf(&h, "sha256=%s", it->sha256);
		json_object_set_new(json_object_get(o, "archive_info"), "hash",
				    json_string(h.buf));
		strbuf_release(&h);
		text = json_dumps(o, JSON_SORT_KEYS | JSON_COMPACT);
		if (text)
			strbuf_addstr(out, text);
		free(text);
		json_decref(o);
	}
	strbuf_release(&path);
	strbuf_release(&url);
	return out->len > 0;
}

static int execute(struct sync_cmd *sc, const struct sync_venv *v,
		   const struct sync_plan *plan, struct sync_fetch *fetches,
		   const char *cache_dir, struct cvl_error *err)
{
	struct sync_install_opts io;
	struct strvec unpacked = STRVEC_INIT;
	struct strbuf sb = STRBUF_INIT;
	size_t i, j;
	int rc = 0;

	memset(&io, 0, sizeof(io));
	io.link_mode = sc->link_mode;
	/*
	 * Every wheel unpacked (and so every archive entry checked) before
	 * the environment changes at all: download() did it, and what it
	 * could not is done again here, to tell why.
	 */
	for (i = 0; i < plan->n && !rc; i++) {
		const struct sync_plan_item *it = &plan->items[i];

		strbuf_reset(&sb);
		if (it->action != SYNC_KEEP && it->action != SYNC_REMOVE &&
		    fetches[i].unpacked)
			strbuf_addstr(&sb, fetches[i].unpacked);
		else if (it->action != SYNC_KEEP && it->action != SYNC_REMOVE)
			rc = sync_unpack_cached(cache_dir, it->sha256,
						fetches[i].wheel, &sb, err);
		if (rc < 0) {
			/* the cache names wheels by hash: name the wheel */
			struct cvl_error why = *err;

			rc = cvl_error_set(err, why.code, "%s (wheel '%s' of %s %s)",
					   why.msg, it->wheel_name, it->name,
					   it->version);
			if (why.hint[0])
				cvl_error_hint(err, "%s", why.hint);
		}
		strvec_push(&unpacked, sb.buf);
	}
	/* removals first: their files may be taken over by new packages */
	for (i = 0; i < plan->n && !rc; i++) {
		const struct sync_plan_item *it = &plan->items[i];

		if (it->action == SYNC_KEEP || it->action == SYNC_INSTALL)
			continue;
		for (j = 0; j < it->ninstalled && !rc; j++)
			rc = sync_dist_uninstall(v, it->installed[j], err);
	}
	for (i = 0; i < plan->n && !rc; i++) {
		const struct sync_plan_item *it = &plan->items[i];

		if (it->action == SYNC_KEEP || it->action == SYNC_REMOVE)
			continue;
		strbuf_reset(&sb);
		io.direct_url = direct_url_json(sc, it, &sb) ? sb.buf : NULL;
		rc = sync_wheel_install(v, unpacked.v[i], it->name, it->version,
					&io, err);
	}
	strvec_clear(&unpacked);
	strbuf_release(&sb);
	return rc;
}

static void report(struct sync_cmd *sc, const struct sync_plan *plan,
		   int64_t t0)
{
	size_t ins = nchanges(plan) - plan->counts[SYNC_REMOVE];
	size_t rem = plan->counts[SYNC_REMOVE];
	long long ms = (long long)(now_ms() - t0);
	size_t i;

	if (sc->ctx->quiet)
		return;
	if (sync_plan_is_noop(plan)) {
		fprintf(stderr, "Checked %zu %s in %lld ms, nothing to do\n",
			plan->nselected,
			plural(plan->nselected, "package", "packages"), ms);
		return;
	}
	if (ins)
		fprintf(stderr, "Installed %zu %s in %lld ms\n", ins,
			plural(ins, "package", "packages"), ms);
	else
		fprintf(stderr, "Removed %zu %s in %lld ms\n", rem,
			plural(rem, "package", "packages"), ms);
	for (i = 0; i < plan->n; i++)
		print_item(stderr, &plan->items[i]);
}

int cmd_sync(int argc, char **argv, struct cvl_ctx *ctx)
{
	struct cvl_error err = CVL_ERROR_INIT;
	struct sync_cmd sc;
	struct idx_client_opts co;
	struct lock_file lf;
	struct sync_interp in;
	struct sync_venv v;
	struct sync_installed si = { NULL, 0, 0 };
	struct sync_plan plan;
	struct sync_plan_opts po;
	struct strvec tags = STRVEC_INIT;
	struct sync_fetch *fetches = NULL;
	struct strbuf base = STRBUF_INIT, venv_dir = STRBUF_INIT;
	const char *lock_path = "pylock.toml";
	char *cache_dir = NULL, *tmp_cache = NULL, *env_python = NULL;
	bool have_env = false, planned = false;
	int64_t t0 = now_ms();
	int npos = 0, r, rc = 0, lockfd = -1;
	size_t i, nfetches = 0;

	/*
	 * libarchive converts every zip entry's DOS time with mktime(); with
	 * TZ unset, glibc stats /etc/localtime at each call (one stat per
	 * entry, ~8,500 for a large environment).  The same zone, named, is
	 * read once.  Set before any thread starts (sync_download unpacks in
	 * threads); children (python) read the same zone from it.
	 */
	if (!getenv("TZ"))
		setenv("TZ", ":/etc/localtime", 1);

	memset(&sc, 0, sizeof(sc));
	sc.ctx = ctx;
	strvec_init(&sc.extras);
	strvec_init(&sc.groups);
	cvl_index_opts_init(&sc.io);
	idx_client_opts_init(&co);
	lock_file_init(&lf);
	sync_interp_init(&in);
	sync_venv_init(&v);
	memset(&plan, 0, sizeof(plan));

	sc.options = cvl_options_with_index(own_options,
					    ARRAY_SIZE(own_options),
					    &sc.noptions);
	r = cvl_parse_options(ctx, "sync", argc, argv, sc.options, sc.noptions,
			      on_option, &sc, &npos);
	if (r)
		goto done;
	if (npos > 1) {
		cvl_errorf("unexpected argument '%s'", argv[1]);
		fprintf(stderr, "hint: see 'cvlock sync --help'\n");
		r = EXIT_USAGE;
		goto done;
	}
	if (npos == 1)
		lock_path = argv[0];
	if (sc.verbose)
		ctx->verbose += sc.verbose;
	r = cvl_index_opts_finish(&sc.io, NULL, &co);
	if (r)
		goto done;

	/* the lockfile, and where its relative paths start */
	r = cvl_load_lockfile(ctx, lock_path, NULL, &lf);
	if (r)
		goto done;
	path_dirname(lock_path, &base);
	{
		char *real = realpath(base.buf, NULL);

		if (real) {
			strbuf_reset(&base);
			strbuf_addstr(&base, real);
			free(real);
		}
	}
	sc.lock_dir = base.buf;

	/* the cache: the user's, or a temporary one for --no-cache */
	if (sc.io.resolved_cache_dir && !sc.io.no_cache) {
		cache_dir = xstrdup(sc.io.resolved_cache_dir);
	} else {
		const char *tmp = getenv("TMPDIR");
		struct strbuf t = STRBUF_INIT;

		strbuf_addf(&t, "%s/cvlock-sync-XXXXXX", tmp && *tmp ? tmp : "/tmp");
		if (!mkdtemp(t.buf)) {
			rc = cvl_error_set(&err, CVL_EIO,
					   "cannot create a temporary directory: %s",
					   strerror(errno));
			strbuf_release(&t);
			goto fail;
		}
		tmp_cache = strbuf_detach(&t, NULL);
		cache_dir = xstrdup(tmp_cache);
	}

	if (sc.venv)
		strbuf_addstr(&venv_dir, sc.venv);
	else if (getenv("CVLOCK_VENV") && *getenv("CVLOCK_VENV"))
		strbuf_addstr(&venv_dir, getenv("CVLOCK_VENV"));
	else
		strbuf_addf(&venv_dir, "%s/.venv", base.buf);

	/*
	 * The interpreter, checked against the lock before anything else:
	 * --python, else the environment's own (a link to a real binary, so
	 * its probe is cached, where python3 on PATH is often a pyenv shim
	 * that must be run each time), else python3.
	 */
	if (!sc.python && !sc.recreate) {
		struct strbuf py = STRBUF_INIT;

		strbuf_addf(&py, "%s/bin/python", venv_dir.buf);
		if (access(py.buf, X_OK) == 0)
			env_python = strbuf_detach(&py, NULL);
		strbuf_release(&py);
	}
	rc = sync_interp_probe(sc.python ? sc.python : env_python, cache_dir,
			       &in, &err);
	if (rc < 0)
		goto fail;
	rc = sync_plan_check_python(&lf, &in, lock_path, &err);
	if (rc < 0)
		goto fail;
	rc = sync_interp_tags(&in, &tags, &err);
	if (rc < 0)
		goto fail;


	memset(&po, 0, sizeof(po));
	po.flags = sc.plan_flags;
	if (sc.check)
		po.flags |= SYNC_PLAN_VERIFY;
	po.extras = (const char *const *)sc.extras.v;
	po.nextras = sc.extras.nr;
	po.groups = (const char *const *)sc.groups.v;
	po.ngroups = sc.groups.nr;
	po.lock_name = lock_path;

	/*
	 * Plan against the environment as it is (or as nothing, when it does
	 * not exist yet), fetch, then create it, lock it and plan again: the
	 * plan that runs is the one made under the lock.
	 */
	for (;;) {
		sync_venv_release(&v);
		sync_venv_init(&v);
		rc = sync_venv_open(&in, venv_dir.buf,
				    have_env ? SYNC_VENV_CREATE |
					(sc.recreate ? SYNC_VENV_RECREATE : 0) :
					(sc.recreate && !sc.dry_run && !sc.check ?
					 SYNC_VENV_RECREATE | SYNC_VENV_CREATE : 0),
				    &v, &err);
		if (rc == -CVL_ENOTFOUND && !have_env) {
			cvl_error_clear(&err);
			rc = 0;
		} else if (rc < 0) {
			goto fail;
		} else if (!sc.dry_run && !sc.check && lockfd < 0) {
			lockfd = lock_env(ctx, v.dir, &err);
			if (lockfd < 0) {
				rc = -err.code;
				goto fail;
			}
			/* what killed syncs left, now that none is running */
			rc = sync_remove_leftovers(&v, NULL, &err);
			if (rc < 0)
				goto fail;
			have_env = true;
		} else {
			have_env = true;
		}
		sync_installed_release(&si);
		if (have_env) {
			rc = sync_installed_scan(&v, &si, &err);
			if (rc < 0)
				goto fail;
		}
		if (planned)
			sync_plan_release(&plan);
		rc = sync_plan_build(&plan, &lf, &in, &tags, have_env ? &si : NULL,
				     &po, &err);
		if (rc < 0)
			goto fail;
		planned = true;
		if (sc.dry_run || sc.check)
			break;
		if (fetches) {
			for (i = 0; i < nfetches; i++)
				sync_fetch_release(&fetches[i]);
			free(fetches);
		}
		nfetches = plan.n;
		fetches = xcalloc(nfetches ? nfetches : 1, sizeof(*fetches));
		rc = download(&sc, &plan, fetches, cache_dir, base.buf, &co,
			      &err);
		if (rc < 0)
			goto fail;
		if (lockfd >= 0)
			break;
		have_env = true; /* create it now */
	}

	if (sc.dry_run || sc.check) {
		print_plan(&plan);
		r = sc.check && !sync_plan_is_noop(&plan) ? EXIT_FAILURE_ : EXIT_OK;
		goto done;
	}
	rc = execute(&sc, &v, &plan, fetches, cache_dir, &err);
	if (rc == 0 && sc.compile && !sync_plan_is_noop(&plan))
		rc = compile_bytecode(&v, &err);
	if (rc < 0)
		goto fail;
	report(&sc, &plan, t0);
	r = EXIT_OK;
	goto done;
fail:
	cvl_report(ctx, &err);
	r = cvl_exit_status(rc);
done:
	if (lockfd >= 0)
		close(lockfd);
	if (fetches) {
		for (i = 0; i < nfetches; i++)
			sync_fetch_release(&fetches[i]);
		free(fetches);
	}
	if (planned)
		sync_plan_release(&plan);
	sync_installed_release(&si);
	sync_venv_release(&v);
	sync_interp_release(&in);
	strvec_clear(&tags);
	lock_file_release(&lf);
	idx_client_opts_release(&co);
	cvl_index_opts_release(&sc.io);
	strvec_clear(&sc.extras);
	strvec_clear(&sc.groups);
	free(sc.options);
	if (tmp_cache)
		rm_rf(tmp_cache);
	free(tmp_cache);
	free(cache_dir);
	free(env_python);
	strbuf_release(&base);
	strbuf_release(&venv_dir);
	return r;
}
