"""Benchmark online serving throughput (the demo engine's copy of vLLM's benchmark_serving.py).

Sends streaming /v1/completions requests concurrently (one thread per request) and prints vLLM's
v0.6+ result block; with --save-result it writes vLLM's JSON result file.
"""
import argparse
import json
import os
import random
import sys
import threading
import time
import urllib.error
import urllib.request
from datetime import datetime


def percentile(values, p):
    if not values:
        return 0.0
    s = sorted(values)
    k = (len(s) - 1) * p / 100.0
    lo = int(k)
    hi = min(lo + 1, len(s) - 1)
    return s[lo] + (s[hi] - s[lo]) * (k - lo)


def mean(values):
    return sum(values) / len(values) if values else 0.0


def median(values):
    return percentile(values, 50)


def stdev(values):
    if not values:
        return 0.0
    m = mean(values)
    return (sum((v - m) ** 2 for v in values) / len(values)) ** 0.5


def request_once(url, model, prompt, output_len, timeout=60):
    """One streaming request: returns dict(success, ttft, itl, latency, output_tokens, error)."""
    body = json.dumps({"model": model, "prompt": prompt, "max_tokens": output_len, "temperature": 0.0,
                       "stream": True, "ignore_eos": True}).encode()
    req = urllib.request.Request(url, data=body, headers={"Content-Type": "application/json"})
    out = {"success": False, "ttft": 0.0, "itl": [], "latency": 0.0, "output_tokens": 0, "generated_text": "", "error": ""}
    st = time.perf_counter()
    most_recent = st
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            for raw in resp:
                line = raw.decode().strip()
                if not line.startswith("data:"):
                    continue
                data = line[len("data:"):].strip()
                if data == "[DONE]":
                    continue
                chunk = json.loads(data)
                choices = chunk.get("choices") or []
                if not choices:
                    continue
                now = time.perf_counter()
                if out["output_tokens"] == 0:
                    out["ttft"] = now - st
                else:
                    out["itl"].append(now - most_recent)
                most_recent = now
                out["output_tokens"] += 1
                out["generated_text"] += choices[0].get("text", "")
        out["latency"] = most_recent - st
        out["success"] = out["output_tokens"] > 0
        if not out["success"]:
            out["error"] = "Never received a valid chunk to calculate TTFT."
    except (urllib.error.URLError, ConnectionError, OSError, ValueError) as e:
        out["error"] = f"{type(e).__name__}: {e}"
    return out


def main():
    p = argparse.ArgumentParser(description="Benchmark the online serving throughput.")
    p.add_argument("--backend", default="vllm")
    p.add_argument("--base-url", default=None)
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8000)
    p.add_argument("--endpoint", default="/v1/completions")
    p.add_argument("--model", required=True)
    p.add_argument("--dataset-name", default="random")
    p.add_argument("--num-prompts", type=int, default=16)
    p.add_argument("--random-input-len", type=int, default=32)
    p.add_argument("--random-output-len", type=int, default=32)
    p.add_argument("--request-rate", type=float, default=float("inf"))
    p.add_argument("--burstiness", type=float, default=1.0)
    p.add_argument("--max-concurrency", type=int, default=None)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--save-result", action="store_true")
    p.add_argument("--result-dir", default=None)
    p.add_argument("--result-filename", default=None)
    p.add_argument("--percentile-metrics", default="ttft,tpot,itl")
    p.add_argument("--metric-percentiles", default="99")
    p.add_argument("--disable-tqdm", action="store_true")
    p.add_argument("--ignore-eos", action="store_true")
    p.add_argument("--tokenizer", default=None)
    p.add_argument("--trust-remote-code", action="store_true")
    # Strict, like vLLM's client: an engine flag here (--dtype) is an argparse error, exit 2.
    args = p.parse_args()

    random.seed(args.seed)
    base = args.base_url or f"http://{args.host}:{args.port}"
    url = base.rstrip("/") + args.endpoint
    words = ["alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta"]
    prompts = [" ".join(random.choice(words) for _ in range(args.random_input_len)) for _ in range(args.num_prompts)]

    print("Starting initial single prompt test run...", flush=True)
    test = request_once(url, args.model, prompts[0], args.random_output_len)
    if not test["success"]:
        raise ValueError(
            "Initial test run failed - Please make sure benchmark arguments are correctly specified. "
            f"Error: {test['error']}")
    print("Initial test run completed. Starting main benchmark run...", flush=True)
    print(f"Traffic request rate: {args.request_rate}", flush=True)
    print(f"Burstiness factor: {args.burstiness} (Poisson process)", flush=True)
    print(f"Maximum request concurrency: {args.max_concurrency}", flush=True)

    if os.environ.get("DEMO_FAULT", "").strip() == "no-metrics":
        # A benchmark that runs and exits 0 without a result block (e.g. a swallowed exception).
        print("Benchmark finished.", flush=True)
        return 0

    outputs = [None] * len(prompts)
    limiter = threading.Semaphore(args.max_concurrency) if args.max_concurrency else None

    def worker(i):
        if limiter:
            limiter.acquire()
        try:
            outputs[i] = request_once(url, args.model, prompts[i], args.random_output_len)
        finally:
            if limiter:
                limiter.release()

    start = time.perf_counter()
    threads = []
    for i in range(len(prompts)):
        t = threading.Thread(target=worker, args=(i,))
        t.start()
        threads.append(t)
        if args.request_rate != float("inf"):
            time.sleep(random.expovariate(args.request_rate))
    for t in threads:
        t.join()
    duration = time.perf_counter() - start

    ok = [o for o in outputs if o and o["success"]]
    errors = [o["error"] for o in outputs if o and not o["success"]]
    completed = len(ok)
    input_lens = [args.random_input_len for o in outputs]
    total_input = args.random_input_len * completed
    total_output = sum(o["output_tokens"] for o in ok)
    ttfts = [o["ttft"] for o in ok]
    tpots = [(o["latency"] - o["ttft"]) / (o["output_tokens"] - 1) for o in ok if o["output_tokens"] > 1]
    itls = [x for o in ok for x in o["itl"]]
    e2els = [o["latency"] for o in ok]
    if completed == 0:
        print("All requests failed. This is likely due to a misconfiguration on the benchmark arguments.", flush=True)
        for e in errors[:10]:
            print(f"Error: {e}", flush=True)

    selected = args.percentile_metrics.split(",")
    pcts = [float(x) for x in args.metric_percentiles.split(",")]
    series = {"ttft": ttfts, "tpot": tpots, "itl": itls, "e2el": e2els}
    result = {
        "date": datetime.now().strftime("%Y%m%d-%H%M%S"),
        "backend": args.backend, "model_id": args.model, "tokenizer_id": args.model,
        "num_prompts": args.num_prompts, "request_rate": args.request_rate if args.request_rate != float("inf") else "inf",
        "burstiness": args.burstiness, "max_concurrency": args.max_concurrency,
        "duration": duration, "completed": completed,
        "total_input_tokens": total_input, "total_output_tokens": total_output,
        "request_throughput": completed / duration, "request_goodput": None,
        "output_throughput": total_output / duration,
        "total_token_throughput": (total_input + total_output) / duration,
        "input_lens": input_lens, "output_lens": [o["output_tokens"] if o else 0 for o in outputs],
        "ttfts": [o["ttft"] if o else 0 for o in outputs], "itls": [o["itl"] if o else [] for o in outputs],
        "generated_texts": [o["generated_text"] if o else "" for o in outputs], "errors": [o["error"] if o else "" for o in outputs],
    }

    print("{s:{c}^{n}}".format(s=" Serving Benchmark Result ", n=50, c="="))
    print("{:<40} {:<10}".format("Successful requests:", completed))
    print("{:<40} {:<10.2f}".format("Benchmark duration (s):", duration))
    print("{:<40} {:<10}".format("Total input tokens:", total_input))
    print("{:<40} {:<10}".format("Total generated tokens:", total_output))
    print("{:<40} {:<10.2f}".format("Request throughput (req/s):", result["request_throughput"]))
    print("{:<40} {:<10.2f}".format("Output token throughput (tok/s):", result["output_throughput"]))
    print("{:<40} {:<10.2f}".format("Total Token throughput (tok/s):", result["total_token_throughput"]))

    headers = {"ttft": ("TTFT", "Time to First Token"), "tpot": ("TPOT", "Time per Output Token (excl. 1st token)"),
               "itl": ("ITL", "Inter-token Latency"), "e2el": ("E2EL", "End-to-end Latency")}
    for attr in ("ttft", "tpot", "itl", "e2el"):
        ms = [v * 1000 for v in series[attr]]
        result[f"mean_{attr}_ms"] = mean(ms)
        result[f"median_{attr}_ms"] = median(ms)
        result[f"std_{attr}_ms"] = stdev(ms)
        for pc in pcts:
            word = str(int(pc)) if int(pc) == pc else str(pc)
            result[f"p{word}_{attr}_ms"] = percentile(ms, pc)
        if attr not in selected:
            continue
        name, header = headers[attr]
        print("{s:{c}^{n}}".format(s=header, n=50, c="-"))
        print("{:<40} {:<10.2f}".format(f"Mean {name} (ms):", result[f"mean_{attr}_ms"]))
        print("{:<40} {:<10.2f}".format(f"Median {name} (ms):", result[f"median_{attr}_ms"]))
        for pc in pcts:
            word = str(int(pc)) if int(pc) == pc else str(pc)
            print("{:<40} {:<10.2f}".format(f"P{word} {name} (ms):", result[f"p{word}_{attr}_ms"]))
    print("=" * 50, flush=True)

    if args.save_result:
        name = args.result_filename or f"{args.backend}-{args.request_rate}qps-{args.model}-{result['date']}.json"
        if args.result_dir:
            os.makedirs(args.result_dir, exist_ok=True)
            name = os.path.join(args.result_dir, name)
        with open(name, "w", encoding="utf-8") as f:
            json.dump(result, f)
    return 0


if __name__ == "__main__":
    sys.exit(main())
