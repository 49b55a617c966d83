/*
 * sha256_bulk.c - SHA-256 of whole files (util.h): libcrypto's code, which
 * uses SHA-NI or AVX2, for the large ones.  Apart from util/sha256.c so
 * that the programs that only hash small inputs need no libcrypto.
 *
 * Measured here (64 MiB, perf stat): util/sha256.c 265 ms, EVP 70 ms; so
 * from about 1 MiB the time saved repays loading libcrypto (its
 * relocations and initialization, 2-3 ms) when nothing loaded it before.
 */
#include "util/util.h"

#include <openssl/evp.h>

#define BULK_MIN ((size_t)1 << 20)

void sha256_bulk(const void *data, size_t len, unsigned char md[32])
{
	struct sha256_ctx c;
	unsigned int n = 0;

	/* without libcrypto (or when it fails), the same digest, slower */
	if (len >= BULK_MIN && cvl_lib_load(CVL_LIB_CRYPTO, NULL) == 0 &&
	    EVP_Digest(data, len, md, &n, EVP_sha256(), NULL) && n == 32)
		return;
	sha256_init(&c);
	sha256_update(&c, data, len);
	sha256_final(&c, md);
}

void sha256_hex_bulk(const void *data, size_t len, char out[65])
{
	unsigned char md[32];

	sha256_bulk(data, len, md);
	sha256_to_hex(md, out);
}
