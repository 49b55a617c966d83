# index-lib.sh - a local package index for end-to-end tests.
# Source it after test-lib.sh:
#
#   . "$top_srcdir/tests/test-lib.sh"
#   . "$top_srcdir/tests/lib/index-lib.sh"
#   make_index spec.json idx                  # tests/lib/mkindex.py
#   start_index_server idx                    # server "main", no faults
#   start_index_server --name b --max-age 0 idx2 rules.json
#   cvlock index versions foo --index-url "$(index_url)"
#   test "$(count_requests '^GET /simple/foo/ ')" = 1
#
# Servers keep their state in files ($TRASH/.servers/NAME/: port, pid,
# log, stderr, rules), so the helpers work the same at the top level and
# inside a test body's subshell.  Every server stops at test_done (or on
# any exit); each also dies on its own when this script's shell is gone.
# The request log has one line per request (see tests/lib/server.py):
#   GET /simple/foo/ 200 accept=json range=- inm=- ims=- auth=- gzip=yes
#       bytes=412 peer=40312 fault=- ua=cvlock/0.1.0 t=0.123
# Without python3 the script is skipped (exit 77).

INDEX_LIB_DIR="$top_srcdir/tests/lib"
: "${PYTHON:=python3}"
if ! "$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 9))' \
	2>/dev/null; then
	echo "1..0 # SKIP python3 >= 3.9 is needed for the test index"
	exit 77
fi
INDEX_SERVERS="$TRASH/.servers"
INDEX_SHELL_PID=$$

# make_index SPEC OUTDIR: build an index (see tests/lib/mkindex.py).
make_index() {
	"$PYTHON" "$INDEX_LIB_DIR/mkindex.py" "$1" "$2"
}

# start_index_server [--name NAME] [--max-age N] DIR [RULES]: serve DIR
# on 127.0.0.1, a free port.  RULES (a file, copied and re-read on every
# request) chooses faults; change it with set_index_rules.
start_index_server() {
	_name=main
	_maxage=600
	while :; do
		case "$1" in
		--name) _name=$2; shift 2 ;;
		--max-age) _maxage=$2; shift 2 ;;
		*) break ;;
		esac
	done
	_dir=$1
	_sd="$INDEX_SERVERS/$_name"
	if test -f "$_sd/pid"; then
		echo "index server '$_name' is already running" >&2
		return 1
	fi
	mkdir -p "$_sd" || return 1
	rm -f "$_sd/port"
	: >"$_sd/log"
	if test -n "$2"; then
		cp "$2" "$_sd/rules" || return 1
	else
		echo '{}' >"$_sd/rules"
	fi
	"$PYTHON" "$INDEX_LIB_DIR/server.py" --root "$_dir" \
		--port-file "$_sd/port" --pid-file "$_sd/pid" \
		--log "$_sd/log" --rules "$_sd/rules" --max-age "$_maxage" \
		--parent "$INDEX_SHELL_PID" --idle-timeout 600 \
		</dev/null >"$_sd/stderr" 2>&1 &
	_i=0
	while ! test -s "$_sd/port"; do
		_i=$((_i + 1))
		if test $_i -gt 200; then
			echo "index server '$_name' did not start:" >&2
			cat "$_sd/stderr" >&2
			return 1
		fi
		sleep 0.05
	done
	return 0
}

# stop_index_server [NAME]: stop one server, or all of them.
stop_index_server() {
	if test -n "$1"; then
		_stop_one "$INDEX_SERVERS/$1"
		return 0
	fi
	for _sd in "$INDEX_SERVERS"/*; do
		test -d "$_sd" && _stop_one "$_sd"
	done
	return 0
}

_stop_one() {
	if test -f "$1/pid"; then
		_pid=$(cat "$1/pid")
		kill "$_pid" 2>/dev/null
		_i=0
		while kill -0 "$_pid" 2>/dev/null && test $_i -lt 100; do
			_i=$((_i + 1))
			sleep 0.05
		done
		rm -f "$1/pid" "$1/port"
	fi
}

test_atexit stop_index_server

# server_port [NAME], server_url [NAME]: http://127.0.0.1:PORT,
# index_url [NAME]: .../simple/
server_port() {
	cat "$INDEX_SERVERS/${1:-main}/port"
}
server_url() {
	echo "http://127.0.0.1:$(server_port "$1")"
}
index_url() {
	echo "$(server_url "$1")/simple/"
}

# server_log [NAME]: the path of the request log.
server_log() {
	echo "$INDEX_SERVERS/${1:-main}/log"
}

# count_requests PATTERN [NAME]: how many logged requests match the
# extended regular expression PATTERN.
count_requests() {
	grep -c -E -e "$1" "$(server_log "$2")"
}

# clear_requests [NAME]: empty the request log.
clear_requests() {
	: >"$(server_log "$1")"
}

# set_index_rules JSON [NAME]: replace the rules (atomically; counters
# restart).  JSON "{}" removes every fault.
set_index_rules() {
	_rules="$INDEX_SERVERS/${2:-main}/rules"
	printf '%s\n' "$1" >"$_rules.new" && mv "$_rules.new" "$_rules"
}

# show_requests [NAME]: the request log, for a failing test's output.
show_requests() {
	sed 's/^/log: /' "$(server_log "$1")"
}

# index_expand INDEXDIR [URL] <IN >OUT: fill in an expected output:
# @sha256:FILE@ and @size:FILE@ become the hash and size of a file of the
# index (FILE.metadata for its PEP 658 file), @URL@ becomes URL.  Wheels
# are deflated by the local zlib, so their hashes are not written into
# the tests.
index_expand() {
	(
		cd "$1/files" || exit 1
		for _f in */*; do
			_b=${_f#*/}
			printf 's|@sha256:%s@|%s|g\n' "$_b" \
				"$(sha256sum <"$_f" | cut -d" " -f1)"
			printf 's|@size:%s@|%s|g\n' "$_b" \
				"$(wc -c <"$_f" | tr -d " ")"
		done
	) >"$TRASH/.expand.sed" || return 1
	sed -f "$TRASH/.expand.sed" -e "s|@URL@|${2:-}|g"
}
