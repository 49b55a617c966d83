/*
 * project.c - reading a command's inputs: a project directory (its
 * pyproject.toml), a pyproject.toml or requirements files, with -r/-c
 * includes followed relative to the including file (with cycle
 * detection) and ${VAR} lookups in the environment; then the extras and
 * groups chosen on the command line.  Shared by cvlock inputs and cvlock
 * resolve: this is the I/O that pep/ leaves to its caller.
 */
#include "config.h"
#include "cli/cli.h"
#include "cli/project.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

/* Files larger than this are refused (a requirements file is small). */
#define INPUT_FILE_MAX (16u << 20)
/* -r/-c nesting deeper than this is refused. */
#define INCLUDE_MAX_DEPTH 64

/* ---- files ----------------------------------------------------------------- */

/*
 * Read all of `path` into `sb`.  Returns 0, or -CVL_E* with err set
 * ("cannot read 'x': ..."); a missing file is invalid input (exit 2), other
 * failures are file-system errors.
 */
int cvl_read_file(const char *path, const char *what, struct strbuf *sb,
		     struct cvl_error *err)
{
	char buf[65536];
	int fd, e;
	ssize_t n;
	struct stat st;

	fd = open(path, O_RDONLY);
	if (fd < 0) {
		e = errno;
		return cvl_error_set(err, e == ENOENT ? CVL_EINVAL : CVL_EIO,
				     "cannot read %s'%s': %s", what, path,
				     strerror(e));
	}
	if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
		close(fd);
		return cvl_error_set(err, CVL_EINVAL,
				     "cannot read %s'%s': is a directory", what,
				     path);
	}
	sb->limit = INPUT_FILE_MAX;
	for (;;) {
		n = read(fd, buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			e = errno;
			close(fd);
			return cvl_error_set(err, CVL_EIO,
					     "cannot read %s'%s': %s", what,
					     path, strerror(e));
		}
		if (!n)
			break;
		if (strbuf_add_checked(sb, buf, (size_t)n) < 0) {
			close(fd);
			return cvl_error_set(err, CVL_ETOOBIG,
					     "cannot read %s'%s': larger than %u MiB",
					     what, path, INPUT_FILE_MAX >> 20);
		}
	}
	close(fd);
	return 0;
}

static const char *env_lookup(const char *name, void *data)
{
	(void)data;
	return getenv(name);
}

/* `name` as seen from the file `from`: relative to its directory. */
static char *include_path(const char *from, const char *name)
{
	const char *slash = strrchr(from, '/');
	struct strbuf sb = STRBUF_INIT;

	if (name[0] == '/' || !slash)
		return xstrdup(name);
	strbuf_add(&sb, from, (size_t)(slash - from) + 1);
	strbuf_addstr(&sb, name);
	return strbuf_detach(&sb, NULL);
}

/* The files being read, outermost first, for cycle detection. */
struct include_stack {
	char **display; /* as shown in messages */
	char **real;    /* realpath(), to compare */
	size_t nr, alloc, alloc_real;
};

static int read_reqfile(struct cvl_ctx *ctx, struct pep_inputs *in,
			const char *path, bool constraints,
			struct include_stack *st, struct cvl_error *err);

/* Follow an include entry of `path` (the top of the stack). */
static int follow_include(struct cvl_ctx *ctx, struct pep_inputs *in,
			  const char *path, const struct pep_reqfile_entry *e,
			  bool constraints, struct include_stack *st,
			  struct cvl_error *err)
{
	char *child = include_path(path, e->value);
	char *real = realpath(child, NULL);
	size_t i;
	int r;

	if (!real) {
		int en = errno;

		r = cvl_error_set(err, en == ENOENT ? CVL_EINVAL : CVL_EIO,
				  "cannot read included file '%s': %s", child,
				  strerror(en));
		goto located;
	}
	for (i = 0; i < st->nr; i++)
		if (!strcmp(st->real[i], real)) {
			struct strbuf chain = STRBUF_INIT;
			size_t k;

			for (k = i; k < st->nr; k++)
				strbuf_addf(&chain, "%s -> ", st->display[k]);
			strbuf_addstr(&chain, child);
			r = cvl_error_set(err, CVL_EINVAL, "include cycle: %s",
					  chain.buf);
			strbuf_release(&chain);
			goto located;
		}
	if (st->nr >= INCLUDE_MAX_DEPTH) {
		r = cvl_error_set(err, CVL_EINVAL,
				  "includes nested deeper than %d",
				  INCLUDE_MAX_DEPTH);
		goto located;
	}
	free(real);
	real = NULL;
	r = read_reqfile(ctx, in, child,
			 constraints || e->kind == PEP_REQFILE_CONSTRAINT, st,
			 err);
	/* a file that could not be read has no position of its own */
	if (r < 0 && err && !err->file[0])
		goto located;
	free(child);
	return r;

located:
	/* the error belongs to the line that names the include */
	cvl_error_file(err, path);
	cvl_error_at(err, e->line, e->column);
	free(real);
	free(child);
	return r;
}

static int read_reqfile(struct cvl_ctx *ctx, struct pep_inputs *in,
			const char *path, bool constraints,
			struct include_stack *st, struct cvl_error *err)
{
	struct strbuf text = STRBUF_INIT;
	struct pep_reqfile rf = PEP_REQFILE_INIT;
	char *real;
	size_t i;
	int r;

	r = cvl_read_file(path, st->nr ? "included file " : "", &text, err);
	if (r < 0)
		goto out;
	real = realpath(path, NULL);
	ALLOC_GROW(st->display, st->nr + 1, st->alloc);
	ALLOC_GROW(st->real, st->nr + 1, st->alloc_real);
	st->display[st->nr] = xstrdup(path);
	st->real[st->nr] = real ? real : xstrdup(path);
	st->nr++;

	r = pep_reqfile_parse(&rf, text.buf, text.len, env_lookup, NULL, err);
	for (i = 0; i < rf.nwarnings; i++)
		cvl_warnf("%s:%d: %s", path, rf.warnings[i].line,
			  rf.warnings[i].msg);
	if (r < 0) {
		cvl_error_file(err, path);
		goto pop;
	}
	/*
	 * Included files first, then this file's own entries: its options
	 * (a later --index-url replaces an earlier one) win over theirs.
	 */
	for (i = 0; i < rf.nr; i++) {
		const struct pep_reqfile_entry *e = &rf.items[i];

		if (e->kind != PEP_REQFILE_INCLUDE &&
		    e->kind != PEP_REQFILE_CONSTRAINT)
			continue;
		r = follow_include(ctx, in, path, e, constraints, st, err);
		if (r < 0)
			goto pop;
	}
	pep_inputs_add_reqfile(in, &rf, path, constraints);
pop:
	st->nr--;
	free(st->display[st->nr]);
	free(st->real[st->nr]);
out:
	pep_reqfile_release(&rf);
	strbuf_release(&text);
	return r;
}

static int read_pyproject(struct pep_inputs *in, const char *path,
			  struct cvl_error *err)
{
	struct strbuf text = STRBUF_INIT;
	int r;

	r = cvl_read_file(path, "", &text, err);
	if (!r)
		r = pep_pyproject_parse(in, text.buf, text.len, path, err);
	strbuf_release(&text);
	return r;
}

bool cvl_ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && !strcmp(s + n - m, suffix);
}

int cvl_project_load(struct cvl_ctx *ctx, const struct cvl_project_opts *o,
		       const char *path, struct pep_inputs *in,
		       struct cvl_error *err)
{
	struct include_stack st = { NULL, NULL, 0, 0, 0 };
	struct strbuf sb = STRBUF_INIT;
	size_t i;
	int r = 0;

	if (path) {
		struct stat s;

		if (stat(path, &s) == 0 && S_ISDIR(s.st_mode)) {
			/* "pyproject.toml", not "./pyproject.toml", in messages */
			if (strcmp(path, ".") && strcmp(path, "./")) {
				strbuf_addstr(&sb, path);
				if (sb.buf[sb.len - 1] != '/')
					strbuf_addch(&sb, '/');
			}
			strbuf_addstr(&sb, "pyproject.toml");
			if (access(sb.buf, F_OK) != 0) {
				r = cvl_error_set(err, CVL_EINVAL,
						  "no pyproject.toml in '%s'",
						  path);
				cvl_error_hint(err,
					       "give a project directory, a pyproject.toml, or requirements files with -r FILE");
				goto out;
			}
			r = read_pyproject(in, sb.buf, err);
		} else if (cvl_ends_with(path, ".toml")) {
			r = read_pyproject(in, path, err);
		} else {
			r = read_reqfile(ctx, in, path, false, &st, err);
		}
		if (r < 0)
			goto out;
	}
	for (i = 0; i < o->nsources; i++) {
		r = read_reqfile(ctx, in, o->sources[i].path,
				 o->sources[i].constraints, &st, err);
		if (r < 0)
			goto out;
	}

	for (i = 0; i < o->format_control.nr; i++) {
		const char *fc = o->format_control.v[i];

		if (fc[0] == 'n')
			pep_format_control_apply(&in->no_binary,
						 &in->only_binary, fc + 2);
		else
			pep_format_control_apply(&in->only_binary,
						 &in->no_binary, fc + 2);
	}
	for (i = 0; i < o->extras.nr; i++) {
		r = pep_inputs_select_extra(in, o->extras.v[i], err);
		if (r < 0)
			goto out;
	}
	if (o->all_extras)
		pep_inputs_select_all_extras(in);
	for (i = 0; i < o->groups.nr; i++) {
		r = pep_inputs_select_group(in, o->groups.v[i], err);
		if (r < 0)
			goto out;
	}
	if (o->all_groups)
		pep_inputs_select_all_groups(in);
	if (!o->no_default_groups)
		pep_inputs_select_default_groups(in);
out:
	free(st.display);
	free(st.real);
	strbuf_release(&sb);
	return r;
}


enum {
	OPT_REQUIREMENT = CVL_PROJECT_OPT_BASE,
	OPT_CONSTRAINT,
	OPT_EXTRA,
	OPT_ALL_EXTRAS,
	OPT_GROUP,
	OPT_ALL_GROUPS,
	OPT_NO_DEFAULT_GROUPS,
	OPT_NO_BINARY,
	OPT_ONLY_BINARY,
	OPT_PROJECT_END,
};

const struct cvl_option cvl_project_options[] = {
	{ "requirement", 'r', OPT_VALUE, OPT_REQUIREMENT, "FILE",
	  "read requirements from a requirements file (repeatable)" },
	{ "constraint", 'c', OPT_VALUE, OPT_CONSTRAINT, "FILE",
	  "read constraints from a requirements file (repeatable)" },
	{ "extra", 0, OPT_VALUE, OPT_EXTRA, "NAME",
	  "select an optional-dependencies extra (repeatable)" },
	{ "all-extras", 0, OPT_FLAG, OPT_ALL_EXTRAS, NULL,
	  "select every extra" },
	{ "group", 0, OPT_VALUE, OPT_GROUP, "NAME",
	  "select a dependency group (repeatable)" },
	{ "all-groups", 0, OPT_FLAG, OPT_ALL_GROUPS, NULL,
	  "select every dependency group" },
	{ "no-default-groups", 0, OPT_FLAG, OPT_NO_DEFAULT_GROUPS, NULL,
	  "do not select the default groups ([tool.cvlock] default-groups, or 'dev')" },
	{ "no-binary", 0, OPT_VALUE, OPT_NO_BINARY, "NAMES",
	  "never use wheels of these projects (a,b | :all: | :none:; repeatable)" },
	{ "only-binary", 0, OPT_VALUE, OPT_ONLY_BINARY, "NAMES",
	  "never use sdists of these projects (a,b | :all: | :none:; repeatable)" },
};
const size_t cvl_nproject_options = ARRAY_SIZE(cvl_project_options);

bool cvl_project_opt_id(int id)
{
	return id >= CVL_PROJECT_OPT_BASE && id < OPT_PROJECT_END;
}

int cvl_project_opts_option(struct cvl_project_opts *o, int id,
			    const char *value)
{
	switch (id) {
	case OPT_REQUIREMENT:
	case OPT_CONSTRAINT:
		cvl_project_opts_add_file(o, value, id == OPT_CONSTRAINT);
		break;
	case OPT_EXTRA:
		strvec_push(&o->extras, value);
		break;
	case OPT_ALL_EXTRAS:
		o->all_extras = true;
		break;
	case OPT_GROUP:
		strvec_push(&o->groups, value);
		break;
	case OPT_ALL_GROUPS:
		o->all_groups = true;
		break;
	case OPT_NO_DEFAULT_GROUPS:
		o->no_default_groups = true;
		break;
	case OPT_NO_BINARY:
	case OPT_ONLY_BINARY: {
		struct cvl_error err = CVL_ERROR_INIT;
		const char *opt = id == OPT_NO_BINARY ? "--no-binary"
						      : "--only-binary";

		if (pep_format_control_check(value, strlen(value), &err) < 0) {
			cvl_errorf("invalid %s: %s", opt, err.msg);
			fprintf(stderr, "hint: expected project names separated by commas, :all: or :none:\n");
			return EXIT_USAGE;
		}
		strvec_pushf(&o->format_control, "%c:%s",
			     id == OPT_NO_BINARY ? 'n' : 'o', value);
		break;
	}
	default:
		BUG("option id %d is not a project option", id);
	}
	return 0;
}

void cvl_project_opts_init(struct cvl_project_opts *o)
{
	memset(o, 0, sizeof(*o));
	strvec_init(&o->extras);
	strvec_init(&o->groups);
	strvec_init(&o->format_control);
}

void cvl_project_opts_release(struct cvl_project_opts *o)
{
	free(o->sources);
	strvec_clear(&o->extras);
	strvec_clear(&o->groups);
	strvec_clear(&o->format_control);
	cvl_project_opts_init(o);
}

void cvl_project_opts_add_file(struct cvl_project_opts *o, const char *path,
			       bool constraints)
{
	ALLOC_GROW(o->sources, o->nsources + 1, o->alloc_sources);
	o->sources[o->nsources].path = path;
	o->sources[o->nsources].constraints = constraints;
	o->nsources++;
}
