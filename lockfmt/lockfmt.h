/*
 * lockfmt.h - pylock.toml (PEP 751) in memory (prefix lock_): the model,
 * a byte-for-byte deterministic writer, and a reader that validates.
 *
 * No I/O: the writer appends to a strbuf and the reader takes a pointer
 * and a length; util/atomic_write.c puts the bytes on disk.
 *
 * Files:
 *   lockfmt/model.c     lifecycle, adding packages and files, sorting
 *   lockfmt/write.c     the writer and the generic TOML value writer
 *   lockfmt/read.c      TOML tree -> model, with diagnostics
 *   lockfmt/validate.c  field checks (names, versions, markers, hashes,
 *                       file names) and checks across packages
 *
 * Layout of a written file (keys in the order of the specification; only
 * keys with a value are written, except extras, dependency-groups and
 * default-groups, which always are):
 *
 *     lock-version = "1.0"
 *     environments = ["sys_platform == \"linux\""]
 *     requires-python = "==3.12.*"
 *     extras = []
 *     dependency-groups = ["dev"]
 *     default-groups = ["dev"]
 *     created-by = "cvlock"
 *
 *     [[packages]]
 *     name = "attrs"
 *     version = "25.1.0"
 *     requires-python = ">=3.8"
 *     dependencies = [
 *         {name = "idna", version = "3.10"},
 *     ]
 *     index = "https://pypi.org/simple"
 *
 *     [packages.sdist]
 *     name = "attrs-25.1.0.tar.gz"
 *     upload-time = 2025-01-25T11:30:12Z
 *     url = "https://files.example/attrs-25.1.0.tar.gz"
 *     size = 810562
 *     hashes = {sha256 = "f7..."}
 *
 *     [[packages.wheels]]
 *     name = "attrs-25.1.0-py3-none-any.whl"
 *     ...
 *
 *     [tool.cvlock]
 *     inputs-hash = "sha256:..."
 *     requirements = ["attrs>=25", "idna"]
 *     prerelease = "if-necessary"
 *
 * Packages are sorted by name, then version (PEP 440 order), then marker;
 * dependencies likewise; wheels by file name; hashes by algorithm, values
 * lowercased; [tool.cvlock] options by key; environments, extras and
 * groups sorted and deduplicated.  Versions, markers and requires-python
 * are written in their normal form (packaging's str()), so one
 * constraint spelled two ways gives one file.  Userinfo is stripped from
 * every URL.  LF line ends; no timestamps but the upload times given.
 */
#ifndef CVL_LOCKFMT_H
#define CVL_LOCKFMT_H

#include "util/util.h"
#include "toml/toml.h"
#include "pep/pep.h"

/* The lock-version cvlock writes, and the major version it reads. */
#define LOCK_VERSION "1.0"
#define LOCK_VERSION_MAJOR 1

/* ---- model ------------------------------------------------------------- */

/* One hash of a file: algorithm ("sha256") and lowercase hex value. */
struct lock_hash {
	char *algo;
	char *value;
};

/*
 * A distribution file: [packages.sdist], one of [[packages.wheels]], or
 * (with `subdirectory`) [packages.archive].  Strings are NULL when absent.
 * `upload_time` is the TOML text of an offset date-time
 * ("2025-01-25T11:30:10.164985Z"), written as a TOML date-time.
 */
struct lock_file_entry {
	char *name;
	char *upload_time;
	char *url;
	char *path;
	bool has_size;
	uint64_t size;
	struct lock_hash *hashes;
	size_t nhashes, alloc_hashes;
	char *subdirectory; /* archive only */
	int line, column;   /* where it was read (0 when built) */
};

/* [packages.vcs] */
struct lock_vcs {
	char *type; /* "git", "hg", "bzr", "svn" */
	char *url;
	char *path;
	char *requested_revision;
	char *commit_id;
	char *subdirectory;
};

/* [packages.directory] */
struct lock_directory {
	char *path;
	bool has_editable;
	bool editable;
	char *subdirectory;
};

/*
 * One entry of packages.dependencies: the keys that identify another
 * package entry.  cvlock writes name and, when the name alone is
 * ambiguous, version.  When read from a file with other keys (a source
 * table, a marker), `raw` holds the whole inline table and is written
 * back as it was.
 */
struct lock_dep {
	char *name;
	char *version;
	const struct toml_value *raw; /* lives in lock_file.doc; or NULL */
	int line, column;
};

/*
 * A tool table kept as read ([tool.x] or [packages.tool.x]) and written
 * back key by key in document order.  It lives in lock_file.doc.
 */
struct lock_tool {
	char *name;
	const struct toml_value *value;
};

struct lock_package {
	char *name;    /* normalized (PEP 503) */
	char *version; /* as given; cvlock writes the normal form; or NULL */
	char *marker;  /* or NULL */
	char *requires_python;
	bool has_dependencies; /* write `dependencies` even when empty */
	struct lock_dep *deps;
	size_t ndeps, alloc_deps;
	/* The source: vcs, directory, archive, or index files. */
	struct lock_vcs *vcs;
	struct lock_directory *directory;
	struct lock_file_entry *archive;
	char *index;
	struct lock_file_entry *sdist;
	struct lock_file_entry *wheels;
	size_t nwheels, alloc_wheels;
	/* [[packages.attestation-identities]], kept as read. */
	const struct toml_value **attestations;
	size_t nattestations, alloc_attestations;
	/*
	 * [packages.tool.cvlock] yanked (PEP 751 has no key for it): NULL
	 * when not yanked, "" for `yanked = true`, else the index's reason,
	 * written `yanked = "reason"`.  The reader fills it from that table
	 * and keeps no other [packages.tool.cvlock] key.
	 */
	char *yanked;
	/* Other [packages.tool.*] tables. */
	struct lock_tool *tools;
	size_t ntools, alloc_tools;
	int line, column; /* the [[packages]] header (0 when built) */
};

/* One [tool.cvlock] setting: a key and a string value. */
struct lock_option {
	char *key;
	char *value;
};

struct lock_file {
	char *lock_version; /* as read; the writer always writes LOCK_VERSION */
	struct strvec environments;
	char *requires_python;
	struct strvec extras;
	struct strvec dependency_groups;
	struct strvec default_groups;
	char *created_by; /* "cvlock" after lock_file_init() */
	struct lock_package *packages;
	size_t npackages, alloc_packages;
	/* [tool.cvlock] */
	char *inputs_hash; /* "sha256:<hex>", or NULL */
	/*
	 * The project's own requirements (PEP 508 strings as the project
	 * wrote them, those of the requested extras and groups included),
	 * written sorted as `requirements = [...]`: the roots of the graph
	 * for `tree`, `why` and the `via` of `diff`.  Empty when unknown
	 * (a lockfile from another tool).
	 */
	struct strvec requirements;
	struct lock_option *options;
	size_t noptions, alloc_options;
	/* Other [tool.*] tables, in document order. */
	struct lock_tool *tools;
	size_t ntools, alloc_tools;
	/* The parsed document that raw values point into (reader only). */
	struct toml_doc doc;
};

void lock_file_init(struct lock_file *lf);
void lock_file_release(struct lock_file *lf);

/*
 * Append a package named `name` (normalized here) with `version` (may be
 * NULL) and return it, zeroed otherwise.  The pointer is valid until the
 * next lock_file_add_package().
 */
struct lock_package *lock_file_add_package(struct lock_file *lf,
					   const char *name,
					   const char *version);
/* Set a [tool.cvlock] option, replacing an earlier value for `key`. */
void lock_file_set_option(struct lock_file *lf, const char *key,
			  const char *value);
/* The value of a [tool.cvlock] option, or NULL. */
const char *lock_file_get_option(const struct lock_file *lf, const char *key);
/* Entries named `name` (any spelling): the first at or after *pos. */
struct lock_package *lock_file_find(const struct lock_file *lf,
				    const char *name, size_t *pos);

void lock_package_add_dep(struct lock_package *pkg, const char *name,
			  const char *version);
/* A new wheel, zeroed; valid until the next lock_package_add_wheel(). */
struct lock_file_entry *lock_package_add_wheel(struct lock_package *pkg);
/* The sdist, created zeroed when absent. */
struct lock_file_entry *lock_package_sdist(struct lock_package *pkg);
/* Add or replace the hash for `algo` (both lowercased). */
void lock_entry_set_hash(struct lock_file_entry *f, const char *algo,
			 const char *value);
/* Setters that copy (NULL clears). */
void lock_set_str(char **field, const char *value);

/*
 * A file entry's name: `name`, else the last segment of its path or URL
 * (without query or fragment, percent-decoded), as PEP 751 allows.
 * Appended to `out`; returns false when there is none.
 */
bool lock_entry_filename(const struct lock_file_entry *f, struct strbuf *out);

/* ---- writer ------------------------------------------------------------ */

/*
 * Append the lockfile to `out` in the layout described above.  Fails
 * with CVL_EINVAL (err says what and which package) when the model
 * cannot be written as a valid lockfile: no created-by, a package without
 * a name or without exactly one source, a file without url or path or
 * without a hash, an upload time that is not a TOML offset date-time,
 * an absolute local `path`; nothing is appended then.  file:// URLs are
 * written as given: making them relative is the caller's choice.
 */
int lock_write(const struct lock_file *lf, struct strbuf *out,
	       struct cvl_error *err) WARN_UNUSED_RESULT;

/* ---- reader and validation --------------------------------------------- */

enum lock_severity {
	LOCK_ERROR,
	LOCK_WARNING,
};

struct lock_diag {
	enum lock_severity severity;
	int line, column;
	char *msg;
};

/* Problems found in a lockfile, in the order of their position. */
struct lock_diags {
	struct lock_diag *items;
	size_t nr, alloc;
	size_t nerrors, nwarnings;
};

#define LOCK_DIAGS_INIT { NULL, 0, 0, 0, 0 }

void lock_diags_release(struct lock_diags *d);
void lock_diag_add(struct lock_diags *d, enum lock_severity sev, int line,
		   int column, const char *fmt, ...) CVL_PRINTF(5, 6);
/* Sort by position (stable), as lock_read() leaves them. */
void lock_diags_sort(struct lock_diags *d);
/*
 * One line per problem:
 *     pylock.toml:12:8: package name 'Foo' is not normalized (expected 'foo')
 *     pylock.toml:1:16: warning: unknown minor lock-version '1.1'
 */
void lock_diags_format(const struct lock_diags *d, const char *file,
		       struct strbuf *out);

/*
 * Parse `len` bytes of `buf` as a pylock.toml into `lf` (initialized by
 * the caller; it is cleared first) and check it against PEP 751, adding
 * every problem found to `diags`.  A document that is not TOML at all
 * adds one error at the parser's position.  Returns 0 when there is no
 * error (warnings allowed), else -CVL_EINVAL with `err` set to the first
 * error; `lf` then holds what could be read.  Unknown [tool.*] tables
 * (and packages' tool tables) are kept for the writer.
 */
int lock_read(struct lock_file *lf, const char *buf, size_t len,
	      struct lock_diags *diags, struct cvl_error *err)
	WARN_UNUSED_RESULT;

/*
 * Checks across packages on a model (also run by lock_read()): two
 * entries for one name where neither has a marker (both would apply in
 * every environment), and dependencies that match no entry.
 */
void lock_file_check(const struct lock_file *lf, struct lock_diags *diags);

/*
 * Whether `filename` is a valid lockfile name: "pylock.toml" or
 * "pylock.NAME.toml" (NAME without dots).
 */
bool lock_filename_is_valid(const char *filename);

/* ---- the dependency graph (lockfmt/graph.c) ------------------------------
 *
 * The packages of a lockfile as nodes (indexes into lf->packages) and
 * their `dependencies` as edges.  A dependency {name, version?} (or a
 * raw inline table) points at every entry of that name (and version,
 * when given); with `env`, only entries whose marker holds there.
 * Roots are the packages the project's own requirements
 * (lf->requirements) name; a lockfile without them (another tool's) has
 * as roots the packages no other package depends on.
 */
struct lock_graph {
	const struct lock_file *lf;
	size_t n;            /* lf->npackages */
	size_t **deps;       /* deps[i]: the nodes i depends on, ascending */
	size_t *ndeps;
	size_t **rdeps;      /* rdeps[i]: the nodes that depend on i */
	size_t *nrdeps;
	size_t *roots;       /* ascending, without duplicates */
	size_t nroots;
	/* root_reqs[k]: the requirement strings of lf->requirements that
	 * name roots[k] (empty for a lockfile without requirements) */
	struct strvec *root_reqs;
};

/*
 * Build the graph of `lf` (which must outlive it).  `env` (or NULL for
 * every environment) selects the entries whose marker holds.  Never
 * fails on a valid lockfile; a dependency that names no entry is
 * skipped (lock_file_check() reports it).  A marker that cannot be
 * evaluated in `env` (an undefined name) counts as holding; an entry
 * whose marker does not hold has no edges and is no root, and a root
 * requirement whose marker does not hold names no root.
 */
void lock_graph_build(struct lock_graph *g, const struct lock_file *lf,
		      const struct pep_env *env);
void lock_graph_release(struct lock_graph *g);

/*
 * The roots whose closure holds node `i` ("via" of diff and export):
 * their requirement strings (or, without requirements, their names),
 * appended to `out` sorted and without duplicates.  A root itself is
 * "via" its own requirement.
 */
void lock_graph_via(const struct lock_graph *g, size_t i, struct strvec *out);

/*
 * Every shortest path from a root to node `i` (for `cvlock why`): calls
 * `fn` once per path with the nodes root..i; stops early when `fn`
 * returns non-zero (and returns that value).  At most `limit` paths
 * (0: no limit).  Each root that reaches `i` gets its own shortest
 * paths; roots in ascending order, then paths in ascending order of
 * their nodes.
 */
typedef int (*lock_graph_path_fn)(const size_t *path, size_t len, void *data);
int lock_graph_paths(const struct lock_graph *g, size_t i, size_t limit,
		     lock_graph_path_fn fn, void *data);

/* ---- differences between two lockfiles (lockfmt/diff.c, diff_format.c) --
 *
 * What a reviewer of a lockfile change must see: each package added,
 * removed, upgraded, downgraded or changed at the same version, how far
 * its version moved (PEP 440), which of the project's requirements pull
 * it in ("via"), and the risk signals below.  Pure: the renderers append
 * to a strbuf.
 *
 * Entries are matched by name and marker (markers compared in their
 * normal form); entries of one name left over on both sides are then
 * paired by equal version, then in version order, so a package whose
 * marker changed is one change; the rest are added or removed.
 *
 * Risks (one per package and reason):
 *   hash              same version, but a file of that name has another
 *                     hash (one per file)
 *   index             the package comes from another index
 *   source            another kind or place of source (index, vcs,
 *                     directory, archive), or another vcs commit
 *   sdist-only        a new package or version with an sdist and no
 *                     wheel: installing it builds it
 *   yanked            the new entry is yanked; PEP 751 has no key for
 *                     it, so it is read from [packages.tool.cvlock]
 *                     yanked = true or yanked = "reason" (cvlock resolve
 *                     writes it: a yanked version is only chosen when
 *                     pinned with == or ===)
 *   requires-python   a package's requires-python changed (upgrades and
 *                     downgrades included)
 *   lock-requires-python, environments
 *                     the lockfile's own requires-python or environments
 *                     changed (joined by "; ")
 */
enum lock_change_kind {
	LOCK_CHANGE_ADDED,
	LOCK_CHANGE_REMOVED,
	LOCK_CHANGE_UPGRADED,
	LOCK_CHANGE_DOWNGRADED,
	LOCK_CHANGE_CHANGED, /* same version, something else differs */
};

/*
 * How far a version moved: the first part of the PEP 440 version that
 * differs, release numbers compared as if padded with zeros (1.0 ->
 * 1.0.1 is a patch).  NONE when a side has no version or either does not
 * parse (lock_read() rejects those) or nothing moved.
 */
enum lock_jump {
	LOCK_JUMP_NONE,
	LOCK_JUMP_EPOCH,
	LOCK_JUMP_MAJOR, /* first release number */
	LOCK_JUMP_MINOR, /* second */
	LOCK_JUMP_PATCH, /* third or later */
	LOCK_JUMP_PRE,   /* same release: the pre-release part */
	LOCK_JUMP_POST,
	LOCK_JUMP_DEV,
	LOCK_JUMP_LOCAL,
};

/* What else differs in a matched pair (bits of lock_change.what). */
enum {
	LOCK_DIFF_MARKER = 1 << 0,
	LOCK_DIFF_SOURCE = 1 << 1,   /* index, vcs, directory, archive */
	LOCK_DIFF_FILES = 1 << 2,    /* same version, files added or removed */
	LOCK_DIFF_HASHES = 1 << 3,   /* same version, a file's hash changed */
	LOCK_DIFF_REQUIRES_PYTHON = 1 << 4,
	LOCK_DIFF_DEPENDENCIES = 1 << 5, /* same version, other dependencies */
	LOCK_DIFF_YANKED = 1 << 6,   /* same version, yanked or its reason */
};

struct lock_change {
	enum lock_change_kind kind;
	const struct lock_package *old; /* NULL when added */
	const struct lock_package *new; /* NULL when removed */
	enum lock_jump jump;
	unsigned what;
	/* lock_graph_via() in the new lockfile (in the old when removed) */
	struct strvec via;
};

enum lock_risk_kind {
	LOCK_RISK_HASH,
	LOCK_RISK_INDEX,
	LOCK_RISK_SOURCE,
	LOCK_RISK_SDIST_ONLY,
	LOCK_RISK_YANKED,
	LOCK_RISK_REQUIRES_PYTHON,
	LOCK_RISK_LOCK_REQUIRES_PYTHON,
	LOCK_RISK_ENVIRONMENTS,
};

struct lock_risk {
	enum lock_risk_kind kind;
	const struct lock_package *pkg; /* the new entry; NULL: the lockfile */
	char *file;      /* hash: the file; sdist-only: the sdist (or NULL) */
	char *algo;      /* hash: the algorithm */
	char *old, *new; /* values before and after; NULL: none.  hash: the
			  * values; index, source, requires-python: the
			  * sources and specifiers; environments: the
			  * markers joined by "; "; yanked: new is the
			  * reason or NULL */
};

struct lock_diff {
	const struct lock_file *old, *new;
	struct lock_change *changes; /* sorted by name, then versions */
	size_t nchanges, alloc_changes;
	struct lock_risk *risks; /* in the order of the changes, then the
				  * lockfile's own */
	size_t nrisks, alloc_risks;
	size_t nadded, nremoved, nupgraded, ndowngraded, nchanged, nunchanged;
	/*
	 * The project's requirements ([tool.cvlock] requirements), sorted:
	 * added, removed, and changed (one old and one new requirement of
	 * the same name and marker: changed_old[k] became changed_new[k]).
	 */
	struct strvec requirements_added, requirements_removed;
	struct strvec requirements_changed_old, requirements_changed_new;
};

/*
 * Compare `old` with `new` (both must outlive `d`).  An empty lock_file
 * (no packages, requirements, requires-python or environments) stands
 * for a missing one: everything is added or removed, and the lockfiles'
 * own fields are not compared.  Never fails.  lock_diff_release() frees.
 */
void lock_diff_compute(struct lock_diff *d, const struct lock_file *old,
		       const struct lock_file *new);
void lock_diff_release(struct lock_diff *d);
/* No package and no requirement changed, and there is no risk. */
bool lock_diff_is_empty(const struct lock_diff *d);

/*
 * The jump from version `a` to `b` (either may be NULL); *cmp (may be
 * NULL) gets their PEP 440 order (0 when either is missing or invalid).
 */
enum lock_jump lock_version_jump(const char *a, const char *b, int *cmp);

/* "added"..., "major"... ("" for NONE), "hash"... (the JSON values) */
const char *lock_change_kind_name(enum lock_change_kind kind);
const char *lock_jump_name(enum lock_jump jump);
const char *lock_risk_kind_name(enum lock_risk_kind kind);

/* How a diff is shown: names of the two sides, colours (text only). */
struct lock_diff_style {
	const char *old_label, *new_label;
	bool color; /* ANSI colours in the text format */
};

/*
 * text (a worked example; columns aligned, "via" last; the kind words
 * coloured when asked):
 *
 *     --- HEAD:pylock.toml
 *     +++ pylock.toml
 *     requirements:
 *       changed     alpha<1.1 -> alpha
 *       removed     eps
 *       added       zeta
 *     packages:
 *       upgraded    alpha  1.0 -> 1.1      minor        via alpha
 *       changed     delta  1.0             hashes       via delta
 *       removed     eps    1.0                          via eps
 *       added       gamma  1.0                          via alpha
 *       downgraded  kappa  1.2.3 -> 1.2.2  patch        via kappa!=1.2.3
 *       upgraded    omega  1.0rc1 -> 1.0   pre-release  via omega>=1.0rc1
 *       added       zeta   1.0                          via zeta
 *     risks:
 *       alpha 1.1: requires-python changed from none to '>=3.8'
 *       delta 1.0: the sha256 of 'delta-1.0-py3-none-any.whl' changed but the version did not
 *       zeta 1.0: only an sdist ('zeta-1.0.tar.gz'): installing it builds it from source
 *     3 added, 1 removed, 2 upgraded, 1 downgraded, 1 changed, 2 unchanged; 3 risks
 *
 * A package with a marker is shown as "name; marker".  Without any
 * change, "no changes" follows the two header lines.
 */
void lock_diff_format_text(const struct lock_diff *d,
			   const struct lock_diff_style *st,
			   struct strbuf *out);
/*
 * markdown: a summary line, "**Requirements**" and a bullet per
 * requirement change, a table "| Package | Old | New | Change | Via |"
 * (via as code spans), then "**Risks**" and a bullet per risk; "|" and
 * other Markdown in values escaped.  Ready for a pull-request comment.
 */
void lock_diff_format_markdown(const struct lock_diff *d,
			       const struct lock_diff_style *st,
			       struct strbuf *out);
/*
 * json: one object, keys always present (null when not applicable), in
 * this order, two-space indented:
 *   old, new                 the labels
 *   summary                  {added, removed, upgraded, downgraded,
 *                            changed, unchanged, risks}: counts
 *   requirements             {added: [...], removed: [...],
 *                            changed: [{old, new}]}
 *   packages                 [{name, change, old_version, new_version,
 *                            old_marker, new_marker, jump (null or
 *                            "major"...), details (["marker", "source",
 *                            "files", "hashes", "requires-python",
 *                            "dependencies", "yanked"]), via: [...]}]
 *   risks                    [{kind, package, version (null for the
 *                            lockfile's own), file, algorithm, old,
 *                            new}]
 */
void lock_diff_format_json(const struct lock_diff *d,
			   const struct lock_diff_style *st,
			   struct strbuf *out);

/* ---- selection and requirements.txt export (lockfmt/export.c) -----------
 *
 * Which packages of a lockfile a set of extras and dependency groups
 * installs (PEP 751: a package is installed when its marker holds, with
 * `extras` and `dependency_groups` the chosen sets), shared by export and
 * sync, and the export of those packages as a pip requirements file.
 */

/*
 * Reduce marker text `marker` for chosen `extras` and `groups`: every
 * comparison `'x' in extras`, `'g' in dependency_groups` (and `not in`)
 * is decided (names compared normalized), the rest of the marker is
 * kept.  Returns 1 when the marker may hold and appends to `residual`
 * what is left to decide in the environment (nothing when it always
 * holds), in packaging's normal form; 0 when it cannot hold; -CVL_EINVAL
 * with err set when `marker` is not a marker.
 */
int lock_marker_reduce(const char *marker, const struct strvec *extras,
		       const struct strvec *groups, struct strbuf *residual,
		       struct cvl_error *err) WARN_UNUSED_RESULT;

struct lock_select_opts {
	const char *const *extras; /* chosen extras (any spelling) */
	size_t nextras;
	bool all_extras;           /* every extra of lf->extras */
	const char *const *groups; /* chosen groups, besides the defaults */
	size_t ngroups;
	bool all_groups;           /* every group of lf->dependency_groups */
	bool no_default_groups;    /* leave out lf->default_groups */
};

struct lock_selection {
	struct strvec extras; /* the sets used, normalized and sorted */
	struct strvec groups;
	size_t n;             /* lf->npackages */
	bool *selected;       /* selected[i]: package i may be installed */
	char **markers;       /* markers[i]: what is left of its marker for
			       * the environment, or NULL (none) */
};

/*
 * Select the packages of `lf` for the extras and groups of `o`.  An
 * extra or group that the lockfile does not list (when it lists any)
 * fails with CVL_EINVAL ("extra 'x' is not in the lockfile", with a hint
 * naming those it has); so does a package marker that does not parse.
 * `sel` is filled on success and must be released in every case.
 */
int lock_select(const struct lock_file *lf, const struct lock_select_opts *o,
		struct lock_selection *sel, struct cvl_error *err)
	WARN_UNUSED_RESULT;
void lock_selection_release(struct lock_selection *sel);

struct lock_export_opts {
	struct lock_select_opts select;
	bool no_hashes;
	/* The lockfile's name for the header comment ("pylock.toml"). */
	const char *lockfile_name;
	/*
	 * Prepended to the lockfile's local paths (which are relative to
	 * the lockfile's directory) to make them relative to the export's
	 * directory, as pip reads them ("../", "sub/"); NULL or "": none.
	 */
	const char *path_prefix;
};

/*
 * Append the selected packages of `lf` as a requirements file for
 * `pip install --require-hashes` (pip-compile's layout), sorted like the
 * lockfile:
 *
 *     # This file was generated by cvlock from pylock.toml:
 *     #    cvlock export --format requirements.txt --extra cli
 *     # It pins the packages of the lockfile for extras: cli; groups: dev
 *     certifi==2025.1.31 \
 *         --hash=sha256:ca78... \
 *         --hash=sha256:ec2c...
 *         # via requests>=2
 *     colorama==0.4.6 ; sys_platform == "win32" \
 *         --hash=sha256:08695f5c...
 *         # via
 *         #   click>=8; "cli" in extras
 *         #   pytest; "dev" in dependency_groups
 *
 * An index package is `name==version` with the sha256 (or sha384,
 * sha512) hash of its sdist and of every wheel, in the lockfile's order
 * (duplicates dropped); when its files
 * have local `path`s instead of URLs, a `--find-links DIR` line per
 * directory (path_prefix + the lockfile's path) comes first.  An
 * archive is `name @ URL` (a path: `./PATH`), with its hash; vcs and
 * directory sources, which pip cannot check against a hash, only with
 * `no_hashes` (`name @ git+URL@COMMIT`, `./PATH`, `-e ./PATH`).  What pip
 * cannot install fails with CVL_EINVAL naming the package and a hint:
 * vcs or directory sources with hashes, files without a hash pip knows,
 * a local vcs path.  Nothing is appended then.
 */
int lock_export_requirements(const struct lock_file *lf,
			     const struct lock_export_opts *o,
			     struct strbuf *out, struct cvl_error *err)
	WARN_UNUSED_RESULT;

#endif
