/*
 * fuzz_reqfile.c - pip requirements files (pep_reqfile_parse), and the
 * input set built from them (pep_inputs_add_reqfile, hash, text listing).
 *
 * Every ${NAME} expands to a fixed value.  A file that parses must give
 * entries with positions inside the input; its requirements, written one
 * per line in canonical form, must parse to the same canonical list (when
 * every name is valid and no requirement holds text that the file syntax
 * would cut: " #", " -", "${", a trailing backslash).
 */
#include "pep/pep.h"

#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *fixed_env(const char *name, void *arg)
{
	(void)arg;
	if (name[0] == 'E')
		return ""; /* variables starting with E are empty */
	return "1.0";
}

static bool reparsable(const char *s)
{
	size_t n = strlen(s);
	size_t i;

	for (i = 0; i + 1 < n; i++) {
		if ((s[i] == ' ' || s[i] == '\t') &&
		    (s[i + 1] == '#' || s[i + 1] == '-'))
			return false;
		if (s[i] == '$' && s[i + 1] == '{')
			return false;
	}
	return n && s[n - 1] != '\\' && !strchr(s, '\r') && !strchr(s, '\n');
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pep_reqfile rf = PEP_REQFILE_INIT, rf2 = PEP_REQFILE_INIT;
	struct cvl_error err = CVL_ERROR_INIT;
	struct pep_inputs in, in2;
	struct strbuf text = STRBUF_INIT;
	const struct pep_input_req **v, **v2;
	char hex[65];
	size_t i, n, n2, lines = 1;
	bool simple = true;
	int r;

	for (i = 0; i < size; i++)
		if (data[i] == '\n' || data[i] == '\r')
			lines++;
	r = pep_reqfile_parse(&rf, (const char *)data, size, fixed_env, NULL,
			      &err);
	if (r < 0) {
		if (err.code == 0 || err.line < 1 || (size_t)err.line > lines ||
		    err.column < 1)
			__builtin_trap();
		pep_reqfile_release(&rf);
		return 0;
	}
	for (i = 0; i < rf.nr; i++) {
		const struct pep_reqfile_entry *e = &rf.items[i];

		if (e->line < 1 || (size_t)e->line > lines || e->column < 1 ||
		    (size_t)e->column > size)
			__builtin_trap();
		if (e->kind == PEP_REQFILE_REQUIREMENT && !e->req.name)
			__builtin_trap();
	}
	for (i = 0; i < rf.nwarnings; i++)
		if (rf.warnings[i].line < 1 || !rf.warnings[i].msg)
			__builtin_trap();

	pep_inputs_init(&in);
	pep_inputs_add_reqfile(&in, &rf, "fuzz.in", false);
	pep_inputs_hash(&in, hex);
	pep_inputs_format_text(&in, &text);
	if (strlen(hex) != 64 || !text.len)
		__builtin_trap();

	/* canonical requirements, one per line, parse to themselves */
	n = pep_input_list_sorted(&in.requirements, &v);
	strbuf_reset(&text);
	for (i = 0; i < n; i++) {
		/* packaging accepts "foo_", whose canonical "foo-" it refuses */
		if (!reparsable(v[i]->text) ||
		    !pep_name_is_valid(v[i]->req.name, strlen(v[i]->req.name)))
			simple = false;
		strbuf_addstr(&text, v[i]->text);
		strbuf_addch(&text, '\n');
	}
	if (simple) {
		r = pep_reqfile_parse(&rf2, text.buf, text.len, NULL, NULL,
				      &err);
		if (r < 0)
			__builtin_trap();
		pep_inputs_init(&in2);
		pep_inputs_add_reqfile(&in2, &rf2, "again.in", false);
		n2 = pep_input_list_sorted(&in2.requirements, &v2);
		if (n2 != n)
			__builtin_trap();
		for (i = 0; i < n; i++)
			if (strcmp(v[i]->text, v2[i]->text))
				__builtin_trap();
		free(v2);
		pep_inputs_release(&in2);
		pep_reqfile_release(&rf2);
	}
	free(v);
	pep_inputs_release(&in);
	pep_reqfile_release(&rf);
	strbuf_release(&text);
	return 0;
}
