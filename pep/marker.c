/*
 * marker.c - PEP 508 environment markers, as packaging 26 reads, prints
 * and evaluates them.
 *
 * The parser is hand-written recursive descent over packaging's token
 * rules (_tokenizer.py): WS is [ \t]+, keywords and variables need a regex
 * word boundary (\b, with Python's Unicode notion of a word character) on
 * both sides, and quoted strings are '...' or "..." decoded as Python
 * string literals (ast.literal_eval), so escapes work and a stray
 * backslash before the closing quote is an error.
 *
 * The tree keeps packaging's shape, because str() depends on it: a list
 * of atoms separated by "and"/"or" (no precedence in the structure), where
 * an atom is a comparison or a parenthesized list.  Evaluation gives "and"
 * precedence by splitting a list into "or" groups, and evaluates every
 * comparison (packaging does not short-circuit, so an undefined name is an
 * error even where the result is already known).
 *
 * A parsed marker is one heap block: header, parsed specifiers, nodes,
 * child indexes, operators and the decoded strings.  Comparisons of a
 * version variable against a constant have their specifier parsed once,
 * here, so that evaluating needs no allocation in the common case.
 */
#include "pep/internal.h"

#define MARKER_MAX_DEPTH 100

enum mvar {
	/* 0 .. PEP_ENV_EXTRA are enum pep_env_var */
	MV_EXTRAS = PEP_ENV_NSTRVARS,
	MV_DEPENDENCY_GROUPS,
	MV_COUNT,
	MV_NONE = 0xff,
};

static const char *const var_names[MV_COUNT] = {
	[PEP_ENV_IMPLEMENTATION_NAME] = "implementation_name",
	[PEP_ENV_IMPLEMENTATION_VERSION] = "implementation_version",
	[PEP_ENV_OS_NAME] = "os_name",
	[PEP_ENV_PLATFORM_MACHINE] = "platform_machine",
	[PEP_ENV_PLATFORM_PYTHON_IMPLEMENTATION] = "platform_python_implementation",
	[PEP_ENV_PLATFORM_RELEASE] = "platform_release",
	[PEP_ENV_PLATFORM_SYSTEM] = "platform_system",
	[PEP_ENV_PLATFORM_VERSION] = "platform_version",
	[PEP_ENV_PYTHON_FULL_VERSION] = "python_full_version",
	[PEP_ENV_PYTHON_VERSION] = "python_version",
	[PEP_ENV_SYS_PLATFORM] = "sys_platform",
	[PEP_ENV_EXTRA] = "extra",
	[MV_EXTRAS] = "extras",
	[MV_DEPENDENCY_GROUPS] = "dependency_groups",
};

const char *pep_env_var_name(enum pep_env_var var)
{
	if ((unsigned)var >= PEP_ENV_NSTRVARS)
		BUG("pep_env_var_name: bad variable %d", (int)var);
	return var_names[var];
}

/* The variables packaging compares as versions (MARKERS_REQUIRING_VERSION). */
static bool is_version_var(int v)
{
	return v == PEP_ENV_IMPLEMENTATION_VERSION ||
	       v == PEP_ENV_PLATFORM_RELEASE ||
	       v == PEP_ENV_PYTHON_FULL_VERSION || v == PEP_ENV_PYTHON_VERSION;
}

static bool is_set_var(int v)
{
	return v == MV_EXTRAS || v == MV_DEPENDENCY_GROUPS;
}

/* The environment key a string names, as a dict lookup would; -1 if none. */
static int var_by_name(const char *s, size_t len)
{
	int i;

	for (i = 0; i < MV_COUNT; i++) {
		if (var_names[i][0] == (len ? s[0] : '\0') &&
		    strlen(var_names[i]) == len && !memcmp(var_names[i], s, len))
			return i;
	}
	return -1;
}

/*
 * Spellings the VARIABLE token accepts and the variable each stands for
 * (the legacy dotted names and python_implementation included).
 */
static const struct {
	const char *text;
	unsigned char var;
	unsigned char len;
} var_spellings[] = {
	{ "python_version", PEP_ENV_PYTHON_VERSION, 14 },
	{ "python_full_version", PEP_ENV_PYTHON_FULL_VERSION, 19 },
	{ "os_name", PEP_ENV_OS_NAME, 7 },
	{ "os.name", PEP_ENV_OS_NAME, 7 },
	{ "sys_platform", PEP_ENV_SYS_PLATFORM, 12 },
	{ "sys.platform", PEP_ENV_SYS_PLATFORM, 12 },
	{ "platform_release", PEP_ENV_PLATFORM_RELEASE, 16 },
	{ "platform_system", PEP_ENV_PLATFORM_SYSTEM, 15 },
	{ "platform_version", PEP_ENV_PLATFORM_VERSION, 16 },
	{ "platform.version", PEP_ENV_PLATFORM_VERSION, 16 },
	{ "platform_machine", PEP_ENV_PLATFORM_MACHINE, 16 },
	{ "platform.machine", PEP_ENV_PLATFORM_MACHINE, 16 },
	{ "platform_python_implementation", PEP_ENV_PLATFORM_PYTHON_IMPLEMENTATION, 30 },
	{ "platform.python_implementation", PEP_ENV_PLATFORM_PYTHON_IMPLEMENTATION, 30 },
	{ "python_implementation", PEP_ENV_PLATFORM_PYTHON_IMPLEMENTATION, 21 },
	{ "implementation_name", PEP_ENV_IMPLEMENTATION_NAME, 19 },
	{ "implementation_version", PEP_ENV_IMPLEMENTATION_VERSION, 22 },
	{ "extras", MV_EXTRAS, 6 },
	{ "extra", PEP_ENV_EXTRA, 5 },
	{ "dependency_groups", MV_DEPENDENCY_GROUPS, 17 },
};

/* ---- tokens shared with requirement.c ---------------------------------- */

size_t pep__skip_ws(const char *s, size_t len, size_t pos)
{
	while (pos < len && (s[pos] == ' ' || s[pos] == '\t'))
		pos++;
	return pos;
}

static bool cp_is_word(uint32_t cp)
{
	if (cp < 0x80)
		return cp == '_' || (cp >= '0' && cp <= '9') ||
		       (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z');
	return pep__unicode_is_alnum(cp);
}

/* Byte length of the (UTF-8) character at s[pos]; 1 for a bad byte. */
static size_t char_len(const char *s, size_t len, size_t pos)
{
	uint32_t cp;
	size_t n = pep__utf8_decode(s + pos, len - pos, &cp);

	return n ? n : 1;
}

/* Whether the character starting at s[pos] is a regex word character. */
static bool word_at(const char *s, size_t len, size_t pos)
{
	uint32_t cp;
	size_t n;

	if (pos >= len)
		return false;
	if ((unsigned char)s[pos] < 0x80)
		return cp_is_word((unsigned char)s[pos]);
	n = pep__utf8_decode(s + pos, len - pos, &cp);
	return n && cp_is_word(cp);
}

/* Whether the character ending just before s[pos] is a word character. */
static bool word_before(const char *s, size_t len, size_t pos)
{
	size_t k;

	if (!pos)
		return false;
	if ((unsigned char)s[pos - 1] < 0x80)
		return cp_is_word((unsigned char)s[pos - 1]);
	for (k = 1; k <= 4 && k <= pos; k++) {
		unsigned char c = (unsigned char)s[pos - k];
		uint32_t cp;

		if ((c & 0xc0) == 0x80)
			continue;
		if (pep__utf8_decode(s + pos - k, len - (pos - k), &cp) == k)
			return cp_is_word(cp);
		return false;
	}
	return false;
}

bool pep__word_boundary(const char *s, size_t len, size_t pos)
{
	return word_before(s, len, pos) != word_at(s, len, pos);
}

/* `word` at s[pos] with a word boundary on both sides (regex \bword\b). */
static bool keyword_at(const char *s, size_t len, size_t pos, const char *word)
{
	size_t n = strlen(word);

	if (pos >= len || s[pos] != word[0] || len - pos < n ||
	    memcmp(s + pos, word, n))
		return false;
	return pep__word_boundary(s, len, pos) &&
	       pep__word_boundary(s, len, pos + n);
}

void pep__error_at(struct cvl_error *err, const char *s, size_t len,
		   size_t pos, const char *what)
{
	struct strbuf sb = STRBUF_INIT;

	if (!err)
		return;
	strbuf_addf(&sb, "%s at column %zu in ", what, pos + 1);
	pep__msg_quote(&sb, s, len);
	cvl_error_set(err, CVL_EINVAL, "%s", sb.buf);
	cvl_error_at(err, 0, pos + 1 > INT_MAX ? INT_MAX : (int)(pos + 1));
	strbuf_release(&sb);
}

/* ---- the tree ----------------------------------------------------------- */

enum mop {
	MOP_LT,
	MOP_LE,
	MOP_EQ,
	MOP_NE,
	MOP_GE,
	MOP_GT,
	MOP_COMPAT,
	MOP_ARBITRARY,
	MOP_IN,
	MOP_NOT_IN,
};

static const char *const op_text[] = {
	[MOP_LT] = "<",        [MOP_LE] = "<=",        [MOP_EQ] = "==",
	[MOP_NE] = "!=",       [MOP_GE] = ">=",        [MOP_GT] = ">",
	[MOP_COMPAT] = "~=",   [MOP_ARBITRARY] = "===", [MOP_IN] = "in",
	[MOP_NOT_IN] = "not in",
};

enum { MN_ITEM, MN_LIST };

/* How the specifier of a version comparison is found. */
enum {
	SPEC_NONE,    /* not a version comparison */
	SPEC_RUNTIME, /* built from the environment at evaluation time */
	SPEC_VALID,   /* parsed here: specs[spec] */
	SPEC_INVALID, /* op + value is no specifier: compare strings */
};

struct mnode {
	unsigned char kind;
	unsigned char op;
	unsigned char lvar, rvar; /* MV_NONE: the side is a string */
	unsigned char spec_state;
	uint32_t spec;
	uint32_t loff, llen, roff, rlen; /* strings, in strs[] */
	uint32_t first, n;               /* list: children[first .. first+n) */
};

struct pep_marker {
	size_t size; /* of the whole block */
	uint32_t nnodes, nchildren, root;
	uint32_t nspecs, aspecs; /* parsed specifiers, room for them */
	size_t nstrs;
	struct pep_specifier *specs;
	struct mnode *nodes;
	uint32_t *children;
	unsigned char *ops; /* ops[i]: 1 when children[i] follows "or" */
	char *strs;
};

/* ---- parser ------------------------------------------------------------- */

/* A growable array that starts in inline storage. */
#define GROW_INLINE(arr, inl, nr, alloc)                                       \
	do {                                                                   \
		if ((nr) > (alloc)) {                                          \
			size_t grow_n_ = (alloc) * 2;                          \
			while (grow_n_ < (nr))                                 \
				grow_n_ *= 2;                                  \
			if ((arr) == (inl)) {                                  \
				(arr) = xmalloc(grow_n_ * sizeof(*(arr)));     \
				memcpy((arr), (inl), (alloc) * sizeof(*(arr))); \
			} else {                                               \
				(arr) = xrealloc((arr),                        \
						 grow_n_ * sizeof(*(arr)));    \
			}                                                      \
			(alloc) = grow_n_;                                     \
		}                                                              \
	} while (0)

struct mparser {
	const char *s;
	size_t len, pos;
	struct cvl_error *err;
	const char *first_expected; /* message when no marker starts at all */
	size_t start;
	int depth;

	struct mnode *nodes;
	size_t nnodes, anodes;
	uint32_t *children;
	unsigned char *cops;
	size_t nchildren, achildren;
	uint32_t *stack;
	unsigned char *sops;
	size_t nstack, astack;
	char *strs;
	size_t nstrs, astrs;

	struct mnode nodes_inline[16];
	uint32_t children_inline[32];
	unsigned char cops_inline[32];
	uint32_t stack_inline[32];
	unsigned char sops_inline[32];
	char strs_inline[256];
};

static void parser_init(struct mparser *p, const char *s, size_t len,
			size_t pos, struct cvl_error *err)
{
	p->s = s;
	p->len = len;
	p->pos = pos;
	p->start = pep__skip_ws(s, len, pos);
	p->err = err;
	p->first_expected = NULL;
	p->depth = 0;
	p->nodes = p->nodes_inline;
	p->nnodes = 0;
	p->anodes = ARRAY_SIZE(p->nodes_inline);
	p->children = p->children_inline;
	p->cops = p->cops_inline;
	p->nchildren = 0;
	p->achildren = ARRAY_SIZE(p->children_inline);
	p->stack = p->stack_inline;
	p->sops = p->sops_inline;
	p->nstack = 0;
	p->astack = ARRAY_SIZE(p->stack_inline);
	p->strs = p->strs_inline;
	p->nstrs = 0;
	p->astrs = sizeof(p->strs_inline);
}

static void parser_release(struct mparser *p)
{
	if (p->nodes != p->nodes_inline)
		free(p->nodes);
	if (p->children != p->children_inline) {
		free(p->children);
		free(p->cops);
	}
	if (p->stack != p->stack_inline) {
		free(p->stack);
		free(p->sops);
	}
	if (p->strs != p->strs_inline)
		free(p->strs);
}

static uint32_t new_node(struct mparser *p)
{
	GROW_INLINE(p->nodes, p->nodes_inline, p->nnodes + 1, p->anodes);
	memset(&p->nodes[p->nnodes], 0, sizeof(p->nodes[0]));
	return (uint32_t)p->nnodes++;
}

static void push_child(struct mparser *p, uint32_t node, bool after_or)
{
	size_t a = p->astack;

	GROW_INLINE(p->stack, p->stack_inline, p->nstack + 1, p->astack);
	if (p->astack != a) {
		if (p->sops == p->sops_inline) {
			p->sops = xmalloc(p->astack);
			memcpy(p->sops, p->sops_inline, a);
		} else {
			p->sops = xrealloc(p->sops, p->astack);
		}
	}
	p->stack[p->nstack] = node;
	p->sops[p->nstack] = after_or;
	p->nstack++;
}

/* Move the children on the stack above `base` into the list node `list`. */
static void pop_children(struct mparser *p, size_t base, uint32_t list)
{
	size_t n = p->nstack - base, a = p->achildren;

	GROW_INLINE(p->children, p->children_inline, p->nchildren + n,
		    p->achildren);
	if (p->achildren != a) {
		if (p->cops == p->cops_inline) {
			p->cops = xmalloc(p->achildren);
			memcpy(p->cops, p->cops_inline, a);
		} else {
			p->cops = xrealloc(p->cops, p->achildren);
		}
	}
	memcpy(p->children + p->nchildren, p->stack + base, n * sizeof(uint32_t));
	memcpy(p->cops + p->nchildren, p->sops + base, n);
	p->nodes[list].first = (uint32_t)p->nchildren;
	p->nodes[list].n = (uint32_t)n;
	p->nchildren += n;
	p->nstack = base;
}

static uint32_t add_str(struct mparser *p, const char *s, size_t n)
{
	uint32_t off = (uint32_t)p->nstrs;

	GROW_INLINE(p->strs, p->strs_inline, p->nstrs + n, p->astrs);
	memcpy(p->strs + p->nstrs, s, n);
	p->nstrs += n;
	return off;
}

static void add_char(struct mparser *p, char c)
{
	add_str(p, &c, 1);
}

static int perr(struct mparser *p, size_t pos, const char *what)
{
	pep__error_at(p->err, p->s, p->len, pos, what);
	return -CVL_EINVAL;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static void add_cp(struct mparser *p, uint32_t cp)
{
	char buf[4];

	add_str(p, buf, pep__utf8_encode(cp, buf));
}

/*
 * Decode the body of a quoted string token (between the quotes, at
 * s[b..e)) as Python's string literal syntax does and append it to the
 * string pool.  Returns 0, or -1 where Python raises SyntaxError: a raw
 * line break or NUL, a backslash escaping the closing quote, a truncated
 * \x, \u or \U escape, a code point beyond U+10FFFF, and \N{...} (named
 * characters are not supported here).
 */
static int decode_string(struct mparser *p, size_t b, size_t e)
{
	const char *s = p->s;
	size_t i = b;

	while (i < e) {
		size_t run = i;
		char c;

		while (run < e && s[run] != '\\' && s[run] != '\n' &&
		       s[run] != '\r' && s[run] != '\0')
			run++;
		add_str(p, s + i, run - i);
		i = run;
		if (i >= e)
			break;
		if (s[i] != '\\')
			return -1;
		if (i + 1 >= e)
			return -1; /* the backslash escapes the closing quote */
		c = s[i + 1];
		i += 2;
		switch (c) {
		case '\n':
			break;
		case '\r':
			if (i < e && s[i] == '\n')
				i++;
			break;
		case '\\': case '\'': case '"':
			add_char(p, c);
			break;
		case 'a': add_char(p, '\a'); break;
		case 'b': add_char(p, '\b'); break;
		case 'f': add_char(p, '\f'); break;
		case 'n': add_char(p, '\n'); break;
		case 'r': add_char(p, '\r'); break;
		case 't': add_char(p, '\t'); break;
		case 'v': add_char(p, '\v'); break;
		case '0': case '1': case '2': case '3':
		case '4': case '5': case '6': case '7': {
			uint32_t v = (uint32_t)(c - '0');
			int k;

			for (k = 0; k < 2 && i < e && s[i] >= '0' && s[i] <= '7'; k++)
				v = v * 8 + (uint32_t)(s[i++] - '0');
			add_cp(p, v);
			break;
		}
		case 'x': case 'u': case 'U': {
			int want = c == 'x' ? 2 : c == 'u' ? 4 : 8, k;
			uint32_t v = 0;

			for (k = 0; k < want; k++) {
				int h = i < e ? hexval(s[i]) : -1;

				if (h < 0)
					return -1;
				v = v * 16 + (uint32_t)h;
				i++;
			}
			if (v > 0x10ffff)
				return -1;
			add_cp(p, v);
			break;
		}
		case 'N':
			return -1;
		default:
			/* Python keeps unknown escapes as they are (with a warning). */
			add_char(p, '\\');
			i--;
			break;
		}
	}
	return 0;
}

/* marker_var: a VARIABLE or a QUOTED_STRING. */
static int parse_var(struct mparser *p, unsigned char *var, uint32_t *off,
		     uint32_t *len, bool first)
{
	const char *s = p->s;
	size_t pos = p->pos, i;

	if (pos < p->len && (s[pos] == '\'' || s[pos] == '"')) {
		const char *close = memchr(s + pos + 1, s[pos], p->len - pos - 1);

		if (close) {
			size_t e = (size_t)(close - s);

			*var = MV_NONE;
			*off = (uint32_t)p->nstrs;
			if (decode_string(p, pos + 1, e))
				return perr(p, pos, "invalid quoted string");
			*len = (uint32_t)(p->nstrs - *off);
			p->pos = e + 1;
			return 0;
		}
		return perr(p, pos, "unterminated quoted string");
	}
	if (pos < p->len && s[pos] >= 'd' && s[pos] <= 's' &&
	    pep__word_boundary(s, p->len, pos)) {
		for (i = 0; i < ARRAY_SIZE(var_spellings); i++) {
			const char *t = var_spellings[i].text;
			size_t n = var_spellings[i].len;

			if (t[0] == s[pos] && p->len - pos >= n &&
			    !memcmp(s + pos, t, n) &&
			    pep__word_boundary(s, p->len, pos + n)) {
				*var = var_spellings[i].var;
				*off = 0;
				*len = 0;
				p->pos = pos + n;
				return 0;
			}
		}
	}
	if (pos < p->len && ((s[pos] >= 'a' && s[pos] <= 'z') ||
			     (s[pos] >= 'A' && s[pos] <= 'Z') || s[pos] == '_') &&
	    !keyword_at(s, p->len, pos, "and") &&
	    !keyword_at(s, p->len, pos, "or") &&
	    !keyword_at(s, p->len, pos, "not") &&
	    !keyword_at(s, p->len, pos, "in")) {
		struct strbuf sb = STRBUF_INIT;
		size_t e = pos;
		int ret;

		while (e < p->len && e - pos < 64 &&
		       (s[e] == '.' || word_at(s, p->len, e)))
			e += char_len(s, p->len, e);
		strbuf_addstr(&sb, "unknown marker variable ");
		pep__msg_quote(&sb, s + pos, e - pos);
		ret = perr(p, pos, sb.buf);
		strbuf_release(&sb);
		return ret;
	}
	if (first && p->first_expected && pos == p->start)
		return perr(p, pos, p->first_expected);
	return perr(p, pos, "expected marker variable or quoted string");
}

static int parse_op(struct mparser *p, unsigned char *op)
{
	static const struct {
		const char *t;
		unsigned char op;
	} ops[] = {
		{ "===", MOP_ARBITRARY }, { "==", MOP_EQ }, { "~=", MOP_COMPAT },
		{ "!=", MOP_NE },         { "<=", MOP_LE }, { ">=", MOP_GE },
		{ "<", MOP_LT },          { ">", MOP_GT },
	};
	const char *s = p->s;
	size_t pos = p->pos, i;

	if (keyword_at(s, p->len, pos, "in")) {
		*op = MOP_IN;
		p->pos = pos + 2;
		return 0;
	}
	if (keyword_at(s, p->len, pos, "not")) {
		size_t q = pep__skip_ws(s, p->len, pos + 3);

		if (q == pos + 3)
			return perr(p, q, "expected whitespace after 'not'");
		if (!keyword_at(s, p->len, q, "in"))
			return perr(p, q, "expected 'in' after 'not'");
		*op = MOP_NOT_IN;
		p->pos = q + 2;
		return 0;
	}
	for (i = 0; i < ARRAY_SIZE(ops) && pos < p->len; i++) {
		size_t n = strlen(ops[i].t);

		if (s[pos] == ops[i].t[0] && p->len - pos >= n &&
		    !memcmp(s + pos, ops[i].t, n)) {
			*op = ops[i].op;
			p->pos = pos + n;
			return 0;
		}
	}
	return perr(p, pos, "expected marker operator (one of <=, <, !=, ==, "
		    ">=, >, ~=, ===, in, not in)");
}

/* PEP 685: packaging stores the value compared with `extra` normalized. */
static void normalize_extra_value(struct mparser *p, uint32_t *off,
				  uint32_t *len)
{
	struct strbuf sb = STRBUF_INIT;

	if (pep__name_is_canonical(p->strs + *off, *len))
		return;
	pep_name_canonicalize(p->strs + *off, *len, &sb);
	if (sb.len <= *len) {
		memcpy(p->strs + *off, sb.buf, sb.len);
	} else {
		*off = add_str(p, sb.buf, sb.len);
	}
	*len = (uint32_t)sb.len;
	strbuf_release(&sb);
}

static int parse_item(struct mparser *p, uint32_t *out)
{
	unsigned char lvar, rvar, op;
	uint32_t loff, llen, roff, rlen, idx;
	struct mnode *n;
	int ret;

	p->pos = pep__skip_ws(p->s, p->len, p->pos);
	ret = parse_var(p, &lvar, &loff, &llen, true);
	if (ret)
		return ret;
	p->pos = pep__skip_ws(p->s, p->len, p->pos);
	ret = parse_op(p, &op);
	if (ret)
		return ret;
	p->pos = pep__skip_ws(p->s, p->len, p->pos);
	ret = parse_var(p, &rvar, &roff, &rlen, false);
	if (ret)
		return ret;
	p->pos = pep__skip_ws(p->s, p->len, p->pos);

	if (lvar == PEP_ENV_EXTRA && rvar == MV_NONE)
		normalize_extra_value(p, &roff, &rlen);
	else if (rvar == PEP_ENV_EXTRA && lvar == MV_NONE)
		normalize_extra_value(p, &loff, &llen);

	idx = new_node(p);
	n = &p->nodes[idx];
	n->kind = MN_ITEM;
	n->op = op;
	n->lvar = lvar;
	n->rvar = rvar;
	n->loff = loff;
	n->llen = llen;
	n->roff = roff;
	n->rlen = rlen;
	*out = idx;
	return 0;
}

static int parse_list(struct mparser *p, uint32_t *out);

static int parse_atom(struct mparser *p, uint32_t *out)
{
	int ret;

	p->pos = pep__skip_ws(p->s, p->len, p->pos);
	if (p->pos < p->len && p->s[p->pos] == '(') {
		if (p->depth >= MARKER_MAX_DEPTH)
			return perr(p, p->pos, "marker nested too deeply "
				    "(more than 100 parentheses)");
		p->depth++;
		p->pos = pep__skip_ws(p->s, p->len, p->pos + 1);
		ret = parse_list(p, out);
		if (ret)
			return ret;
		p->pos = pep__skip_ws(p->s, p->len, p->pos);
		if (p->pos >= p->len || p->s[p->pos] != ')')
			return perr(p, p->pos, "expected ')'");
		p->pos++;
		p->depth--;
	} else {
		ret = parse_item(p, out);
		if (ret)
			return ret;
	}
	p->pos = pep__skip_ws(p->s, p->len, p->pos);
	return 0;
}

/* marker = marker_atom (BOOLOP marker_atom)* */
static int parse_list(struct mparser *p, uint32_t *out)
{
	size_t base = p->nstack;
	uint32_t atom, list;
	bool after_or = false;
	int ret;

	for (;;) {
		ret = parse_atom(p, &atom);
		if (ret)
			return ret;
		push_child(p, atom, after_or);
		if (keyword_at(p->s, p->len, p->pos, "or")) {
			after_or = true;
			p->pos += 2;
		} else if (keyword_at(p->s, p->len, p->pos, "and")) {
			after_or = false;
			p->pos += 3;
		} else {
			break;
		}
	}
	list = new_node(p);
	p->nodes[list].kind = MN_LIST;
	pop_children(p, base, list);
	*out = list;
	return 0;
}

static size_t align_up(size_t n)
{
	return (n + 15) & ~(size_t)15;
}

static void set_pointers(struct pep_marker *m)
{
	char *base = (char *)m + align_up(sizeof(*m));

	m->specs = (struct pep_specifier *)base;
	base += align_up(m->aspecs * sizeof(struct pep_specifier));
	m->nodes = (struct mnode *)base;
	base += align_up(m->nnodes * sizeof(struct mnode));
	m->children = (uint32_t *)base;
	base += align_up(m->nchildren * sizeof(uint32_t));
	m->ops = (unsigned char *)base;
	base += m->nchildren;
	m->strs = base;
}

static const char *side_str(const struct pep_marker *m, unsigned char var,
			    uint32_t off, uint32_t len, size_t *n)
{
	if (var != MV_NONE) {
		*n = strlen(var_names[var]);
		return var_names[var];
	}
	*n = len;
	return m->strs + off;
}

/*
 * Parse "<op><value>" as packaging's Specifier(f"{op}{rhs}") does.  Short
 * values are assembled on the stack.
 */
static bool spec_from(struct pep_specifier *spec, unsigned char op,
		      const char *v, size_t vlen)
{
	char buf[128];
	struct strbuf sb = STRBUF_INIT;
	size_t olen = strlen(op_text[op]);
	const char *text;
	bool ok;

	if (olen + vlen <= sizeof(buf)) {
		memcpy(buf, op_text[op], olen);
		memcpy(buf + olen, v, vlen);
		text = buf;
	} else {
		strbuf_addstr(&sb, op_text[op]);
		strbuf_add(&sb, v, vlen);
		text = sb.buf;
	}
	ok = !pep_specifier_parse(spec, text, olen + vlen, NULL);
	strbuf_release(&sb);
	return ok;
}

/* Decide how each comparison finds its specifier; parse the constant ones. */
static void prepare_specs(struct pep_marker *m)
{
	uint32_t i;

	m->nspecs = 0;
	for (i = 0; i < m->nnodes; i++) {
		struct mnode *n = &m->nodes[i];
		int key;

		n->spec_state = SPEC_NONE;
		if (n->kind != MN_ITEM || n->op == MOP_IN || n->op == MOP_NOT_IN)
			continue;
		if (n->lvar != MV_NONE) {
			const char *v;
			size_t vlen;

			if (!is_version_var(n->lvar))
				continue;
			v = side_str(m, n->rvar, n->roff, n->rlen, &vlen);
			if (spec_from(&m->specs[m->nspecs], n->op, v, vlen)) {
				n->spec_state = SPEC_VALID;
				n->spec = m->nspecs++;
			} else {
				n->spec_state = SPEC_INVALID;
			}
			continue;
		}
		if (n->rvar != MV_NONE)
			key = n->rvar;
		else
			key = var_by_name(m->strs + n->roff, n->rlen);
		if (key >= 0 && is_version_var(key))
			n->spec_state = SPEC_RUNTIME;
	}
}

static uint32_t count_const_specs(const struct mparser *p)
{
	uint32_t i, k = 0;

	for (i = 0; i < p->nnodes; i++) {
		const struct mnode *n = &p->nodes[i];

		if (n->kind == MN_ITEM && n->lvar != MV_NONE &&
		    is_version_var(n->lvar) && n->op != MOP_IN &&
		    n->op != MOP_NOT_IN)
			k++;
	}
	return k;
}

static struct pep_marker *finish(struct mparser *p, uint32_t root)
{
	struct pep_marker *m;
	uint32_t nspecs = count_const_specs(p);
	size_t size;

	size = align_up(sizeof(*m)) +
	       align_up(nspecs * sizeof(struct pep_specifier)) +
	       align_up(p->nnodes * sizeof(struct mnode)) +
	       align_up(p->nchildren * sizeof(uint32_t)) + p->nchildren +
	       p->nstrs + 1;
	m = xmalloc(size);
	m->size = size;
	m->nnodes = (uint32_t)p->nnodes;
	m->nchildren = (uint32_t)p->nchildren;
	m->nspecs = 0;
	m->aspecs = nspecs;
	m->nstrs = p->nstrs;
	m->root = root;
	set_pointers(m);
	memcpy(m->nodes, p->nodes, p->nnodes * sizeof(struct mnode));
	memcpy(m->children, p->children, p->nchildren * sizeof(uint32_t));
	memcpy(m->ops, p->cops, p->nchildren);
	memcpy(m->strs, p->strs, p->nstrs);
	m->strs[p->nstrs] = '\0';
	prepare_specs(m);
	return m;
}

int pep__marker_parse_at(struct pep_marker **out, const char *s, size_t len,
			 size_t *pos, const char *first_expected,
			 struct cvl_error *err)
{
	struct mparser p;
	uint32_t root;
	int ret;

	*out = NULL;
	if (len > UINT32_MAX / 4)
		return cvl_error_set(err, CVL_ETOOBIG, "marker too long (%zu bytes)", len);
	parser_init(&p, s, len, *pos, err);
	p.first_expected = first_expected;
	ret = parse_list(&p, &root);
	if (!ret) {
		*out = finish(&p, root);
		*pos = p.pos;
	}
	parser_release(&p);
	return ret;
}

int pep_marker_parse(struct pep_marker **out, const char *s, size_t len,
		     struct cvl_error *err)
{
	size_t pos = 0;
	int ret;

	ret = pep__marker_parse_at(out, s, len, &pos, NULL, err);
	if (ret)
		return ret;
	if (pos < len) {
		pep_marker_free(*out);
		*out = NULL;
		pep__error_at(err, s, len, pos,
			      "expected 'and', 'or' or end of marker");
		return -CVL_EINVAL;
	}
	return 0;
}

void pep_marker_free(struct pep_marker *m)
{
	uint32_t i;

	if (!m)
		return;
	for (i = 0; i < m->nspecs; i++)
		pep_specifier_release(&m->specs[i]);
	free(m);
}

struct pep_marker *pep_marker_dup(const struct pep_marker *m)
{
	struct pep_marker *d;

	if (!m)
		return NULL;
	d = xmalloc(m->size);
	memcpy(d, m, m->size);
	set_pointers(d);
	/* The specifiers own heap memory: parse them again for the copy. */
	prepare_specs(d);
	return d;
}

/* ---- formatting ---------------------------------------------------------- */

/*
 * packaging prints a value in double quotes, or in single quotes when it
 * holds a double quote, and nothing else.  A value that cannot be read
 * back that way (both quotes, a backslash, a line break or a NUL, all of
 * which only escapes can produce) is written with escapes instead, so that
 * the string always parses back to the same marker.
 */
static void format_value(const char *v, size_t n, struct strbuf *out)
{
	bool has_dq = memchr(v, '"', n) != NULL;
	bool has_sq = memchr(v, '\'', n) != NULL;
	char q = has_dq ? '\'' : '"';
	size_t i;

	for (i = 0; i < n; i++) {
		if (v[i] == '\\' || v[i] == '\n' || v[i] == '\r' || v[i] == '\0')
			break;
	}
	strbuf_addch(out, q);
	if (i == n && !(has_dq && has_sq)) {
		strbuf_add(out, v, n);
		strbuf_addch(out, q);
		return;
	}
	for (i = 0; i < n; i++) {
		char c = v[i];

		if (c == '\\')
			strbuf_addstr(out, "\\\\");
		else if (c == '\n')
			strbuf_addstr(out, "\\n");
		else if (c == '\r')
			strbuf_addstr(out, "\\r");
		else if (c == '\0')
			strbuf_addstr(out, "\\x00");
		else if (c == q)
			strbuf_addstr(out, q == '"' ? "\\x22" : "\\x27");
		else
			strbuf_addch(out, c);
	}
	strbuf_addch(out, q);
}

static void format_side(const struct pep_marker *m, unsigned char var,
			uint32_t off, uint32_t len, struct strbuf *out)
{
	if (var != MV_NONE)
		strbuf_addstr(out, var_names[var]);
	else
		format_value(m->strs + off, len, out);
}

static void format_item(const struct pep_marker *m, const struct mnode *n,
			struct strbuf *out)
{
	format_side(m, n->lvar, n->loff, n->llen, out);
	strbuf_addch(out, ' ');
	strbuf_addstr(out, op_text[n->op]);
	strbuf_addch(out, ' ');
	format_side(m, n->rvar, n->roff, n->rlen, out);
}

/* packaging's _format_marker(), including where it drops parentheses. */
static void format_node(const struct pep_marker *m, uint32_t idx, bool first,
			struct strbuf *out)
{
	const struct mnode *n = &m->nodes[idx];
	uint32_t i;

	if (n->kind == MN_ITEM) {
		format_item(m, n, out);
		return;
	}
	if (n->n == 1) {
		/* A one-element list prints as its element: "((a or b))" as "(a or b)". */
		format_node(m, m->children[n->first], first, out);
		return;
	}
	if (!first)
		strbuf_addch(out, '(');
	for (i = 0; i < n->n; i++) {
		if (i)
			strbuf_addstr(out, m->ops[n->first + i] ? " or " : " and ");
		format_node(m, m->children[n->first + i], false, out);
	}
	if (!first)
		strbuf_addch(out, ')');
}

void pep_marker_format(const struct pep_marker *m, struct strbuf *out)
{
	format_node(m, m->root, true, out);
}

bool pep_marker_uses_extra(const struct pep_marker *m)
{
	uint32_t i;

	for (i = 0; i < m->nnodes; i++) {
		const struct mnode *n = &m->nodes[i];

		if (n->kind != MN_ITEM)
			continue;
		if (n->lvar == PEP_ENV_EXTRA || n->rvar == PEP_ENV_EXTRA)
			return true;
		if (n->lvar == MV_NONE && n->rvar == MV_NONE &&
		    var_by_name(m->strs + n->roff, n->rlen) == PEP_ENV_EXTRA)
			return true;
	}
	return false;
}

bool pep__marker_equal(const struct pep_marker *a, const struct pep_marker *b)
{
	struct strbuf x = STRBUF_INIT, y = STRBUF_INIT;
	bool eq;

	if (!a || !b)
		return a == b;
	pep_marker_format(a, &x);
	pep_marker_format(b, &y);
	eq = x.len == y.len && !memcmp(x.buf, y.buf, x.len);
	strbuf_release(&x);
	strbuf_release(&y);
	return eq;
}

/* ---- evaluation ---------------------------------------------------------- */

enum { VER_UNPARSED, VER_VALID, VER_INVALID };

struct eval_ctx {
	const struct pep_marker *m;
	const struct pep_env *env;
	struct cvl_error *err;
	/* Versions of the environment's version variables, parsed on use. */
	unsigned char ver_state[PEP_ENV_NSTRVARS];
	struct pep_version ver[PEP_ENV_NSTRVARS];
	/* canonicalize_name(extra), made on first use */
	bool extra_done;
	const char *extra;
	size_t extra_len;
	/* python_full_version with "local" appended after a trailing '+' */
	bool pfv_done;
	const char *pfv;
	size_t pfv_len;
	char pfv_buf[64];
	struct strbuf heap; /* rare long values of the two above */
	struct strbuf heap2;
};

static int undefined_name(struct eval_ctx *c, const struct mnode *n,
			  const char *name, size_t len)
{
	struct strbuf sb = STRBUF_INIT;

	if (c->err) {
		strbuf_addstr(&sb, "undefined environment name ");
		pep__msg_quote(&sb, name, len);
		strbuf_addstr(&sb, " in marker ");
		{
			struct strbuf item = STRBUF_INIT;

			format_item(c->m, n, &item);
			pep__msg_quote(&sb, item.buf, item.len);
			strbuf_release(&item);
		}
		cvl_error_set(c->err, CVL_EUNDEFINED, "%s", sb.buf);
	}
	strbuf_release(&sb);
	return -CVL_EUNDEFINED;
}

static int undefined_cmp(struct eval_ctx *c, const struct mnode *n,
			 const char *lv, size_t ll, const char *rv, size_t rl,
			 const char *why)
{
	struct strbuf sb = STRBUF_INIT, item = STRBUF_INIT;

	if (c->err) {
		strbuf_addstr(&sb, "undefined comparison ");
		pep__msg_quote(&sb, lv, ll);
		strbuf_addf(&sb, " %s ", op_text[n->op]);
		if (rv)
			pep__msg_quote(&sb, rv, rl);
		else
			strbuf_addstr(&sb, "a set");
		format_item(c->m, n, &item);
		strbuf_addstr(&sb, " in marker ");
		pep__msg_quote(&sb, item.buf, item.len);
		if (why)
			strbuf_addf(&sb, " (%s)", why);
		cvl_error_set(c->err, CVL_EUNDEFINED, "%s", sb.buf);
	}
	strbuf_release(&sb);
	strbuf_release(&item);
	return -CVL_EUNDEFINED;
}

/* The value of a string variable as packaging's evaluate() sees it. */
static bool lookup(struct eval_ctx *c, int var, const char **v, size_t *n)
{
	const char *s = c->env->var[var];

	if (!s)
		return false;
	if (var == PEP_ENV_EXTRA) {
		if (!c->extra_done) {
			size_t len = strlen(s);

			c->extra_done = true;
			c->extra = s;
			c->extra_len = len;
			if (!pep__name_is_canonical(s, len)) {
				pep_name_canonicalize(s, len, &c->heap);
				c->extra = c->heap.buf;
				c->extra_len = c->heap.len;
			}
		}
		*v = c->extra;
		*n = c->extra_len;
		return true;
	}
	if (var == PEP_ENV_PYTHON_FULL_VERSION) {
		if (!c->pfv_done) {
			size_t len = strlen(s);

			c->pfv_done = true;
			c->pfv = s;
			c->pfv_len = len;
			if (len && s[len - 1] == '+') {
				if (len + 5 <= sizeof(c->pfv_buf)) {
					memcpy(c->pfv_buf, s, len);
					memcpy(c->pfv_buf + len, "local", 5);
					c->pfv = c->pfv_buf;
				} else {
					strbuf_add(&c->heap2, s, len);
					strbuf_addstr(&c->heap2, "local");
					c->pfv = c->heap2.buf;
				}
				c->pfv_len = len + 5;
			}
		}
		*v = c->pfv;
		*n = c->pfv_len;
		return true;
	}
	*v = s;
	*n = strlen(s);
	return true;
}

/* packaging's Specifier(op + rhs).contains(lhs, prereleases=True). */
static bool spec_contains(struct eval_ctx *c, const struct pep_specifier *spec,
			  int lhs_var, const char *lv, size_t ll)
{
	struct pep_version tmp = PEP_VERSION_INIT;
	bool r;

	if (spec->op == PEP_OP_ARBITRARY)
		return pep__lower_equal(lv, ll, spec->text, strlen(spec->text));
	if (lhs_var >= 0) {
		if (c->ver_state[lhs_var] == VER_UNPARSED) {
			if (pep_version_parse(&c->ver[lhs_var], lv, ll, NULL))
				c->ver_state[lhs_var] = VER_INVALID;
			else
				c->ver_state[lhs_var] = VER_VALID;
		}
		if (c->ver_state[lhs_var] == VER_INVALID)
			return false;
		return pep_specifier_match(spec, &c->ver[lhs_var]);
	}
	if (pep_version_parse(&tmp, lv, ll, NULL))
		return false;
	r = pep_specifier_match(spec, &tmp);
	pep_version_release(&tmp);
	return r;
}

static bool str_contains(const char *hay, size_t hn, const char *needle,
			 size_t nn)
{
	size_t i;

	if (!nn)
		return true;
	if (nn > hn)
		return false;
	for (i = 0; i + nn <= hn; i++) {
		if (hay[i] == needle[0] && !memcmp(hay + i, needle, nn))
			return true;
	}
	return false;
}

/* A PEP 751 set variable: extras or dependency_groups. */
static bool lookup_set(struct eval_ctx *c, int var, const char *const **items,
		       size_t *n)
{
	if (var == MV_EXTRAS) {
		*items = c->env->extras;
		*n = c->env->nextras;
		return c->env->has_extras;
	}
	*items = c->env->dependency_groups;
	*n = c->env->ndependency_groups;
	return c->env->has_dependency_groups;
}

static int eval_set(struct eval_ctx *c, const struct mnode *n, const char *lv,
		    size_t ll, const char *const *items, size_t nitems,
		    bool *res)
{
	bool found = false;
	size_t i;

	/* Both sides are compared canonicalized (PEP 685 / PEP 751). */
	for (i = 0; i < nitems && !found; i++)
		found = pep__name_canon_equal(lv, ll, items[i], strlen(items[i]));
	switch (n->op) {
	case MOP_IN:
		*res = found;
		return 0;
	case MOP_NOT_IN:
		*res = !found;
		return 0;
	case MOP_NE:
		*res = true; /* a string never equals a set */
		return 0;
	case MOP_EQ:
	case MOP_LE:
	case MOP_GE:
	case MOP_LT:
	case MOP_GT:
		*res = false;
		return 0;
	default:
		return undefined_cmp(c, n, lv, ll, NULL, 0, NULL);
	}
}

static int eval_item(struct eval_ctx *c, const struct mnode *n, bool *res)
{
	const struct pep_marker *m = c->m;
	const char *lv, *rv = NULL;
	size_t ll, rl = 0;
	int key, lhs_var = -1;
	bool eq;

	if (n->lvar != MV_NONE) {
		key = n->lvar;
		if (is_set_var(key)) {
			const char *const *items;
			size_t nitems;

			if (!lookup_set(c, key, &items, &nitems))
				return undefined_name(c, n, var_names[key],
						      strlen(var_names[key]));
			return undefined_cmp(c, n, var_names[key],
					     strlen(var_names[key]),
					     m->strs + n->roff, n->rlen,
					     "a set can only be on the right of "
					     "'in' or 'not in'");
		}
		if (!lookup(c, key, &lv, &ll))
			return undefined_name(c, n, var_names[key],
					      strlen(var_names[key]));
		lhs_var = key;
		rv = side_str(m, n->rvar, n->roff, n->rlen, &rl);
	} else {
		lv = m->strs + n->loff;
		ll = n->llen;
		if (n->rvar != MV_NONE)
			key = n->rvar;
		else
			key = var_by_name(m->strs + n->roff, n->rlen);
		if (key < 0)
			return undefined_name(c, n, m->strs + n->roff, n->rlen);
		if (is_set_var(key)) {
			const char *const *items;
			size_t nitems;

			if (!lookup_set(c, key, &items, &nitems))
				return undefined_name(c, n, var_names[key],
						      strlen(var_names[key]));
			return eval_set(c, n, lv, ll, items, nitems, res);
		}
		if (!lookup(c, key, &rv, &rl))
			return undefined_name(c, n, var_names[key],
					      strlen(var_names[key]));
	}

	if (n->spec_state == SPEC_VALID) {
		*res = spec_contains(c, &m->specs[n->spec], lhs_var, lv, ll);
		return 0;
	}
	if (n->spec_state == SPEC_RUNTIME) {
		struct pep_specifier spec;

		if (spec_from(&spec, n->op, rv, rl)) {
			*res = spec_contains(c, &spec, -1, lv, ll);
			pep_specifier_release(&spec);
			return 0;
		}
	}

	/* Plain string comparison (packaging's _operators table). */
	eq = ll == rl && !memcmp(lv, rv, ll);
	switch (n->op) {
	case MOP_IN:
		*res = str_contains(rv, rl, lv, ll);
		return 0;
	case MOP_NOT_IN:
		*res = !str_contains(rv, rl, lv, ll);
		return 0;
	case MOP_EQ:
	case MOP_LE:
	case MOP_GE:
		*res = eq;
		return 0;
	case MOP_NE:
		*res = !eq;
		return 0;
	case MOP_LT:
	case MOP_GT:
		*res = false;
		return 0;
	default:
		return undefined_cmp(c, n, lv, ll, rv, rl, NULL);
	}
}

static int eval_node(struct eval_ctx *c, uint32_t idx, bool *res)
{
	const struct pep_marker *m = c->m;
	const struct mnode *n = &m->nodes[idx];
	bool any = false, all = true, r = false;
	uint32_t i;
	int ret;

	if (n->kind == MN_ITEM)
		return eval_item(c, n, res);
	/* "and" binds tighter: the list is a disjunction of "and" groups. */
	for (i = 0; i < n->n; i++) {
		if (i && m->ops[n->first + i]) {
			any = any || all;
			all = true;
		}
		ret = eval_node(c, m->children[n->first + i], &r);
		if (ret)
			return ret;
		all = all && r;
	}
	*res = any || all;
	return 0;
}

int pep_marker_evaluate(const struct pep_marker *m, const struct pep_env *env,
			bool *result, struct cvl_error *err)
{
	struct eval_ctx c;
	int ret, i;

	c.m = m;
	c.env = env;
	c.err = err;
	memset(c.ver_state, VER_UNPARSED, sizeof(c.ver_state));
	c.extra_done = false;
	c.extra = NULL;
	c.extra_len = 0;
	c.pfv_done = false;
	c.pfv = NULL;
	c.pfv_len = 0;
	strbuf_init(&c.heap, 0);
	strbuf_init(&c.heap2, 0);
	*result = false;
	ret = eval_node(&c, m->root, result);
	for (i = 0; i < PEP_ENV_NSTRVARS; i++) {
		if (c.ver_state[i] == VER_VALID)
			pep_version_release(&c.ver[i]);
	}
	strbuf_release(&c.heap);
	strbuf_release(&c.heap2);
	if (ret)
		*result = false;
	return ret;
}
