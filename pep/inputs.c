/*
 * inputs.c - the normalized input set of a resolution and its hash.
 *
 * Inputs are kept in the order they were added (so messages can follow the
 * files); everything that leaves this file - the serialization, the hash,
 * the text listing - goes through sorted, deduplicated views, so that the
 * hash depends on what the inputs mean and not on how they were written.
 */
#include "pep/internal.h"

static const char *const prerelease_names[] = {
	[PEP_PRERELEASE_IF_NECESSARY] = "if-necessary",
	[PEP_PRERELEASE_ALLOW] = "allow",
	[PEP_PRERELEASE_DISALLOW] = "disallow",
};

static const char *const resolution_names[] = {
	[PEP_RESOLUTION_HIGHEST] = "highest",
	[PEP_RESOLUTION_LOWEST] = "lowest",
	[PEP_RESOLUTION_LOWEST_DIRECT] = "lowest-direct",
};

static bool name_eq(const char *s, size_t len, const char *name)
{
	return strlen(name) == len && !memcmp(s, name, len);
}

const char *pep_prerelease_mode_name(enum pep_prerelease_mode m)
{
	if ((size_t)m >= ARRAY_SIZE(prerelease_names))
		BUG("bad prerelease mode %d", (int)m);
	return prerelease_names[m];
}

bool pep_prerelease_mode_parse(const char *s, size_t len,
			       enum pep_prerelease_mode *out)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(prerelease_names); i++)
		if (name_eq(s, len, prerelease_names[i])) {
			*out = (enum pep_prerelease_mode)i;
			return true;
		}
	return false;
}

const char *pep_resolution_mode_name(enum pep_resolution_mode m)
{
	if ((size_t)m >= ARRAY_SIZE(resolution_names))
		BUG("bad resolution mode %d", (int)m);
	return resolution_names[m];
}

bool pep_resolution_mode_parse(const char *s, size_t len,
			       enum pep_resolution_mode *out)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(resolution_names); i++)
		if (name_eq(s, len, resolution_names[i])) {
			*out = (enum pep_resolution_mode)i;
			return true;
		}
	return false;
}

/* ---- lifecycle ----------------------------------------------------------- */

static void list_init(struct pep_input_list *l, const char *name, size_t len)
{
	memset(l, 0, sizeof(*l));
	if (name) {
		struct strbuf sb = STRBUF_INIT;

		pep_name_canonicalize(name, len, &sb);
		l->name = strbuf_detach(&sb, NULL);
	}
}

static void list_release(struct pep_input_list *l)
{
	size_t i;

	for (i = 0; i < l->nr; i++) {
		pep_requirement_release(&l->items[i].req);
		free(l->items[i].text);
		free(l->items[i].file);
	}
	free(l->items);
	free(l->name);
	memset(l, 0, sizeof(*l));
}

void pep_inputs_init(struct pep_inputs *in)
{
	memset(in, 0, sizeof(*in));
	strvec_init(&in->default_groups);
	strvec_init(&in->selected_extras);
	strvec_init(&in->selected_groups);
	strvec_init(&in->extra_index_urls);
	strvec_init(&in->find_links);
	strvec_init(&in->no_binary);
	strvec_init(&in->only_binary);
	in->prerelease = PEP_PRERELEASE_IF_NECESSARY;
	in->resolution = PEP_RESOLUTION_HIGHEST;
}

void pep_inputs_release(struct pep_inputs *in)
{
	size_t i;

	free(in->project_name);
	free(in->requires_python);
	list_release(&in->requirements);
	list_release(&in->constraints);
	list_release(&in->overrides);
	for (i = 0; i < in->nextras; i++)
		list_release(&in->extras[i]);
	free(in->extras);
	for (i = 0; i < in->ngroups; i++)
		list_release(&in->groups[i]);
	free(in->groups);
	strvec_clear(&in->default_groups);
	strvec_clear(&in->selected_extras);
	strvec_clear(&in->selected_groups);
	free(in->index_url);
	strvec_clear(&in->extra_index_urls);
	strvec_clear(&in->find_links);
	free(in->python_version);
	free(in->platform);
	free(in->implementation);
	free(in->exclude_newer);
	strvec_clear(&in->no_binary);
	strvec_clear(&in->only_binary);
	pep_inputs_init(in);
}

/* ---- requirements ---------------------------------------------------------- */

/* Rewrite the name and extras of `req` in canonical form. */
static void canonicalize_requirement(struct pep_requirement *req)
{
	struct strbuf sb = STRBUF_INIT;
	struct strvec extras = STRVEC_INIT;
	size_t i;

	pep_name_canonicalize(req->name, strlen(req->name), &sb);
	free(req->name);
	req->name = strbuf_detach(&sb, NULL);
	for (i = 0; i < req->extras.nr; i++) {
		strbuf_reset(&sb);
		pep_name_canonicalize(req->extras.v[i],
				      strlen(req->extras.v[i]), &sb);
		strvec_push(&extras, sb.buf);
	}
	strvec_sort(&extras);
	strvec_clear(&req->extras);
	for (i = 0; i < extras.nr; i++)
		if (!i || strcmp(extras.v[i], extras.v[i - 1]))
			strvec_push(&req->extras, extras.v[i]);
	strvec_clear(&extras);
	strbuf_release(&sb);
}

void pep_input_list_add(struct pep_input_list *list,
			struct pep_requirement *req, const char *file,
			int line, int column)
{
	struct pep_requirement empty = PEP_REQUIREMENT_INIT;
	struct pep_input_req *it;
	struct strbuf sb = STRBUF_INIT;

	ALLOC_GROW(list->items, list->nr + 1, list->alloc);
	it = &list->items[list->nr++];
	it->req = *req;
	*req = empty;
	canonicalize_requirement(&it->req);
	pep_requirement_format(&it->req, &sb);
	it->text = strbuf_detach(&sb, NULL);
	it->file = xstrdup(file ? file : "");
	it->line = line;
	it->column = column;
}

int pep_input_list_add_string(struct pep_input_list *list, const char *text,
			      size_t len, const char *file, int line,
			      int column, struct cvl_error *err)
{
	struct pep_requirement req = PEP_REQUIREMENT_INIT;
	int r;

	r = pep_requirement_parse(&req, text, len, err);
	if (r < 0) {
		pep_requirement_release(&req);
		return r;
	}
	pep_input_list_add(list, &req, file, line, column);
	return 0;
}

static struct pep_input_list *find_list(struct pep_input_list *v, size_t n,
					const char *name, size_t len)
{
	struct strbuf sb = STRBUF_INIT;
	struct pep_input_list *found = NULL;
	size_t i;

	pep_name_canonicalize(name, len, &sb);
	for (i = 0; i < n; i++)
		if (!strcmp(v[i].name, sb.buf)) {
			found = &v[i];
			break;
		}
	strbuf_release(&sb);
	return found;
}

struct pep_input_list *pep_inputs_find_extra(const struct pep_inputs *in,
					     const char *name, size_t len)
{
	return find_list(in->extras, in->nextras, name, len);
}

struct pep_input_list *pep_inputs_find_group(const struct pep_inputs *in,
					     const char *name, size_t len)
{
	return find_list(in->groups, in->ngroups, name, len);
}

struct pep_input_list *pep_inputs_add_extra(struct pep_inputs *in,
					    const char *name, size_t len)
{
	struct pep_input_list *l = pep_inputs_find_extra(in, name, len);

	if (l)
		return l;
	ALLOC_GROW(in->extras, in->nextras + 1, in->alloc_extras);
	l = &in->extras[in->nextras++];
	list_init(l, name, len);
	return l;
}

struct pep_input_list *pep_inputs_add_group(struct pep_inputs *in,
					    const char *name, size_t len)
{
	struct pep_input_list *l = pep_inputs_find_group(in, name, len);

	if (l)
		return l;
	ALLOC_GROW(in->groups, in->ngroups + 1, in->alloc_groups);
	l = &in->groups[in->ngroups++];
	list_init(l, name, len);
	return l;
}

static void strvec_push_unique(struct strvec *sv, const char *s)
{
	size_t i;

	for (i = 0; i < sv->nr; i++)
		if (!strcmp(sv->v[i], s))
			return;
	strvec_push(sv, s);
}

void pep_inputs_add_reqfile(struct pep_inputs *in, struct pep_reqfile *rf,
			    const char *file, bool constraints)
{
	size_t i;

	for (i = 0; i < rf->nr; i++) {
		struct pep_reqfile_entry *e = &rf->items[i];

		switch (e->kind) {
		case PEP_REQFILE_REQUIREMENT:
			pep_input_list_add(constraints ? &in->constraints
						       : &in->requirements,
					   &e->req, file, e->line, e->column);
			break;
		case PEP_REQFILE_INCLUDE:
		case PEP_REQFILE_CONSTRAINT:
			break; /* the caller reads them */
		case PEP_REQFILE_INDEX_URL:
			free(in->index_url);
			in->index_url = xstrdup(e->value);
			break;
		case PEP_REQFILE_EXTRA_INDEX_URL:
			strvec_push_unique(&in->extra_index_urls, e->value);
			break;
		case PEP_REQFILE_FIND_LINKS:
			strvec_push_unique(&in->find_links, e->value);
			break;
		case PEP_REQFILE_NO_INDEX:
			in->no_index = true;
			break;
		case PEP_REQFILE_PRE:
			in->prerelease = PEP_PRERELEASE_ALLOW;
			break;
		case PEP_REQFILE_NO_BINARY:
			pep_format_control_apply(&in->no_binary,
						 &in->only_binary, e->value);
			break;
		case PEP_REQFILE_ONLY_BINARY:
			pep_format_control_apply(&in->only_binary,
						 &in->no_binary, e->value);
			break;
		}
	}
}

/* ---- format control (pip's --no-binary / --only-binary) ---------------- */

static void sorted_unique(const struct strvec *in, struct strvec *out);

int pep_format_control_check(const char *value, size_t len,
			     struct cvl_error *err)
{
	size_t i = 0;

	for (;;) {
		const char *comma = memchr(value + i, ',', len - i);
		size_t end = comma ? (size_t)(comma - value) : len;
		const char *item = value + i;
		size_t n = end - i;

		if (!(n == 5 && !memcmp(item, ":all:", 5)) &&
		    !(n == 6 && !memcmp(item, ":none:", 6)) &&
		    !pep_name_is_valid(item, n))
			return cvl_error_set(err, CVL_EINVAL,
					     "invalid project name '%.*s' in '%.*s'",
					     (int)n, item, (int)len, value);
		if (!comma)
			return 0;
		i = end + 1;
	}
}

static void strvec_remove(struct strvec *sv, const char *s)
{
	size_t i, n = 0;

	for (i = 0; i < sv->nr; i++) {
		if (!strcmp(sv->v[i], s))
			free(sv->v[i]);
		else
			sv->v[n++] = sv->v[i];
	}
	sv->nr = n;
	if (sv->alloc)
		sv->v[n] = NULL;
}

/* pip's FormatControl.handle_mutual_excludes */
void pep_format_control_apply(struct strvec *target, struct strvec *other,
			      const char *value)
{
	struct strbuf sb = STRBUF_INIT;
	const char *p = value, *all = NULL, *q;

	/* everything up to the last ":all:" is covered by it */
	for (q = strstr(value, ":all:"); q; q = strstr(q + 1, ":all:"))
		all = q;
	if (all) {
		strvec_clear(target);
		strvec_clear(other);
		strvec_push(target, ":all:");
		p = all + 5;
		if (!strstr(p, ":none:"))
			return;
	}
	while (*p) {
		const char *comma = strchr(p, ',');
		size_t n = comma ? (size_t)(comma - p) : strlen(p);

		if (n == 6 && !memcmp(p, ":none:", 6)) {
			strvec_clear(target);
		} else if (n) {
			strbuf_reset(&sb);
			pep_name_canonicalize(p, n, &sb);
			strvec_remove(other, sb.buf);
			strvec_push_unique(target, sb.buf);
		}
		p += n;
		if (*p == ',')
			p++;
	}
	strbuf_release(&sb);
}

static bool strvec_has(const struct strvec *sv, const char *s)
{
	size_t i;

	for (i = 0; i < sv->nr; i++)
		if (!strcmp(sv->v[i], s))
			return true;
	return false;
}

/* pip's FormatControl.get_allowed_formats */
void pep_format_control_allowed(const struct strvec *no_binary,
				const struct strvec *only_binary,
				const char *canonical_name, bool *binary,
				bool *source)
{
	*binary = true;
	*source = true;
	if (strvec_has(only_binary, canonical_name))
		*source = false;
	else if (strvec_has(no_binary, canonical_name))
		*binary = false;
	else if (strvec_has(only_binary, ":all:"))
		*source = false;
	else if (strvec_has(no_binary, ":all:"))
		*binary = false;
}

void pep_format_control_format(const struct strvec *set, struct strbuf *out)
{
	struct strvec s = STRVEC_INIT;
	size_t i;

	sorted_unique(set, &s);
	for (i = 0; i < s.nr; i++)
		strbuf_addf(out, "%s%s", i ? "," : "", s.v[i]);
	strvec_clear(&s);
}

/* ---- selection --------------------------------------------------------- */

static void push_canonical(struct strvec *sv, const char *name)
{
	struct strbuf sb = STRBUF_INIT;

	pep_name_canonicalize(name, strlen(name), &sb);
	strvec_push_unique(sv, sb.buf);
	strbuf_release(&sb);
}

/* "defined extras: a, b" (sorted), or `none` when there are none. */
static void hint_names(struct cvl_error *err, const char *what,
		       const struct pep_input_list *lists, size_t n,
		       const char *none)
{
	struct strvec names = STRVEC_INIT;
	struct strbuf sb = STRBUF_INIT;
	size_t i;

	if (!n) {
		cvl_error_hint(err, "%s", none);
		return;
	}
	for (i = 0; i < n; i++)
		strvec_push(&names, lists[i].name);
	strvec_sort(&names);
	for (i = 0; i < names.nr; i++)
		strbuf_addf(&sb, "%s%s", i ? ", " : "", names.v[i]);
	cvl_error_hint(err, "defined %s: %s", what, sb.buf);
	strbuf_release(&sb);
	strvec_clear(&names);
}

int pep_inputs_select_extra(struct pep_inputs *in, const char *name,
			    struct cvl_error *err)
{
	if (!pep_inputs_find_extra(in, name, strlen(name))) {
		int r = cvl_error_set(err, CVL_EINVAL,
				      "extra '%s' is not defined", name);

		hint_names(err, "extras", in->extras, in->nextras,
			   "the project defines no extras");
		return r;
	}
	push_canonical(&in->selected_extras, name);
	return 0;
}

void pep_inputs_select_all_extras(struct pep_inputs *in)
{
	size_t i;

	for (i = 0; i < in->nextras; i++)
		strvec_push_unique(&in->selected_extras, in->extras[i].name);
}

int pep_inputs_select_group(struct pep_inputs *in, const char *name,
			    struct cvl_error *err)
{
	if (!pep_inputs_find_group(in, name, strlen(name))) {
		int r = cvl_error_set(err, CVL_EINVAL,
				      "dependency group '%s' is not defined",
				      name);

		hint_names(err, "groups", in->groups, in->ngroups,
			   "the project defines no [dependency-groups]");
		return r;
	}
	push_canonical(&in->selected_groups, name);
	return 0;
}

void pep_inputs_select_all_groups(struct pep_inputs *in)
{
	size_t i;

	for (i = 0; i < in->ngroups; i++)
		strvec_push_unique(&in->selected_groups, in->groups[i].name);
}

void pep_inputs_select_default_groups(struct pep_inputs *in)
{
	size_t i;

	if (in->has_default_groups) {
		for (i = 0; i < in->default_groups.nr; i++)
			strvec_push_unique(&in->selected_groups,
					   in->default_groups.v[i]);
		return;
	}
	if (pep_inputs_find_group(in, "dev", 3))
		strvec_push_unique(&in->selected_groups, "dev");
}

/* ---- sorted views ------------------------------------------------------ */

static int cmp_req(const void *pa, const void *pb)
{
	const struct pep_input_req *a = *(const struct pep_input_req *const *)pa;
	const struct pep_input_req *b = *(const struct pep_input_req *const *)pb;
	/* by name first, so "pytest>=8" comes before "pytest-cov" */
	int c = strcmp(a->req.name, b->req.name);

	if (c)
		return c;
	c = strcmp(a->text, b->text);
	if (c)
		return c;
	c = strcmp(a->file, b->file);
	if (c)
		return c;
	if (a->line != b->line)
		return a->line < b->line ? -1 : 1;
	if (a->column != b->column)
		return a->column < b->column ? -1 : 1;
	return 0;
}

size_t pep_input_list_sorted(const struct pep_input_list *list,
			     const struct pep_input_req ***out)
{
	const struct pep_input_req **v;
	size_t i, n = 0;

	v = xmalloc((list->nr ? list->nr : 1) * sizeof(*v));
	for (i = 0; i < list->nr; i++)
		v[i] = &list->items[i];
	if (list->nr > 1)
		qsort(v, list->nr, sizeof(*v), cmp_req);
	for (i = 0; i < list->nr; i++)
		if (!n || strcmp(v[i]->text, v[n - 1]->text))
			v[n++] = v[i];
	*out = v;
	return n;
}

static int cmp_list(const void *pa, const void *pb)
{
	const struct pep_input_list *a = *(const struct pep_input_list *const *)pa;
	const struct pep_input_list *b = *(const struct pep_input_list *const *)pb;

	return strcmp(a->name, b->name);
}

static const struct pep_input_list **sorted_lists(const struct pep_input_list *v,
						  size_t n)
{
	const struct pep_input_list **out = xmalloc((n ? n : 1) * sizeof(*out));
	size_t i;

	for (i = 0; i < n; i++)
		out[i] = &v[i];
	if (n > 1)
		qsort(out, n, sizeof(*out), cmp_list);
	return out;
}

/* A sorted copy without duplicates. */
static void sorted_unique(const struct strvec *in, struct strvec *out)
{
	struct strvec tmp = STRVEC_INIT;
	size_t i;

	for (i = 0; i < in->nr; i++)
		strvec_push(&tmp, in->v[i]);
	strvec_sort(&tmp);
	for (i = 0; i < tmp.nr; i++)
		if (!i || strcmp(tmp.v[i], tmp.v[i - 1]))
			strvec_push(out, tmp.v[i]);
	strvec_clear(&tmp);
}

/* ---- serialization and hash ------------------------------------------- */

/* A length-prefixed string: "5:hello", so no content can fake a field. */
static void put_str(struct strbuf *out, const char *s)
{
	size_t n = strlen(s);

	strbuf_add_u64(out, n);
	strbuf_addch(out, ':');
	strbuf_add(out, s, n);
}

static void put_field(struct strbuf *out, const char *key, const char *s)
{
	strbuf_addstr(out, key);
	strbuf_addch(out, ' ');
	put_str(out, s);
	strbuf_addch(out, '\n');
}

static void put_list(struct strbuf *out, const char *key,
		     const struct pep_input_list *l)
{
	const struct pep_input_req **v;
	size_t i, n = pep_input_list_sorted(l, &v);

	for (i = 0; i < n; i++) {
		strbuf_addstr(out, key);
		strbuf_addch(out, ' ');
		if (l->name) {
			put_str(out, l->name);
			strbuf_addch(out, ' ');
		}
		put_str(out, v[i]->text);
		strbuf_addch(out, '\n');
	}
	free(v);
}

static void put_named_lists(struct strbuf *out, const char *key,
			    const char *item_key,
			    const struct pep_input_list *lists, size_t n)
{
	const struct pep_input_list **v = sorted_lists(lists, n);
	size_t i;

	for (i = 0; i < n; i++) {
		/* an empty extra or group is still part of the project */
		put_field(out, key, v[i]->name);
		put_list(out, item_key, v[i]);
	}
	free(v);
}

static void put_strvec_sorted(struct strbuf *out, const char *key,
			      const struct strvec *sv)
{
	struct strvec s = STRVEC_INIT;
	size_t i;

	sorted_unique(sv, &s);
	for (i = 0; i < s.nr; i++)
		put_field(out, key, s.v[i]);
	strvec_clear(&s);
}

void pep_inputs_serialize(const struct pep_inputs *in, struct strbuf *out)
{
	size_t i;

	strbuf_addstr(out, "cvlock-inputs 1\n");
	if (in->project_name)
		put_field(out, "project", in->project_name);
	if (in->requires_python)
		put_field(out, "requires-python", in->requires_python);
	if (in->python_version)
		put_field(out, "python-version", in->python_version);
	if (in->index_url)
		put_field(out, "index-url", in->index_url);
	/* in order: the first index that has a package wins */
	for (i = 0; i < in->extra_index_urls.nr; i++)
		put_field(out, "extra-index-url", in->extra_index_urls.v[i]);
	put_strvec_sorted(out, "find-links", &in->find_links);
	if (in->no_index)
		strbuf_addstr(out, "no-index\n");
	put_field(out, "prerelease", pep_prerelease_mode_name(in->prerelease));
	put_field(out, "resolution", pep_resolution_mode_name(in->resolution));
	/* settings added later: only when set, so older hashes stay valid */
	if (in->platform)
		put_field(out, "platform", in->platform);
	if (in->implementation)
		put_field(out, "implementation", in->implementation);
	if (in->exclude_newer)
		put_field(out, "exclude-newer", in->exclude_newer);
	put_strvec_sorted(out, "no-binary", &in->no_binary);
	put_strvec_sorted(out, "only-binary", &in->only_binary);
	put_list(out, "requirement", &in->requirements);
	put_list(out, "constraint", &in->constraints);
	put_list(out, "override", &in->overrides);
	put_named_lists(out, "extra", "extra-requirement", in->extras,
			in->nextras);
	put_named_lists(out, "group", "group-requirement", in->groups,
			in->ngroups);
	if (in->has_default_groups) {
		strbuf_addstr(out, "default-groups\n");
		put_strvec_sorted(out, "default-group", &in->default_groups);
	}
	put_strvec_sorted(out, "select-extra", &in->selected_extras);
	put_strvec_sorted(out, "select-group", &in->selected_groups);
}

void pep_inputs_hash(const struct pep_inputs *in, char out[65])
{
	struct strbuf sb = STRBUF_INIT;

	pep_inputs_serialize(in, &sb);
	sha256_hex(sb.buf, sb.len, out);
	strbuf_release(&sb);
}

/* ---- text listing ------------------------------------------------------ */

static void text_reqs(struct strbuf *out, const char *indent,
		      const struct pep_input_list *l)
{
	const struct pep_input_req **v;
	size_t i, n = pep_input_list_sorted(l, &v);

	for (i = 0; i < n; i++)
		strbuf_addf(out, "%s%s  (%s:%d)\n", indent, v[i]->text,
			    v[i]->file, v[i]->line);
	free(v);
}

static void text_section(struct strbuf *out, const char *title,
			 const struct pep_input_list *l)
{
	if (!l->nr)
		return;
	strbuf_addf(out, "%s:\n", title);
	text_reqs(out, "  ", l);
}

static void text_named(struct strbuf *out, const char *title,
		       const struct pep_input_list *lists, size_t n)
{
	const struct pep_input_list **v;
	size_t i;

	if (!n)
		return;
	v = sorted_lists(lists, n);
	strbuf_addf(out, "%s:\n", title);
	for (i = 0; i < n; i++) {
		strbuf_addf(out, "  %s:%s\n", v[i]->name,
			    v[i]->nr ? "" : " (empty)");
		text_reqs(out, "    ", v[i]);
	}
	free(v);
}

static void text_names(struct strbuf *out, const char *title,
		       const struct strvec *sv, bool always)
{
	struct strvec s = STRVEC_INIT;
	size_t i;

	if (!sv->nr && !always)
		return;
	sorted_unique(sv, &s);
	strbuf_addf(out, "%s:", title);
	for (i = 0; i < s.nr; i++)
		strbuf_addf(out, "%s%s", i ? ", " : " ", s.v[i]);
	if (!s.nr)
		strbuf_addstr(out, " (none)");
	strbuf_addch(out, '\n');
	strvec_clear(&s);
}

void pep_inputs_format_text(const struct pep_inputs *in, struct strbuf *out)
{
	char hex[65];
	size_t i;

	if (in->project_name)
		strbuf_addf(out, "project: %s\n", in->project_name);
	if (in->requires_python)
		strbuf_addf(out, "requires-python: %s\n", in->requires_python);
	if (in->python_version)
		strbuf_addf(out, "python-version: %s\n", in->python_version);
	if (in->index_url)
		strbuf_addf(out, "index-url: %s\n", in->index_url);
	for (i = 0; i < in->extra_index_urls.nr; i++)
		strbuf_addf(out, "extra-index-url: %s\n",
			    in->extra_index_urls.v[i]);
	{
		struct strvec s = STRVEC_INIT;

		sorted_unique(&in->find_links, &s);
		for (i = 0; i < s.nr; i++)
			strbuf_addf(out, "find-links: %s\n", s.v[i]);
		strvec_clear(&s);
	}
	if (in->no_index)
		strbuf_addstr(out, "no-index: true\n");
	strbuf_addf(out, "prerelease: %s\n",
		    pep_prerelease_mode_name(in->prerelease));
	strbuf_addf(out, "resolution: %s\n",
		    pep_resolution_mode_name(in->resolution));
	if (in->platform)
		strbuf_addf(out, "platform: %s\n", in->platform);
	if (in->implementation)
		strbuf_addf(out, "implementation: %s\n", in->implementation);
	if (in->exclude_newer)
		strbuf_addf(out, "exclude-newer: %s\n", in->exclude_newer);
	if (in->no_binary.nr) {
		strbuf_addstr(out, "no-binary: ");
		pep_format_control_format(&in->no_binary, out);
		strbuf_addch(out, '\n');
	}
	if (in->only_binary.nr) {
		strbuf_addstr(out, "only-binary: ");
		pep_format_control_format(&in->only_binary, out);
		strbuf_addch(out, '\n');
	}
	text_section(out, "requirements", &in->requirements);
	text_section(out, "constraints", &in->constraints);
	text_section(out, "overrides", &in->overrides);
	text_named(out, "extras", in->extras, in->nextras);
	text_named(out, "groups", in->groups, in->ngroups);
	if (in->has_default_groups)
		text_names(out, "default-groups", &in->default_groups, true);
	text_names(out, "selected extras", &in->selected_extras, false);
	text_names(out, "selected groups", &in->selected_groups, false);
	pep_inputs_hash(in, hex);
	strbuf_addf(out, "hash: sha256:%s\n", hex);
}
