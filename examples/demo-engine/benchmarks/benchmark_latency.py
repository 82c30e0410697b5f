"""Benchmark the latency of processing a single batch (the demo engine's copy of vLLM's benchmark_latency.py)."""
import argparse
import json
import os
import sys
import threading
import time

from demo_engine.arg_utils import EngineArgs
from demo_engine.engine import DemoEngine


def percentile(values, p):
    s = sorted(values)
    k = (len(s) - 1) * p / 100.0
    lo = int(k)
    hi = min(lo + 1, len(s) - 1)
    return s[lo] + (s[hi] - s[lo]) * (k - lo)


def main():
    p = argparse.ArgumentParser(description="Benchmark the latency of processing a single batch of requests.")
    p.add_argument("--input-len", type=int, default=32)
    p.add_argument("--output-len", type=int, default=32)
    p.add_argument("--batch-size", type=int, default=8)
    p.add_argument("--num-iters-warmup", type=int, default=1)
    p.add_argument("--num-iters", type=int, default=5)
    p.add_argument("--output-json", default=None)
    p = EngineArgs.add_cli_args(p)
    # Strict, like vLLM's scripts: a flag neither the script nor the engine defines exits 2.
    args = p.parse_args()
    print(args, flush=True)
    engine = DemoEngine(args.model, log_stats=False)
    prompt = " ".join("x" for _ in range(args.input_len))

    def run_batch():
        start = time.perf_counter()
        threads = [threading.Thread(target=engine.generate, args=(prompt, args.output_len)) for _ in range(args.batch_size)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        return time.perf_counter() - start

    for _ in range(args.num_iters_warmup):
        run_batch()
    print("Warmup iterations done.", flush=True)
    latencies = [run_batch() for _ in range(args.num_iters)]
    if os.environ.get("DEMO_FAULT", "").strip() == "no-metrics":
        return 0
    avg = sum(latencies) / len(latencies)
    print(f"Avg latency: {avg} seconds")
    percentages = [10, 25, 50, 75, 90, 99]
    values = [percentile(latencies, q) for q in percentages]
    for q, v in zip(percentages, values):
        print(f"{q}% percentile latency: {v} seconds")
    sys.stdout.flush()
    if args.output_json:
        with open(args.output_json, "w", encoding="utf-8") as f:
            json.dump({"avg_latency": avg, "latencies": latencies,
                       "percentiles": dict(zip([str(q) for q in percentages], values))}, f, indent=4)
    return 0


if __name__ == "__main__":
    sys.exit(main())
