/* error.c - error codes and struct cvl_error */
#include "util/util.h"

#include <stdio.h>
#include <string.h>

static const struct {
	const char *text;
	int status;
} errtab[] = {
	{ "success", 0 },
#define CVL_X_TAB(name, st, text) { text, st },
	CVL_ERRORS(CVL_X_TAB)
#undef CVL_X_TAB
};

static int norm(int code)
{
	if (code < 0)
		code = -code;
	if (code >= CVL_E_COUNT)
		code = CVL_EINTERNAL;
	return code;
}

const char *cvl_errcode_text(int code)
{
	return errtab[norm(code)].text;
}

int cvl_errcode_exit_status(int code)
{
	return errtab[norm(code)].status;
}

int cvl_error_setv(struct cvl_error *err, int code, const char *fmt, va_list ap)
{
	code = norm(code);
	if (err) {
		err->code = code;
		err->line = 0;
		err->column = 0;
		err->hint[0] = '\0';
		vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	}
	return -code;
}

int cvl_error_set(struct cvl_error *err, int code, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = cvl_error_setv(err, code, fmt, ap);
	va_end(ap);
	return r;
}

void cvl_error_at(struct cvl_error *err, int line, int column)
{
	if (!err)
		return;
	err->line = line;
	err->column = column;
}

void cvl_error_hint(struct cvl_error *err, const char *fmt, ...)
{
	va_list ap;

	if (!err)
		return;
	va_start(ap, fmt);
	vsnprintf(err->hint, sizeof(err->hint), fmt, ap);
	va_end(ap);
}

void cvl_error_file(struct cvl_error *err, const char *file)
{
	if (!err)
		return;
	snprintf(err->file, sizeof(err->file), "%s", file);
}

void cvl_error_clear(struct cvl_error *err)
{
	if (err)
		memset(err, 0, sizeof(*err));
}
