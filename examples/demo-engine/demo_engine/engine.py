"""The generation loop shared by the server and the offline benchmarks, and the fault knobs."""
import os
import sys
import threading
import time

from . import speed


class OutOfMemoryError(RuntimeError):
    """Shaped like torch's, so the traceback reads like a real CUDA OOM."""


OutOfMemoryError.__module__ = "torch"
OutOfMemoryError.__qualname__ = "OutOfMemoryError"


def fault():
    """The fault requested through DEMO_FAULT ('' when none)."""
    return os.environ.get("DEMO_FAULT", "").strip()


def _allocate_kv_cache(num_blocks):
    if fault() == "oom":
        raise OutOfMemoryError(
            "CUDA out of memory. Tried to allocate 2.00 GiB. GPU 0 has a total capacity of 79.15 GiB "
            "of which 1.06 GiB is free. Including non-PyTorch memory, this process has 78.07 GiB memory "
            "in use. Of the allocated memory 75.43 GiB is allocated by PyTorch, and 1.21 GiB is reserved "
            "by PyTorch but unallocated. If reserved but unallocated memory is large try setting "
            "PYTORCH_CUDA_ALLOC_CONF=expandable_segments:True to avoid fragmentation.  See documentation "
            "for Memory Management  (https://pytorch.org/docs/stable/notes/cuda.html#environment-variables)"
        )
    return [0] * num_blocks


def _load_model(model):
    if fault() == "exit-at-start":
        raise RuntimeError(
            "Engine core initialization failed. See root cause above. Failed core proc(s): {}"
        )
    return {"name": model}


def log(msg, level="INFO", where="engine.py"):
    stamp = time.strftime("%m-%d %H:%M:%S")
    print(f"{level} {stamp} [{where}] {msg}", flush=True)


def count_tokens(prompt):
    if isinstance(prompt, list):
        return len(prompt)
    return len(str(prompt).split())


class DemoEngine:
    def __init__(self, model, log_stats=True):
        log(f"Initializing a demo engine with config: model={model!r}, dtype=float32, device=cpu, seed=0")
        self.model = _load_model(model)
        log(f"Loading model weights took 0.0000 GB and {0.01:.6f} seconds", where="model_runner.py")
        self.kv_cache = _allocate_kv_cache(1024)
        log("# cpu blocks: 1024, # GPU blocks: 0", where="executor_base.py")
        self.model_name = model
        self.lock = threading.Lock()
        self.running = 0
        self.prompt_tokens = 0
        self.generated_tokens = 0
        self.finished = 0
        self._stop = threading.Event()
        if log_stats:
            threading.Thread(target=self._log_stats, daemon=True).start()

    def generate(self, prompt, max_tokens, on_token=None):
        """Generates max_tokens tokens; calls on_token(index, text) for each; returns (texts, prompt_tokens)."""
        n_prompt = count_tokens(prompt)
        with self.lock:
            self.running += 1
            self.prompt_tokens += n_prompt
        try:
            time.sleep(speed.PREFILL_DELAY_S_PER_TOKEN * n_prompt)
            texts = []
            for i in range(max_tokens):
                if i > 0:
                    time.sleep(speed.TOKEN_DELAY_S)
                text = f" tok{i}"
                texts.append(text)
                with self.lock:
                    self.generated_tokens += 1
                if on_token is not None:
                    on_token(i, text)
            return texts, n_prompt
        finally:
            with self.lock:
                self.running -= 1
                self.finished += 1

    def _log_stats(self, interval=1.0):
        last_prompt, last_gen, last_t = 0, 0, time.monotonic()
        while not self._stop.wait(interval):
            with self.lock:
                p, g, running = self.prompt_tokens, self.generated_tokens, self.running
            now = time.monotonic()
            dt = max(now - last_t, 1e-9)
            if p != last_prompt or g != last_gen or running:
                # Engine statistics: not a benchmark result, and a parser must not take it for one.
                log(
                    f"Avg prompt throughput: {(p - last_prompt) / dt:.1f} tokens/s, "
                    f"Avg generation throughput: {(g - last_gen) / dt:.1f} tokens/s, "
                    f"Running: {running} reqs, Swapped: 0 reqs, Pending: 0 reqs, "
                    f"GPU KV cache usage: 0.0%, CPU KV cache usage: {min(running, 100) / 10:.1f}%.",
                    where="metrics.py",
                )
            last_prompt, last_gen, last_t = p, g, now

    def shutdown(self):
        self._stop.set()
