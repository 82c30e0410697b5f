"""Engine arguments of the demo engine, shaped like vLLM's vllm/engine/arg_utils.py: the server
and the offline benchmarks add them to their parser with `EngineArgs.add_cli_args(parser)`, and an
argument neither the script nor the engine defines is an argparse error (exit 2), as in vLLM. The
demo accepts these flags and ignores the ones it has no use for (one CPU "GPU")."""
import argparse


class EngineArgs:
    @staticmethod
    def add_cli_args(parser):
        parser.add_argument("--model", type=str, default="demo-model")
        parser.add_argument("--tokenizer", type=str, default=None)
        parser.add_argument("--dtype", type=str, default="auto",
                            choices=["auto", "half", "float16", "bfloat16", "float", "float32"])
        parser.add_argument("--tensor-parallel-size", "-tp", type=int, default=1)
        parser.add_argument("--pipeline-parallel-size", "-pp", type=int, default=1)
        parser.add_argument("--max-model-len", type=int, default=None)
        parser.add_argument("--trust-remote-code", action="store_true")
        parser.add_argument("--load-format", type=str, default="auto")
        parser.add_argument("--enforce-eager", action="store_true")
        parser.add_argument("--enable-prefix-caching", action=argparse.BooleanOptionalAction, default=None)
        parser.add_argument("--disable-log-stats", action="store_true")
        return parser
