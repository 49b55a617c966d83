/*
 * vectors.h - the conformance vector runner (tests/pep-vectors DIR).
 *
 * main.c loads every *.json file in DIR, picks its family from the file
 * name or, for other files, from its keys, and calls the family's runner.
 * A runner walks the keys it knows; for each case it calls vec_begin()
 * (false: the case is a listed deviation, skip it) and then vec_pass() or
 * vec_fail().  Failures print the file, key, index, the case as JSON and
 * what differed; the program ends with "N passed, N failed".
 */
#ifndef CVL_TESTS_VECTORS_H
#define CVL_TESTS_VECTORS_H

#include "util/util.h"

#include <jansson.h>

struct vec_ctx {
	const char *file; /* base name of the file being run */
	const char *key;  /* current key */
	size_t index;     /* current case index within key */
	json_t *cur;      /* current case */
	size_t passed, failed, skipped;
	size_t unknown_keys;
	int verbose;
};

/* Start case `index` of `key`; false when it is a listed deviation. */
bool vec_begin(struct vec_ctx *c, const char *key, size_t index, json_t *item);
void vec_pass(struct vec_ctx *c);
void vec_fail(struct vec_ctx *c, const char *fmt, ...) CVL_PRINTF(2, 3);
/* Convenience: pass when ok, else fail with the message. */
void vec_check(struct vec_ctx *c, bool ok, const char *fmt, ...)
	CVL_PRINTF(3, 4);
/* Report a key the family runner does not know (counted as a failure). */
void vec_unknown_key(struct vec_ctx *c, const char *key);

/* Family runners, one per schema (see tests/vectors/README.md). */
void vec_run_pep440_versions(struct vec_ctx *c, json_t *root);
void vec_run_pep440_specifiers(struct vec_ctx *c, json_t *root);
void vec_run_pep508_markers(struct vec_ctx *c, json_t *root);
void vec_run_pep508_requirements(struct vec_ctx *c, json_t *root);
void vec_run_wheel_filenames(struct vec_ctx *c, json_t *root);

/* Helpers for runners. */
/* A JSON string's bytes (jansson strings may hold NUL); NULL if not a string. */
const char *vec_str(json_t *j, size_t *len);
/* Compact JSON text of j, for messages (static buffer, valid until next call). */
const char *vec_dump(json_t *j);

#endif
