"""The launcher: runs kplay.wasm (the `kplay` command built for wasm32-wasip1) in wasmtime.

The guest sees only what it needs: the working directory as `.` and, for each path argument
outside it, the directory holding that path under the name the argument uses, all read-only.
Arguments, standard input, standard output, standard error and the exit code pass straight
through, so `kplay` behaves exactly like the native build (the repository's tests compare them
byte for byte).

Compiling the module takes seconds, so the compiled code is cached per user (see `cache_dir`)
and later runs only map it in.
"""

from __future__ import annotations

import hashlib
import os
import platform
import signal
import sys
import tempfile
from pathlib import Path
from typing import Dict, Iterable, List, Optional, Sequence, Tuple

#: Exit code for a failure of kplay itself, equal to the CLI's `exit::INTERNAL`.
EXIT_INTERNAL = 3

#: Environment variables the guest may read; everything else stays on the host (CI
#: environments hold secrets the linter has no business seeing).
PASSED_ENV = ("NO_COLOR", "CLICOLOR", "CLICOLOR_FORCE", "TERM", "COLUMNS")
PASSED_ENV_PREFIX = "KPLAY_"

#: The configuration file the CLI looks for (crates/kplay_cli/src/config.rs, `FILE_NAME`).
CONFIG_FILE = "kplay.toml"

#: Subcommands that read the configuration (they take `--config`).
CONFIG_SUBCOMMANDS = ("check", "get", "dns", "proxy-rules", "trace", "simulate")

#: The wasmtime version the package pins (pyproject.toml), part of the cache key. Asking the
#: installed metadata instead costs a noticeable part of the start-up; wasmtime itself rejects
#: a compiled module from another version, which is then compiled again.
WASMTIME_VERSION = "50.0.1"


def bundled_wasm() -> Path:
    """The module to run: `KPLAY_WASM` if set (for testing a fresh build), else the bundled one."""
    override = os.environ.get("KPLAY_WASM")
    return Path(override) if override else Path(__file__).with_name("kplay.wasm")


def main(argv: Optional[Sequence[str]] = None) -> None:
    """Console-script entry point: `kplay ARGS...`."""
    args = list(sys.argv[1:] if argv is None else argv)
    sys.exit(run(args))


def run(args: Sequence[str], cwd: Optional[str] = None) -> int:
    """Runs kplay with `args` in the working directory `cwd`; returns its exit code."""
    try:
        import wasmtime
    except ImportError as e:  # pragma: no cover - only without the dependency installed
        return fail(f"the wasmtime package is missing ({e}); reinstall kplay")

    wasm = bundled_wasm()
    if not wasm.is_file():
        return fail(f"{wasm} is missing; this kplay package is incomplete (build it with `cargo xtask wheel`)")
    cwd = os.getcwd() if cwd is None else cwd

    engine = wasmtime.Engine()
    try:
        module = load_module(wasmtime, engine, wasm)
    except (OSError, wasmtime.WasmtimeError) as e:
        return fail(f"cannot load {wasm}: {e}")

    args = with_config(args, cwd)
    config = wasmtime.WasiConfig()
    config.argv = ["kplay", *args]
    config.env = guest_env(os.environ)
    config.inherit_stdin()
    config.inherit_stdout()
    config.inherit_stderr()
    for guest, host in preopens(args, cwd):
        # fs_mutable=False: the directory and its files are read-only for the guest.
        config.preopen_dir(host, guest, False)

    store = wasmtime.Store(engine)
    store.set_wasi(config)
    linker = wasmtime.Linker(engine)
    linker.define_wasi()
    sys.stdout.flush()
    sys.stderr.flush()
    # The guest runs inside one foreign call, where Python cannot deliver KeyboardInterrupt:
    # let Ctrl-C end the process at once, like the native command.
    if hasattr(signal, "SIGINT"):
        signal.signal(signal.SIGINT, signal.SIG_DFL)
    try:
        instance = linker.instantiate(store, module)
        start = instance.exports(store)["_start"]
        start(store)
    except wasmtime.ExitTrap as e:
        return e.code
    except wasmtime.WasmtimeError as e:
        # A Rust panic aborts, which traps: the CLI reports internal errors with this code.
        return fail(f"internal error in kplay (the WebAssembly module trapped; this is a bug, please report it):\n{e}")
    return 0


def with_config(args: Sequence[str], cwd: str) -> List[str]:
    """`args` with `--config PATH` added when the native build would find a kplay.toml above the
    working directory: the guest sees only its preopened directories, so it cannot look upward
    itself. PATH is relative to `cwd` (`../kplay.toml`), which `preopens` then opens."""
    args = list(args)
    if not args or args[0] not in CONFIG_SUBCOMMANDS:
        return args
    if any(a == "--config" or a.startswith("--config=") for a in args[1:]):
        return args
    if os.path.isfile(os.path.join(cwd, CONFIG_FILE)):
        return args
    here = os.path.abspath(cwd)
    while True:
        parent = os.path.dirname(here)
        if parent == here:
            return args
        here = parent
        if os.path.isfile(os.path.join(here, CONFIG_FILE)):
            found = os.path.relpath(os.path.join(here, CONFIG_FILE), cwd)
            return [args[0], "--config", found, *args[1:]]


def fail(message: str) -> int:
    print(f"error: {message}", file=sys.stderr)
    return EXIT_INTERNAL


def guest_env(environ: Dict[str, str]) -> List[Tuple[str, str]]:
    """The variables of `environ` the guest may see, sorted."""
    return sorted((k, v) for k, v in environ.items() if k in PASSED_ENV or k.startswith(PASSED_ENV_PREFIX))


def path_arguments(args: Sequence[str]) -> Iterable[str]:
    """Arguments that may name files: positionals and the values of `--option=value`.

    Option values given as a separate argument (`--config x.toml`) look like positionals and are
    included too; `preopens` drops values that name no existing file or directory.
    """
    only_positionals = False
    for arg in args:
        if only_positionals or arg == "-" or not arg.startswith("-"):
            yield arg
        elif arg == "--":
            only_positionals = True
        elif arg.startswith("--") and "=" in arg:
            yield arg.split("=", 1)[1]


def preopens(args: Sequence[str], cwd: str) -> List[Tuple[str, str]]:
    """(guest name, host directory) pairs to preopen, sorted by guest name.

    WASI programs open files through preopened directories, matched by the longest prefix of the
    path as written. `.` (the working directory) serves every relative path that stays inside
    it; a path that leaves it (`../x.yaml`) or is absolute gets its own directory under the
    exact name it is written with, so kplay reports the file by the name the user gave.
    """
    dirs: Dict[str, str] = {".": cwd}
    for arg in path_arguments(args):
        if arg in ("", "-"):
            continue
        host = os.path.join(cwd, arg)
        if os.path.isdir(host):
            guest = arg
        else:
            # A missing file still gets its directory, so kplay reports "no such file" as the
            # native build does rather than "not permitted".
            guest = os.path.dirname(arg)
            if not os.path.exists(host) and not os.path.isdir(os.path.join(cwd, guest or ".")):
                continue
        guest = strip_trailing_separators(guest) or "."
        if not leaves_cwd(guest):
            continue
        dirs.setdefault(guest, os.path.normpath(os.path.join(cwd, guest)))
    return sorted(dirs.items())


def strip_trailing_separators(path: str) -> str:
    stripped = path.rstrip("/" + os.sep)
    # The root itself keeps its separator.
    return stripped if stripped or not path else path[0]


def leaves_cwd(guest: str) -> bool:
    """True for an absolute path, or a relative one whose normal form starts with `..`."""
    if os.path.isabs(guest):
        return True
    first = os.path.normpath(guest).split(os.sep, 1)[0]
    return first == os.pardir


def cache_dir() -> Path:
    """Where compiled modules are kept: `KPLAY_CACHE_DIR`, else the user's cache folder."""
    override = os.environ.get("KPLAY_CACHE_DIR")
    if override:
        return Path(override)
    if os.name == "nt":
        base = os.environ.get("LOCALAPPDATA") or str(Path.home() / "AppData" / "Local")
    else:
        base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "kplay"


def cache_key(wasm_bytes: bytes, runtime_version: str) -> str:
    """Names the compiled form of one module for one runtime version on one machine type."""
    h = hashlib.sha256(wasm_bytes)
    h.update(f"\0wasmtime {runtime_version}\0{platform.machine()}\0{sys.platform}".encode())
    return h.hexdigest()[:32]


def load_module(wasmtime, engine, wasm: Path):  # noqa: ANN001 - the wasmtime module and Engine
    """The compiled module, from the cache when possible; compiles and caches it otherwise.

    A cache entry that wasmtime rejects (another runtime version or engine configuration, a
    truncated file) is compiled again and replaced. The cache lives in the user's own folder,
    as trusted as the installed package itself.
    """
    data = wasm.read_bytes()
    cached = cache_dir() / f"kplay-{cache_key(data, WASMTIME_VERSION)}.cwasm"
    if cached.is_file():
        try:
            return wasmtime.Module.deserialize_file(engine, str(cached))
        except wasmtime.WasmtimeError:
            pass
    module = wasmtime.Module(engine, data)
    try:
        cached.parent.mkdir(parents=True, exist_ok=True)
        # Write under a temporary name and rename, so a concurrent run never maps a half file.
        fd, tmp = tempfile.mkstemp(dir=cached.parent, prefix=".kplay-", suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(module.serialize())
            os.replace(tmp, cached)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    except OSError:
        pass  # A read-only home only costs the compile time on every run.
    return module
