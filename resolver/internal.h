/*
 * internal.h - the resolver's private state, shared by solve.c
 * (registries, discovery, pool construction, widening loop), match.c
 * (candidate filters and provider sets), result.c (decisions to the
 * result), explain.c (problem rules to text), source.c and testcase.c.
 */
#ifndef CVL_RESOLVER_INTERNAL_H
#define CVL_RESOLVER_INTERNAL_H

#include "resolver/resolver.h"

#include <solv/pool.h>
#include <solv/poolarch.h>
#include <solv/queue.h>
#include <solv/repo.h>
#include <solv/solver.h>
#include <solv/problems.h>
#include <solv/rules.h>

/* A candidate with the resolver's caches. */
struct rcand {
	struct res_candidate c;
	int *base;          /* requirement indexes of the base (after markers) */
	size_t nbase;
	bool base_done;
	Id sid;             /* solvable in the current round, 0 when absent */
	Id *xsid;           /* per extra of the package (current round) */
	size_t nxsid;
};

/* A package with the resolver's state. */
struct rpkg {
	struct res_package p;
	int idx;
	Id name_id;
	size_t window;       /* candidates wanted per requirement */
	bool reached;        /* this round */
	bool direct;         /* required by the root */
	bool invert;         /* ranks inverted (lowest / lowest-direct) */
	struct strvec extras;  /* every extra ever asked for (canonical) */
	bool *extra_reached;   /* this round, parallel to extras */
	size_t extra_reached_alloc;
	int locked;          /* candidate index of the preference, or -1 */
	int *pending;        /* requirement indexes waiting for the listing */
	size_t npending, pending_alloc;
	bool classified;     /* listed, and res_classify() done */
};

enum rreq_kind {
	RREQ_NORMAL,
	RREQ_PIN,   /* "name (===ver #pin)": ties name[extra] to its base */
	RREQ_AUX,   /* ladder step name; provided by one aux solvable */
};

/* One distinct requirement (a libsolv dependency Id). */
struct rreq {
	enum rreq_kind kind;
	Id id;
	int pkg;
	int extra;        /* index into the package's extras, or -1 */
	int cand;         /* RREQ_PIN: the candidate */
	struct pep_specset spec;
	bool exact_pin;   /* has an == or === clause: yanked files allowed */
	char *text;       /* as the user would write it: "name[x]>=1,<2" */
	int *matched;     /* candidate indexes, ascending; NULL until listed */
	size_t nmatched;
	bool computed;
	unsigned round;   /* last round it was reached */
};

enum sid_kind { SID_NONE, SID_ROOT, SID_BASE, SID_EXTRA, SID_AUX };

struct sidinfo {
	enum sid_kind kind;
	int pkg;
	int cand;
	int extra;
};

struct res_state {
	const struct res_options *opts;
	struct res_source *src;
	struct cvl_error *err;
	struct pep_env env;
	struct pep_version python;
	bool have_python;
	enum pep_prereleases pre;

	Pool *pool;
	Repo *repo;
	Id root_sid;

	struct rpkg **pkgs;
	size_t npkgs, pkgs_alloc;
	int *pkg_of_id;   /* name Id -> package index + 1 */
	size_t pkg_of_id_alloc;
	struct rreq *reqs;
	size_t nreqs, reqs_alloc;
	int *req_of_id;   /* requirement Id -> index + 1 */
	size_t req_of_id_alloc;
	int *root_reqs;   /* requirement indexes of the root (may repeat) */
	size_t nroot_reqs, root_reqs_alloc;
	size_t live_roots; /* root_reqs[0..live_roots) have matches (fail-fast) */
	struct strvec root_names; /* canonical names of the roots, sorted */

	struct sidinfo *sids;
	size_t sids_alloc;
	unsigned round;
	size_t nloaded, nlisted;
};

/* What res_result.priv points at. */
struct res_private {
	struct res_state *st;
};

struct rcand *res_rcand(struct res_candidate *c);

/* solve.c */
bool res_name_listed(const struct strvec *sv, const char *name);
bool res_marker_true(struct res_state *st, const struct pep_marker *m,
		     const char *extra);
struct rpkg *res_pkg_of_name(struct res_state *st, const char *canon);
/* Requirement indexes of a candidate for `extra` (NULL: its base). */
void res_cand_reqs(struct res_state *st, struct rcand *rc, const char *extra,
		   int **out, size_t *nout, size_t *alloc);
/* The cached base requirements (rc->base). */
void res_cand_base(struct res_state *st, struct rcand *rc);
/*
 * Intern one requirement (one per extra, or the base when it has none;
 * overrides applied) and append their indexes to *out.
 */
void res_intern_requirement(struct res_state *st,
			    const struct pep_requirement *req, int **out,
			    size_t *nout, size_t *alloc);

/* match.c */
/* Sort a freshly listed package and mark excluded candidates. */
void res_classify(struct res_state *st, struct rpkg *p);
/* Fill r->matched (once per requirement). */
void res_compute_matches(struct res_state *st, struct rreq *r);

/* result.c */
void res_collect_result(struct res_state *st, Solver *solv,
			struct res_result *res);
/* The memory source's template for (name, version), or NULL. */
struct res_candidate *res_memory_get(struct res_source *src, const char *name,
				     const char *version);
/* The state behind a result (NULL when none). */
struct res_state *res_result_state(const struct res_result *result);
/* Free a package's candidates (not the package). */
void res_package_release_cands(struct res_package *pkg);

/*
 * Write the grouped explanation of the solver's problems (explain.c).
 * The patched provider lists must still be in place.
 */
void res_explain(struct res_state *st, Solver *solv, struct strbuf *out);
/* Every problem rule as a sentence (-v; explain.c). */
void res_derivation(struct res_state *st, Solver *solv, struct strbuf *out);
/* Packages named by the problem rules (flags indexed by package). */
void res_problem_packages(struct res_state *st, Solver *solv, bool *named);

#endif
