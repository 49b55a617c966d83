/*
 * interp.c - probing a Python interpreter: run it once with an embedded
 * stdlib-only script, parse what it prints, cache the answer by path,
 * mtime and size, and derive its marker environment and wheel tags.
 *
 * The script reports facts (markers exactly as packaging's
 * default_environment() computes them, the glibc or musl version, the
 * ABI flags, sysconfig paths); the interpretation of those facts into
 * tags happens here, with pep/tags.c, so that a probed interpreter and a
 * target described on the command line get their tags from one place.
 *
 * The interpreter runs with -I (no PYTHON* variables, no user site, no
 * current directory on sys.path) and -S (no site module, so a broken
 * .pth file cannot interfere), without a shell, in its own process group
 * (a timeout kills the group), stdin from /dev/null, stdout and stderr
 * through pipes with size caps.
 */
#include "config.h"
#include "sync/sync.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

extern char **environ;

#define PROBE_HINT "use --python PATH, or --python-version and --platform to resolve without an interpreter"
#define PROBE_TIMEOUT_MS 10000
#define PROBE_STDOUT_MAX (1024 * 1024)
#define PROBE_STDERR_MAX (64 * 1024)
#define CACHE_SUBDIR "interpreters-v1"

/*
 * Python 3.6+ (3.8+ is what cvlock supports) and the standard library
 * only; Python 2 does not know -I and fails with its usage message.
 * Changing the script changes the cache key (the script is hashed into
 * it), so old entries are not used.
 */
const char sync_interp_script[] =
	"import json, os, platform, sys, sysconfig\n"
	"\n"
	"\n"
	"def var(name):\n"
	"    try:\n"
	"        return sysconfig.get_config_var(name)\n"
	"    except Exception:\n"
	"        return None\n"
	"\n"
	"\n"
	"def full_version(info):\n"
	"    s = '%d.%d.%d' % (info.major, info.minor, info.micro)\n"
	"    if info.releaselevel != 'final':\n"
	"        s += info.releaselevel[0] + str(info.serial)\n"
	"    return s\n"
	"\n"
	"\n"
	"def libc():\n"
	"    if not sys.platform.startswith('linux'):\n"
	"        return None\n"
	"    try:\n"
	"        s = os.confstr('CS_GNU_LIBC_VERSION')\n"
	"    except (AttributeError, OSError, ValueError):\n"
	"        s = None\n"
	"    if s and s.startswith('glibc '):\n"
	"        return ['glibc', s.split()[-1]]\n"
	"    import glob, re, subprocess\n"
	"    for ld in sorted(glob.glob('/lib/ld-musl-*.so.1')):\n"
	"        try:\n"
	"            r = subprocess.run([ld], stdout=subprocess.DEVNULL,\n"
	"                               stderr=subprocess.PIPE, timeout=5)\n"
	"        except Exception:\n"
	"            continue\n"
	"        m = re.search(r'Version ([0-9]+\\.[0-9]+)', r.stderr.decode('latin-1'))\n"
	"        if m:\n"
	"            return ['musl', m.group(1)]\n"
	"    return None\n"
	"\n"
	"\n"
	"def paths(scheme=None, vars=None):\n"
	"    if scheme:\n"
	"        p = sysconfig.get_paths(scheme, vars=vars)\n"
	"    else:\n"
	"        p = sysconfig.get_paths()\n"
	"    return {k: p.get(k) for k in\n"
	"            ('purelib', 'platlib', 'scripts', 'data', 'include')}\n"
	"\n"
	"\n"
	"def main():\n"
	"    if 'venv' in sysconfig.get_scheme_names():\n"
	"        venv = 'venv'\n"
	"    elif os.name == 'nt':\n"
	"        venv = 'nt'\n"
	"    else:\n"
	"        venv = 'posix_prefix'\n"
	"    try:\n"
	"        import importlib.machinery\n"
	"        suffixes = importlib.machinery.EXTENSION_SUFFIXES\n"
	"    except Exception:\n"
	"        suffixes = []\n"
	"    vi = sys.version_info\n"
	"    d = {\n"
	"        'cvlock_probe': 1,\n"
	"        'markers': {\n"
	"            'implementation_name': sys.implementation.name,\n"
	"            'implementation_version': full_version(sys.implementation.version),\n"
	"            'os_name': os.name,\n"
	"            'platform_machine': platform.machine(),\n"
	"            'platform_release': platform.release(),\n"
	"            'platform_system': platform.system(),\n"
	"            'platform_version': platform.version(),\n"
	"            'python_full_version': platform.python_version(),\n"
	"            'platform_python_implementation': platform.python_implementation(),\n"
	"            'python_version': '.'.join(platform.python_version_tuple()[:2]),\n"
	"            'sys_platform': sys.platform,\n"
	"        },\n"
	"        'version_info': [vi[0], vi[1], vi[2]],\n"
	"        'implementation': sys.implementation.name,\n"
	"        'sysconfig_platform': sysconfig.get_platform(),\n"
	"        'is_32bit': sys.maxsize <= 2 ** 32,\n"
	"        'libc': libc(),\n"
	"        'mac_version': platform.mac_ver()[0] if sys.platform == 'darwin' else '',\n"
	"        'abiflags': getattr(sys, 'abiflags', ''),\n"
	"        'py_debug': var('Py_DEBUG'),\n"
	"        'with_pymalloc': var('WITH_PYMALLOC'),\n"
	"        'has_refcount': hasattr(sys, 'gettotalrefcount'),\n"
	"        'has_debug_ext': '_d.pyd' in suffixes,\n"
	"        'gil_disabled': bool(var('Py_GIL_DISABLED')),\n"
	"        'soabi': var('SOABI'),\n"
	"        'ext_suffix': var('EXT_SUFFIX'),\n"
	"        'py_version_nodot': var('py_version_nodot'),\n"
	"        'prefix': sys.prefix,\n"
	"        'base_prefix': getattr(sys, 'base_prefix', sys.prefix),\n"
	"        'executable': sys.executable,\n"
	"        'paths': paths(),\n"
	"        'venv_paths': paths(venv, {'base': '{base}', 'platbase': '{platbase}'}),\n"
	"    }\n"
	"    sys.stdout.write(json.dumps(d, sort_keys=True) + '\\n')\n"
	"    sys.stdout.flush()\n"
	"\n"
	"\n"
	"main()\n"
	;

static const char *const path_names[SYNC_NPATHS] = {
	"purelib", "platlib", "scripts", "data", "include",
};

const char *sync_path_name(enum sync_path p)
{
	if ((unsigned)p >= SYNC_NPATHS)
		BUG("sync_path_name: %d", (int)p);
	return path_names[p];
}

void sync_interp_init(struct sync_interp *in)
{
	memset(in, 0, sizeof(*in));
	in->py_debug = -1;
	in->with_pymalloc = -1;
}

void sync_interp_release(struct sync_interp *in)
{
	size_t i;

	free(in->path);
	free(in->executable);
	free(in->prefix);
	free(in->base_prefix);
	free(in->implementation);
	for (i = 0; i < PEP_ENV_NSTRVARS; i++)
		free(in->markers[i]);
	free(in->sysconfig_platform);
	free(in->libc);
	free(in->abiflags);
	free(in->soabi);
	free(in->ext_suffix);
	free(in->py_version_nodot);
	for (i = 0; i < SYNC_NPATHS; i++) {
		free(in->paths[i]);
		free(in->venv_paths[i]);
	}
	sync_interp_init(in);
}

/* ---- parsing the probe's JSON ------------------------------------------ */

struct parse_ctx {
	const char *path;
	struct cvl_error *err;
};

static int bad_output(struct parse_ctx *pc, const char *what)
{
	return cvl_error_set(pc->err, CVL_EIO,
			     "unexpected output from python interpreter '%s': %s",
			     pc->path, what);
}

/*
 * A string member: required ones must be present strings; optional ones
 * may also be absent or null (*out stays NULL).
 */
static int get_str(struct parse_ctx *pc, json_t *obj, const char *key,
		   bool required, char **out)
{
	json_t *v = json_object_get(obj, key);
	struct strbuf msg = STRBUF_INIT;
	int r;

	if (json_is_string(v)) {
		const char *s = json_string_value(v);
		size_t n = json_string_length(v);

		if (memchr(s, '\0', n)) {
			strbuf_addf(&msg, "NUL byte in '%s'", key);
			goto fail;
		}
		*out = xmemdup0(s, n);
		return 0;
	}
	if (!required && (!v || json_is_null(v)))
		return 0;
	strbuf_addf(&msg, "expected a string for '%s'", key);
fail:
	r = bad_output(pc, msg.buf);
	strbuf_release(&msg);
	return r;
}

static int get_bool(struct parse_ctx *pc, json_t *obj, const char *key,
		    bool *out)
{
	json_t *v = json_object_get(obj, key);
	struct strbuf msg = STRBUF_INIT;
	int r;

	if (json_is_boolean(v)) {
		*out = json_is_true(v);
		return 0;
	}
	strbuf_addf(&msg, "expected true or false for '%s'", key);
	r = bad_output(pc, msg.buf);
	strbuf_release(&msg);
	return r;
}

/* "2.36" or "14.5" (further parts ignored); false when not of that form. */
static bool parse_major_minor(const char *s, int out[2])
{
	long v[2];
	size_t i;

	for (i = 0; i < 2; i++) {
		char *end;

		if (*s < '0' || *s > '9')
			return false;
		errno = 0;
		v[i] = strtol(s, &end, 10);
		if (errno || v[i] > 9999)
			return false;
		s = end;
		if (i == 0) {
			if (*s != '.')
				return false;
			s++;
		}
	}
	if (*s && *s != '.')
		return false;
	out[0] = (int)v[0];
	out[1] = (int)v[1];
	return true;
}

/* A sysconfig flag: 1, 0, or -1 when absent or None. */
static int config_flag(json_t *v)
{
	if (json_is_boolean(v))
		return json_is_true(v);
	if (json_is_integer(v))
		return json_integer_value(v) != 0;
	return -1;
}

static int parse_paths(struct parse_ctx *pc, json_t *root, const char *key,
		       char **out)
{
	json_t *obj = json_object_get(root, key);
	struct strbuf msg = STRBUF_INIT;
	size_t i;
	int r;

	if (!json_is_object(obj)) {
		strbuf_addf(&msg, "expected an object for '%s'", key);
		r = bad_output(pc, msg.buf);
		strbuf_release(&msg);
		return r;
	}
	for (i = 0; i < SYNC_NPATHS; i++) {
		r = get_str(pc, obj, path_names[i], false, &out[i]);
		if (r)
			return r;
	}
	return 0;
}

static int parse_json(struct sync_interp *in, json_t *root,
		      struct parse_ctx *pc)
{
	json_t *markers, *vi, *libc;
	char *mac = NULL, *libc_version = NULL;
	size_t i;
	int r;

	if (!json_is_object(root))
		return bad_output(pc, "expected a JSON object");
	if (json_integer_value(json_object_get(root, "cvlock_probe")) != 1)
		return bad_output(pc, "expected 'cvlock_probe': 1");

	markers = json_object_get(root, "markers");
	if (!json_is_object(markers))
		return bad_output(pc, "expected an object for 'markers'");
	for (i = 0; i < PEP_ENV_NSTRVARS; i++) {
		if (i == PEP_ENV_EXTRA)
			continue;
		r = get_str(pc, markers, pep_env_var_name(i), true,
			    &in->markers[i]);
		if (r)
			return r;
	}

	vi = json_object_get(root, "version_info");
	if (!json_is_array(vi) || json_array_size(vi) < 3)
		return bad_output(pc, "expected [major, minor, micro] for 'version_info'");
	for (i = 0; i < 3; i++) {
		json_t *n = json_array_get(vi, i);

		if (!json_is_integer(n) || json_integer_value(n) < 0 ||
		    json_integer_value(n) > 9999)
			return bad_output(pc, "expected [major, minor, micro] for 'version_info'");
		in->version[i] = (int)json_integer_value(n);
	}

	{
		const struct {
			const char *key;
			bool required;
			char **out;
		} strs[] = {
			{ "implementation", true, &in->implementation },
			{ "sysconfig_platform", true, &in->sysconfig_platform },
			{ "abiflags", false, &in->abiflags },
			{ "soabi", false, &in->soabi },
			{ "ext_suffix", false, &in->ext_suffix },
			{ "py_version_nodot", false, &in->py_version_nodot },
			{ "prefix", true, &in->prefix },
			{ "base_prefix", true, &in->base_prefix },
			{ "executable", false, &in->executable },
		};
		const struct {
			const char *key;
			bool *out;
		} bools[] = {
			{ "is_32bit", &in->is_32bit },
			{ "has_refcount", &in->has_refcount },
			{ "has_debug_ext", &in->has_debug_ext },
			{ "gil_disabled", &in->gil_disabled },
		};

		for (i = 0; i < ARRAY_SIZE(strs); i++) {
			r = get_str(pc, root, strs[i].key, strs[i].required,
				    strs[i].out);
			if (r)
				return r;
		}
		for (i = 0; i < ARRAY_SIZE(bools); i++) {
			r = get_bool(pc, root, bools[i].key, bools[i].out);
			if (r)
				return r;
		}
	}
	r = parse_paths(pc, root, "paths", in->paths);
	if (r)
		return r;
	r = parse_paths(pc, root, "venv_paths", in->venv_paths);
	if (r)
		return r;
	if (!in->abiflags)
		in->abiflags = xstrdup("");
	if (!in->executable)
		in->executable = xstrdup("");

	/* sysconfig's Py_DEBUG is 0/1 on POSIX and None on Windows. */
	in->py_debug = config_flag(json_object_get(root, "py_debug"));
	in->with_pymalloc = config_flag(json_object_get(root, "with_pymalloc"));

	libc = json_object_get(root, "libc");
	if (json_is_array(libc) && json_array_size(libc) == 2 &&
	    json_is_string(json_array_get(libc, 0)) &&
	    json_is_string(json_array_get(libc, 1))) {
		const char *name = json_string_value(json_array_get(libc, 0));

		libc_version = (char *)json_string_value(json_array_get(libc, 1));
		/* A version we cannot read means no manylinux tags, as packaging. */
		if ((!strcmp(name, "glibc") || !strcmp(name, "musl")) &&
		    parse_major_minor(libc_version, in->libc_version))
			in->libc = xstrdup(name);
	} else if (libc && !json_is_null(libc)) {
		return bad_output(pc, "expected [name, version] or null for 'libc'");
	}

	r = get_str(pc, root, "mac_version", false, &mac);
	if (r)
		return r;
	if (mac && *mac && !parse_major_minor(mac, in->mac_version)) {
		/* platform.mac_ver() may answer "14" alone */
		char *end;
		long major = strtol(mac, &end, 10);

		if (end != mac && !*end && major > 0 && major < 100)
			in->mac_version[0] = (int)major;
	}
	free(mac);
	return 0;
}

static int parse_root(struct sync_interp *in, const char *path, json_t *root,
		      struct cvl_error *err)
{
	struct parse_ctx pc = { path, err };
	int r;

	sync_interp_release(in);
	r = parse_json(in, root, &pc);
	if (r) {
		sync_interp_release(in);
		return r;
	}
	in->path = xstrdup(path);
	return 0;
}

/* The start of some output, for a message: one line, at most 60 bytes. */
static void quote_excerpt(struct strbuf *sb, const char *text, size_t len)
{
	size_t i, n = 0;

	strbuf_addch(sb, '\'');
	for (i = 0; i < len && n < 60; i++, n++) {
		unsigned char c = (unsigned char)text[i];

		if (c == '\n' || c == '\r')
			break;
		if (c < 0x20 || c == 0x7f || c == '\'')
			strbuf_addf(sb, "\\x%02x", c);
		else
			strbuf_addch(sb, c);
	}
	strbuf_addch(sb, '\'');
	if (i < len && text[i] != '\n' && text[i] != '\r')
		strbuf_addstr(sb, "...");
}

int sync_interp_parse(struct sync_interp *in, const char *path,
		      const char *text, size_t len, struct cvl_error *err)
{
	json_error_t jerr;
	json_t *root;
	int r;

	root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr);
	if (!root) {
		struct strbuf msg = STRBUF_INIT;
		size_t start = 0;

		/* Skip leading blank lines so the excerpt shows something. */
		while (start < len && (text[start] == '\n' || text[start] == '\r'))
			start++;
		if (start == len) {
			strbuf_addstr(&msg, "expected JSON, got nothing");
		} else {
			strbuf_addstr(&msg, "expected JSON, got ");
			quote_excerpt(&msg, text + start, len - start);
		}
		sync_interp_release(in);
		r = cvl_error_set(err, CVL_EIO,
				  "unexpected output from python interpreter '%s': %s",
				  path, msg.buf);
		strbuf_release(&msg);
		return r;
	}
	r = parse_root(in, path, root, err);
	json_decref(root);
	return r;
}

/* ---- environment and tags ---------------------------------------------- */

void sync_interp_env(const struct sync_interp *in, struct pep_env *env)
{
	size_t i;

	memset(env, 0, sizeof(*env));
	for (i = 0; i < PEP_ENV_NSTRVARS; i++)
		env->var[i] = in->markers[i];
	env->var[PEP_ENV_EXTRA] = "";
}

bool sync_interp_venv_path(const struct sync_interp *in, enum sync_path p,
			   const char *venv_dir, struct strbuf *out)
{
	static const char *const vars[] = { "{base}", "{platbase}" };
	const char *s;
	size_t i;

	if ((unsigned)p >= SYNC_NPATHS)
		BUG("sync_interp_venv_path: %d", (int)p);
	s = in->venv_paths[p];
	if (!s)
		return false;
	while (*s) {
		for (i = 0; i < ARRAY_SIZE(vars); i++) {
			size_t n = strlen(vars[i]);

			if (!strncmp(s, vars[i], n)) {
				strbuf_addstr(out, venv_dir);
				s += n;
				break;
			}
		}
		if (i == ARRAY_SIZE(vars)) {
			strbuf_addch(out, *s);
			s++;
		}
	}
	return true;
}

/* packaging's _normalize_string: '.', '-' and ' ' become '_'. */
static void normalize_platform(const char *s, struct strbuf *out)
{
	for (; *s; s++)
		strbuf_addch(out, (*s == '.' || *s == '-' || *s == ' ') ? '_' : *s);
}

/* Platforms from a target's platform tag; false when pep/ refuses it. */
static bool target_platforms(const struct sync_interp *in, const char *plat,
			     struct strvec *out)
{
	struct pep_target t;
	struct cvl_error ignored = CVL_ERROR_INIT;

	if (strlen(plat) >= sizeof(t.platform))
		return false;
	memset(&t, 0, sizeof(t));
	memcpy(t.implementation, "cp", 3);
	t.python[0] = 3;
	t.python[1] = in->version[1] < 100 ? in->version[1] : 0;
	memcpy(t.platform, plat, strlen(plat) + 1);
	return pep_target_platforms(&t, out, &ignored) == 0;
}

int sync_interp_platforms(const struct sync_interp *in, struct strvec *out,
			  struct cvl_error *err)
{
	struct strbuf base = STRBUF_INIT, plat = STRBUF_INIT;
	const char *sysplat = in->markers[PEP_ENV_SYS_PLATFORM];
	bool done = false;

	if (!in->sysconfig_platform || !sysplat)
		return cvl_error_set(err, CVL_EINVAL,
				     "no platform known for python interpreter '%s'",
				     in->path ? in->path : "");
	normalize_platform(in->sysconfig_platform, &base);

	if (!strncmp(base.buf, "linux_", 6)) {
		const char *arch;

		/* packaging: a 32-bit interpreter on a 64-bit kernel */
		if (in->is_32bit && !strcmp(base.buf, "linux_x86_64")) {
			strbuf_reset(&base);
			strbuf_addstr(&base, "linux_i686");
		} else if (in->is_32bit && !strcmp(base.buf, "linux_aarch64")) {
			strbuf_reset(&base);
			strbuf_addstr(&base, "linux_armv8l");
		}
		arch = base.buf + 6;
		if (in->libc && !strcmp(in->libc, "glibc") &&
		    in->libc_version[0] == 2)
			strbuf_addf(&plat, "manylinux_2_%d_%s",
				    in->libc_version[1], arch);
		else if (in->libc && !strcmp(in->libc, "musl") &&
			 in->libc_version[0] == 1)
			strbuf_addf(&plat, "musllinux_1_%d_%s",
				    in->libc_version[1], arch);
		if (plat.len)
			done = target_platforms(in, plat.buf, out);
	} else if (!strcmp(sysplat, "darwin") && in->mac_version[0] >= 10) {
		const char *machine = in->markers[PEP_ENV_PLATFORM_MACHINE];
		/* packaging's _mac_arch: the hardware name, for 64-bit builds */
		const char *arch = !strcmp(machine, "arm64") ? "arm64" : "x86_64";

		strbuf_addf(&plat, "macosx_%d_%d_%s", in->mac_version[0],
			    in->mac_version[1], arch);
		done = target_platforms(in, plat.buf, out);
	}
	if (!done)
		strvec_push(out, base.buf);
	strbuf_release(&base);
	strbuf_release(&plat);
	return 0;
}

/* packaging.tags.interpreter_name(): the short name of an implementation. */
static const char *interpreter_name(const char *impl)
{
	static const struct {
		const char *name, *abbr;
	} names[] = {
		{ "python", "py" }, { "cpython", "cp" }, { "pypy", "pp" },
		{ "ironpython", "ip" }, { "jython", "jy" },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(names); i++)
		if (!strcmp(impl, names[i].name))
			return names[i].abbr;
	return impl;
}

/* packaging's interpreter_version(): py_version_nodot, else "XY". */
static void interpreter_version(const struct sync_interp *in, struct strbuf *out)
{
	if (in->py_version_nodot && *in->py_version_nodot)
		strbuf_addstr(out, in->py_version_nodot);
	else
		strbuf_addf(out, "%d%d", in->version[0], in->version[1]);
}

/* packaging's _cpython_abis for Python 3.3 and later. */
static void cpython_abis(const struct sync_interp *in, struct strvec *abis)
{
	bool debug, threading, old;
	const char *t;

	debug = in->py_debug == 1 ||
		(in->py_debug < 0 && (in->has_refcount || in->has_debug_ext));
	threading = (in->version[0] > 3 ||
		     (in->version[0] == 3 && in->version[1] >= 13)) &&
		    in->gil_disabled;
	old = in->version[0] == 3 && in->version[1] < 8;
	t = threading ? "t" : "";
	/* Before 3.8, pymalloc builds (the default) had their own ABI. */
	strvec_pushf(abis, "cp%d%d%s%s%s", in->version[0], in->version[1], t,
		     debug ? "d" : "", old && in->with_pymalloc != 0 ? "m" : "");
	/* Debug builds (3.8+) can also load normal extension modules. */
	if (debug && !old)
		strvec_pushf(abis, "cp%d%d%s", in->version[0], in->version[1], t);
}

static void lower_ascii(char *s)
{
	for (; *s; s++)
		if (*s >= 'A' && *s <= 'Z')
			*s = (char)(*s - 'A' + 'a');
}

/* The first `n` dash-separated fields of `s`. */
static void dash_fields(const char *s, int n, struct strbuf *out)
{
	const char *p = s;

	while (*p) {
		if (*p == '-' && --n == 0)
			break;
		p++;
	}
	strbuf_add(out, s, (size_t)(p - s));
}

/*
 * packaging's _generic_abi(): the ABI from EXT_SUFFIX
 * (".pypy310-pp73-x86_64-linux-gnu.so" gives "pypy310_pp73").
 */
static void generic_abis(const struct sync_interp *in, struct strvec *abis)
{
	const char *suf = in->ext_suffix, *soabi, *end;
	struct strbuf abi = STRBUF_INIT, tmp = STRBUF_INIT;

	if (!suf || suf[0] != '.' || !strchr(suf + 1, '.')) {
		/* fewer than three parts: the CPython ABIs */
		cpython_abis(in, abis);
		return;
	}
	soabi = suf + 1;
	end = strchr(soabi, '.');
	strbuf_add(&tmp, soabi, (size_t)(end - soabi));
	if (!strncmp(tmp.buf, "cpython", 7)) {
		const char *dash = strchr(tmp.buf, '-');

		strbuf_addstr(&abi, "cp");
		if (dash)
			dash_fields(dash + 1, 1, &abi);
	} else if (!strncmp(tmp.buf, "cp", 2)) {
		dash_fields(tmp.buf, 1, &abi);
	} else if (!strncmp(tmp.buf, "pypy", 4)) {
		dash_fields(tmp.buf, 2, &abi);
	} else if (!strncmp(tmp.buf, "graalpy", 7)) {
		dash_fields(tmp.buf, 3, &abi);
	} else {
		strbuf_addstr(&abi, tmp.buf);
	}
	if (abi.len) {
		char *a = strbuf_detach(&abi, NULL);
		struct strbuf norm = STRBUF_INIT;

		normalize_platform(a, &norm);
		lower_ascii(norm.buf);
		strvec_push(abis, norm.buf);
		strbuf_release(&norm);
		free(a);
	}
	strbuf_release(&abi);
	strbuf_release(&tmp);
}

int sync_interp_tags(const struct sync_interp *in, struct strvec *out,
		     struct cvl_error *err)
{
	struct strvec plats = STRVEC_INIT, abis = STRVEC_INIT;
	struct strbuf interp = STRBUF_INIT;
	const char *name;
	int ver[2];
	int r;

	if (!in->implementation)
		return cvl_error_set(err, CVL_EINVAL,
				     "no implementation known for python interpreter '%s'",
				     in->path ? in->path : "");
	r = sync_interp_platforms(in, &plats, err);
	if (r)
		return r;
	ver[0] = in->version[0];
	ver[1] = in->version[1];
	name = interpreter_name(in->implementation);
	if (!strcmp(name, "cp")) {
		cpython_abis(in, &abis);
		pep_tags_cpython(ver, 2, (const char *const *)abis.v, abis.nr,
				 (const char *const *)plats.v, plats.nr, out);
		strbuf_addstr(&interp, "cp");
		interpreter_version(in, &interp);
	} else {
		struct strbuf gen = STRBUF_INIT;

		generic_abis(in, &abis);
		strbuf_addf(&gen, "%s", name);
		interpreter_version(in, &gen);
		pep_tags_generic(gen.buf, (const char *const *)abis.v, abis.nr,
				 (const char *const *)plats.v, plats.nr, out);
		strbuf_release(&gen);
		/* sys_tags: "pp3" for PyPy, no interpreter-none-any otherwise */
		if (!strcmp(name, "pp"))
			strbuf_addstr(&interp, "pp3");
	}
	pep_tags_compatible(ver, 2, interp.len ? interp.buf : NULL,
			    (const char *const *)plats.v, plats.nr, out);
	strvec_clear(&plats);
	strvec_clear(&abis);
	strbuf_release(&interp);
	return 0;
}

/* ---- finding and running the interpreter -------------------------------- */

static int cannot_run(struct cvl_error *err, int code, const char *python,
		      const char *why)
{
	int r = cvl_error_set(err, code, "cannot run python interpreter '%s': %s",
			      python, why);

	cvl_error_hint(err, "%s", PROBE_HINT);
	return r;
}

/* An executable regular file. */
static bool is_executable(const char *path)
{
	struct stat st;

	return !stat(path, &st) && S_ISREG(st.st_mode) && !access(path, X_OK);
}

/*
 * A "#!" script (a pyenv shim, a wrapper) may run a different
 * interpreter each time (pyenv picks one per directory and from
 * PYENV_VERSION), so its own mtime and size say nothing about the answer:
 * such interpreters are probed every time, never cached.
 */
static bool is_wrapper_script(const char *path)
{
	char head[2];
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return false;
	n = read(fd, head, sizeof(head));
	close(fd);
	return n == 2 && head[0] == '#' && head[1] == '!';
}

static bool is_directory(const char *path)
{
	struct stat st;

	return !stat(path, &st) && S_ISDIR(st.st_mode);
}

/* `python` itself when it has a '/', else its first match on PATH. */
static int find_python(const char *python, struct strbuf *out,
		       struct cvl_error *err)
{
	const char *path, *p;

	if (strchr(python, '/')) {
		strbuf_addstr(out, python);
		return 0;
	}
	path = getenv("PATH");
	if (!path)
		path = "/usr/local/bin:/usr/bin:/bin";
	for (p = path;; p++) {
		const char *colon = strchr(p, ':');
		size_t n = colon ? (size_t)(colon - p) : strlen(p);

		strbuf_reset(out);
		if (n)
			strbuf_add(out, p, n);
		else
			strbuf_addch(out, '.'); /* an empty entry is the cwd */
		strbuf_addch(out, '/');
		strbuf_addstr(out, python);
		if (is_executable(out->buf))
			return 0;
		if (!colon)
			break;
		p = colon;
	}
	strbuf_reset(out);
	return cannot_run(err, CVL_ENOTFOUND, python, "not found on PATH");
}

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Append what is readable on `fd` to `sb` (beyond `cap`: read and drop). */
static bool drain(int fd, struct strbuf *sb, size_t cap, bool *overflow)
{
	char buf[8192];
	ssize_t n;

	n = read(fd, buf, sizeof(buf));
	if (n < 0)
		return errno == EINTR || errno == EAGAIN;
	if (n == 0)
		return false;
	if (sb->len + (size_t)n > cap) {
		*overflow = true;
		if (sb->len < cap)
			strbuf_add(sb, buf, cap - sb->len);
	} else {
		strbuf_add(sb, buf, (size_t)n);
	}
	return true;
}

/*
 * The line of stderr that says why: a traceback's last line, else the
 * first non-empty line (a usage error: "Unknown option: -I").
 */
static void why_line(const struct strbuf *sb, struct strbuf *out)
{
	size_t end = sb->len, start;

	if (!strstr(sb->buf, "Traceback")) {
		start = 0;
		while (start < sb->len && (sb->buf[start] == '\n' ||
					   sb->buf[start] == '\r'))
			start++;
		end = start;
		while (end < sb->len && sb->buf[end] != '\n')
			end++;
	}
	while (end && (sb->buf[end - 1] == '\n' || sb->buf[end - 1] == '\r' ||
		       sb->buf[end - 1] == ' '))
		end--;
	start = end;
	while (start && sb->buf[start - 1] != '\n')
		start--;
	if (end - start > 200)
		end = start + 200;
	for (; start < end; start++) {
		unsigned char c = (unsigned char)sb->buf[start];

		strbuf_addch(out, (c < 0x20 || c == 0x7f) ? '?' : c);
	}
}

/*
 * Run `python -I -S -c SCRIPT` and collect its stdout.  The child gets its
 * own process group so that a timeout can kill whatever it started.
 */
static int run_probe(const char *exe, const char *python, int timeout_ms,
		     struct strbuf *out, struct cvl_error *err)
{
	char *argv[] = { (char *)exe, (char *)"-I", (char *)"-S",
			 (char *)"-c", (char *)sync_interp_script, NULL };
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t attr;
	int outp[2] = { -1, -1 }, errp[2] = { -1, -1 };
	struct strbuf errbuf = STRBUF_INIT;
	bool out_open = true, err_open = true, out_over = false, err_over = false;
	bool killed = false;
	int64_t deadline;
	pid_t pid;
	int r, status, ret = 0;

	if (pipe(outp) || pipe(errp)) {
		ret = cannot_run(err, CVL_EIO, python, strerror(errno));
		goto close_pipes;
	}
	fcntl(outp[0], F_SETFD, FD_CLOEXEC);
	fcntl(errp[0], F_SETFD, FD_CLOEXEC);
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_adddup2(&fa, outp[1], 1);
	posix_spawn_file_actions_adddup2(&fa, errp[1], 2);
	posix_spawn_file_actions_addclose(&fa, outp[1]);
	posix_spawn_file_actions_addclose(&fa, errp[1]);
	posix_spawnattr_init(&attr);
	posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP);
	posix_spawnattr_setpgroup(&attr, 0);
	r = posix_spawn(&pid, exe, &fa, &attr, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&attr);
	close(outp[1]);
	close(errp[1]);
	outp[1] = errp[1] = -1;
	if (r) {
		ret = cannot_run(err, r == ENOENT ? CVL_ENOTFOUND : CVL_EIO,
				 python, strerror(r));
		goto close_pipes;
	}

	deadline = now_ms() + timeout_ms;
	while (out_open || err_open) {
		struct pollfd pfd[2];
		int64_t left = deadline - now_ms();
		nfds_t n = 0;

		if (left <= 0) {
			killed = true;
			break;
		}
		if (out_open) {
			pfd[n].fd = outp[0];
			pfd[n].events = POLLIN;
			n++;
		}
		if (err_open) {
			pfd[n].fd = errp[0];
			pfd[n].events = POLLIN;
			n++;
		}
		r = poll(pfd, n, (int)left);
		if (r < 0 && errno != EINTR) {
			killed = true;
			break;
		}
		if (r <= 0)
			continue;
		for (nfds_t i = 0; i < n; i++) {
			if (!pfd[i].revents)
				continue;
			if (pfd[i].fd == outp[0])
				out_open = drain(outp[0], out, PROBE_STDOUT_MAX,
						 &out_over);
			else
				err_open = drain(errp[0], &errbuf,
						 PROBE_STDERR_MAX, &err_over);
		}
	}
	/* Output closed is not exit: wait, within the same deadline. */
	while (!killed) {
		pid_t w = waitpid(pid, &status, WNOHANG);

		if (w == pid)
			break;
		if (w < 0 && errno != EINTR) {
			status = -1;
			break;
		}
		if (now_ms() >= deadline) {
			killed = true;
			break;
		}
		usleep(5000);
	}
	if (killed) {
		kill(-pid, SIGKILL);
		while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
			continue;
	}
	if (killed) {
		ret = cvl_error_set(err, CVL_EIO,
				    "python interpreter '%s' did not answer within %d s",
				    python, (timeout_ms + 999) / 1000);
		cvl_error_hint(err, "%s", PROBE_HINT);
	} else if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
		if (out_over)
			ret = cvl_error_set(err, CVL_EIO,
					    "unexpected output from python interpreter '%s': more than %d bytes",
					    python, PROBE_STDOUT_MAX);
	} else {
		struct strbuf why = STRBUF_INIT;

		if (WIFEXITED(status))
			strbuf_addf(&why, "exit status %d", WEXITSTATUS(status));
		else if (WIFSIGNALED(status))
			strbuf_addf(&why, "signal %d", WTERMSIG(status));
		else
			strbuf_addstr(&why, "unknown status");
		if (errbuf.len) {
			strbuf_addstr(&why, ": ");
			why_line(&errbuf, &why);
		}
		ret = cvl_error_set(err, CVL_EIO,
				    "python interpreter '%s' failed (%s)",
				    python, why.buf);
		cvl_error_hint(err, "%s", PROBE_HINT);
		strbuf_release(&why);
	}
close_pipes:
	if (outp[0] >= 0)
		close(outp[0]);
	if (outp[1] >= 0)
		close(outp[1]);
	if (errp[0] >= 0)
		close(errp[0]);
	if (errp[1] >= 0)
		close(errp[1]);
	strbuf_release(&errbuf);
	return ret;
}

/* ---- the cache ----------------------------------------------------------- */

struct file_id {
	int64_t mtime_ns;
	int64_t size;
};

static bool file_id_of(const char *path, struct file_id *id)
{
	struct stat st;

	if (stat(path, &st))
		return false;
	id->mtime_ns = (int64_t)st.st_mtim.tv_sec * 1000000000 + st.st_mtim.tv_nsec;
	id->size = (int64_t)st.st_size;
	return true;
}

static void cache_path(const char *cache_dir, const char *real,
		       const struct file_id *id, struct strbuf *out)
{
	struct strbuf key = STRBUF_INIT;
	char hex[65];

	/* The script is part of the key: a new script means a new probe. */
	strbuf_addstr(&key, sync_interp_script);
	strbuf_addch(&key, '\0');
	strbuf_addstr(&key, real);
	strbuf_addf(&key, "%c%lld%c%lld", '\0', (long long)id->mtime_ns, '\0',
		    (long long)id->size);
	sha256_hex(key.buf, key.len, hex);
	strbuf_addf(out, "%s/" CACHE_SUBDIR "/%s.json", cache_dir, hex);
	strbuf_release(&key);
}

static bool json_id_matches(json_t *obj, const char *path,
			    const struct file_id *id)
{
	return json_is_object(obj) &&
	       json_is_string(json_object_get(obj, "path")) &&
	       !strcmp(json_string_value(json_object_get(obj, "path")), path) &&
	       json_integer_value(json_object_get(obj, "mtime_ns")) == id->mtime_ns &&
	       json_integer_value(json_object_get(obj, "size")) == id->size;
}

/*
 * A cache entry: {"interpreter": {path, mtime_ns, size},
 * "executable": {...} or null, "probe": {...}}.  The executable's stat
 * is checked too, so that a wrapper script (a pyenv shim, a symlink
 * farm) whose target was upgraded in place is probed again.
 */
static bool cache_read(const char *file, const char *real,
		       const struct file_id *id, struct sync_interp *in)
{
	json_t *root, *exe;
	json_error_t jerr;
	struct cvl_error ignored = CVL_ERROR_INIT;
	struct stat st;
	bool ok = false;

	/* An entry is the probe's output plus a few lines; anything larger is not ours. */
	if (stat(file, &st) || !S_ISREG(st.st_mode) ||
	    st.st_size > 2 * PROBE_STDOUT_MAX)
		return false;
	root = json_load_file(file, JSON_REJECT_DUPLICATES, &jerr);
	if (!root)
		return false;
	if (!json_id_matches(json_object_get(root, "interpreter"), real, id))
		goto out;
	exe = json_object_get(root, "executable");
	if (json_is_object(exe)) {
		struct file_id eid;
		const char *epath = json_string_value(json_object_get(exe, "path"));

		if (!epath || !file_id_of(epath, &eid) ||
		    !json_id_matches(exe, epath, &eid))
			goto out;
	}
	ok = parse_root(in, real, json_object_get(root, "probe"), &ignored) == 0;
out:
	json_decref(root);
	return ok;
}

static json_t *json_file_id(const char *path, const struct file_id *id)
{
	return json_pack("{s:s, s:I, s:I}", "path", path,
			 "mtime_ns", (json_int_t)id->mtime_ns,
			 "size", (json_int_t)id->size);
}

/* mkdir -p; false on failure. */
static bool make_dirs(const char *dir)
{
	struct strbuf sb = STRBUF_INIT;
	const char *p;
	bool ok = true;

	for (p = dir; ok; p++) {
		if (*p == '/' || !*p) {
			strbuf_reset(&sb);
			strbuf_add(&sb, dir, (size_t)(p - dir));
			if (sb.len && mkdir(sb.buf, 0777) && errno != EEXIST)
				ok = false;
		}
		if (!*p)
			break;
	}
	strbuf_release(&sb);
	return ok;
}

/* Best effort: a cache that cannot be written costs a probe next time. */
static void cache_write(const char *cache_dir, const char *file,
			const char *real, const struct file_id *id,
			const struct strbuf *probe_out)
{
	struct strbuf dir = STRBUF_INIT;
	struct cvl_error ignored = CVL_ERROR_INIT;
	json_t *root, *probe;
	json_error_t jerr;
	char *text, *exe_real = NULL;
	struct file_id eid;
	const char *exe;

	probe = json_loadb(probe_out->buf, probe_out->len, 0, &jerr);
	if (!probe)
		return;
	root = json_object();
	json_object_set_new(root, "interpreter", json_file_id(real, id));
	exe = json_string_value(json_object_get(probe, "executable"));
	if (exe && *exe)
		exe_real = realpath(exe, NULL);
	if (exe_real && file_id_of(exe_real, &eid))
		json_object_set_new(root, "executable", json_file_id(exe_real, &eid));
	else
		json_object_set_new(root, "executable", json_null());
	json_object_set_new(root, "probe", probe);
	text = json_dumps(root, JSON_INDENT(1) | JSON_SORT_KEYS);
	json_decref(root);
	free(exe_real);
	strbuf_addf(&dir, "%s/" CACHE_SUBDIR, cache_dir);
	if (text && make_dirs(dir.buf)) {
		size_t n = strlen(text);

		if (atomic_write_file(file, text, n, &ignored))
			cvl_error_clear(&ignored);
	}
	free(text);
	strbuf_release(&dir);
}

int sync_interp_probe_opts(const struct sync_probe_opts *opts,
			   struct sync_interp *in, struct cvl_error *err)
{
	const char *python = opts->python && *opts->python ? opts->python : "python3";
	struct strbuf found = STRBUF_INIT, file = STRBUF_INIT, out = STRBUF_INIT;
	struct file_id id;
	char *real = NULL;
	int r;

	sync_interp_release(in);
	r = find_python(python, &found, err);
	if (r)
		goto out;
	real = realpath(found.buf, NULL);
	if (!real || !file_id_of(real, &id)) {
		int e = errno;

		r = cannot_run(err, e == ENOENT ? CVL_ENOTFOUND : CVL_EIO,
			       python, strerror(e));
		goto out;
	}
	if (is_directory(real)) {
		r = cannot_run(err, CVL_EIO, python, strerror(EISDIR));
		goto out;
	}
	if (opts->cache_dir && *opts->cache_dir && !is_wrapper_script(real)) {
		cache_path(opts->cache_dir, real, &id, &file);
		if (cache_read(file.buf, real, &id, in)) {
			in->from_cache = true;
			goto out;
		}
	}
	r = run_probe(real, found.buf, opts->timeout_ms > 0 ?
		      opts->timeout_ms : PROBE_TIMEOUT_MS, &out, err);
	if (r)
		goto out;
	/* Messages name the interpreter as found; in->path is the real one. */
	r = sync_interp_parse(in, found.buf, out.buf, out.len, err);
	if (r)
		goto out;
	free(in->path);
	in->path = xstrdup(real);
	if (file.len)
		cache_write(opts->cache_dir, file.buf, real, &id, &out);
out:
	free(real);
	strbuf_release(&found);
	strbuf_release(&file);
	strbuf_release(&out);
	return r;
}

int sync_interp_probe(const char *python, const char *cache_dir,
		      struct sync_interp *in, struct cvl_error *err)
{
	struct sync_probe_opts opts = { python, cache_dir, 0 };

	return sync_interp_probe_opts(&opts, in, err);
}
