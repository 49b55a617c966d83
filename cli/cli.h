/*
 * cli.h - the command-line layer: the only place that prints or exits.
 *
 * Each subcommand lives in cli/cmd_<name>.c and exports
 *     int cmd_<name>(int argc, char **argv, struct cvl_ctx *ctx);
 * returning an exit status.  main.c dispatches through one table.
 * Options are tables of struct cvl_option at the top of each command file,
 * parsed by cvl_parse_options() (options.c).
 */
#ifndef CVL_CLI_H
#define CVL_CLI_H

#include "util/util.h"

/* Exit statuses (documented in README.md, "Exit codes"). */
enum {
	EXIT_OK = 0,
	EXIT_FAILURE_ = 1, /* the operation ran and failed (no solution, check failed) */
	EXIT_USAGE = 2,    /* bad command line or invalid input */
	EXIT_NETWORK = 3,  /* index or network error */
	EXIT_IO = 4,       /* file system error */
	EXIT_HASH = 5,     /* hash mismatch */
	EXIT_INTERNAL = 70,
};

struct cvl_ctx {
	const char *progname; /* "cvlock" */
	int verbose;          /* -v count */
	bool quiet;
	bool color;           /* stdout is a terminal and NO_COLOR unset */
};

enum cvl_argtype {
	OPT_FLAG,  /* no argument */
	OPT_VALUE, /* requires an argument: --opt=V, --opt V, -oV, -o V */
};

struct cvl_option {
	const char *long_name; /* without "--" */
	char short_name;       /* 0 if none */
	enum cvl_argtype argtype;
	int id;                /* passed to the callback */
	const char *metavar;   /* for help: "DIR" */
	const char *help;
};

/* Called for each option found; return 0 or an exit status. */
typedef int (*cvl_option_cb)(int id, const char *value, void *data);

/*
 * Parse argv[1..] (argv[0] is the command name) against `opts`.
 * Options and positional arguments may mix; "--" ends options.  -h/--help
 * is handled by the caller through an option with id OPT_HELP.
 * Positional arguments are moved to argv[0..*npos-1].  On an unknown
 * option or a missing argument, prints a one-line error plus the usage
 * hint and returns EXIT_USAGE.
 */
int cvl_parse_options(struct cvl_ctx *ctx, const char *cmd, int argc,
		      char **argv, const struct cvl_option *opts, size_t nopts,
		      cvl_option_cb cb, void *data, int *npos);
#define OPT_HELP (-1)

/*
 * The value of a --format option: "text" (*json = false) or "json"; else
 * prints the error and its hint and returns EXIT_USAGE.
 */
int cvl_parse_format(const char *value, bool *json);

/* A new table: `a` followed by `b` (free() it). */
struct cvl_option *cvl_options_join(const struct cvl_option *a, size_t na,
				    const struct cvl_option *b, size_t nb,
				    size_t *total);

/* Print a command's usage and option table to stdout. */
void cvl_print_usage(const char *cmd, const char *synopsis,
		     const char *summary, const struct cvl_option *opts,
		     size_t nopts);

/* "error: ..." (and "hint: ..." when err has one) on stderr. */
void cvl_report(struct cvl_ctx *ctx, const struct cvl_error *err);
void cvl_die_usage(struct cvl_ctx *ctx, const char *cmd, const char *fmt, ...)
	CVL_PRINTF(3, 4);
void cvl_errorf(const char *fmt, ...) CVL_PRINTF(1, 2);
void cvl_warnf(const char *fmt, ...) CVL_PRINTF(1, 2);
/* Exit status for a negative CVL_E* code. */
int cvl_exit_status(int code);

/* ---- the index option group (cli/index_options.c) ----------------------
 *
 * Options shared by every command that talks to package indexes.  A
 * command appends cvl_index_options to its own table (cvl_options_with_index)
 * and passes the ids >= CVL_INDEX_OPT_BASE to cvl_index_opts_option().
 * Precedence, per setting: command line > environment (CVLOCK_INDEX_URL,
 * CVLOCK_EXTRA_INDEX_URL space-separated, CVLOCK_CACHE_DIR,
 * CVLOCK_CONCURRENCY, CVLOCK_HTTP_TIMEOUT, NETRC) > the project's
 * [tool.cvlock] / requirements-file settings > defaults.  A list given on
 * the command line replaces the environment's and the project's.
 */
struct idx_client_opts;
struct pep_inputs;

#define CVL_INDEX_OPT_BASE 1000

extern const struct cvl_option cvl_index_options[];
extern const size_t cvl_nindex_options;

struct cvl_index_opts {
	/* from the command line; NULL / empty / -1 when not given */
	const char *index_url;
	struct strvec extra_index_urls;
	struct strvec find_links;
	bool no_index;
	const char *strategy;
	const char *cache_dir;
	bool no_cache, offline, refresh;
	long concurrency;
	long timeout_s;
	long retries;
	/* resolved by cvl_index_opts_finish() (owned) */
	char *resolved_cache_dir;
	char *netrc_path;
	struct strvec storage; /* file:// URLs made from index directories */
};

void cvl_index_opts_init(struct cvl_index_opts *o);
void cvl_index_opts_release(struct cvl_index_opts *o);
/* Handle one option of the group; returns 0 or an exit status (printed). */
int cvl_index_opts_option(struct cvl_index_opts *o, int id, const char *value);
/*
 * Fill `out` (initialized by the caller with idx_client_opts_init) from the
 * command line, the environment, `project` (NULL: none) and defaults.
 * Strings in `out` are borrowed from `o`, `project` or static storage, so
 * both must outlive the client.  Returns 0 or an exit status (printed).
 */
int cvl_index_opts_finish(struct cvl_index_opts *o,
			  const struct pep_inputs *project,
			  struct idx_client_opts *out);
/* A new table: `own` followed by the group (free() it). */
struct cvl_option *cvl_options_with_index(const struct cvl_option *own,
					  size_t nown, size_t *total);
/*
 * The cache directory: `opt` (--cache-dir) > CVLOCK_CACHE_DIR >
 * $XDG_CACHE_HOME/cvlock > ~/.cache/cvlock; NULL when none is known.
 */
char *cvl_cache_dir(const char *opt);

/* ---- progress of the index client (cli/progress.c) --------------------- */
struct idx_client;
struct idx_progress;

struct cvl_progress {
	struct cvl_ctx *ctx;
	bool tty;         /* stderr is a terminal and not --quiet */
	size_t shown_len; /* length of the line on screen; 0 when none */
	int64_t last_ms;  /* when it was drawn */
};

/* Show a progress line for `c`'s work (only on a terminal). */
void cvl_progress_start(struct cvl_progress *pr, struct cvl_ctx *ctx,
			struct idx_client *c);
/* Take the line off the screen (before printing); it comes back on the next update. */
void cvl_progress_clear(struct cvl_progress *pr);
/* Clear the line and stop; with -v, print the one-line summary. */
void cvl_progress_finish(struct cvl_progress *pr, struct idx_client *c);
void cvl_progress_summary(const struct idx_progress *p, FILE *out);
/* "512 B", "1.2 KiB", "3.4 MiB", "1.0 GiB" */
void cvl_format_bytes(uint64_t n, struct strbuf *out);

/* Subcommands. */
struct cvl_command {
	const char *name;
	int (*fn)(int argc, char **argv, struct cvl_ctx *ctx);
	const char *summary;
};

const struct cvl_command *cvl_find_command(const char *name);
extern const struct cvl_command cvl_commands[];
extern const size_t cvl_ncommands;

int cmd_help(int argc, char **argv, struct cvl_ctx *ctx);
int cmd_version(int argc, char **argv, struct cvl_ctx *ctx);
int cmd_tags(int argc, char **argv, struct cvl_ctx *ctx);
int cmd_inputs(int argc, char **argv, struct cvl_ctx *ctx);
int cmd_cache(int argc, char **argv, struct cvl_ctx *ctx);
int cmd_index(int argc, char **argv, struct cvl_ctx *ctx);
int cmd_lock(int argc, char **argv, struct cvl_ctx *ctx);
int cmd_resolve(int argc, char **argv, struct cvl_ctx *ctx);
int cmd_diff(int argc, char **argv, struct cvl_ctx *ctx);
int cmd_sync(int argc, char **argv, struct cvl_ctx *ctx);
int cmd_merge_driver(int argc, char **argv, struct cvl_ctx *ctx);
int cmd_export(int argc, char **argv, struct cvl_ctx *ctx);
int cmd_tree(int argc, char **argv, struct cvl_ctx *ctx);
int cmd_why(int argc, char **argv, struct cvl_ctx *ctx);

#endif
