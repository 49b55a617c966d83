/*
 * sync.h - making an environment match a lock file (DESIGN.md "sync/"),
 * and what that needs to know about a Python interpreter.
 *
 * sync/ may do I/O (run processes, read and write files); it uses pep/
 * and util/ and never prints.
 */
#ifndef CVL_SYNC_H
#define CVL_SYNC_H

#include "util/util.h"
#include "pep/pep.h"

/* ======================================================================
 * Interpreters (sync/interp.c)
 *
 * A Python interpreter is probed once: it runs an embedded stdlib-only
 * script (`python -I -S -c SCRIPT`, Python 3.6 and later) that prints
 * its marker environment, version, ABI facts, platform facts and
 * sysconfig paths as JSON.  The answer is cached in
 * <cache_dir>/interpreters-v1/<sha256>.json, keyed by the interpreter's
 * real path, modification time and size (and those of the sys.executable
 * it reported), so that a second probe spawns nothing.  A "#!" script
 * (a pyenv shim, a wrapper) may run another interpreter each time, so it
 * is probed every time and never cached.
 *
 * Usage:
 *     struct sync_interp in;
 *     struct strvec tags = STRVEC_INIT;
 *     struct pep_env env;
 *     sync_interp_init(&in);
 *     if (sync_interp_probe("python3", cache_dir, &in, &err) < 0)
 *             ... err says what went wrong, with a hint ...
 *     sync_interp_tags(&in, &tags, &err);   most preferred first
 *     sync_interp_env(&in, &env);           borrows in's strings
 *     sync_interp_release(&in);
 * ====================================================================== */

/* The sysconfig paths cvlock installs into. */
enum sync_path {
	SYNC_PATH_PURELIB,
	SYNC_PATH_PLATLIB,
	SYNC_PATH_SCRIPTS,
	SYNC_PATH_DATA,
	SYNC_PATH_INCLUDE,
	SYNC_NPATHS,
};

/* sysconfig's key of a path ("purelib"). */
const char *sync_path_name(enum sync_path p);

struct sync_interp {
	char *path;       /* the real path that was run (or given to parse) */
	char *executable; /* sys.executable */
	char *prefix;     /* sys.prefix */
	char *base_prefix;
	int version[3];   /* sys.version_info[:3] */
	char *implementation; /* sys.implementation.name: "cpython", "pypy" */
	/* The eleven PEP 508 variables as packaging's default_environment()
	 * computes them; var[PEP_ENV_EXTRA] is NULL. */
	char *markers[PEP_ENV_NSTRVARS];

	/* platform facts */
	char *sysconfig_platform; /* sysconfig.get_platform(): "linux-x86_64" */
	bool is_32bit;            /* sys.maxsize <= 2**32 */
	char *libc;               /* "glibc", "musl" or NULL (not Linux, unknown) */
	int libc_version[2];      /* major, minor */
	int mac_version[2];       /* platform.mac_ver(), 0.0 elsewhere */

	/* ABI facts */
	char *abiflags;          /* sys.abiflags ("" when none) */
	char *soabi;             /* sysconfig SOABI, or NULL */
	char *ext_suffix;        /* sysconfig EXT_SUFFIX, or NULL */
	char *py_version_nodot;  /* sysconfig py_version_nodot, or NULL */
	int py_debug;            /* sysconfig Py_DEBUG: 1, 0, -1 unknown */
	int with_pymalloc;       /* sysconfig WITH_PYMALLOC: 1, 0, -1 unknown */
	bool has_refcount;       /* hasattr(sys, "gettotalrefcount") */
	bool has_debug_ext;      /* "_d.pyd" in the extension suffixes */
	bool gil_disabled;       /* sysconfig Py_GIL_DISABLED */

	/*
	 * sysconfig.get_paths() of the default scheme, and of the scheme a
	 * virtual environment uses ("venv" on 3.11+, else posix_prefix or
	 * nt) with the strings "{base}" and "{platbase}" left in place for
	 * the environment's directory.  NULL when the scheme lacks the key.
	 */
	char *paths[SYNC_NPATHS];
	char *venv_paths[SYNC_NPATHS];

	bool from_cache; /* set by sync_interp_probe() */
};

void sync_interp_init(struct sync_interp *in);
void sync_interp_release(struct sync_interp *in);

struct sync_probe_opts {
	const char *python;    /* a path, or a name looked up on PATH; NULL: "python3" */
	const char *cache_dir; /* NULL: no cache */
	int timeout_ms;        /* 0: 10 seconds */
};

/*
 * Find, run (or read from the cache) and parse an interpreter.  `in` must
 * be initialized; it is released first.  Errors are one sentence, e.g.
 *     cannot run python interpreter '/usr/bin/python9': No such file or directory
 *     hint: use --python PATH, or --python-version and --platform to resolve without an interpreter
 * (CVL_ENOTFOUND), a timeout, a failing interpreter (with the last line
 * of its stderr) or unexpected output (CVL_EIO).  A cache that cannot be
 * read or written is ignored.
 */
int sync_interp_probe_opts(const struct sync_probe_opts *opts,
			   struct sync_interp *in,
			   struct cvl_error *err) WARN_UNUSED_RESULT;
int sync_interp_probe(const char *python, const char *cache_dir,
		      struct sync_interp *in,
		      struct cvl_error *err) WARN_UNUSED_RESULT;

/*
 * Parse the probe script's JSON output (`text`, `len` bytes) into `in`
 * (released first); `path` names the interpreter in error messages.
 */
int sync_interp_parse(struct sync_interp *in, const char *path,
		      const char *text, size_t len,
		      struct cvl_error *err) WARN_UNUSED_RESULT;

/*
 * The venv-scheme path `p` for a virtual environment at `venv_dir`
 * ("{base}" and "{platbase}" replaced by it), appended to `out`; false
 * (nothing appended) when the scheme has no such path.
 */
bool sync_interp_venv_path(const struct sync_interp *in, enum sync_path p,
			   const char *venv_dir, struct strbuf *out);

/* The probe script itself (for tests and for the curious). */
extern const char sync_interp_script[];

/*
 * The marker environment: pointers into `in`'s strings (which must
 * outlive env), `extra` set to "", no extras or dependency groups.
 */
void sync_interp_env(const struct sync_interp *in, struct pep_env *env);

/*
 * The platform tags the interpreter accepts, most specific first, as
 * pep_target_platforms() orders them for the equivalent target: on Linux
 * manylinux_2_X from the detected glibc down (or musllinux_1_X), then
 * linux_ARCH last (uv's order, as pep/tags.c; packaging >= 26.3 puts
 * linux_ARCH first on a real host); macOS as packaging's mac_platforms();
 * elsewhere the normalized sysconfig platform alone.
 */
int sync_interp_platforms(const struct sync_interp *in, struct strvec *out,
			  struct cvl_error *err) WARN_UNUSED_RESULT;
/*
 * Every compatible wheel tag, most preferred first, as packaging's
 * sys_tags(): cpython_tags with the interpreter's ABIs (debug "d" and
 * free-threaded "t" builds included) or generic_tags with the ABI from
 * EXT_SUFFIX, then compatible_tags.  Appended to `out`.
 */
int sync_interp_tags(const struct sync_interp *in, struct strvec *out,
		     struct cvl_error *err) WARN_UNUSED_RESULT;

/* ======================================================================
 * Virtual environments (sync/venv.c)
 *
 * What `python -m venv --without-pip DIR` makes, written natively:
 *     DIR/pyvenv.cfg   home, include-system-site-packages = false,
 *                      version (X.Y.Z), executable, command; plus
 *                      "cvlock = VERSION"
 *     DIR/bin/python, pythonX, pythonX.Y  symlinks: python -> the base
 *                      interpreter's real sys.executable (as venv does,
 *                      through `home`), the others -> python
 *     DIR/bin/activate, activate.fish, activate.csh, Activate.ps1 (venv's
 *                      scripts with the environment's path and prompt
 *                      filled in)
 *     DIR/lib/pythonX.Y/site-packages (and the lib64 -> lib link on
 *                      64-bit POSIX, as venv makes it)
 * The environment is built in a temporary sibling directory and renamed
 * into place, so a killed creation leaves no half environment.
 * ====================================================================== */

struct sync_venv {
	char *dir;           /* absolute */
	char *python;        /* DIR/bin/python */
	char *paths[SYNC_NPATHS]; /* absolute install paths (NULL: none) */
	char *home;          /* pyvenv.cfg home */
	int version[3];      /* pyvenv.cfg version (version_info), 0 unknown */
	bool created;        /* sync_venv_open() created it */
};

void sync_venv_init(struct sync_venv *v);
void sync_venv_release(struct sync_venv *v);

enum {
	SYNC_VENV_CREATE = 1 << 0,   /* create DIR when missing */
	SYNC_VENV_RECREATE = 1 << 1, /* replace an environment of another
				      * interpreter version */
};

/*
 * Open the environment at `dir` for interpreter `in`, creating it when
 * missing and SYNC_VENV_CREATE is set.  Errors:
 *   -CVL_ENOTFOUND  missing and not to be created
 *   -CVL_EINVAL     DIR exists but is not a virtual environment (no
 *                   pyvenv.cfg): "'DIR' exists and is not a virtual
 *                   environment", hint to choose another --venv
 *   -CVL_EINVAL     an environment of another Python version: "'.venv' is
 *                   an environment of Python 3.10, not 3.11", hint:
 *                   use --recreate
 *   -CVL_EIO        the file system failed
 */
int sync_venv_open(const struct sync_interp *in, const char *dir,
		   unsigned flags, struct sync_venv *v,
		   struct cvl_error *err) WARN_UNUSED_RESULT;

/* ======================================================================
 * Installed distributions (sync/installed.c)
 * ====================================================================== */

struct sync_dist {
	char *name;       /* normalized (PEP 503) */
	char *version;    /* METADATA Version, as written */
	char *dist_info;  /* absolute path of NAME-VERSION.dist-info */
	char *installer;  /* INSTALLER's first line, or NULL */
	char *direct_url; /* direct_url.json's text, or NULL */
	bool has_record;
};

struct sync_installed {
	struct sync_dist *dists; /* sorted by name */
	size_t n, alloc;
};

void sync_installed_release(struct sync_installed *si);
/*
 * Read every *.dist-info in the environment's purelib and platlib (one
 * scan when they are the same directory).  A dist-info without a
 * readable METADATA Name/Version is skipped (it cannot be managed); two
 * dist-infos of one name are both listed (the plan removes the extra).
 */
int sync_installed_scan(const struct sync_venv *v, struct sync_installed *si,
			struct cvl_error *err) WARN_UNUSED_RESULT;
const struct sync_dist *sync_installed_find(const struct sync_installed *si,
					    const char *name);

/*
 * Remove a distribution: exactly the files its RECORD lists that lie
 * inside the environment (paths are resolved against the dist-info's
 * parent; anything outside v->dir is refused and left alone), their
 * __pycache__ entries, then the directories left empty, then the
 * dist-info itself.  A dist without a RECORD: -CVL_EINVAL with a hint.
 */
int sync_dist_uninstall(const struct sync_venv *v, const struct sync_dist *d,
			struct cvl_error *err) WARN_UNUSED_RESULT;

/* ======================================================================
 * Wheels (sync/wheel.c: unpack; sync/install.c: install into a venv)
 * ====================================================================== */

/*
 * Unpack the wheel file `whl` (already hash-checked) into directory
 * `dest`, which must not exist: everything is extracted into a temporary
 * sibling, checked, and renamed to `dest` (a concurrent unpack of the
 * same wheel is harmless: the loser's copy is removed).  Every entry is
 * checked before anything is written: absolute paths, ".." components,
 * symlinks and hardlinks, device files, names that collide (also after
 * case folding and normalization of "./" and "//"), and entries that
 * the RECORD lists with another hash are refused (-CVL_EINVAL, naming the
 * entry).  File modes: 0644, or 0755 when any x bit is set.
 */
int sync_wheel_unpack(const char *whl, const char *dest,
		      struct cvl_error *err) WARN_UNUSED_RESULT;

enum sync_link_mode {
	SYNC_LINK_AUTO,     /* clone, else hardlink, else copy */
	SYNC_LINK_CLONE,    /* FICLONE reflink; falls back to copy */
	SYNC_LINK_HARDLINK,
	SYNC_LINK_COPY,
};
bool sync_link_mode_parse(const char *s, enum sync_link_mode *out);
const char *sync_link_mode_name(enum sync_link_mode m);

struct sync_install_opts {
	enum sync_link_mode link_mode;
	const char *installer;  /* INSTALLER's content; NULL: "cvlock" */
	const char *direct_url; /* direct_url.json to write, or NULL */
};

/*
 * Install the unpacked wheel at `unpacked` (from sync_wheel_unpack) of
 * `name` `version` into the environment, as the wheel spec (PEP 427 /
 * PyPA "binary distribution format") says: Root-Is-Purelib picks purelib
 * or platlib; NAME.data/{purelib,platlib,scripts,headers,data} go to the
 * scheme's paths, scripts with "#!python" rewritten to the venv's
 * python; console_scripts and gui_scripts entry points become executable
 * scripts in bin/; INSTALLER, direct_url.json (when given) and a RECORD
 * listing every installed file with its sha256 and size are written
 * last.  A file that exists and belongs to no distribution is
 * overwritten.  On failure the files already placed are removed.
 */
int sync_wheel_install(const struct sync_venv *v, const char *unpacked,
		       const char *name, const char *version,
		       const struct sync_install_opts *opts,
		       struct cvl_error *err) WARN_UNUSED_RESULT;

/* ======================================================================
 * RECORD files (sync/record.c): the CSV of a dist-info
 * ====================================================================== */

struct sync_record_entry {
	char *path;  /* as written (relative to site-packages, '/' separated) */
	char *hash;  /* "sha256=<urlsafe-b64-nopad>", or NULL */
	int64_t size; /* -1 when empty */
};

struct sync_record {
	struct sync_record_entry *entries;
	size_t n, alloc;
};

void sync_record_release(struct sync_record *r);
/*
 * Parse a RECORD (CSV per RFC 4180 as Python's csv module writes it:
 * quoted fields, "" escapes, CRLF or LF).  Errors name the line.
 */
int sync_record_parse(struct sync_record *r, const char *buf, size_t len,
		      struct cvl_error *err) WARN_UNUSED_RESULT;
void sync_record_add(struct sync_record *r, const char *path,
		     const char *hash, int64_t size);
/* Write as Python's csv module would (quoting only when needed), LF. */
void sync_record_format(const struct sync_record *r, struct strbuf *out);
/* "sha256=<urlsafe base64 without padding>" of `len` bytes. */
void sync_record_hash(const void *data, size_t len, struct strbuf *out);

/* ======================================================================
 * The plan (sync/plan.c): what makes an environment match a lock
 *
 *   1. the lock is checked against the interpreter: `requires-python`
 *      must hold for its python_full_version, and one of `environments`
 *      (when there are any) must hold in its marker environment;
 *   2. packages are selected by evaluating each `marker` in the
 *      interpreter's environment with PEP 751's `extras` and
 *      `dependency_groups` (the requested extras; the default groups
 *      unless no_default_groups, plus the requested groups); a package
 *      without a marker is always selected; two selected entries of one
 *      name are an error;
 *   3. each selected package gets the first of its wheels in the
 *      interpreter's tag priority (sync_interp_tags(): a wheel's rank is
 *      that of its best tag); a package with only an sdist, or with a
 *      vcs, directory or archive source, is an error (CVL_EUNSUPPORTED),
 *      and so is one whose wheels all have foreign tags (CVL_EINVAL);
 *   4. it is compared with the installed distributions: not installed:
 *      install; another version: upgrade or downgrade (PEP 440 order);
 *      the same version: keep, unless the installed copy is not what the
 *      lock asks for, then reinstall:
 *        - its WHEEL file names another build of the version than the
 *          chosen wheel (other Tag lines or Build number), so a lock that
 *          moves to another wheel of the same version gets it;
 *        - two dist-infos of the name (both are removed, one installed);
 *        - with SYNC_PLAN_VERIFY (cvlock sync --check, --verify): the
 *          dist-info has no readable RECORD, or a file it lists is
 *          missing or differs from its size or sha256.
 *      Without SYNC_PLAN_VERIFY a present dist-info is trusted, and no
 *      installed file is even stat'ed: install renames the dist-info into
 *      place after every file, and uninstall takes it away before the
 *      first file goes, so one that is there vouches for its files (a
 *      killed sync leaves none half-done; only a user's edit can break
 *      that, which --check finds and --verify repairs).
 *      Installed distributions that the lock does not select are removed
 *      unless `inexact`.
 * Items are sorted by name.
 * ====================================================================== */

struct lock_file;
struct lock_package;
struct lock_file_entry;
struct idx_http_opts;

enum sync_action {
	SYNC_KEEP,
	SYNC_INSTALL,
	SYNC_UPGRADE,
	SYNC_DOWNGRADE,
	SYNC_REINSTALL,
	SYNC_REMOVE,
	SYNC_NACTIONS,
};

/* "keep", "install", "upgrade", ... */
const char *sync_action_name(enum sync_action a);

struct sync_plan_item {
	enum sync_action action;
	char *name;    /* normalized */
	char *version; /* the lock's (NULL for SYNC_REMOVE) */
	const struct lock_package *pkg;      /* NULL for SYNC_REMOVE */
	const struct lock_file_entry *wheel; /* the chosen wheel, or NULL */
	char *wheel_name;  /* its file name */
	char *sha256;      /* its sha256 (lowercase hex) */
	/* the installed distributions of the name (to uninstall first for
	 * upgrade, downgrade, reinstall and remove); pointers into the
	 * sync_installed given to sync_plan_build() */
	const struct sync_dist **installed;
	size_t ninstalled, alloc_installed;
	char *reason; /* why a reinstall, e.g. "'foo/__init__.py' is missing" */
};

struct sync_plan {
	struct sync_plan_item *items;
	size_t n, alloc;
	size_t counts[SYNC_NACTIONS];
	size_t nselected; /* packages of the lock selected for this env */
};

enum {
	SYNC_PLAN_INEXACT = 1 << 0,        /* keep what the lock does not name */
	SYNC_PLAN_ALL_EXTRAS = 1 << 1,
	SYNC_PLAN_NO_DEFAULT_GROUPS = 1 << 2,
	SYNC_PLAN_VERIFY = 1 << 3,  /* check every file of every RECORD */
};

struct sync_plan_opts {
	unsigned flags;
	const char *const *extras; /* requested (any spelling) */
	size_t nextras;
	const char *const *groups;
	size_t ngroups;
	const char *lock_name; /* the lockfile, for messages ("pylock.toml") */
};

void sync_plan_release(struct sync_plan *plan);

/*
 * Check the lock `lf` against the interpreter only (step 1 above):
 * -CVL_EINVAL, e.g. "'pylock.toml' requires Python ==3.12.*, and
 * '/usr/bin/python3' is 3.11.2", hint: --python.
 */
int sync_plan_check_python(const struct lock_file *lf,
			   const struct sync_interp *in, const char *lock_name,
			   struct cvl_error *err) WARN_UNUSED_RESULT;

/*
 * Build the plan (steps 1 to 4).  `tags` from sync_interp_tags(); `si`
 * from sync_installed_scan() (NULL: nothing installed); both and `lf`
 * must outlive the plan.  Unknown extras or groups (not in the lock's
 * `extras` / `dependency-groups`) are -CVL_EUSAGE.
 */
int sync_plan_build(struct sync_plan *plan, const struct lock_file *lf,
		    const struct sync_interp *in, const struct strvec *tags,
		    const struct sync_installed *si,
		    const struct sync_plan_opts *opts,
		    struct cvl_error *err) WARN_UNUSED_RESULT;

/* Whether the environment already matches (nothing but SYNC_KEEP). */
bool sync_plan_is_noop(const struct sync_plan *plan);

/*
 * Remove what killed syncs left at the top of the environment's purelib
 * and platlib: the temporary dist-infos of an install (".cvlock-tmp-*")
 * and the dist-infos an uninstall had moved away (".cvlock-rm-*").  Only
 * while holding the environment's lock (no other sync is working on it).
 * *removed (may be NULL) counts them.  CVL_EIO.
 */
int sync_remove_leftovers(const struct sync_venv *v, size_t *removed,
			  struct cvl_error *err) WARN_UNUSED_RESULT;

/* ======================================================================
 * Downloads (sync/download.c): wheels into the cache, keyed by sha256
 *
 * Cache layout (under the cache directory):
 *     wheels-v1/<sha256[0:2]>/<sha256>.whl     downloaded, hash-checked
 *     unpacked-v1/<sha256[0:2]>/<sha256>/      sync_wheel_unpack() output
 *     unpacked-v1/<sha256[0:2]>/<sha256>.sealed  when it was last checked
 * A wheel is fetched from its `url` (http(s):// or file://) or its
 * `path` (relative to the lockfile's directory), through index/'s
 * transport (parallel, retries, netrc).  When the URL answers 404 or 410
 * and the package names an `index`, the index's page of the project is
 * read and the file of the same name and sha256 fetched from there
 * (PEP 751's fallback).  The body is bounded by the lock's `size` (when
 * given) while it arrives, written to a temporary file in the cache and
 * renamed into place once its size and sha256 are checked, so the cache
 * never holds a wheel whose hash is not the lock's.  A cached wheel is
 * trusted by its name (it was checked when written).
 * ====================================================================== */

struct sync_fetch {
	/* in */
	const char *name;     /* for messages */
	const char *filename;
	const char *url;      /* absolute, or NULL */
	const char *path;     /* local path, or NULL */
	const char *index;    /* fallback index URL, or NULL */
	const char *sha256;   /* lowercase hex, required */
	int64_t size;         /* -1 unknown */
	/* out */
	char *wheel;          /* the cached wheel's path, once there */
	char *unpacked;       /* with opts.unpack: its unpacked tree, or
				 NULL (not unpacked: sync_unpack_cached
				 tells why) */
	bool downloaded;      /* fetched by this call (not a cache hit) */
	uint64_t bytes;       /* bytes fetched */
	int rc;               /* 0 or -CVL_E* */
	struct cvl_error err;
};

struct sync_download_opts {
	const char *cache_dir;     /* required */
	const char *base_dir;      /* relative paths resolve against it */
	bool offline;              /* only the cache (and local paths) */
	const struct idx_http_opts *http; /* NULL: defaults */
	/* progress, from inside the transfers (NULL: none) */
	void (*progress)(size_t done, size_t total, uint64_t bytes, void *data);
	void *progress_data;
	/*
	 * Also unpack every wheel into the cache (sync_unpack_cached), in
	 * `jobs` threads (0: one per processor, at most 8), each as soon as
	 * it is checked and stored, while the others download.  A failed
	 * unpack only leaves `unpacked` NULL.
	 */
	bool unpack;
	unsigned jobs;
};

struct sync_download_stats {
	size_t cached;     /* already in the cache */
	size_t downloaded;
	uint64_t bytes;
	int64_t transfer_ms; /* until the last transfer ended (not the
				unpacking that goes on after it) */
};

void sync_fetch_release(struct sync_fetch *f);

/* The cache path of a wheel or of its unpacked tree (appended). */
void sync_cache_wheel_path(const char *cache_dir, const char *sha256,
			   struct strbuf *out);
void sync_cache_unpacked_path(const char *cache_dir, const char *sha256,
			      struct strbuf *out);

/*
 * Bring every wheel of `items` into the cache, in parallel.  Each item
 * gets its own rc and err; the return value is 0 when all succeeded,
 * else the first failed item's code (in item order) with its message in
 * `err`:
 *   -CVL_EHASH     "hash mismatch for 'foo-1.0-py3-none-any.whl': expected
 *                  sha256 ab..., got cd..." (also a size that differs from
 *                  the lock's, or a body longer than it)
 *   -CVL_ENETWORK  the transfer failed; also an --offline cache miss
 *   -CVL_ENOTFOUND the URL (and the fallback index) has no such file
 *   -CVL_EIO       the cache cannot be written, a local file read
 */
int sync_download(struct sync_fetch *items, size_t n,
		  const struct sync_download_opts *opts,
		  struct sync_download_stats *st,
		  struct cvl_error *err) WARN_UNUSED_RESULT;

/*
 * The unpacked tree of a cached wheel: unpacked-v1/.../<sha256>/, made
 * with sync_wheel_unpack() when missing.  Its path is appended to `out`.
 * An existing tree is checked first against its wheel's RECORD
 * (environments hard-link to it, so editing an installed file edits it
 * too) and unpacked again from `wheel` when it differs: sizes and
 * modification times against unpacked-v1/.../<sha256>.sealed, touched
 * when the tree was last known good, and every file's hash when those
 * do not prove it.
 */
int sync_unpack_cached(const char *cache_dir, const char *sha256,
		       const char *wheel, struct strbuf *out,
		       struct cvl_error *err) WARN_UNUSED_RESULT;

#endif
