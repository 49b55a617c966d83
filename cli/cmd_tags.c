/*
 * cmd_tags.c - cvlock tags: the wheel tags a target environment accepts,
 * most preferred first, one per line (or as JSON).
 *
 * The target is always explicit: probing the running interpreter comes in
 * a later issue, so --python-version and --platform are required.
 */
#include "config.h"
#include "cli/cli.h"
#include "pep/pep.h"

#include <jansson.h>

enum {
	OPT_PYTHON_VERSION = 1,
	OPT_PLATFORM,
	OPT_IMPLEMENTATION,
	OPT_FORMAT,
};

static const struct cvl_option options[] = {
	{ "python-version", 0, OPT_VALUE, OPT_PYTHON_VERSION, "3.X[.Y]",
	  "target Python version (required)" },
	{ "platform", 0, OPT_VALUE, OPT_PLATFORM, "PLAT",
	  "target platform tag, e.g. manylinux_2_28_x86_64 (required)" },
	{ "implementation", 0, OPT_VALUE, OPT_IMPLEMENTATION, "cp|pp",
	  "CPython or PyPy (default: cp)" },
	{ "format", 0, OPT_VALUE, OPT_FORMAT, "text|json",
	  "output format (default: text)" },
};

struct tags_opts {
	const char *python_version;
	const char *platform;
	const char *implementation;
	bool json;
};

static int on_option(int id, const char *value, void *data)
{
	struct tags_opts *o = data;

	switch (id) {
	case OPT_HELP:
		cvl_print_usage("tags",
				"--python-version 3.X[.Y] --platform PLAT [--implementation cp|pp] [--format text|json]",
				"List the wheel tags a target environment accepts, most preferred\n"
				"first, as packaging.tags orders them.  The target is given\n"
				"explicitly (probing the running interpreter is not implemented\n"
				"yet).  PLAT is one of linux_ARCH, manylinux_2_X_ARCH,\n"
				"manylinux2014_ARCH, manylinux2010_ARCH, manylinux1_ARCH,\n"
				"musllinux_1_X_ARCH, macosx_X_Y_ARCH, win_amd64, win32, win_arm64.",
				options, ARRAY_SIZE(options));
		exit(EXIT_OK);
	case OPT_PYTHON_VERSION:
		o->python_version = value;
		break;
	case OPT_PLATFORM:
		o->platform = value;
		break;
	case OPT_IMPLEMENTATION:
		o->implementation = value;
		break;
	case OPT_FORMAT:
		return cvl_parse_format(value, &o->json);
	}
	return 0;
}

/* A number of at most three digits; advances *s. */
static bool parse_part(const char **s, int *out)
{
	const char *p = *s;
	int v = 0, n = 0;

	while (*p >= '0' && *p <= '9' && n < 4) {
		v = v * 10 + (*p - '0');
		p++;
		n++;
	}
	if (!n || n > 3)
		return false;
	*out = v;
	*s = p;
	return true;
}

/* "3.X" or "3.X.Y"; the micro version defaults to 0. */
static bool parse_python_version(const char *s, int ver[3])
{
	ver[2] = 0;
	if (!parse_part(&s, &ver[0]) || *s++ != '.' || !parse_part(&s, &ver[1]))
		return false;
	if (*s == '.') {
		s++;
		if (!parse_part(&s, &ver[2]))
			return false;
	}
	return *s == '\0';
}

static int print_json(const struct pep_target *t, const struct tags_opts *o,
		      const struct strvec *tags)
{
	json_t *root = json_object(), *arr = json_array();
	char *text;
	size_t i;

	json_object_set_new(root, "implementation", json_string(t->implementation));
	json_object_set_new(root, "python_version", json_string(o->python_version));
	json_object_set_new(root, "platform", json_string(t->platform));
	for (i = 0; i < tags->nr; i++)
		json_array_append_new(arr, json_string(tags->v[i]));
	json_object_set_new(root, "tags", arr);
	text = json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	json_decref(root);
	if (!text) {
		cvl_errorf("cannot format JSON output");
		return EXIT_INTERNAL;
	}
	printf("%s\n", text);
	free(text);
	return EXIT_OK;
}

int cmd_tags(int argc, char **argv, struct cvl_ctx *ctx)
{
	struct tags_opts o = { NULL, NULL, "cp", false };
	struct pep_target t;
	struct cvl_error err = CVL_ERROR_INIT;
	struct strvec tags = STRVEC_INIT;
	int npos, r;
	size_t i;

	r = cvl_parse_options(ctx, "tags", argc, argv, options,
			      ARRAY_SIZE(options), on_option, &o, &npos);
	if (r)
		return r;
	if (npos) {
		cvl_errorf("unexpected argument '%s'", argv[0]);
		fprintf(stderr, "hint: see 'cvlock tags --help'\n");
		return EXIT_USAGE;
	}
	if (!o.python_version) {
		cvl_errorf("missing --python-version");
		fprintf(stderr, "hint: interpreter probing is not implemented yet; give the target, e.g. --python-version 3.12 --platform manylinux_2_28_x86_64\n");
		return EXIT_USAGE;
	}
	if (!o.platform) {
		cvl_errorf("missing --platform");
		fprintf(stderr, "hint: platform probing is not implemented yet; give the target, e.g. --platform manylinux_2_28_x86_64\n");
		return EXIT_USAGE;
	}

	memset(&t, 0, sizeof(t));
	if (!parse_python_version(o.python_version, t.python)) {
		cvl_errorf("invalid --python-version '%s'", o.python_version);
		fprintf(stderr, "hint: expected 3.X or 3.X.Y, e.g. 3.12\n");
		return EXIT_USAGE;
	}
	if (strlen(o.implementation) >= sizeof(t.implementation)) {
		cvl_errorf("unsupported implementation '%s'", o.implementation);
		fprintf(stderr, "hint: expected 'cp' (CPython) or 'pp' (PyPy)\n");
		return EXIT_USAGE;
	}
	if (strlen(o.platform) >= sizeof(t.platform)) {
		cvl_errorf("unsupported platform '%.40s...': too long", o.platform);
		return EXIT_USAGE;
	}
	memcpy(t.implementation, o.implementation, strlen(o.implementation) + 1);
	memcpy(t.platform, o.platform, strlen(o.platform) + 1);

	r = pep_target_tags(&t, &tags, &err);
	if (r) {
		cvl_report(ctx, &err);
		return cvl_exit_status(r);
	}
	if (o.json) {
		r = print_json(&t, &o, &tags);
	} else {
		for (i = 0; i < tags.nr; i++)
			printf("%s\n", tags.v[i]);
		r = EXIT_OK;
	}
	strvec_clear(&tags);
	return r;
}
