/*
 * fuzz_interp.c - the JSON an interpreter probe prints (or a cache entry's
 * "probe" member), as sync_interp_parse() reads it.
 *
 * A document that parses must give a complete marker environment (every
 * variable but `extra` defined), a platform list and a tag list without
 * error, whatever the platform, libc, ABI flags or EXT_SUFFIX it claims;
 * a document that fails leaves the interpreter released.
 */
#include "sync/sync.h"

#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(bool ok, const char *what)
{
	if (!ok) {
		fprintf(stderr, "fuzz_interp: %s\n", what);
		abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sync_interp in;
	struct cvl_error err = CVL_ERROR_INIT;
	struct strvec plats = STRVEC_INIT, tags = STRVEC_INIT;
	struct pep_env env;
	size_t i;

	sync_interp_init(&in);
	if (sync_interp_parse(&in, "python", (const char *)data, size, &err)) {
		check(err.code != 0 && err.msg[0], "failure without a message");
		check(!in.path && !in.implementation, "failure left data behind");
		return 0;
	}
	sync_interp_env(&in, &env);
	for (i = 0; i < PEP_ENV_NSTRVARS; i++)
		check(env.var[i] != NULL, "undefined marker variable");
	check(sync_interp_platforms(&in, &plats, &err) == 0, "platforms failed");
	check(plats.nr > 0, "no platform");
	check(sync_interp_tags(&in, &tags, &err) == 0, "tags failed");
	check(tags.nr > plats.nr, "too few tags");
	strvec_clear(&plats);
	strvec_clear(&tags);
	sync_interp_release(&in);
	return 0;
}
