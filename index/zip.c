/*
 * zip.c - just enough of the zip format (APPNOTE 6.3) to read one member
 * of a wheel from a few byte ranges: the end of central directory record
 * (plain or zip64), the central directory, and one member's local header
 * and data.
 *
 * All offsets come from an untrusted file: every read is bounds-checked
 * against the bytes we hold, and the sizes are 64-bit all the way.
 * Inflating is libarchive's (no zlib of our own): we hand it a clean local
 * header made from the central directory's entry (so data descriptors and
 * odd local extras do not matter) followed by the member's data, and it
 * checks the CRC-32 from the central directory.
 */
#include "index/internal.h"

#include <archive.h>
#include <archive_entry.h>

#define SIG_LOCAL 0x04034b50u
#define SIG_CENTRAL 0x02014b50u
#define SIG_EOCD 0x06054b50u
#define SIG_EOCD64 0x06064b50u
#define SIG_EOCD64_LOC 0x07064b50u

#define EOCD_SIZE 22
#define EOCD64_LOC_SIZE 20
#define EOCD64_SIZE 56
#define CENTRAL_SIZE 46
#define LOCAL_SIZE 30

static uint16_t rd16(const unsigned char *p)
{
	return (uint16_t)(p[0] | (p[1] << 8));
}

static uint32_t rd32(const unsigned char *p)
{
	return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) |
	       ((uint32_t)p[3] << 24);
}

static uint64_t rd64(const unsigned char *p)
{
	return (uint64_t)rd32(p) | ((uint64_t)rd32(p + 4) << 32);
}

static void wr16(unsigned char *p, uint16_t v)
{
	p[0] = (unsigned char)(v & 0xff);
	p[1] = (unsigned char)(v >> 8);
}

static void wr32(unsigned char *p, uint32_t v)
{
	wr16(p, (uint16_t)(v & 0xffff));
	wr16(p + 2, (uint16_t)(v >> 16));
}

/* The zip64 end record through its locator just before the plain one. */
static int find_cd64(const unsigned char *tail, size_t len, size_t eocd,
		     uint64_t tail_start, uint64_t *cd_offset,
		     uint64_t *cd_size, uint64_t *end, struct cvl_error *err)
{
	const unsigned char *loc, *rec;
	uint64_t rec_off;
	size_t pos;

	if (eocd < EOCD64_LOC_SIZE ||
	    rd32(tail + eocd - EOCD64_LOC_SIZE) != SIG_EOCD64_LOC)
		return cvl_error_set(err, CVL_EINVAL,
				     "zip end record has zip64 markers but no zip64 locator");
	loc = tail + eocd - EOCD64_LOC_SIZE;
	if (rd32(loc + 4) != 0 || rd32(loc + 16) > 1)
		return cvl_error_set(err, CVL_EUNSUPPORTED,
				     "multi-disk zip archives are not supported");
	rec_off = rd64(loc + 8);
	if (rec_off < tail_start ||
	    rec_off - tail_start > eocd - EOCD64_LOC_SIZE ||
	    eocd - EOCD64_LOC_SIZE - (rec_off - tail_start) < EOCD64_SIZE)
		return cvl_error_set(err, CVL_EINVAL,
				     "zip64 end record at offset %llu is not in the last %zu bytes",
				     (unsigned long long)rec_off, len);
	pos = (size_t)(rec_off - tail_start);
	rec = tail + pos;
	if (rd32(rec) != SIG_EOCD64)
		return cvl_error_set(err, CVL_EINVAL,
				     "no zip64 end record at offset %llu",
				     (unsigned long long)rec_off);
	if (rd32(rec + 16) != 0 || rd32(rec + 20) != 0)
		return cvl_error_set(err, CVL_EUNSUPPORTED,
				     "multi-disk zip archives are not supported");
	*cd_size = rd64(rec + 40);
	*cd_offset = rd64(rec + 48);
	*end = rec_off;
	return 0;
}

int idx_zip_find_cd(const unsigned char *tail, size_t len, uint64_t file_size,
		    uint64_t *cd_offset, uint64_t *cd_size,
		    struct cvl_error *err)
{
	size_t pos, lowest, found = SIZE_MAX;
	uint64_t tail_start, end = 0;
	const unsigned char *e;
	int r;

	if (len > file_size)
		return cvl_error_set(err, CVL_EINVAL,
				     "zip tail of %zu bytes is longer than the file (%llu bytes)",
				     len, (unsigned long long)file_size);
	if (len < EOCD_SIZE)
		return cvl_error_set(err, CVL_EINVAL,
				     "not a zip file: %zu bytes are too few for an end record",
				     len);
	tail_start = file_size - len;
	/*
	 * The record ends the file, followed only by its comment (at most
	 * 65535 bytes).  Search backwards; prefer a record whose comment
	 * length reaches exactly the end, else accept one whose comment fits
	 * (trailing junk, as Python's zipfile does).
	 */
	lowest = len - EOCD_SIZE > 65535 ? len - EOCD_SIZE - 65535 : 0;
	for (pos = len - EOCD_SIZE + 1; pos-- > lowest;) {
		if (rd32(tail + pos) != SIG_EOCD)
			continue;
		if (pos + EOCD_SIZE + rd16(tail + pos + 20) == len) {
			found = pos;
			break;
		}
		if (found == SIZE_MAX &&
		    pos + EOCD_SIZE + rd16(tail + pos + 20) <= len)
			found = pos;
	}
	if (found == SIZE_MAX) {
		if (len - EOCD_SIZE < 65535 && len < file_size)
			return cvl_error_set(err, CVL_EINVAL,
					     "no zip end record in the last %zu bytes",
					     len);
		return cvl_error_set(err, CVL_EINVAL,
				     "not a zip file: no end of central directory record");
	}
	e = tail + found;
	if (rd16(e + 4) != 0 || rd16(e + 6) != 0)
		return cvl_error_set(err, CVL_EUNSUPPORTED,
				     "multi-disk zip archives are not supported");
	if (rd16(e + 8) == 0xffff || rd16(e + 10) == 0xffff ||
	    rd32(e + 12) == 0xffffffffu || rd32(e + 16) == 0xffffffffu) {
		r = find_cd64(tail, len, found, tail_start, cd_offset, cd_size,
			      &end, err);
		if (r < 0)
			return r;
	} else {
		*cd_size = rd32(e + 12);
		*cd_offset = rd32(e + 16);
		end = tail_start + found;
	}
	if (*cd_offset > end || *cd_size > end - *cd_offset)
		return cvl_error_set(err, CVL_EINVAL,
				     "zip central directory (offset %llu, %llu bytes) overlaps its end record at %llu",
				     (unsigned long long)*cd_offset,
				     (unsigned long long)*cd_size,
				     (unsigned long long)end);
	return 0;
}

/* Sizes and offset from the zip64 extra field, for the fields at 0xffffffff. */
static int apply_zip64_extra(const unsigned char *x, size_t xlen,
			     struct idx_zip_entry *e, bool need_u, bool need_c,
			     bool need_o)
{
	while (xlen >= 4) {
		uint16_t id = rd16(x), n = rd16(x + 2);
		size_t k = 4;

		if ((size_t)n > xlen - 4)
			return -1;
		if (id == 0x0001) {
			if (need_u) {
				if (k + 8 > 4 + (size_t)n)
					return -1;
				e->uncompressed_size = rd64(x + k);
				k += 8;
			}
			if (need_c) {
				if (k + 8 > 4 + (size_t)n)
					return -1;
				e->compressed_size = rd64(x + k);
				k += 8;
			}
			if (need_o) {
				if (k + 8 > 4 + (size_t)n)
					return -1;
				e->local_header_offset = rd64(x + k);
			}
			return 0;
		}
		x += 4 + n;
		xlen -= 4 + (size_t)n;
	}
	return need_u || need_c || need_o ? -1 : 0;
}

static bool has_suffix(const unsigned char *s, size_t len, const char *suffix)
{
	size_t n = strlen(suffix);

	return len >= n && !memcmp(s + len - n, suffix, n);
}

int idx_zip_find_metadata(const unsigned char *cd, size_t len,
			  struct idx_zip_entry *out, struct cvl_error *err)
{
	const unsigned char *distinfo = NULL;
	size_t distinfo_len = 0, pos = 0;
	bool found = false;
	struct idx_zip_entry e;

	while (pos < len) {
		const unsigned char *h = cd + pos, *name;
		size_t nlen, xlen, clen, slash;
		uint16_t flags;

		if (len - pos < 4)
			return cvl_error_set(err, CVL_EINVAL,
					     "zip central directory truncated at offset %zu",
					     pos);
		if (rd32(h) != SIG_CENTRAL)
			break; /* digital signature or zip64 records may follow */
		if (len - pos < CENTRAL_SIZE)
			return cvl_error_set(err, CVL_EINVAL,
					     "zip central directory truncated at offset %zu",
					     pos);
		nlen = rd16(h + 28);
		xlen = rd16(h + 30);
		clen = rd16(h + 32);
		if (len - pos - CENTRAL_SIZE < nlen + xlen + clen)
			return cvl_error_set(err, CVL_EINVAL,
					     "zip central directory entry at offset %zu runs past its end",
					     pos);
		name = h + CENTRAL_SIZE;
		pos += CENTRAL_SIZE + nlen + xlen + clen;

		/* the top-level "<name>.dist-info/" directories */
		for (slash = 0; slash < nlen && name[slash] != '/'; slash++)
			;
		if (slash == nlen || !has_suffix(name, slash, ".dist-info"))
			continue;
		if (!distinfo) {
			distinfo = name;
			distinfo_len = slash;
		} else if (distinfo_len != slash ||
			   memcmp(distinfo, name, slash)) {
			struct strbuf a = STRBUF_INIT, b = STRBUF_INIT;
			int r;

			idx__msg_quote(&a, (const char *)distinfo, distinfo_len);
			idx__msg_quote(&b, (const char *)name, slash);
			r = cvl_error_set(err, CVL_EINVAL,
					  "wheel has more than one .dist-info directory: '%s' and '%s'",
					  a.buf, b.buf);
			strbuf_release(&a);
			strbuf_release(&b);
			return r;
		}
		if (nlen - slash - 1 != 8 || memcmp(name + slash + 1, "METADATA", 8))
			continue;
		if (found)
			return cvl_error_set(err, CVL_EINVAL,
					     "wheel has two '%.*s/METADATA' entries",
					     (int)(slash > 200 ? 200 : slash),
					     (const char *)name);
		found = true;
		flags = rd16(h + 8);
		memset(&e, 0, sizeof(e));
		e.method = rd16(h + 10);
		e.crc32 = rd32(h + 16);
		e.compressed_size = rd32(h + 20);
		e.uncompressed_size = rd32(h + 24);
		e.local_header_offset = rd32(h + 42);
		if (apply_zip64_extra(name + nlen, xlen, &e,
				      e.uncompressed_size == 0xffffffffu,
				      e.compressed_size == 0xffffffffu,
				      e.local_header_offset == 0xffffffffu) < 0)
			return cvl_error_set(err, CVL_EINVAL,
					     "bad zip64 extra field for the METADATA entry");
		if (flags & 1)
			return cvl_error_set(err, CVL_EUNSUPPORTED,
					     "the METADATA entry of the wheel is encrypted");
		if (e.method != 0 && e.method != 8)
			return cvl_error_set(err, CVL_EUNSUPPORTED,
					     "the METADATA entry uses compression method %u (only stored and deflate are supported)",
					     (unsigned)e.method);
	}
	if (!distinfo)
		return cvl_error_set(err, CVL_ENOTFOUND,
				     "wheel has no .dist-info directory");
	if (!found) {
		struct strbuf a = STRBUF_INIT;
		int r;

		idx__msg_quote(&a, (const char *)distinfo, distinfo_len);
		r = cvl_error_set(err, CVL_ENOTFOUND,
				  "wheel has no '%s/METADATA'", a.buf);
		strbuf_release(&a);
		return r;
	}
	*out = e;
	return 0;
}

int idx_zip_extract(const struct idx_zip_entry *e, const unsigned char *data,
		    size_t len, struct strbuf *out, struct cvl_error *err)
{
	unsigned char hdr[LOCAL_SIZE + 8];
	struct archive *a;
	struct archive_entry *ae;
	unsigned char *buf;
	size_t start, total = 0, oldlen = out->len;
	int r = 0;

	if (len < LOCAL_SIZE || rd32(data) != SIG_LOCAL)
		return cvl_error_set(err, CVL_EINVAL,
				     "no zip local header at offset %llu",
				     (unsigned long long)e->local_header_offset);
	start = LOCAL_SIZE + (size_t)rd16(data + 26) + rd16(data + 28);
	if (start > len || e->compressed_size > len - start)
		return cvl_error_set(err, CVL_EINVAL,
				     "zip member at offset %llu needs %llu bytes of data, have %zu",
				     (unsigned long long)e->local_header_offset,
				     (unsigned long long)e->compressed_size,
				     len > start ? len - start : 0);
	if (e->method != 0 && e->method != 8)
		return cvl_error_set(err, CVL_EUNSUPPORTED,
				     "zip compression method %u is not supported",
				     (unsigned)e->method);
	if (e->uncompressed_size > 0xffffffffu || e->compressed_size > 0xffffffffu ||
	    (out->limit && e->uncompressed_size > out->limit - oldlen))
		return cvl_error_set(err, CVL_ETOOBIG,
				     "zip member of %llu bytes is too large",
				     (unsigned long long)e->uncompressed_size);
	if (e->method == 0 && e->compressed_size != e->uncompressed_size)
		return cvl_error_set(err, CVL_EINVAL,
				     "stored zip member has %llu bytes but says %llu",
				     (unsigned long long)e->compressed_size,
				     (unsigned long long)e->uncompressed_size);

	/* a clean local header: no data descriptor, sizes and CRC known */
	memset(hdr, 0, sizeof(hdr));
	wr32(hdr, SIG_LOCAL);
	wr16(hdr + 4, 20);          /* version needed */
	wr16(hdr + 6, 0);           /* flags */
	wr16(hdr + 8, e->method);
	wr32(hdr + 14, e->crc32);
	wr32(hdr + 18, (uint32_t)e->compressed_size);
	wr32(hdr + 22, (uint32_t)e->uncompressed_size);
	wr16(hdr + 26, 8);
	wr16(hdr + 28, 0);
	memcpy(hdr + LOCAL_SIZE, "METADATA", 8);
	buf = xmalloc(sizeof(hdr) + (size_t)e->compressed_size);
	memcpy(buf, hdr, sizeof(hdr));
	if (e->compressed_size)
		memcpy(buf + sizeof(hdr), data + start,
		       (size_t)e->compressed_size);

	a = archive_read_new();
	if (!a)
		BUG("archive_read_new failed");
	if (archive_read_support_format_zip_streamable(a) != ARCHIVE_OK ||
	    archive_read_open_memory(a, buf, sizeof(hdr) +
					     (size_t)e->compressed_size) !=
		    ARCHIVE_OK ||
	    archive_read_next_header(a, &ae) != ARCHIVE_OK) {
		r = cvl_error_set(err, CVL_EINVAL,
				  "cannot read zip member at offset %llu: %s",
				  (unsigned long long)e->local_header_offset,
				  archive_error_string(a) ? archive_error_string(a)
							  : "unknown error");
		goto out;
	}
	for (;;) {
		char chunk[16384];
		la_ssize_t n = archive_read_data(a, chunk, sizeof(chunk));

		if (n == 0)
			break;
		if (n < 0) {
			r = cvl_error_set(err, CVL_EINVAL,
					  "cannot inflate zip member at offset %llu: %s",
					  (unsigned long long)e->local_header_offset,
					  archive_error_string(a)
						  ? archive_error_string(a)
						  : "unknown error");
			goto out;
		}
		if ((uint64_t)n > e->uncompressed_size - total) {
			r = cvl_error_set(err, CVL_EINVAL,
					  "zip member at offset %llu inflates to more than its %llu bytes",
					  (unsigned long long)e->local_header_offset,
					  (unsigned long long)e->uncompressed_size);
			goto out;
		}
		if (strbuf_add_checked(out, chunk, (size_t)n) < 0) {
			r = cvl_error_set(err, CVL_ETOOBIG,
					  "zip member at offset %llu is too large",
					  (unsigned long long)e->local_header_offset);
			goto out;
		}
		total += (size_t)n;
	}
	if (total != e->uncompressed_size)
		r = cvl_error_set(err, CVL_EINVAL,
				  "zip member at offset %llu inflates to %zu bytes, expected %llu",
				  (unsigned long long)e->local_header_offset, total,
				  (unsigned long long)e->uncompressed_size);
out:
	archive_read_free(a);
	free(buf);
	if (r < 0)
		strbuf_setlen(out, oldlen);
	return r;
}
