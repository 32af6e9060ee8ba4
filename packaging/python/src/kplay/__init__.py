"""kplay: checks Kubernetes manifests exactly as the API server would.

This package is a launcher: it runs the `kplay` command, compiled to WebAssembly (kplay.wasm),
in the wasmtime runtime. `kplay check k8s/` on the command line, or `kplay.run([...])` here.
"""

from ._launcher import main, run

__all__ = ["main", "run"]
