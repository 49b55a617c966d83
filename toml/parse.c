/*
 * parse.c - TOML 1.0 documents: lines, comments, keys, [table] and
 * [[array]] headers, key/value pairs, arrays and inline tables.  The
 * leaves (strings, numbers, dates) are read by scalar.c.
 *
 * One pass, no separate lexer: TOML's tokens depend on where they occur
 * (1979-05-27 is a date as a value but a bare key before '=' may look
 * alike), so each rule reads the bytes it expects.  The input is checked
 * to be UTF-8 first, so the rules only deal with ASCII structure.
 *
 * Recursion happens only for nested arrays and inline tables, and every
 * new table or array checks TOML_MAX_DEPTH, so the stack stays bounded.
 */
#include "toml/internal.h"

static bool is_control(unsigned char c)
{
	return (c < 0x20 && c != '\t') || c == 0x7f;
}

void toml_parser_where(struct toml_parser *p, size_t pos, int *line,
		       int *column)
{
	size_t col;

	if (pos > p->len)
		pos = p->len;
	/* Positions are asked for in document order, except for errors. */
	if (pos < p->lc_pos) {
		p->lc_pos = 0;
		p->lc_line = 1;
		p->lc_line_start = 0;
	}
	while (p->lc_pos < pos) {
		const char *nl = memchr(p->buf + p->lc_pos, '\n',
					pos - p->lc_pos);

		if (!nl) {
			p->lc_pos = pos;
			break;
		}
		if (p->lc_line < INT_MAX)
			p->lc_line++;
		p->lc_pos = (size_t)(nl - p->buf) + 1;
		p->lc_line_start = p->lc_pos;
	}
	col = pos - p->lc_line_start + 1;
	*line = p->lc_line;
	*column = col > INT_MAX ? INT_MAX : (int)col;
}

int toml_parser_fail(struct toml_parser *p, size_t pos, const char *fmt, ...)
{
	va_list ap;
	int line, column, ret;

	va_start(ap, fmt);
	ret = cvl_error_setv(p->err, CVL_EINVAL, fmt, ap);
	va_end(ap);
	toml_parser_where(p, pos, &line, &column);
	cvl_error_at(p->err, line, column);
	return ret;
}

void toml_parser_describe(struct toml_parser *p, size_t pos, char out[24])
{
	unsigned char c;
	size_t n;

	if (pos >= p->len) {
		snprintf(out, 24, "end of file");
		return;
	}
	c = (unsigned char)p->buf[pos];
	if (c == '\n' || (c == '\r' && pos + 1 < p->len && p->buf[pos + 1] == '\n')) {
		snprintf(out, 24, "newline");
	} else if (is_control(c)) {
		snprintf(out, 24, "U+%04X", c);
	} else {
		n = toml_utf8_len(p->buf + pos, p->len - pos);
		snprintf(out, 24, "'%.*s'", (int)(n ? n : 1), p->buf + pos);
	}
}

/* ---- whitespace, comments, newlines ----------------------------------- */

static bool at(const struct toml_parser *p, char c)
{
	return p->pos < p->len && p->buf[p->pos] == c;
}

static bool at_newline(const struct toml_parser *p)
{
	if (at(p, '\n'))
		return true;
	return at(p, '\r') && p->pos + 1 < p->len && p->buf[p->pos + 1] == '\n';
}

static void skip_newline(struct toml_parser *p)
{
	p->pos += p->buf[p->pos] == '\r' ? 2 : 1;
}

static void skip_ws(struct toml_parser *p)
{
	while (p->pos < p->len && (p->buf[p->pos] == ' ' || p->buf[p->pos] == '\t'))
		p->pos++;
}

/* From '#' to the end of the line (not included). */
static int skip_comment(struct toml_parser *p)
{
	p->pos++;
	while (p->pos < p->len && !at_newline(p)) {
		unsigned char c = (unsigned char)p->buf[p->pos];

		if (is_control(c))
			return toml_parser_fail(p, p->pos,
						"control character U+%04X in comment",
						c);
		p->pos++;
	}
	return 0;
}

/* Whitespace, comments and newlines, as allowed inside arrays. */
static int skip_ws_comments_newlines(struct toml_parser *p)
{
	for (;;) {
		skip_ws(p);
		if (at(p, '#')) {
			int ret = skip_comment(p);

			if (ret)
				return ret;
		}
		if (!at_newline(p))
			return 0;
		skip_newline(p);
	}
}

/* The rest of a line after a key/value pair or header: ws [comment] EOL. */
static int expect_line_end(struct toml_parser *p, const char *after)
{
	char what[24];

	skip_ws(p);
	if (at(p, '#')) {
		int ret = skip_comment(p);

		if (ret)
			return ret;
	}
	if (p->pos >= p->len)
		return 0;
	if (at_newline(p)) {
		skip_newline(p);
		return 0;
	}
	toml_parser_describe(p, p->pos, what);
	return toml_parser_fail(p, p->pos, "expected newline after %s, found %s",
				after, what);
}

/* ---- keys -------------------------------------------------------------- */

static bool is_bare_key_char(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	       (c >= '0' && c <= '9') || c == '_' || c == '-';
}

/* A simple or dotted key into p->parts, and the whitespace after it. */
static int parse_key(struct toml_parser *p)
{
	p->nparts = 0;
	for (;;) {
		struct toml_keypart part;
		size_t start = p->pos;

		toml_parser_where(p, start, &part.line, &part.column);
		if (at(p, '"') || at(p, '\'')) {
			struct cvl_str s;
			int ret = toml_parse_string(p, false, &s);

			if (ret)
				return ret;
			part.s = s.p;
			part.len = s.len;
		} else {
			while (p->pos < p->len && is_bare_key_char(p->buf[p->pos]))
				p->pos++;
			if (p->pos == start) {
				char what[24];

				toml_parser_describe(p, start, what);
				return toml_parser_fail(p, start,
							"expected key%s, found %s",
							p->nparts ? " after '.'" : "",
							what);
			}
			part.len = p->pos - start;
			part.s = arena_strndup(p->arena, p->buf + start, part.len);
		}
		ALLOC_GROW(p->parts, p->nparts + 1, p->parts_alloc);
		p->parts[p->nparts++] = part;
		skip_ws(p);
		if (!at(p, '.'))
			return 0;
		p->pos++;
		skip_ws(p);
	}
}

/*
 * Fail with "<prefix> 'a.b'<suffix>" naming the key up to part `last`,
 * at that part.
 */
static int fail_key(struct toml_parser *p, size_t last, const char *prefix,
		    const char *suffix)
{
	struct strbuf path = STRBUF_INIT;
	size_t i;
	int ret;

	for (i = 0; i <= last; i++) {
		if (i)
			strbuf_addch(&path, '.');
		toml_write_key(&path, p->parts[i].s, p->parts[i].len);
	}
	ret = cvl_error_set(p->err, CVL_EINVAL, "%s '%s'%s", prefix, path.buf,
			    suffix);
	cvl_error_at(p->err, p->parts[last].line, p->parts[last].column);
	strbuf_release(&path);
	return ret;
}

static const char *a_type(enum toml_type type)
{
	switch (type) {
	case TOML_ARRAY:
		return "an array";
	case TOML_INTEGER:
		return "an integer";
	case TOML_STRING:
		return "a string";
	case TOML_FLOAT:
		return "a float";
	case TOML_BOOL:
		return "a bool";
	case TOML_TABLE:
		return "a table";
	default:
		return "a date-time";
	}
}

static int fail_not_table(struct toml_parser *p, size_t last,
			  const struct toml_value *v, const char *wanted)
{
	char suffix[64];

	snprintf(suffix, sizeof(suffix), " is %s, not %s", a_type(v->type),
		 wanted);
	return fail_key(p, last, "key", suffix);
}

/* ---- tree building ----------------------------------------------------- */

static int depth_of(const struct toml_value *v)
{
	return v->type == TOML_TABLE ? v->u.table.depth : v->u.array.depth;
}

/*
 * A new table or array under `parent` (at `pos`, or at key part `part`
 * when pos is SIZE_MAX), refused past TOML_MAX_DEPTH.
 */
static int new_container(struct toml_parser *p, const struct toml_value *parent,
			 enum toml_type type, size_t pos, size_t part,
			 struct toml_value **out)
{
	int depth = parent ? depth_of(parent) + 1 : 0;
	int line, column;

	if (pos == SIZE_MAX) {
		line = p->parts[part].line;
		column = p->parts[part].column;
	} else {
		toml_parser_where(p, pos, &line, &column);
	}
	if (depth > TOML_MAX_DEPTH) {
		int ret = cvl_error_set(p->err, CVL_EINVAL,
					"nesting too deep (more than %d levels)",
					TOML_MAX_DEPTH);

		cvl_error_at(p->err, line, column);
		return ret;
	}
	*out = toml_value_new(p->arena, type, line, column);
	if (type == TOML_TABLE)
		(*out)->u.table.depth = depth;
	else
		(*out)->u.array.depth = depth;
	return 0;
}

/* Add part `i` of the current key to table `t` as a new table. */
static int add_table(struct toml_parser *p, struct toml_value *t, size_t i,
		     unsigned flags, struct toml_value **out)
{
	const struct toml_keypart *part = &p->parts[i];
	int ret = new_container(p, t, TOML_TABLE, SIZE_MAX, i, out);

	if (ret)
		return ret;
	(*out)->u.table.flags = flags;
	toml_table_add(p->arena, &t->u.table, part->s, part->len, part->line,
		       part->column, *out);
	return 0;
}

static struct toml_value *find_part(struct toml_value *t,
				    const struct toml_keypart *part)
{
	return toml_table_find(&t->u.table, part->s, part->len);
}

/* [a.b.c] or [[a.b.c]] at p->pos: the section that follows goes to *cur. */
static int parse_header(struct toml_parser *p, struct toml_value *root,
			struct toml_value **cur)
{
	bool array = p->pos + 1 < p->len && p->buf[p->pos + 1] == '[';
	struct toml_value *t = root, *v, *elem;
	const struct toml_keypart *last;
	size_t i;
	int ret;

	p->pos += array ? 2 : 1;
	skip_ws(p);
	ret = parse_key(p);
	if (ret)
		return ret;
	if (array) {
		if (!at(p, ']') || p->pos + 1 >= p->len || p->buf[p->pos + 1] != ']')
			return toml_parser_fail(p, p->pos,
						"expected ']]' after array of tables name");
		p->pos += 2;
	} else {
		if (!at(p, ']'))
			return toml_parser_fail(p, p->pos,
						"expected ']' after table name");
		p->pos++;
	}

	for (i = 0; i + 1 < p->nparts; i++) {
		v = find_part(t, &p->parts[i]);
		if (!v) {
			ret = add_table(p, t, i, 0, &v);
			if (ret)
				return ret;
		} else if (v->type == TOML_TABLE) {
			if (v->u.table.flags & TOML_TBL_INLINE)
				return fail_key(p, i, "cannot add to inline table", "");
		} else if (v->type == TOML_ARRAY &&
			   (v->u.array.flags & TOML_ARR_TABLES)) {
			/* Sub-tables go to the latest element. */
			v = v->u.array.items[v->u.array.nr - 1];
		} else {
			return fail_not_table(p, i, v, "a table");
		}
		t = v;
	}

	last = &p->parts[p->nparts - 1];
	v = find_part(t, last);
	if (array) {
		if (!v) {
			ret = new_container(p, t, TOML_ARRAY, SIZE_MAX,
					    p->nparts - 1, &v);
			if (ret)
				return ret;
			v->u.array.flags = TOML_ARR_TABLES;
			toml_table_add(p->arena, &t->u.table, last->s, last->len,
				       last->line, last->column, v);
		} else if (v->type != TOML_ARRAY ||
			   !(v->u.array.flags & TOML_ARR_TABLES)) {
			return fail_not_table(p, p->nparts - 1, v,
					      "an array of tables");
		}
		ret = new_container(p, v, TOML_TABLE, SIZE_MAX, p->nparts - 1,
				    &elem);
		if (ret)
			return ret;
		elem->u.table.flags = TOML_TBL_HEADER;
		toml_array_push(p->arena, &v->u.array, elem);
		*cur = elem;
		return 0;
	}

	if (!v)
		return add_table(p, t, p->nparts - 1, TOML_TBL_HEADER, cur);
	if (v->type == TOML_ARRAY && (v->u.array.flags & TOML_ARR_TABLES))
		return fail_key(p, p->nparts - 1, "table",
				" already defined as an array of tables");
	if (v->type != TOML_TABLE)
		return fail_key(p, p->nparts - 1, "duplicate key", "");
	if (v->u.table.flags & TOML_TBL_DOTTED)
		return fail_key(p, p->nparts - 1, "table",
				" already defined by dotted keys");
	if (v->u.table.flags)
		return fail_key(p, p->nparts - 1, "table", " already defined");
	/* An implicit table, defined here at last. */
	v->u.table.flags = TOML_TBL_HEADER;
	v->line = last->line;
	v->column = last->column;
	*cur = v;
	return 0;
}

static int parse_value(struct toml_parser *p, struct toml_value *parent,
		       struct toml_value **out);

/* key = value, into table `t` (a section or an inline table being read). */
static int parse_keyval(struct toml_parser *p, struct toml_value *t)
{
	struct toml_keypart last;
	struct toml_value *v, *value;
	size_t i;
	int ret;

	ret = parse_key(p);
	if (ret)
		return ret;
	if (!at(p, '='))
		return toml_parser_fail(p, p->pos, "expected '=' after key");
	p->pos++;
	skip_ws(p);

	for (i = 0; i + 1 < p->nparts; i++) {
		v = find_part(t, &p->parts[i]);
		if (!v) {
			ret = add_table(p, t, i, TOML_TBL_DOTTED, &v);
			if (ret)
				return ret;
		} else if (v->type != TOML_TABLE) {
			return fail_not_table(p, i, v, "a table");
		} else if (v->u.table.flags & TOML_TBL_INLINE) {
			return fail_key(p, i, "cannot add to inline table", "");
		} else if (v->u.table.flags & TOML_TBL_HEADER) {
			return fail_key(p, i,
					"cannot add with dotted keys to table",
					" defined by a header");
		} else {
			v->u.table.flags |= TOML_TBL_DOTTED;
		}
		t = v;
	}
	last = p->parts[p->nparts - 1];
	if (find_part(t, &last))
		return fail_key(p, p->nparts - 1, "duplicate key", "");

	/* The value may hold keys of its own: p->parts is reused. */
	ret = parse_value(p, t, &value);
	if (ret)
		return ret;
	toml_table_add(p->arena, &t->u.table, last.s, last.len, last.line,
		       last.column, value);
	return 0;
}

static int parse_array(struct toml_parser *p, struct toml_value *parent,
		       struct toml_value **out)
{
	size_t start = p->pos;
	struct toml_value *arr, *elem;
	char what[24];
	int ret;

	ret = new_container(p, parent, TOML_ARRAY, start, 0, &arr);
	if (ret)
		return ret;
	p->pos++;
	for (;;) {
		ret = skip_ws_comments_newlines(p);
		if (ret)
			return ret;
		if (p->pos >= p->len)
			return toml_parser_fail(p, start, "unterminated array");
		if (at(p, ']'))
			break;
		ret = parse_value(p, arr, &elem);
		if (ret)
			return ret;
		toml_array_push(p->arena, &arr->u.array, elem);
		ret = skip_ws_comments_newlines(p);
		if (ret)
			return ret;
		if (at(p, ','))
			p->pos++;
		else if (at(p, ']'))
			break;
		else if (p->pos >= p->len)
			return toml_parser_fail(p, start, "unterminated array");
		else {
			toml_parser_describe(p, p->pos, what);
			return toml_parser_fail(p, p->pos,
						"expected ',' or ']' after array element, found %s",
						what);
		}
	}
	p->pos++;
	*out = arr;
	return 0;
}

static int parse_inline_table(struct toml_parser *p, struct toml_value *parent,
			      struct toml_value **out)
{
	size_t start = p->pos, comma;
	struct toml_value *tbl;
	char what[24];
	int ret;

	ret = new_container(p, parent, TOML_TABLE, start, 0, &tbl);
	if (ret)
		return ret;
	p->pos++;
	skip_ws(p);
	if (at(p, '}')) {
		p->pos++;
		tbl->u.table.flags = TOML_TBL_INLINE;
		*out = tbl;
		return 0;
	}
	for (;;) {
		if (p->pos >= p->len)
			return toml_parser_fail(p, start,
						"unterminated inline table");
		if (at_newline(p))
			return toml_parser_fail(p, p->pos,
						"newline in inline table");
		ret = parse_keyval(p, tbl);
		if (ret)
			return ret;
		skip_ws(p);
		if (at(p, '}'))
			break;
		if (p->pos >= p->len)
			return toml_parser_fail(p, start,
						"unterminated inline table");
		if (at_newline(p))
			return toml_parser_fail(p, p->pos,
						"newline in inline table");
		if (!at(p, ',')) {
			toml_parser_describe(p, p->pos, what);
			return toml_parser_fail(p, p->pos,
						"expected ',' or '}' after inline table value, found %s",
						what);
		}
		comma = p->pos++;
		skip_ws(p);
		if (at(p, '}'))
			return toml_parser_fail(p, comma,
						"trailing comma in inline table");
	}
	p->pos++;
	tbl->u.table.flags = TOML_TBL_INLINE;
	*out = tbl;
	return 0;
}

/* Any value at p->pos, to be stored in container `parent`. */
static int parse_value(struct toml_parser *p, struct toml_value *parent,
		       struct toml_value **out)
{
	struct toml_value *v;
	int line, column, ret;

	if (at(p, '['))
		return parse_array(p, parent, out);
	if (at(p, '{'))
		return parse_inline_table(p, parent, out);
	toml_parser_where(p, p->pos, &line, &column);
	v = toml_value_new(p->arena, TOML_STRING, line, column);
	if (at(p, '"') || at(p, '\''))
		ret = toml_parse_string(p, true, &v->u.string);
	else
		ret = toml_parse_bare_value(p, v);
	if (ret)
		return ret;
	*out = v;
	return 0;
}

/* ---- documents --------------------------------------------------------- */

static int check_utf8(struct toml_parser *p)
{
	size_t i = 0;

	while (i < p->len) {
		size_t n;

		if (!((unsigned char)p->buf[i] & 0x80)) {
			i++;
			continue;
		}
		n = toml_utf8_len(p->buf + i, p->len - i);
		if (!n)
			return toml_parser_fail(p, i, "invalid UTF-8 byte 0x%02x",
						(unsigned char)p->buf[i]);
		i += n;
	}
	return 0;
}

static int parse_document(struct toml_parser *p, struct toml_value *root)
{
	struct toml_value *cur = root;
	int ret;

	while (p->pos < p->len) {
		skip_ws(p);
		if (p->pos >= p->len)
			break;
		if (at_newline(p)) {
			skip_newline(p);
			continue;
		}
		if (at(p, '#')) {
			ret = expect_line_end(p, "comment");
		} else if (at(p, '[')) {
			ret = parse_header(p, root, &cur);
			if (!ret)
				ret = expect_line_end(p, "table header");
		} else {
			ret = parse_keyval(p, cur);
			if (!ret)
				ret = expect_line_end(p, "value");
		}
		if (ret)
			return ret;
	}
	return 0;
}

int toml_parse(const char *buf, size_t len, struct toml_doc *doc,
	       struct cvl_error *err)
{
	struct toml_parser p;
	struct toml_value *root;
	int ret;

	memset(&p, 0, sizeof(p));
	doc->root = NULL;
	memset(&doc->arena, 0, sizeof(doc->arena));
	if (!buf)
		len = 0;
	/* A byte order mark is not part of the document (nor of its columns). */
	if (len >= 3 && !memcmp(buf, "\xef\xbb\xbf", 3)) {
		buf += 3;
		len -= 3;
	}
	p.buf = buf ? buf : "";
	p.len = len;
	p.arena = &doc->arena;
	p.err = err;
	p.lc_line = 1;
	strbuf_init(&p.scratch, 0);

	ret = new_container(&p, NULL, TOML_TABLE, 0, 0, &root);
	if (!ret)
		ret = check_utf8(&p);
	if (!ret)
		ret = parse_document(&p, root);

	strbuf_release(&p.scratch);
	free(p.parts);
	if (ret) {
		arena_release(&doc->arena);
		return ret;
	}
	doc->root = root;
	return 0;
}

void toml_doc_release(struct toml_doc *doc)
{
	arena_release(&doc->arena);
	doc->root = NULL;
}
