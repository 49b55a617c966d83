/*
 * cmd_inputs.c - cvlock inputs: the normalized inputs of a project or of
 * requirements files, and their hash.
 *
 *   cvlock inputs [PATH] [-r FILE]... [-c FILE]... [--extra NAME]...
 *                 [--all-extras] [--group NAME]... [--all-groups]
 *                 [--no-default-groups] [--format text|json]
 *
 * PATH is a project directory (its pyproject.toml), a pyproject.toml, or a
 * requirements file; without PATH, -r or -c, the current directory.  This
 * file does the I/O that pep/ leaves to its caller: reading files,
 * following -r/-c includes relative to the including file (with cycle
 * detection), and ${VAR} lookups in the environment.
 */
#include "config.h"
#include "cli/cli.h"
#include "pep/pep.h"

#include <fcntl.h>
#include <jansson.h>
#include <sys/stat.h>
#include <unistd.h>

enum {
	OPT_REQUIREMENT = 1,
	OPT_CONSTRAINT,
	OPT_EXTRA,
	OPT_ALL_EXTRAS,
	OPT_GROUP,
	OPT_ALL_GROUPS,
	OPT_NO_DEFAULT_GROUPS,
	OPT_FORMAT,
};

static const struct cvl_option options[] = {
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
	{ "format", 0, OPT_VALUE, OPT_FORMAT, "text|json",
	  "output format (default: text)" },
};

/* Files larger than this are refused (a requirements file is small). */
#define INPUT_FILE_MAX (16u << 20)
/* -r/-c nesting deeper than this is refused. */
#define INCLUDE_MAX_DEPTH 64

struct source {
	const char *path;
	bool constraints;
};

struct inputs_opts {
	struct source *sources; /* -r and -c, in command-line order */
	size_t nsources, alloc_sources;
	struct strvec extras;
	struct strvec groups;
	bool all_extras, all_groups, no_default_groups;
	bool json;
};

static int on_option(int id, const char *value, void *data)
{
	struct inputs_opts *o = data;

	switch (id) {
	case OPT_HELP:
		cvl_print_usage("inputs",
				"[PATH] [-r FILE]... [-c FILE]... [--extra NAME]... [--group NAME]... [--format text|json]",
				"Show the normalized inputs of a project or of requirements files:\n"
				"requirements with where they were written, constraints, overrides,\n"
				"extras, dependency groups and index settings, and the hash a\n"
				"lockfile records to notice that its inputs changed.  PATH is a\n"
				"project directory, a pyproject.toml or a requirements file\n"
				"(default: the current directory).",
				options, ARRAY_SIZE(options));
		exit(EXIT_OK);
	case OPT_REQUIREMENT:
	case OPT_CONSTRAINT:
		ALLOC_GROW(o->sources, o->nsources + 1, o->alloc_sources);
		o->sources[o->nsources].path = value;
		o->sources[o->nsources].constraints = id == OPT_CONSTRAINT;
		o->nsources++;
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
	case OPT_FORMAT:
		return cvl_parse_format(value, &o->json);
	}
	return 0;
}

/* ---- files ----------------------------------------------------------------- */

/*
 * Read all of `path` into `sb`.  Returns 0, or -CVL_E* with err set
 * ("cannot read 'x': ..."); a missing file is invalid input (exit 2), other
 * failures are file-system errors.
 */
static int read_file(const char *path, const char *what, struct strbuf *sb,
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

	r = read_file(path, st->nr ? "included file " : "", &text, err);
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

	r = read_file(path, "", &text, err);
	if (!r)
		r = pep_pyproject_parse(in, text.buf, text.len, path, err);
	strbuf_release(&text);
	return r;
}

static bool ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && !strcmp(s + n - m, suffix);
}

/* ---- output ---------------------------------------------------------------- */

static json_t *json_reqs(const struct pep_input_list *l)
{
	const struct pep_input_req **v;
	size_t i, n = pep_input_list_sorted(l, &v);
	json_t *arr = json_array();

	for (i = 0; i < n; i++) {
		json_t *o = json_object();

		json_object_set_new(o, "requirement", json_string(v[i]->text));
		json_object_set_new(o, "file", json_string(v[i]->file));
		json_object_set_new(o, "line", json_integer(v[i]->line));
		json_array_append_new(arr, o);
	}
	free(v);
	return arr;
}

static int cmp_list_name(const void *a, const void *b)
{
	const struct pep_input_list *x = *(const struct pep_input_list *const *)a;
	const struct pep_input_list *y = *(const struct pep_input_list *const *)b;

	return strcmp(x->name, y->name);
}

static json_t *json_named(const struct pep_input_list *lists, size_t n)
{
	const struct pep_input_list **v = xmalloc((n ? n : 1) * sizeof(*v));
	json_t *obj = json_object();
	size_t i;

	for (i = 0; i < n; i++)
		v[i] = &lists[i];
	qsort(v, n, sizeof(*v), cmp_list_name);
	for (i = 0; i < n; i++)
		json_object_set_new(obj, v[i]->name, json_reqs(v[i]));
	free(v);
	return obj;
}

/* Sorted and deduplicated unless `keep_order` (then only deduplicated). */
static json_t *json_strings(const struct strvec *sv, bool keep_order)
{
	struct strvec s = STRVEC_INIT;
	json_t *arr = json_array();
	size_t i;

	for (i = 0; i < sv->nr; i++)
		strvec_push(&s, sv->v[i]);
	if (!keep_order)
		strvec_sort(&s);
	for (i = 0; i < s.nr; i++) {
		size_t k;
		bool dup = false;

		for (k = 0; k < i; k++)
			if (!strcmp(s.v[k], s.v[i]))
				dup = true;
		if (!dup)
			json_array_append_new(arr, json_string(s.v[i]));
	}
	strvec_clear(&s);
	return arr;
}

static json_t *json_opt_string(const char *s)
{
	return s ? json_string(s) : json_null();
}

static char *format_json(const struct pep_inputs *in)
{
	json_t *root = json_object();
	char hex[65], hash[80];
	char *text;

	json_object_set_new(root, "project", json_opt_string(in->project_name));
	json_object_set_new(root, "requires-python",
			    json_opt_string(in->requires_python));
	json_object_set_new(root, "python-version",
			    json_opt_string(in->python_version));
	json_object_set_new(root, "index-url", json_opt_string(in->index_url));
	json_object_set_new(root, "extra-index-urls",
			    json_strings(&in->extra_index_urls, true));
	json_object_set_new(root, "find-links",
			    json_strings(&in->find_links, false));
	json_object_set_new(root, "no-index", json_boolean(in->no_index));
	json_object_set_new(root, "prerelease",
			    json_string(pep_prerelease_mode_name(in->prerelease)));
	json_object_set_new(root, "resolution",
			    json_string(pep_resolution_mode_name(in->resolution)));
	json_object_set_new(root, "requirements", json_reqs(&in->requirements));
	json_object_set_new(root, "constraints", json_reqs(&in->constraints));
	json_object_set_new(root, "overrides", json_reqs(&in->overrides));
	json_object_set_new(root, "extras", json_named(in->extras, in->nextras));
	json_object_set_new(root, "groups", json_named(in->groups, in->ngroups));
	json_object_set_new(root, "default-groups",
			    in->has_default_groups
				    ? json_strings(&in->default_groups, false)
				    : json_null());
	json_object_set_new(root, "selected-extras",
			    json_strings(&in->selected_extras, false));
	json_object_set_new(root, "selected-groups",
			    json_strings(&in->selected_groups, false));
	pep_inputs_hash(in, hex);
	snprintf(hash, sizeof(hash), "sha256:%s", hex);
	json_object_set_new(root, "hash", json_string(hash));
	text = json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	json_decref(root);
	return text;
}

/* ---- the command ----------------------------------------------------------- */

static int load_inputs(struct cvl_ctx *ctx, struct inputs_opts *o,
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
		} else if (ends_with(path, ".toml")) {
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

int cmd_inputs(int argc, char **argv, struct cvl_ctx *ctx)
{
	struct inputs_opts o;
	struct pep_inputs in;
	struct cvl_error err = CVL_ERROR_INIT;
	const char *path = NULL;
	int npos, r;

	memset(&o, 0, sizeof(o));
	strvec_init(&o.extras);
	strvec_init(&o.groups);
	r = cvl_parse_options(ctx, "inputs", argc, argv, options,
			      ARRAY_SIZE(options), on_option, &o, &npos);
	if (r)
		goto out_opts;
	if (npos > 1) {
		cvl_errorf("unexpected argument '%s'", argv[1]);
		fprintf(stderr, "hint: see 'cvlock inputs --help'\n");
		r = EXIT_USAGE;
		goto out_opts;
	}
	if (npos == 1)
		path = argv[0];
	else if (!o.nsources)
		path = ".";

	pep_inputs_init(&in);
	r = load_inputs(ctx, &o, path, &in, &err);
	if (r < 0) {
		cvl_report(ctx, &err);
		r = cvl_exit_status(r);
	} else if (o.json) {
		char *text = format_json(&in);

		if (!text) {
			cvl_errorf("cannot format JSON output");
			r = EXIT_INTERNAL;
		} else {
			printf("%s\n", text);
			free(text);
			r = EXIT_OK;
		}
	} else {
		struct strbuf out = STRBUF_INIT;

		pep_inputs_format_text(&in, &out);
		fwrite(out.buf, 1, out.len, stdout);
		strbuf_release(&out);
		r = EXIT_OK;
	}
	pep_inputs_release(&in);
out_opts:
	free(o.sources);
	strvec_clear(&o.extras);
	strvec_clear(&o.groups);
	return r;
}
