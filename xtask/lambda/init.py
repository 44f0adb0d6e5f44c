#!/usr/bin/env python3
"""Cold start of an HTTP Lambda binary (`api`, `office`), measured locally.

Starts the binary as Lambda would, against a stand-in Runtime API served here (which
also serves the JWKS the API fetches at start), and measures:
  - init: from spawning the process to its first `GET /runtime/invocation/next`
    (settings, the JWKS, the DynamoDB connection opened by `Store::warm`);
  - resident memory when ready, and after answering one request (`GET /health`, API
    Gateway HTTP API payload v2), from /proc (VmRSS, VmHWM: what Lambda reports as
    "Max Memory Used" is the peak). The office serves no /health; its 404 is its answer.

Usage (DynamoDB Local listening; the table need not exist, the warm-up read may fail):
  python3 xtask/lambda/init.py target/release/api http://127.0.0.1:8000 [runs]

Build the binary for this machine with the release profile (`cargo build --release
--bin api`): the arm64 `bootstrap` of `cargo xtask lambda` does not run on x86.
"""

import http.server
import json
import os
import statistics
import subprocess
import sys
import threading
import time

# Any well-formed RSA public key: the API parses the JWKS at start, no token is verified.
JWKS = {
    "keys": [
        {
            "kty": "RSA",
            "kid": "init",
            "alg": "RS256",
            "use": "sig",
            "n": "u1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt0gunVTLw7onLRnrq0_IzW7yWR7QkrmBL7jTKEn5u-qKhbwKfBstIs-bMY2Zkp18gnTxKLxoS2tFczGkPLPgizskuemMghRniWaoLcyehkd3qqGElvW_VDL5AaWTg0nLVkjRo9z-40RQzuVaE8AkAFmxZzow3x-VJYKdjykkJ0iT9wCS0DRTXu269V264Vf_3jvredZiKRkgwlL9xNAwxXFg0x_XFw005UWVRIkdgcKWTjpBP2dPwVZ4WWC-9aGVd-Gyn1o0CLelf4rEjGoXbAAEgAqeGUxrcIlbjXfbcmw",
            "e": "AQAB",
        }
    ]
}

HEALTH = {
    "version": "2.0",
    "routeKey": "GET /health",
    "rawPath": "/health",
    "rawQueryString": "",
    "headers": {"accept": "application/json", "host": "api.example"},
    "requestContext": {
        "accountId": "123456789012",
        "apiId": "init",
        "domainName": "api.example",
        "domainPrefix": "api",
        "http": {
            "method": "GET",
            "path": "/health",
            "protocol": "HTTP/1.1",
            "sourceIp": "127.0.0.1",
            "userAgent": "init.py",
        },
        "requestId": "init-1",
        "routeKey": "GET /health",
        "stage": "$default",
        "time": "05/Dec/2026:00:00:00 +0000",
        "timeEpoch": 0,
    },
    "isBase64Encoded": False,
}


def status_kb(pid, field):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return 0


class Run:
    """One start of the binary: what the stand-in saw."""

    def __init__(self):
        self.pid = None
        self.started = None
        self.ready = None
        self.rss_ready = None
        self.rss_after = None
        self.hwm_after = None
        self.answer = None
        self.nexts = 0
        self.done = threading.Event()


def serve(run_box):
    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args):
            pass

        def reply(self, code, body, headers=()):
            data = json.dumps(body).encode()
            self.send_response(code)
            self.send_header("content-type", "application/json")
            self.send_header("content-length", str(len(data)))
            for k, v in headers:
                self.send_header(k, v)
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self):
            run = run_box[0]
            if self.path == "/jwks.json":
                return self.reply(200, JWKS)
            if self.path.endswith("/runtime/invocation/next"):
                run.nexts += 1
                if run.nexts == 1:
                    run.ready = time.perf_counter()
                    run.rss_ready = status_kb(run.pid, "VmRSS")
                    deadline = str(int(time.time() * 1000) + 10_000)
                    return self.reply(
                        200,
                        HEALTH,
                        [
                            ("lambda-runtime-aws-request-id", "init-1"),
                            ("lambda-runtime-deadline-ms", deadline),
                            ("lambda-runtime-invoked-function-arn", "arn:aws:lambda:eu-west-1:123456789012:function:init"),
                            ("lambda-runtime-trace-id", "Root=1-00000000-000000000000000000000000"),
                        ],
                    )
                run.rss_after = status_kb(run.pid, "VmRSS")
                run.hwm_after = status_kb(run.pid, "VmHWM")
                run.done.set()
                time.sleep(30)  # the process is killed meanwhile
                return self.reply(500, {})
            return self.reply(404, {})

        def do_POST(self):
            run = run_box[0]
            length = int(self.headers.get("content-length", "0"))
            body = self.rfile.read(length)
            if "/response" in self.path:
                run.answer = json.loads(body or b"{}")
            elif "/error" in self.path:
                run.answer = {"error": body.decode(errors="replace")}
            return self.reply(202, {})

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    binary, endpoint = sys.argv[1], sys.argv[2]
    runs = int(sys.argv[3]) if len(sys.argv) > 3 else 5
    run_box = [None]
    server = serve(run_box)
    port = server.server_address[1]
    env = {
        "PATH": os.environ.get("PATH", ""),
        "AWS_LAMBDA_RUNTIME_API": f"127.0.0.1:{port}",
        "AWS_LAMBDA_FUNCTION_NAME": "init",
        "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": "512",
        "AWS_LAMBDA_FUNCTION_VERSION": "$LATEST",
        "AWS_LAMBDA_LOG_STREAM_NAME": "init",
        "AWS_LAMBDA_LOG_GROUP_NAME": "init",
        "AWS_REGION": "eu-west-1",
        "AWS_ACCESS_KEY_ID": "local",
        "AWS_SECRET_ACCESS_KEY": "local",
        "AWS_EC2_METADATA_DISABLED": "true",
        "CREDENCE_TABLE": "credence-init",
        "DYNAMODB_ENDPOINT": endpoint,
        "JWT_ISSUER": "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_init",
        "JWT_AUDIENCE": "init",
        "JWKS_URL": f"http://127.0.0.1:{port}/jwks.json",
        "LOG_FORMAT": "json",
        "RUST_LOG": "info",
    }
    results = []
    for _ in range(runs):
        run = Run()
        run_box[0] = run
        run.started = time.perf_counter()
        proc = subprocess.Popen([binary], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        run.pid = proc.pid
        if not run.done.wait(20):
            proc.kill()
            err = proc.stderr.read().decode(errors="replace")
            sys.exit(f"{binary} did not get ready and answer within 20 s:\n{err}")
        proc.kill()
        proc.wait()
        status = (run.answer or {}).get("statusCode")
        # The office serves no /health: its 404 problem is an answer all the same.
        if not isinstance(status, int) or status >= 500:
            sys.exit(f"GET /health answered {run.answer!r}")
        results.append(run)
    init = [(r.ready - r.started) * 1000 for r in results]
    print(f"{binary}: {runs} cold starts, GET /health answered {status} each time")
    print(f"  init (spawn to first invocation/next): median {statistics.median(init):.1f} ms, "
          f"min {min(init):.1f}, max {max(init):.1f}")
    mb = lambda kb: kb / 1024
    print(f"  resident when ready: median {mb(statistics.median(r.rss_ready for r in results)):.1f} MB")
    print(f"  resident after one request: median {mb(statistics.median(r.rss_after for r in results)):.1f} MB, "
          f"peak (VmHWM) max {mb(max(r.hwm_after for r in results)):.1f} MB")
    print(f"  binary: {os.path.getsize(binary) / 1e6:.1f} MB")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
