"""Unit tests of the launcher's pure parts (preopens, environment, cache) and of its cache with a
tiny real module. Run by `cargo xtask test` as `python -m unittest discover packaging/python/tests`.
The end-to-end behaviour (the real kplay.wasm against the native build) is tested from Rust:
crates/kplay_cli/tests/wasi_parity.rs.
"""

import os
import sys
import tempfile
import unittest
from pathlib import Path
from unittest import mock

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from kplay import _launcher as launcher  # noqa: E402


class PathArguments(unittest.TestCase):
    def test_positionals_option_values_and_double_dash(self):
        args = ["check", "--format", "json", "--config=conf/kplay.toml", "-n", "prod", "a.yaml", "--", "-odd.yaml", "-"]
        self.assertEqual(
            list(launcher.path_arguments(args)),
            ["check", "json", "conf/kplay.toml", "prod", "a.yaml", "-odd.yaml", "-"],
        )

    def test_flags_are_not_paths(self):
        self.assertEqual(list(launcher.path_arguments(["--show-defaulted", "-q"])), [])


class WithConfig(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.root = Path(self.tmp.name)
        (self.root / "repo" / "deploy" / "k8s").mkdir(parents=True)
        (self.root / "repo" / "kplay.toml").write_text('kube-version = "1.31"\n')
        self.sub = str(self.root / "repo" / "deploy" / "k8s")

    def tearDown(self):
        self.tmp.cleanup()

    def test_a_config_above_the_working_directory_is_passed_relative(self):
        got = launcher.with_config(["check", "--format", "json", "."], self.sub)
        self.assertEqual(got, ["check", "--config", os.path.join("..", "..", "kplay.toml"), "--format", "json", "."])
        # ... and its directory is preopened under that name.
        self.assertIn((os.path.join("..", ".."), str(self.root / "repo")), launcher.preopens(got, self.sub))

    def test_nothing_added_in_the_config_directory_with_an_explicit_config_or_without_one(self):
        repo = str(self.root / "repo")
        self.assertEqual(launcher.with_config(["check", "."], repo), ["check", "."])
        for explicit in (["check", "--config", "x.toml", "."], ["check", "--config=x.toml", "."]):
            self.assertEqual(launcher.with_config(explicit, self.sub), explicit)
        self.assertEqual(launcher.with_config(["check", "."], str(self.root)), ["check", "."])

    def test_only_subcommands_that_read_the_config(self):
        for args in (["rules"], ["--version"], []):
            self.assertEqual(launcher.with_config(args, self.sub), args)


class Preopens(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        root = Path(self.tmp.name)
        (root / "work" / "k8s").mkdir(parents=True)
        (root / "work" / "k8s" / "a.yaml").write_text("kind: Pod\n")
        (root / "other").mkdir()
        (root / "other" / "b.yaml").write_text("kind: Pod\n")
        self.root = root
        self.cwd = str(root / "work")

    def tearDown(self):
        self.tmp.cleanup()

    def test_inside_the_working_directory_only_dot(self):
        got = launcher.preopens(["check", "k8s", "k8s/a.yaml", "./k8s/../k8s/a.yaml", "-"], self.cwd)
        self.assertEqual(got, [(".", self.cwd)])

    def test_outside_paths_get_their_directory_under_the_written_name(self):
        got = dict(launcher.preopens(["check", "../other/b.yaml", "../other/"], self.cwd))
        self.assertEqual(got["../other"], str(self.root / "other"))
        self.assertEqual(len(got), 2, got)

    def test_absolute_paths_keep_their_name(self):
        absolute = str(self.root / "other" / "b.yaml")
        got = dict(launcher.preopens(["check", absolute], self.cwd))
        self.assertEqual(got[str(self.root / "other")], str(self.root / "other"))

    def test_missing_paths_and_option_values_open_nothing(self):
        got = launcher.preopens(["check", "--kube-version", "1.33", "../nope/x.yaml", "--format=json"], self.cwd)
        self.assertEqual(got, [(".", self.cwd)])

    def test_a_missing_file_in_an_existing_outside_directory_gets_the_directory(self):
        # So the guest reports "no such file", as the native build does.
        got = dict(launcher.preopens(["check", "../other/missing.yaml"], self.cwd))
        self.assertEqual(got.get("../other"), str(self.root / "other"))

    def test_root_directory_keeps_its_separator(self):
        self.assertEqual(launcher.strip_trailing_separators("/"), "/")
        self.assertEqual(launcher.strip_trailing_separators("a/b//"), "a/b")
        self.assertEqual(launcher.strip_trailing_separators(""), "")

    def test_leaves_cwd(self):
        self.assertTrue(launcher.leaves_cwd(".."))
        self.assertTrue(launcher.leaves_cwd("a/../../b"))
        self.assertTrue(launcher.leaves_cwd("/etc"))
        self.assertFalse(launcher.leaves_cwd("a/../b"))
        self.assertFalse(launcher.leaves_cwd("..a"))


class GuestEnvironment(unittest.TestCase):
    def test_only_colour_terminal_and_kplay_variables_pass(self):
        env = {"NO_COLOR": "1", "KPLAY_CONFIG": "x", "AWS_SECRET_ACCESS_KEY": "s", "HOME": "/root", "TERM": "xterm"}
        self.assertEqual(launcher.guest_env(env), [("KPLAY_CONFIG", "x"), ("NO_COLOR", "1"), ("TERM", "xterm")])


class Cache(unittest.TestCase):
    def test_key_depends_on_module_and_runtime(self):
        a = launcher.cache_key(b"\0asm", "50.0.1")
        self.assertEqual(a, launcher.cache_key(b"\0asm", "50.0.1"))
        self.assertNotEqual(a, launcher.cache_key(b"\0asm!", "50.0.1"))
        self.assertNotEqual(a, launcher.cache_key(b"\0asm", "51.0.0"))

    def test_cache_dir_override_and_xdg(self):
        with mock.patch.dict(os.environ, {"KPLAY_CACHE_DIR": "/c/k"}):
            self.assertEqual(launcher.cache_dir(), Path("/c/k"))
        if os.name != "nt":
            env = {k: v for k, v in os.environ.items() if k != "KPLAY_CACHE_DIR"}
            env["XDG_CACHE_HOME"] = "/xdg"
            with mock.patch.dict(os.environ, env, clear=True):
                self.assertEqual(launcher.cache_dir(), Path("/xdg/kplay"))

    def test_compiles_caches_and_recovers_from_a_corrupt_entry(self):
        import wasmtime

        wasm_bytes = wasmtime.wat2wasm('(module (func (export "answer") (result i32) i32.const 42))')
        with tempfile.TemporaryDirectory() as tmp, mock.patch.dict(os.environ, {"KPLAY_CACHE_DIR": tmp}):
            wasm = Path(tmp) / "m.wasm"
            wasm.write_bytes(wasm_bytes)
            engine = wasmtime.Engine()

            def answer():
                module = launcher.load_module(wasmtime, engine, wasm)
                store = wasmtime.Store(engine)
                return wasmtime.Instance(store, module, []).exports(store)["answer"](store)

            self.assertEqual(answer(), 42)
            entries = list(Path(tmp).glob("kplay-*.cwasm"))
            self.assertEqual(len(entries), 1, "one compiled module cached")
            self.assertEqual(answer(), 42, "served from the cache")
            entries[0].write_bytes(b"not a compiled module")
            self.assertEqual(answer(), 42, "a corrupt entry is compiled again")
            self.assertGreater(entries[0].stat().st_size, 100, "and replaced")
            self.assertEqual([p.name for p in Path(tmp).iterdir() if p.name.startswith(".")], [], "no temporary files left")


if __name__ == "__main__":
    unittest.main()
