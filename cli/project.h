/*
 * project.h - reading the inputs of a project or of requirements files
 * (cli/project.c), shared by cvlock inputs and cvlock resolve.
 */
#ifndef CVL_CLI_PROJECT_H
#define CVL_CLI_PROJECT_H

#include "cli/cli.h"
#include "pep/pep.h"

struct cvl_input_file {
	const char *path;
	bool constraints; /* -c */
};

/* What the command line asked for (zero it, then strvec_init the lists). */
struct cvl_project_opts {
	struct cvl_input_file *sources; /* -r and -c, in command-line order */
	size_t nsources, alloc_sources;
	struct strvec extras;
	struct strvec groups;
	bool all_extras, all_groups, no_default_groups;
	/*
	 * --no-binary / --only-binary in command-line order, as "n:VALUE"
	 * or "o:VALUE": applied after the files' own (pip's semantics).
	 */
	struct strvec format_control;
};

/*
 * The project-input option group (-r, -c, --extra, --all-extras, --group,
 * --all-groups, --no-default-groups, --no-binary, --only-binary), shared
 * by the commands that read a
 * project: join it to the command's own table with cvl_options_join() and
 * pass the ids for which cvl_project_opt_id() is true to
 * cvl_project_opts_option().
 */
#define CVL_PROJECT_OPT_BASE 500
extern const struct cvl_option cvl_project_options[];
extern const size_t cvl_nproject_options;
bool cvl_project_opt_id(int id);
/* Apply one option of the group; 0, or an exit status after a message. */
int cvl_project_opts_option(struct cvl_project_opts *o, int id,
			    const char *value);

void cvl_project_opts_init(struct cvl_project_opts *o);
void cvl_project_opts_release(struct cvl_project_opts *o);
void cvl_project_opts_add_file(struct cvl_project_opts *o, const char *path,
			       bool constraints);

/*
 * Read `path` (a project directory, a pyproject.toml or a requirements
 * file; NULL: none) and the -r/-c files into `in` (initialized), apply
 * --no-binary / --only-binary over the files' settings, then select the
 * extras and groups.  0 or -CVL_E* with err set.
 */
int cvl_project_load(struct cvl_ctx *ctx, const struct cvl_project_opts *o,
		     const char *path, struct pep_inputs *in,
		     struct cvl_error *err);

/*
 * Read all of `path` into `sb` (at most 16 MiB); `what` prefixes the
 * name in messages ("included file ").  A missing file is CVL_EINVAL.
 */
int cvl_read_file(const char *path, const char *what, struct strbuf *sb,
		  struct cvl_error *err);
bool cvl_ends_with(const char *s, const char *suffix);

#endif
