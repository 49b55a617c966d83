/*
 * fuzz_metadata.c - core metadata (METADATA, PKG-INFO).
 *
 * Metadata that parses is written back as plain headers (one line each,
 * the description as the body) and must parse to the same fields again.
 */
#include "pep/pep.h"

#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void add_field(struct strbuf *sb, const char *name, const char *value)
{
	if (value)
		strbuf_addf(sb, "%s: %s\n", name, value);
}

static void add_list(struct strbuf *sb, const char *name,
		     const struct strvec *sv)
{
	size_t i;

	for (i = 0; i < sv->nr; i++)
		add_field(sb, name, sv->v[i]);
}

static bool same_str(const char *a, const char *b)
{
	if (!a || !b)
		return a == b;
	return !strcmp(a, b);
}

static bool same_list(const struct strvec *a, const struct strvec *b)
{
	size_t i;

	if (a->nr != b->nr)
		return false;
	for (i = 0; i < a->nr; i++)
		if (strcmp(a->v[i], b->v[i]))
			return false;
	return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pep_metadata md = PEP_METADATA_INIT, again = PEP_METADATA_INIT;
	struct cvl_error err = CVL_ERROR_INIT;
	struct strbuf sb = STRBUF_INIT;

	if (pep_metadata_parse(&md, (const char *)data, size, &err)) {
		if (!err.msg[0])
			abort();
		return 0;
	}
	add_field(&sb, "Metadata-Version", md.metadata_version);
	add_field(&sb, "name", md.name);
	add_field(&sb, "VERSION", md.version);
	add_field(&sb, "Summary", md.summary);
	add_field(&sb, "Requires-Python", md.requires_python);
	add_list(&sb, "Requires-Dist", &md.requires_dist);
	add_list(&sb, "Provides-Extra", &md.provides_extra);
	add_list(&sb, "Dynamic", &md.dynamic);
	if (md.description && !*md.description)
		add_field(&sb, "Description", "");
	strbuf_addch(&sb, '\n');
	if (md.description)
		strbuf_addstr(&sb, md.description);

	if (pep_metadata_parse(&again, sb.buf, sb.len, &err)) {
		fprintf(stderr, "rewritten metadata does not parse: %s\n%s\n",
			err.msg, sb.buf);
		abort();
	}
	if (!same_str(md.metadata_version, again.metadata_version) ||
	    !same_str(md.name, again.name) ||
	    !same_str(md.version, again.version) ||
	    !same_str(md.summary, again.summary) ||
	    !same_str(md.requires_python, again.requires_python) ||
	    !same_str(md.description, again.description) ||
	    !same_list(&md.requires_dist, &again.requires_dist) ||
	    !same_list(&md.provides_extra, &again.provides_extra) ||
	    !same_list(&md.dynamic, &again.dynamic)) {
		fprintf(stderr, "rewritten metadata parses differently:\n%s\n", sb.buf);
		abort();
	}
	if (md.dynamic.nr && !pep_metadata_is_dynamic(&md, md.dynamic.v[0]))
		abort();
	pep_metadata_release(&md);
	pep_metadata_release(&again);
	strbuf_release(&sb);
	return 0;
}
