/*
 * cmd_inputs.c - cvlock inputs: the normalized inputs of a project or of
 * requirements files, and their hash.
 *
 *   cvlock inputs [PATH] [-r FILE]... [-c FILE]... [--extra NAME]...
 *                 [--all-extras] [--group NAME]... [--all-groups]
 *                 [--no-default-groups] [--format text|json]
 *
 * PATH is a project directory (its pyproject.toml), a pyproject.toml, or a
 * requirements file; without PATH, -r or -c, the current directory.  The
 * files are read by cli/project.c (shared with cvlock resolve).
 */
#include "config.h"
#include "cli/cli.h"
#include "pep/pep.h"
#include "cli/project.h"

#include <jansson.h>

enum {
	OPT_FORMAT = 1,
};

/* Joined after the project-input group (cli/project.c). */
static const struct cvl_option own_options[] = {
	{ "format", 0, OPT_VALUE, OPT_FORMAT, "text|json",
	  "output format (default: text)" },
};

struct inputs_opts {
	struct cvl_project_opts p;
	bool json;
	struct cvl_option *options;
	size_t noptions;
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
				o->options, o->noptions);
		exit(EXIT_OK);
	case OPT_FORMAT:
		return cvl_parse_format(value, &o->json);
	default:
		return cvl_project_opts_option(&o->p, id, value);
	}
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

int cmd_inputs(int argc, char **argv, struct cvl_ctx *ctx)
{
	struct inputs_opts o;
	struct pep_inputs in;
	struct cvl_error err = CVL_ERROR_INIT;
	const char *path = NULL;
	int npos, r;

	memset(&o, 0, sizeof(o));
	cvl_project_opts_init(&o.p);
	o.options = cvl_options_join(cvl_project_options, cvl_nproject_options,
				     own_options, ARRAY_SIZE(own_options),
				     &o.noptions);
	r = cvl_parse_options(ctx, "inputs", argc, argv, o.options,
			      o.noptions, on_option, &o, &npos);
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
	else if (!o.p.nsources)
		path = ".";

	pep_inputs_init(&in);
	r = cvl_project_load(ctx, &o.p, path, &in, &err);
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
	cvl_project_opts_release(&o.p);
	free(o.options);
	return r;
}
