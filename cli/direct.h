/*
 * direct.h - direct URL wheel requirements ("name @ https://.../x.whl")
 * for cvlock resolve: the wheel is fetched once (cached forever by URL),
 * hashed, checked against a "#sha256=" fragment and the target's tags,
 * and its METADATA read from the bytes.  A candidate source wraps the
 * index source so that such a name has exactly that one candidate.
 */
#ifndef CVL_CLI_DIRECT_H
#define CVL_CLI_DIRECT_H

#include "index/index.h"
#include "pep/pep.h"
#include "resolver/resolver.h"

struct cvl_direct {
	char *name;      /* canonical */
	char *text;      /* the requirement as written (for messages) */
	char *url;       /* fetched (no fragment); file:// for local files */
	char *path;      /* the local file, or NULL */
	char *filename;
	char *version;
	char sha256[65];
	uint64_t size;
	struct pep_metadata md;
};

struct cvl_directs {
	struct cvl_direct *v;
	size_t nr, alloc;
};

/* Whether `url` names a wheel (the path, before '?' and '#', ends in .whl). */
bool cvl_direct_is_wheel_url(const char *url);

/*
 * Fetch the wheels of the direct references among `reqs` (n of them):
 * -CVL_EHASH on a "#sha256=" mismatch, -CVL_EINVAL on an incompatible or
 * broken wheel or two URLs for one name, a fetch error otherwise.
 * `base_dir` resolves relative paths (NULL: the working directory).
 */
int cvl_direct_add(struct cvl_directs *d, const struct pep_input_req *q,
		   const struct strvec *tags, const struct idx_http_opts *http,
		   struct cvl_error *err) WARN_UNUSED_RESULT;
const struct cvl_direct *cvl_direct_find(const struct cvl_directs *d,
					 const char *name);
void cvl_directs_release(struct cvl_directs *d);

/*
 * A source that answers the direct names itself and asks `inner` for the
 * rest; it owns `inner`.  `d` must outlive it.
 */
struct res_source *cvl_direct_source(struct res_source *inner,
				     const struct cvl_directs *d);
/* The inner source of a source made by cvl_direct_source (or `src`). */
struct res_source *cvl_direct_inner(struct res_source *src);

#endif
