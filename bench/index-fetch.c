/*
 * bench/index-fetch - the index client's work for a resolver, in one run:
 * the pages of many projects, then the core metadata of every version.
 *
 *   bench/index-fetch [options] NAMES-FILE
 *     --index-url URL     the index (required)
 *     --cache-dir DIR     the cache (default: none, as --no-cache)
 *     --refresh           revalidate every cached response
 *     --offline           never touch the network
 *     --concurrency N     transfers at once (default 50)
 *     --urls FILE         write the URLs this run needs, one a line (the
 *                         pages, then one .metadata URL per version), for
 *                         a sequential curl loop over the same work
 *
 * NAMES-FILE holds one project name a line.  For each version, the file
 * whose metadata is fetched is the first wheel with a PEP 658 file, else
 * the first wheel; versions with sdists only are skipped (a build would be
 * needed).  Prints one line:
 *
 *   pages P metadata M errors E requests R cache_hits H revalidated V
 *   bytes B wall_s T
 *
 * and the first few errors on stderr.  Exit status 0 when nothing failed.
 */
#include "index/index.h"

#include <time.h>

struct bench {
	struct idx_client *client;
	struct idx_page **pages; /* kept until the end: files point into them */
	size_t npages, alloc_pages;
	size_t nmetadata, nerrors;
	struct strvec page_urls, metadata_urls;
};

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void report(struct bench *b, const struct cvl_error *err)
{
	if (b->nerrors++ < 10)
		fprintf(stderr, "error: %s\n", err->msg);
}

static void on_metadata(const struct idx_file *file, struct pep_metadata *md,
			int rc, const struct cvl_error *err, void *data)
{
	struct bench *b = data;

	if (rc) {
		report(b, err);
		return;
	}
	b->nmetadata++;
}

/* The file a resolver would read the metadata of, per version. */
static const struct idx_file *pick(const struct idx_page *page, size_t first,
				   size_t *next)
{
	const char *v = page->files[first].version_str;
	const struct idx_file *best = NULL;
	size_t i;

	for (i = first; i < page->nfiles; i++) {
		const struct idx_file *f = &page->files[i];

		if (!f->version_str || strcmp(f->version_str, v))
			break;
		if (f->kind != IDX_FILE_WHEEL)
			continue;
		if (f->has_metadata) {
			if (!best || !best->has_metadata)
				best = f;
		} else if (!best) {
			best = f;
		}
	}
	*next = i;
	return best;
}

static int cmp_file_version(const void *a, const void *b)
{
	const struct idx_file *x = a, *y = b;

	int c;

	if (!x->version_str || !y->version_str)
		return !x->version_str - !y->version_str;
	c = strcmp(x->version_str, y->version_str);
	return c ? c : strcmp(x->filename, y->filename);
}

static void on_page(const char *name, struct idx_page *page, int rc,
		    const struct cvl_error *err, void *data)
{
	struct bench *b = data;
	const struct idx_file **files = NULL;
	struct idx_page *mine;
	size_t i, n = 0, next;

	if (rc) {
		report(b, err);
		return;
	}
	mine = xmalloc(sizeof(*mine));
	*mine = *page;
	*page = (struct idx_page)IDX_PAGE_INIT;
	strvec_push(&b->page_urls, mine->url);
	/* group the files by version, in a fixed order within each */
	qsort(mine->files, mine->nfiles, sizeof(*mine->files),
	      cmp_file_version);
	files = xcalloc(mine->nfiles ? mine->nfiles : 1, sizeof(*files));
	for (i = 0; i < mine->nfiles; i = next) {
		const struct idx_file *f;

		if (!mine->files[i].version_str) {
			next = i + 1;
			continue;
		}
		f = pick(mine, i, &next);
		if (!f)
			continue;
		files[n++] = f;
		if (f->has_metadata)
			strvec_pushf(&b->metadata_urls, "%s.metadata", f->url);
		else
			strvec_push(&b->metadata_urls, f->url);
	}
	idx_client_fetch_metadata(b->client, files, n, on_metadata, b);
	free(files);
	ALLOC_GROW(b->pages, b->npages + 1, b->alloc_pages);
	b->pages[b->npages++] = mine;
}

static int usage(void)
{
	fprintf(stderr, "usage: index-fetch --index-url URL [--cache-dir DIR] "
			"[--refresh] [--offline] [--concurrency N] "
			"[--urls FILE] NAMES-FILE\n");
	return 2;
}

static int write_urls(const char *path, const struct bench *b)
{
	FILE *f = fopen(path, "w");
	size_t i;

	if (!f) {
		perror(path);
		return -1;
	}
	for (i = 0; i < b->page_urls.nr; i++)
		fprintf(f, "%s\n", b->page_urls.v[i]);
	for (i = 0; i < b->metadata_urls.nr; i++)
		fprintf(f, "%s\n", b->metadata_urls.v[i]);
	return fclose(f);
}

int main(int argc, char **argv)
{
	struct idx_client_opts opts;
	struct bench b = { 0 };
	struct cvl_error err = CVL_ERROR_INIT;
	struct idx_progress prog;
	struct strvec names = STRVEC_INIT;
	const char *urls = NULL, *names_file = NULL;
	char line[1024];
	double t0, t1;
	FILE *f;
	int i;
	size_t j;

	idx_client_opts_init(&opts);
	strvec_init(&b.page_urls);
	strvec_init(&b.metadata_urls);
	for (i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (!strcmp(a, "--index-url") && i + 1 < argc)
			opts.index_url = argv[++i];
		else if (!strcmp(a, "--cache-dir") && i + 1 < argc)
			opts.http.cache_dir = argv[++i];
		else if (!strcmp(a, "--refresh"))
			opts.http.refresh = true;
		else if (!strcmp(a, "--offline"))
			opts.http.offline = true;
		else if (!strcmp(a, "--concurrency") && i + 1 < argc)
			opts.http.concurrency = strtoul(argv[++i], NULL, 10);
		else if (!strcmp(a, "--urls") && i + 1 < argc)
			urls = argv[++i];
		else if (a[0] == '-' || names_file)
			return usage();
		else
			names_file = a;
	}
	if (!names_file || !opts.index_url)
		return usage();
	f = fopen(names_file, "r");
	if (!f) {
		perror(names_file);
		return 2;
	}
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\r\n")] = '\0';
		if (line[0])
			strvec_push(&names, line);
	}
	fclose(f);

	if (idx_client_new(&b.client, &opts, &err)) {
		fprintf(stderr, "error: %s\n", err.msg);
		return 2;
	}
	t0 = now();
	idx_client_fetch_pages(b.client, (const char *const *)names.v,
			       names.nr, on_page, &b);
	if (idx_client_run(b.client, &err)) {
		fprintf(stderr, "error: %s\n", err.msg);
		return 1;
	}
	t1 = now();
	idx_client_get_progress(b.client, &prog);
	printf("pages %zu metadata %zu errors %zu requests %zu cache_hits %zu "
	       "revalidated %zu bytes %llu wall_s %.3f\n",
	       b.npages, b.nmetadata, b.nerrors, prog.http.requests,
	       prog.http.cache_hits, prog.http.revalidated,
	       (unsigned long long)prog.http.bytes, t1 - t0);
	if (urls && write_urls(urls, &b))
		return 1;
	idx_client_free(b.client);
	for (j = 0; j < b.npages; j++) {
		idx_page_release(b.pages[j]);
		free(b.pages[j]);
	}
	free(b.pages);
	strvec_clear(&b.page_urls);
	strvec_clear(&b.metadata_urls);
	strvec_clear(&names);
	idx_client_opts_release(&opts);
	return b.nerrors ? 1 : 0;
}
