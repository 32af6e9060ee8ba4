// Bundles web/editor/index.js with the pinned esbuild into web/editor/dist/kplay-editor.js,
// which index.html copies into dist/. Run by `cargo xtask build` before trunk.
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';

const here = (p) => fileURLToPath(new URL(p, import.meta.url));

await build({
  entryPoints: [here('./index.js')],
  outfile: here('./dist/kplay-editor.js'),
  bundle: true,
  minify: true,
  format: 'iife',
  target: ['es2020'],
  legalComments: 'none',
  logLevel: 'warning',
});
