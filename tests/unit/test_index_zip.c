/*
 * test_index_zip.c - index/zip.c on real zip files: wheels are written in
 * memory with libarchive's zip writer (stored and deflated members, data
 * descriptors as libarchive writes them), then read back the way range
 * requests do: the tail, the central directory, one local header.
 */
#include "tests/unit/unit.h"

#include "index/internal.h"

#include <archive.h>
#include <archive_entry.h>

struct member {
	const char *name;
	const char *data;
};

static const char metadata[] =
	"Metadata-Version: 2.1\n"
	"Name: demo\n"
	"Version: 1.0\n"
	"Requires-Dist: requests (>=2)\n"
	"Requires-Python: >=3.8\n"
	"\n"
	"A long description, repeated to make deflate worth it. "
	"A long description, repeated to make deflate worth it. "
	"A long description, repeated to make deflate worth it.\n";

/* A zip of `members` (compression "store" or "deflate") in `out`. */
static void build_zip(const struct member *members, size_t n,
		      const char *compression, struct strbuf *out)
{
	struct archive *a = archive_write_new();
	size_t cap = 1 << 20, used = 0, i;
	char *buf = xmalloc(cap);
	char opt[64];

	ck_assert_int_eq(archive_write_set_format_zip(a), ARCHIVE_OK);
	snprintf(opt, sizeof(opt), "zip:compression=%s", compression);
	ck_assert_int_eq(archive_write_set_options(a, opt), ARCHIVE_OK);
	ck_assert_int_eq(archive_write_open_memory(a, buf, cap, &used), ARCHIVE_OK);
	for (i = 0; i < n; i++) {
		struct archive_entry *e = archive_entry_new();
		size_t len = strlen(members[i].data);

		archive_entry_set_pathname(e, members[i].name);
		archive_entry_set_filetype(e, AE_IFREG);
		archive_entry_set_perm(e, 0644);
		archive_entry_set_size(e, (la_int64_t)len);
		ck_assert_int_eq(archive_write_header(a, e), ARCHIVE_OK);
		ck_assert_int_eq(archive_write_data(a, members[i].data, len),
				 (la_ssize_t)len);
		archive_entry_free(e);
	}
	ck_assert_int_eq(archive_write_close(a), ARCHIVE_OK);
	archive_write_free(a);
	strbuf_reset(out);
	strbuf_add(out, buf, used);
	free(buf);
}

static const struct member wheel[] = {
	{ "demo/__init__.py", "print('hi')\n" },
	{ "demo/sub.dist-info/METADATA", "decoy: not top-level\n" },
	{ "demo-1.0.dist-info/METADATA", metadata },
	{ "demo-1.0.dist-info/WHEEL", "Wheel-Version: 1.0\nRoot-Is-Purelib: true\nTag: py3-none-any\n" },
	{ "demo-1.0.dist-info/RECORD", "demo/__init__.py,,\n" },
};

/*
 * Read METADATA the way the client does with ranges: the last `tail`
 * bytes, then the central directory, then the member from its local
 * header on.
 */
static int read_metadata(const struct strbuf *zip, size_t tail,
			 struct strbuf *out, struct cvl_error *err)
{
	const unsigned char *z = (const unsigned char *)zip->buf;
	uint64_t off, size;
	struct idx_zip_entry e;
	int r;

	if (tail > zip->len)
		tail = zip->len;
	r = idx_zip_find_cd(z + zip->len - tail, tail, zip->len, &off, &size, err);
	if (r < 0)
		return r;
	ck_assert_uint_le(off + size, zip->len);
	r = idx_zip_find_metadata(z + off, (size_t)size, &e, err);
	if (r < 0)
		return r;
	ck_assert_uint_lt(e.local_header_offset, zip->len);
	return idx_zip_extract(&e, z + e.local_header_offset,
			       zip->len - (size_t)e.local_header_offset, out, err);
}

START_TEST(wheel_deflate_and_store)
{
	static const char *const methods[] = { "deflate", "store" };
	static const size_t tails[] = { 22, 100, 1 << 16, 1 << 20 };
	struct strbuf zip = STRBUF_INIT, out = STRBUF_INIT;
	struct cvl_error err = CVL_ERROR_INIT;
	size_t m, t;

	for (m = 0; m < ARRAY_SIZE(methods); m++) {
		build_zip(wheel, ARRAY_SIZE(wheel), methods[m], &zip);
		for (t = 0; t < ARRAY_SIZE(tails); t++) {
			strbuf_reset(&out);
			ck_assert_msg(read_metadata(&zip, tails[t], &out, &err) == 0,
				      "%s, tail %zu: %s", methods[m], tails[t], err.msg);
			ck_assert_str_eq(out.buf, metadata);
		}
	}
	strbuf_release(&zip);
	strbuf_release(&out);
}
END_TEST

START_TEST(entry_fields)
{
	struct strbuf zip = STRBUF_INIT;
	struct cvl_error err = CVL_ERROR_INIT;
	const unsigned char *z;
	uint64_t off, size;
	struct idx_zip_entry e;

	build_zip(wheel, ARRAY_SIZE(wheel), "deflate", &zip);
	z = (const unsigned char *)zip.buf;
	ck_assert_int_eq(idx_zip_find_cd(z, zip.len, zip.len, &off, &size, &err), 0);
	ck_assert_int_eq(idx_zip_find_metadata(z + off, (size_t)size, &e, &err), 0);
	ck_assert_uint_eq(e.method, 8);
	ck_assert_uint_eq(e.uncompressed_size, strlen(metadata));
	ck_assert_uint_lt(e.compressed_size, e.uncompressed_size);
	ck_assert_uint_ne(e.crc32, 0);
	/* the local header at that offset names the member */
	ck_assert_int_eq(memcmp(z + e.local_header_offset + 30,
				"demo-1.0.dist-info/METADATA", 27), 0);
	strbuf_release(&zip);
}
END_TEST

/* Append a comment to the zip (the end record's last field). */
static void add_comment(struct strbuf *zip, const char *comment, size_t len)
{
	unsigned char *eocd = (unsigned char *)zip->buf + zip->len - 22;

	ck_assert_uint_eq(eocd[20] | eocd[21], 0);
	eocd[20] = (unsigned char)(len & 0xff);
	eocd[21] = (unsigned char)(len >> 8);
	strbuf_add(zip, comment, len);
}

START_TEST(comment_with_decoy)
{
	struct strbuf zip = STRBUF_INIT, out = STRBUF_INIT;
	struct strbuf comment = STRBUF_INIT;
	struct cvl_error err = CVL_ERROR_INIT;
	size_t i;

	build_zip(wheel, ARRAY_SIZE(wheel), "deflate", &zip);
	/* a fake end record inside the comment must not fool the search */
	strbuf_addstr(&comment, "signed by me ");
	strbuf_add(&comment, "PK\x05\x06\0\0\0\0\1\0\1\0\x10\0\0\0\0\0\0\0\0\0", 22);
	for (i = 0; i < 4000; i++)
		strbuf_addch(&comment, 'c');
	add_comment(&zip, comment.buf, comment.len);
	ck_assert_int_eq(read_metadata(&zip, 1 << 17, &out, &err), 0);
	ck_assert_str_eq(out.buf, metadata);

	/* the tail is too short to hold the record and its comment */
	ck_assert_int_eq(read_metadata(&zip, 1000, &out, &err), -CVL_EINVAL);
	ck_assert_str_eq(err.msg, "no zip end record in the last 1000 bytes");
	strbuf_release(&zip);
	strbuf_release(&out);
	strbuf_release(&comment);
}
END_TEST

static void put16(unsigned char *p, uint64_t v)
{
	p[0] = (unsigned char)(v & 0xff);
	p[1] = (unsigned char)((v >> 8) & 0xff);
}

static void put32(unsigned char *p, uint64_t v)
{
	put16(p, v & 0xffff);
	put16(p + 2, (v >> 16) & 0xffff);
}

static void put64(unsigned char *p, uint64_t v)
{
	put32(p, v & 0xffffffffu);
	put32(p + 4, v >> 32);
}

/* Rewrite the end of `zip` as zip64 end record + locator + marked EOCD. */
static void make_zip64(struct strbuf *zip)
{
	unsigned char rec[56], loc[20], eocd[22];
	const unsigned char *old = (const unsigned char *)zip->buf + zip->len - 22;
	uint64_t entries = (uint64_t)old[10] | ((uint64_t)old[11] << 8);
	uint64_t cd_size = (uint64_t)old[12] | ((uint64_t)old[13] << 8) |
			   ((uint64_t)old[14] << 16) | ((uint64_t)old[15] << 24);
	uint64_t cd_off = (uint64_t)old[16] | ((uint64_t)old[17] << 8) |
			  ((uint64_t)old[18] << 16) | ((uint64_t)old[19] << 24);
	uint64_t rec_off;

	strbuf_setlen(zip, zip->len - 22);
	rec_off = zip->len;
	memset(rec, 0, sizeof(rec));
	put32(rec, 0x06064b50);
	put64(rec + 4, 44);
	put16(rec + 12, 45);
	put16(rec + 14, 45);
	put64(rec + 24, entries);
	put64(rec + 32, entries);
	put64(rec + 40, cd_size);
	put64(rec + 48, cd_off);
	memset(loc, 0, sizeof(loc));
	put32(loc, 0x07064b50);
	put64(loc + 8, rec_off);
	put32(loc + 16, 1);
	memset(eocd, 0, sizeof(eocd));
	put32(eocd, 0x06054b50);
	put16(eocd + 8, 0xffff);
	put16(eocd + 10, 0xffff);
	put32(eocd + 12, 0xffffffffu);
	put32(eocd + 16, 0xffffffffu);
	strbuf_add(zip, rec, sizeof(rec));
	strbuf_add(zip, loc, sizeof(loc));
	strbuf_add(zip, eocd, sizeof(eocd));
}

START_TEST(zip64_end_record)
{
	struct strbuf zip = STRBUF_INIT, out = STRBUF_INIT;
	struct cvl_error err = CVL_ERROR_INIT;
	const unsigned char *z;
	uint64_t off, size;

	build_zip(wheel, ARRAY_SIZE(wheel), "deflate", &zip);
	make_zip64(&zip);
	ck_assert_int_eq(read_metadata(&zip, 98, &out, &err), 0);
	ck_assert_str_eq(out.buf, metadata);

	/* the zip64 record must be inside the tail we have */
	z = (const unsigned char *)zip.buf;
	ck_assert_int_eq(idx_zip_find_cd(z + zip.len - 60, 60, zip.len, &off, &size, &err),
			 -CVL_EINVAL);
	ck_assert_msg(strstr(err.msg, "zip64 end record at offset ") &&
		      strstr(err.msg, " is not in the last 60 bytes"), "%s", err.msg);
	/* a marked record without a locator */
	((unsigned char *)zip.buf)[zip.len - 42] = 'X';
	ck_assert_int_eq(idx_zip_find_cd(z, zip.len, zip.len, &off, &size, &err),
			 -CVL_EINVAL);
	ck_assert_str_eq(err.msg, "zip end record has zip64 markers but no zip64 locator");
	strbuf_release(&zip);
	strbuf_release(&out);
}
END_TEST

START_TEST(find_cd_errors)
{
	struct cvl_error err = CVL_ERROR_INIT;
	unsigned char buf[64];
	uint64_t off, size;

	memset(buf, 'x', sizeof(buf));
	ck_assert_int_eq(idx_zip_find_cd(buf, sizeof(buf), sizeof(buf), &off, &size, &err),
			 -CVL_EINVAL);
	ck_assert_str_eq(err.msg, "not a zip file: no end of central directory record");
	ck_assert_int_eq(idx_zip_find_cd(buf, 10, 10, &off, &size, &err), -CVL_EINVAL);
	ck_assert_str_eq(err.msg, "not a zip file: 10 bytes are too few for an end record");
	ck_assert_int_eq(idx_zip_find_cd(buf, 64, 63, &off, &size, &err), -CVL_EINVAL);
	ck_assert_str_eq(err.msg, "zip tail of 64 bytes is longer than the file (63 bytes)");

	/* an end record whose directory would run past it */
	memset(buf, 0, sizeof(buf));
	put32(buf + 42, 0x06054b50);
	put32(buf + 42 + 12, 30);
	put32(buf + 42 + 16, 20);
	ck_assert_int_eq(idx_zip_find_cd(buf, sizeof(buf), sizeof(buf), &off, &size, &err),
			 -CVL_EINVAL);
	ck_assert_str_eq(err.msg, "zip central directory (offset 20, 30 bytes) overlaps its end record at 42");
	put32(buf + 42 + 12, 22);
	ck_assert_int_eq(idx_zip_find_cd(buf, sizeof(buf), sizeof(buf), &off, &size, &err), 0);
	ck_assert_uint_eq(off, 20);
	ck_assert_uint_eq(size, 22);
	/* an empty zip: the directory is empty */
	ck_assert_int_eq(idx_zip_find_cd(buf + 42, 22, 22, &off, &size, &err), -CVL_EINVAL);
	put32(buf + 42 + 12, 0);
	put32(buf + 42 + 16, 0);
	ck_assert_int_eq(idx_zip_find_cd(buf + 42, 22, 22, &off, &size, &err), 0);
	ck_assert_int_eq(idx_zip_find_metadata(buf, 0, NULL, &err), -CVL_ENOTFOUND);
	ck_assert_str_eq(err.msg, "wheel has no .dist-info directory");
	/* multi-disk */
	put16(buf + 42 + 4, 1);
	ck_assert_int_eq(idx_zip_find_cd(buf + 42, 22, 22, &off, &size, &err),
			 -CVL_EUNSUPPORTED);
	ck_assert_str_eq(err.msg, "multi-disk zip archives are not supported");
}
END_TEST

static int metadata_of(const struct member *m, size_t n, struct strbuf *out,
		       struct cvl_error *err)
{
	struct strbuf zip = STRBUF_INIT;
	int r;

	build_zip(m, n, "deflate", &zip);
	r = read_metadata(&zip, zip.len, out, err);
	strbuf_release(&zip);
	return r;
}

START_TEST(find_metadata_errors)
{
	static const struct member two[] = {
		{ "a-1.0.dist-info/METADATA", "x" },
		{ "b-1.0.dist-info/METADATA", "y" },
	};
	static const struct member none[] = {
		{ "a-1.0.dist-info/WHEEL", "x" },
	};
	static const struct member nested[] = {
		{ "pkg/a-1.0.dist-info/METADATA", "x" },
		{ "METADATA", "y" },
	};
	static const struct member lower[] = {
		{ "a-1.0.dist-info/metadata", "x" },
	};
	static const struct member dup[] = {
		{ "a-1.0.dist-info/METADATA", "x" },
		{ "a-1.0.dist-info/METADATA", "y" },
	};
	static const struct member empty[] = {
		{ "a-1.0.dist-info/METADATA", "" },
	};
	struct strbuf out = STRBUF_INIT;
	struct cvl_error err = CVL_ERROR_INIT;

	ck_assert_int_eq(metadata_of(two, 2, &out, &err), -CVL_EINVAL);
	ck_assert_str_eq(err.msg, "wheel has more than one .dist-info directory: 'a-1.0.dist-info' and 'b-1.0.dist-info'");
	ck_assert_int_eq(metadata_of(none, 1, &out, &err), -CVL_ENOTFOUND);
	ck_assert_str_eq(err.msg, "wheel has no 'a-1.0.dist-info/METADATA'");
	ck_assert_int_eq(metadata_of(nested, 2, &out, &err), -CVL_ENOTFOUND);
	ck_assert_str_eq(err.msg, "wheel has no .dist-info directory");
	ck_assert_int_eq(metadata_of(lower, 1, &out, &err), -CVL_ENOTFOUND);
	ck_assert_int_eq(metadata_of(dup, 2, &out, &err), -CVL_EINVAL);
	ck_assert_str_eq(err.msg, "wheel has two 'a-1.0.dist-info/METADATA' entries");
	ck_assert_int_eq(metadata_of(empty, 1, &out, &err), 0);
	ck_assert_uint_eq(out.len, 0);
	strbuf_release(&out);
}
END_TEST

/* One central directory entry with every size in a zip64 extra field. */
static size_t central_zip64(unsigned char *buf, size_t xlen_zip64)
{
	static const char name[] = "a-1.0.dist-info/METADATA";
	size_t nlen = sizeof(name) - 1, xlen = 9 + 4 + xlen_zip64;
	unsigned char *x;

	memset(buf, 0, 46 + nlen + xlen);
	put32(buf, 0x02014b50);
	put16(buf + 10, 8);
	put32(buf + 16, 0x12345678);
	put32(buf + 20, 0xffffffffu);
	put32(buf + 24, 0xffffffffu);
	put16(buf + 28, nlen);
	put16(buf + 30, xlen);
	put32(buf + 42, 0xffffffffu);
	memcpy(buf + 46, name, nlen);
	x = buf + 46 + nlen;
	/* an extended timestamp first, then zip64 */
	put16(x, 0x5455);
	put16(x + 2, 5);
	x += 9;
	put16(x, 0x0001);
	put16(x + 2, xlen_zip64);
	put64(x + 4, 5000000000ULL);  /* uncompressed */
	put64(x + 12, 4500000000ULL); /* compressed */
	put64(x + 20, 6000000000ULL); /* local header offset */
	return 46 + nlen + xlen;
}

START_TEST(zip64_extra_field)
{
	unsigned char buf[256];
	struct cvl_error err = CVL_ERROR_INIT;
	struct idx_zip_entry e;
	size_t n;

	n = central_zip64(buf, 24);
	ck_assert_int_eq(idx_zip_find_metadata(buf, n, &e, &err), 0);
	ck_assert_uint_eq(e.uncompressed_size, 5000000000ULL);
	ck_assert_uint_eq(e.compressed_size, 4500000000ULL);
	ck_assert_uint_eq(e.local_header_offset, 6000000000ULL);
	ck_assert_uint_eq(e.crc32, 0x12345678);
	ck_assert_uint_eq(e.method, 8);
	/* the zip64 field lacks the offset */
	n = central_zip64(buf, 16);
	ck_assert_int_eq(idx_zip_find_metadata(buf, n, &e, &err), -CVL_EINVAL);
	ck_assert_str_eq(err.msg, "bad zip64 extra field for the METADATA entry");
}
END_TEST

START_TEST(truncated_directory)
{
	struct strbuf zip = STRBUF_INIT;
	struct cvl_error err = CVL_ERROR_INIT;
	const unsigned char *z;
	uint64_t off, size;
	struct idx_zip_entry e;
	size_t cut;

	build_zip(wheel, ARRAY_SIZE(wheel), "deflate", &zip);
	z = (const unsigned char *)zip.buf;
	ck_assert_int_eq(idx_zip_find_cd(z, zip.len, zip.len, &off, &size, &err), 0);
	/* every prefix of the directory either errors or finds nothing wrong */
	for (cut = 0; cut < size; cut++) {
		int r = idx_zip_find_metadata(z + off, cut, &e, &err);

		ck_assert(r == -CVL_EINVAL || r == -CVL_ENOTFOUND || r == 0);
	}
	ck_assert_int_eq(idx_zip_find_metadata(z + off, 45, &e, &err), -CVL_EINVAL);
	ck_assert_str_eq(err.msg, "zip central directory truncated at offset 0");
	ck_assert_int_eq(idx_zip_find_metadata(z + off, 50, &e, &err), -CVL_EINVAL);
	ck_assert_str_eq(err.msg, "zip central directory entry at offset 0 runs past its end");
	strbuf_release(&zip);
}
END_TEST

START_TEST(extract_errors)
{
	struct strbuf zip = STRBUF_INIT, out = STRBUF_INIT;
	struct cvl_error err = CVL_ERROR_INIT;
	unsigned char *z;
	uint64_t off, size;
	struct idx_zip_entry e, bad;
	size_t data;

	build_zip(wheel, ARRAY_SIZE(wheel), "deflate", &zip);
	z = (unsigned char *)zip.buf;
	ck_assert_int_eq(idx_zip_find_cd(z, zip.len, zip.len, &off, &size, &err), 0);
	ck_assert_int_eq(idx_zip_find_metadata(z + off, (size_t)size, &e, &err), 0);
	data = (size_t)e.local_header_offset + 30 + 27;
	data += (size_t)(z[e.local_header_offset + 28] | (z[e.local_header_offset + 29] << 8));

	/* not enough bytes for the member */
	ck_assert_int_eq(idx_zip_extract(&e, z + e.local_header_offset,
					 data - (size_t)e.local_header_offset + 5, &out, &err),
			 -CVL_EINVAL);
	ck_assert_msg(strstr(err.msg, " bytes of data, have 5"), "%s", err.msg);
	ck_assert_int_eq(idx_zip_extract(&e, z, 10, &out, &err), -CVL_EINVAL);
	ck_assert_int_eq(idx_zip_extract(&e, z + 1, 100, &out, &err), -CVL_EINVAL);
	ck_assert_msg(strstr(err.msg, "no zip local header at offset "), "%s", err.msg);

	/* the limit of the output buffer */
	out.limit = 100;
	ck_assert_int_eq(idx_zip_extract(&e, z + e.local_header_offset,
					 zip.len - (size_t)e.local_header_offset, &out, &err),
			 -CVL_ETOOBIG);
	ck_assert_uint_eq(out.len, 0);
	out.limit = 0;

	/* a wrong CRC, a size that lies, a method we do not know */
	bad = e;
	bad.crc32 ^= 1;
	ck_assert_int_eq(idx_zip_extract(&bad, z + e.local_header_offset,
					 zip.len - (size_t)e.local_header_offset, &out, &err),
			 -CVL_EINVAL);
	ck_assert_msg(strstr(err.msg, "CRC") != NULL, "%s", err.msg);
	ck_assert_uint_eq(out.len, 0);
	bad = e;
	bad.uncompressed_size -= 1;
	ck_assert_int_eq(idx_zip_extract(&bad, z + e.local_header_offset,
					 zip.len - (size_t)e.local_header_offset, &out, &err),
			 -CVL_EINVAL);
	ck_assert_uint_eq(out.len, 0);
	bad = e;
	bad.uncompressed_size += 1;
	ck_assert_int_eq(idx_zip_extract(&bad, z + e.local_header_offset,
					 zip.len - (size_t)e.local_header_offset, &out, &err),
			 -CVL_EINVAL);
	ck_assert_uint_eq(out.len, 0);
	bad = e;
	bad.method = 12;
	ck_assert_int_eq(idx_zip_extract(&bad, z + e.local_header_offset,
					 zip.len - (size_t)e.local_header_offset, &out, &err),
			 -CVL_EUNSUPPORTED);
	ck_assert_str_eq(err.msg, "zip compression method 12 is not supported");

	/* corrupt deflate data */
	memset(z + data, 0xff, 8);
	ck_assert_int_eq(idx_zip_extract(&e, z + e.local_header_offset,
					 zip.len - (size_t)e.local_header_offset, &out, &err),
			 -CVL_EINVAL);
	ck_assert_uint_eq(out.len, 0);
	strbuf_release(&zip);
	strbuf_release(&out);
}
END_TEST

Suite *suite_index_zip(void)
{
	Suite *s = suite_create("index_zip");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, wheel_deflate_and_store);
	tcase_add_test(tc, entry_fields);
	tcase_add_test(tc, comment_with_decoy);
	tcase_add_test(tc, zip64_end_record);
	tcase_add_test(tc, zip64_extra_field);
	tcase_add_test(tc, find_cd_errors);
	tcase_add_test(tc, find_metadata_errors);
	tcase_add_test(tc, truncated_directory);
	tcase_add_test(tc, extract_errors);
	suite_add_tcase(s, tc);
	return s;
}
