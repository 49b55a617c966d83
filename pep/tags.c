/*
 * tags.c - PEP 425 compatibility tags, after packaging.tags.
 *
 * parse_tag, cpython_tags, compatible_tags, generic_tags and the macOS
 * binary formats follow packaging (26.x) step by step, including its
 * quirks (duplicates are kept, everything is lowercased), because the
 * order of the generated list is what decides which wheel wins.
 *
 * Targets: a target names an implementation, a Python version and one
 * platform tag instead of probing an interpreter.  Its platform list is
 * what packaging would compute on such a machine, with one deliberate
 * difference: for manylinux and musllinux targets the plain linux_ARCH
 * tag comes last (packaging >= 26.3 puts it first on a real host, where a
 * locally built wheel is the most specific; for a target described by its
 * manylinux level, wheels built for that level are preferred, as in uv).
 * A bare linux_ARCH target says nothing about its libc, so it accepts only
 * linux_ARCH wheels.
 */
#include "pep/internal.h"

/* ---- small helpers --------------------------------------------------------- */

/*
 * Append the tag "interp-abi-plat", lowercased as Python's str.lower()
 * (packaging's Tag lowercases each field).
 */
static void push_tag(struct strvec *out, const char *interp, const char *abi,
		     const char *plat)
{
	struct strbuf tag = STRBUF_INIT, sb = STRBUF_INIT;

	strbuf_addf(&tag, "%s-%s-%s", interp, abi, plat);
	pep__lower_append(tag.buf, tag.len, &sb);
	strvec_pushn(out, sb.buf, sb.len);
	strbuf_release(&tag);
	strbuf_release(&sb);
}

size_t pep__utf8_decode(const char *s, size_t len, uint32_t *cp)
{
	const unsigned char *u = (const unsigned char *)s;
	uint32_t c;
	size_t n, i;

	if (!len)
		return 0;
	if (u[0] < 0x80) {
		*cp = u[0];
		return 1;
	}
	if (u[0] >= 0xc2 && u[0] <= 0xdf) {
		n = 2;
		c = u[0] & 0x1f;
	} else if (u[0] >= 0xe0 && u[0] <= 0xef) {
		n = 3;
		c = u[0] & 0x0f;
	} else if (u[0] >= 0xf0 && u[0] <= 0xf4) {
		n = 4;
		c = u[0] & 0x07;
	} else {
		return 0;
	}
	if (len < n)
		return 0;
	for (i = 1; i < n; i++) {
		if ((u[i] & 0xc0) != 0x80)
			return 0;
		c = (c << 6) | (u[i] & 0x3f);
	}
	if ((n == 3 && c < 0x800) || (n == 4 && c < 0x10000) || c > 0x10ffff ||
	    (c >= 0xd800 && c <= 0xdfff))
		return 0;
	*cp = c;
	return n;
}

bool pep__unicode_is_alnum(uint32_t cp)
{
	/* Blocks (or parts) that hold no letters or digits. */
	static const struct {
		uint32_t lo, hi;
	} not_alnum[] = {
		{ 0x0080, 0x00a9 }, { 0x00ab, 0x00b1 }, { 0x00b4, 0x00b4 },
		{ 0x00b6, 0x00b8 }, { 0x00bb, 0x00bb }, { 0x00bf, 0x00bf },
		{ 0x00d7, 0x00d7 }, { 0x00f7, 0x00f7 },
		{ 0x02c2, 0x02c5 }, { 0x02d2, 0x02df },
		{ 0x0300, 0x036f }, /* combining diacritical marks */
		{ 0x037e, 0x037e }, { 0x0387, 0x0387 },
		{ 0x2000, 0x206f }, /* general punctuation, spaces */
		{ 0x20a0, 0x20ff }, /* currency, combining marks for symbols */
		{ 0x2190, 0x245f }, /* arrows, mathematical and technical */
		{ 0x2500, 0x2775 }, /* box drawing, shapes, dingbats */
		{ 0x2794, 0x2bff }, /* arrows, math symbols, misc symbols */
		{ 0x2e00, 0x2e7f }, /* supplemental punctuation */
		{ 0x3000, 0x3004 }, { 0x3008, 0x3020 }, { 0x3030, 0x3030 },
		{ 0xe000, 0xf8ff }, /* private use */
		{ 0xfe10, 0xfe1f }, { 0xfe30, 0xfe6f },
		{ 0xff01, 0xff0f }, { 0xff1a, 0xff20 }, { 0xff3b, 0xff40 },
		{ 0xff5b, 0xff65 }, { 0xfff0, 0xffff },
		{ 0x1f000, 0x1faff }, /* emoji and pictographs */
		{ 0xf0000, 0x10ffff }, /* supplementary private use */
	};
	size_t i;

	if (cp < 0x80)
		return (cp >= '0' && cp <= '9') || (cp >= 'a' && cp <= 'z') ||
		       (cp >= 'A' && cp <= 'Z');
	for (i = 0; i < ARRAY_SIZE(not_alnum); i++)
		if (cp >= not_alnum[i].lo && cp <= not_alnum[i].hi)
			return false;
	return true;
}

void pep__msg_quote(struct strbuf *out, const char *s, size_t len)
{
	size_t i = 0, shown = len > PEP__QUOTE_MAX ? PEP__QUOTE_MAX : len;

	strbuf_addch(out, '\'');
	while (i < shown) {
		unsigned char c = (unsigned char)s[i];
		uint32_t cp;
		size_t n;

		if (c >= 0x20 && c < 0x7f) {
			strbuf_addch(out, c);
			i++;
			continue;
		}
		n = c >= 0x80 ? pep__utf8_decode(s + i, shown - i, &cp) : 0;
		if (n) {
			strbuf_add(out, s + i, n);
			i += n;
			continue;
		}
		strbuf_addf(out, "\\x%02x", c);
		i++;
	}
	if (shown < len)
		strbuf_addstr(out, "...");
	strbuf_addch(out, '\'');
}

static int cmp_strp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

void pep__strvec_sort_unique(struct strvec *sv)
{
	size_t i, n = 0;

	if (sv->nr < 2)
		return;
	qsort(sv->v, sv->nr, sizeof(*sv->v), cmp_strp);
	for (i = 0; i < sv->nr; i++) {
		if (n && !strcmp(sv->v[n - 1], sv->v[i])) {
			free(sv->v[i]);
			continue;
		}
		sv->v[n++] = sv->v[i];
	}
	sv->nr = n;
	sv->v[n] = NULL;
}

/* ---- parse_tag ------------------------------------------------------------- */

/* One dash-separated component: its dot-separated parts. */
struct tag_component {
	const char *p;
	size_t len;
	size_t nparts;
};

/* str.isidentifier() for an interpreter part; non-ASCII approximated. */
static bool is_identifier(const char *s, size_t len)
{
	size_t i = 0;
	bool first = true;

	if (!len)
		return false;
	while (i < len) {
		uint32_t cp;
		size_t n = pep__utf8_decode(s + i, len - i, &cp);

		if (!n)
			return false;
		if (cp == '_' || pep__unicode_is_alnum(cp)) {
			if (first && cp >= '0' && cp <= '9')
				return false;
		} else {
			return false;
		}
		first = false;
		i += n;
	}
	return true;
}

/* Compare two parts as Python compares str (code points = UTF-8 bytes). */
static int part_cmp(const char *a, size_t alen, const char *b, size_t blen)
{
	size_t n = alen < blen ? alen : blen;
	int r = n ? memcmp(a, b, n) : 0;

	if (r)
		return r;
	return alen < blen ? -1 : alen > blen;
}

static size_t part_end(const char *p, const char *end)
{
	const char *dot = memchr(p, '.', (size_t)(end - p));

	return (size_t)((dot ? dot : end) - p);
}

/*
 * Check one component as packaging does, in its order: empty parts first,
 * then (with validate_order) sortedness.
 */
static int check_component(struct tag_component *c, bool validate_order,
			   const char *tag, size_t taglen, struct strbuf *why)
{
	const char *p = c->p, *end = c->p + c->len;
	const char *prev = NULL;
	size_t prevlen = 0;

	c->nparts = 0;
	for (;;) {
		size_t n = part_end(p, end);

		if (!n && !c->len) {
			strbuf_addstr(why, "empty component in tag ");
			pep__msg_quote(why, tag, taglen);
			return -1;
		}
		if (!n) {
			strbuf_addstr(why, "empty part in ");
			pep__msg_quote(why, c->p, c->len);
			return -1;
		}
		c->nparts++;
		if (p + n >= end)
			break;
		p += n + 1;
	}
	if (!validate_order)
		return 0;
	p = c->p;
	for (;;) {
		size_t n = part_end(p, end);

		if (prev && part_cmp(prev, prevlen, p, n) > 0) {
			strbuf_addstr(why, "parts of ");
			pep__msg_quote(why, c->p, c->len);
			strbuf_addstr(why, " are not in sorted order (PEP 425)");
			return -1;
		}
		prev = p;
		prevlen = n;
		if (p + n >= end)
			break;
		p += n + 1;
	}
	return 0;
}

int pep__tag_expand(const char *s, size_t len, bool validate_order,
		   struct strvec *out, struct strbuf *why)
{
	struct tag_component comp[3];
	size_t ncomp = 0, i, count = 1;
	const char *p = s, *end = s + len;
	const char *ip, *ap, *pp;
	struct strbuf sb = STRBUF_INIT;

	/* Tags are returned as C strings: NUL cannot be carried. */
	if (memchr(s, '\0', len)) {
		strbuf_addf(why, "NUL byte at column %zu in tag",
			    (size_t)((const char *)memchr(s, '\0', len) - s) + 1);
		return -1;
	}
	/* Split on '-', checking each component as we go. */
	for (;;) {
		const char *dash = memchr(p, '-', (size_t)(end - p));
		struct tag_component c;

		c.p = p;
		c.len = (size_t)((dash ? dash : end) - p);
		if (check_component(&c, validate_order, s, len, why))
			return -1;
		if (ncomp < 3)
			comp[ncomp] = c;
		ncomp++;
		if (!dash)
			break;
		p = dash + 1;
	}
	if (ncomp != 3) {
		strbuf_addf(why, "expected 3 dash-separated components, got %zu",
			    ncomp);
		return -1;
	}
	for (i = 0; i < 3; i++) {
		if (comp[i].nparts > PEP__TAG_EXPAND_MAX / count) {
			strbuf_addf(why, "compressed tag set expands to more than %d tags",
				    PEP__TAG_EXPAND_MAX);
			return -1;
		}
		count *= comp[i].nparts;
	}
	for (ip = comp[0].p; ip < comp[0].p + comp[0].len;) {
		size_t n = part_end(ip, comp[0].p + comp[0].len);

		if (!is_identifier(ip, n)) {
			strbuf_addstr(why, "interpreter ");
			pep__msg_quote(why, ip, n);
			strbuf_addstr(why, " is not an identifier");
			return -1;
		}
		ip += n + 1;
	}
	for (ip = comp[0].p; ip < comp[0].p + comp[0].len;) {
		size_t in = part_end(ip, comp[0].p + comp[0].len);

		for (ap = comp[1].p; ap < comp[1].p + comp[1].len;) {
			size_t an = part_end(ap, comp[1].p + comp[1].len);

			for (pp = comp[2].p; pp < comp[2].p + comp[2].len;) {
				size_t pn = part_end(pp, comp[2].p + comp[2].len);

				strbuf_reset(&sb);
				pep__lower_append(ip, in, &sb);
				strbuf_addch(&sb, '-');
				pep__lower_append(ap, an, &sb);
				strbuf_addch(&sb, '-');
				pep__lower_append(pp, pn, &sb);
				strvec_pushn(out, sb.buf, sb.len);
				pp += pn + 1;
			}
			ap += an + 1;
		}
		ip += in + 1;
	}
	strbuf_release(&sb);
	return 0;
}

int pep_tag_parse(const char *tag, size_t len, struct strvec *out,
		  struct cvl_error *err)
{
	struct strvec tmp = STRVEC_INIT;
	struct strbuf why = STRBUF_INIT;
	size_t i;

	if (pep__tag_expand(tag, len, false, &tmp, &why)) {
		struct strbuf msg = STRBUF_INIT;
		int r;

		strbuf_addstr(&msg, "invalid tag ");
		pep__msg_quote(&msg, tag, len);
		strbuf_addf(&msg, ": %s", why.buf);
		r = cvl_error_set(err, CVL_EINVAL, "%s", msg.buf);
		strbuf_release(&msg);
		strbuf_release(&why);
		strvec_clear(&tmp);
		return r;
	}
	pep__strvec_sort_unique(&tmp);
	for (i = 0; i < tmp.nr; i++)
		strvec_push(out, tmp.v[i]);
	strvec_clear(&tmp);
	strbuf_release(&why);
	return 0;
}

/* ---- tag generation -------------------------------------------------------- */

/* packaging's _version_nodot: the numbers joined without separators. */
static void version_nodot(struct strbuf *sb, const int *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		strbuf_addf(sb, "%d", v[i]);
}

/* tuple(v) >= (3, 2) for a version of at least two parts. */
static bool at_least_3_2(const int *v, size_t n)
{
	if (n < 2)
		return false;
	if (v[0] != 3)
		return v[0] > 3;
	return v[1] >= 2;
}

/* A free-threaded CPython ABI: abis[0] is "cp<digits><flags>" with a 't'. */
static bool is_threaded_cpython(const char *const *abis, size_t nabis)
{
	const char *a;

	if (!nabis || strncmp(abis[0], "cp", 2))
		return false;
	a = abis[0] + 2;
	if (*a < '0' || *a > '9')
		return false;
	while (*a >= '0' && *a <= '9')
		a++;
	return strchr(a, 't') != NULL;
}

void pep_mac_binary_formats(int major, int minor, const char *arch,
			    struct strvec *out)
{
	/* (major, minor) < (10, 4) and > (10, 5), > (10, 6) as tuples */
	bool lt_10_4 = major < 10 || (major == 10 && minor < 4);
	bool gt_10_5 = major > 10 || (major == 10 && minor > 5);
	bool gt_10_6 = major > 10 || (major == 10 && minor > 6);

	if (!strcmp(arch, "x86_64")) {
		if (lt_10_4)
			return;
		strvec_push(out, arch);
		strvec_push(out, "intel");
		strvec_push(out, "fat64");
		strvec_push(out, "fat3");
	} else if (!strcmp(arch, "i386")) {
		if (lt_10_4)
			return;
		strvec_push(out, arch);
		strvec_push(out, "intel");
		strvec_push(out, "fat3");
		strvec_push(out, "fat");
	} else if (!strcmp(arch, "ppc64")) {
		if (gt_10_5 || lt_10_4)
			return;
		strvec_push(out, arch);
		strvec_push(out, "fat64");
	} else if (!strcmp(arch, "ppc")) {
		if (gt_10_6)
			return;
		strvec_push(out, arch);
		strvec_push(out, "fat3");
		strvec_push(out, "fat");
	} else {
		strvec_push(out, arch);
	}
	if (!strcmp(arch, "arm64") || !strcmp(arch, "x86_64"))
		strvec_push(out, "universal2");
	if (!strcmp(arch, "x86_64") || !strcmp(arch, "i386") ||
	    !strcmp(arch, "ppc64") || !strcmp(arch, "ppc") ||
	    !strcmp(arch, "intel"))
		strvec_push(out, "universal");
}

static void mac_push_formats(struct strvec *out, int major, int minor,
			     const char *arch)
{
	struct strvec formats = STRVEC_INIT;
	size_t i;

	pep_mac_binary_formats(major, minor, arch, &formats);
	for (i = 0; i < formats.nr; i++)
		strvec_pushf(out, "macosx_%d_%d_%s", major, minor, formats.v[i]);
	strvec_clear(&formats);
}

/* packaging.tags.mac_platforms(version, arch). */
static void mac_platforms(int major, int minor, const char *arch,
			  struct strvec *out)
{
	int m;

	if (major == 10) {
		/* Before macOS 11 every yearly release bumped the minor. */
		for (m = minor; m >= 0; m--)
			mac_push_formats(out, 10, m, arch);
		return;
	}
	if (major < 11)
		return;
	/* From 11 on the major is bumped and minors are midyear updates. */
	for (m = major; m > 10; m--)
		mac_push_formats(out, m, 0, arch);
	/*
	 * x86_64 runs binaries of earlier releases; arm64 only universal2
	 * ones, whose x86_64 half may target a 10.x release.
	 */
	for (m = 16; m > 3; m--) {
		if (!strcmp(arch, "x86_64"))
			mac_push_formats(out, 10, m, arch);
		else
			strvec_pushf(out, "macosx_10_%d_universal2", m);
	}
}

void pep_tags_cpython(const int *python_version, size_t nver,
		      const char *const *abis, size_t nabis,
		      const char *const *platforms, size_t nplatforms,
		      struct strvec *out)
{
	struct strbuf interp = STRBUF_INIT, older = STRBUF_INIT;
	bool threading, use_abi3, use_abi3t, removed_abi3 = false,
		removed_abi3t = false, removed_none = false;
	size_t i, j;
	int minor;

	if (!nver)
		BUG("pep_tags_cpython: empty python version");
	strbuf_addstr(&interp, "cp");
	version_nodot(&interp, python_version, nver < 2 ? nver : 2);
	threading = is_threaded_cpython(abis, nabis);

	/* The stable ABIs and 'none' come later; list.remove() drops the first. */
	for (i = 0; i < nabis; i++) {
		if (!removed_abi3 && !strcmp(abis[i], "abi3")) {
			removed_abi3 = true;
			continue;
		}
		if (threading && !removed_abi3t && !strcmp(abis[i], "abi3t")) {
			removed_abi3t = true;
			continue;
		}
		if (!removed_none && !strcmp(abis[i], "none")) {
			removed_none = true;
			continue;
		}
		for (j = 0; j < nplatforms; j++)
			push_tag(out, interp.buf, abis[i], platforms[j]);
	}

	use_abi3 = at_least_3_2(python_version, nver) && !threading;
	use_abi3t = at_least_3_2(python_version, nver) && threading;
	if (use_abi3)
		for (j = 0; j < nplatforms; j++)
			push_tag(out, interp.buf, "abi3", platforms[j]);
	if (use_abi3t)
		for (j = 0; j < nplatforms; j++)
			push_tag(out, interp.buf, "abi3t", platforms[j]);
	for (j = 0; j < nplatforms; j++)
		push_tag(out, interp.buf, "none", platforms[j]);

	if (use_abi3 || use_abi3t) {
		for (minor = python_version[1] - 1; minor > 1; minor--) {
			for (j = 0; j < nplatforms; j++) {
				strbuf_reset(&older);
				strbuf_addf(&older, "cp%d%d", python_version[0], minor);
				if (use_abi3)
					push_tag(out, older.buf, "abi3", platforms[j]);
				if (use_abi3t)
					push_tag(out, older.buf, "abi3t", platforms[j]);
			}
		}
	}
	strbuf_release(&interp);
	strbuf_release(&older);
}

/* packaging's _py_interpreter_range, descending. */
static void py_interpreter_range(const int *v, size_t nver, struct strvec *out)
{
	int minor;

	if (nver > 1)
		strvec_pushf(out, "py%d%d", v[0], v[1]);
	strvec_pushf(out, "py%d", v[0]);
	if (nver > 1)
		for (minor = v[1] - 1; minor >= 0; minor--)
			strvec_pushf(out, "py%d%d", v[0], minor);
}

void pep_tags_compatible(const int *python_version, size_t nver,
			 const char *interpreter,
			 const char *const *platforms, size_t nplatforms,
			 struct strvec *out)
{
	struct strvec range = STRVEC_INIT;
	size_t i, j;

	if (!nver)
		BUG("pep_tags_compatible: empty python version");
	py_interpreter_range(python_version, nver, &range);
	for (i = 0; i < range.nr; i++)
		for (j = 0; j < nplatforms; j++)
			push_tag(out, range.v[i], "none", platforms[j]);
	if (interpreter && *interpreter)
		push_tag(out, interpreter, "none", "any");
	for (i = 0; i < range.nr; i++)
		push_tag(out, range.v[i], "none", "any");
	strvec_clear(&range);
}

void pep_tags_generic(const char *interpreter, const char *const *abis,
		      size_t nabis, const char *const *platforms,
		      size_t nplatforms, struct strvec *out)
{
	bool has_none = false;
	size_t i, j;

	if (!interpreter || !*interpreter)
		BUG("pep_tags_generic: no interpreter");
	for (i = 0; i < nabis; i++) {
		if (!strcmp(abis[i], "none"))
			has_none = true;
		for (j = 0; j < nplatforms; j++)
			push_tag(out, interpreter, abis[i], platforms[j]);
	}
	if (!has_none)
		for (j = 0; j < nplatforms; j++)
			push_tag(out, interpreter, "none", platforms[j]);
}

/* ---- targets --------------------------------------------------------------- */

enum plat_kind {
	PLAT_LINUX,
	PLAT_MANYLINUX,
	PLAT_MUSLLINUX,
	PLAT_MACOS,
	PLAT_WINDOWS,
};

struct plat_info {
	enum plat_kind kind;
	const char *arch; /* static string */
	int major, minor; /* libc or macOS version */
	const char *win;  /* the Windows platform tag */
};

static const char *const linux_archs[] = {
	"x86_64", "i686", "aarch64", "armv7l", "ppc64", "ppc64le", "s390x",
	"riscv64", "loongarch64",
};

#define PLAT_FORMS "linux_ARCH, manylinux_2_X_ARCH, manylinux2014_ARCH, " \
	"manylinux2010_ARCH, manylinux1_ARCH, musllinux_1_X_ARCH, " \
	"macosx_X_Y_ARCH, win_amd64, win32 or win_arm64"
#define LINUX_ARCHS "x86_64, i686, aarch64, armv7l, ppc64, ppc64le, s390x, " \
	"riscv64 or loongarch64"

static const char *find_linux_arch(const char *s)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(linux_archs); i++)
		if (!strcmp(s, linux_archs[i]))
			return linux_archs[i];
	return NULL;
}

/* A decimal number without sign or leading zeros, at most `max`. */
static const char *parse_small(const char *s, int max, int *out)
{
	int v = 0;

	if (*s < '0' || *s > '9' || (s[0] == '0' && s[1] >= '0' && s[1] <= '9'))
		return NULL;
	while (*s >= '0' && *s <= '9') {
		v = v * 10 + (*s - '0');
		if (v > max)
			return NULL;
		s++;
	}
	*out = v;
	return s;
}

static int plat_error(struct cvl_error *err, const char *plat, const char *what,
		      const char *hint)
{
	struct strbuf msg = STRBUF_INIT;
	int r;

	strbuf_addf(&msg, "%s ", what);
	pep__msg_quote(&msg, plat, strlen(plat));
	r = cvl_error_set(err, CVL_EINVAL, "%s", msg.buf);
	cvl_error_hint(err, "%s", hint);
	strbuf_release(&msg);
	return r;
}

static int linux_arch_of(const char *arch, const char *plat, struct plat_info *pi,
			 struct cvl_error *err)
{
	struct strbuf what = STRBUF_INIT;
	int r;

	pi->arch = find_linux_arch(arch);
	if (pi->arch)
		return 0;
	strbuf_addstr(&what, "unsupported architecture ");
	pep__msg_quote(&what, arch, strlen(arch));
	strbuf_addstr(&what, " in platform");
	r = plat_error(err, plat, what.buf, "expected one of " LINUX_ARCHS);
	strbuf_release(&what);
	return r;
}

static bool is_x86(const char *arch)
{
	return !strcmp(arch, "x86_64") || !strcmp(arch, "i686");
}

static int parse_platform(const char *plat, struct plat_info *pi,
			  struct cvl_error *err)
{
	const char *p;
	int r;

	memset(pi, 0, sizeof(*pi));
	if (!strcmp(plat, "win_amd64") || !strcmp(plat, "win32") ||
	    !strcmp(plat, "win_arm64")) {
		pi->kind = PLAT_WINDOWS;
		pi->win = plat;
		pi->arch = plat;
		return 0;
	}
	if (!strncmp(plat, "linux_", 6)) {
		pi->kind = PLAT_LINUX;
		return linux_arch_of(plat + 6, plat, pi, err);
	}
	if (!strncmp(plat, "manylinux", 9)) {
		static const struct {
			const char *prefix;
			int minor;
		} legacy[] = {
			{ "manylinux2014_", 17 },
			{ "manylinux2010_", 12 },
			{ "manylinux1_", 5 },
		};
		size_t i;

		pi->kind = PLAT_MANYLINUX;
		pi->major = 2;
		for (i = 0; i < ARRAY_SIZE(legacy); i++) {
			size_t n = strlen(legacy[i].prefix);

			if (strncmp(plat, legacy[i].prefix, n))
				continue;
			pi->minor = legacy[i].minor;
			r = linux_arch_of(plat + n, plat, pi, err);
			if (r)
				return r;
			if (legacy[i].minor < 17 && !is_x86(pi->arch))
				return plat_error(err, plat, "unsupported platform",
						  "manylinux1 and manylinux2010 exist only for x86_64 and i686");
			return 0;
		}
		p = plat + 9;
		if (*p != '_')
			goto unknown;
		p = parse_small(p + 1, 99, &pi->major);
		if (!p || *p != '_' || pi->major != 2)
			return plat_error(err, plat, "unsupported platform",
					  "expected manylinux_2_X_ARCH (glibc 2.X, X at most 99)");
		p = parse_small(p + 1, 99, &pi->minor);
		if (!p || *p != '_')
			return plat_error(err, plat, "unsupported platform",
					  "expected manylinux_2_X_ARCH (glibc 2.X, X at most 99)");
		r = linux_arch_of(p + 1, plat, pi, err);
		if (r)
			return r;
		if (pi->minor < (is_x86(pi->arch) ? 5 : 17))
			return plat_error(err, plat, "unsupported platform",
					  is_x86(pi->arch) ?
					  "manylinux starts at glibc 2.5 on x86_64 and i686" :
					  "manylinux starts at glibc 2.17 outside x86_64 and i686");
		return 0;
	}
	if (!strncmp(plat, "musllinux_", 10)) {
		pi->kind = PLAT_MUSLLINUX;
		p = parse_small(plat + 10, 99, &pi->major);
		if (!p || *p != '_' || pi->major != 1)
			return plat_error(err, plat, "unsupported platform",
					  "expected musllinux_1_X_ARCH (musl 1.X, X at most 99)");
		p = parse_small(p + 1, 99, &pi->minor);
		if (!p || *p != '_')
			return plat_error(err, plat, "unsupported platform",
					  "expected musllinux_1_X_ARCH (musl 1.X, X at most 99)");
		return linux_arch_of(p + 1, plat, pi, err);
	}
	if (!strncmp(plat, "macosx_", 7)) {
		pi->kind = PLAT_MACOS;
		p = parse_small(plat + 7, 99, &pi->major);
		if (p && *p == '_')
			p = parse_small(p + 1, 99, &pi->minor);
		else
			p = NULL;
		if (!p || *p != '_' || pi->major < 10 ||
		    (pi->major == 10 && (pi->minor < 4 || pi->minor > 16)))
			return plat_error(err, plat, "unsupported platform",
					  "expected macosx_X_Y_ARCH with macOS 10.4 to 10.16 or 11 and later");
		p++;
		if (!strcmp(p, "x86_64"))
			pi->arch = "x86_64";
		else if (!strcmp(p, "arm64"))
			pi->arch = "arm64";
		else
			return plat_error(err, plat, "unsupported platform",
					  "expected macosx_X_Y_x86_64 or macosx_X_Y_arm64");
		if (pi->major == 10 && !strcmp(pi->arch, "arm64"))
			return plat_error(err, plat, "unsupported platform",
					  "arm64 needs macOS 11 or later");
		return 0;
	}
unknown:
	return plat_error(err, plat, "unsupported platform", "expected " PLAT_FORMS);
}

/* The platform field as a C string (the struct's array may lack a NUL). */
static int target_platform(const struct pep_target *t, char *buf, size_t size,
			   struct cvl_error *err)
{
	size_t n = strnlen(t->platform, sizeof(t->platform));

	if (n >= sizeof(t->platform) || n >= size)
		return cvl_error_set(err, CVL_EINVAL,
				     "platform tag too long (at most %zu bytes)",
				     sizeof(t->platform) - 1);
	if (!n)
		return cvl_error_set(err, CVL_EINVAL, "empty platform tag");
	memcpy(buf, t->platform, n);
	buf[n] = '\0';
	return 0;
}

static int check_target(const struct pep_target *t, struct plat_info *pi,
			char *plat, size_t size, struct cvl_error *err)
{
	int r;

	if (strcmp(t->implementation, "cp") && strcmp(t->implementation, "pp")) {
		struct strbuf msg = STRBUF_INIT;

		strbuf_addstr(&msg, "unsupported implementation ");
		pep__msg_quote(&msg, t->implementation,
			      strnlen(t->implementation, sizeof(t->implementation)));
		r = cvl_error_set(err, CVL_EINVAL, "%s", msg.buf);
		cvl_error_hint(err, "expected 'cp' (CPython) or 'pp' (PyPy)");
		strbuf_release(&msg);
		return r;
	}
	if (t->python[0] != 3 || t->python[1] < 0 || t->python[1] > 99 ||
	    t->python[2] < 0 || t->python[2] > 999) {
		r = cvl_error_set(err, CVL_EINVAL,
				  "unsupported python version %d.%d.%d",
				  t->python[0], t->python[1], t->python[2]);
		cvl_error_hint(err, "expected 3.X or 3.X.Y");
		return r;
	}
	r = target_platform(t, plat, size, err);
	if (r)
		return r;
	return parse_platform(plat, pi, err);
}

static void linux_libc_platforms(const struct plat_info *pi, struct strvec *out)
{
	int minor, oldest;

	if (pi->kind == PLAT_MANYLINUX) {
		oldest = is_x86(pi->arch) ? 5 : 17;
		for (minor = pi->minor; minor >= oldest; minor--) {
			strvec_pushf(out, "manylinux_2_%d_%s", minor, pi->arch);
			/* The PEP 600 legacy aliases follow their glibc level. */
			if (minor == 17)
				strvec_pushf(out, "manylinux2014_%s", pi->arch);
			else if (minor == 12)
				strvec_pushf(out, "manylinux2010_%s", pi->arch);
			else if (minor == 5)
				strvec_pushf(out, "manylinux1_%s", pi->arch);
		}
	} else {
		for (minor = pi->minor; minor >= 0; minor--)
			strvec_pushf(out, "musllinux_%d_%d_%s", pi->major, minor,
				     pi->arch);
	}
}

int pep_target_platforms(const struct pep_target *t, struct strvec *out,
			 struct cvl_error *err)
{
	struct plat_info pi;
	char plat[sizeof(t->platform)];
	int r;

	r = check_target(t, &pi, plat, sizeof(plat), err);
	if (r)
		return r;
	switch (pi.kind) {
	case PLAT_WINDOWS:
		strvec_push(out, pi.win);
		break;
	case PLAT_LINUX:
		strvec_pushf(out, "linux_%s", pi.arch);
		break;
	case PLAT_MANYLINUX:
	case PLAT_MUSLLINUX:
		linux_libc_platforms(&pi, out);
		strvec_pushf(out, "linux_%s", pi.arch);
		break;
	case PLAT_MACOS:
		mac_platforms(pi.major, pi.minor, pi.arch, out);
		break;
	}
	return 0;
}

int pep_target_tags(const struct pep_target *t, struct strvec *out,
		    struct cvl_error *err)
{
	struct strvec plats = STRVEC_INIT;
	struct strbuf interp = STRBUF_INIT, abi = STRBUF_INIT;
	const char *abis[1];
	int ver[2];
	int r;

	r = pep_target_platforms(t, &plats, err);
	if (r)
		return r;
	ver[0] = t->python[0];
	ver[1] = t->python[1];
	if (!strcmp(t->implementation, "cp")) {
		strbuf_addf(&interp, "cp%d%d", ver[0], ver[1]);
		/* _cpython_abis for a default (non-debug) build */
		strbuf_addf(&abi, "cp%d%d", ver[0], ver[1]);
		if (ver[1] < 8)
			strbuf_addch(&abi, 'm'); /* pymalloc */
		if (ver[1] < 3 && strcmp(t->platform, "win_amd64") &&
		    strcmp(t->platform, "win32") && strcmp(t->platform, "win_arm64"))
			strbuf_addch(&abi, 'u'); /* UCS-4 builds outside Windows */
		abis[0] = abi.buf;
		pep_tags_cpython(ver, 2, abis, 1, (const char *const *)plats.v,
				 plats.nr, out);
		pep_tags_compatible(ver, 2, interp.buf,
				    (const char *const *)plats.v, plats.nr, out);
	} else {
		/* PyPy 7.3 names its ABI after both versions: pypy310_pp73. */
		strbuf_addf(&interp, "pp%d%d", ver[0], ver[1]);
		strbuf_addf(&abi, "pypy%d%d_pp73", ver[0], ver[1]);
		abis[0] = abi.buf;
		pep_tags_generic(interp.buf, abis, 1,
				 (const char *const *)plats.v, plats.nr, out);
		/* sys_tags passes "pp3" as the interpreter for PyPy. */
		pep_tags_compatible(ver, 2, "pp3", (const char *const *)plats.v,
				    plats.nr, out);
	}
	strvec_clear(&plats);
	strbuf_release(&interp);
	strbuf_release(&abi);
	return 0;
}

static const char *env_str(struct arena *storage, const char *s)
{
	return arena_strndup(storage, s, strlen(s));
}

/*
 * The marker environment of a target.  platform_release and
 * platform_version describe a particular machine's kernel and build, which
 * a target does not know: they are empty strings.  `extra` is "" (no extra)
 * as packaging's Marker.evaluate() defaults it; callers set it per extra.
 * PyPy's implementation_version is its own release, taken as 7.3.0, the
 * first release of the pp73 ABI the tags assume.
 */
int pep_target_env(const struct pep_target *t, struct pep_env *env,
		   struct arena *storage, struct cvl_error *err)
{
	struct plat_info pi;
	char plat[sizeof(t->platform)];
	struct strbuf sb = STRBUF_INIT;
	bool cp;
	const char *machine;
	int r;

	r = check_target(t, &pi, plat, sizeof(plat), err);
	if (r)
		return r;
	cp = !strcmp(t->implementation, "cp");
	memset(env, 0, sizeof(*env));

	strbuf_addf(&sb, "%d.%d", t->python[0], t->python[1]);
	env->var[PEP_ENV_PYTHON_VERSION] = env_str(storage, sb.buf);
	strbuf_addf(&sb, ".%d", t->python[2]);
	env->var[PEP_ENV_PYTHON_FULL_VERSION] = env_str(storage, sb.buf);
	env->var[PEP_ENV_IMPLEMENTATION_NAME] =
		env_str(storage, cp ? "cpython" : "pypy");
	env->var[PEP_ENV_PLATFORM_PYTHON_IMPLEMENTATION] =
		env_str(storage, cp ? "CPython" : "PyPy");
	env->var[PEP_ENV_IMPLEMENTATION_VERSION] =
		cp ? env->var[PEP_ENV_PYTHON_FULL_VERSION] :
		     env_str(storage, "7.3.0");
	env->var[PEP_ENV_PLATFORM_RELEASE] = env_str(storage, "");
	env->var[PEP_ENV_PLATFORM_VERSION] = env_str(storage, "");
	env->var[PEP_ENV_EXTRA] = env_str(storage, "");

	switch (pi.kind) {
	case PLAT_WINDOWS:
		env->var[PEP_ENV_OS_NAME] = env_str(storage, "nt");
		env->var[PEP_ENV_SYS_PLATFORM] = env_str(storage, "win32");
		env->var[PEP_ENV_PLATFORM_SYSTEM] = env_str(storage, "Windows");
		/* platform.machine() on Windows names the OS architecture. */
		if (!strcmp(pi.win, "win_amd64"))
			machine = "AMD64";
		else if (!strcmp(pi.win, "win_arm64"))
			machine = "ARM64";
		else
			machine = "x86";
		break;
	case PLAT_MACOS:
		env->var[PEP_ENV_OS_NAME] = env_str(storage, "posix");
		env->var[PEP_ENV_SYS_PLATFORM] = env_str(storage, "darwin");
		env->var[PEP_ENV_PLATFORM_SYSTEM] = env_str(storage, "Darwin");
		machine = pi.arch;
		break;
	default:
		env->var[PEP_ENV_OS_NAME] = env_str(storage, "posix");
		env->var[PEP_ENV_SYS_PLATFORM] = env_str(storage, "linux");
		env->var[PEP_ENV_PLATFORM_SYSTEM] = env_str(storage, "Linux");
		machine = pi.arch;
		break;
	}
	env->var[PEP_ENV_PLATFORM_MACHINE] = env_str(storage, machine);
	strbuf_release(&sb);
	return 0;
}
