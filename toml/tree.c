/*
 * tree.c - the parsed tree: building tables and arrays in the document's
 * arena, and looking things up in them.
 *
 * Tables keep their keys in document order in `items`.  Small tables are
 * searched linearly; from TOML_INDEX_MIN keys on, an open-addressing hash
 * index (positions + 1, 0 for an empty slot) makes lookups constant time,
 * so that a hostile document with many keys in one table cannot make the
 * duplicate checks quadratic.
 */
#include "toml/internal.h"

#define TOML_INDEX_MIN 8

const char *toml_type_name(enum toml_type type)
{
	switch (type) {
	case TOML_TABLE:
		return "table";
	case TOML_ARRAY:
		return "array";
	case TOML_STRING:
		return "string";
	case TOML_INTEGER:
		return "integer";
	case TOML_FLOAT:
		return "float";
	case TOML_BOOL:
		return "bool";
	case TOML_DATETIME:
		return "datetime";
	case TOML_DATETIME_LOCAL:
		return "datetime-local";
	case TOML_DATE_LOCAL:
		return "date-local";
	case TOML_TIME_LOCAL:
		return "time-local";
	}
	return "unknown";
}

struct toml_value *toml_value_new(struct arena *a, enum toml_type type,
				  int line, int column)
{
	struct toml_value *v = arena_alloc(a, sizeof(*v));

	memset(v, 0, sizeof(*v));
	v->type = type;
	v->line = line;
	v->column = column;
	return v;
}

/* FNV-1a: keys are short and the index only has to spread them. */
static uint32_t key_hash(const char *key, size_t len)
{
	uint32_t h = 2166136261u;
	size_t i;

	for (i = 0; i < len; i++) {
		h ^= (unsigned char)key[i];
		h *= 16777619u;
	}
	return h;
}

static bool key_eq(const struct toml_keyval *kv, const char *key, size_t len)
{
	return kv->key.len == len && !memcmp(kv->key.p, key, len);
}

struct toml_value *toml_table_find(const struct toml_table *t, const char *key,
				   size_t len)
{
	size_t i, mask;

	if (!t->index) {
		for (i = 0; i < t->nr; i++)
			if (key_eq(&t->items[i], key, len))
				return t->items[i].value;
		return NULL;
	}
	mask = t->index_size - 1;
	for (i = key_hash(key, len) & mask; t->index[i]; i = (i + 1) & mask) {
		const struct toml_keyval *kv = &t->items[t->index[i] - 1];

		if (key_eq(kv, key, len))
			return kv->value;
	}
	return NULL;
}

static void index_insert(struct toml_table *t, size_t pos)
{
	const struct toml_keyval *kv = &t->items[pos];
	size_t mask = t->index_size - 1;
	size_t i = key_hash(kv->key.p, kv->key.len) & mask;

	while (t->index[i])
		i = (i + 1) & mask;
	t->index[i] = (uint32_t)(pos + 1);
}

/* Keep the index at most half full: rebuild it twice as large. */
static void index_grow(struct arena *a, struct toml_table *t)
{
	size_t size = t->index_size ? t->index_size * 2 : 4 * TOML_INDEX_MIN;
	size_t i;

	while (size < 2 * t->nr)
		size *= 2;
	if (size > UINT32_MAX / sizeof(uint32_t))
		BUG("toml table with %zu keys", t->nr);
	t->index = arena_alloc(a, size * sizeof(*t->index));
	memset(t->index, 0, size * sizeof(*t->index));
	t->index_size = size;
	for (i = 0; i < t->nr; i++)
		index_insert(t, i);
}

/*
 * Arena vectors cannot be reallocated in place: grow by doubling into a
 * new block and leave the old one to the arena (at most as much waste as
 * live data).
 */
static void *grow(struct arena *a, void *old, size_t nr, size_t *alloc,
		  size_t elem)
{
	size_t n = *alloc ? *alloc * 2 : 4;
	void *p;

	if (n > SIZE_MAX / elem)
		BUG("toml vector of %zu elements", n);
	p = arena_alloc(a, n * elem);
	if (nr)
		memcpy(p, old, nr * elem);
	*alloc = n;
	return p;
}

void toml_table_add(struct arena *a, struct toml_table *t, const char *key,
		    size_t len, int line, int column, struct toml_value *value)
{
	struct toml_keyval *kv;

	if (t->nr == t->alloc)
		t->items = grow(a, t->items, t->nr, &t->alloc, sizeof(*t->items));
	kv = &t->items[t->nr++];
	kv->key.p = key;
	kv->key.len = len;
	kv->line = line;
	kv->column = column;
	kv->value = value;
	if (t->index && 2 * t->nr <= t->index_size)
		index_insert(t, t->nr - 1);
	else if (t->nr >= TOML_INDEX_MIN)
		index_grow(a, t);
}

void toml_array_push(struct arena *a, struct toml_array *arr,
		     struct toml_value *value)
{
	if (arr->nr == arr->alloc)
		arr->items = grow(a, arr->items, arr->nr, &arr->alloc,
				  sizeof(*arr->items));
	arr->items[arr->nr++] = value;
}

/* ---- lookup ------------------------------------------------------------ */

const struct toml_value *toml_table_getn(const struct toml_value *tbl,
					 const char *key, size_t len)
{
	if (!tbl || tbl->type != TOML_TABLE)
		return NULL;
	return toml_table_find(&tbl->u.table, key, len);
}

const struct toml_value *toml_table_get(const struct toml_value *tbl,
					const char *key)
{
	return toml_table_getn(tbl, key, strlen(key));
}

size_t toml_table_size(const struct toml_value *tbl)
{
	if (!tbl || tbl->type != TOML_TABLE)
		return 0;
	return tbl->u.table.nr;
}

const struct toml_keyval *toml_table_at(const struct toml_value *tbl, size_t i)
{
	if (i >= toml_table_size(tbl))
		return NULL;
	return &tbl->u.table.items[i];
}

size_t toml_array_size(const struct toml_value *arr)
{
	if (!arr || arr->type != TOML_ARRAY)
		return 0;
	return arr->u.array.nr;
}

const struct toml_value *toml_array_at(const struct toml_value *arr, size_t i)
{
	if (i >= toml_array_size(arr))
		return NULL;
	return arr->u.array.items[i];
}

static const struct toml_value *get_typed(const struct toml_value *tbl,
					  const char *key, enum toml_type type)
{
	const struct toml_value *v = toml_table_get(tbl, key);

	if (!v || v->type != type)
		return NULL;
	return v;
}

bool toml_table_get_string(const struct toml_value *tbl, const char *key,
			   struct cvl_str *out)
{
	const struct toml_value *v = get_typed(tbl, key, TOML_STRING);

	if (!v)
		return false;
	*out = v->u.string;
	return true;
}

bool toml_table_get_integer(const struct toml_value *tbl, const char *key,
			    int64_t *out)
{
	const struct toml_value *v = get_typed(tbl, key, TOML_INTEGER);

	if (!v)
		return false;
	*out = v->u.integer;
	return true;
}

bool toml_table_get_float(const struct toml_value *tbl, const char *key,
			  double *out)
{
	const struct toml_value *v = get_typed(tbl, key, TOML_FLOAT);

	if (!v)
		return false;
	*out = v->u.fp;
	return true;
}

bool toml_table_get_bool(const struct toml_value *tbl, const char *key,
			 bool *out)
{
	const struct toml_value *v = get_typed(tbl, key, TOML_BOOL);

	if (!v)
		return false;
	*out = v->u.boolean;
	return true;
}

const struct toml_value *toml_table_get_table(const struct toml_value *tbl,
					      const char *key)
{
	return get_typed(tbl, key, TOML_TABLE);
}

const struct toml_value *toml_table_get_array(const struct toml_value *tbl,
					      const char *key)
{
	return get_typed(tbl, key, TOML_ARRAY);
}

static const char *type_article(enum toml_type type)
{
	switch (type) {
	case TOML_ARRAY:
	case TOML_INTEGER:
		return "an";
	default:
		return "a";
	}
}

int toml_table_expect(const struct toml_value *tbl, const char *key,
		      enum toml_type type, bool required,
		      const struct toml_value **out, struct cvl_error *err)
{
	const struct toml_value *v = toml_table_get(tbl, key);
	int ret;

	*out = NULL;
	if (!v) {
		if (!required)
			return 0;
		ret = cvl_error_set(err, CVL_EINVAL, "missing key '%s'", key);
		if (tbl)
			cvl_error_at(err, tbl->line, tbl->column);
		return ret;
	}
	if (v->type != type) {
		ret = cvl_error_set(err, CVL_EINVAL,
				    "key '%s' must be %s %s, not %s %s", key,
				    type_article(type), toml_type_name(type),
				    type_article(v->type),
				    toml_type_name(v->type));
		cvl_error_at(err, v->line, v->column);
		return ret;
	}
	*out = v;
	return 0;
}
