/*
 * v_pep440.c - conformance runners for pep440_versions.json and
 * pep440_specifiers.json (schemas in tests/vectors/README.md).
 */
#include "tests/vectors/vectors.h"
#include "pep/pep.h"

/* ---- helpers ------------------------------------------------------------ */

static int parse_version_json(json_t *j, struct pep_version *v,
			      struct cvl_error *err)
{
	size_t len;
	const char *s = vec_str(j, &len);

	if (!s)
		return cvl_error_set(err, CVL_EINVAL, "not a string");
	return pep_version_parse(v, s, len, err);
}

static void version_str(const struct pep_version *v, struct strbuf *sb)
{
	strbuf_reset(sb);
	pep_version_format(v, sb);
}

/* A JSON integer or a string of digits, formatted like pep_num_format. */
static bool num_matches(json_t *want, struct pep_num n)
{
	struct strbuf got = STRBUF_INIT;
	char buf[32];
	bool ok;

	pep_num_format(n, &got);
	if (!json_is_integer(want)) {
		strbuf_release(&got);
		return false;
	}
	snprintf(buf, sizeof(buf), "%" JSON_INTEGER_FORMAT, json_integer_value(want));
	ok = !strcmp(buf, got.buf);
	strbuf_release(&got);
	return ok;
}

static bool opt_num_matches(json_t *want, bool has, struct pep_num n)
{
	if (json_is_null(want))
		return !has;
	return has && num_matches(want, n);
}

static bool str_matches(json_t *want, const char *got, size_t len)
{
	size_t wlen;
	const char *w = vec_str(want, &wlen);

	return w && wlen == len && !memcmp(w, got, len);
}

/* ---- pep440_versions.json ----------------------------------------------- */

static void run_valid(struct vec_ctx *c, const char *key, json_t *arr,
		      bool want_ok)
{
	size_t i;
	json_t *item;

	json_array_foreach(arr, i, item) {
		struct pep_version v = PEP_VERSION_INIT;
		struct cvl_error err = CVL_ERROR_INIT;
		int r;

		if (!vec_begin(c, key, i, item))
			continue;
		r = parse_version_json(item, &v, &err);
		if (want_ok)
			vec_check(c, r == 0, "rejected: %s", err.msg);
		else
			vec_check(c, r < 0, "accepted");
		pep_version_release(&v);
	}
}

static void run_normalized(struct vec_ctx *c, json_t *arr)
{
	struct strbuf sb = STRBUF_INIT;
	size_t i;
	json_t *item;

	json_array_foreach(arr, i, item) {
		struct pep_version v = PEP_VERSION_INIT, v2 = PEP_VERSION_INIT;
		struct cvl_error err = CVL_ERROR_INIT;

		if (!vec_begin(c, "normalized", i, item))
			continue;
		if (parse_version_json(json_array_get(item, 0), &v, &err)) {
			vec_fail(c, "rejected: %s", err.msg);
			continue;
		}
		version_str(&v, &sb);
		if (!str_matches(json_array_get(item, 1), sb.buf, sb.len)) {
			vec_fail(c, "got '%s'", sb.buf);
		} else if (pep_version_parse(&v2, sb.buf, sb.len, &err) ||
			   pep_version_cmp(&v, &v2)) {
			vec_fail(c, "canonical form does not round-trip");
		} else {
			vec_pass(c);
		}
		pep_version_release(&v);
		pep_version_release(&v2);
	}
	strbuf_release(&sb);
}

static void run_ordered(struct vec_ctx *c, json_t *arr)
{
	size_t i, n = json_array_size(arr);
	struct pep_version *vs = xcalloc(n ? n : 1, sizeof(*vs));
	bool *ok = xcalloc(n ? n : 1, sizeof(*ok));

	for (i = 0; i < n; i++)
		ok[i] = !parse_version_json(json_array_get(arr, i), &vs[i], NULL);
	for (i = 0; i < n; i++) {
		json_t *item = json_array_get(arr, i);

		if (!vec_begin(c, "ordered", i, item))
			continue;
		if (!ok[i]) {
			vec_fail(c, "rejected");
			continue;
		}
		if (i + 1 < n && ok[i + 1]) {
			int r = pep_version_cmp(&vs[i], &vs[i + 1]);
			int back = pep_version_cmp(&vs[i + 1], &vs[i]);

			vec_check(c, r < 0 && back > 0,
				  "cmp with next %s gave %d (reverse %d)",
				  vec_dump(json_array_get(arr, i + 1)), r, back);
		} else {
			vec_check(c, pep_version_cmp(&vs[i], &vs[i]) == 0,
				  "not equal to itself");
		}
	}
	for (i = 0; i < n; i++)
		pep_version_release(&vs[i]);
	free(vs);
	free(ok);
}

static void run_compare(struct vec_ctx *c, json_t *arr)
{
	size_t i;
	json_t *item;

	json_array_foreach(arr, i, item) {
		struct pep_version a = PEP_VERSION_INIT, b = PEP_VERSION_INIT;
		json_int_t want = json_integer_value(json_array_get(item, 2));
		int r, back;

		if (!vec_begin(c, "compare", i, item))
			continue;
		if (parse_version_json(json_array_get(item, 0), &a, NULL) ||
		    parse_version_json(json_array_get(item, 1), &b, NULL)) {
			vec_fail(c, "rejected");
		} else {
			r = pep_version_cmp(&a, &b);
			back = pep_version_cmp(&b, &a);
			vec_check(c, r == want && back == -want,
				  "got %d (reverse %d)", r, back);
		}
		pep_version_release(&a);
		pep_version_release(&b);
	}
}

static bool check_attr(const struct pep_version *v, const char *attr,
		       json_t *want, struct strbuf *got)
{
	const struct pep_num *rel = pep_version_segments(v);
	static const char *const pre_letters[] = { "", "a", "b", "rc" };
	size_t i;

	strbuf_reset(got);
	if (!strcmp(attr, "epoch"))
		return num_matches(want, v->epoch);
	if (!strcmp(attr, "release")) {
		if (!json_is_array(want) || json_array_size(want) != v->nrelease)
			return false;
		for (i = 0; i < v->nrelease; i++)
			if (!num_matches(json_array_get(want, i), rel[i]))
				return false;
		return true;
	}
	if (!strcmp(attr, "major") || !strcmp(attr, "minor") ||
	    !strcmp(attr, "micro")) {
		size_t k = attr[1] == 'a' ? 0 : attr[1] == 'i' && attr[2] == 'n' ? 1 : 2;
		struct pep_num zero = { 0, NULL, 0 };

		return num_matches(want, k < v->nrelease ? rel[k] : zero);
	}
	if (!strcmp(attr, "pre")) {
		if (json_is_null(want))
			return v->pre_kind == PEP_PRE_NONE;
		if (v->pre_kind == PEP_PRE_NONE || json_array_size(want) != 2)
			return false;
		return str_matches(json_array_get(want, 0), pre_letters[v->pre_kind],
				   strlen(pre_letters[v->pre_kind])) &&
		       num_matches(json_array_get(want, 1), v->pre);
	}
	if (!strcmp(attr, "post"))
		return opt_num_matches(want, v->has_post, v->post);
	if (!strcmp(attr, "dev"))
		return opt_num_matches(want, v->has_dev, v->dev);
	if (!strcmp(attr, "local")) {
		if (json_is_null(want))
			return !v->local;
		return v->local && str_matches(want, v->local, strlen(v->local));
	}
	if (!strcmp(attr, "public")) {
		pep_version_format_public(v, got);
		return str_matches(want, got->buf, got->len);
	}
	if (!strcmp(attr, "base_version")) {
		pep_version_format_base(v, got);
		return str_matches(want, got->buf, got->len);
	}
	if (!strcmp(attr, "is_prerelease"))
		return json_is_boolean(want) &&
		       json_is_true(want) == pep_version_is_prerelease(v);
	if (!strcmp(attr, "is_postrelease"))
		return json_is_boolean(want) &&
		       json_is_true(want) == pep_version_is_postrelease(v);
	if (!strcmp(attr, "is_devrelease"))
		return json_is_boolean(want) &&
		       json_is_true(want) == pep_version_is_devrelease(v);
	strbuf_addstr(got, "unknown attribute");
	return false;
}

static void run_attributes(struct vec_ctx *c, json_t *arr)
{
	struct strbuf sb = STRBUF_INIT;
	size_t i;
	json_t *item;

	json_array_foreach(arr, i, item) {
		struct pep_version v = PEP_VERSION_INIT;
		const char *attr = json_string_value(json_array_get(item, 1));

		if (!vec_begin(c, "attributes", i, item))
			continue;
		if (!attr ||
		    parse_version_json(json_array_get(item, 0), &v, NULL)) {
			vec_fail(c, "rejected");
			continue;
		}
		if (check_attr(&v, attr, json_array_get(item, 2), &sb)) {
			vec_pass(c);
		} else {
			version_str(&v, &sb);
			vec_fail(c, "mismatch (parsed as '%s')", sb.buf);
		}
		pep_version_release(&v);
	}
	strbuf_release(&sb);
}

void vec_run_pep440_versions(struct vec_ctx *c, json_t *root)
{
	const char *key;
	json_t *val;

	json_object_foreach(root, key, val) {
		if (key[0] == '_')
			continue;
		if (!strcmp(key, "valid"))
			run_valid(c, key, val, true);
		else if (!strcmp(key, "invalid"))
			run_valid(c, key, val, false);
		else if (!strcmp(key, "normalized"))
			run_normalized(c, val);
		else if (!strcmp(key, "ordered"))
			run_ordered(c, val);
		else if (!strcmp(key, "compare"))
			run_compare(c, val);
		else if (!strcmp(key, "attributes"))
			run_attributes(c, val);
		else
			vec_unknown_key(c, key);
	}
}

/* ---- pep440_specifiers.json --------------------------------------------- */

static enum pep_prereleases json_pre(json_t *j)
{
	if (json_is_true(j))
		return PEP_PRERELEASES_YES;
	if (json_is_false(j))
		return PEP_PRERELEASES_NO;
	return PEP_PRERELEASES_UNSET;
}

static const char *pre_name(enum pep_prereleases p)
{
	return p == PEP_PRERELEASES_YES ? "true" :
	       p == PEP_PRERELEASES_NO ? "false" : "null";
}

static int parse_spec_json(json_t *j, struct pep_specifier *spec,
			   struct cvl_error *err)
{
	size_t len;
	const char *s = vec_str(j, &len);

	if (!s)
		return cvl_error_set(err, CVL_EINVAL, "not a string");
	return pep_specifier_parse(spec, s, len, err);
}

static int parse_set_json(json_t *j, struct pep_specset *set,
			  enum pep_prereleases pre, struct cvl_error *err)
{
	size_t len;
	const char *s = vec_str(j, &len);
	int r;

	if (!s)
		return cvl_error_set(err, CVL_EINVAL, "not a string");
	r = pep_specset_parse(set, s, len, err);
	set->prereleases = pre;
	return r;
}

static void run_spec_valid(struct vec_ctx *c, const char *key, json_t *arr,
			   bool set, bool want_ok)
{
	size_t i;
	json_t *item;

	json_array_foreach(arr, i, item) {
		struct pep_specifier spec;
		struct pep_specset ss = PEP_SPECSET_INIT;
		struct cvl_error err = CVL_ERROR_INIT;
		int r;

		if (!vec_begin(c, key, i, item))
			continue;
		if (set) {
			r = parse_set_json(item, &ss, PEP_PRERELEASES_UNSET, &err);
			pep_specset_release(&ss);
		} else {
			r = parse_spec_json(item, &spec, &err);
			if (!r)
				pep_specifier_release(&spec);
		}
		if (want_ok)
			vec_check(c, r == 0, "rejected: %s", err.msg);
		else
			vec_check(c, r < 0 && err.msg[0] && err.column > 0,
				  "accepted (or no message/column)");
	}
}

static void run_specifier_str(struct vec_ctx *c, json_t *arr)
{
	struct strbuf sb = STRBUF_INIT;
	size_t i;
	json_t *item;

	json_array_foreach(arr, i, item) {
		struct pep_specifier spec, again;
		struct cvl_error err = CVL_ERROR_INIT;
		const char *op;

		if (!vec_begin(c, "specifier_str", i, item))
			continue;
		if (parse_spec_json(json_array_get(item, 0), &spec, &err)) {
			vec_fail(c, "rejected: %s", err.msg);
			continue;
		}
		strbuf_reset(&sb);
		pep_specifier_format(&spec, &sb);
		op = pep_op_str(spec.op);
		if (!str_matches(json_array_get(item, 1), sb.buf, sb.len))
			vec_fail(c, "got '%s'", sb.buf);
		else if (!str_matches(json_array_get(item, 2), op, strlen(op)))
			vec_fail(c, "operator '%s'", op);
		else if (!str_matches(json_array_get(item, 3), spec.text,
				      strlen(spec.text)))
			vec_fail(c, "version '%s'", spec.text);
		else if (pep_specifier_parse(&again, sb.buf, sb.len, &err))
			vec_fail(c, "canonical form rejected: %s", err.msg);
		else {
			struct strbuf sb2 = STRBUF_INIT;

			pep_specifier_format(&again, &sb2);
			vec_check(c, !strcmp(sb.buf, sb2.buf),
				  "does not round-trip: '%s'", sb2.buf);
			strbuf_release(&sb2);
			pep_specifier_release(&again);
		}
		pep_specifier_release(&spec);
	}
	strbuf_release(&sb);
}

static void run_set_str(struct vec_ctx *c, json_t *arr)
{
	struct strbuf sb = STRBUF_INIT, sb2 = STRBUF_INIT;
	size_t i;
	json_t *item;

	json_array_foreach(arr, i, item) {
		struct pep_specset set = PEP_SPECSET_INIT, again = PEP_SPECSET_INIT;
		struct cvl_error err = CVL_ERROR_INIT;
		json_int_t n = json_integer_value(json_array_get(item, 2));

		if (!vec_begin(c, "set_str", i, item))
			continue;
		if (parse_set_json(json_array_get(item, 0), &set,
				   PEP_PRERELEASES_UNSET, &err)) {
			vec_fail(c, "rejected: %s", err.msg);
			continue;
		}
		strbuf_reset(&sb);
		strbuf_reset(&sb2);
		pep_specset_format(&set, &sb);
		if (!str_matches(json_array_get(item, 1), sb.buf, sb.len))
			vec_fail(c, "got '%s'", sb.buf);
		else if ((json_int_t)set.nr != n)
			vec_fail(c, "got %zu clauses", set.nr);
		else if (pep_specset_parse(&again, sb.buf, sb.len, &err))
			vec_fail(c, "canonical form rejected: %s", err.msg);
		else {
			pep_specset_format(&again, &sb2);
			vec_check(c, !strcmp(sb.buf, sb2.buf) &&
					     pep_specset_equal(&set, &again),
				  "does not round-trip: '%s'", sb2.buf);
		}
		pep_specset_release(&set);
		pep_specset_release(&again);
	}
	strbuf_release(&sb);
	strbuf_release(&sb2);
}

static void run_prereleases_detection(struct vec_ctx *c, json_t *arr)
{
	size_t i;
	json_t *item;

	json_array_foreach(arr, i, item) {
		struct pep_specifier spec;
		struct cvl_error err = CVL_ERROR_INIT;
		enum pep_prereleases want = json_pre(json_array_get(item, 1));
		enum pep_prereleases got;

		if (!vec_begin(c, "prereleases_detection", i, item))
			continue;
		if (parse_spec_json(json_array_get(item, 0), &spec, &err)) {
			vec_fail(c, "rejected: %s", err.msg);
			continue;
		}
		got = pep_specifier_prereleases(&spec);
		vec_check(c, got == want &&
				     pep_specifier_admits_prereleases(&spec) ==
					     (want == PEP_PRERELEASES_YES),
			  "got %s", pre_name(got));
		pep_specifier_release(&spec);
	}
}

static void run_contains(struct vec_ctx *c, const char *key, json_t *arr,
			 bool with_installed)
{
	size_t i;
	json_t *item;

	json_array_foreach(arr, i, item) {
		struct pep_specset set = PEP_SPECSET_INIT;
		struct cvl_error err = CVL_ERROR_INIT;
		bool want = json_is_true(json_array_get(item, 2));
		enum pep_prereleases pre = json_pre(json_array_get(item, 3));
		bool installed = with_installed &&
				 json_is_true(json_array_get(item, 4));
		size_t vlen;
		const char *vs = vec_str(json_array_get(item, 1), &vlen);
		bool got;

		if (!vec_begin(c, key, i, item))
			continue;
		if (!vs || parse_set_json(json_array_get(item, 0), &set,
					  PEP_PRERELEASES_UNSET, &err)) {
			vec_fail(c, "rejected: %s", err.msg);
			continue;
		}
		got = pep_specset_contains_str(&set, vs, vlen, pre, installed);
		/* The parsed-version entry point must agree (except '===',
		 * which compares the string as given). */
		if (got == want) {
			struct pep_version v = PEP_VERSION_INIT;
			bool arbitrary = false;
			size_t k;

			for (k = 0; k < set.nr; k++)
				arbitrary |= set.items[k].op == PEP_OP_ARBITRARY;
			if (!arbitrary && !pep_version_parse(&v, vs, vlen, NULL) &&
			    pep_specset_contains(&set, &v, pre, installed) != want)
				vec_fail(c, "pep_specset_contains() disagrees");
			else
				vec_pass(c);
			pep_version_release(&v);
		} else {
			vec_fail(c, "got %s", got ? "true" : "false");
		}
		pep_specset_release(&set);
	}
}

static void run_filter(struct vec_ctx *c, json_t *arr)
{
	size_t i;
	json_t *item;

	json_array_foreach(arr, i, item) {
		struct pep_specset set = PEP_SPECSET_INIT;
		struct cvl_error err = CVL_ERROR_INIT;
		json_t *in = json_array_get(item, 3), *want = json_array_get(item, 4);
		size_t n = json_array_size(in), k, nout;
		struct pep_version *vs = xcalloc(n + 1, sizeof(*vs));
		const struct pep_version **vp = xcalloc(n + 1, sizeof(*vp));
		const char **strs = xcalloc(n + 1, sizeof(*strs));
		size_t *out = xcalloc(n + 1, sizeof(*out));
		bool ok;

		if (!vec_begin(c, "filter", i, item))
			goto next;
		if (parse_set_json(json_array_get(item, 0), &set,
				   json_pre(json_array_get(item, 1)), &err)) {
			vec_fail(c, "rejected: %s", err.msg);
			goto next;
		}
		for (k = 0; k < n; k++) {
			size_t len;

			strs[k] = vec_str(json_array_get(in, k), &len);
			if (strs[k] && !pep_version_parse(&vs[k], strs[k], len, NULL))
				vp[k] = &vs[k];
		}
		nout = pep_specset_filter(&set, vp, strs, n,
					  json_pre(json_array_get(item, 2)), out);
		ok = nout == json_array_size(want);
		for (k = 0; ok && k < nout; k++)
			ok = json_equal(json_array_get(in, out[k]),
					json_array_get(want, k));
		if (ok) {
			vec_pass(c);
		} else {
			json_t *got = json_array();

			for (k = 0; k < nout; k++)
				json_array_append(got, json_array_get(in, out[k]));
			vec_fail(c, "got %s", vec_dump(got));
			json_decref(got);
		}
next:
		for (k = 0; k < n; k++)
			pep_version_release(&vs[k]);
		pep_specset_release(&set);
		free(vs);
		free(vp);
		free(strs);
		free(out);
	}
}

static void run_unsatisfiable(struct vec_ctx *c, json_t *arr)
{
	size_t i;
	json_t *item;

	json_array_foreach(arr, i, item) {
		struct pep_specset set = PEP_SPECSET_INIT;
		struct cvl_error err = CVL_ERROR_INIT;
		enum pep_prereleases pre = json_pre(json_array_get(item, 1));
		bool want = json_is_true(json_array_get(item, 2)), got;

		if (!vec_begin(c, "unsatisfiable", i, item))
			continue;
		if (parse_set_json(json_array_get(item, 0), &set, pre, &err)) {
			vec_fail(c, "rejected: %s", err.msg);
			continue;
		}
		got = pep_specset_is_unsatisfiable(&set, PEP_PRERELEASES_UNSET);
		vec_check(c, got == want, "got %s", got ? "true" : "false");
		pep_specset_release(&set);
	}
}

static void run_set_relations(struct vec_ctx *c, json_t *arr)
{
	size_t i;
	json_t *item;

	json_array_foreach(arr, i, item) {
		struct pep_specset a = PEP_SPECSET_INIT, b = PEP_SPECSET_INIT;
		struct cvl_error err = CVL_ERROR_INIT;
		const char *method = json_string_value(json_array_get(item, 0));
		bool want = json_is_true(json_array_get(item, 3)), got;

		if (!vec_begin(c, "set_relations", i, item))
			continue;
		if (!method ||
		    parse_set_json(json_array_get(item, 1), &a,
				   PEP_PRERELEASES_UNSET, &err) ||
		    parse_set_json(json_array_get(item, 2), &b,
				   PEP_PRERELEASES_UNSET, &err)) {
			vec_fail(c, "rejected: %s", err.msg);
			pep_specset_release(&a);
			continue;
		}
		if (!strcmp(method, "is_subset"))
			got = pep_specset_is_subset(&a, &b);
		else if (!strcmp(method, "is_superset"))
			got = pep_specset_is_superset(&a, &b);
		else if (!strcmp(method, "is_disjoint"))
			got = pep_specset_is_disjoint(&a, &b);
		else {
			vec_fail(c, "unknown method");
			goto next;
		}
		vec_check(c, got == want, "got %s", got ? "true" : "false");
next:
		pep_specset_release(&a);
		pep_specset_release(&b);
	}
}

static void run_equal(struct vec_ctx *c, json_t *arr)
{
	size_t i;
	json_t *item;

	json_array_foreach(arr, i, item) {
		struct pep_specset a = PEP_SPECSET_INIT, b = PEP_SPECSET_INIT;
		struct cvl_error err = CVL_ERROR_INIT;
		bool want = json_is_true(json_array_get(item, 2)), got, back;

		if (!vec_begin(c, "equal", i, item))
			continue;
		if (parse_set_json(json_array_get(item, 0), &a,
				   PEP_PRERELEASES_UNSET, &err) ||
		    parse_set_json(json_array_get(item, 1), &b,
				   PEP_PRERELEASES_UNSET, &err)) {
			vec_fail(c, "rejected: %s", err.msg);
			pep_specset_release(&a);
			continue;
		}
		got = pep_specset_equal(&a, &b);
		back = pep_specset_equal(&b, &a);
		vec_check(c, got == want && back == want, "got %s (reverse %s)",
			  got ? "true" : "false", back ? "true" : "false");
		pep_specset_release(&a);
		pep_specset_release(&b);
	}
}

void vec_run_pep440_specifiers(struct vec_ctx *c, json_t *root)
{
	const char *key;
	json_t *val;

	json_object_foreach(root, key, val) {
		if (key[0] == '_')
			continue;
		if (!strcmp(key, "valid"))
			run_spec_valid(c, key, val, false, true);
		else if (!strcmp(key, "invalid"))
			run_spec_valid(c, key, val, false, false);
		else if (!strcmp(key, "set_valid"))
			run_spec_valid(c, key, val, true, true);
		else if (!strcmp(key, "set_invalid"))
			run_spec_valid(c, key, val, true, false);
		else if (!strcmp(key, "specifier_str"))
			run_specifier_str(c, val);
		else if (!strcmp(key, "set_str"))
			run_set_str(c, val);
		else if (!strcmp(key, "prereleases_detection"))
			run_prereleases_detection(c, val);
		else if (!strcmp(key, "contains"))
			run_contains(c, key, val, false);
		else if (!strcmp(key, "contains_installed"))
			run_contains(c, key, val, true);
		else if (!strcmp(key, "filter"))
			run_filter(c, val);
		else if (!strcmp(key, "unsatisfiable"))
			run_unsatisfiable(c, val);
		else if (!strcmp(key, "set_relations"))
			run_set_relations(c, val);
		else if (!strcmp(key, "equal"))
			run_equal(c, val);
		else
			vec_unknown_key(c, key);
	}
}
