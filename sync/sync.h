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
 *     DIR/bin/activate, activate.fish, activate.csh (venv's scripts with
 *                      the environment's path and prompt filled in)
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

#endif
