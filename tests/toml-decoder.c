/*
 * toml-decoder - toml-test's decoder interface for toml/.
 *
 *   toml-decoder [FILE] <TOML >JSON
 *
 * Reads TOML from FILE or standard input and prints toml-test's tagged
 * JSON: tables are objects, arrays are arrays, and every other value is
 * {"type": "<toml_type_name()>", "value": "<text>"}.  Invalid TOML prints
 * one line "FILE:LINE:COLUMN: message" ("-" for standard input) to
 * standard error and exits with status 1.
 */
#include "toml/toml.h"

#include <jansson.h>
#include <math.h>

static json_t *tagged(const char *type, const char *text, size_t len)
{
	json_t *o = json_object();

	json_object_set_new(o, "type", json_string(type));
	json_object_set_new(o, "value", json_stringn(text, len));
	return o;
}

static json_t *to_json(const struct toml_value *v)
{
	char buf[64];
	json_t *j;
	size_t i;

	switch (v->type) {
	case TOML_TABLE:
		j = json_object();
		for (i = 0; i < v->u.table.nr; i++) {
			const struct toml_keyval *kv = &v->u.table.items[i];

			json_object_setn_new(j, kv->key.p, kv->key.len,
					     to_json(kv->value));
		}
		return j;
	case TOML_ARRAY:
		j = json_array();
		for (i = 0; i < v->u.array.nr; i++)
			json_array_append_new(j, to_json(v->u.array.items[i]));
		return j;
	case TOML_STRING:
		return tagged("string", v->u.string.p, v->u.string.len);
	case TOML_INTEGER:
		snprintf(buf, sizeof(buf), "%lld", (long long)v->u.integer);
		break;
	case TOML_FLOAT:
		if (isnan(v->u.fp))
			snprintf(buf, sizeof(buf), "nan");
		else if (isinf(v->u.fp))
			snprintf(buf, sizeof(buf), "%sinf", v->u.fp < 0 ? "-" : "");
		else
			snprintf(buf, sizeof(buf), "%.17g", v->u.fp);
		break;
	case TOML_BOOL:
		snprintf(buf, sizeof(buf), "%s", v->u.boolean ? "true" : "false");
		break;
	default:
		return tagged(toml_type_name(v->type), v->u.datetime.text.p,
			      v->u.datetime.text.len);
	}
	return tagged(toml_type_name(v->type), buf, strlen(buf));
}

static int read_all(FILE *f, struct strbuf *sb)
{
	char chunk[65536];
	size_t n;

	for (;;) {
		n = fread(chunk, 1, sizeof(chunk), f);
		if (!n)
			break;
		strbuf_add(sb, chunk, n);
	}
	return ferror(f) ? -1 : 0;
}

int main(int argc, char **argv)
{
	struct strbuf in = STRBUF_INIT;
	struct cvl_error err = CVL_ERROR_INIT;
	struct toml_doc doc;
	const char *name = "-";
	FILE *f = stdin;
	json_t *j;
	int ret;

	if (argc > 2) {
		fprintf(stderr, "usage: toml-decoder [FILE] <TOML >JSON\n");
		return 2;
	}
	if (argc == 2) {
		name = argv[1];
		f = fopen(name, "rb");
		if (!f) {
			fprintf(stderr, "toml-decoder: cannot open '%s': %s\n",
				name, strerror(errno));
			return 2;
		}
	}
	if (read_all(f, &in)) {
		fprintf(stderr, "toml-decoder: cannot read '%s'\n", name);
		return 2;
	}
	if (f != stdin)
		fclose(f);

	ret = toml_parse(in.buf, in.len, &doc, &err);
	if (ret) {
		fprintf(stderr, "%s:%d:%d: %s\n", name, err.line, err.column,
			err.msg);
		strbuf_release(&in);
		return 1;
	}
	j = to_json(doc.root);
	json_dumpf(j, stdout, JSON_PRESERVE_ORDER | JSON_INDENT(1));
	fputc('\n', stdout);
	json_decref(j);
	toml_doc_release(&doc);
	strbuf_release(&in);
	return 0;
}
