# shellcheck shell=bash
# lib.sh - what the bench scripts share (bash): their command line, and a
# package index served on 127.0.0.1 by nginx (one worker) or
# tests/lib/server.py.
#
#   . "$TOP/bench/lib.sh"        # defines die and log
#   bench_args NAME LINES "$@"   # [--quick] CVLOCK [WORKDIR]: QUICK (0|1),
#                                # CVLOCK (absolute), WORK (made, absolute;
#                                # default a new $TMPDIR/cvlock-bench-NAME.*);
#                                # without CVLOCK, lines 2-LINES of the
#                                # script (its usage) and exit 2
#   bench_server_kind            # SERVER_KIND=nginx|python from $SERVER
#                                # (auto, the default: nginx when installed)
#   bench_serve [--json] DIR PORT STATE
#                                # serve DIR on 127.0.0.1:PORT, STATE its
#                                # directory (nginx.conf, access.log,
#                                # error.log); returns once /simple/ answers
#   bench_stop_servers           # from the script's EXIT trap
#   bench_trash_init             # TRASH=$WORK/trash, emptied of an earlier run
#   discard PATH...              # move PATHs into TRASH, freeing nothing
#   bench_trash_empty            # rm -rf TRASH (at the end of a run)
#
# Nothing is deleted between timed runs: on ext4 without a journal (this
# VM's disk) the inode allocator skips the inodes freed in the last 60 s
# (360 s while their table block is dirty), scanning them one by one for
# every new file, so an rm -rf of one run's cache or environment just
# before the next run makes that run's file creation several times slower
# (measured on the sync bench: a cold sync took 4.1 s instead of 2.7 s).
#
# nginx serves DIR as files: /simple/NAME/ is index.html, or with --json
# index.json to a client that prefers PEP 691's JSON (the Accept header,
# as PyPI negotiates; DIR must then have both); /files/ are immutable.
# tests/lib/server.py negotiates by itself.

BENCH_SRV_PIDS=()

die() { echo "run.sh: $*" >&2; exit 2; }
log() { echo "[$(date +%H:%M:%S)] $*" >&2; }

bench_trash_init() {
	TRASH="$WORK/trash"
	if [ -e "$TRASH" ]; then
		log "removing the trash of a previous run"
		rm -rf "$TRASH"
	fi
	mkdir -p "$TRASH"
}

discard() {
	local p d
	d=$(mktemp -d "$TRASH/XXXXXX") || die "cannot make a directory in $TRASH"
	for p in "$@"; do
		[ -e "$p" ] && { mv "$p" "$d/" || die "cannot move $p to $d"; }
	done
	return 0
}

bench_trash_empty() {
	rm -rf "$TRASH"
}

# shellcheck disable=SC2034  # QUICK, CVLOCK, WORK: for the script
bench_args() {
	local name=$1 lines=$2
	shift 2
	QUICK=0
	if [ "${1:-}" = --quick ]; then
		QUICK=1
		shift
	fi
	[ $# -ge 1 ] || { sed -n "2,${lines}p" "$0" >&2; exit 2; }
	CVLOCK=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
	[ -x "$CVLOCK" ] || die "$1 is not an executable"
	WORK=${2:-$(mktemp -d "${TMPDIR:-/tmp}/cvlock-bench-$name.XXXXXX")}
	mkdir -p "$WORK"
	WORK=$(cd "$WORK" && pwd)
}

bench_server_kind() {
	SERVER_KIND=${SERVER:-auto}
	if [ "$SERVER_KIND" = auto ]; then
		if command -v nginx >/dev/null || [ -x /usr/sbin/nginx ]; then
			SERVER_KIND=nginx
		else
			SERVER_KIND=python
		fi
	fi
}

bench_stop_servers() {
	local p
	for p in "${BENCH_SRV_PIDS[@]}"; do
		kill "$p" 2>/dev/null
	done
}

# the nginx.conf of bench_serve: JSON (0 or 1), DIR, PORT, STATE
_bench_nginx_conf() {
	local json=$1 dir=$2 port=$3 st=$4 simple_index=index.html simple_extra=
	if [ "$json" = 1 ]; then
		simple_index="\$simple_index"
		simple_extra='
            add_header Vary Accept always;
            types { text/html html; application/vnd.pypi.simple.v1+json json; }'
	fi
	cat <<EOF
daemon off;
worker_processes 1;
$([ "$(id -u)" = 0 ] && echo "user root root;")
pid $st/nginx.pid;
error_log $st/error.log warn;
events { worker_connections 1024; }
http {
    access_log $st/access.log;
    client_body_temp_path $st/tmp/body;
    proxy_temp_path $st/tmp/proxy;
    fastcgi_temp_path $st/tmp/fastcgi;
    uwsgi_temp_path $st/tmp/uwsgi;
    scgi_temp_path $st/tmp/scgi;
    sendfile on;
    tcp_nodelay on;
    keepalive_requests 1000000;
    etag on;
    types { text/html html; application/octet-stream whl metadata; }
    default_type application/octet-stream;
EOF
	[ "$json" = 1 ] && cat <<'EOF'
    map $http_accept $simple_index {
        default index.html;
        "~*application/vnd\.pypi\.simple\.v1\+json(?!\s*;\s*q\s*=\s*0(\.0*)?\s*(,|$))" index.json;
    }
EOF
	cat <<EOF
    server {
        listen 127.0.0.1:$port;
        root $dir;
        location /simple/ {
            index $simple_index;$simple_extra
            add_header Cache-Control "max-age=600, public";
        }
        location /files/ {
            add_header Cache-Control "max-age=365000000, immutable, public";
        }
    }
}
EOF
}

bench_serve() {
	local json=0 dir port st i
	if [ "${1:-}" = --json ]; then
		json=1
		shift
	fi
	dir=$1 port=$2 st=$3
	mkdir -p "$st/tmp"
	if [ "$SERVER_KIND" = nginx ]; then
		_bench_nginx_conf "$json" "$dir" "$port" "$st" >"$st/nginx.conf"
		nginx -p "$st" -c "$st/nginx.conf" -e "$st/error.log" </dev/null \
			>>"$st/error.log" 2>&1 &
	else
		python3 "$TOP/tests/lib/server.py" --root "$dir" --port "$port" \
			--port-file "$st/port" --log "$st/access.log" \
			--idle-timeout 36000 </dev/null >>"$st/error.log" 2>&1 &
	fi
	BENCH_SRV_PIDS+=($!)
	for i in $(seq 100); do
		curl -fsS -o /dev/null "http://127.0.0.1:$port/simple/" \
			2>/dev/null && return 0
		sleep 0.1
	done
	cat "$st/error.log" >&2
	die "$SERVER_KIND did not come up on 127.0.0.1:$port"
}
