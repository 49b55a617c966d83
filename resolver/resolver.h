/*
 * resolver.h - dependency resolution for one target environment, with
 * libsolv as the SAT engine (DESIGN.md "Resolution with libsolv",
 * notes/libsolv.md).
 *
 * The resolver asks a candidate source (struct res_source) for the
 * versions of every package it reaches and for the metadata of the
 * candidates it wants to consider.  Production wires the source to index/;
 * tests use res_source_memory, a universe built in memory (from code or
 * from a testcase file, see res_testcase_parse()).
 *
 * Resolution is a loop ("lazy widening"): load the metadata of the best few
 * candidates per requirement on each reachable package, solve, and when
 * libsolv reports a problem, widen the packages its problem rules name.
 * "No solution" is final only when all of those are fully loaded.
 *
 * Usage:
 *     struct res_options opts;
 *     struct res_result result;
 *     struct strbuf why = STRBUF_INIT;
 *     res_options_init(&opts);
 *     opts.env = &env; opts.python = "3.12.1";
 *     res_options_add_root(&opts, "requests>=2", &err);
 *     if (res_resolve(&opts, source, &result, &why, &err) == -CVL_EUNSAT)
 *             ... why.buf holds the explanation (see res_explain) ...
 *     res_result_release(&result);
 *     res_options_release(&opts);
 */
#ifndef CVL_RESOLVER_H
#define CVL_RESOLVER_H

#include "util/util.h"
#include "pep/pep.h"

/* ---------------------------------------------------------------------
 * Candidates and packages
 * --------------------------------------------------------------------- */

/* Why a candidate was kept out of the pool (for hints). */
enum res_exclusion {
	RES_OK = 0,
	RES_EXCL_REQUIRES_PYTHON, /* Requires-Python excludes the target */
	RES_EXCL_NO_DIST,         /* no compatible wheel and no usable sdist */
	RES_EXCL_FORMAT,          /* what it has, --no/--only-binary forbid */
	RES_EXCL_TOO_NEW,         /* uploaded after --exclude-newer (or unknown) */
	RES_EXCL_INVALID,         /* unparsable version or metadata */
};

/*
 * One (name, version) the source offers.  The source fills the fields
 * before metadata; load_metadata fills `requires` and `provides_extra`
 * (with res_candidate_add_requirement / strvec_push) and sets `loaded`.
 * A source that cannot read one candidate's metadata (a broken file) may
 * set `excluded = RES_EXCL_INVALID` instead of failing the whole batch:
 * the candidate is then never chosen.  A direct-reference requirement
 * ("name @ url") is treated as a requirement on the name alone; choosing
 * the URL's artifact is the source's business.
 */
struct res_candidate {
	const char *name; /* canonical, owned by the package */
	char *version_str;
	struct pep_version version;
	bool yanked;
	int64_t upload_time;   /* seconds since the epoch; -1 when unknown */
	char *requires_python; /* NULL when none */
	bool has_wheel;        /* a wheel compatible with the target exists */
	bool has_sdist;
	void *opaque; /* the source's own data (e.g. an idx_file *) */

	/* metadata */
	bool loaded;
	struct pep_requirement *requires;
	size_t nrequires, requires_alloc;
	struct strvec provides_extra; /* as given */

	/* private to the resolver */
	enum res_exclusion excluded;
	bool is_pre;
	bool want;      /* inside the loading window */
	int index;      /* position in the package's sorted array */
};

/*
 * A package: its canonical name and candidates.  list_versions adds the
 * candidates with res_package_add() and sets `listed` (and `exists` when
 * the index knows the name at all).
 */
struct res_package {
	char *name;
	bool listed, exists;
	struct res_candidate **cands; /* sorted ascending by version once listed */
	size_t ncands, cands_alloc;
	void *opaque;
};

/* Add a candidate (version parsed; an invalid one is kept but excluded). */
struct res_candidate *res_package_add(struct res_package *pkg,
				      const char *version, size_t len);
/* Parse and append one Requires-Dist string to the candidate. */
int res_candidate_add_requirement(struct res_candidate *c, const char *s,
				  size_t len, struct cvl_error *err)
	WARN_UNUSED_RESULT;

/* ---------------------------------------------------------------------
 * Candidate sources
 * --------------------------------------------------------------------- */

struct res_source;
struct res_source_ops {
	/*
	 * Fill in the candidates of each package of the batch (then set
	 * `listed`, and `exists` when the name is known) before returning.
	 */
	int (*list_versions)(struct res_source *src, struct res_package **pkgs,
			     size_t n, struct cvl_error *err);
	/* Fill in the metadata of each candidate of the batch (`loaded`). */
	int (*load_metadata)(struct res_source *src,
			     struct res_candidate **cands, size_t n,
			     struct cvl_error *err);
	void (*free)(struct res_source *src);
};

/*
 * Set by the resolver for one list_versions call (else NULL): called as
 * each package of the batch is listed, in any order.  When it returns
 * true the resolver has seen enough: the source may leave the rest of
 * the batch unlisted (`listed` false) and return 0 at once.
 */
typedef bool (*res_listed_fn)(struct res_package *pkg, void *data);

struct res_source {
	const struct res_source_ops *ops;
	void *data;
	res_listed_fn on_listed;
	void *on_listed_data;
	/* counted by the resolver */
	size_t nlist_calls, nlisted, nload_calls, nloaded;
};

void res_source_free(struct res_source *src);

/*
 * An in-memory universe.  Add versions with res_memory_add(), then their
 * requirements and extras on the returned candidate (metadata "loads"
 * just mark them loaded, so counts stay meaningful).
 */
struct res_source *res_source_memory(void);
struct res_candidate *res_memory_add(struct res_source *src, const char *name,
				     const char *version);

/* ---------------------------------------------------------------------
 * Options and results
 * --------------------------------------------------------------------- */

struct res_pin {
	char *name; /* canonical */
	char *version;
};

struct res_options {
	const struct pep_env *env; /* target markers (extra is set by us) */
	const char *python;        /* full version of the target, "3.12.1" */
	enum pep_prerelease_mode prerelease;
	enum pep_resolution_mode resolution;
	int64_t exclude_newer; /* 0: none */
	/*
	 * pip's format control: canonical names or ":all:", as
	 * pep_format_control_apply() leaves them (the _all flags add ":all:")
	 */
	bool no_binary_all, only_binary_all;
	struct strvec no_binary, only_binary;
	/* inputs */
	struct pep_requirement *roots;
	size_t nroots, roots_alloc;
	struct pep_requirement *constraints;
	size_t nconstraints, constraints_alloc;
	struct pep_requirement *overrides;
	size_t noverrides, overrides_alloc;
	struct res_pin *locked; /* preferences from an existing lockfile */
	size_t nlocked, locked_alloc;
	bool upgrade_all;
	struct strvec upgrade; /* canonical names whose preference is dropped */
	/* tuning */
	size_t window; /* candidates loaded per requirement first; 0: default */
	/* output: with no solution, add every problem rule (res_derivation) */
	bool derivation;
};

void res_options_init(struct res_options *opts);
void res_options_release(struct res_options *opts);
int res_options_add_root(struct res_options *opts, const char *req,
			 struct cvl_error *err) WARN_UNUSED_RESULT;
int res_options_add_constraint(struct res_options *opts, const char *req,
			       struct cvl_error *err) WARN_UNUSED_RESULT;
int res_options_add_override(struct res_options *opts, const char *req,
			     struct cvl_error *err) WARN_UNUSED_RESULT;
void res_options_add_locked(struct res_options *opts, const char *name,
			    const char *version);
void res_options_add_upgrade(struct res_options *opts, const char *name);
/*
 * Which distributions of package `canonical_name` the format control
 * allows: wheels (`binary`) and sdists (`source`).
 */
void res_options_allowed_formats(const struct res_options *opts,
				 const char *canonical_name, bool *binary,
				 bool *source);

struct res_selected {
	const char *name; /* canonical */
	const char *version;
	struct res_candidate *cand;
	struct strvec extras;  /* activated extras, sorted */
	size_t *deps;          /* indexes into res_result.pkgs, ascending */
	size_t ndeps;
	bool direct;           /* required by the root */
};

/* What one round of the loop (discover, build the pool, solve) did. */
struct res_round {
	size_t nlisted;    /* packages listed in this round */
	size_t nloaded;    /* metadata loaded in this round */
	size_t ncands;     /* candidates in the pool */
	size_t nwidened;   /* packages whose window grew after it (0: last) */
};

struct res_result {
	struct res_selected *pkgs; /* sorted by name */
	size_t npkgs;
	size_t *root_deps; /* indexes required by the root, ascending */
	size_t nroot_deps;
	/* statistics */
	size_t rounds;       /* solves run */
	size_t nloaded;      /* metadata loads */
	size_t nlisted;      /* packages listed */
	struct res_round *round_stats; /* one per round */
	void *priv;          /* owns packages and candidates */
};

/*
 * Resolve.  0 with `result` filled; -CVL_EUNSAT with the explanation in
 * `why` (the format is documented above res_explain in explain.c);
 * another negative code with `err` filled when the source or an input
 * failed.  `result` must be released in every case.
 */
int res_resolve(const struct res_options *opts, struct res_source *src,
		struct res_result *result, struct strbuf *why,
		struct cvl_error *err) WARN_UNUSED_RESULT;
void res_result_release(struct res_result *result);
/*
 * Mark the selected packages reachable from `reqs` (requirements as the
 * project wrote them, e.g. those of one extra or dependency group; a
 * requirement whose marker is false for the target is skipped):
 * reached[i] is set for result->pkgs[i] (`reached` holds result->npkgs
 * flags and is not cleared first).  The walk follows a package's extras
 * only where the path asks for them, so a dependency of foo[x] is not
 * reached from a plain "foo".  For a successful result only.
 */
void res_result_reach(const struct res_result *result,
		      const struct pep_requirement *reqs, size_t n,
		      bool *reached);
/* Print "name version [extras] -> deps" lines (what testcases compare). */
void res_result_format(const struct res_result *result, struct strbuf *out);

/* ---------------------------------------------------------------------
 * Testcase files (tests/resolver/TOPIC/NAME.t)
 * --------------------------------------------------------------------- */

/*
 * A parsed testcase: the universe (as a memory source), the target, the
 * job and the expected output.  The format is documented in
 * resolver/testcase.c.
 */
struct res_testcase {
	struct res_source *src;
	struct res_options opts;
	struct pep_env env;
	struct arena storage;
	char python[32];
	bool show_loads;
	size_t header_len; /* bytes up to and including the "result" line */
	char *expected;    /* the rest */
};

int res_testcase_parse(struct res_testcase *tc, const char *buf, size_t len,
		       struct cvl_error *err) WARN_UNUSED_RESULT;
/* Run and write what the "result" block should hold. */
int res_testcase_run(struct res_testcase *tc, struct strbuf *out,
		     struct cvl_error *err) WARN_UNUSED_RESULT;
void res_testcase_release(struct res_testcase *tc);

/*
 * Write a self-contained testcase reproducing a resolution (for
 * `cvlock resolve --write-testcase`): the target as `env` and `python`
 * lines, every candidate the source listed (with the metadata of those
 * loaded), the job and options, then `result` and the outcome (the
 * result lines, or `why` when it is not empty).  Replaying it with
 * tests/testresolve gives the same outcome.
 */
void res_testcase_write(const struct res_options *opts,
			const struct res_result *result, const char *why,
			struct strbuf *out);

#endif
