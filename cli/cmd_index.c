/*
 * cmd_index.c - cvlock index: look at what the package indexes offer.
 *
 *   cvlock index versions NAME    the versions of a project, newest first
 *                                 (PEP 440 order), yanked and pre-releases
 *                                 marked; -v adds the files of each
 *   cvlock index metadata NAME==VERSION
 *                                 the core metadata of the version's best
 *                                 file (Requires-Python, Requires-Dist,
 *                                 Provides-Extra)
 *
 * Both take the shared index options (cli/index_options.c).  Exit
 * statuses: 0 found, 1 the project or version does not exist in any
 * index, 3 an index or network error, 5 a hash mismatch, 2 usage errors
 * and sdists that need a build.
 */
#include "config.h"
#include "cli/cli.h"
#include "index/index.h"

#include <jansson.h>
#include <time.h>

enum {
	OPT_FORMAT = 1,
	OPT_VERBOSE,
};

static const struct cvl_option own_options[] = {
	{ "format", 0, OPT_VALUE, OPT_FORMAT, "text|json",
	  "output format (default: text)" },
	{ "verbose", 'v', OPT_FLAG, OPT_VERBOSE, NULL,
	  "versions: also list the files of each version" },
};

struct index_cmd {
	const char *name; /* "versions" or "metadata" */
	bool json;
	bool verbose;
	struct cvl_ctx *ctx;
	struct cvl_option *options;
	size_t noptions;
	struct cvl_index_opts io;
	struct cvl_progress progress;
};

static void print_usage(const struct index_cmd *ic)
{
	if (!strcmp(ic->name, "versions"))
		cvl_print_usage("index versions", "[options] NAME",
				"List the versions of a project that the indexes and\n"
				"find-links offer, newest first (PEP 440 order), one per\n"
				"line, marked '(yanked: REASON)' or '(pre-release)'.  With -v,\n"
				"each version's files follow, indented, with their hashes,\n"
				"Requires-Python, metadata availability, upload time and size.",
				ic->options, ic->noptions);
	else
		cvl_print_usage("index metadata", "[options] NAME==VERSION",
				"Show the core metadata of a version: Requires-Python,\n"
				"Requires-Dist and Provides-Extra, read from its best file\n"
				"(a wheel with a PEP 658 metadata file, another wheel, or\n"
				"an sdist whose PKG-INFO has static dependencies).",
				ic->options, ic->noptions);
}

static int on_option(int id, const char *value, void *data)
{
	struct index_cmd *ic = data;

	switch (id) {
	case OPT_HELP:
		print_usage(ic);
		exit(EXIT_OK);
	case OPT_FORMAT:
		return cvl_parse_format(value, &ic->json);
	case OPT_VERBOSE:
		ic->verbose = true;
		ic->ctx->verbose++;
		return 0;
	default:
		return cvl_index_opts_option(&ic->io, id, value);
	}
}

/* ---- fetching ----------------------------------------------------------- */

struct one_page {
	struct idx_page page;
	int rc;
	struct cvl_error err;
};

static void on_page(const char *name, struct idx_page *page, int rc,
		    const struct cvl_error *err, void *data)
{
	struct one_page *op = data;

	op->rc = rc;
	if (rc) {
		op->err = *err;
		return;
	}
	op->page = *page;
	*page = (struct idx_page)IDX_PAGE_INIT;
}

struct one_md {
	struct pep_metadata md;
	int rc;
	struct cvl_error err;
};

static void on_metadata(const struct idx_file *file, struct pep_metadata *md,
			int rc, const struct cvl_error *err, void *data)
{
	struct one_md *om = data;

	om->rc = rc;
	if (rc) {
		om->err = *err;
		return;
	}
	om->md = *md;
	*md = (struct pep_metadata)PEP_METADATA_INIT;
}

/* Run the client's queued work; 0 or an exit status. */
static int run_client(struct index_cmd *ic, struct idx_client *c)
{
	struct cvl_error err = CVL_ERROR_INIT;
	int r;

	r = idx_client_run(c, &err);
	/* the progress line goes before anything is printed */
	cvl_progress_clear(&ic->progress);
	if (r) {
		cvl_report(ic->ctx, &err);
		return cvl_exit_status(r);
	}
	return 0;
}

/* ---- versions ----------------------------------------------------------- */

static int cmp_files_desc(const void *pa, const void *pb)
{
	const struct idx_file *a = *(const struct idx_file *const *)pa;
	const struct idx_file *b = *(const struct idx_file *const *)pb;
	int r = pep_version_cmp(b->version, a->version);

	if (r)
		return r;
	/* keep page order among the files of one version */
	return a < b ? -1 : a > b;
}

/* The files with a version (wheels and sdists), newest version first. */
static const struct idx_file **sorted_files(const struct idx_page *page,
					    size_t *n)
{
	const struct idx_file **v = xcalloc(page->nfiles + 1, sizeof(*v));
	size_t i;

	*n = 0;
	for (i = 0; i < page->nfiles; i++)
		if (page->files[i].kind != IDX_FILE_OTHER)
			v[(*n)++] = &page->files[i];
	qsort(v, *n, sizeof(*v), cmp_files_desc);
	return v;
}

/* Files [i, end) share a version. */
static size_t group_end(const struct idx_file **v, size_t n, size_t i)
{
	size_t j = i + 1;

	while (j < n && !pep_version_cmp(v[j]->version, v[i]->version))
		j++;
	return j;
}

/* A version is yanked when every file of it is (PEP 592). */
static bool group_yanked(const struct idx_file **v, size_t i, size_t end,
			 const char **reason)
{
	size_t j;

	*reason = NULL;
	for (j = i; j < end; j++) {
		if (!v[j]->yanked)
			return false;
		if (!*reason && v[j]->yanked_reason && *v[j]->yanked_reason)
			*reason = v[j]->yanked_reason;
	}
	return true;
}

static void format_time(int64_t t, char out[32])
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (!gmtime_r(&tt, &tm) ||
	    !strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm))
		snprintf(out, 32, "%lld", (long long)t);
}

static const char *kind_name(enum idx_file_kind k)
{
	switch (k) {
	case IDX_FILE_WHEEL:
		return "wheel";
	case IDX_FILE_SDIST:
		return "sdist";
	case IDX_FILE_OTHER:
		break;
	}
	return "other";
}

static const char *hash_alg_name(enum idx_hash_alg alg)
{
	switch (alg) {
	case IDX_HASH_SHA256:
		return "sha256";
	case IDX_HASH_SHA384:
		return "sha384";
	case IDX_HASH_SHA512:
		return "sha512";
	case IDX_HASH_MD5:
		return "md5";
	case IDX_HASH_NALGS:
		break;
	}
	return "?";
}

static void print_file_text(const struct idx_file *f)
{
	size_t k;

	printf("    %s\n", f->filename);
	for (k = 0; k < f->nhashes; k++)
		printf("      %s %s\n", hash_alg_name(f->hashes[k].alg),
		       f->hashes[k].hex);
	if (f->requires_python)
		printf("      requires-python %s\n", f->requires_python);
	if (f->has_metadata) {
		printf("      metadata available");
		for (k = 0; k < f->nmetadata_hashes; k++)
			printf(" (%s %s)",
			       hash_alg_name(f->metadata_hashes[k].alg),
			       f->metadata_hashes[k].hex);
		printf("\n");
	} else {
		printf("      metadata not available\n");
	}
	if (f->upload_time >= 0) {
		char t[32];

		format_time(f->upload_time, t);
		printf("      uploaded %s\n", t);
	}
	if (f->size >= 0)
		printf("      size %lld\n", (long long)f->size);
	if (f->yanked)
		printf("      yanked%s%s\n", f->yanked_reason ? ": " : "",
		       f->yanked_reason ? f->yanked_reason : "");
}

static void print_versions_text(const struct index_cmd *ic,
				const struct idx_file **v, size_t n)
{
	size_t i, end, j;

	for (i = 0; i < n; i = end) {
		const char *reason;
		bool yanked, pre;

		end = group_end(v, n, i);
		yanked = group_yanked(v, i, end, &reason);
		pre = pep_version_is_prerelease(v[i]->version);
		printf("%s", v[i]->version_str);
		if (pre || yanked) {
			printf(" (");
			if (pre)
				printf("pre-release%s", yanked ? ", " : "");
			if (yanked)
				printf("yanked%s%s", reason ? ": " : "",
				       reason ? reason : "");
			printf(")");
		}
		printf("\n");
		if (ic->verbose)
			for (j = i; j < end; j++)
				print_file_text(v[j]);
	}
}

static json_t *json_str_or_null(const char *s)
{
	return s ? json_string(s) : json_null();
}

static json_t *hashes_json(const struct idx_hash *h, size_t n)
{
	json_t *o = json_object();
	size_t k;

	for (k = 0; k < n; k++)
		json_object_set_new(o, hash_alg_name(h[k].alg),
				    json_string(h[k].hex));
	return o;
}

static json_t *file_json(const struct idx_file *f)
{
	json_t *o = json_object(), *md = json_object();
	struct strbuf url = STRBUF_INIT;

	url_redact(f->url, &url);
	json_object_set_new(o, "filename", json_string(f->filename));
	json_object_set_new(o, "url", json_string(url.buf));
	json_object_set_new(o, "kind", json_string(kind_name(f->kind)));
	json_object_set_new(o, "hashes", hashes_json(f->hashes, f->nhashes));
	json_object_set_new(o, "requires_python",
			    json_str_or_null(f->requires_python));
	json_object_set_new(o, "yanked", json_boolean(f->yanked));
	json_object_set_new(o, "yanked_reason",
			    json_str_or_null(f->yanked_reason));
	json_object_set_new(md, "available", json_boolean(f->has_metadata));
	json_object_set_new(md, "hashes", hashes_json(f->metadata_hashes,
						      f->nmetadata_hashes));
	json_object_set_new(o, "metadata", md);
	if (f->upload_time >= 0) {
		char t[32];

		format_time(f->upload_time, t);
		json_object_set_new(o, "upload_time", json_string(t));
	} else {
		json_object_set_new(o, "upload_time", json_null());
	}
	json_object_set_new(o, "size",
			    f->size >= 0 ? json_integer(f->size) : json_null());
	strbuf_release(&url);
	return o;
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

static int print_versions_json(const struct idx_page *page,
			       const struct idx_file **v, size_t n)
{
	json_t *root = json_object(), *arr = json_array();
	size_t i, end, j;

	json_object_set_new(root, "name", json_string(page->name));
	for (i = 0; i < n; i = end) {
		json_t *o = json_object(), *files = json_array();
		const char *reason;
		bool yanked;

		end = group_end(v, n, i);
		yanked = group_yanked(v, i, end, &reason);
		json_object_set_new(o, "version", json_string(v[i]->version_str));
		json_object_set_new(o, "prerelease",
				    json_boolean(pep_version_is_prerelease(v[i]->version)));
		json_object_set_new(o, "yanked", json_boolean(yanked));
		json_object_set_new(o, "yanked_reason", json_str_or_null(reason));
		for (j = i; j < end; j++)
			json_array_append_new(files, file_json(v[j]));
		json_object_set_new(o, "files", files);
		json_array_append_new(arr, o);
	}
	json_object_set_new(root, "versions", arr);
	return print_json(root);
}

/* ---- the commands --------------------------------------------------------- */

static int fetch_page(struct index_cmd *ic, struct idx_client *c,
		      const char *name, struct one_page *op)
{
	const char *names[1] = { name };
	int r;

	op->page = (struct idx_page)IDX_PAGE_INIT;
	op->rc = 0;
	cvl_error_clear(&op->err);
	idx_client_fetch_pages(c, names, 1, on_page, op);
	r = run_client(ic, c);
	if (r)
		return r;
	if (op->rc) {
		cvl_report(ic->ctx, &op->err);
		return cvl_exit_status(op->rc);
	}
	return 0;
}

static int do_versions(struct index_cmd *ic, struct idx_client *c,
		       const char *name)
{
	struct one_page op;
	const struct idx_file **v;
	size_t n;
	int r;

	r = fetch_page(ic, c, name, &op);
	if (r)
		return r;
	v = sorted_files(&op.page, &n);
	if (ic->json) {
		r = print_versions_json(&op.page, v, n);
	} else {
		print_versions_text(ic, v, n);
		r = EXIT_OK;
	}
	free(v);
	idx_page_release(&op.page);
	return r;
}

/* Lower is better: non-yanked, then wheels with a metadata file, wheels, sdists. */
static int file_rank(const struct idx_file *f)
{
	int rank;

	if (f->kind == IDX_FILE_WHEEL)
		rank = f->has_metadata ? 0 : 1;
	else if (f->kind == IDX_FILE_SDIST)
		rank = 2;
	else
		rank = 9;
	return rank + (f->yanked ? 3 : 0);
}

static void print_metadata_text(const struct idx_file *f,
				const struct pep_metadata *md)
{
	size_t i;

	printf("Name: %s\n", md->name);
	printf("Version: %s\n", md->version);
	printf("File: %s\n", f->filename);
	if (md->requires_python)
		printf("Requires-Python: %s\n", md->requires_python);
	for (i = 0; i < md->requires_dist.nr; i++)
		printf("Requires-Dist: %s\n", md->requires_dist.v[i]);
	for (i = 0; i < md->provides_extra.nr; i++)
		printf("Provides-Extra: %s\n", md->provides_extra.v[i]);
}

static int print_metadata_json(const struct idx_file *f,
			       const struct pep_metadata *md)
{
	json_t *root = json_object(), *rd = json_array(), *pe = json_array();
	size_t i;

	json_object_set_new(root, "name", json_string(md->name));
	json_object_set_new(root, "version", json_string(md->version));
	json_object_set_new(root, "file", json_string(f->filename));
	json_object_set_new(root, "metadata_version",
			    json_str_or_null(md->metadata_version));
	json_object_set_new(root, "requires_python",
			    json_str_or_null(md->requires_python));
	for (i = 0; i < md->requires_dist.nr; i++)
		json_array_append_new(rd, json_string(md->requires_dist.v[i]));
	json_object_set_new(root, "requires_dist", rd);
	for (i = 0; i < md->provides_extra.nr; i++)
		json_array_append_new(pe, json_string(md->provides_extra.v[i]));
	json_object_set_new(root, "provides_extra", pe);
	return print_json(root);
}

static int do_metadata(struct index_cmd *ic, struct idx_client *c,
		       const char *spec)
{
	const char *eq = strstr(spec, "==");
	struct strbuf name = STRBUF_INIT;
	struct pep_version want = PEP_VERSION_INIT;
	struct cvl_error err = CVL_ERROR_INIT;
	struct one_page op = { IDX_PAGE_INIT, 0, CVL_ERROR_INIT };
	struct one_md om = { PEP_METADATA_INIT, 0, CVL_ERROR_INIT };
	const struct idx_file *best = NULL;
	size_t i;
	int r;

	if (!eq || eq == spec || !eq[2]) {
		cvl_errorf("expected NAME==VERSION, got '%s'", spec);
		fprintf(stderr, "hint: e.g. 'cvlock index metadata requests==2.32.3'\n");
		return EXIT_USAGE;
	}
	strbuf_add(&name, spec, (size_t)(eq - spec));
	r = pep_version_parse(&want, eq + 2, strlen(eq + 2), &err);
	if (r) {
		cvl_report(ic->ctx, &err);
		r = EXIT_USAGE;
		goto out;
	}
	r = fetch_page(ic, c, name.buf, &op);
	if (r)
		goto out;
	for (i = 0; i < op.page.nfiles; i++) {
		const struct idx_file *f = &op.page.files[i];

		if (f->kind == IDX_FILE_OTHER || pep_version_cmp(f->version, &want))
			continue;
		if (!best || file_rank(f) < file_rank(best))
			best = f;
	}
	if (!best) {
		cvl_errorf("version %s of '%s' was not found in any index",
			   eq + 2, op.page.name);
		r = EXIT_FAILURE_;
		goto out;
	}
	idx_client_fetch_metadata(c, &best, 1, on_metadata, &om);
	r = run_client(ic, c);
	if (r)
		goto out;
	if (om.rc) {
		cvl_report(ic->ctx, &om.err);
		r = cvl_exit_status(om.rc);
		goto out;
	}
	if (ic->json) {
		r = print_metadata_json(best, &om.md);
	} else {
		print_metadata_text(best, &om.md);
		r = EXIT_OK;
	}
out:
	pep_metadata_release(&om.md);
	idx_page_release(&op.page);
	pep_version_release(&want);
	strbuf_release(&name);
	return r;
}

static int run_sub(struct index_cmd *ic, int argc, char **argv)
{
	struct idx_client_opts co;
	struct idx_client *c = NULL;
	struct cvl_error err = CVL_ERROR_INIT;
	char cmdname[32];
	int npos, r;

	snprintf(cmdname, sizeof(cmdname), "index %s", ic->name);
	r = cvl_parse_options(ic->ctx, cmdname, argc, argv, ic->options,
			      ic->noptions, on_option, ic, &npos);
	if (r)
		return r;
	if (npos != 1) {
		if (npos)
			cvl_errorf("unexpected argument '%s'", argv[1]);
		else
			cvl_errorf("expected %s",
				   !strcmp(ic->name, "versions") ? "a project name"
								 : "NAME==VERSION");
		fprintf(stderr, "hint: see 'cvlock index %s --help'\n", ic->name);
		return EXIT_USAGE;
	}
	idx_client_opts_init(&co);
	r = cvl_index_opts_finish(&ic->io, NULL, &co);
	if (!r && idx_client_new(&c, &co, &err)) {
		cvl_report(ic->ctx, &err);
		r = cvl_exit_status(-err.code);
	}
	if (!r) {
		cvl_progress_start(&ic->progress, ic->ctx, c);
		if (!strcmp(ic->name, "versions"))
			r = do_versions(ic, c, argv[0]);
		else
			r = do_metadata(ic, c, argv[0]);
		cvl_progress_finish(&ic->progress, c);
	}
	idx_client_free(c);
	idx_client_opts_release(&co);
	return r;
}

static void print_index_help(void)
{
	printf("usage: cvlock index <command> [options] ARGS\n\n"
	       "Look at what the package indexes offer.\n\n"
	       "commands:\n"
	       "  versions NAME           the versions of a project, newest first\n"
	       "  metadata NAME==VERSION  the core metadata of one version\n\n"
	       "Run 'cvlock index <command> --help' for the options.\n");
}

int cmd_index(int argc, char **argv, struct cvl_ctx *ctx)
{
	struct index_cmd ic;
	int r;

	if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		print_index_help();
		return argc < 2 ? EXIT_USAGE : EXIT_OK;
	}
	if (strcmp(argv[1], "versions") && strcmp(argv[1], "metadata")) {
		cvl_errorf("unknown index command '%s'", argv[1]);
		fprintf(stderr, "hint: expected 'versions' or 'metadata'\n");
		return EXIT_USAGE;
	}
	memset(&ic, 0, sizeof(ic));
	ic.name = argv[1];
	ic.ctx = ctx;
	ic.options = cvl_options_with_index(own_options, ARRAY_SIZE(own_options),
					    &ic.noptions);
	cvl_index_opts_init(&ic.io);
	r = run_sub(&ic, argc - 1, argv + 1);
	cvl_index_opts_release(&ic.io);
	free(ic.options);
	return r;
}
