#!/usr/bin/env node
// The Node launcher: runs kplay.wasm (the `kplay` command built for wasm32-wasip1) with Node's
// built-in WASI. It mirrors packaging/python/src/kplay/_launcher.py: the same preopens (the
// working directory as `.`, and the directory of each path argument outside it under the name
// written), the same environment variables, and the exit code passed through.

import { readFileSync, existsSync, statSync } from "node:fs";
import path from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";

// node:wasi prints an ExperimentalWarning when loaded; it would make kplay's standard error
// differ from the native build's. Other warnings still print.
process.removeAllListeners("warning");
process.on("warning", (w) => {
  if (w.name !== "ExperimentalWarning") process.stderr.write(`${w.name}: ${w.message}\n`);
});
const { WASI } = await import("node:wasi");

const EXIT_INTERNAL = 3;
const PASSED_ENV = new Set(["NO_COLOR", "CLICOLOR", "CLICOLOR_FORCE", "TERM", "COLUMNS"]);

/** Arguments that may name files: positionals and the values of `--option=value`. */
export function pathArguments(args) {
  const out = [];
  let onlyPositionals = false;
  for (const arg of args) {
    if (onlyPositionals || arg === "-" || !arg.startsWith("-")) out.push(arg);
    else if (arg === "--") onlyPositionals = true;
    else if (arg.startsWith("--") && arg.includes("=")) out.push(arg.slice(arg.indexOf("=") + 1));
  }
  return out;
}

function leavesCwd(guest) {
  if (path.isAbsolute(guest)) return true;
  return path.normalize(guest).split(path.sep)[0] === "..";
}

/** Guest name -> host directory, as in the Python launcher's `preopens`. */
export function preopens(args, cwd) {
  const dirs = { ".": cwd };
  for (const arg of pathArguments(args)) {
    if (arg === "" || arg === "-") continue;
    const host = path.resolve(cwd, arg);
    let guest;
    if (existsSync(host) && statSync(host).isDirectory()) {
      guest = arg;
    } else {
      guest = path.dirname(arg);
      if (!existsSync(host) && !existsSync(path.resolve(cwd, guest))) continue;
    }
    guest = guest.length > 1 ? guest.replace(/[/\\]+$/, "") || guest[0] : guest || ".";
    if (!leavesCwd(guest)) continue;
    if (!(guest in dirs)) dirs[guest] = path.resolve(cwd, guest);
  }
  return dirs;
}

function main() {
  const args = process.argv.slice(2);
  const wasmPath = process.env.KPLAY_WASM || fileURLToPath(new URL("../kplay.wasm", import.meta.url));
  let bytes;
  try {
    bytes = readFileSync(wasmPath);
  } catch (e) {
    process.stderr.write(`error: cannot read ${wasmPath}: ${e.message}\n`);
    return EXIT_INTERNAL;
  }
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => PASSED_ENV.has(k) || k.startsWith("KPLAY_")));
  const wasi = new WASI({ version: "preview1", args: ["kplay", ...args], env, preopens: preopens(args, process.cwd()), returnOnExit: true });
  try {
    const module = new WebAssembly.Module(bytes);
    const instance = new WebAssembly.Instance(module, wasi.getImportObject());
    return wasi.start(instance) ?? 0;
  } catch (e) {
    process.stderr.write(`error: internal error in kplay (the WebAssembly module trapped; this is a bug, please report it):\n${e}\n`);
    return EXIT_INTERNAL;
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  process.exitCode = main();
}
