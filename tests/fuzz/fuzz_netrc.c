/*
 * fuzz_netrc.c - the netrc parser (index/auth.c).
 *
 * The input is a netrc file.  Parsing must succeed or fail cleanly; after
 * a success, every entry has strings (or NULL) that lookups hand back, and
 * a lookup of each machine finds an entry for that machine.
 */
#include "index/index.h"

#include <stdint.h>
#include <strings.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct idx_netrc n = IDX_NETRC_INIT;
	struct cvl_error err = CVL_ERROR_INIT;
	size_t i;

	if (idx_netrc_parse(&n, (const char *)data, size, "netrc", &err) < 0) {
		/* a failure explains itself */
		if (!err.msg[0])
			abort();
		idx_netrc_release(&n);
		return 0;
	}
	for (i = 0; i < n.nr; i++) {
		const struct idx_netrc_entry *e = &n.entries[i], *f;

		if (e->login)
			(void)strlen(e->login);
		if (e->password)
			(void)strlen(e->password);
		if (!e->machine)
			continue;
		f = idx_netrc_lookup(&n, e->machine);
		if (!f || !f->machine || strcasecmp(f->machine, e->machine))
			abort();
	}
	(void)idx_netrc_lookup(&n, "pypi.org");
	idx_netrc_release(&n);
	return 0;
}
