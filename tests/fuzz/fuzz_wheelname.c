/*
 * fuzz_wheelname.c - wheel and sdist file names, tag sets, target platforms.
 *
 * The input is tried as a wheel name (with and without validate_order), a
 * sdist name, a compressed tag set and a target platform.  A wheel name
 * that parses is rebuilt from its parts (name with '_', canonical version,
 * build, compressed tags) and must parse to the same parts again; for
 * non-ASCII names and tags that is not guaranteed (Python's str.lower()
 * can produce combining marks, which are not word characters, in packaging
 * as here), so only the ASCII case is checked.
 */
#include "pep/pep.h"

#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bool is_ascii(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s >= 0x80)
			return false;
	return true;
}

/* Add the sorted unique field `field` (0..2) of the tags, '.'-joined. */
static void add_field(struct strbuf *sb, const struct strvec *tags, int field)
{
	struct strvec parts = STRVEC_INIT;
	size_t i, j;

	for (i = 0; i < tags->nr; i++) {
		const char *p = tags->v[i];
		const char *end;
		int f;

		for (f = 0; f < field; f++)
			p = strchr(p, '-') + 1;
		end = field < 2 ? strchr(p, '-') : p + strlen(p);
		strvec_pushn(&parts, p, (size_t)(end - p));
	}
	strvec_sort(&parts);
	for (i = 0, j = 0; i < parts.nr; i++) {
		if (i && !strcmp(parts.v[i], parts.v[i - 1]))
			continue;
		strbuf_addf(sb, "%s%s", j++ ? "." : "", parts.v[i]);
	}
	strvec_clear(&parts);
}

static void roundtrip(const struct pep_wheelname *w)
{
	struct pep_wheelname again = PEP_WHEELNAME_INIT;
	struct strbuf fn = STRBUF_INIT;
	struct cvl_error err = CVL_ERROR_INIT;
	size_t i;

	for (i = 0; w->name[i]; i++)
		strbuf_addch(&fn, w->name[i] == '-' ? '_' : w->name[i]);
	strbuf_addch(&fn, '-');
	pep_version_format(&w->version, &fn);
	if (w->has_build) {
		strbuf_addch(&fn, '-');
		pep_num_format(w->build_num, &fn);
		strbuf_addstr(&fn, w->build_tag);
	}
	for (i = 0; i < 3; i++) {
		strbuf_addch(&fn, '-');
		add_field(&fn, &w->tags, (int)i);
	}
	strbuf_addstr(&fn, ".whl");
	if (pep_wheelname_parse(&again, fn.buf, fn.len, true, &err)) {
		fprintf(stderr, "rebuilt name '%s' does not parse: %s\n", fn.buf, err.msg);
		abort();
	}
	if (strcmp(again.name, w->name) ||
	    pep_version_cmp(&again.version, &w->version) ||
	    again.has_build != w->has_build ||
	    (w->has_build && (pep_num_cmp(again.build_num, w->build_num) ||
			      strcmp(again.build_tag, w->build_tag))) ||
	    again.tags.nr != w->tags.nr) {
		fprintf(stderr, "rebuilt name '%s' parses differently\n", fn.buf);
		abort();
	}
	for (i = 0; i < w->tags.nr; i++) {
		if (strcmp(again.tags.v[i], w->tags.v[i])) {
			fprintf(stderr, "rebuilt name '%s': tag '%s' became '%s'\n",
				fn.buf, w->tags.v[i], again.tags.v[i]);
			abort();
		}
	}
	pep_wheelname_release(&again);
	strbuf_release(&fn);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data;
	struct pep_wheelname w = PEP_WHEELNAME_INIT;
	struct pep_version v = PEP_VERSION_INIT;
	struct strbuf name = STRBUF_INIT;
	struct strvec tags = STRVEC_INIT;
	struct cvl_error err = CVL_ERROR_INIT;
	struct pep_target t;
	struct pep_env env;
	struct arena a = ARENA_INIT;
	size_t i;

	if (pep_wheelname_parse(&w, s, size, false, &err) == 0) {
		bool ascii = is_ascii(w.name);

		for (i = 0; i < w.tags.nr; i++) {
			if (i && strcmp(w.tags.v[i - 1], w.tags.v[i]) >= 0)
				abort(); /* sorted and unique */
			ascii = ascii && is_ascii(w.tags.v[i]);
		}
		if (ascii)
			roundtrip(&w);
	}
	(void)pep_wheelname_parse(&w, s, size, true, &err);
	pep_wheelname_release(&w);

	if (pep_sdistname_parse(s, size, &name, &v, &err) == 0 && !name.len)
		abort();
	strbuf_release(&name);
	pep_version_release(&v);

	(void)pep_tag_parse(s, size, &tags, &err);
	strvec_clear(&tags);

	/* The input as a target platform (any bytes, possibly no NUL). */
	memset(&t, 0, sizeof(t));
	memcpy(t.implementation, size && (data[0] & 1) ? "pp" : "cp", 3);
	t.python[0] = 3;
	t.python[1] = size ? data[size - 1] % 20 : 12;
	memcpy(t.platform, s, size < sizeof(t.platform) ? size : sizeof(t.platform));
	if (pep_target_tags(&t, &tags, &err) == 0 && !tags.nr)
		abort();
	strvec_clear(&tags);
	if (pep_target_env(&t, &env, &a, &err) == 0 &&
	    !env.var[PEP_ENV_PLATFORM_MACHINE])
		abort();
	arena_release(&a);
	return 0;
}
