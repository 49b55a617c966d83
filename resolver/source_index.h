/*
 * source_index.h - a candidate source (struct res_source) backed by the
 * package-index client (index/).  Owned by the resolve integrator.
 *
 * Usage:
 *     struct res_source *src;
 *     if (res_source_index_new(&src, client, &tags, &err) < 0) ...
 *     res_resolve(&opts, src, &result, &why, &err);
 *     for each selected package:
 *             res_source_index_files(src, sel->cand, &files, &n);
 *     res_source_free(src);
 *
 * The client must outlive the source; the files stay valid until the
 * source is freed.
 */
#ifndef CVL_RESOLVER_SOURCE_INDEX_H
#define CVL_RESOLVER_SOURCE_INDEX_H

#include "resolver/resolver.h"

struct idx_client;
struct idx_file;

/*
 * `tags`: the target's compatible wheel tags, most preferred first
 * (copied).  A version has a wheel when one of its wheels carries one of
 * these tags.
 */
int res_source_index_new(struct res_source **out, struct idx_client *client,
			 const struct strvec *tags, struct cvl_error *err)
	WARN_UNUSED_RESULT;

/*
 * The distribution files of a candidate this source listed, in a stable
 * order (by file name): every wheel and sdist of the version, except
 * yanked files when the version has files that are not yanked.  `*files`
 * points into the source.
 */
void res_source_index_files(struct res_source *src,
			    const struct res_candidate *c,
			    const struct idx_file *const **files, size_t *n);

/* The file whose metadata was read for the candidate, or NULL. */
const struct idx_file *res_source_index_best(const struct res_candidate *c);

/* The URL of the project page the candidate came from, or NULL. */
const char *res_source_index_page_url(const struct res_candidate *c);

#endif
