/*
 * wheel_internal.h - what sync/record.c, sync/wheel.c and sync/install.c
 * share beyond sync/sync.h.
 */
#ifndef CVL_SYNC_WHEEL_INTERNAL_H
#define CVL_SYNC_WHEEL_INTERNAL_H

#include "util/util.h"

/*
 * Append "ALGO=<urlsafe base64 without padding>" of the `n`-byte digest
 * `md` (RECORD's hash field).
 */
void sync_hash_b64(const char *algo, const unsigned char *md, size_t n,
		   struct strbuf *out);

#endif
