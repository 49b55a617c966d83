/*
 * fuzz_toml.c - the TOML 1.0 parser (toml_parse) and the writer helpers.
 *
 * The input is parsed; a document that parses is walked and written back
 * as TOML (every table as an inline table, every string and key through
 * toml_write_string()/toml_write_key()), which must parse again to an
 * equal tree.  A rejected document must come with a message and a
 * position inside the input.
 */
#include "toml/toml.h"

#include <math.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void write_value(struct strbuf *sb, const struct toml_value *v)
{
	size_t i, start;

	switch (v->type) {
	case TOML_TABLE:
		strbuf_addch(sb, '{');
		for (i = 0; i < v->u.table.nr; i++) {
			const struct toml_keyval *kv = &v->u.table.items[i];

			strbuf_addstr(sb, i ? ", " : " ");
			toml_write_key(sb, kv->key.p, kv->key.len);
			strbuf_addstr(sb, " = ");
			write_value(sb, kv->value);
		}
		strbuf_addstr(sb, v->u.table.nr ? " }" : "}");
		break;
	case TOML_ARRAY:
		strbuf_addch(sb, '[');
		for (i = 0; i < v->u.array.nr; i++) {
			if (i)
				strbuf_addstr(sb, ", ");
			write_value(sb, v->u.array.items[i]);
		}
		strbuf_addch(sb, ']');
		break;
	case TOML_STRING:
		toml_write_string(sb, v->u.string.p, v->u.string.len);
		break;
	case TOML_INTEGER:
		strbuf_addf(sb, "%lld", (long long)v->u.integer);
		break;
	case TOML_FLOAT:
		if (isnan(v->u.fp)) {
			strbuf_addstr(sb, "nan");
		} else if (isinf(v->u.fp)) {
			strbuf_addstr(sb, v->u.fp < 0 ? "-inf" : "inf");
		} else {
			start = sb->len;
			strbuf_addf(sb, "%.17g", v->u.fp);
			/* "1" or "-0" would read back as integers. */
			if (!strpbrk(sb->buf + start, ".e"))
				strbuf_addstr(sb, ".0");
		}
		break;
	case TOML_BOOL:
		strbuf_addstr(sb, v->u.boolean ? "true" : "false");
		break;
	default:
		strbuf_add(sb, v->u.datetime.text.p, v->u.datetime.text.len);
		break;
	}
}

static bool same(const struct toml_value *a, const struct toml_value *b)
{
	size_t i;

	if (a->type != b->type)
		return false;
	switch (a->type) {
	case TOML_TABLE:
		if (a->u.table.nr != b->u.table.nr)
			return false;
		for (i = 0; i < a->u.table.nr; i++) {
			const struct toml_keyval *x = &a->u.table.items[i];
			const struct toml_keyval *y = &b->u.table.items[i];

			if (x->key.len != y->key.len ||
			    memcmp(x->key.p, y->key.p, x->key.len) ||
			    !same(x->value, y->value))
				return false;
			/* Lookup must find what iteration finds. */
			if (toml_table_getn(a, x->key.p, x->key.len) != x->value)
				return false;
		}
		return true;
	case TOML_ARRAY:
		if (a->u.array.nr != b->u.array.nr)
			return false;
		for (i = 0; i < a->u.array.nr; i++)
			if (!same(a->u.array.items[i], b->u.array.items[i]))
				return false;
		return true;
	case TOML_STRING:
		return a->u.string.len == b->u.string.len &&
		       !memcmp(a->u.string.p, b->u.string.p, a->u.string.len) &&
		       a->u.string.p[a->u.string.len] == '\0';
	case TOML_INTEGER:
		return a->u.integer == b->u.integer;
	case TOML_FLOAT:
		if (isnan(a->u.fp))
			return isnan(b->u.fp);
		return a->u.fp == b->u.fp && signbit(a->u.fp) == signbit(b->u.fp);
	case TOML_BOOL:
		return a->u.boolean == b->u.boolean;
	default:
		return a->u.datetime.text.len == b->u.datetime.text.len &&
		       !memcmp(a->u.datetime.text.p, b->u.datetime.text.p,
			       a->u.datetime.text.len) &&
		       a->u.datetime.nanosecond == b->u.datetime.nanosecond &&
		       a->u.datetime.offset_minutes == b->u.datetime.offset_minutes;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cvl_error err = CVL_ERROR_INIT;
	struct strbuf out = STRBUF_INIT;
	struct toml_doc doc, again;
	size_t i;

	if (toml_parse((const char *)data, size, &doc, &err)) {
		if (!err.msg[0] || err.line < 1 || err.column < 1 ||
		    (size_t)err.line > size + 1 || doc.root)
			BUG("bad error '%s' at %d:%d", err.msg, err.line,
			    err.column);
		toml_doc_release(&doc);
		return 0;
	}

	/* The root's keys as top-level "key = value" lines. */
	for (i = 0; i < doc.root->u.table.nr; i++) {
		const struct toml_keyval *kv = &doc.root->u.table.items[i];

		toml_write_key(&out, kv->key.p, kv->key.len);
		strbuf_addstr(&out, " = ");
		write_value(&out, kv->value);
		strbuf_addch(&out, '\n');
	}
	if (toml_parse(out.buf, out.len, &again, &err))
		BUG("written document does not parse: %d:%d: %s\n%s", err.line,
		    err.column, err.msg, out.buf);
	if (!same(doc.root, again.root))
		BUG("written document parses differently:\n%s", out.buf);
	toml_doc_release(&again);
	toml_doc_release(&doc);
	strbuf_release(&out);
	return 0;
}
