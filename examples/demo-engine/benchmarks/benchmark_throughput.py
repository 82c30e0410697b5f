"""Benchmark offline inference throughput (the demo engine's copy of vLLM's benchmark_throughput.py)."""
import argparse
import json
import os
import random
import sys
import threading
import time

from demo_engine.arg_utils import EngineArgs
from demo_engine.engine import DemoEngine


def main():
    p = argparse.ArgumentParser(description="Benchmark the throughput.")
    p.add_argument("--backend", default="vllm")
    p.add_argument("--dataset", default=None)
    p.add_argument("--input-len", type=int, default=32)
    p.add_argument("--output-len", type=int, default=32)
    p.add_argument("--num-prompts", type=int, default=16)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--output-json", default=None)
    p = EngineArgs.add_cli_args(p)
    # Strict, like vLLM's scripts: a flag neither the script nor the engine defines exits 2.
    args = p.parse_args()
    print(args, flush=True)
    random.seed(args.seed)
    engine = DemoEngine(args.model, log_stats=False)
    prompts = [" ".join("x" for _ in range(args.input_len)) for _ in range(args.num_prompts)]

    start = time.perf_counter()
    threads = [threading.Thread(target=engine.generate, args=(pr, args.output_len)) for pr in prompts]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - start
    print(f"Processed prompts: 100%|##########| {args.num_prompts}/{args.num_prompts} [00:00<00:00, "
          f"est. speed input: {args.input_len * args.num_prompts / elapsed:.2f} toks/s, "
          f"output: {args.output_len * args.num_prompts / elapsed:.2f} toks/s]", flush=True)
    if os.environ.get("DEMO_FAULT", "").strip() == "no-metrics":
        return 0
    total_prompt = args.input_len * args.num_prompts
    total_output = args.output_len * args.num_prompts
    total = total_prompt + total_output
    print(f"Throughput: {args.num_prompts / elapsed:.2f} requests/s, "
          f"{total / elapsed:.2f} total tokens/s, {total_output / elapsed:.2f} output tokens/s")
    print(f"Total num prompt tokens:  {total_prompt}")
    print(f"Total num output tokens:  {total_output}", flush=True)
    if args.output_json:
        with open(args.output_json, "w", encoding="utf-8") as f:
            json.dump({"elapsed_time": elapsed, "num_requests": args.num_prompts, "total_num_tokens": total,
                       "requests_per_second": args.num_prompts / elapsed, "tokens_per_second": total / elapsed}, f, indent=4)
    return 0


if __name__ == "__main__":
    sys.exit(main())
