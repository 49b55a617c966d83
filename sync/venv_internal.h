/*
 * venv_internal.h - the pyvenv.cfg reader of sync/venv.c (for the tests
 * and the fuzz target) and the activation scripts of sync/venv_scripts.c.
 */
#ifndef CVL_SYNC_VENV_INTERNAL_H
#define CVL_SYNC_VENV_INTERNAL_H

#include "sync/sync.h"
#include "sync/internal.h"

/*
 * Read a pyvenv.cfg of `len` bytes as site.py does: "key = value" lines,
 * keys case-insensitive and trimmed, the last of a key wins, other lines
 * and keys ignored.  Sets v->home ("home") and v->version ("version" as
 * venv writes it, else "version_info" as uv and virtualenv write it;
 * 0.0.0 when neither is a version); v->home stays NULL without "home".
 * A NUL byte is -CVL_EINVAL, naming `path` and the line.
 */
int sync_venv_parse_cfg(struct sync_venv *v, const char *path,
			const char *text, size_t len,
			struct cvl_error *err) WARN_UNUSED_RESULT;

/*
 * The activation script number `i` (0, 1, ...) for the environment at
 * `venv`, with the prompt prefix `prompt` ("(NAME) ") and the scripts
 * directory `bin` ("bin"), appended to `out`; returns its file name, or
 * NULL (nothing appended) past the last one.  sync/venv_scripts.c.
 */
const char *sync_venv_script(size_t i, const char *venv, const char *prompt,
			     const char *bin, struct strbuf *out);

#endif
