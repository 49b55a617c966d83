/* sha256.c - SHA-256 through OpenSSL's EVP interface (libcrypto) */
#include "util/util.h"

#include <openssl/evp.h>

void sha256_hex(const void *data, size_t len, char out[65])
{
	static const char hexdigits[] = "0123456789abcdef";
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	size_t i;

	/*
	 * EVP_Digest() only fails when libcrypto cannot allocate or the
	 * digest is unavailable: neither is an input error.
	 */
	if (!EVP_Digest(data, len, md, &mdlen, EVP_sha256(), NULL) ||
	    mdlen != 32)
		BUG("EVP_Digest(sha256) failed");
	for (i = 0; i < 32; i++) {
		out[2 * i] = hexdigits[md[i] >> 4];
		out[2 * i + 1] = hexdigits[md[i] & 15];
	}
	out[64] = '\0';
}
