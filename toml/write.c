/*
 * write.c - the pieces of TOML syntax that writers need: basic strings
 * with escapes and keys quoted only when they must be.  The output is a
 * function of the input alone, so written files are byte-for-byte stable.
 */
#include "toml/internal.h"

void toml_write_string(struct strbuf *out, const char *s, size_t len)
{
	size_t i = 0;

	strbuf_addch(out, '"');
	while (i < len) {
		unsigned char c = (unsigned char)s[i];
		size_t n;

		switch (c) {
		case '"':
			strbuf_addstr(out, "\\\"");
			break;
		case '\\':
			strbuf_addstr(out, "\\\\");
			break;
		case '\b':
			strbuf_addstr(out, "\\b");
			break;
		case '\t':
			strbuf_addstr(out, "\\t");
			break;
		case '\n':
			strbuf_addstr(out, "\\n");
			break;
		case '\f':
			strbuf_addstr(out, "\\f");
			break;
		case '\r':
			strbuf_addstr(out, "\\r");
			break;
		default:
			if (c < 0x20 || c == 0x7f) {
				strbuf_addf(out, "\\u%04X", c);
				break;
			}
			if (c < 0x80) {
				strbuf_addch(out, c);
				break;
			}
			n = toml_utf8_len(s + i, len - i);
			if (!n) {
				/* Not UTF-8: TOML cannot carry the byte. */
				toml_utf8_put(out, 0xfffd);
				break;
			}
			strbuf_add(out, s + i, n);
			i += n;
			continue;
		}
		i++;
	}
	strbuf_addch(out, '"');
}

bool toml_key_is_bare(const char *key, size_t len)
{
	size_t i;

	if (!len)
		return false;
	for (i = 0; i < len; i++) {
		char c = key[i];

		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		      (c >= '0' && c <= '9') || c == '_' || c == '-'))
			return false;
	}
	return true;
}

void toml_write_key(struct strbuf *out, const char *key, size_t len)
{
	if (toml_key_is_bare(key, len))
		strbuf_add(out, key, len);
	else
		toml_write_string(out, key, len);
}
