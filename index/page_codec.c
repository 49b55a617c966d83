/*
 * page_codec.c - a parsed project page as compact bytes, and back.
 *
 * A warm resolve reads every project page from the cache; parsing the
 * JSON or HTML again (hashes, wheel names, versions) was most of its
 * time.  The client stores each parsed page beside the response it came
 * from (index/client.c), in this form, and reads it back instead.
 *
 * Layout (integers little-endian; a string is a u32 offset into the
 * string table, NONE for no string):
 *
 *   "CVLPAGE" 0x01                     magic and format version
 *   u32 strtab_len, strtab             NUL-terminated strings, deduplicated;
 *                                      its last byte is a NUL
 *   str name, str url
 *   u32 nversions + 1 (0: no PEP 700 "versions"), str * nversions
 *   u32 nwheels, per wheel: str name, u32 ntags, str * ntags
 *   u32 nfiles, per file (then the end of the data):
 *     str filename, str url, u8 kind, str name, str version,
 *     u32 wheel (index, or NONE), str requires_python,
 *     u8 flags (1 yanked, 2 has_metadata), str yanked_reason,
 *     i64 upload_time, i64 size,
 *     u8 nhashes, (u8 alg, str hex) * n, u8 nmetadata_hashes, (...) * n
 *
 * Decoding checks every offset, count and kind, so damaged bytes are an
 * error (the caller parses the response again), never a crash.  Pure: no
 * I/O.
 */
#include "index/internal.h"

#define MAGIC "CVLPAGE\x01"
#define MAGIC_LEN 8
#define NONE UINT32_MAX

#define SWAP_STRBUF(a, b)                                                      \
	do {                                                                   \
		struct strbuf swap_tmp_ = (a);                                 \
		(a) = (b);                                                     \
		(b) = swap_tmp_;                                               \
	} while (0)

/* ---- encoding -------------------------------------------------------------- */

struct str_slot {
	const char *s; /* NULL: empty slot */
	uint32_t off;
};

struct encoder {
	struct strbuf strtab;
	struct strbuf rec;
	struct str_slot *slots;
	size_t cap, used;
};

static uint64_t str_hash(const char *s)
{
	uint64_t h = 1469598103934665603ULL;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return h;
}

static void slots_insert(struct encoder *e, const char *s, uint32_t off)
{
	size_t i = (size_t)(str_hash(s) & (e->cap - 1));

	while (e->slots[i].s)
		i = (i + 1) & (e->cap - 1);
	e->slots[i].s = s;
	e->slots[i].off = off;
}

static void slots_grow(struct encoder *e)
{
	struct str_slot *old = e->slots;
	size_t i, oldcap = e->cap;

	e->cap = oldcap ? 2 * oldcap : 256;
	e->slots = xcalloc(e->cap, sizeof(*e->slots));
	for (i = 0; i < oldcap; i++)
		if (old[i].s)
			slots_insert(e, old[i].s, old[i].off);
	free(old);
}

/* The offset of `s` in the string table, added on first use. */
static uint32_t intern(struct encoder *e, const char *s)
{
	size_t i;
	uint32_t off;

	if (!s)
		return NONE;
	if (2 * (e->used + 1) > e->cap)
		slots_grow(e);
	i = (size_t)(str_hash(s) & (e->cap - 1));
	while (e->slots[i].s) {
		if (!strcmp(e->slots[i].s, s))
			return e->slots[i].off;
		i = (i + 1) & (e->cap - 1);
	}
	off = (uint32_t)e->strtab.len;
	strbuf_add(&e->strtab, s, strlen(s) + 1);
	e->slots[i].s = s;
	e->slots[i].off = off;
	e->used++;
	return off;
}

static void put_u8(struct strbuf *sb, unsigned v)
{
	strbuf_addch(sb, (char)(v & 0xff));
}

static void put_u32(struct strbuf *sb, uint32_t v)
{
	unsigned char b[4];
	int i;

	for (i = 0; i < 4; i++)
		b[i] = (unsigned char)(v >> (8 * i));
	strbuf_add(sb, b, 4);
}

static void put_i64(struct strbuf *sb, int64_t v)
{
	unsigned char b[8];
	uint64_t u = (uint64_t)v;
	int i;

	for (i = 0; i < 8; i++)
		b[i] = (unsigned char)(u >> (8 * i));
	strbuf_add(sb, b, 8);
}

static void put_str(struct encoder *e, const char *s)
{
	put_u32(&e->rec, intern(e, s));
}

static void put_hashes(struct encoder *e, const struct idx_hash *h, size_t n)
{
	size_t i;

	put_u8(&e->rec, (unsigned)n);
	for (i = 0; i < n; i++) {
		put_u8(&e->rec, (unsigned)h[i].alg);
		put_str(e, h[i].hex);
	}
}

/* The index of wheel `w` among `wheels` (added when new). */
static uint32_t wheel_index(const struct idx_wheel ***wheels, size_t *n,
			    size_t *alloc, const struct idx_wheel *w)
{
	size_t i;

	/* files of one version share a wheel: look at the latest first */
	for (i = *n; i-- > 0;)
		if ((*wheels)[i] == w)
			return (uint32_t)i;
	ALLOC_GROW(*wheels, *n + 1, *alloc);
	(*wheels)[*n] = w;
	return (uint32_t)(*n)++;
}

void idx__page_encode(const struct idx_page *page, struct strbuf *out)
{
	struct encoder e = { STRBUF_INIT, STRBUF_INIT, NULL, 0, 0 };
	struct strbuf head = STRBUF_INIT;
	const struct idx_wheel **wheels = NULL;
	size_t nwheels = 0, alloc_wheels = 0, i, j;

	/* the files first, into e.rec, to learn the wheels they use */
	put_u32(&e.rec, (uint32_t)page->nfiles);
	for (i = 0; i < page->nfiles; i++) {
		const struct idx_file *f = &page->files[i];

		put_str(&e, f->filename);
		put_str(&e, f->url);
		put_u8(&e.rec, (unsigned)f->kind);
		put_str(&e, f->name);
		put_str(&e, f->version ? f->version_str : NULL);
		put_u32(&e.rec, f->wheel ? wheel_index(&wheels, &nwheels,
						       &alloc_wheels, f->wheel)
					 : NONE);
		put_str(&e, f->requires_python);
		put_u8(&e.rec, (f->yanked ? 1u : 0u) | (f->has_metadata ? 2u : 0u));
		put_str(&e, f->yanked_reason);
		put_i64(&e.rec, f->upload_time);
		put_i64(&e.rec, f->size);
		put_hashes(&e, f->hashes, f->nhashes);
		put_hashes(&e, f->metadata_hashes, f->nmetadata_hashes);
	}
	/* then what comes before them: the page's fields and the wheels */
	SWAP_STRBUF(e.rec, head);
	put_str(&e, page->name);
	put_str(&e, page->url);
	put_u32(&e.rec, page->versions ? (uint32_t)page->nversions + 1 : 0);
	for (i = 0; page->versions && i < page->nversions; i++)
		put_str(&e, page->versions[i]);
	put_u32(&e.rec, (uint32_t)nwheels);
	for (i = 0; i < nwheels; i++) {
		put_str(&e, wheels[i]->name);
		put_u32(&e.rec, (uint32_t)wheels[i]->tags.nr);
		for (j = 0; j < wheels[i]->tags.nr; j++)
			put_str(&e, wheels[i]->tags.v[j]);
	}
	if (!e.strtab.len)
		strbuf_addch(&e.strtab, '\0'); /* never empty: ends with a NUL */
	strbuf_add(out, MAGIC, MAGIC_LEN);
	put_u32(out, (uint32_t)e.strtab.len);
	strbuf_add(out, e.strtab.buf, e.strtab.len);
	strbuf_add(out, e.rec.buf, e.rec.len);   /* page fields, wheels */
	strbuf_add(out, head.buf, head.len);     /* files */
	strbuf_release(&e.strtab);
	strbuf_release(&e.rec);
	strbuf_release(&head);
	free(e.slots);
	free(wheels);
}

/* ---- decoding -------------------------------------------------------------- */

struct decoder {
	const unsigned char *p, *end;
	const char *strtab; /* in the bytes the page keeps */
	uint32_t strtab_len;
	bool bad;
};

static unsigned get_u8(struct decoder *d)
{
	if (d->bad || d->end - d->p < 1) {
		d->bad = true;
		return 0;
	}
	return *d->p++;
}

static uint32_t get_u32(struct decoder *d)
{
	uint32_t v;

	if (d->bad || d->end - d->p < 4) {
		d->bad = true;
		return 0;
	}
	v = (uint32_t)d->p[0] | (uint32_t)d->p[1] << 8 |
	    (uint32_t)d->p[2] << 16 | (uint32_t)d->p[3] << 24;
	d->p += 4;
	return v;
}

static int64_t get_i64(struct decoder *d)
{
	uint64_t v = 0;
	int i;

	if (d->bad || d->end - d->p < 8) {
		d->bad = true;
		return 0;
	}
	for (i = 7; i >= 0; i--)
		v = v << 8 | d->p[i];
	d->p += 8;
	return (int64_t)v;
}

/* A string of the table, or NULL for NONE (`d->bad` for a bad offset). */
static const char *get_str(struct decoder *d)
{
	uint32_t off = get_u32(d);

	if (off == NONE || d->bad)
		return NULL;
	if (off >= d->strtab_len) {
		d->bad = true;
		return NULL;
	}
	return d->strtab + off;
}

static const char *get_str_required(struct decoder *d)
{
	const char *s = get_str(d);

	if (!s)
		d->bad = true;
	return s;
}

/* Room for `n` more records of at least `min` bytes each? */
static bool have_room(struct decoder *d, uint32_t n, size_t min)
{
	if (d->bad || (size_t)(d->end - d->p) / min < n) {
		d->bad = true;
		return false;
	}
	return true;
}

static void get_hashes(struct decoder *d, struct idx_hash *h, size_t *n)
{
	unsigned i, count = get_u8(d);

	if (count > IDX_HASH_NALGS) {
		d->bad = true;
		return;
	}
	for (i = 0; i < count && !d->bad; i++) {
		unsigned alg = get_u8(d);

		h[i].hex = get_str_required(d);
		if (d->bad || alg >= IDX_HASH_NALGS) {
			d->bad = true;
			return;
		}
		h[i].alg = (enum idx_hash_alg)alg;
	}
	*n = count;
}

/* Versions decoded so far, by their string's offset (open addressing). */
struct version_map {
	const char **key;
	struct pep_version **val;
	size_t cap;
};

static struct pep_version *get_version(struct decoder *d, struct idx_page *page,
				       struct version_map *m, const char *s)
{
	size_t i = (size_t)(((uintptr_t)s * 0x9E3779B97F4A7C15ULL) >> 20) &
		   (m->cap - 1);
	struct pep_version *v;

	while (m->key[i]) {
		if (m->key[i] == s)
			return m->val[i];
		i = (i + 1) & (m->cap - 1);
	}
	v = arena_alloc(&page->arena, sizeof(*v));
	*v = (struct pep_version)PEP_VERSION_INIT;
	if (pep_version_parse(v, s, strlen(s), NULL)) {
		pep_version_release(v);
		d->bad = true;
		return NULL;
	}
	ALLOC_GROW(page->parsed, page->nparsed + 1, page->alloc_parsed);
	page->parsed[page->nparsed++] = v;
	m->key[i] = s;
	m->val[i] = v;
	return v;
}

static void decode_wheels(struct decoder *d, struct idx_page *page,
			  struct idx_wheel **out, uint32_t *nout)
{
	uint32_t i, j, n = get_u32(d);
	struct idx_wheel *w;

	*out = NULL;
	*nout = 0;
	if (!have_room(d, n, 8))
		return;
	w = arena_alloc(&page->arena, (n ? n : 1) * sizeof(*w));
	for (i = 0; i < n && !d->bad; i++) {
		uint32_t ntags;
		const char **tags;

		w[i].name = get_str_required(d);
		ntags = get_u32(d);
		if (!have_room(d, ntags, 4))
			return;
		tags = arena_alloc(&page->arena, (ntags ? ntags : 1) * sizeof(*tags));
		for (j = 0; j < ntags; j++)
			tags[j] = get_str_required(d);
		w[i].tags.v = tags;
		w[i].tags.nr = ntags;
	}
	*out = w;
	*nout = n;
}

/* Each kind's invariants, as the parsers leave them (the resolver relies on them). */
static bool file_ok(const struct idx_file *f)
{
	switch (f->kind) {
	case IDX_FILE_WHEEL:
		return f->name && f->version && f->wheel;
	case IDX_FILE_SDIST:
		return f->name && f->version && !f->wheel;
	case IDX_FILE_OTHER:
		return !f->name && !f->version && !f->wheel;
	default:
		return false;
	}
}

static void decode_files(struct decoder *d, struct idx_page *page,
			 const struct idx_wheel *wheels, uint32_t nwheels)
{
	/* a file takes at least 44 bytes: 9 offsets, 2 i64, 4 bytes */
	uint32_t i, n = get_u32(d);
	struct version_map m = { NULL, NULL, 16 };

	if (!have_room(d, n, 44))
		return;
	while (m.cap < 2 * (size_t)n)
		m.cap *= 2;
	m.key = xcalloc(m.cap, sizeof(*m.key));
	m.val = xcalloc(m.cap, sizeof(*m.val));
	idx__page_reserve(page, n);
	for (i = 0; i < n && !d->bad; i++) {
		struct idx_file *f = &page->files[page->nfiles];
		const char *version;
		uint32_t wheel;
		unsigned kind, flags;

		memset(f, 0, sizeof(*f));
		f->filename = get_str_required(d);
		f->url = get_str_required(d);
		kind = get_u8(d);
		f->name = get_str(d);
		version = get_str(d);
		wheel = get_u32(d);
		f->requires_python = get_str(d);
		flags = get_u8(d);
		f->yanked_reason = get_str(d);
		f->upload_time = get_i64(d);
		f->size = get_i64(d);
		get_hashes(d, f->hashes, &f->nhashes);
		get_hashes(d, f->metadata_hashes, &f->nmetadata_hashes);
		if (d->bad || kind > IDX_FILE_OTHER || flags > 3 ||
		    (wheel != NONE && wheel >= nwheels)) {
			d->bad = true;
			break;
		}
		f->kind = (enum idx_file_kind)kind;
		f->yanked = flags & 1;
		f->has_metadata = (flags & 2) != 0;
		f->wheel = wheel == NONE ? NULL : &wheels[wheel];
		if (version) {
			f->version = get_version(d, page, &m, version);
			f->version_str = version;
		}
		if (d->bad || !file_ok(f) ||
		    (f->wheel && strcmp(f->wheel->name, f->name))) {
			d->bad = true;
			break;
		}
		page->nfiles++;
	}
	free(m.key);
	free(m.val);
}

int idx__page_decode(struct idx_page *page, struct strbuf *data)
{
	struct decoder d;
	struct idx_wheel *wheels;
	uint32_t nwheels, nversions, i;

	idx_page_release(page);
	if (data->len < MAGIC_LEN + 4 || memcmp(data->buf, MAGIC, MAGIC_LEN))
		return -1;
	d.p = (const unsigned char *)data->buf + MAGIC_LEN;
	d.end = (const unsigned char *)data->buf + data->len;
	d.bad = false;
	d.strtab_len = get_u32(&d);
	if (!d.strtab_len || (size_t)(d.end - d.p) < d.strtab_len ||
	    d.p[d.strtab_len - 1] != '\0')
		return -1;
	/* the strings stay where they are: the page keeps the bytes */
	d.strtab = (const char *)d.p;
	d.p += d.strtab_len;
	page->name = get_str(&d);
	page->url = get_str(&d);
	nversions = get_u32(&d);
	if (nversions && have_room(&d, nversions - 1, 4)) {
		const char **v = arena_alloc(&page->arena,
					     nversions * sizeof(*v));

		for (i = 0; i + 1 < nversions; i++)
			v[i] = get_str_required(&d);
		page->versions = v;
		page->nversions = nversions - 1;
	}
	decode_wheels(&d, page, &wheels, &nwheels);
	decode_files(&d, page, wheels, nwheels);
	if (d.bad || d.p != d.end) {
		idx_page_release(page);
		return -1;
	}
	page->blob = strbuf_detach(data, NULL);
	return 0;
}
