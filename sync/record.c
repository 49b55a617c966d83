/*
 * record.c - a dist-info's RECORD: the CSV that lists every installed
 * file with its hash and size (PyPA "recording installed projects").
 *
 * The reader follows Python's csv module with the default dialect, as
 * pip and installer read RECORD: fields separated by ',', a field that
 * starts with '"' is quoted ('""' inside is one '"', a '"' followed by
 * anything else is kept as csv does when not strict), records end at
 * LF, CRLF or a lone CR outside quotes.  Blank lines are skipped.  Like
 * pip, a row may have fewer than three fields (the missing ones are
 * empty) or more (the extra ones are ignored).  Stricter than csv where
 * a RECORD that passes would be read wrongly later: a NUL byte, a quote
 * left open at the end, an empty path, a hash without "ALGO=" and a size
 * that is not a decimal integer are errors naming the line.
 */
#include "config.h"
#include "sync/sync.h"
#include "sync/wheel_internal.h"


/* Sizes past this are not file sizes (and would overflow int64_t). */
#define RECORD_SIZE_MAX ((int64_t)1 << 53)

void sync_record_release(struct sync_record *r)
{
	size_t i;

	for (i = 0; i < r->n; i++) {
		free(r->entries[i].path);
		free(r->entries[i].hash);
	}
	free(r->entries);
	r->entries = NULL;
	r->n = 0;
	r->alloc = 0;
}

void sync_record_add(struct sync_record *r, const char *path,
		     const char *hash, int64_t size)
{
	struct sync_record_entry *e;

	ALLOC_GROW(r->entries, r->n + 1, r->alloc);
	e = &r->entries[r->n++];
	e->path = xstrdup(path);
	e->hash = hash ? xstrdup(hash) : NULL;
	e->size = size < 0 ? -1 : size;
}

/* Check and store the fields of one row (line `line`). */
static int add_row(struct sync_record *r, struct strvec *fields, int line,
		   struct cvl_error *err)
{
	const char *path = fields->v[0];
	const char *hash = fields->nr > 1 ? fields->v[1] : "";
	const char *size = fields->nr > 2 ? fields->v[2] : "";
	const char *eq;
	int64_t n = -1;
	const char *p;

	if (!*path)
		return cvl_error_set(err, CVL_EINVAL,
				     "RECORD line %d has an empty path", line);
	if (*hash) {
		eq = strchr(hash, '=');
		if (!eq || eq == hash || !eq[1])
			return cvl_error_set(err, CVL_EINVAL,
					     "RECORD line %d has the hash '%s' instead of ALGORITHM=DIGEST",
					     line, hash);
	}
	if (*size) {
		n = 0;
		for (p = size; *p; p++) {
			if (*p < '0' || *p > '9' || n > RECORD_SIZE_MAX)
				return cvl_error_set(err, CVL_EINVAL,
						     "RECORD line %d has the size '%s' instead of a number of bytes",
						     line, size);
			n = n * 10 + (*p - '0');
		}
	}
	sync_record_add(r, path, *hash ? hash : NULL, n);
	return 0;
}

int sync_record_parse(struct sync_record *r, const char *buf, size_t len,
		      struct cvl_error *err)
{
	struct strvec fields = STRVEC_INIT;
	struct strbuf field = STRBUF_INIT;
	size_t old_n = r->n;
	size_t i = 0;
	int line = 1, row_line = 1;
	int ret = 0;
	bool quoted = false, was_quoted = false, in_row = false;

	while (i <= len) {
		int c = i < len ? (unsigned char)buf[i] : -1;

		if (c == 0) {
			ret = cvl_error_set(err, CVL_EINVAL,
					    "RECORD line %d contains a NUL byte",
					    line);
			goto out;
		}
		if (quoted) {
			if (c < 0) {
				ret = cvl_error_set(err, CVL_EINVAL,
						    "RECORD line %d has a quote that is never closed",
						    row_line);
				goto out;
			}
			i++;
			if (c == '"' && i < len && buf[i] == '"') {
				strbuf_addch(&field, '"');
				i++;
			} else if (c == '"') {
				quoted = false;
			} else {
				if (c == '\n')
					line++;
				strbuf_addch(&field, c);
			}
			continue;
		}
		if (c == '"' && !field.len && !was_quoted) {
			quoted = true;
			was_quoted = true;
			in_row = true;
			i++;
			continue;
		}
		if (c == ',') {
			strvec_pushn(&fields, field.buf, field.len);
			strbuf_reset(&field);
			was_quoted = false;
			in_row = true;
			i++;
			continue;
		}
		if (c == '\n' || c == '\r' || c < 0) {
			if (in_row || field.len) {
				strvec_pushn(&fields, field.buf, field.len);
				ret = add_row(r, &fields, row_line, err);
				if (ret)
					goto out;
			}
			strvec_clear(&fields);
			strbuf_reset(&field);
			was_quoted = false;
			in_row = false;
			if (c == '\r' && i + 1 < len && buf[i + 1] == '\n')
				i++;
			i++;
			line++;
			row_line = line;
			continue;
		}
		strbuf_addch(&field, c);
		in_row = true;
		i++;
	}
out:
	strvec_clear(&fields);
	strbuf_release(&field);
	if (ret) {
		/* leave `r` as it was */
		while (r->n > old_n) {
			r->n--;
			free(r->entries[r->n].path);
			free(r->entries[r->n].hash);
		}
	}
	return ret;
}

/* csv.QUOTE_MINIMAL: quote a field holding ',', '"', CR or LF. */
static void add_field(struct strbuf *out, const char *s)
{
	const char *p;

	if (!strpbrk(s, ",\"\r\n")) {
		strbuf_addstr(out, s);
		return;
	}
	strbuf_addch(out, '"');
	for (p = s; *p; p++) {
		if (*p == '"')
			strbuf_addch(out, '"');
		strbuf_addch(out, *p);
	}
	strbuf_addch(out, '"');
}

void sync_record_format(const struct sync_record *r, struct strbuf *out)
{
	size_t i;

	for (i = 0; i < r->n; i++) {
		const struct sync_record_entry *e = &r->entries[i];

		add_field(out, e->path);
		strbuf_addch(out, ',');
		if (e->hash)
			add_field(out, e->hash);
		strbuf_addch(out, ',');
		if (e->size >= 0)
			strbuf_add_u64(out, (uint64_t)e->size);
		strbuf_addch(out, '\n');
	}
}

void sync_hash_b64(const char *algo, const unsigned char *md, size_t n,
		   struct strbuf *out)
{
	static const char b64[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
		"0123456789-_";
	size_t i;

	strbuf_addstr(out, algo);
	strbuf_addch(out, '=');
	for (i = 0; i + 2 < n; i += 3) {
		unsigned v = md[i] << 16 | md[i + 1] << 8 | md[i + 2];

		strbuf_addch(out, b64[v >> 18 & 63]);
		strbuf_addch(out, b64[v >> 12 & 63]);
		strbuf_addch(out, b64[v >> 6 & 63]);
		strbuf_addch(out, b64[v & 63]);
	}
	if (n - i == 1) {
		strbuf_addch(out, b64[md[i] >> 2]);
		strbuf_addch(out, b64[(md[i] & 3) << 4]);
	} else if (n - i == 2) {
		unsigned v = md[i] << 8 | md[i + 1];

		strbuf_addch(out, b64[v >> 10 & 63]);
		strbuf_addch(out, b64[v >> 4 & 63]);
		strbuf_addch(out, b64[(v & 15) << 2]);
	}
}

void sync_record_hash(const void *data, size_t len, struct strbuf *out)
{
	unsigned char md[32];

	/* installed files too (sync --verify, unpacked trees) */
	sha256_bulk(data, len, md);
	sync_hash_b64("sha256", md, sizeof(md), out);
}
