/*
 * diff_format.c - the three renderings of a struct lock_diff: text,
 * Markdown and JSON (formats described in lockfmt.h).
 */
#include "lockfmt/internal.h"

/* The names of the lock_change.what bits, in bit order. */
static const char *const what_names[] = {
	"marker", "source", "files", "hashes", "requires-python",
	"dependencies", "yanked",
};

/* ---- pieces shared by the renderers ------------------------------------ */

static const struct lock_package *change_pkg(const struct lock_change *c)
{
	return c->new ? c->new : c->old;
}

/* "1.0", "1.0 -> 2.0"; "-" for no version. */
static void change_versions(const struct lock_change *c, struct strbuf *out)
{
	const char *ov = c->old && c->old->version ? c->old->version : "-";
	const char *nv = c->new && c->new->version ? c->new->version : "-";

	if (!c->old)
		strbuf_addstr(out, nv);
	else if (!c->new)
		strbuf_addstr(out, ov);
	else if (c->kind == LOCK_CHANGE_CHANGED && !strcmp(ov, nv))
		strbuf_addstr(out, nv);
	else
		strbuf_addf(out, "%s -> %s", ov, nv);
}

/* "major" for a version move, "hashes, files" for a change in place. */
static void change_detail(const struct lock_change *c, struct strbuf *out)
{
	size_t k;
	bool first = true;

	if (c->kind == LOCK_CHANGE_UPGRADED ||
	    c->kind == LOCK_CHANGE_DOWNGRADED) {
		strbuf_addstr(out, lock_jump_name(c->jump));
		return;
	}
	if (c->kind != LOCK_CHANGE_CHANGED)
		return;
	for (k = 0; k < ARRAY_SIZE(what_names); k++) {
		if (!(c->what & (1u << k)))
			continue;
		if (!first)
			strbuf_addstr(out, ", ");
		strbuf_addstr(out, what_names[k]);
		first = false;
	}
}

static void summary_line(const struct lock_diff *d, struct strbuf *out)
{
	strbuf_addf(out,
		    "%zu added, %zu removed, %zu upgraded, %zu downgraded, "
		    "%zu changed, %zu unchanged; %zu risk%s",
		    d->nadded, d->nremoved, d->nupgraded, d->ndowngraded,
		    d->nchanged, d->nunchanged, d->nrisks,
		    d->nrisks == 1 ? "" : "s");
}

/* How a value is quoted: 'x' in text, a code span in Markdown. */
typedef void (*quote_fn)(struct strbuf *out, const char *s);

static void quote_text(struct strbuf *out, const char *s)
{
	strbuf_addf(out, "'%s'", s);
}

static void quote_or_none(struct strbuf *out, quote_fn q, const char *s)
{
	if (s)
		q(out, s);
	else
		strbuf_addstr(out, "none");
}

/* The sentence of a risk, after its subject ("gamma 2.0: "). */
static void risk_sentence(const struct lock_risk *r, quote_fn q,
			  struct strbuf *out)
{
	switch (r->kind) {
	case LOCK_RISK_HASH:
		strbuf_addf(out, "the %s of ", r->algo);
		q(out, r->file);
		strbuf_addstr(out, " changed but the version did not");
		return;
	case LOCK_RISK_INDEX:
		strbuf_addstr(out, "moved from index ");
		q(out, r->old);
		strbuf_addstr(out, " to ");
		q(out, r->new);
		return;
	case LOCK_RISK_SOURCE:
		strbuf_addstr(out, "source changed from ");
		q(out, r->old);
		strbuf_addstr(out, " to ");
		q(out, r->new);
		return;
	case LOCK_RISK_SDIST_ONLY:
		strbuf_addstr(out, "only an sdist");
		if (r->file) {
			strbuf_addstr(out, " (");
			q(out, r->file);
			strbuf_addch(out, ')');
		}
		strbuf_addstr(out, ": installing it builds it from source");
		return;
	case LOCK_RISK_YANKED:
		strbuf_addstr(out, "this version is yanked");
		if (r->new) {
			strbuf_addstr(out, ": ");
			q(out, r->new);
		}
		return;
	case LOCK_RISK_REQUIRES_PYTHON:
	case LOCK_RISK_LOCK_REQUIRES_PYTHON:
		strbuf_addstr(out, "requires-python changed from ");
		quote_or_none(out, q, r->old);
		strbuf_addstr(out, " to ");
		quote_or_none(out, q, r->new);
		return;
	case LOCK_RISK_ENVIRONMENTS:
		strbuf_addstr(out, "environments changed from ");
		quote_or_none(out, q, r->old);
		strbuf_addstr(out, " to ");
		quote_or_none(out, q, r->new);
		return;
	}
}

static void risk_subject(const struct lock_risk *r, struct strbuf *out)
{
	if (!r->pkg) {
		strbuf_addstr(out, "lockfile");
		return;
	}
	strbuf_addstr(out, r->pkg->name);
	if (r->pkg->version)
		strbuf_addf(out, " %s", r->pkg->version);
}

/* ---- text -------------------------------------------------------------- */

#define C_RESET "\033[m"
#define C_BOLD "\033[1m"
#define C_RED "\033[31m"
#define C_GREEN "\033[32m"
#define C_YELLOW "\033[33m"
#define C_MAGENTA "\033[35m"
#define C_CYAN "\033[36m"

static const char *kind_color(enum lock_change_kind kind)
{
	switch (kind) {
	case LOCK_CHANGE_ADDED:
		return C_GREEN;
	case LOCK_CHANGE_REMOVED:
		return C_RED;
	case LOCK_CHANGE_UPGRADED:
		return C_CYAN;
	case LOCK_CHANGE_DOWNGRADED:
		return C_MAGENTA;
	case LOCK_CHANGE_CHANGED:
		return C_YELLOW;
	}
	return "";
}

/* "name" or "name; marker" */
static void change_name(const struct lock_change *c, struct strbuf *out)
{
	const struct lock_package *p = change_pkg(c);

	strbuf_addstr(out, p->name);
	if (p->marker)
		strbuf_addf(out, "; %s", p->marker);
}

static void pad(struct strbuf *out, size_t have, size_t want)
{
	while (have++ < want)
		strbuf_addch(out, ' ');
}

static void join(const struct strvec *v, const char *sep, struct strbuf *out)
{
	size_t i;

	for (i = 0; i < v->nr; i++) {
		if (i)
			strbuf_addstr(out, sep);
		strbuf_addstr(out, v->v[i]);
	}
}

static void colored(struct strbuf *out, bool color, const char *code,
		    const char *s)
{
	if (color)
		strbuf_addf(out, "%s%s%s", code, s, C_RESET);
	else
		strbuf_addstr(out, s);
}

/* One line of the requirements section. */
struct req_line {
	enum lock_change_kind kind; /* ADDED, REMOVED or CHANGED */
	const char *old, *new;
};

static int req_line_cmp(const void *a, const void *b)
{
	const struct req_line *x = a, *y = b;

	return strcmp(x->old ? x->old : x->new, y->old ? y->old : y->new);
}

/* The requirement changes sorted by requirement (the old one first). */
static size_t requirement_lines(const struct lock_diff *d,
				struct req_line **out)
{
	size_t n = d->requirements_added.nr + d->requirements_removed.nr +
		   d->requirements_changed_old.nr;
	struct req_line *v = xcalloc(n + 1, sizeof(*v));
	size_t i, k = 0;

	for (i = 0; i < d->requirements_changed_old.nr; i++) {
		v[k].kind = LOCK_CHANGE_CHANGED;
		v[k].old = d->requirements_changed_old.v[i];
		v[k++].new = d->requirements_changed_new.v[i];
	}
	for (i = 0; i < d->requirements_added.nr; i++) {
		v[k].kind = LOCK_CHANGE_ADDED;
		v[k++].new = d->requirements_added.v[i];
	}
	for (i = 0; i < d->requirements_removed.nr; i++) {
		v[k].kind = LOCK_CHANGE_REMOVED;
		v[k++].old = d->requirements_removed.v[i];
	}
	if (n)
		qsort(v, n, sizeof(*v), req_line_cmp);
	*out = v;
	return n;
}

/* "  changed  " with the word coloured, padded to `width`. */
static void kind_cell(struct strbuf *out, bool color,
		      enum lock_change_kind kind, size_t width)
{
	const char *name = lock_change_kind_name(kind);

	strbuf_addstr(out, "  ");
	colored(out, color, kind_color(kind), name);
	pad(out, strlen(name), width + 2);
}

static void rtrim(struct strbuf *out, size_t start)
{
	while (out->len > start && out->buf[out->len - 1] == ' ')
		strbuf_setlen(out, out->len - 1);
}

void lock_diff_format_text(const struct lock_diff *d,
			   const struct lock_diff_style *st,
			   struct strbuf *out)
{
	struct strbuf *cols;
	struct req_line *reqs;
	size_t nreqs, wkind = 0, wname = 0, wver = 0, wdet = 0, i, k;
	bool color = st->color;

	colored(out, color, C_BOLD, "--- ");
	strbuf_addf(out, "%s\n", st->old_label ? st->old_label : "old");
	colored(out, color, C_BOLD, "+++ ");
	strbuf_addf(out, "%s\n", st->new_label ? st->new_label : "new");
	if (lock_diff_is_empty(d)) {
		strbuf_addstr(out, "no changes\n");
		return;
	}

	/* Columns: kind, name, versions, detail, then via unpadded. */
	nreqs = requirement_lines(d, &reqs);
	for (i = 0; i < nreqs; i++) {
		k = strlen(lock_change_kind_name(reqs[i].kind));
		if (k > wkind)
			wkind = k;
	}
	cols = xcalloc(d->nchanges * 3 + 1, sizeof(*cols));
	for (i = 0; i < d->nchanges; i++) {
		const struct lock_change *c = &d->changes[i];
		struct strbuf *col = &cols[i * 3];

		k = strlen(lock_change_kind_name(c->kind));
		strbuf_init(&col[0], 0);
		strbuf_init(&col[1], 0);
		strbuf_init(&col[2], 0);
		change_name(c, &col[0]);
		change_versions(c, &col[1]);
		change_detail(c, &col[2]);
		if (k > wkind)
			wkind = k;
		if (col[0].len > wname)
			wname = col[0].len;
		if (col[1].len > wver)
			wver = col[1].len;
		if (col[2].len > wdet)
			wdet = col[2].len;
	}

	if (nreqs)
		strbuf_addstr(out, "requirements:\n");
	for (i = 0; i < nreqs; i++) {
		kind_cell(out, color, reqs[i].kind, wkind);
		if (reqs[i].old && reqs[i].new)
			strbuf_addf(out, "%s -> %s\n", reqs[i].old,
				    reqs[i].new);
		else
			strbuf_addf(out, "%s\n",
				    reqs[i].old ? reqs[i].old : reqs[i].new);
	}
	if (d->nchanges)
		strbuf_addstr(out, "packages:\n");
	for (i = 0; i < d->nchanges; i++) {
		const struct lock_change *c = &d->changes[i];
		const struct strbuf *col = &cols[i * 3];
		size_t start = out->len;

		kind_cell(out, color, c->kind, wkind);
		strbuf_addstr(out, col[0].buf);
		pad(out, col[0].len, wname + 2);
		strbuf_addstr(out, col[1].buf);
		pad(out, col[1].len, wver + 2);
		if (wdet) {
			strbuf_addstr(out, col[2].buf);
			pad(out, col[2].len, wdet + 2);
		}
		if (c->via.nr) {
			strbuf_addstr(out, "via ");
			join(&c->via, ", ", out);
		}
		rtrim(out, start);
		strbuf_addch(out, '\n');
	}
	if (d->nrisks) {
		colored(out, color, C_BOLD C_RED, "risks:");
		strbuf_addch(out, '\n');
	}
	for (i = 0; i < d->nrisks; i++) {
		strbuf_addstr(out, "  ");
		risk_subject(&d->risks[i], out);
		strbuf_addstr(out, ": ");
		risk_sentence(&d->risks[i], quote_text, out);
		strbuf_addch(out, '\n');
	}
	summary_line(d, out);
	strbuf_addch(out, '\n');
	for (i = 0; i < d->nchanges * 3; i++)
		strbuf_release(&cols[i]);
	free(cols);
	free(reqs);
}

/* ---- Markdown ---------------------------------------------------------- */

/* Text in a table cell or a list: Markdown's punctuation escaped. */
static void md_text(struct strbuf *out, const char *s)
{
	for (; *s; s++) {
		if (strchr("\\`*_[]<>|#~!", *s))
			strbuf_addch(out, '\\');
		strbuf_addch(out, *s);
	}
}

/* A code span that holds any string (also inside a table: '|' escaped). */
static void md_code(struct strbuf *out, const char *s)
{
	size_t run = 0, longest = 0, k;
	const char *p;
	bool space;

	for (p = s; *p; p++) {
		run = *p == '`' ? run + 1 : 0;
		if (run > longest)
			longest = run;
	}
	space = *s == '`' || (*s && s[strlen(s) - 1] == '`');
	for (k = 0; k <= longest; k++)
		strbuf_addch(out, '`');
	if (space)
		strbuf_addch(out, ' ');
	for (p = s; *p; p++) {
		if (*p == '|')
			strbuf_addch(out, '\\');
		strbuf_addch(out, *p);
	}
	if (space)
		strbuf_addch(out, ' ');
	for (k = 0; k <= longest; k++)
		strbuf_addch(out, '`');
}

static void md_code_list(struct strbuf *out, const struct strvec *v)
{
	size_t i;

	for (i = 0; i < v->nr; i++) {
		if (i)
			strbuf_addstr(out, ", ");
		md_code(out, v->v[i]);
	}
}

void lock_diff_format_markdown(const struct lock_diff *d,
			       const struct lock_diff_style *st,
			       struct strbuf *out)
{
	struct strbuf sb = STRBUF_INIT;
	struct req_line *reqs;
	size_t nreqs, i;

	strbuf_addstr(out, "**cvlock diff** ");
	md_code(out, st->old_label ? st->old_label : "old");
	strbuf_addstr(out, " -> ");
	md_code(out, st->new_label ? st->new_label : "new");
	if (lock_diff_is_empty(d)) {
		strbuf_addstr(out, ": no changes\n");
		return;
	}
	strbuf_addstr(out, ": ");
	summary_line(d, out);
	strbuf_addstr(out, "\n");
	nreqs = requirement_lines(d, &reqs);
	if (nreqs)
		strbuf_addstr(out, "\n**Requirements**\n\n");
	for (i = 0; i < nreqs; i++) {
		strbuf_addf(out, "- %s ", lock_change_kind_name(reqs[i].kind));
		if (reqs[i].old)
			md_code(out, reqs[i].old);
		if (reqs[i].old && reqs[i].new)
			strbuf_addstr(out, " -> ");
		if (reqs[i].new)
			md_code(out, reqs[i].new);
		strbuf_addch(out, '\n');
	}
	free(reqs);
	if (d->nchanges) {
		strbuf_addstr(out, "\n| Package | Old | New | Change | Via |\n"
				   "| --- | --- | --- | --- | --- |\n");
	}
	for (i = 0; i < d->nchanges; i++) {
		const struct lock_change *c = &d->changes[i];
		const struct lock_package *p = change_pkg(c);

		strbuf_addstr(out, "| ");
		md_text(out, p->name);
		if (p->marker) {
			strbuf_addch(out, ' ');
			md_code(out, p->marker);
		}
		strbuf_addstr(out, " | ");
		if (c->old && c->old->version)
			md_text(out, c->old->version);
		strbuf_addstr(out, " | ");
		if (c->new && c->new->version)
			md_text(out, c->new->version);
		strbuf_addstr(out, " | ");
		strbuf_addstr(out, lock_change_kind_name(c->kind));
		strbuf_reset(&sb);
		change_detail(c, &sb);
		if (sb.len) {
			strbuf_addstr(out, " (");
			md_text(out, sb.buf);
			strbuf_addch(out, ')');
		}
		strbuf_addstr(out, " | ");
		md_code_list(out, &c->via);
		strbuf_addstr(out, " |\n");
	}
	if (d->nrisks)
		strbuf_addstr(out, "\n**Risks**\n\n");
	for (i = 0; i < d->nrisks; i++) {
		strbuf_reset(&sb);
		risk_subject(&d->risks[i], &sb);
		strbuf_addstr(out, "- **");
		md_text(out, sb.buf);
		strbuf_addstr(out, "**: ");
		risk_sentence(&d->risks[i], md_code, out);
		strbuf_addch(out, '\n');
	}
	strbuf_release(&sb);
}

/* ---- JSON -------------------------------------------------------------- */

static void json_str(struct strbuf *out, const char *s)
{
	const unsigned char *p;

	if (!s) {
		strbuf_addstr(out, "null");
		return;
	}
	strbuf_addch(out, '"');
	for (p = (const unsigned char *)s; *p; p++) {
		if (*p == '"' || *p == '\\')
			strbuf_addf(out, "\\%c", *p);
		else if (*p == '\n')
			strbuf_addstr(out, "\\n");
		else if (*p == '\t')
			strbuf_addstr(out, "\\t");
		else if (*p < 0x20 || *p == 0x7f)
			strbuf_addf(out, "\\u%04x", *p);
		else
			strbuf_addch(out, (char)*p);
	}
	strbuf_addch(out, '"');
}

static void json_strvec(struct strbuf *out, const struct strvec *v)
{
	size_t i;

	strbuf_addch(out, '[');
	for (i = 0; i < v->nr; i++) {
		if (i)
			strbuf_addstr(out, ", ");
		json_str(out, v->v[i]);
	}
	strbuf_addch(out, ']');
}

/* `"key": value` at `indent` spaces; `last` leaves the comma out. */
static void json_key(struct strbuf *out, int indent, const char *key)
{
	strbuf_addf(out, "%*s", indent, "");
	json_str(out, key);
	strbuf_addstr(out, ": ");
}

static void json_end(struct strbuf *out, bool last)
{
	strbuf_addstr(out, last ? "\n" : ",\n");
}

static void json_size(struct strbuf *out, int indent, const char *key,
		      size_t n, bool last)
{
	json_key(out, indent, key);
	strbuf_addf(out, "%zu", n);
	json_end(out, last);
}

static void json_kv(struct strbuf *out, int indent, const char *key,
		    const char *value, bool last)
{
	json_key(out, indent, key);
	json_str(out, value);
	json_end(out, last);
}

static void json_change(struct strbuf *out, const struct lock_change *c,
			bool last)
{
	struct strvec details = STRVEC_INIT;
	size_t k;

	strbuf_addstr(out, "    {\n");
	json_kv(out, 6, "name", change_pkg(c)->name, false);
	json_kv(out, 6, "change", lock_change_kind_name(c->kind), false);
	json_kv(out, 6, "old_version", c->old ? c->old->version : NULL,
		false);
	json_kv(out, 6, "new_version", c->new ? c->new->version : NULL,
		false);
	json_kv(out, 6, "old_marker", c->old ? c->old->marker : NULL, false);
	json_kv(out, 6, "new_marker", c->new ? c->new->marker : NULL, false);
	json_kv(out, 6, "jump",
		c->jump == LOCK_JUMP_NONE ? NULL : lock_jump_name(c->jump),
		false);
	for (k = 0; k < ARRAY_SIZE(what_names); k++)
		if (c->what & (1u << k))
			strvec_push(&details, what_names[k]);
	json_key(out, 6, "details");
	json_strvec(out, &details);
	json_end(out, false);
	json_key(out, 6, "via");
	json_strvec(out, &c->via);
	json_end(out, true);
	strbuf_addstr(out, last ? "    }\n" : "    },\n");
	strvec_clear(&details);
}

static void json_risk(struct strbuf *out, const struct lock_risk *r,
		      bool last)
{
	strbuf_addstr(out, "    {\n");
	json_kv(out, 6, "kind", lock_risk_kind_name(r->kind), false);
	json_kv(out, 6, "package", r->pkg ? r->pkg->name : NULL, false);
	json_kv(out, 6, "version", r->pkg ? r->pkg->version : NULL, false);
	json_kv(out, 6, "file", r->file, false);
	json_kv(out, 6, "algorithm", r->algo, false);
	json_kv(out, 6, "old", r->old, false);
	json_kv(out, 6, "new", r->new, true);
	strbuf_addstr(out, last ? "    }\n" : "    },\n");
}

void lock_diff_format_json(const struct lock_diff *d,
			   const struct lock_diff_style *st,
			   struct strbuf *out)
{
	size_t i;

	strbuf_addstr(out, "{\n");
	json_kv(out, 2, "old", st->old_label ? st->old_label : "old", false);
	json_kv(out, 2, "new", st->new_label ? st->new_label : "new", false);
	strbuf_addstr(out, "  \"summary\": {\n");
	json_size(out, 4, "added", d->nadded, false);
	json_size(out, 4, "removed", d->nremoved, false);
	json_size(out, 4, "upgraded", d->nupgraded, false);
	json_size(out, 4, "downgraded", d->ndowngraded, false);
	json_size(out, 4, "changed", d->nchanged, false);
	json_size(out, 4, "unchanged", d->nunchanged, false);
	json_size(out, 4, "risks", d->nrisks, true);
	strbuf_addstr(out, "  },\n  \"requirements\": {\n");
	json_key(out, 4, "added");
	json_strvec(out, &d->requirements_added);
	json_end(out, false);
	json_key(out, 4, "removed");
	json_strvec(out, &d->requirements_removed);
	json_end(out, false);
	json_key(out, 4, "changed");
	strbuf_addch(out, '[');
	for (i = 0; i < d->requirements_changed_old.nr; i++) {
		strbuf_addstr(out, i ? ",\n      {\"old\": " :
				       "\n      {\"old\": ");
		json_str(out, d->requirements_changed_old.v[i]);
		strbuf_addstr(out, ", \"new\": ");
		json_str(out, d->requirements_changed_new.v[i]);
		strbuf_addch(out, '}');
	}
	strbuf_addstr(out, d->requirements_changed_old.nr ? "\n    ]" : "]");
	json_end(out, true);
	strbuf_addstr(out, "  },\n  \"packages\": [");
	strbuf_addstr(out, d->nchanges ? "\n" : "],\n");
	for (i = 0; i < d->nchanges; i++)
		json_change(out, &d->changes[i], i + 1 == d->nchanges);
	if (d->nchanges)
		strbuf_addstr(out, "  ],\n");
	strbuf_addstr(out, "  \"risks\": [");
	strbuf_addstr(out, d->nrisks ? "\n" : "]\n");
	for (i = 0; i < d->nrisks; i++)
		json_risk(out, &d->risks[i], i + 1 == d->nrisks);
	if (d->nrisks)
		strbuf_addstr(out, "  ]\n");
	strbuf_addstr(out, "}\n");
}
