/*
 * test_util_sha256.c - util/sha256.c: the examples of FIPS 180-4 (NIST's
 * "Examples with intermediate values"), every split of the input between
 * sha256_update() calls, and libcrypto's answer for random inputs of 0 to
 * 1000 bytes fed in random pieces; sha256_bulk() and sha256_hex_bulk()
 * (util/sha256_bulk.c) on both sides of the size where they switch to
 * libcrypto.  (This program links libcrypto, which is what it compares
 * with.)
 */
#include "tests/unit/unit.h"

#include <openssl/evp.h>

static void hex_of(const unsigned char md[32], char out[65])
{
	int i;

	for (i = 0; i < 32; i++) {
		out[2 * i] = "0123456789abcdef"[md[i] >> 4];
		out[2 * i + 1] = "0123456789abcdef"[md[i] & 15];
	}
	out[64] = '\0';
}

static const struct {
	const char *in;
	const char *want;
} nist[] = {
	{ "", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855" },
	{ "abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad" },
	/* 448 bits: the padding needs a second block */
	{ "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
	  "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1" },
	/* 896 bits */
	{ "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu",
	  "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1" },
};

START_TEST(sha256_nist)
{
	char hex[65];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(nist); i++) {
		sha256_hex(nist[i].in, strlen(nist[i].in), hex);
		ck_assert_str_eq(hex, nist[i].want);
	}
}
END_TEST

START_TEST(sha256_million_a)
{
	static const char want[] =
		"cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0";
	struct sha256_ctx c;
	unsigned char md[32];
	char *a = xmalloc(1000000);
	char hex[65];
	int i;

	memset(a, 'a', 1000000);
	sha256_hex(a, 1000000, hex);
	ck_assert_str_eq(hex, want);
	/* in pieces of 1000: none on a block boundary but every 8th */
	sha256_init(&c);
	for (i = 0; i < 1000; i++)
		sha256_update(&c, a, 1000);
	sha256_final(&c, md);
	hex_of(md, hex);
	ck_assert_str_eq(hex, want);
	free(a);
}
END_TEST

/* Every way to cut each example in two, and the bytes one by one. */
START_TEST(sha256_splits)
{
	struct sha256_ctx c;
	unsigned char md[32];
	char hex[65];
	size_t i, k, len;

	for (i = 0; i < ARRAY_SIZE(nist); i++) {
		len = strlen(nist[i].in);
		for (k = 0; k <= len; k++) {
			sha256_init(&c);
			sha256_update(&c, nist[i].in, k);
			sha256_update(&c, NULL, 0);
			sha256_update(&c, nist[i].in + k, len - k);
			sha256_final(&c, md);
			hex_of(md, hex);
			ck_assert_str_eq(hex, nist[i].want);
		}
		sha256_init(&c);
		for (k = 0; k < len; k++)
			sha256_update(&c, nist[i].in + k, 1);
		sha256_final(&c, md);
		hex_of(md, hex);
		ck_assert_str_eq(hex, nist[i].want);
	}
}
END_TEST

static uint64_t next(uint64_t *s)
{
	/* xorshift64: the same inputs on every run */
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

START_TEST(sha256_as_libcrypto)
{
	unsigned char buf[1000], md[32], want[EVP_MAX_MD_SIZE];
	struct sha256_ctx c;
	uint64_t seed = 0x9e3779b97f4a7c15u;
	unsigned int wlen;
	size_t len, off, n, i;
	char hex[65], whex[65];
	int round;

	for (round = 0; round < 3000; round++) {
		/* every length once, then random ones */
		len = round <= 1000 ? (size_t)round : next(&seed) % 1001;
		for (i = 0; i < len; i++)
			buf[i] = (unsigned char)next(&seed);
		wlen = 0;
		ck_assert(EVP_Digest(buf, len, want, &wlen, EVP_sha256(), NULL));
		ck_assert_uint_eq(wlen, 32);
		hex_of(want, whex);
		sha256_hex(buf, len, hex);
		ck_assert_str_eq(hex, whex);
		sha256_init(&c);
		for (off = 0; off < len; off += n) {
			n = next(&seed) % 150;
			if (n > len - off)
				n = len - off;
			sha256_update(&c, buf + off, n);
		}
		sha256_final(&c, md);
		ck_assert_mem_eq(md, want, 32);
	}
}
END_TEST

START_TEST(sha256_bulk_same)
{
	static const size_t lens[] = {
		0, 1, 64, 65536, ((size_t)1 << 20) - 1, (size_t)1 << 20,
		((size_t)3 << 20) + 7,
	};
	unsigned char *buf = xmalloc(((size_t)3 << 20) + 7);
	unsigned char md[32];
	uint64_t seed = 42;
	char hex[65], bhex[65];
	size_t i;

	for (i = 0; i < ((size_t)3 << 20) + 7; i++)
		buf[i] = (unsigned char)next(&seed);
	for (i = 0; i < ARRAY_SIZE(lens); i++) {
		sha256_hex(buf, lens[i], hex);
		sha256_hex_bulk(buf, lens[i], bhex);
		ck_assert_str_eq(bhex, hex);
		sha256_bulk(buf, lens[i], md);
		sha256_to_hex(md, bhex);
		ck_assert_str_eq(bhex, hex);
	}
	/* 1 MiB and more went through libcrypto, which is loaded now */
	ck_assert(cvl_lib_loaded(CVL_LIB_CRYPTO));
	free(buf);
}
END_TEST

Suite *suite_util_sha256(void)
{
	Suite *s = suite_create("util_sha256");
	TCase *tc = tcase_create("sha256");

	tcase_add_test(tc, sha256_nist);
	tcase_add_test(tc, sha256_million_a);
	tcase_add_test(tc, sha256_splits);
	tcase_add_test(tc, sha256_as_libcrypto);
	tcase_add_test(tc, sha256_bulk_same);
	suite_add_tcase(s, tc);
	return s;
}
