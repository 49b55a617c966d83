/*
 * venv_scripts.c - the activation scripts of a virtual environment
 * (bin/activate, activate.fish, activate.csh, Activate.ps1).
 *
 * They are cvlock's own text; they behave as those of CPython's venv
 * module are documented to (https://docs.python.org/3/library/venv.html):
 * sourcing one sets VIRTUAL_ENV and VIRTUAL_ENV_PROMPT, puts the
 * environment's bin first on PATH, unsets PYTHONHOME, prefixes the prompt
 * with "(NAME) " unless VIRTUAL_ENV_DISABLE_PROMPT is set, and defines
 * `deactivate`, which undoes all of it.  Values are quoted for each shell, so a path with
 * spaces or quotes is safe; paths with control characters are refused.
 * Activate.ps1 (PowerShell, also on Linux and macOS) does the same with
 * its prompt function, as venv's does.
 */
#include "sync/venv_internal.h"

/*
 * Templates: @VENV@ is the environment's path, @PROMPT@ the prompt
 * prefix "(NAME) ", both quoted for the shell; @BIN@ the scripts
 * directory's name.
 */
static const char activate_sh[] =
	"# bin/activate - work in the virtual environment @VENV@\n"
	"# from bash, zsh or another POSIX shell.  Source it, do not run it:\n"
	"#     . bin/activate\n"
	"# `deactivate` puts PATH, PYTHONHOME and PS1 back as they were.\n"
	"# Written by cvlock, to behave as the activate script of Python's venv.\n"
	"\n"
	"deactivate () {\n"
	"    if [ \"${_OLD_VIRTUAL_PATH+set}\" = set ] ; then\n"
	"        PATH=$_OLD_VIRTUAL_PATH\n"
	"        export PATH\n"
	"        unset _OLD_VIRTUAL_PATH\n"
	"    fi\n"
	"    if [ \"${_OLD_VIRTUAL_PYTHONHOME+set}\" = set ] ; then\n"
	"        PYTHONHOME=$_OLD_VIRTUAL_PYTHONHOME\n"
	"        export PYTHONHOME\n"
	"        unset _OLD_VIRTUAL_PYTHONHOME\n"
	"    fi\n"
	"    if [ \"${_OLD_VIRTUAL_PS1+set}\" = set ] ; then\n"
	"        PS1=$_OLD_VIRTUAL_PS1\n"
	"        export PS1\n"
	"        unset _OLD_VIRTUAL_PS1\n"
	"    fi\n"
	"    unset VIRTUAL_ENV VIRTUAL_ENV_PROMPT\n"
	"    # the shell may remember where it found a command before\n"
	"    hash -r 2>/dev/null\n"
	"    if [ \"${1:-}\" != nondestructive ] ; then\n"
	"        unset -f deactivate\n"
	"    fi\n"
	"}\n"
	"\n"
	"# leave an environment that is active now\n"
	"deactivate nondestructive\n"
	"\n"
	"VIRTUAL_ENV=@VENV@\n"
	"export VIRTUAL_ENV\n"
	"\n"
	"_OLD_VIRTUAL_PATH=$PATH\n"
	"PATH=\"$VIRTUAL_ENV/@BIN@:$PATH\"\n"
	"export PATH\n"
	"\n"
	"if [ \"${PYTHONHOME+set}\" = set ] ; then\n"
	"    _OLD_VIRTUAL_PYTHONHOME=$PYTHONHOME\n"
	"    unset PYTHONHOME\n"
	"fi\n"
	"\n"
	"if [ -z \"${VIRTUAL_ENV_DISABLE_PROMPT:-}\" ] ; then\n"
	"    _OLD_VIRTUAL_PS1=${PS1:-}\n"
	"    PS1=@PROMPT@\"${PS1:-}\"\n"
	"    export PS1\n"
	"    VIRTUAL_ENV_PROMPT=@PROMPT@\n"
	"    export VIRTUAL_ENV_PROMPT\n"
	"fi\n"
	"\n"
	"hash -r 2>/dev/null\n";

static const char activate_fish[] =
	"# bin/activate.fish - work in the virtual environment @VENV@\n"
	"# from fish (https://fishshell.com).  Source it, do not run it:\n"
	"#     source bin/activate.fish\n"
	"# `deactivate` puts PATH, PYTHONHOME and the prompt back as they were.\n"
	"# Written by cvlock, to behave as the activate script of Python's venv.\n"
	"\n"
	"function deactivate -d \"Leave the virtual environment\"\n"
	"    if set -q _OLD_VIRTUAL_PATH\n"
	"        set -gx PATH $_OLD_VIRTUAL_PATH\n"
	"        set -e _OLD_VIRTUAL_PATH\n"
	"    end\n"
	"    if set -q _OLD_VIRTUAL_PYTHONHOME\n"
	"        set -gx PYTHONHOME $_OLD_VIRTUAL_PYTHONHOME\n"
	"        set -e _OLD_VIRTUAL_PYTHONHOME\n"
	"    end\n"
	"    if set -q _OLD_FISH_PROMPT_OVERRIDE\n"
	"        set -e _OLD_FISH_PROMPT_OVERRIDE\n"
	"        # a nested fish may not have the saved prompt\n"
	"        if functions -q _old_fish_prompt\n"
	"            functions -e fish_prompt\n"
	"            functions -c _old_fish_prompt fish_prompt\n"
	"            functions -e _old_fish_prompt\n"
	"        end\n"
	"    end\n"
	"    set -e VIRTUAL_ENV\n"
	"    set -e VIRTUAL_ENV_PROMPT\n"
	"    if test \"$argv[1]\" != nondestructive\n"
	"        functions -e deactivate\n"
	"    end\n"
	"end\n"
	"\n"
	"# leave an environment that is active now\n"
	"deactivate nondestructive\n"
	"\n"
	"set -gx VIRTUAL_ENV @VENV@\n"
	"\n"
	"set -gx _OLD_VIRTUAL_PATH $PATH\n"
	"set -gx PATH \"$VIRTUAL_ENV/@BIN@\" $PATH\n"
	"\n"
	"if set -q PYTHONHOME\n"
	"    set -gx _OLD_VIRTUAL_PYTHONHOME $PYTHONHOME\n"
	"    set -e PYTHONHOME\n"
	"end\n"
	"\n"
	"if test -z \"$VIRTUAL_ENV_DISABLE_PROMPT\"\n"
	"    # fish draws its prompt with a function: keep the old one and\n"
	"    # wrap it\n"
	"    functions -c fish_prompt _old_fish_prompt\n"
	"    function fish_prompt\n"
	"        set -l last_status $status\n"
	"        printf '%s%s%s' (set_color 4B8BBE) @PROMPT@ (set_color normal)\n"
	"        # give the old prompt the status of the last command\n"
	"        echo \"exit $last_status\" | source\n"
	"        _old_fish_prompt\n"
	"    end\n"
	"    set -gx _OLD_FISH_PROMPT_OVERRIDE \"$VIRTUAL_ENV\"\n"
	"    set -gx VIRTUAL_ENV_PROMPT @PROMPT@\n"
	"end\n";

static const char activate_csh[] =
	"# bin/activate.csh - work in the virtual environment @VENV@\n"
	"# from csh or tcsh.  Source it, do not run it:\n"
	"#     source bin/activate.csh\n"
	"# `deactivate` puts PATH and the prompt back as they were.\n"
	"# Written by cvlock, to behave as the activate script of Python's venv.\n"
	"# (csh expands a whole line before it runs it, so `deactivate` tests\n"
	"# with `test $?VAR` and chains with &&.)\n"
	"\n"
	"alias deactivate '"
	"test $?_OLD_VIRTUAL_PROMPT != 0 && set prompt=\"$_OLD_VIRTUAL_PROMPT\" && unset _OLD_VIRTUAL_PROMPT; "
	"test $?_OLD_VIRTUAL_PATH != 0 && setenv PATH \"$_OLD_VIRTUAL_PATH\" && unset _OLD_VIRTUAL_PATH; "
	"rehash; unsetenv VIRTUAL_ENV_PROMPT; unsetenv VIRTUAL_ENV; "
	"test \"\\!:*\" != nondestructive && unalias deactivate'\n"
	"\n"
	"# leave an environment that is active now\n"
	"deactivate nondestructive\n"
	"\n"
	"setenv VIRTUAL_ENV @VENV@\n"
	"\n"
	"set _OLD_VIRTUAL_PATH=\"$PATH\"\n"
	"setenv PATH \"$VIRTUAL_ENV/@BIN@:$PATH\"\n"
	"\n"
	"if ($?prompt) then\n"
	"    set _OLD_VIRTUAL_PROMPT=\"$prompt\"\n"
	"endif\n"
	"if (! $?VIRTUAL_ENV_DISABLE_PROMPT) then\n"
	"    if ($?prompt) then\n"
	"        set prompt = @PROMPT@\"$prompt\"\n"
	"    endif\n"
	"    setenv VIRTUAL_ENV_PROMPT @PROMPT@\n"
	"endif\n"
	"\n"
	"rehash\n";

/*
 * bin/Activate.ps1: what venv's does (its `deactivate [-NonDestructive]`
 * restores the prompt function, PYTHONHOME and PATH), written from that
 * behaviour; the environment's path and prompt are written in, as in the
 * other scripts.
 */
static const char activate_ps1[] =
	"# bin/Activate.ps1 - work in the virtual environment @VENV@\n"
	"# from PowerShell (Windows PowerShell 5.1, or PowerShell 7 on any\n"
	"# system).  Dot-source it, do not run it:\n"
	"#     . bin/Activate.ps1\n"
	"# `deactivate` puts PATH, PYTHONHOME and the prompt back as they were.\n"
	"# Written by cvlock, to behave as the Activate.ps1 script of Python's venv.\n"
	"\n"
	"function global:deactivate([switch] $NonDestructive) {\n"
	"    if (Test-Path -Path Function:_OLD_VIRTUAL_PROMPT) {\n"
	"        Copy-Item -Path Function:_OLD_VIRTUAL_PROMPT -Destination Function:prompt\n"
	"        Remove-Item -Path Function:_OLD_VIRTUAL_PROMPT\n"
	"    }\n"
	"    if (Test-Path -Path Env:_OLD_VIRTUAL_PYTHONHOME) {\n"
	"        Copy-Item -Path Env:_OLD_VIRTUAL_PYTHONHOME -Destination Env:PYTHONHOME\n"
	"        Remove-Item -Path Env:_OLD_VIRTUAL_PYTHONHOME\n"
	"    }\n"
	"    if (Test-Path -Path Env:_OLD_VIRTUAL_PATH) {\n"
	"        Copy-Item -Path Env:_OLD_VIRTUAL_PATH -Destination Env:PATH\n"
	"        Remove-Item -Path Env:_OLD_VIRTUAL_PATH\n"
	"    }\n"
	"    if (Test-Path -Path Env:VIRTUAL_ENV) {\n"
	"        Remove-Item -Path Env:VIRTUAL_ENV\n"
	"    }\n"
	"    if (Test-Path -Path Env:VIRTUAL_ENV_PROMPT) {\n"
	"        Remove-Item -Path Env:VIRTUAL_ENV_PROMPT\n"
	"    }\n"
	"    if (Get-Variable -Name _PYTHON_VENV_PROMPT_PREFIX -Scope Global -ErrorAction SilentlyContinue) {\n"
	"        Remove-Variable -Name _PYTHON_VENV_PROMPT_PREFIX -Scope Global -Force\n"
	"    }\n"
	"    if (-not $NonDestructive) {\n"
	"        Remove-Item -Path Function:deactivate\n"
	"    }\n"
	"}\n"
	"\n"
	"# leave an environment that is active now\n"
	"deactivate -NonDestructive\n"
	"\n"
	"$env:VIRTUAL_ENV = @VENV@\n"
	"\n"
	"if (-not $env:VIRTUAL_ENV_DISABLE_PROMPT) {\n"
	"    if (Test-Path -Path Function:prompt) {\n"
	"        Copy-Item -Path Function:prompt -Destination Function:_OLD_VIRTUAL_PROMPT\n"
	"    } else {\n"
	"        function global:_OLD_VIRTUAL_PROMPT { \"PS $($executionContext.SessionState.Path.CurrentLocation)> \" }\n"
	"    }\n"
	"    $global:_PYTHON_VENV_PROMPT_PREFIX = @PROMPT@\n"
	"    function global:prompt {\n"
	"        Write-Host -NoNewline -ForegroundColor Green $global:_PYTHON_VENV_PROMPT_PREFIX\n"
	"        _OLD_VIRTUAL_PROMPT\n"
	"    }\n"
	"    $env:VIRTUAL_ENV_PROMPT = @PROMPT@\n"
	"}\n"
	"\n"
	"if (Test-Path -Path Env:PYTHONHOME) {\n"
	"    Copy-Item -Path Env:PYTHONHOME -Destination Env:_OLD_VIRTUAL_PYTHONHOME\n"
	"    Remove-Item -Path Env:PYTHONHOME\n"
	"}\n"
	"\n"
	"Copy-Item -Path Env:PATH -Destination Env:_OLD_VIRTUAL_PATH\n"
	"$env:PATH = (Join-Path -Path $env:VIRTUAL_ENV -ChildPath '@BIN@') + [System.IO.Path]::PathSeparator + $env:PATH\n";

enum quoting {
	QUOTE_SH,   /* sh and csh */
	QUOTE_FISH,
	QUOTE_PS,   /* PowerShell */
};

/* 'text' for sh and csh: a quote becomes '\'' */
static void quote_sh(const char *s, struct strbuf *out)
{
	strbuf_addch(out, '\'');
	for (; *s; s++) {
		if (*s == '\'')
			strbuf_addstr(out, "'\\''");
		else
			strbuf_addch(out, *s);
	}
	strbuf_addch(out, '\'');
}

/* 'text' for fish: backslash and quote are escaped with a backslash */
static void quote_fish(const char *s, struct strbuf *out)
{
	strbuf_addch(out, '\'');
	for (; *s; s++) {
		if (*s == '\'' || *s == '\\')
			strbuf_addch(out, '\\');
		strbuf_addch(out, *s);
	}
	strbuf_addch(out, '\'');
}

/*
 * 'text' for PowerShell: a single quote is doubled, and so are the
 * typographic ones (U+2018 to U+201B), which PowerShell takes as quotes
 * too.
 */
static void quote_ps(const char *s, struct strbuf *out)
{
	strbuf_addch(out, '\'');
	for (; *s; s++) {
		if (*s == '\'') {
			strbuf_addstr(out, "''");
		} else if ((unsigned char)s[0] == 0xe2 &&
			   (unsigned char)s[1] == 0x80 &&
			   (unsigned char)s[2] >= 0x98 &&
			   (unsigned char)s[2] <= 0x9b) {
			strbuf_add(out, s, 3);
			strbuf_add(out, s, 3);
			s += 2;
		} else {
			strbuf_addch(out, *s);
		}
	}
	strbuf_addch(out, '\'');
}

static void fill_template(const char *tmpl, const char *venv,
			  const char *prompt, const char *bin,
			  enum quoting quoting, struct strbuf *out)
{
	const char *p = tmpl;

	while (*p) {
		const char *at = strchr(p, '@');

		if (!at) {
			strbuf_addstr(out, p);
			break;
		}
		strbuf_add(out, p, (size_t)(at - p));
		if (!strncmp(at, "@VENV@", 6) || !strncmp(at, "@PROMPT@", 8)) {
			const char *value = at[1] == 'V' ? venv : prompt;

			if (quoting == QUOTE_FISH)
				quote_fish(value, out);
			else if (quoting == QUOTE_PS)
				quote_ps(value, out);
			else
				quote_sh(value, out);
			p = at + (at[1] == 'V' ? 6 : 8);
		} else if (!strncmp(at, "@BIN@", 5)) {
			strbuf_addstr(out, bin);
			p = at + 5;
		} else {
			strbuf_addch(out, '@');
			p = at + 1;
		}
	}
}

static const struct {
	const char *name;
	const char *tmpl;
	enum quoting quoting;
} scripts[] = {
	{ "activate", activate_sh, QUOTE_SH },
	{ "activate.fish", activate_fish, QUOTE_FISH },
	{ "activate.csh", activate_csh, QUOTE_SH },
	{ "Activate.ps1", activate_ps1, QUOTE_PS },
};

const char *sync_venv_script(size_t i, const char *venv, const char *prompt,
			     const char *bin, struct strbuf *out)
{
	if (i >= ARRAY_SIZE(scripts))
		return NULL;
	fill_template(scripts[i].tmpl, venv, prompt, bin, scripts[i].quoting,
		      out);
	return scripts[i].name;
}
