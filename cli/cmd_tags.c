/*
 * cmd_tags.c - cvlock tags: the wheel tags a target environment accepts,
 * most preferred first, one per line (or as JSON); with --markers, its
 * PEP 508 marker environment instead.
 *
 * The target is either described (--python-version and --platform, with
 * --implementation) or probed: --python PATH, or python3 on PATH when
 * neither is given.  A probe is cached in the cache directory
 * (interpreters-v1/), keyed by the interpreter's path, mtime and size.
 */
#include "config.h"
#include "cli/cli.h"
#include "pep/pep.h"
#include "sync/sync.h"

#include <jansson.h>

enum {
	OPT_PYTHON_VERSION = 1,
	OPT_PLATFORM,
	OPT_IMPLEMENTATION,
	OPT_PYTHON,
	OPT_MARKERS,
	OPT_CACHE_DIR,
	OPT_NO_CACHE,
	OPT_FORMAT,
};

static const struct cvl_option options[] = {
	{ "python", 0, OPT_VALUE, OPT_PYTHON, "PATH",
	  "probe this interpreter (default: python3 on PATH)" },
	{ "python-version", 0, OPT_VALUE, OPT_PYTHON_VERSION, "3.X[.Y]",
	  "target Python version, without an interpreter" },
	{ "platform", 0, OPT_VALUE, OPT_PLATFORM, "PLAT",
	  "target platform tag, e.g. manylinux_2_28_x86_64" },
	{ "implementation", 0, OPT_VALUE, OPT_IMPLEMENTATION, "cp|pp",
	  "CPython or PyPy, with --python-version (default: cp)" },
	{ "markers", 0, OPT_FLAG, OPT_MARKERS, NULL,
	  "print the marker environment instead of the tags" },
	{ "cache-dir", 0, OPT_VALUE, OPT_CACHE_DIR, "DIR",
	  "where interpreter probes are cached" },
	{ "no-cache", 0, OPT_FLAG, OPT_NO_CACHE, NULL,
	  "probe the interpreter again, without reading or writing the cache" },
	{ "format", 0, OPT_VALUE, OPT_FORMAT, "text|json",
	  "output format (default: text)" },
};

struct tags_opts {
	const char *python;
	const char *python_version;
	const char *platform;
	const char *implementation;
	const char *cache_dir;
	bool markers;
	bool no_cache;
	bool json;
};

static int on_option(int id, const char *value, void *data)
{
	struct tags_opts *o = data;

	switch (id) {
	case OPT_HELP:
		cvl_print_usage("tags",
				"[--python PATH | --python-version 3.X[.Y] --platform PLAT [--implementation cp|pp]] [--markers] [--format text|json]",
				"List the wheel tags a target environment accepts, most preferred\n"
				"first, as packaging.tags orders them (with linux_ARCH after the\n"
				"manylinux tags, as uv).  The target is a Python interpreter, probed\n"
				"once and cached (--python PATH, default python3 on PATH), or is\n"
				"described without one by --python-version and --platform, where\n"
				"PLAT is one of linux_ARCH, manylinux_2_X_ARCH, manylinux2014_ARCH,\n"
				"manylinux2010_ARCH, manylinux1_ARCH, musllinux_1_X_ARCH,\n"
				"macosx_X_Y_ARCH, win_amd64, win32, win_arm64.  --markers prints\n"
				"the target's PEP 508 marker environment instead.",
				options, ARRAY_SIZE(options));
		exit(EXIT_OK);
	case OPT_PYTHON:
		o->python = value;
		break;
	case OPT_PYTHON_VERSION:
		o->python_version = value;
		break;
	case OPT_PLATFORM:
		o->platform = value;
		break;
	case OPT_IMPLEMENTATION:
		o->implementation = value;
		break;
	case OPT_MARKERS:
		o->markers = true;
		break;
	case OPT_CACHE_DIR:
		o->cache_dir = value;
		break;
	case OPT_NO_CACHE:
		o->no_cache = true;
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

static int print_json(json_t *root)
{
	char *text = json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER);

	json_decref(root);
	if (!text) {
		cvl_errorf("cannot format JSON output");
		return EXIT_INTERNAL;
	}
	printf("%s\n", text);
	free(text);
	return EXIT_OK;
}

static json_t *tags_array(const struct strvec *tags)
{
	json_t *arr = json_array();
	size_t i;

	for (i = 0; i < tags->nr; i++)
		json_array_append_new(arr, json_string(tags->v[i]));
	return arr;
}

/*
 * "name = value" lines in the variables' alphabetical order, or one JSON
 * object; `extra` is left out (it is per requirement, not per target).
 */
static int print_markers(const struct pep_env *env, json_t *root, bool json)
{
	size_t i;

	for (i = 0; i < PEP_ENV_NSTRVARS; i++) {
		const char *v = env->var[i] ? env->var[i] : "";

		if (i == PEP_ENV_EXTRA)
			continue;
		if (json)
			json_object_set_new(root, pep_env_var_name(i),
					    json_string(v));
		else
			printf("%s = %s\n", pep_env_var_name(i), v);
	}
	if (json)
		return print_json(root);
	json_decref(root);
	return EXIT_OK;
}

static int print_tags(const struct strvec *tags, json_t *root, bool json)
{
	size_t i;

	if (json) {
		json_object_set_new(root, "tags", tags_array(tags));
		return print_json(root);
	}
	json_decref(root);
	for (i = 0; i < tags->nr; i++)
		printf("%s\n", tags->v[i]);
	return EXIT_OK;
}

/* --python-version, --platform and --implementation: no interpreter. */
static int run_target(struct cvl_ctx *ctx, const struct tags_opts *o)
{
	struct pep_target t;
	struct cvl_error err = CVL_ERROR_INIT;
	struct strvec tags = STRVEC_INIT;
	struct arena storage = ARENA_INIT;
	struct pep_env env;
	json_t *root;
	int r;

	if (!o->python_version) {
		cvl_errorf("missing --python-version");
		fprintf(stderr, "hint: give both --python-version and --platform, e.g. --python-version 3.12 --platform manylinux_2_28_x86_64, or --python PATH\n");
		return EXIT_USAGE;
	}
	if (!o->platform) {
		cvl_errorf("missing --platform");
		fprintf(stderr, "hint: give both --python-version and --platform, e.g. --python-version 3.12 --platform manylinux_2_28_x86_64, or --python PATH\n");
		return EXIT_USAGE;
	}

	memset(&t, 0, sizeof(t));
	if (!parse_python_version(o->python_version, t.python)) {
		cvl_errorf("invalid --python-version '%s'", o->python_version);
		fprintf(stderr, "hint: expected 3.X or 3.X.Y, e.g. 3.12\n");
		return EXIT_USAGE;
	}
	if (strlen(o->implementation) >= sizeof(t.implementation)) {
		cvl_errorf("unsupported implementation '%s'", o->implementation);
		fprintf(stderr, "hint: expected 'cp' (CPython) or 'pp' (PyPy)\n");
		return EXIT_USAGE;
	}
	if (strlen(o->platform) >= sizeof(t.platform)) {
		cvl_errorf("unsupported platform '%.40s...': too long", o->platform);
		return EXIT_USAGE;
	}
	memcpy(t.implementation, o->implementation, strlen(o->implementation) + 1);
	memcpy(t.platform, o->platform, strlen(o->platform) + 1);

	if (o->markers)
		r = pep_target_env(&t, &env, &storage, &err);
	else
		r = pep_target_tags(&t, &tags, &err);
	if (r) {
		cvl_report(ctx, &err);
		arena_release(&storage);
		return cvl_exit_status(r);
	}
	root = json_object();
	if (o->markers) {
		r = print_markers(&env, root, o->json);
	} else {
		json_object_set_new(root, "implementation",
				    json_string(t.implementation));
		json_object_set_new(root, "python_version",
				    json_string(o->python_version));
		json_object_set_new(root, "platform", json_string(t.platform));
		r = print_tags(&tags, root, o->json);
	}
	strvec_clear(&tags);
	arena_release(&storage);
	return r;
}

/* --python PATH, or python3 on PATH: probe (or read the cached probe). */
static int run_probe(struct cvl_ctx *ctx, const struct tags_opts *o)
{
	struct sync_interp in;
	struct cvl_error err = CVL_ERROR_INIT;
	struct strvec tags = STRVEC_INIT;
	struct strbuf version = STRBUF_INIT;
	struct pep_env env;
	char *cache_dir = o->no_cache ? NULL : cvl_cache_dir(o->cache_dir);
	json_t *root;
	int r;

	sync_interp_init(&in);
	r = sync_interp_probe(o->python, cache_dir, &in, &err);
	free(cache_dir);
	if (!r && !o->markers)
		r = sync_interp_tags(&in, &tags, &err);
	if (r) {
		cvl_report(ctx, &err);
		sync_interp_release(&in);
		strvec_clear(&tags);
		return cvl_exit_status(r);
	}
	strbuf_addf(&version, "%d.%d.%d", in.version[0], in.version[1],
		    in.version[2]);
	if (ctx->verbose)
		fprintf(stderr, "python interpreter '%s': %s %s%s\n", in.path,
			in.markers[PEP_ENV_PLATFORM_PYTHON_IMPLEMENTATION],
			in.markers[PEP_ENV_PYTHON_FULL_VERSION],
			in.from_cache ? " (cached probe)" : "");
	root = json_object();
	if (o->markers) {
		sync_interp_env(&in, &env);
		r = print_markers(&env, root, o->json);
	} else {
		json_object_set_new(root, "python", json_string(in.path));
		json_object_set_new(root, "implementation",
				    json_string(in.implementation));
		json_object_set_new(root, "python_version",
				    json_string(version.buf));
		r = print_tags(&tags, root, o->json);
	}
	strbuf_release(&version);
	strvec_clear(&tags);
	sync_interp_release(&in);
	return r;
}

int cmd_tags(int argc, char **argv, struct cvl_ctx *ctx)
{
	struct tags_opts o = { NULL, NULL, NULL, "cp", NULL, false, false, false };
	int npos, r;

	r = cvl_parse_options(ctx, "tags", argc, argv, options,
			      ARRAY_SIZE(options), on_option, &o, &npos);
	if (r)
		return r;
	if (npos) {
		cvl_errorf("unexpected argument '%s'", argv[0]);
		fprintf(stderr, "hint: see 'cvlock tags --help'\n");
		return EXIT_USAGE;
	}
	if (o.python && (o.python_version || o.platform)) {
		cvl_errorf("--python cannot be combined with --python-version or --platform");
		fprintf(stderr, "hint: probe an interpreter, or describe a target without one\n");
		return EXIT_USAGE;
	}
	if (o.python_version || o.platform)
		return run_target(ctx, &o);
	return run_probe(ctx, &o);
}
