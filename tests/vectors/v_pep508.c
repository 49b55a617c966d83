/*
 * v_pep508.c - conformance runners for pep508_markers.json and
 * pep508_requirements.json (schemas in tests/vectors/README.md).
 *
 * Besides what each case states, every marker and requirement that parses
 * must print a string that parses back to the same string.
 */
#include "tests/vectors/vectors.h"
#include "pep/pep.h"

static bool str_eq(json_t *want, const char *got, size_t len)
{
	size_t wlen;
	const char *w = vec_str(want, &wlen);

	return w && wlen == len && !memcmp(w, got, len);
}

/* ---- markers ----------------------------------------------------------- */

/* str(Marker(str(m))) == str(m); on failure the reason goes to `why`. */
static bool marker_roundtrip(const struct pep_marker *m, struct strbuf *why)
{
	struct strbuf a = STRBUF_INIT, b = STRBUF_INIT;
	struct cvl_error err = CVL_ERROR_INIT;
	struct pep_marker *m2 = NULL;
	bool ok;

	pep_marker_format(m, &a);
	if (pep_marker_parse(&m2, a.buf, a.len, &err)) {
		strbuf_addf(why, "formatted marker '%s' does not parse: %s",
			    a.buf, err.msg);
		strbuf_release(&a);
		return false;
	}
	pep_marker_format(m2, &b);
	ok = a.len == b.len && !memcmp(a.buf, b.buf, a.len);
	if (!ok)
		strbuf_addf(why, "'%s' reformats as '%s'", a.buf, b.buf);
	pep_marker_free(m2);
	strbuf_release(&a);
	strbuf_release(&b);
	return ok;
}

static void run_marker_valid(struct vec_ctx *c, const char *key, json_t *arr)
{
	size_t i, len;
	json_t *item;

	json_array_foreach(arr, i, item) {
		struct cvl_error err = CVL_ERROR_INIT;
		struct strbuf why = STRBUF_INIT;
		struct pep_marker *m = NULL;
		const char *s;

		if (!vec_begin(c, key, i, item))
			continue;
		s = vec_str(item, &len);
		if (!s) {
			vec_fail(c, "case is not a string");
			continue;
		}
		if (pep_marker_parse(&m, s, len, &err)) {
			vec_fail(c, "rejected: %s", err.msg);
			continue;
		}
		vec_check(c, marker_roundtrip(m, &why), "%s", why.buf);
		strbuf_release(&why);
		pep_marker_free(m);
	}
}

static void run_marker_invalid(struct vec_ctx *c, const char *key, json_t *arr)
{
	size_t i, len;
	json_t *item;

	json_array_foreach(arr, i, item) {
		struct cvl_error err = CVL_ERROR_INIT;
		struct pep_marker *m = NULL;
		struct strbuf sb = STRBUF_INIT;
		const char *s;
		int ret;

		if (!vec_begin(c, key, i, item))
			continue;
		s = vec_str(item, &len);
		if (!s) {
			vec_fail(c, "case is not a string");
			continue;
		}
		ret = pep_marker_parse(&m, s, len, &err);
		if (!ret) {
			pep_marker_format(m, &sb);
			vec_fail(c, "accepted as '%s'", sb.buf);
		} else {
			vec_check(c, ret == -CVL_EINVAL && err.code == CVL_EINVAL &&
				     err.msg[0] && err.column > 0,
				  "bad error: %d '%s' column %d", ret, err.msg,
				  err.column);
		}
		pep_marker_free(m);
		strbuf_release(&sb);
	}
}

static void run_marker_normalized(struct vec_ctx *c, const char *key,
				  json_t *arr)
{
	size_t i, len;
	json_t *item;

	json_array_foreach(arr, i, item) {
		struct cvl_error err = CVL_ERROR_INIT;
		struct pep_marker *m = NULL;
		struct strbuf sb = STRBUF_INIT;
		const char *s;

		if (!vec_begin(c, key, i, item))
			continue;
		s = vec_str(json_array_get(item, 0), &len);
		if (!s || !json_is_string(json_array_get(item, 1))) {
			vec_fail(c, "malformed case");
			continue;
		}
		if (pep_marker_parse(&m, s, len, &err)) {
			vec_fail(c, "rejected: %s", err.msg);
			continue;
		}
		pep_marker_format(m, &sb);
		vec_check(c, str_eq(json_array_get(item, 1), sb.buf, sb.len),
			  "formatted as '%s'", sb.buf);
		strbuf_release(&sb);
		pep_marker_free(m);
	}
}

/*
 * An environment from a JSON object.  `lock_file`: packaging's lock-file
 * context (extras and dependency_groups default to empty sets, no extra).
 * Returns false on an unknown key.
 */
struct env_holder {
	struct pep_env env;
	struct strvec extras, groups;
};

static bool env_from_json(json_t *obj, bool lock_file, struct env_holder *h,
			  struct strbuf *why)
{
	const char *key;
	json_t *val;
	int i;

	memset(&h->env, 0, sizeof(h->env));
	strvec_init(&h->extras);
	strvec_init(&h->groups);
	if (lock_file) {
		h->env.has_extras = true;
		h->env.has_dependency_groups = true;
	}
	if (!json_is_object(obj)) {
		strbuf_addstr(why, "environment is not an object");
		return false;
	}
	json_object_foreach(obj, key, val) {
		if (!strcmp(key, "extras") || !strcmp(key, "dependency_groups")) {
			struct strvec *sv = key[0] == 'e' ? &h->extras : &h->groups;
			size_t k;
			json_t *x;

			if (!json_is_array(val)) {
				strbuf_addf(why, "'%s' is not a list", key);
				return false;
			}
			json_array_foreach(val, k, x) {
				if (!json_is_string(x)) {
					strbuf_addf(why, "'%s' holds a non-string", key);
					return false;
				}
				strvec_push(sv, json_string_value(x));
			}
			continue;
		}
		for (i = 0; i < PEP_ENV_NSTRVARS; i++) {
			if (!strcmp(key, pep_env_var_name((enum pep_env_var)i)))
				break;
		}
		if (i == PEP_ENV_NSTRVARS || !json_is_string(val)) {
			strbuf_addf(why, "unknown environment key '%s'", key);
			return false;
		}
		h->env.var[i] = json_string_value(val);
	}
	if (json_object_get(obj, "extras")) {
		h->env.has_extras = true;
		h->env.extras = (const char *const *)h->extras.v;
		h->env.nextras = h->extras.nr;
	}
	if (json_object_get(obj, "dependency_groups")) {
		h->env.has_dependency_groups = true;
		h->env.dependency_groups = (const char *const *)h->groups.v;
		h->env.ndependency_groups = h->groups.nr;
	}
	return true;
}

static void env_release(struct env_holder *h)
{
	strvec_clear(&h->extras);
	strvec_clear(&h->groups);
}

enum eval_kind { EVAL_BOOL, EVAL_ERROR, EVAL_SET };

static void run_marker_evaluate(struct vec_ctx *c, const char *key,
				json_t *arr, enum eval_kind kind)
{
	size_t i, len;
	json_t *item;

	json_array_foreach(arr, i, item) {
		struct cvl_error err = CVL_ERROR_INIT;
		struct pep_marker *m = NULL;
		struct strbuf why = STRBUF_INIT;
		struct env_holder h;
		json_t *want = json_array_get(item, 2);
		const char *s;
		bool result = false;
		int ret;

		if (!vec_begin(c, key, i, item))
			continue;
		s = vec_str(json_array_get(item, 0), &len);
		if (!s || !want) {
			vec_fail(c, "malformed case");
			continue;
		}
		if (!env_from_json(json_array_get(item, 1), kind == EVAL_SET, &h,
				   &why)) {
			vec_fail(c, "%s", why.buf);
			goto next;
		}
		if (pep_marker_parse(&m, s, len, &err)) {
			vec_fail(c, "rejected: %s", err.msg);
			goto next;
		}
		ret = pep_marker_evaluate(m, &h.env, &result, &err);
		if (kind != EVAL_ERROR) {
			if (ret)
				vec_fail(c, "evaluation failed: %s", err.msg);
			else
				vec_check(c, result == json_is_true(want),
					  "evaluated to %s",
					  result ? "true" : "false");
		} else {
			const char *w = json_string_value(want);
			const char *prefix = NULL;

			if (w && !strcmp(w, "UndefinedComparison"))
				prefix = "undefined comparison ";
			else if (w && !strcmp(w, "UndefinedEnvironmentName"))
				prefix = "undefined environment name ";
			if (!prefix)
				vec_fail(c, "unknown error kind");
			else if (!ret)
				vec_fail(c, "evaluated to %s, expected an error",
					 result ? "true" : "false");
			else
				vec_check(c, ret == -CVL_EUNDEFINED &&
					     !strncmp(err.msg, prefix, strlen(prefix)),
					  "wrong error %d: %s", ret, err.msg);
		}
next:
		pep_marker_free(m);
		env_release(&h);
		strbuf_release(&why);
	}
}

void vec_run_pep508_markers(struct vec_ctx *c, json_t *root)
{
	const char *key;
	json_t *val;

	json_object_foreach(root, key, val) {
		if (key[0] == '_')
			continue;
		if (!json_is_array(val)) {
			vec_unknown_key(c, key);
			continue;
		}
		if (!strcmp(key, "valid") || !strcmp(key, "valid_legacy"))
			run_marker_valid(c, key, val);
		else if (!strcmp(key, "invalid"))
			run_marker_invalid(c, key, val);
		else if (!strcmp(key, "normalized"))
			run_marker_normalized(c, key, val);
		else if (!strcmp(key, "evaluate"))
			run_marker_evaluate(c, key, val, EVAL_BOOL);
		else if (!strcmp(key, "evaluate_error"))
			run_marker_evaluate(c, key, val, EVAL_ERROR);
		else if (!strcmp(key, "evaluate_set_valued"))
			run_marker_evaluate(c, key, val, EVAL_SET);
		else
			vec_unknown_key(c, key);
	}
}

/* ---- requirements -------------------------------------------------------- */

static bool extras_eq(json_t *want, const struct strvec *sv)
{
	size_t i;
	json_t *x;

	if (!json_is_array(want) || json_array_size(want) != sv->nr)
		return false;
	json_array_foreach(want, i, x) {
		if (!str_eq(x, sv->v[i], strlen(sv->v[i])))
			return false;
	}
	return true;
}

static bool req_roundtrip(const struct pep_requirement *r, struct strbuf *why)
{
	struct pep_requirement r2 = PEP_REQUIREMENT_INIT;
	struct strbuf a = STRBUF_INIT, b = STRBUF_INIT;
	struct cvl_error err = CVL_ERROR_INIT;
	bool ok = false;

	pep_requirement_format(r, &a);
	if (pep_requirement_parse(&r2, a.buf, a.len, &err)) {
		strbuf_addf(why, "formatted '%s' does not parse: %s", a.buf,
			    err.msg);
		goto out;
	}
	pep_requirement_format(&r2, &b);
	if (a.len != b.len || memcmp(a.buf, b.buf, a.len)) {
		strbuf_addf(why, "'%s' reformats as '%s'", a.buf, b.buf);
		goto out;
	}
	if (!pep_requirement_equal(r, &r2)) {
		strbuf_addf(why, "'%s' is not equal to its reparse", a.buf);
		goto out;
	}
	ok = true;
out:
	pep_requirement_release(&r2);
	strbuf_release(&a);
	strbuf_release(&b);
	return ok;
}

static void run_req_valid(struct vec_ctx *c, const char *key, json_t *arr)
{
	size_t i, len;
	json_t *item;

	json_array_foreach(arr, i, item) {
		struct pep_requirement r = PEP_REQUIREMENT_INIT;
		struct cvl_error err = CVL_ERROR_INIT;
		struct strbuf sb = STRBUF_INIT, why = STRBUF_INIT;
		json_t *url, *marker;
		const char *s;

		if (!vec_begin(c, key, i, item))
			continue;
		s = vec_str(json_object_get(item, "input"), &len);
		if (!s) {
			vec_fail(c, "malformed case");
			continue;
		}
		if (pep_requirement_parse(&r, s, len, &err)) {
			vec_fail(c, "rejected: %s", err.msg);
			continue;
		}
		url = json_object_get(item, "url");
		marker = json_object_get(item, "marker");
		if (!str_eq(json_object_get(item, "name"), r.name, strlen(r.name))) {
			vec_fail(c, "name '%s'", r.name);
			goto next;
		}
		if (!extras_eq(json_object_get(item, "extras"), &r.extras)) {
			vec_fail(c, "extras differ (%zu)", r.extras.nr);
			goto next;
		}
		pep_specset_format(&r.spec, &sb);
		if (!str_eq(json_object_get(item, "specifier"), sb.buf, sb.len)) {
			vec_fail(c, "specifier '%s'", sb.buf);
			goto next;
		}
		if (json_is_null(url) ? r.url != NULL
				      : !r.url || !str_eq(url, r.url, strlen(r.url))) {
			vec_fail(c, "url %s", r.url ? r.url : "(none)");
			goto next;
		}
		strbuf_reset(&sb);
		if (r.marker)
			pep_marker_format(r.marker, &sb);
		if (json_is_null(marker) ? r.marker != NULL
					 : !r.marker || !str_eq(marker, sb.buf, sb.len)) {
			vec_fail(c, "marker %s", r.marker ? sb.buf : "(none)");
			goto next;
		}
		strbuf_reset(&sb);
		pep_requirement_format(&r, &sb);
		if (!str_eq(json_object_get(item, "str"), sb.buf, sb.len)) {
			vec_fail(c, "formatted as '%s'", sb.buf);
			goto next;
		}
		vec_check(c, req_roundtrip(&r, &why), "%s", why.buf);
next:
		pep_requirement_release(&r);
		strbuf_release(&sb);
		strbuf_release(&why);
	}
}

static void run_req_invalid(struct vec_ctx *c, const char *key, json_t *arr)
{
	size_t i, len;
	json_t *item;

	json_array_foreach(arr, i, item) {
		struct pep_requirement r = PEP_REQUIREMENT_INIT;
		struct cvl_error err = CVL_ERROR_INIT;
		struct strbuf sb = STRBUF_INIT;
		const char *s;
		int ret;

		if (!vec_begin(c, key, i, item))
			continue;
		s = vec_str(item, &len);
		if (!s) {
			vec_fail(c, "case is not a string");
			continue;
		}
		ret = pep_requirement_parse(&r, s, len, &err);
		if (!ret) {
			pep_requirement_format(&r, &sb);
			vec_fail(c, "accepted as '%s'", sb.buf);
		} else {
			vec_check(c, ret == -CVL_EINVAL && err.msg[0] &&
				     err.column > 0,
				  "bad error: %d '%s' column %d", ret, err.msg,
				  err.column);
		}
		pep_requirement_release(&r);
		strbuf_release(&sb);
	}
}

static void run_req_equal(struct vec_ctx *c, const char *key, json_t *arr)
{
	size_t i, alen, blen;
	json_t *item;

	json_array_foreach(arr, i, item) {
		struct pep_requirement a = PEP_REQUIREMENT_INIT;
		struct pep_requirement b = PEP_REQUIREMENT_INIT;
		struct cvl_error err = CVL_ERROR_INIT;
		const char *sa, *sb;
		json_t *want;

		if (!vec_begin(c, key, i, item))
			continue;
		sa = vec_str(json_array_get(item, 0), &alen);
		sb = vec_str(json_array_get(item, 1), &blen);
		want = json_array_get(item, 2);
		if (!sa || !sb || !json_is_boolean(want)) {
			vec_fail(c, "malformed case");
			continue;
		}
		if (pep_requirement_parse(&a, sa, alen, &err) ||
		    pep_requirement_parse(&b, sb, blen, &err)) {
			vec_fail(c, "rejected: %s", err.msg);
		} else {
			bool eq = pep_requirement_equal(&a, &b);
			bool eq2 = pep_requirement_equal(&b, &a);

			vec_check(c, eq == json_is_true(want) && eq2 == eq,
				  "equal is %s/%s", eq ? "true" : "false",
				  eq2 ? "true" : "false");
		}
		pep_requirement_release(&a);
		pep_requirement_release(&b);
	}
}

void vec_run_pep508_requirements(struct vec_ctx *c, json_t *root)
{
	const char *key;
	json_t *val;

	json_object_foreach(root, key, val) {
		if (key[0] == '_')
			continue;
		if (!json_is_array(val)) {
			vec_unknown_key(c, key);
			continue;
		}
		if (!strcmp(key, "valid"))
			run_req_valid(c, key, val);
		else if (!strcmp(key, "invalid"))
			run_req_invalid(c, key, val);
		else if (!strcmp(key, "equal"))
			run_req_equal(c, key, val);
		else
			vec_unknown_key(c, key);
	}
}
