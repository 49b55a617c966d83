/*
 * v_wheel.c - conformance runner for wheel_filenames.json (schema in
 * tests/vectors/README.md): wheel and sdist file names, name and version
 * canonicalization, tag parsing and tag generation.
 */
#include "tests/vectors/vectors.h"
#include "pep/pep.h"

/* ---- helpers ------------------------------------------------------------ */

static bool str_eq(json_t *want, const char *got, size_t len)
{
	size_t wlen;
	const char *w = vec_str(want, &wlen);

	return w && wlen == len && !memcmp(w, got, len);
}

/* A JSON array of strings equals sv, in order. */
static bool strlist_eq(json_t *want, const struct strvec *sv)
{
	size_t i;
	json_t *x;

	if (!json_is_array(want) || json_array_size(want) != sv->nr)
		return false;
	json_array_foreach(want, i, x)
		if (!str_eq(x, sv->v[i], strlen(sv->v[i])))
			return false;
	return true;
}

/* sv as a JSON-ish list for failure messages (static buffer). */
static const char *list_str(const struct strvec *sv)
{
	static struct strbuf sb = STRBUF_INIT;
	size_t i;

	strbuf_reset(&sb);
	strbuf_addch(&sb, '[');
	for (i = 0; i < sv->nr; i++)
		strbuf_addf(&sb, "%s\"%s\"", i ? ", " : "", sv->v[i]);
	strbuf_addch(&sb, ']');
	return sb.buf;
}

/* A JSON array of strings as a strvec; false if it is not one. */
static bool to_strvec(json_t *arr, struct strvec *out)
{
	size_t i, len;
	json_t *x;

	if (!json_is_array(arr))
		return false;
	json_array_foreach(arr, i, x) {
		const char *s = vec_str(x, &len);

		if (!s)
			return false;
		strvec_pushn(out, s, len);
	}
	return true;
}

/* A JSON array of ints as a python version (1 or 2 items). */
static bool to_version(json_t *arr, int *ver, size_t *n)
{
	size_t i;
	json_t *x;

	if (!json_is_array(arr) || json_array_size(arr) < 1 ||
	    json_array_size(arr) > 3)
		return false;
	json_array_foreach(arr, i, x) {
		if (!json_is_integer(x))
			return false;
		ver[i] = (int)json_integer_value(x);
	}
	*n = json_array_size(arr);
	return true;
}

static void bad_case(struct vec_ctx *c)
{
	vec_fail(c, "malformed case");
}

/* ---- wheels ------------------------------------------------------------- */

static bool build_matches(json_t *want, const struct pep_wheelname *w)
{
	struct strbuf got = STRBUF_INIT;
	char buf[32];
	json_t *num, *suffix;
	bool ok;

	if (!json_is_array(want))
		return false;
	if (json_array_size(want) == 0)
		return !w->has_build;
	num = json_array_get(want, 0);
	suffix = json_array_get(want, 1);
	if (json_array_size(want) != 2 || !json_is_integer(num) || !w->has_build)
		return false;
	snprintf(buf, sizeof(buf), "%" JSON_INTEGER_FORMAT, json_integer_value(num));
	pep_num_format(w->build_num, &got);
	ok = !strcmp(buf, got.buf) &&
	     str_eq(suffix, w->build_tag, strlen(w->build_tag));
	strbuf_release(&got);
	return ok;
}

static void run_valid(struct vec_ctx *c, json_t *arr)
{
	size_t i;
	json_t *item;

	json_array_foreach(arr, i, item) {
		struct pep_wheelname w = PEP_WHEELNAME_INIT;
		struct cvl_error err = CVL_ERROR_INIT;
		struct strbuf ver = STRBUF_INIT;
		const char *fn;
		size_t len;

		if (!vec_begin(c, "valid", i, item))
			continue;
		fn = vec_str(json_array_get(item, 0), &len);
		if (!fn || json_array_size(item) != 5) {
			bad_case(c);
			continue;
		}
		if (pep_wheelname_parse(&w, fn, len, false, &err)) {
			vec_fail(c, "rejected: %s", err.msg);
			continue;
		}
		pep_version_format(&w.version, &ver);
		if (!str_eq(json_array_get(item, 1), w.name, strlen(w.name)))
			vec_fail(c, "name '%s'", w.name);
		else if (!str_eq(json_array_get(item, 2), ver.buf, ver.len))
			vec_fail(c, "version '%s'", ver.buf);
		else if (!build_matches(json_array_get(item, 3), &w))
			vec_fail(c, "build %s '%s'", w.has_build ? "yes" : "none",
				 w.build_tag ? w.build_tag : "");
		else if (!strlist_eq(json_array_get(item, 4), &w.tags))
			vec_fail(c, "tags %s", list_str(&w.tags));
		else
			vec_pass(c);
		strbuf_release(&ver);
		pep_wheelname_release(&w);
	}
}

static void run_invalid(struct vec_ctx *c, json_t *arr)
{
	size_t i;
	json_t *item;

	json_array_foreach(arr, i, item) {
		struct pep_wheelname w = PEP_WHEELNAME_INIT;
		struct cvl_error err = CVL_ERROR_INIT;
		const char *fn;
		size_t len;
		int r;

		if (!vec_begin(c, "invalid", i, item))
			continue;
		fn = vec_str(item, &len);
		if (!fn) {
			bad_case(c);
			continue;
		}
		r = pep_wheelname_parse(&w, fn, len, false, &err);
		if (r == 0)
			vec_fail(c, "accepted");
		else
			vec_check(c, err.code == CVL_EINVAL && err.msg[0],
				  "error code %d, message '%s'", err.code, err.msg);
		pep_wheelname_release(&w);
	}
}

static void run_validate_order(struct vec_ctx *c, json_t *arr)
{
	size_t i;
	json_t *item;

	json_array_foreach(arr, i, item) {
		struct pep_wheelname w = PEP_WHEELNAME_INIT;
		struct cvl_error err = CVL_ERROR_INIT;
		json_t *ok = json_array_get(item, 1);
		const char *fn;
		size_t len;
		int r;

		if (!vec_begin(c, "validate_order", i, item))
			continue;
		fn = vec_str(json_array_get(item, 0), &len);
		if (!fn || !json_is_boolean(ok)) {
			bad_case(c);
			continue;
		}
		r = pep_wheelname_parse(&w, fn, len, true, &err);
		if (json_is_true(ok))
			vec_check(c, r == 0, "rejected: %s", err.msg);
		else
			vec_check(c, r < 0, "accepted");
		pep_wheelname_release(&w);
	}
}

/* ---- sdists ------------------------------------------------------------- */

static void run_sdist(struct vec_ctx *c, const char *key, json_t *arr,
		      bool want_ok)
{
	size_t i;
	json_t *item;

	json_array_foreach(arr, i, item) {
		struct pep_version v = PEP_VERSION_INIT;
		struct cvl_error err = CVL_ERROR_INIT;
		struct strbuf name = STRBUF_INIT, ver = STRBUF_INIT;
		const char *fn;
		size_t len;
		int r;

		if (!vec_begin(c, key, i, item))
			continue;
		fn = vec_str(want_ok ? json_array_get(item, 0) : item, &len);
		if (!fn) {
			bad_case(c);
			continue;
		}
		r = pep_sdistname_parse(fn, len, &name, &v, &err);
		if (!want_ok) {
			vec_check(c, r < 0 && err.msg[0], "accepted");
		} else if (r) {
			vec_fail(c, "rejected: %s", err.msg);
		} else {
			pep_version_format(&v, &ver);
			if (!str_eq(json_array_get(item, 1), name.buf, name.len))
				vec_fail(c, "name '%s'", name.buf);
			else
				vec_check(c, str_eq(json_array_get(item, 2), ver.buf,
						    ver.len),
					  "version '%s'", ver.buf);
		}
		strbuf_release(&name);
		strbuf_release(&ver);
		pep_version_release(&v);
	}
}

/* ---- names and versions ------------------------------------------------- */

static void run_canonicalize_name(struct vec_ctx *c, json_t *arr)
{
	size_t i;
	json_t *item;

	json_array_foreach(arr, i, item) {
		struct strbuf got = STRBUF_INIT;
		json_t *valid = json_array_get(item, 2);
		json_t *normalized = json_array_get(item, 3);
		const char *s;
		size_t len;

		if (!vec_begin(c, "canonicalize_name", i, item))
			continue;
		s = vec_str(json_array_get(item, 0), &len);
		if (!s || !json_is_boolean(valid) || !json_is_boolean(normalized)) {
			bad_case(c);
			continue;
		}
		pep_name_canonicalize(s, len, &got);
		if (!str_eq(json_array_get(item, 1), got.buf, got.len))
			vec_fail(c, "canonical '%s'", got.buf);
		else if (pep_name_is_valid(s, len) != json_is_true(valid))
			vec_fail(c, "valid %d", !json_is_true(valid));
		else
			vec_check(c, pep_name_is_normalized(s, len) ==
					     json_is_true(normalized),
				  "normalized %d", !json_is_true(normalized));
		strbuf_release(&got);
	}
}

static void run_canonicalize_version(struct vec_ctx *c, json_t *arr)
{
	size_t i;
	json_t *item;

	json_array_foreach(arr, i, item) {
		struct pep_version v = PEP_VERSION_INIT;
		struct strbuf got = STRBUF_INIT;
		json_t *strip = json_array_get(item, 1);
		const char *s;
		size_t len;

		if (!vec_begin(c, "canonicalize_version", i, item))
			continue;
		s = vec_str(json_array_get(item, 0), &len);
		if (!s || !json_is_boolean(strip)) {
			bad_case(c);
			continue;
		}
		/* canonicalize_version returns unparsable input unchanged. */
		if (pep_version_parse(&v, s, len, NULL))
			strbuf_add(&got, s, len);
		else
			pep_version_format_canonical(&v, json_is_true(strip), &got);
		vec_check(c, str_eq(json_array_get(item, 2), got.buf, got.len),
			  "got '%s'", got.buf);
		strbuf_release(&got);
		pep_version_release(&v);
	}
}

/* ---- tags --------------------------------------------------------------- */

static void run_parse_tag(struct vec_ctx *c, const char *key, json_t *arr,
			  bool want_ok)
{
	size_t i;
	json_t *item;

	json_array_foreach(arr, i, item) {
		struct strvec tags = STRVEC_INIT;
		struct cvl_error err = CVL_ERROR_INIT;
		const char *s;
		size_t len;
		int r;

		if (!vec_begin(c, key, i, item))
			continue;
		s = vec_str(want_ok ? json_array_get(item, 0) : item, &len);
		if (!s) {
			bad_case(c);
			continue;
		}
		r = pep_tag_parse(s, len, &tags, &err);
		if (!want_ok)
			vec_check(c, r < 0 && err.msg[0], "accepted: %s", list_str(&tags));
		else if (r)
			vec_fail(c, "rejected: %s", err.msg);
		else
			vec_check(c, strlist_eq(json_array_get(item, 1), &tags),
				  "got %s", list_str(&tags));
		strvec_clear(&tags);
	}
}

static void run_mac_binary_formats(struct vec_ctx *c, json_t *arr)
{
	size_t i;
	json_t *item;

	json_array_foreach(arr, i, item) {
		struct strvec got = STRVEC_INIT;
		int ver[3];
		size_t nver;
		const char *arch;

		if (!vec_begin(c, "mac_binary_formats", i, item))
			continue;
		arch = vec_str(json_array_get(item, 1), NULL);
		if (!to_version(json_array_get(item, 0), ver, &nver) || nver != 2 ||
		    !arch) {
			bad_case(c);
			continue;
		}
		pep_mac_binary_formats(ver[0], ver[1], arch, &got);
		vec_check(c, strlist_eq(json_array_get(item, 2), &got), "got %s",
			  list_str(&got));
		strvec_clear(&got);
	}
}

static void run_cpython_tags(struct vec_ctx *c, json_t *arr)
{
	size_t i;
	json_t *item;

	json_array_foreach(arr, i, item) {
		struct strvec abis = STRVEC_INIT, plats = STRVEC_INIT, got = STRVEC_INIT;
		int ver[3];
		size_t nver;

		if (!vec_begin(c, "cpython_tags", i, item))
			continue;
		if (!to_version(json_array_get(item, 0), ver, &nver) ||
		    !to_strvec(json_array_get(item, 1), &abis) ||
		    !to_strvec(json_array_get(item, 2), &plats)) {
			bad_case(c);
		} else {
			pep_tags_cpython(ver, nver, (const char *const *)abis.v,
					 abis.nr, (const char *const *)plats.v,
					 plats.nr, &got);
			vec_check(c, strlist_eq(json_array_get(item, 3), &got),
				  "got %s", list_str(&got));
		}
		strvec_clear(&abis);
		strvec_clear(&plats);
		strvec_clear(&got);
	}
}

static void run_compatible_tags(struct vec_ctx *c, json_t *arr)
{
	size_t i;
	json_t *item;

	json_array_foreach(arr, i, item) {
		struct strvec plats = STRVEC_INIT, got = STRVEC_INIT;
		json_t *jinterp = json_array_get(item, 1);
		const char *interp = vec_str(jinterp, NULL);
		int ver[3];
		size_t nver;

		if (!vec_begin(c, "compatible_tags", i, item))
			continue;
		if (!to_version(json_array_get(item, 0), ver, &nver) ||
		    (!interp && !json_is_null(jinterp)) ||
		    !to_strvec(json_array_get(item, 2), &plats)) {
			bad_case(c);
		} else {
			pep_tags_compatible(ver, nver, interp,
					    (const char *const *)plats.v,
					    plats.nr, &got);
			vec_check(c, strlist_eq(json_array_get(item, 3), &got),
				  "got %s", list_str(&got));
		}
		strvec_clear(&plats);
		strvec_clear(&got);
	}
}

/* ---- dispatch ----------------------------------------------------------- */

void vec_run_wheel_filenames(struct vec_ctx *c, json_t *root)
{
	const char *key;
	json_t *val;

	json_object_foreach(root, key, val) {
		if (key[0] == '_')
			continue;
		if (!json_is_array(val))
			vec_unknown_key(c, key);
		else if (!strcmp(key, "valid"))
			run_valid(c, val);
		else if (!strcmp(key, "invalid"))
			run_invalid(c, val);
		else if (!strcmp(key, "validate_order"))
			run_validate_order(c, val);
		else if (!strcmp(key, "sdist_valid"))
			run_sdist(c, key, val, true);
		else if (!strcmp(key, "sdist_invalid"))
			run_sdist(c, key, val, false);
		else if (!strcmp(key, "canonicalize_name"))
			run_canonicalize_name(c, val);
		else if (!strcmp(key, "canonicalize_version"))
			run_canonicalize_version(c, val);
		else if (!strcmp(key, "parse_tag"))
			run_parse_tag(c, key, val, true);
		else if (!strcmp(key, "parse_tag_invalid"))
			run_parse_tag(c, key, val, false);
		else if (!strcmp(key, "mac_binary_formats"))
			run_mac_binary_formats(c, val);
		else if (!strcmp(key, "cpython_tags"))
			run_cpython_tags(c, val);
		else if (!strcmp(key, "compatible_tags"))
			run_compatible_tags(c, val);
		else
			vec_unknown_key(c, key);
	}
}
