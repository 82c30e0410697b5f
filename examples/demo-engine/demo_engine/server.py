"""OpenAI-compatible demo server: python3 -m demo_engine.server --model demo-model --port N [--host H].

GET /health, GET /v1/models, POST /v1/completions (with "stream": true: server-sent events).
Logs like an inference engine: startup lines, access lines and periodic throughput statistics.
"""
import argparse
import json
import os
import signal
import sys
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from . import __version__
from ._commit import COMMIT
from demo_engine.arg_utils import EngineArgs
from .engine import DemoEngine, fault, log


class DemoHTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    # A port held by another process must fail loudly ("Address already in use"), never be shared.
    allow_reuse_port = False
    # socketserver's default backlog (5) drops connections when a benchmark opens many at once.
    request_queue_size = 512


def make_handler(engine, served_model, state):
    class Handler(BaseHTTPRequestHandler):
        server_version = "demo-engine/" + __version__

        def log_message(self, fmt, *args):  # uvicorn-style access log on stdout
            print(f'INFO:     {self.client_address[0]}:{self.client_address[1]} - "{self.requestline}" {args[1] if len(args) > 1 else ""}', flush=True)

        def _json(self, code, payload):
            body = json.dumps(payload).encode()
            self.send_response(code)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self):
            if self.path == "/health":
                if fault() == "never-ready":
                    self._json(503, {"status": "loading"})
                else:
                    self.send_response(200)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
            elif self.path == "/v1/models":
                self._json(200, {
                    "object": "list",
                    "data": [{
                        "id": served_model, "object": "model", "created": int(state["started"]),
                        "owned_by": "demo-engine", "root": served_model, "parent": None, "max_model_len": 4096,
                    }],
                })
            elif self.path == "/version":
                self._json(200, {"version": __version__, "commit": COMMIT})
            else:
                self._json(404, {"object": "error", "message": "Not Found", "type": "NotFoundError", "code": 404})

        def do_POST(self):
            if self.path != "/v1/completions":
                self._json(404, {"object": "error", "message": "Not Found", "type": "NotFoundError", "code": 404})
                return
            try:
                length = int(self.headers.get("Content-Length", "0"))
                req = json.loads(self.rfile.read(length) or b"{}")
            except (ValueError, json.JSONDecodeError) as e:
                self._json(400, {"object": "error", "message": f"invalid JSON: {e}", "type": "BadRequestError", "code": 400})
                return
            model = req.get("model", served_model)
            if model != served_model:
                self._json(404, {"object": "error", "message": f"The model `{model}` does not exist.", "type": "NotFoundError", "code": 404})
                return
            with state["lock"]:
                state["requests"] += 1
                n = state["requests"]
            if fault() == "die-mid-benchmark" and n > state["die_after"]:
                log("Engine background loop has errored: worker process died unexpectedly (demo fault)", level="ERROR", where="async_llm_engine.py")
                print("RuntimeError: Engine loop has died", flush=True)
                os._exit(1)
            max_tokens = int(req.get("max_tokens", 16))
            prompt = req.get("prompt", "")
            rid = "cmpl-" + uuid.uuid4().hex
            created = int(time.time())
            if req.get("stream"):
                self.send_response(200)
                self.send_header("Content-Type", "text/event-stream")
                self.send_header("Cache-Control", "no-cache")
                self.end_headers()

                def send(i, text):
                    chunk = {
                        "id": rid, "object": "text_completion", "created": created, "model": served_model,
                        "choices": [{"index": 0, "text": text, "logprobs": None,
                                     "finish_reason": "length" if i == max_tokens - 1 else None}],
                    }
                    self.wfile.write(b"data: " + json.dumps(chunk).encode() + b"\n\n")
                    self.wfile.flush()

                try:
                    _, n_prompt = engine.generate(prompt, max_tokens, send)
                    usage = {"prompt_tokens": n_prompt, "completion_tokens": max_tokens, "total_tokens": n_prompt + max_tokens}
                    final = {"id": rid, "object": "text_completion", "created": created, "model": served_model, "choices": [], "usage": usage}
                    self.wfile.write(b"data: " + json.dumps(final).encode() + b"\n\n")
                    self.wfile.write(b"data: [DONE]\n\n")
                    self.wfile.flush()
                except (BrokenPipeError, ConnectionResetError):
                    log(f"Aborted request {rid}.", where="async_llm_engine.py")
            else:
                texts, n_prompt = engine.generate(prompt, max_tokens)
                self._json(200, {
                    "id": rid, "object": "text_completion", "created": created, "model": served_model,
                    "choices": [{"index": 0, "text": "".join(texts), "logprobs": None, "finish_reason": "length"}],
                    "usage": {"prompt_tokens": n_prompt, "completion_tokens": max_tokens, "total_tokens": n_prompt + max_tokens},
                })

    return Handler


def main(argv=None):
    parser = argparse.ArgumentParser(prog="demo_engine.server", description="demo OpenAI-compatible server")
    parser.add_argument("--served-model-name", default=None)
    parser.add_argument("--host", default="0.0.0.0")
    parser.add_argument("--port", type=int, default=8000)
    parser = EngineArgs.add_cli_args(parser)
    # Strict, like vLLM: a flag that is neither the server's nor the engine's exits 2.
    args = parser.parse_args(argv)
    log(f"demo-engine API server version {__version__} (commit {COMMIT})", where="api_server.py")
    log(f"args: {vars(args)}", where="api_server.py")
    served = args.served_model_name or args.model
    engine = DemoEngine(args.model)
    state = {"lock": threading.Lock(), "requests": 0, "started": time.time(),
             "die_after": int(os.environ.get("DEMO_FAULT_AFTER", "4"))}
    httpd = DemoHTTPServer((args.host, args.port), make_handler(engine, served, state))

    def on_term(signum, frame):
        log("Shutting down (signal %d)" % signum, where="api_server.py")
        sys.stdout.flush()
        os._exit(0)

    signal.signal(signal.SIGTERM, on_term)
    signal.signal(signal.SIGINT, on_term)
    log(f"Starting vLLM-compatible API server on http://{args.host}:{args.port}", where="launcher.py")
    log("Available routes are: /health, /v1/models, /v1/completions", where="launcher.py")
    print("INFO:     Started server process [%d]" % os.getpid(), flush=True)
    print("INFO:     Application startup complete.", flush=True)
    print(f"INFO:     Uvicorn running on http://{args.host}:{args.port} (Press CTRL+C to quit)", flush=True)
    httpd.serve_forever(poll_interval=0.2)


if __name__ == "__main__":
    main()
