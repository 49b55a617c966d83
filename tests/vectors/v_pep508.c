/* v_pep508.c - conformance runner (stub until implemented) */
#include "tests/vectors/vectors.h"

void vec_run_pep508_markers(struct vec_ctx *c, json_t *root)
{
	const char *key;
	json_t *val;

	json_object_foreach(root, key, val) {
		if (key[0] != '_')
			vec_unknown_key(c, key);
	}
}

void vec_run_pep508_requirements(struct vec_ctx *c, json_t *root)
{
	const char *key;
	json_t *val;

	json_object_foreach(root, key, val) {
		if (key[0] != '_')
			vec_unknown_key(c, key);
	}
}

