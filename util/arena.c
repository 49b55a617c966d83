/* arena.c - bump allocator for parse-lifetime data (after apk's balloc) */
#include "util/util.h"

#include <stdlib.h>
#include <string.h>

struct arena_block {
	struct arena_block *next;
	size_t size;
	/* data follows, 16-byte aligned */
};

#define ARENA_HDR ((sizeof(struct arena_block) + 15) & ~(size_t)15)
#define ARENA_MIN_BLOCK 4096

void *arena_alloc(struct arena *a, size_t n)
{
	struct arena_block *b;
	size_t want;

	n = (n + 15) & ~(size_t)15;
	if (!n)
		n = 16;
	if (a->head && a->cap - a->used >= n) {
		void *p = (char *)a->head + ARENA_HDR + a->used;

		a->used += n;
		return p;
	}
	want = a->head ? a->head->size * 2 : ARENA_MIN_BLOCK;
	if (want > (1u << 20))
		want = 1u << 20;
	if (want < n)
		want = n;
	if (want > SIZE_MAX - ARENA_HDR)
		BUG("arena allocation of %zu bytes", n);
	b = xmalloc(ARENA_HDR + want);
	b->size = want;
	b->next = a->head;
	a->head = b;
	a->cap = want;
	a->used = n;
	return (char *)b + ARENA_HDR;
}

char *arena_strndup(struct arena *a, const char *s, size_t n)
{
	char *p = arena_alloc(a, n + 1);

	if (n)
		memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

void arena_release(struct arena *a)
{
	struct arena_block *b = a->head;

	while (b) {
		struct arena_block *next = b->next;

		free(b);
		b = next;
	}
	a->head = NULL;
	a->used = 0;
	a->cap = 0;
}
