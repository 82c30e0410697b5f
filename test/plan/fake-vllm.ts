/**
 * A tiny engine tree with the shapes of vLLM's parsers (written here, not copied): a serving
 * client with its own FlexibleArgumentParser, engine flags added through
 * `AsyncEngineArgs.add_cli_args(parser)` (a subclass calling `EngineArgs.add_cli_args`), an OpenAI
 * server whose `make_arg_parser()` lives in another module, a frontend dataclass whose fields
 * become flags in a loop, BooleanOptionalAction, a `vllm bench serve` subcommand, and 2023's
 * `/generate` client that has no --model and requires --tokenizer and --dataset.
 */

export const ARG_UTILS = (extra = '') => `import argparse
from dataclasses import dataclass


@dataclass
class EngineArgs:
    model: str = "facebook/opt-125m"

    @staticmethod
    def add_cli_args(parser):
        parser.add_argument("--model", type=str, default="facebook/opt-125m")
        parser.add_argument("--tokenizer", type=str, default=None)
        parser.add_argument("--dtype", type=str, default="auto",
                            choices=["auto", "half", "float16", "bfloat16"])
        parser.add_argument("--tensor-parallel-size", "-tp", type=int, default=1)
        parser.add_argument("--pipeline-parallel-size", "-pp", type=int, default=1)
        parser.add_argument("--trust-remote-code", action="store_true")
        parser.add_argument(
            "--enable-prefix-caching",
            action=argparse.BooleanOptionalAction,
            help="""Prefix caching.
Continued help at column zero.""")
        parser.add_argument("--max-model-len", type=int, default=None)${extra}
        return parser


class AsyncEngineArgs(EngineArgs):

    @staticmethod
    def add_cli_args(parser):
        parser = EngineArgs.add_cli_args(parser)
        parser.add_argument("--disable-log-requests", action="store_true")
        return parser
`;

export const CLI_ARGS = `from dataclasses import dataclass
from vllm.engine.arg_utils import AsyncEngineArgs, get_kwargs
from vllm.utils import FlexibleArgumentParser


@dataclass
class FrontendArgs:
    """Arguments of the OpenAI-compatible server."""
    host: str = "127.0.0.1"
    """The host."""
    port: int = 8000
    disable_uvicorn_access_log: bool = False

    @staticmethod
    def add_cli_args(parser):
        frontend_kwargs = get_kwargs(FrontendArgs)
        for key, value in frontend_kwargs.items():
            parser.add_argument(f"--{key.replace('_', '-')}", **value)
        return parser


def make_arg_parser():
    parser = FlexibleArgumentParser(description="server")
    parser = FrontendArgs.add_cli_args(parser)
    parser.add_argument("--served-model-name", type=str, default=None)
    parser = AsyncEngineArgs.add_cli_args(parser)
    return parser
`;

export const API_SERVER = `from vllm.entrypoints.openai.cli_args import make_arg_parser

if __name__ == "__main__":
    parser = make_arg_parser()
    args = parser.parse_args()
`;

export const SERVING_CLIENT = (extra = '') => `import argparse
from vllm.utils import FlexibleArgumentParser

if __name__ == "__main__":
    parser = FlexibleArgumentParser(description="serving benchmark")
    parser.add_argument("--backend", type=str, default="vllm")
    parser.add_argument("--host", type=str, default="localhost")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--endpoint", type=str, default="/v1/completions")
    parser.add_argument("--model", type=str, required=True)
    parser.add_argument("--tokenizer", type=str)
    parser.add_argument("--dataset-name", type=str, default="sharegpt")
    parser.add_argument("--dataset-path", type=str, default=None)
    parser.add_argument("--num-prompts", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--trust-remote-code", action="store_true")${extra}
    args = parser.parse_args()
`;

export const LATENCY = `import argparse
from vllm.engine.arg_utils import EngineArgs
from vllm.utils import FlexibleArgumentParser

if __name__ == "__main__":
    parser = FlexibleArgumentParser(description="latency")
    parser.add_argument("--input-len", type=int, default=32)
    parser.add_argument("--batch-size", type=int, default=8)
    parser = EngineArgs.add_cli_args(parser)
    args = parser.parse_args()
`;

export const THROUGHPUT = `from vllm.engine.arg_utils import AsyncEngineArgs
from vllm.utils import FlexibleArgumentParser

if __name__ == "__main__":
    parser = FlexibleArgumentParser(description="throughput")
    parser.add_argument("--input-len", type=int, default=None)
    parser.add_argument("--output-len", type=int, default=None)
    parser = AsyncEngineArgs.add_cli_args(parser)
    args = parser.parse_args()
`;

/** 2023: posts to /generate, no --model, --tokenizer and --dataset required. */
export const CLIENT_2023 = `import argparse

def main(args):
    api_url = f"http://{args.host}:{args.port}/generate"

if __name__ == "__main__":
    parser = argparse.ArgumentParser(description="serving")
    parser.add_argument("--backend", type=str, default="vllm", choices=["vllm", "tgi"])
    parser.add_argument("--host", type=str, default="localhost")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--dataset", type=str, required=True)
    parser.add_argument("--tokenizer", type=str, required=True)
    parser.add_argument("--num-prompts", type=int, default=1000)
    main(parser.parse_args())
`;

export const GENERATE_SERVER_2023 = `import argparse
from vllm.engine.arg_utils import AsyncEngineArgs

if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--host", type=str, default=None)
    parser.add_argument("--port", type=int, default=8000)
    parser = AsyncEngineArgs.add_cli_args(parser)
    args = parser.parse_args()
`;

export const BENCH_SERVE_SUBCOMMAND = `from vllm.benchmarks.serve import add_cli_args, main


class BenchmarkServingSubcommand:
    name = "serve"

    @classmethod
    def add_cli_args(cls, parser):
        add_cli_args(parser)
`;

export const BENCH_SERVE_ARGS = `def add_cli_args(parser):
    parser.add_argument("--host", type=str, default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--model", type=str, required=True)
    parser.add_argument("--dataset-name", type=str, default="random")
    parser.add_argument("--random-input-len", type=int, default=1024)
`;

export const CLI_MAIN = `from vllm.utils import FlexibleArgumentParser

def main():
    parser = FlexibleArgumentParser(description="vLLM CLI")
`;

/** The files of a tree: the shape vLLM 0.5/0.6 has (api_server module, FlexibleArgumentParser). */
export function tree054(extraEngineFlag = ''): Record<string, string> {
  return {
    'vllm/version.py': '__version__ = "0.5.4"\n',
    'vllm/engine/arg_utils.py': ARG_UTILS(extraEngineFlag),
    'vllm/entrypoints/openai/cli_args.py': CLI_ARGS,
    'vllm/entrypoints/openai/api_server.py': API_SERVER,
    'benchmarks/benchmark_serving.py': SERVING_CLIENT(),
    'benchmarks/benchmark_latency.py': LATENCY,
  };
}

export const reader = (files: Record<string, string>) => (path: string) => files[path] ?? null;
