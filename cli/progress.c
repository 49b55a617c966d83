/*
 * progress.c - what the user sees while the index client works: one
 * progress line on stderr, rewritten in place, only when stderr is a
 * terminal and not --quiet; it is cleared at the end.  With -v, a single
 * summary line at the end, e.g.
 *     fetched 12 pages and 30 metadata files: 25 requests, 17 from cache, 3 revalidated, 1.2 MiB
 * so CI logs get one line and never carriage returns.
 */
#include "config.h"
#include "cli/cli.h"
#include "index/index.h"

#include <time.h>
#include <unistd.h>

/* Redraw at most this often (ms), so a fast cache-only run costs nothing. */
#define PROGRESS_INTERVAL_MS 100

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void cvl_format_bytes(uint64_t n, struct strbuf *out)
{
	if (n < 1024)
		strbuf_addf(out, "%u B", (unsigned)n);
	else if (n < (uint64_t)1 << 20)
		strbuf_addf(out, "%.1f KiB", (double)n / 1024);
	else if (n < (uint64_t)1 << 30)
		strbuf_addf(out, "%.1f MiB", (double)n / (1 << 20));
	else
		strbuf_addf(out, "%.1f GiB", (double)n / (1 << 30));
}

static void format_line(const struct idx_progress *p, struct strbuf *out)
{
	strbuf_addstr(out, "fetching:");
	if (p->pages_total)
		strbuf_addf(out, " %zu/%zu pages", p->pages_done,
			    p->pages_total);
	if (p->metadata_total)
		strbuf_addf(out, "%s %zu/%zu metadata",
			    p->pages_total ? "," : "", p->metadata_done,
			    p->metadata_total);
	strbuf_addf(out, ", %zu request%s, ", p->http.requests,
		    p->http.requests == 1 ? "" : "s");
	cvl_format_bytes(p->http.bytes, out);
}

static void draw(struct cvl_progress *pr, const struct idx_progress *p)
{
	struct strbuf line = STRBUF_INIT;
	size_t len;

	format_line(p, &line);
	len = line.len;
	/* blank out what a longer previous line left behind */
	while (line.len < pr->shown_len)
		strbuf_addch(&line, ' ');
	fprintf(stderr, "\r%s", line.buf);
	fflush(stderr);
	pr->shown_len = len;
	strbuf_release(&line);
}

static void on_progress(const struct idx_progress *p, void *data)
{
	struct cvl_progress *pr = data;
	int64_t t = now_ms();

	/* nothing during the first interval: quick runs show no flicker */
	if (t - pr->last_ms < PROGRESS_INTERVAL_MS)
		return;
	pr->last_ms = t;
	draw(pr, p);
}

void cvl_progress_start(struct cvl_progress *pr, struct cvl_ctx *ctx,
			struct idx_client *c)
{
	memset(pr, 0, sizeof(*pr));
	pr->ctx = ctx;
	pr->tty = !ctx->quiet && isatty(STDERR_FILENO);
	pr->last_ms = now_ms();
	if (pr->tty)
		idx_client_set_progress(c, on_progress, pr);
}

void cvl_progress_clear(struct cvl_progress *pr)
{
	if (!pr->shown_len)
		return;
	fprintf(stderr, "\r%*s\r", (int)pr->shown_len, "");
	fflush(stderr);
	pr->shown_len = 0;
}

void cvl_progress_finish(struct cvl_progress *pr, struct idx_client *c)
{
	struct idx_progress p;

	cvl_progress_clear(pr);
	idx_client_set_progress(c, NULL, NULL);
	if (!pr->ctx->verbose || pr->ctx->quiet)
		return;
	idx_client_get_progress(c, &p);
	cvl_progress_summary(&p, stderr);
}

void cvl_progress_summary(const struct idx_progress *p, FILE *out)
{
	struct strbuf sb = STRBUF_INIT;

	strbuf_addf(&sb, "fetched %zu page%s and %zu metadata file%s: ",
		    p->pages_done, p->pages_done == 1 ? "" : "s",
		    p->metadata_done, p->metadata_done == 1 ? "" : "s");
	strbuf_addf(&sb, "%zu request%s, %zu from cache, %zu revalidated, ",
		    p->http.requests, p->http.requests == 1 ? "" : "s",
		    p->http.cache_hits + p->metadata_cached,
		    p->http.revalidated);
	cvl_format_bytes(p->http.bytes, &sb);
	fprintf(out, "%s\n", sb.buf);
	strbuf_release(&sb);
}
