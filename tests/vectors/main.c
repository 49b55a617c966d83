/*
 * tests/pep-vectors - run every conformance case in the JSON files of a
 * directory.  Usage: pep-vectors [-v] [-x DEVIATIONS] DIR
 *
 * DEVIATIONS (default DIR/deviations.txt, optional) lists cases the
 * project deliberately decides differently, one per line:
 *     FILE KEY COMPACT-JSON-OF-CASE    # reason
 * Such cases are skipped and counted as skipped.
 */
#include "tests/vectors/vectors.h"

#include <dirent.h>

struct deviation {
	char *file, *key, *json;
};

static struct deviation *devs;
static size_t ndevs, adevs;
static size_t devs_used;

static char *trim(char *s)
{
	char *e;

	while (*s == ' ' || *s == '\t')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\n' || e[-1] == '\r'))
		*--e = '\0';
	return s;
}

static int load_deviations(const char *path, bool required)
{
	FILE *f = fopen(path, "r");
	char line[8192];
	int lineno = 0;

	if (!f) {
		if (required) {
			fprintf(stderr, "error: cannot open '%s': %s\n", path, strerror(errno));
			return -1;
		}
		return 0;
	}
	while (fgets(line, sizeof(line), f)) {
		char *s = trim(line), *sp1, *sp2, *hash;

		lineno++;
		if (!*s || *s == '#')
			continue;
		hash = strstr(s, "    #");
		if (hash)
			*hash = '\0';
		s = trim(s);
		sp1 = strchr(s, ' ');
		sp2 = sp1 ? strchr(sp1 + 1, ' ') : NULL;
		if (!sp2) {
			fprintf(stderr, "error: %s:%d: expected 'FILE KEY JSON'\n", path, lineno);
			fclose(f);
			return -1;
		}
		ALLOC_GROW(devs, ndevs + 1, adevs);
		devs[ndevs].file = xmemdup0(s, (size_t)(sp1 - s));
		devs[ndevs].key = xmemdup0(sp1 + 1, (size_t)(sp2 - sp1 - 1));
		devs[ndevs].json = xstrdup(trim(sp2 + 1));
		ndevs++;
	}
	fclose(f);
	return 0;
}

static char *dumpbuf;

const char *vec_dump(json_t *j)
{
	free(dumpbuf);
	dumpbuf = json_dumps(j, JSON_COMPACT | JSON_ENCODE_ANY | JSON_ENSURE_ASCII);
	return dumpbuf ? dumpbuf : "?";
}

const char *vec_str(json_t *j, size_t *len)
{
	if (!json_is_string(j))
		return NULL;
	if (len)
		*len = json_string_length(j);
	return json_string_value(j);
}

bool vec_begin(struct vec_ctx *c, const char *key, size_t index, json_t *item)
{
	size_t i;
	char *text;

	c->key = key;
	c->index = index;
	c->cur = item;
	if (!ndevs)
		return true;
	text = json_dumps(item, JSON_COMPACT | JSON_ENCODE_ANY | JSON_ENSURE_ASCII);
	for (i = 0; text && i < ndevs; i++) {
		if (!strcmp(devs[i].file, c->file) && !strcmp(devs[i].key, key) &&
		    !strcmp(devs[i].json, text)) {
			free(text);
			c->skipped++;
			devs_used++;
			return false;
		}
	}
	free(text);
	return true;
}

void vec_pass(struct vec_ctx *c)
{
	c->passed++;
	if (c->verbose > 1)
		printf("ok %s %s[%zu]\n", c->file, c->key, c->index);
}

static void vfail(struct vec_ctx *c, const char *fmt, va_list ap)
{
	c->failed++;
	printf("FAIL %s %s[%zu] %s: ", c->file, c->key, c->index, vec_dump(c->cur));
	vprintf(fmt, ap);
	putchar('\n');
}

void vec_fail(struct vec_ctx *c, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfail(c, fmt, ap);
	va_end(ap);
}

void vec_check(struct vec_ctx *c, bool ok, const char *fmt, ...)
{
	va_list ap;

	if (ok) {
		vec_pass(c);
		return;
	}
	va_start(ap, fmt);
	vfail(c, fmt, ap);
	va_end(ap);
}

void vec_unknown_key(struct vec_ctx *c, const char *key)
{
	c->failed++;
	c->unknown_keys++;
	printf("FAIL %s: unknown key '%s' (no runner for it)\n", c->file, key);
}

typedef void (*runner_fn)(struct vec_ctx *, json_t *);

static const struct {
	const char *prefix; /* file name prefix */
	const char *key;    /* a key only this family has */
	runner_fn run;
} families[] = {
	{ "pep440_versions", "ordered", vec_run_pep440_versions },
	{ "pep440_specifiers", "specifier_str", vec_run_pep440_specifiers },
	{ "pep508_markers", "evaluate", vec_run_pep508_markers },
	{ "pep508_requirements", NULL, vec_run_pep508_requirements },
	{ "wheel_filenames", "sdist_valid", vec_run_wheel_filenames },
};

static runner_fn pick_family(const char *name, json_t *root)
{
	size_t i;
	json_t *valid;

	for (i = 0; i < ARRAY_SIZE(families); i++)
		if (!strncmp(name, families[i].prefix, strlen(families[i].prefix)))
			return families[i].run;
	for (i = 0; i < ARRAY_SIZE(families); i++)
		if (families[i].key && json_object_get(root, families[i].key))
			return families[i].run;
	/* requirements: "valid" holds objects with "input" */
	valid = json_object_get(root, "valid");
	if (json_is_array(valid) && json_is_object(json_array_get(valid, 0)))
		return vec_run_pep508_requirements;
	return NULL;
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int main(int argc, char **argv)
{
	struct vec_ctx c = { 0 };
	const char *dir = NULL, *devpath = NULL;
	struct strvec names = STRVEC_INIT;
	struct strbuf path = STRBUF_INIT;
	DIR *d;
	struct dirent *de;
	size_t i;
	int bad_files = 0;

	for (i = 1; i < (size_t)argc; i++) {
		if (!strcmp(argv[i], "-v"))
			c.verbose++;
		else if (!strcmp(argv[i], "-x") && i + 1 < (size_t)argc)
			devpath = argv[++i];
		else if (!dir && argv[i][0] != '-')
			dir = argv[i];
		else {
			fprintf(stderr, "usage: pep-vectors [-v] [-x DEVIATIONS] DIR\n");
			return 2;
		}
	}
	if (!dir) {
		fprintf(stderr, "usage: pep-vectors [-v] [-x DEVIATIONS] DIR\n");
		return 2;
	}
	if (devpath) {
		if (load_deviations(devpath, true))
			return 2;
	} else {
		strbuf_addf(&path, "%s/deviations.txt", dir);
		if (load_deviations(path.buf, false))
			return 2;
	}
	d = opendir(dir);
	if (!d) {
		fprintf(stderr, "error: cannot open directory '%s': %s\n", dir, strerror(errno));
		return 2;
	}
	while ((de = readdir(d))) {
		size_t n = strlen(de->d_name);

		if (n > 5 && !strcmp(de->d_name + n - 5, ".json"))
			strvec_push(&names, de->d_name);
	}
	closedir(d);
	qsort(names.v, names.nr, sizeof(*names.v), cmp_names);

	for (i = 0; i < names.nr; i++) {
		json_error_t jerr;
		json_t *root;
		runner_fn run;
		size_t before_p = c.passed, before_f = c.failed;

		strbuf_reset(&path);
		strbuf_addf(&path, "%s/%s", dir, names.v[i]);
		root = json_load_file(path.buf, JSON_DECODE_ANY, &jerr);
		if (!root || !json_is_object(root)) {
			printf("FAIL %s: cannot load: %s (line %d)\n", names.v[i],
			       root ? "not a JSON object" : jerr.text, jerr.line);
			c.failed++;
			bad_files++;
			json_decref(root);
			continue;
		}
		run = pick_family(names.v[i], root);
		if (!run) {
			printf("FAIL %s: no known schema\n", names.v[i]);
			c.failed++;
			json_decref(root);
			continue;
		}
		c.file = names.v[i];
		run(&c, root);
		if (c.verbose)
			printf("%s: %zu passed, %zu failed\n", names.v[i],
			       c.passed - before_p, c.failed - before_f);
		json_decref(root);
	}
	if (devs_used != ndevs)
		printf("note: %zu of %zu listed deviations matched no case\n",
		       ndevs - devs_used, ndevs);
	if (c.skipped)
		printf("%zu passed, %zu failed, %zu skipped\n", c.passed, c.failed, c.skipped);
	else
		printf("%zu passed, %zu failed\n", c.passed, c.failed);
	strvec_clear(&names);
	strbuf_release(&path);
	free(dumpbuf);
	for (i = 0; i < ndevs; i++) {
		free(devs[i].file);
		free(devs[i].key);
		free(devs[i].json);
	}
	free(devs);
	(void)bad_files;
	return c.failed ? 1 : 0;
}
