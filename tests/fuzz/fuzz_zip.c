/*
 * fuzz_zip.c - the zip reader behind range requests into wheels
 * (index/zip.c).
 *
 * The input is a whole "wheel": its end record is looked for in tails of
 * several lengths (as the client would fetch them), the central directory
 * it points at is walked for *.dist-info/METADATA, and that member is
 * inflated from its local header on with a 64 KiB output limit.  Offsets
 * handed back must lie inside the file; the output must have exactly the
 * size the directory claims.
 */
#include "index/index.h"

#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const size_t tails[] = { 22, 98, 1024, SIZE_MAX };
	struct cvl_error err = CVL_ERROR_INIT;
	size_t t;

	for (t = 0; t < sizeof(tails) / sizeof(tails[0]); t++) {
		size_t tail = tails[t] < size ? tails[t] : size;
		uint64_t off, cdsize;
		struct idx_zip_entry e;
		struct strbuf out = STRBUF_INIT;

		if (idx_zip_find_cd(data + size - tail, tail, size, &off, &cdsize,
				    &err) < 0)
			continue;
		if (off > size || cdsize > size - off)
			abort();
		if (idx_zip_find_metadata(data + off, (size_t)cdsize, &e, &err) < 0)
			continue;
		if (e.method != 0 && e.method != 8)
			abort();
		if (e.local_header_offset >= size)
			continue;
		out.limit = 65536;
		if (idx_zip_extract(&e, data + e.local_header_offset,
				    size - (size_t)e.local_header_offset, &out,
				    &err) == 0) {
			if (out.len != e.uncompressed_size || out.len > out.limit)
				abort();
		} else if (out.len) {
			abort();
		}
		strbuf_release(&out);
	}
	return 0;
}
