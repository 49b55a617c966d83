#!/usr/bin/env python3
"""server.py - the end-to-end tests' package index server (stdlib only).

    python3 server.py --root DIR --port-file FILE [--pid-file FILE]
                      [--log FILE] [--rules FILE] [--max-age N]
                      [--idle-timeout S] [--parent PID]

Listens on 127.0.0.1 on a free port (written to --port-file once it
accepts connections) and serves an index made by mkindex.py the way PyPI
does:

  * /simple/ and /simple/<project>/: index.json when the Accept header
    prefers application/vnd.pypi.simple.v1+json (PEP 691 q-values), else
    index.html; "Vary: Accept"; a directory without its slash is
    redirected (301) to the slash;
  * strong ETags (W/ when gzipped), Last-Modified, If-None-Match and
    If-Modified-Since answered with 304;
  * Cache-Control: pages "max-age=N" (--max-age, default 600; negative:
    no Cache-Control at all), files "max-age=365000000, immutable";
  * one byte range per request (bytes=A-B, A-, -N): 206 with
    Content-Range, 416 when unsatisfiable;
  * gzip for pages and .metadata files when Accept-Encoding allows it and
    no range is asked for;
  * HTTP/1.1 keep-alive, GET and HEAD.

Request log (--log): one line per request, written BEFORE the response
goes out (so a client that has its answer always finds its line):

    GET /simple/foo/ 200 accept=json range=- inm=- ims=- auth=- gzip=yes
        bytes=1234 peer=41234 fault=- ua=cvlock/0.1.0 t=1.234

(one line; `accept` is json, html, any or -; `bytes` is the body length
sent or planned; `peer` the client's port, so tests can count
connections; `t` seconds since the server started; the status is 0 when
the answer is not known yet: "slow" and "close" faults).

Faults come from a JSON rules file (--rules), read again on every request
so that a test can change it between commands (write it to a temporary
name and rename it); every counter restarts when its content changes:

    {"max_age": 600,            # overrides --max-age
     "gzip": true,              # allow gzip (default true)
     "rules": [ RULE, ... ]}

A RULE matches requests by "path" (a prefix, default "/"), "exact" (the
whole path), "suffix", "accept" ("json"/"html": the representation the
negotiation picked) and applies for the first "times" requests of each
matching path (default: always; "per": "rule" counts all paths together).
The first matching rule that still applies decides ("auth" and "headers"
rules let the following ones run too):

  {"fault": "status", "status": 500, "body": "...", "headers": {..}}
  {"fault": "status", "status": 429, "retry_after": 1}
  {"fault": "reset", "after": 100}     # Content-Length of the whole body,
                                       # `after` bytes (default half), RST
  {"fault": "truncate", "after": 100}  # the same, then a clean close
  {"fault": "close"}                   # close without any answer
  {"fault": "slow", "delay": 10}       # sleep before answering
  {"fault": "stall", "after": 10, "delay": 30}  # stop mid-body, then go on
  {"fault": "corrupt", "append": "x"}  # other bytes than the real file's
  {"fault": "body", "body": "..." | "body_hex": "..." , "status": 200,
   "content_type": "text/html"}        # serve this instead (malformed
                                       # pages, non-UTF-8, ...)
  {"fault": "no_range"}                # 200 with the whole file
  {"fault": "redirect", "location": "/x/", "status": 302}
                                       # in location, "{rest}" is the path
                                       # after the rule's prefix and
                                       # "{self}" the request's own path
                                       # (a redirect loop)
  {"fault": "huge", "size": 70000000, "chunked": false}
                                       # a body of zeros, streamed
  {"fault": "auth", "user": "u", "password": "p"}
                                       # 401 + WWW-Authenticate unless the
                                       # request carries these credentials
  {"fault": "headers", "set": {"Cache-Control": "no-cache"},
   "remove": ["ETag"]}                 # change a normal answer's headers

The same faults work without a rules file through a path prefix:
/fault/status=500,times=2/simple/foo/ applies {"fault": "status",
"status": 500, "times": 2} to /simple/foo/ (and, with relative links, to
the files the page names).  Values are URL-decoded (location=%2Fx%2F).

The server exits on SIGTERM/SIGINT, after --idle-timeout seconds without
requests (default 300), or when the --parent process is gone.
"""

import argparse
import base64
import email.utils
import gzip
import hashlib
import json
import os
import posixpath
import signal
import socket
import struct
import sys
import threading
import time
import traceback
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

JSON_TYPE = "application/vnd.pypi.simple.v1+json"
HTML_TYPES = ("application/vnd.pypi.simple.v1+html", "text/html")
FILE_MAX_AGE = "max-age=365000000, immutable"
CHUNK = 1 << 20
START = time.monotonic()


class ServerState:
    def __init__(self, args):
        self.root = os.path.abspath(args.root)
        self.rules_path = args.rules
        self.max_age = args.max_age
        self.lock = threading.Lock()
        self.log = open(args.log, "a", encoding="utf-8") if args.log else None
        self.rules_text = None
        self.rules = {}
        self.rules_error = None
        self.counters = {}
        self.last_request = time.monotonic()
        self.busy = 0

    def load_rules(self):
        """Re-read the rules file; counters restart when it changes."""
        if not self.rules_path:
            return self.rules
        try:
            with open(self.rules_path, encoding="utf-8") as f:
                text = f.read()
        except FileNotFoundError:
            text = ""
        with self.lock:
            if text != self.rules_text:
                self.rules_text = text
                self.counters = {}
                self.rules_error = None
                try:
                    self.rules = json.loads(text) if text.strip() else {}
                    if not isinstance(self.rules, dict):
                        raise ValueError("not an object")
                except ValueError as e:
                    self.rules = {}
                    self.rules_error = "bad rules file %s: %s" % (
                        self.rules_path, e)
            return self.rules

    def take(self, key, times):
        """Count one use of a rule; False once it has been used up."""
        with self.lock:
            n = self.counters.get(key, 0)
            if times is not None and n >= times:
                return False
            self.counters[key] = n + 1
            return True

    def write_log(self, line):
        if self.log:
            with self.lock:
                self.log.write(line + "\n")
                self.log.flush()


def parse_accept(value):
    out = []
    for part in (value or "").split(","):
        bits = [b.strip() for b in part.split(";")]
        if not bits[0]:
            continue
        q = 1.0
        for b in bits[1:]:
            if b.lower().startswith("q="):
                try:
                    q = float(b[2:])
                except ValueError:
                    q = 0.0
        out.append((bits[0].lower(), q))
    return out


def negotiate(accept):
    """PEP 691: JSON when its q is positive and not below HTML's."""
    qj = qh = 0.0
    for mime, q in parse_accept(accept):
        if mime == JSON_TYPE:
            qj = max(qj, q)
        elif mime in HTML_TYPES:
            qh = max(qh, q)
        elif mime in ("*/*", "text/*"):
            qh = max(qh, q * 0.999)  # HTML is the default representation
    return "json" if qj > 0 and qj >= qh else "html"


def accept_summary(accept):
    if not accept:
        return "-"
    mimes = [m for m, q in parse_accept(accept) if q > 0]
    if JSON_TYPE in mimes:
        return "json"
    if any(m in HTML_TYPES for m in mimes):
        return "html"
    return "any"


def parse_range(value, size):
    """Return (start, end) inclusive, None to ignore the header, or
    "unsatisfiable"."""
    if not value or not value.startswith("bytes=") or "," in value:
        return None
    spec = value[6:].strip()
    first, sep, last = spec.partition("-")
    if not sep:
        return None
    try:
        if first == "":
            n = int(last)
            if n <= 0:
                return "unsatisfiable"
            return (max(0, size - n), size - 1) if size else "unsatisfiable"
        start = int(first)
        end = int(last) if last else size - 1
    except ValueError:
        return None
    if start < 0:
        return None
    if start >= size:
        return "unsatisfiable"
    if end < start:
        return None
    return (start, min(end, size - 1))


def fault_from_prefix(spec):
    rule = {"path": "/"}
    for item in spec.split(","):
        key, _, value = item.partition("=")
        if value.lstrip("-").isdigit():
            rule[key] = int(value)
        else:
            rule[key] = urllib.parse.unquote(value)
    return rule


def rule_matches(rule, path, representation):
    if "exact" in rule and path != rule["exact"]:
        return False
    if not path.startswith(rule.get("path", "/")):
        return False
    if "suffix" in rule and not path.endswith(rule["suffix"]):
        return False
    if "accept" in rule and rule["accept"] != representation:
        return False
    return True


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "cvlock-test-index/1.0"
    # Headers and body go out in separate writes: without TCP_NODELAY
    # the body waits for the client's delayed ACK (40 ms per request).
    disable_nagle_algorithm = True
    state = None  # set by main()

    def log_message(self, fmt, *args):
        pass

    # -- plumbing ---------------------------------------------------------

    def _log(self, status, nbytes, fault="-", gzipped=False):
        h = self.headers
        auth = "-"
        if h.get("Authorization"):
            auth = "basic" if h["Authorization"].startswith("Basic ") \
                else "other"
        ua = (h.get("User-Agent") or "-").split(" ")[0]
        fields = [self.command, self.path.replace(" ", "%20"), str(status),
                  "accept=" + accept_summary(h.get("Accept")),
                  "range=" + (h.get("Range") or "-").replace(" ", ""),
                  "inm=" + ("yes" if h.get("If-None-Match") else "-"),
                  "ims=" + ("yes" if h.get("If-Modified-Since") else "-"),
                  "auth=" + auth,
                  "gzip=" + ("yes" if gzipped else "-"),
                  "bytes=%d" % nbytes,
                  "peer=%d" % self.client_address[1],
                  "fault=" + fault,
                  "ua=" + ua,
                  "t=%.3f" % (time.monotonic() - START)]
        self.state.write_log(" ".join(fields))

    def _send(self, status, headers, body, fault="-", gzipped=False,
              log=True):
        if log:
            self._log(status, len(body) if body else 0, fault, gzipped)
        self.send_response(status)
        for k, v in headers:
            self.send_header(k, v)
        self.end_headers()
        if body and self.command != "HEAD":
            self.wfile.write(body)

    def _plain(self, status, text, fault="-", extra=()):
        body = (text + "\n").encode()
        headers = [("Content-Type", "text/plain; charset=utf-8"),
                   ("Content-Length", str(len(body)))] + list(extra)
        self._send(status, headers, body, fault)

    def _hard_close(self, reset):
        """End the connection now: RST (reset) or FIN."""
        self.close_connection = True
        try:
            self.wfile.flush()
            if reset:
                self.rfile.close()
                self.connection.setsockopt(socket.SOL_SOCKET,
                                           socket.SO_LINGER,
                                           struct.pack("ii", 1, 0))
                self.connection.close()
            else:
                self.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass

    def handle_one_request(self):
        try:
            super().handle_one_request()
        except (BrokenPipeError, ConnectionResetError, socket.timeout):
            self.close_connection = True
        except Exception:
            traceback.print_exc(file=sys.stderr)
            self.close_connection = True

    def do_HEAD(self):
        self.do_GET()

    # -- request handling -------------------------------------------------

    def do_GET(self):
        st = self.state
        st.last_request = time.monotonic()
        rules_doc = st.load_rules()
        if st.rules_error:
            return self._plain(500, st.rules_error, "badrules")
        url = urllib.parse.urlsplit(self.path)
        raw = url.path
        rules = list(rules_doc.get("rules", []))
        prefix = ""
        if raw.startswith("/fault/"):
            spec, _, rest = raw[len("/fault/"):].partition("/")
            prefix = "/fault/" + spec
            rules.insert(0, fault_from_prefix(spec))
            raw = "/" + rest
        path = urllib.parse.unquote(raw)
        if ".." in path.split("/"):
            return self._plain(400, "bad path")
        max_age = rules_doc.get("max_age", st.max_age)

        # Pick the representation first: rules may depend on it.
        fs = os.path.join(st.root, posixpath.normpath(path).lstrip("/"))
        representation = "-"
        if os.path.isdir(fs) and path.endswith("/"):
            representation = negotiate(self.headers.get("Accept"))

        extra_headers, remove_headers = [], []
        no_range = False
        for i, rule in enumerate(rules):
            if not rule_matches(rule, path, representation):
                continue
            key = (i, "" if rule.get("per") == "rule" else self.path)
            kind = rule.get("fault", "status")
            if kind == "auth":
                if self._authorized(rule):
                    continue
                if not st.take(key, rule.get("times")):
                    continue
                return self._plain(401, "authentication required", "auth", [
                    ("WWW-Authenticate",
                     'Basic realm="%s"' % rule.get("realm", "test index"))])
            if not st.take(key, rule.get("times")):
                continue
            if kind == "headers":
                extra_headers += list(rule.get("set", {}).items())
                remove_headers += [h.lower() for h in rule.get("remove", [])]
                continue
            if kind == "no_range":
                no_range = True
                continue
            return self._fault(rule, kind, path, fs, representation, prefix,
                               max_age, extra_headers, remove_headers)
        return self._serve(path, fs, representation, prefix, max_age,
                           extra_headers, remove_headers, no_range)

    def _authorized(self, rule):
        value = self.headers.get("Authorization") or ""
        if not value.startswith("Basic "):
            return False
        try:
            decoded = base64.b64decode(value[6:], validate=True).decode()
        except ValueError:
            return False
        return decoded == "%s:%s" % (rule.get("user", ""),
                                     rule.get("password", ""))

    def _fault(self, rule, kind, path, fs, representation, prefix, max_age,
               extra_headers, remove_headers):
        if kind == "status":
            status = int(rule.get("status", 500))
            extra = list(rule.get("headers", {}).items())
            if "retry_after" in rule:
                extra.append(("Retry-After", str(rule["retry_after"])))
            return self._plain(status, rule.get("body", "fault %d" % status),
                               "status", extra)
        if kind == "close":
            self._log(0, 0, "close")
            return self._hard_close(reset=False)
        if kind == "slow":
            self._log(0, 0, "slow")
            time.sleep(float(rule.get("delay", 10)))
            return self._serve(path, fs, representation, prefix, max_age,
                               extra_headers, remove_headers, False,
                               log=False)
        if kind == "redirect":
            loc = rule.get("location", "/")
            loc = loc.replace("{rest}", path[len(rule.get("path", "/")):])
            loc = loc.replace("{self}", self.path)
            return self._plain(int(rule.get("status", 302)), "redirect",
                               "redirect", [("Location", loc)])
        if kind == "huge":
            return self._huge(rule)
        if kind == "body":
            if "body_hex" in rule:
                body = bytes.fromhex(rule["body_hex"])
            else:
                body = rule.get("body", "").encode("utf-8")
            ctype = rule.get("content_type")
            if ctype is None:
                ctype = (JSON_TYPE if representation == "json"
                         else "text/html; charset=utf-8")
            return self._send(int(rule.get("status", 200)),
                              [("Content-Type", ctype),
                               ("Content-Length", str(len(body)))],
                              body, "body")
        found = self._resolve(path, fs, representation)
        if found is None:
            return self._plain(404, "not found")
        data, ctype, _, _ = found
        if kind == "corrupt":
            data = data + rule.get("append", "\n").encode()
            return self._send(200, [("Content-Type", ctype),
                                    ("Content-Length", str(len(data)))],
                              data, "corrupt")
        if kind in ("reset", "truncate", "stall"):
            after = int(rule.get("after", len(data) // 2))
            after = max(0, min(after, len(data) - 1 if data else 0))
            self._send(200, [("Content-Type", ctype),
                             ("Content-Length", str(len(data)))],
                       data[:after], kind)
            if kind == "stall":
                time.sleep(float(rule.get("delay", 30)))
                self.wfile.write(data[after:])
                return None
            return self._hard_close(reset=(kind == "reset"))
        return self._plain(500, "server.py: unknown fault %r" % kind,
                           "badrules")

    def _huge(self, rule):
        size = int(rule.get("size", 65 * CHUNK + 1))
        chunked = bool(rule.get("chunked", False))
        self._log(200, size, "huge")
        self.send_response(200)
        self.send_header("Content-Type",
                         rule.get("content_type", "text/html; charset=utf-8"))
        if chunked:
            self.send_header("Transfer-Encoding", "chunked")
        else:
            self.send_header("Content-Length", str(size))
        self.end_headers()
        if self.command == "HEAD":
            return
        block = bytes(CHUNK)
        left = size
        while left > 0:
            piece = block[:min(left, CHUNK)]
            if chunked:
                self.wfile.write(b"%x\r\n%s\r\n" % (len(piece), piece))
            else:
                self.wfile.write(piece)
            left -= len(piece)
        if chunked:
            self.wfile.write(b"0\r\n\r\n")

    def _resolve(self, path, fs, representation):
        """(bytes, content type, is a page, file) of a path, or None."""
        if representation != "-":
            name = "index.json" if representation == "json" else "index.html"
            fs = os.path.join(fs, name)
            if representation == "json" and not os.path.isfile(fs):
                fs = os.path.join(os.path.dirname(fs), "index.html")
                representation = "html"
        if not os.path.isfile(fs):
            return None
        with open(fs, "rb") as f:
            data = f.read()
        if fs.endswith(".json"):
            return data, JSON_TYPE, True, fs
        if fs.endswith(".html"):
            return data, "text/html; charset=utf-8", True, fs
        return data, "application/octet-stream", False, fs

    def _serve(self, path, fs, representation, prefix, max_age,
               extra_headers, remove_headers, no_range, log=True):
        if os.path.isdir(fs) and not path.endswith("/"):
            loc = prefix + path + "/"
            return self._send(301, [("Location", loc),
                                    ("Content-Length", "0")], b"",
                              log=log)
        found = self._resolve(path, fs, representation)
        if found is None:
            return self._send(404, [("Content-Type", "text/plain"),
                                    ("Content-Length", "10")],
                              b"not found\n", log=log)
        data, ctype, page, real = found
        mtime = os.stat(real).st_mtime
        etag_base = hashlib.sha256(data).hexdigest()[:24]
        headers = [("Content-Type", ctype),
                   ("Last-Modified",
                    email.utils.formatdate(mtime, usegmt=True))]
        if representation != "-":
            headers.append(("Vary", "Accept, Accept-Encoding"))
        if path.startswith("/simple/"):
            if max_age is not None and max_age >= 0:
                headers.append(("Cache-Control", "max-age=%d" % max_age))
        else:
            headers.append(("Cache-Control", FILE_MAX_AGE))
        headers.append(("Accept-Ranges", "bytes"))

        rng = None if no_range else parse_range(self.headers.get("Range"),
                                                len(data))
        use_gzip = (rng is None and (page or fs.endswith(".metadata"))
                    and self.state.rules.get("gzip", True)
                    and "gzip" in (self.headers.get("Accept-Encoding") or ""))
        etag = ('W/"%s"' % etag_base) if use_gzip else '"%s"' % etag_base
        headers.append(("ETag", etag))
        headers += extra_headers
        headers = [(k, v) for k, v in headers
                   if k.lower() not in remove_headers and v is not None]
        have = {k.lower() for k, _ in headers}

        inm = self.headers.get("If-None-Match")
        ims = self.headers.get("If-Modified-Since")
        fresh = False
        if inm and "etag" in have:
            tags = [t.strip().removeprefix("W/") for t in inm.split(",")]
            fresh = "*" in tags or '"%s"' % etag_base in tags
        elif ims and "last-modified" in have:
            try:
                when = email.utils.parsedate_to_datetime(ims).timestamp()
                fresh = int(mtime) <= when
            except (TypeError, ValueError):
                fresh = False
        if fresh:
            keep = ("etag", "cache-control", "last-modified", "vary")
            return self._send(304, [(k, v) for k, v in headers
                                    if k.lower() in keep], b"", log=log)

        if rng == "unsatisfiable":
            return self._send(416, [("Content-Range",
                                     "bytes */%d" % len(data)),
                                    ("Content-Length", "0")], b"", log=log)
        if rng is not None:
            start, end = rng
            body = data[start:end + 1]
            headers += [("Content-Range",
                         "bytes %d-%d/%d" % (start, end, len(data))),
                        ("Content-Length", str(len(body)))]
            return self._send(206, headers, body, log=log)
        if use_gzip:
            data = gzip.compress(data, mtime=0)
            headers.append(("Content-Encoding", "gzip"))
        headers.append(("Content-Length", str(len(data))))
        return self._send(200, headers, data, gzipped=use_gzip, log=log)


class Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 256
    allow_reuse_address = True

    def handle_error(self, request, client_address):
        exc = sys.exc_info()[1]
        if isinstance(exc, (BrokenPipeError, ConnectionResetError)):
            return
        super().handle_error(request, client_address)


def write_atomic(path, text):
    tmp = "%s.tmp.%d" % (path, os.getpid())
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(text)
    os.rename(tmp, path)


def watchdog(state, idle_timeout, parent):
    while True:
        time.sleep(0.5)
        if parent:
            try:
                os.kill(parent, 0)
            except ProcessLookupError:
                os._exit(0)
            except PermissionError:
                pass
        if time.monotonic() - state.last_request > idle_timeout:
            os._exit(0)


def main():
    ap = argparse.ArgumentParser(description="test package index server")
    ap.add_argument("--root", required=True)
    ap.add_argument("--port-file", required=True)
    ap.add_argument("--pid-file")
    ap.add_argument("--log")
    ap.add_argument("--rules")
    ap.add_argument("--max-age", type=int, default=600)
    ap.add_argument("--idle-timeout", type=float, default=300)
    ap.add_argument("--parent", type=int, default=0)
    ap.add_argument("--port", type=int, default=0)
    args = ap.parse_args()

    Handler.state = ServerState(args)
    httpd = Server(("127.0.0.1", args.port), Handler)

    def stop(signum, frame):
        os._exit(0)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    threading.Thread(target=watchdog, daemon=True,
                     args=(Handler.state, args.idle_timeout,
                           args.parent)).start()
    if args.pid_file:
        write_atomic(args.pid_file, "%d\n" % os.getpid())
    write_atomic(args.port_file, "%d\n" % httpd.server_address[1])
    httpd.serve_forever(poll_interval=0.2)


if __name__ == "__main__":
    main()
