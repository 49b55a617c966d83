/*
 * pep.h - the Python packaging standards as pure functions (prefix pep_).
 *
 * No I/O, no printing, no global state.  Every parser takes a pointer and a
 * length (the input need not be NUL-terminated), returns 0 or a negative
 * CVL_E* code, and on failure fills the caller's struct cvl_error (which may
 * be NULL) with what was expected and where, e.g.
 *     expected version after '>=' at column 6 in 'foo>='
 * Columns are 1-based byte offsets into the string that was passed.
 *
 * Sections (one source file each):
 *   names          pep/name.c        PEP 503 / PEP 685
 *   versions       pep/version.c     PEP 440 versions
 *   specifiers     pep/specifier.c   PEP 440 specifiers and sets
 *   markers        pep/marker.c      PEP 508 markers (+ PEP 751 sets)
 *   requirements   pep/requirement.c PEP 508 requirements
 *   file names     pep/wheelname.c   PEP 427 wheels, sdists
 *   tags           pep/tags.c        PEP 425 compatibility tags
 *   metadata       pep/metadata.c    core metadata (METADATA / PKG-INFO)
 */
#ifndef CVL_PEP_H
#define CVL_PEP_H

#include "util/util.h"

/* ======================================================================
 * Names (PEP 503, PEP 685)
 * ====================================================================== */

/*
 * Append the PEP 503 canonical form of `name` to `out`: lowercase, every run
 * of '-', '_' and '.' replaced by one '-'.  Works on any input (invalid names
 * are canonicalized the same way packaging does).  PEP 685 extras use the
 * same function.
 */
void pep_name_canonicalize(const char *name, size_t len, struct strbuf *out);
/* A valid project name: ^([A-Z0-9]|[A-Z0-9][A-Z0-9._-]*[A-Z0-9])$ (ASCII, any case). */
bool pep_name_is_valid(const char *name, size_t len);
/* Already in canonical form (and valid). */
bool pep_name_is_normalized(const char *name, size_t len);

/* ======================================================================
 * Versions (PEP 440)
 * ====================================================================== */

/*
 * A number inside a version, exact at any size.  When it fits in 64 bits,
 * `digits` is NULL and `value` holds it; otherwise `digits` points at
 * `ndigits` decimal digits (no leading zeros) owned by the version it came
 * from and `value` is UINT64_MAX.
 */
struct pep_num {
	uint64_t value;
	const char *digits;
	size_t ndigits;
};

int pep_num_cmp(struct pep_num a, struct pep_num b);
void pep_num_format(struct pep_num n, struct strbuf *out);

enum pep_pre_kind {
	PEP_PRE_NONE = 0,
	PEP_PRE_A,  /* a, alpha */
	PEP_PRE_B,  /* b, beta */
	PEP_PRE_RC, /* rc, c, pre, preview */
};

/*
 * A parsed version.  The layout is owned by pep/version.c; other modules
 * use the functions below.  Typical versions need no heap allocation;
 * pep_version_release() frees whatever was allocated.  A zeroed struct
 * (PEP_VERSION_INIT) is a valid empty version that may be released.  A
 * version may be moved with memcpy (read its release numbers through
 * pep_version_segments() then); copies that share storage need
 * pep_version_copy().
 */
struct pep_version {
	struct pep_num epoch;
	struct pep_num *release; /* points at release_inline or the heap */
	size_t nrelease;
	enum pep_pre_kind pre_kind;
	struct pep_num pre;
	bool has_post;
	struct pep_num post;
	bool has_dev;
	struct pep_num dev;
	char *local; /* normalized local label ("ubuntu.1"), or NULL */
	/* private */
	struct pep_num release_inline[5];
	char *big;  /* digits of numbers beyond 64 bits, and the local label */
	bool huge;  /* some number is beyond 64 bits (slower comparisons) */
	uint64_t key; /* order-preserving prefix of the sort key; 0: none */
};

#define PEP_VERSION_INIT                                                        \
	{ { 0, NULL, 0 }, NULL, 0, PEP_PRE_NONE, { 0, NULL, 0 }, false,        \
	  { 0, NULL, 0 }, false, { 0, NULL, 0 }, NULL, { { 0, NULL, 0 } },     \
	  NULL, false, 0 }

/*
 * Parse any form PEP 440 (and packaging 26) allows: epochs, pre/post/dev
 * releases with every alternative spelling and separator, implicit post
 * ("1.0-1"), local versions ('.', '-', '_' normalized to '.'), a leading
 * 'v', surrounding whitespace (Python's Unicode whitespace).  Letters
 * match case-insensitively, ASCII only.  Numbers of any size stay exact.
 * The old contents of `v` are neither read nor freed (release a parsed
 * version before parsing into it again); on failure it is left empty and
 * the message says where, e.g.
 *     invalid version '1.0+' at column 5: expected local version label after '+'
 */
int pep_version_parse(struct pep_version *v, const char *s, size_t len,
		      struct cvl_error *err) WARN_UNUSED_RESULT;
void pep_version_release(struct pep_version *v);
void pep_version_copy(struct pep_version *dst, const struct pep_version *src);

/*
 * The release numbers (v->nrelease of them).  Prefer this to v->release: a
 * struct pep_version may be moved with memcpy (e.g. inside an array grown
 * by ALLOC_GROW), which leaves v->release pointing at the old inline
 * storage, while this always finds the right one.
 */
static inline const struct pep_num *
pep_version_segments(const struct pep_version *v)
{
	return v->nrelease > sizeof(v->release_inline) / sizeof(v->release_inline[0])
		       ? v->release
		       : v->release_inline;
}

/*
 * Total PEP 440 order: <0, 0, >0.  Trailing zeros of the release do not
 * count (1.0 == 1.0.0); local labels compare numeric parts as numbers,
 * above alphanumeric ones, then by length.
 */
int pep_version_cmp(const struct pep_version *a, const struct pep_version *b);
/* Same, ignoring local labels. */
int pep_version_cmp_public(const struct pep_version *a,
			   const struct pep_version *b);

/* Canonical string ("1!2.0rc1.post2.dev3+ubuntu.1"). */
void pep_version_format(const struct pep_version *v, struct strbuf *out);
/* Canonical string without the local label. */
void pep_version_format_public(const struct pep_version *v, struct strbuf *out);
/* Epoch and release only ("1!2.0"). */
void pep_version_format_base(const struct pep_version *v, struct strbuf *out);
/*
 * packaging.utils.canonicalize_version: canonical form, with trailing zeros
 * of the release removed when `strip_trailing_zero` (keeping at least one).
 */
void pep_version_format_canonical(const struct pep_version *v,
				  bool strip_trailing_zero, struct strbuf *out);

bool pep_version_is_prerelease(const struct pep_version *v); /* pre or dev */
bool pep_version_is_postrelease(const struct pep_version *v);
bool pep_version_is_devrelease(const struct pep_version *v);

/* ======================================================================
 * Specifiers (PEP 440)
 * ====================================================================== */

enum pep_op {
	PEP_OP_COMPATIBLE, /* ~= */
	PEP_OP_EQ,         /* == (wildcard when spec->wildcard) */
	PEP_OP_NE,         /* != (wildcard when spec->wildcard) */
	PEP_OP_LE,         /* <= */
	PEP_OP_GE,         /* >= */
	PEP_OP_LT,         /* <  */
	PEP_OP_GT,         /* >  */
	PEP_OP_ARBITRARY,  /* === */
};

const char *pep_op_str(enum pep_op op);

/* "Prereleases" policy argument: unset, or an explicit override. */
enum pep_prereleases {
	PEP_PRERELEASES_UNSET = -1,
	PEP_PRERELEASES_NO = 0,
	PEP_PRERELEASES_YES = 1,
};

struct pep_specifier {
	enum pep_op op;
	bool wildcard;              /* ==1.2.*, !=1.2.* */
	struct pep_version version; /* for ===, set when the text is a version */
	char *text;                 /* the version part as written, trimmed */
};

/*
 * One clause ("~=2.0", "== 1.2.*", "===foo"), surrounding whitespace
 * allowed.  `spec` is overwritten (not read); release it after success.
 * Errors name the problem and where, e.g.
 *     expected version after '>=' at column 3 in '>='
 *     local version label not allowed with '>=' at column 6 in '>=1.0+local'
 */
int pep_specifier_parse(struct pep_specifier *spec, const char *s, size_t len,
			struct cvl_error *err) WARN_UNUSED_RESULT;
void pep_specifier_release(struct pep_specifier *spec);
/* Canonical clause string: operator then version as written, no spaces. */
void pep_specifier_format(const struct pep_specifier *spec, struct strbuf *out);
/* Whether the clause by itself admits pre-releases (packaging's .prereleases). */
bool pep_specifier_admits_prereleases(const struct pep_specifier *spec);
/* Same as a tri-state: UNSET for '===' with a text that is not a version. */
enum pep_prereleases pep_specifier_prereleases(const struct pep_specifier *spec);
/* The clause alone matches v (pre-release policy not applied). */
bool pep_specifier_match(const struct pep_specifier *spec,
			 const struct pep_version *v);

/*
 * A comma-separated set of clauses.  `prereleases` is the set's own
 * override (packaging's SpecifierSet(prereleases=...)).
 */
struct pep_specset {
	struct pep_specifier *items;
	size_t nr, alloc;
	enum pep_prereleases prereleases;
};

#define PEP_SPECSET_INIT { NULL, 0, 0, PEP_PRERELEASES_UNSET }

/*
 * "" is the empty set (matches everything); empty clauses (">=1.0,,<2,")
 * are skipped as packaging does.  `set` must be initialized: its old
 * clauses are released.  Error columns count in the whole string.
 */
int pep_specset_parse(struct pep_specset *set, const char *s, size_t len,
		      struct cvl_error *err) WARN_UNUSED_RESULT;
void pep_specset_release(struct pep_specset *set);
void pep_specset_copy(struct pep_specset *dst, const struct pep_specset *src);
/* Canonical: equal clauses once, sorted by their string, joined by ','. */
void pep_specset_format(const struct pep_specset *set, struct strbuf *out);
bool pep_specset_admits_prereleases(const struct pep_specset *set);

/*
 * packaging's SpecifierSet.contains(): `prereleases` overrides the set's own
 * policy; with neither set, a pre-release matches when it is in range.
 * `installed`: an installed pre-release is accepted even when pre-releases
 * are otherwise excluded.
 */
bool pep_specset_contains(const struct pep_specset *set,
			  const struct pep_version *v,
			  enum pep_prereleases prereleases, bool installed);
/*
 * Same on a string, which '===' compares as given (ASCII case-insensitive).
 * An unparsable string matches only such '===' clauses, or the empty set
 * (which lets anything through, as in packaging).
 */
bool pep_specset_contains_str(const struct pep_specset *set, const char *s,
			      size_t len, enum pep_prereleases prereleases,
			      bool installed);

/*
 * packaging's SpecifierSet.filter(): write the indexes of the matching
 * versions of `in` (in input order) to `out_idx` (room for n) and return
 * how many.  With no override anywhere, pre-releases are returned only when
 * no final release matches.  NULL entries in `in` (unparsable) match only
 * when the set is empty or every clause is '===' equal to `in_str[i]`, as
 * in packaging (in_str may be NULL: then they never match, and '===' is
 * compared with the canonical form of the version).
 */
size_t pep_specset_filter(const struct pep_specset *set,
			  const struct pep_version *const *in,
			  const char *const *in_str, size_t n,
			  enum pep_prereleases prereleases, size_t *out_idx);

/*
 * packaging's SpecifierSet.is_unsatisfiable(): no version can match all
 * clauses.  `prereleases` (UNSET: the set's own) excluding pre-releases
 * also makes a set that only pre-releases could match unsatisfiable.
 */
bool pep_specset_is_unsatisfiable(const struct pep_specset *set,
				  enum pep_prereleases prereleases);
/*
 * Set relations on the version ranges (pre-release policy not applied).
 * packaging refuses '===' here; these return false when either set has it.
 */
bool pep_specset_is_subset(const struct pep_specset *a,
			   const struct pep_specset *b);
bool pep_specset_is_superset(const struct pep_specset *a,
			     const struct pep_specset *b);
bool pep_specset_is_disjoint(const struct pep_specset *a,
			     const struct pep_specset *b);
/*
 * packaging's SpecifierSet ==: the same clauses once canonicalized (1.0 ==
 * 1.0.0 except after '~='; '===' and wildcards as written); the
 * prereleases settings are ignored.
 */
bool pep_specset_equal(const struct pep_specset *a,
		       const struct pep_specset *b);

/* ======================================================================
 * Markers (PEP 508, PEP 751 extras / dependency_groups)
 * ====================================================================== */

enum pep_env_var {
	PEP_ENV_IMPLEMENTATION_NAME,
	PEP_ENV_IMPLEMENTATION_VERSION,
	PEP_ENV_OS_NAME,
	PEP_ENV_PLATFORM_MACHINE,
	PEP_ENV_PLATFORM_PYTHON_IMPLEMENTATION,
	PEP_ENV_PLATFORM_RELEASE,
	PEP_ENV_PLATFORM_SYSTEM,
	PEP_ENV_PLATFORM_VERSION,
	PEP_ENV_PYTHON_FULL_VERSION,
	PEP_ENV_PYTHON_VERSION,
	PEP_ENV_SYS_PLATFORM,
	PEP_ENV_EXTRA,
	PEP_ENV_NSTRVARS,
};

/* The canonical PEP 508 name of a variable ("python_version"). */
const char *pep_env_var_name(enum pep_env_var var);

/*
 * An environment to evaluate markers in.  A NULL string is an undefined
 * variable (evaluating a marker that uses it is an error).  `extras` and
 * `dependency_groups` are PEP 751's set-valued variables (lock-file
 * context); has_* false means undefined.  Values are taken as given
 * (extra names are normalized by the evaluator).
 */
struct pep_env {
	const char *var[PEP_ENV_NSTRVARS];
	bool has_extras;
	const char *const *extras;
	size_t nextras;
	bool has_dependency_groups;
	const char *const *dependency_groups;
	size_t ndependency_groups;
};

struct pep_marker; /* opaque tree, owned by the caller after parse */

/*
 * Parse a marker expression (PEP 508 grammar, plus packaging's legacy
 * variable names os.name, sys.platform, platform.version,
 * platform.machine, platform.python_implementation, python_implementation).
 * Quoted values are decoded as Python string literals, as packaging does;
 * values compared with `extra` are normalized (PEP 685).  Nesting deeper
 * than 100 parentheses is refused.  *out is NULL on failure.
 */
int pep_marker_parse(struct pep_marker **out, const char *s, size_t len,
		     struct cvl_error *err) WARN_UNUSED_RESULT;
void pep_marker_free(struct pep_marker *m);
struct pep_marker *pep_marker_dup(const struct pep_marker *m);
/* packaging's str(Marker): double quotes, single spaces, extras normalized. */
void pep_marker_format(const struct pep_marker *m, struct strbuf *out);
/*
 * Evaluate.  Returns 0 and sets *result, or fails with CVL_EUNDEFINED
 * ("undefined comparison ..." / "undefined environment name ...").
 * As packaging 26: for the version variables (python_version,
 * python_full_version, implementation_version, platform_release) a
 * comparison whose operator and value form a valid specifier is a
 * specifier match (pre-releases allowed; '===' compares strings without
 * case); otherwise strings compare with ==, != (<= and >= mean ==, < and >
 * are false), in and not in, and ~= or === is undefined.  `extra` is
 * compared normalized; extras and dependency_groups only make sense on
 * the right of in / not in.  Every comparison is evaluated (no
 * short-circuit), so an undefined name anywhere is an error.  No
 * allocation in the common case.
 */
int pep_marker_evaluate(const struct pep_marker *m, const struct pep_env *env,
			bool *result, struct cvl_error *err) WARN_UNUSED_RESULT;
/* Whether the marker mentions `extra` at all (for requirements of extras). */
bool pep_marker_uses_extra(const struct pep_marker *m);

/* ======================================================================
 * Requirements (PEP 508)
 * ====================================================================== */

struct pep_requirement {
	char *name;          /* as written */
	struct strvec extras; /* as written, sorted, without duplicates */
	struct pep_specset spec;
	char *url;                 /* direct reference after '@', or NULL */
	struct pep_marker *marker; /* or NULL */
};

#define PEP_REQUIREMENT_INIT { NULL, STRVEC_INIT, PEP_SPECSET_INIT, NULL, NULL }

/*
 * Parse "name [extras] (specifiers | @ url) ; marker" exactly as packaging's
 * Requirement() does (whitespace is only ' ' and '\t': "name>=1\r" is
 * invalid; a ';' right after a URL belongs to the URL).  `req` must be
 * initialized (PEP_REQUIREMENT_INIT) or released; on failure it is left
 * empty.  A URL holding a NUL byte is refused.
 */
int pep_requirement_parse(struct pep_requirement *req, const char *s,
			  size_t len, struct cvl_error *err) WARN_UNUSED_RESULT;
/* Free everything; `req` is then empty and may be parsed into again. */
void pep_requirement_release(struct pep_requirement *req);
/* packaging's str(Requirement). */
void pep_requirement_format(const struct pep_requirement *req,
			    struct strbuf *out);
/* Canonical names and extras, sets and markers compared as values. */
bool pep_requirement_equal(const struct pep_requirement *a,
			   const struct pep_requirement *b);

/* ======================================================================
 * Distribution file names (PEP 427 wheels, sdists) and tags (PEP 425)
 * ====================================================================== */

struct pep_wheelname {
	char *name; /* canonical (PEP 503) */
	struct pep_version version;
	bool has_build;
	struct pep_num build_num;
	char *build_tag; /* the build suffix after the number ("" if none) */
	struct strvec tags; /* expanded "interp-abi-plat", sorted, unique */
	/* private */
	char *build_big;
};

#define PEP_WHEELNAME_INIT { NULL, PEP_VERSION_INIT, false, { 0, NULL, 0 }, NULL, STRVEC_INIT, NULL }

/*
 * Parse "name-ver(-build)?-py-abi-plat.whl" as packaging's
 * parse_wheel_filename; `validate_order` rejects compressed tag sets that
 * are not sorted.  `w` must be initialized; it is released first, and left
 * empty on failure.  Errors name the file and the problem:
 *     invalid wheel filename 'foo-1.0.whl': expected 5 or 6 dash-separated parts, got 2
 * Unlike packaging, NUL bytes are refused, and a compressed tag set may
 * expand to at most 4096 tags.  Non-ASCII name characters count as word
 * characters unless they are in a punctuation, symbol or mark block (an
 * approximation of Python's Unicode \w).
 */
int pep_wheelname_parse(struct pep_wheelname *w, const char *filename,
			size_t len, bool validate_order,
			struct cvl_error *err) WARN_UNUSED_RESULT;
void pep_wheelname_release(struct pep_wheelname *w);

/*
 * "name-version.tar.gz" or ".zip" (split on the last dash): the canonical
 * name is appended to `name_out`, the version parsed into `version_out`.
 */
int pep_sdistname_parse(const char *filename, size_t len,
			struct strbuf *name_out, struct pep_version *version_out,
			struct cvl_error *err) WARN_UNUSED_RESULT;

/*
 * Expand a compressed tag set "py2.py3-none-any" into sorted unique,
 * lowercased tags, appended to `out` (packaging.tags.parse_tag).
 */
int pep_tag_parse(const char *tag, size_t len, struct strvec *out,
		  struct cvl_error *err) WARN_UNUSED_RESULT;

/* packaging.tags.mac_platforms' binary formats for a macOS version and arch. */
void pep_mac_binary_formats(int major, int minor, const char *arch,
			    struct strvec *out);

/*
 * packaging.tags.cpython_tags(python_version, abis, platforms), in priority
 * order (most preferred first).  `python_version` has 1 or 2 parts.
 */
void pep_tags_cpython(const int *python_version, size_t nver,
		      const char *const *abis, size_t nabis,
		      const char *const *platforms, size_t nplatforms,
		      struct strvec *out);
/* packaging.tags.compatible_tags(python_version, interpreter, platforms). */
void pep_tags_compatible(const int *python_version, size_t nver,
			 const char *interpreter,
			 const char *const *platforms, size_t nplatforms,
			 struct strvec *out);
/* packaging.tags.generic_tags (PyPy and others). */
void pep_tags_generic(const char *interpreter, const char *const *abis,
		      size_t nabis, const char *const *platforms,
		      size_t nplatforms, struct strvec *out);

/*
 * A target environment described without an interpreter, from which markers
 * and tags are derived: implementation "cp" or "pp", Python 3.X.Y (micro
 * 0 when unknown), and a platform tag: linux_ARCH, manylinux_2_X_ARCH,
 * manylinux2014_ARCH, manylinux2010_ARCH, manylinux1_ARCH,
 * musllinux_1_X_ARCH (ARCH one of x86_64, i686, aarch64, armv7l, ppc64,
 * ppc64le, s390x, riscv64, loongarch64), macosx_X_Y_ARCH (x86_64 or arm64),
 * win_amd64, win32 or win_arm64.  Anything else is refused with the
 * accepted forms in the error's hint.
 */
struct pep_target {
	char implementation[8]; /* "cp" or "pp" */
	int python[3];          /* major, minor, micro */
	char platform[64];
};

/*
 * The ordered list of platform tags a target platform accepts, most
 * specific first: manylinux levels from the target's glibc down to 2.5
 * (x86_64, i686) or 2.17 (others), each legacy alias (manylinux2014,
 * manylinux2010, manylinux1) right after its level, then linux_ARCH;
 * musllinux_1_X down to 1_0, then linux_ARCH; packaging's mac_platforms();
 * a bare linux_ARCH or Windows tag only itself.
 */
int pep_target_platforms(const struct pep_target *t, struct strvec *out,
			 struct cvl_error *err) WARN_UNUSED_RESULT;
/*
 * Every compatible wheel tag for the target, most preferred first, as
 * packaging's sys_tags() on such a machine: CPython cpython_tags (ABI cpXY,
 * cpXYm before 3.8) + compatible_tags(interpreter "cpXY"); PyPy
 * generic_tags("ppXY", ["pypyXY_pp73"]) + compatible_tags(interpreter "pp3").
 */
int pep_target_tags(const struct pep_target *t, struct strvec *out,
		    struct cvl_error *err) WARN_UNUSED_RESULT;
/*
 * Fill `env` with the target's marker values; string storage lives in
 * `storage` (which must outlive env).  platform_release and
 * platform_version are "" (a target has no kernel or build to report),
 * extra is "" (no extra), PyPy's implementation_version is "7.3.0", and
 * platform_machine is the architecture (AMD64, x86, ARM64 on Windows).
 */
int pep_target_env(const struct pep_target *t, struct pep_env *env,
		   struct arena *storage, struct cvl_error *err)
	WARN_UNUSED_RESULT;

/* ======================================================================
 * Core metadata (METADATA, PKG-INFO)
 * ====================================================================== */

struct pep_metadata {
	char *metadata_version;
	char *name;
	char *version;
	char *requires_python;      /* or NULL */
	struct strvec requires_dist; /* raw strings, in file order */
	struct strvec provides_extra; /* as written (not PEP 685 normalized) */
	struct strvec dynamic;
	char *summary;
	char *description; /* the body, or the Description header; or NULL */
};

#define PEP_METADATA_INIT { NULL, NULL, NULL, NULL, STRVEC_INIT, STRVEC_INIT, STRVEC_INIT, NULL, NULL }

/*
 * Parse RFC 822 style headers (folded continuation lines, multiple-use
 * fields, case-insensitive names; LF, CRLF or CR line ends) and the body.
 * Metadata-Version, Name and Version are required and, with
 * Requires-Python, may appear once.  The body (when not blank) is the
 * description, else the Description header.  Input must be UTF-8 without
 * NUL and at most 16 MiB (CVL_ETOOBIG); errors carry the line number.
 * Values are stored trimmed, otherwise as written (see pep/metadata.c).
 */
int pep_metadata_parse(struct pep_metadata *md, const char *buf, size_t len,
		       struct cvl_error *err) WARN_UNUSED_RESULT;
void pep_metadata_release(struct pep_metadata *md);
/* Whether `field` (case-insensitive, e.g. "Requires-Dist") is listed in Dynamic. */
bool pep_metadata_is_dynamic(const struct pep_metadata *md, const char *field);

/* ======================================================================
 * Project inputs: pip requirements files (pep/reqfile.c), pyproject.toml
 * with PEP 621 / PEP 735 / [tool.cvlock] (pep/pyproject.c), and the
 * normalized input set with its hash (pep/inputs.c)
 * ====================================================================== */

/*
 * Looks an environment variable up for "${NAME}" expansion: its value, or
 * NULL when it is unset.  `name` is NUL-terminated ([A-Z0-9_]+).
 */
typedef const char *(*pep_getenv_fn)(const char *name, void *data);

/* A warning with its position (1-based; 0 when unknown). */
struct pep_diag {
	int line, column;
	char *msg;
};

enum pep_reqfile_kind {
	PEP_REQFILE_REQUIREMENT,     /* a PEP 508 requirement: `req` */
	PEP_REQFILE_INCLUDE,         /* -r / --requirement FILE */
	PEP_REQFILE_CONSTRAINT,      /* -c / --constraint FILE */
	PEP_REQFILE_INDEX_URL,       /* -i / --index-url URL */
	PEP_REQFILE_EXTRA_INDEX_URL, /* --extra-index-url URL */
	PEP_REQFILE_FIND_LINKS,      /* -f / --find-links URL-OR-PATH */
	PEP_REQFILE_NO_INDEX,        /* --no-index */
	PEP_REQFILE_PRE,             /* --pre */
	PEP_REQFILE_NO_BINARY,       /* --no-binary NAMES (checked) */
	PEP_REQFILE_ONLY_BINARY,     /* --only-binary NAMES (checked) */
};

/*
 * One entry of a requirements file.  line/column locate the requirement's
 * first character, or the option's value (the option itself for flags).
 * `value` is the requirement text or the option's value after ${VAR}
 * expansion and unquoting; NULL for flags.
 */
struct pep_reqfile_entry {
	enum pep_reqfile_kind kind;
	int line, column;
	char *value;
	struct pep_requirement req; /* PEP_REQFILE_REQUIREMENT only */
};

struct pep_reqfile {
	struct pep_reqfile_entry *items;
	size_t nr, alloc;
	struct pep_diag *warnings; /* ignored options such as --hash */
	size_t nwarnings, alloc_warnings;
};

#define PEP_REQFILE_INIT { NULL, 0, 0, NULL, 0, 0 }

/*
 * Parse one pip requirements file (requirements.in, constraints.txt):
 * physical lines ending in '\' are joined, comments ('#' at the start or
 * after whitespace) and blank lines dropped, then "${NAME}" is replaced
 * through `getenv_fn` (which may be NULL; unset variables stay as
 * written, as pip does), and each line is either options or a requirement
 * optionally followed by per-requirement options.  Includes (-r, -c) are
 * returned as entries for the caller to read; --hash and --require-hashes
 * are ignored with a warning.  Editables, local paths, unnamed URLs and
 * unsupported options fail with CVL_EUNSUPPORTED, bad syntax with
 * CVL_EINVAL, both with err->line/column set (err->file is left for the
 * caller).  `rf` must be initialized; on failure it holds the entries
 * before the bad line.
 */
int pep_reqfile_parse(struct pep_reqfile *rf, const char *buf, size_t len,
		      pep_getenv_fn getenv_fn, void *getenv_data,
		      struct cvl_error *err) WARN_UNUSED_RESULT;
void pep_reqfile_release(struct pep_reqfile *rf);

/* Pre-release policy ([tool.cvlock] prerelease, resolve --prerelease). */
enum pep_prerelease_mode {
	PEP_PRERELEASE_IF_NECESSARY, /* the default */
	PEP_PRERELEASE_ALLOW,        /* also --pre in a requirements file */
	PEP_PRERELEASE_DISALLOW,
};

enum pep_resolution_mode {
	PEP_RESOLUTION_HIGHEST, /* the default */
	PEP_RESOLUTION_LOWEST,
	PEP_RESOLUTION_LOWEST_DIRECT,
};

/* "if-necessary", "allow", ...; and back (false for an unknown name). */
const char *pep_prerelease_mode_name(enum pep_prerelease_mode m);
bool pep_prerelease_mode_parse(const char *s, size_t len,
			       enum pep_prerelease_mode *out);
const char *pep_resolution_mode_name(enum pep_resolution_mode m);
bool pep_resolution_mode_parse(const char *s, size_t len,
			       enum pep_resolution_mode *out);

/*
 * One input requirement: its name and extras are canonical (PEP 503 /
 * PEP 685) and `text` is its canonical string (pep_requirement_format of
 * the canonical form), which is how requirements are sorted, deduplicated
 * and hashed.  `file` (as the caller named it), line and column say where
 * it was written, for messages only.
 */
struct pep_input_req {
	struct pep_requirement req;
	char *text;
	char *file;
	int line, column;
};

/* A list of input requirements; `name` is the canonical extra or group name. */
struct pep_input_list {
	char *name; /* NULL for the unnamed lists */
	struct pep_input_req *items;
	size_t nr, alloc;
};

/*
 * The inputs of a resolution, from a pyproject.toml and/or requirements
 * files.  Lists keep the order in which inputs were added; the
 * serialization, the hash and the text listing sort them.
 */
struct pep_inputs {
	char *project_name;                 /* canonical; NULL without [project] */
	char *requires_python;              /* canonical specifier set, or NULL */
	struct pep_input_list requirements; /* [project] dependencies, -r files */
	struct pep_input_list constraints;  /* constraint-dependencies, -c files */
	struct pep_input_list overrides;    /* override-dependencies */
	struct pep_input_list *extras;      /* optional-dependencies */
	size_t nextras, alloc_extras;
	struct pep_input_list *groups;      /* PEP 735, include-group expanded */
	size_t ngroups, alloc_groups;
	bool has_default_groups;            /* [tool.cvlock] default-groups given */
	struct strvec default_groups;       /* canonical */
	struct strvec selected_extras;      /* canonical */
	struct strvec selected_groups;      /* canonical */
	char *index_url;                    /* or NULL: the default index */
	struct strvec extra_index_urls;     /* in priority order */
	struct strvec find_links;
	bool no_index;
	enum pep_prerelease_mode prerelease;
	enum pep_resolution_mode resolution;
	char *python_version;               /* "3.12" or "3.12.1", or NULL */
	char *platform;                     /* [tool.cvlock] platform, or NULL */
	char *implementation;               /* "cp" or "pp", or NULL */
	char *exclude_newer;                /* as written (checked), or NULL */
	/* pip's format control: canonical names or ":all:" (see below) */
	struct strvec no_binary, only_binary;
};

/*
 * pip's --no-binary / --only-binary: `value` is a comma-separated list of
 * project names, ":all:" or ":none:".  pep_format_control_check() says
 * whether it is valid (CVL_EINVAL naming the bad item otherwise).
 * pep_format_control_apply() updates the sets as pip does: a name goes
 * into `target` and out of `other`; ":all:" clears both sets and leaves
 * ":all:" in `target`; ":none:" clears `target`.  A later option thus
 * overrides an earlier one for a name.
 * pep_format_control_allowed() says which kinds of distribution a
 * project may use: its own name wins over ":all:", --only-binary over
 * --no-binary.
 */
int pep_format_control_check(const char *value, size_t len,
			     struct cvl_error *err) WARN_UNUSED_RESULT;
void pep_format_control_apply(struct strvec *target, struct strvec *other,
			      const char *value);
void pep_format_control_allowed(const struct strvec *no_binary,
				const struct strvec *only_binary,
				const char *canonical_name, bool *binary,
				bool *source);
/* "a,b" (sorted) or ":all:" for a set, as the lockfile records it. */
void pep_format_control_format(const struct strvec *set, struct strbuf *out);

void pep_inputs_init(struct pep_inputs *in);
void pep_inputs_release(struct pep_inputs *in);

/*
 * Parse `len` bytes of `text` as a requirement and add it to `list`
 * (which belongs to `in`), remembering file:line:column as its origin.
 * On a bad requirement, err says where (column inside the line).
 */
int pep_input_list_add_string(struct pep_input_list *list, const char *text,
			      size_t len, const char *file, int line,
			      int column, struct cvl_error *err)
	WARN_UNUSED_RESULT;
/* Add a parsed requirement, taking it over (`req` is left empty). */
void pep_input_list_add(struct pep_input_list *list,
			struct pep_requirement *req, const char *file,
			int line, int column);
/* The extra or group named `name` (any spelling), or NULL. */
struct pep_input_list *pep_inputs_find_extra(const struct pep_inputs *in,
					     const char *name, size_t len);
struct pep_input_list *pep_inputs_find_group(const struct pep_inputs *in,
					     const char *name, size_t len);
/* The extra or group named `name`, created empty when it is new. */
struct pep_input_list *pep_inputs_add_extra(struct pep_inputs *in,
					    const char *name, size_t len);
struct pep_input_list *pep_inputs_add_group(struct pep_inputs *in,
					    const char *name, size_t len);

/*
 * Add the requirements and settings of one parsed requirements file named
 * `file`: its requirements become constraints when `constraints` (a -c
 * file, or a file included from one), index options update the settings
 * (a later --index-url replaces an earlier one; --pre allows
 * pre-releases).  Include entries are skipped: the caller reads them.
 * Requirements are taken over from `rf`.
 */
void pep_inputs_add_reqfile(struct pep_inputs *in, struct pep_reqfile *rf,
			    const char *file, bool constraints);

/*
 * Read a pyproject.toml (`len` bytes of `buf`, named `file` in origins and
 * errors): [project] name, requires-python, dependencies and
 * optional-dependencies; PEP 735 [dependency-groups] with include-group
 * expanded (a cycle fails with its chain, "dependency group cycle: a -> b
 * -> a"); [tool.cvlock] settings:
 *     index-url, extra-index-url, find-links, no-index,
 *     constraint-dependencies, override-dependencies, default-groups,
 *     prerelease, resolution, python-version, platform, implementation,
 *     exclude-newer, no-binary, only-binary
 * Fails with err->file, line and column set: malformed TOML, a wrong type,
 * an invalid name or requirement (at its character when the string is
 * written without escapes), an unknown [tool.cvlock] key (with a hint
 * listing the valid ones), dynamic dependencies (CVL_EUNSUPPORTED).
 */
int pep_pyproject_parse(struct pep_inputs *in, const char *buf, size_t len,
			const char *file, struct cvl_error *err)
	WARN_UNUSED_RESULT;

/*
 * Choose the extras and groups to resolve.  Selecting an undefined extra
 * or group fails with CVL_EINVAL ("extra 'x' is not defined").
 * pep_inputs_select_default_groups() selects [tool.cvlock] default-groups,
 * or, when those are not given, the group "dev" if the project has one
 * (uv's default).
 */
int pep_inputs_select_extra(struct pep_inputs *in, const char *name,
			    struct cvl_error *err) WARN_UNUSED_RESULT;
void pep_inputs_select_all_extras(struct pep_inputs *in);
int pep_inputs_select_group(struct pep_inputs *in, const char *name,
			    struct cvl_error *err) WARN_UNUSED_RESULT;
void pep_inputs_select_all_groups(struct pep_inputs *in);
void pep_inputs_select_default_groups(struct pep_inputs *in);

/*
 * The requirements of `list` in canonical order (by name, then text),
 * duplicates (same text) dropped: fills *out with a malloc'ed array of
 * pointers into the list (free() it) and returns how many.
 */
size_t pep_input_list_sorted(const struct pep_input_list *list,
			     const struct pep_input_req ***out);

/*
 * The canonical serialization of the input set: every field that can
 * change a resolution, names and requirements in canonical form, lists
 * sorted (except extra index URLs, whose order is their priority) and
 * deduplicated, strings length-prefixed.  Independent of file formatting,
 * comments, the order of requirements and tables, and of origins.
 * Versioned by its first line ("cvlock-inputs 1").
 */
void pep_inputs_serialize(const struct pep_inputs *in, struct strbuf *out);
/* sha256 hex of the serialization (64 characters and a NUL). */
void pep_inputs_hash(const struct pep_inputs *in, char out[65]);
/*
 * A stable human-readable listing, each requirement with its origin
 * ("file:line"), ending with "hash: sha256:<hex>".
 */
void pep_inputs_format_text(const struct pep_inputs *in, struct strbuf *out);

#endif
