// Trunk post_build hook (Trunk.toml): moves the inline module script that Trunk writes into
// index.html (it imports the wasm-bindgen JS and starts the wasm) into a file of its own,
// kplay-start-<hash>.js, so the page's Content-Security-Policy can say `script-src 'self'`
// without 'unsafe-inline' or a per-build hash. Fails the build if index.html would still hold
// an inline script or an inline event handler, which the policy would block.
//
// It also writes the analysis worker's script, kplay-worker-<hash>.js (web/src/worker.rs): a
// module worker that starts the same wasm-bindgen JS and wasm the loader starts (the browser
// fetches them once), and tells the page its URL through `window.kplayWorkerUrl`.
//
// And it writes embed.html, the page web/embed/embed.js frames: index.html with the policy's
// 'self' widened to the schemes http: and https: (EMBED_SOURCES below). The frame is sandboxed
// without allow-same-origin, so its document has an opaque origin; WebKit (Safari's engine) matches
// 'self' against that opaque origin, which no URL has, and refused every script, stylesheet and
// fetch of the page: the frames stayed blank (tests/webdriver/, WebKitGTK 2.50). Chromium and
// Firefox match 'self' against the page's own URL. Where the playground is hosted is unknown
// when it is built, so the embed page cannot name its origin; docs/security.md weighs this.
import { createHash } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

const staging = process.env.TRUNK_STAGING_DIR;
if (!staging) {
  console.error('start-script.mjs runs as a Trunk hook (TRUNK_STAGING_DIR is not set)');
  process.exit(1);
}
const publicUrl = process.env.TRUNK_PUBLIC_URL || '/';
const indexPath = join(staging, 'index.html');
let html = await readFile(indexPath, 'utf8');

const INLINE = /<script(?![^>]*\ssrc=)([^>]*)>([\s\S]*?)<\/script>/g;
const GLUE = /\bfrom\s*(['"])([^'"]+\.js)\1/;
const WASM = /module_or_path\s*:\s*(['"])([^'"]+\.wasm)\1/;
let moved = 0;
let workers = 0;
const files = [];
html = html.replace(INLINE, (whole, attrs, body) => {
  if (body.trim() === '') return whole;
  if (!/type\s*=\s*["']?module/.test(attrs)) {
    console.error(`start-script.mjs: an inline classic script in index.html cannot be moved safely:\n${whole.slice(0, 200)}`);
    process.exit(1);
  }
  const glue = body.match(GLUE);
  const wasm = body.match(WASM);
  if (glue && wasm) {
    const worker =
      '// kplay\'s analysis worker (web/src/worker.rs): the page\'s own wasm, started again here.\n' +
      `import init from ${JSON.stringify(glue[2])};\n` +
      `await init({ module_or_path: ${JSON.stringify(wasm[2])} });\n`;
    const workerName = `kplay-worker-${createHash('sha256').update(worker).digest('hex').slice(0, 16)}.js`;
    files.push([workerName, worker]);
    body = `window.kplayWorkerUrl = ${JSON.stringify(publicUrl + workerName)};\n${body.trim()}`;
    workers += 1;
  }
  const hash = createHash('sha256').update(body).digest('hex').slice(0, 16);
  const name = `kplay-start-${hash}.js`;
  files.push([name, body.trim() + '\n']);
  moved += 1;
  return `<script type="module" src="${publicUrl}${name}"></script>`;
});
for (const [name, body] of files) await writeFile(join(staging, name), body);

if (moved === 0) {
  console.error('start-script.mjs: Trunk wrote no inline module script into index.html; check the loader');
  process.exit(1);
}
if (workers !== 1) {
  console.error(`start-script.mjs: found the wasm loader in ${workers} scripts (expected 1); the analysis worker needs its URLs`);
  process.exit(1);
}
const handler = html.match(/<[^>]+\son[a-z]+\s*=/i);
if (handler) {
  console.error(`start-script.mjs: index.html holds an inline event handler, which the CSP blocks: ${handler[0]}`);
  process.exit(1);
}
await writeFile(indexPath, html);

/** The directives whose 'self' the embed page widens, and what it adds. */
const EMBED_DIRECTIVES = ['default-src', 'script-src', 'style-src', 'connect-src', 'worker-src'];
const EMBED_SOURCES = ['https:', 'http:'];
const CSP_META = /(<meta\b[^>]*\bhttp-equiv=["']?Content-Security-Policy["']?[^>]*>)/gi;
const metas = html.match(CSP_META) ?? [];
if (metas.length !== 1) {
  console.error(`start-script.mjs: index.html holds ${metas.length} Content-Security-Policy meta elements (expected 1)`);
  process.exit(1);
}
// The policy holds single quotes ('self'), so its attribute is in double quotes.
const embedMeta = metas[0].replace(/\bcontent="([^"]*)"/, (whole, policy) => {
  const widened = policy
    .split(';')
    .map((d) => d.trim())
    .filter(Boolean)
    .map((d) => {
      const [name, ...values] = d.split(/\s+/);
      return EMBED_DIRECTIVES.includes(name) && values.includes("'self'") ? [name, ...values, ...EMBED_SOURCES].join(' ') : d;
    })
    .join('; ');
  return `content="${widened}"`;
});
if (embedMeta === metas[0]) {
  console.error('start-script.mjs: could not widen the policy for embed.html');
  process.exit(1);
}
await writeFile(join(staging, 'embed.html'), html.replace(metas[0], embedMeta));
console.log(`start-script.mjs: moved ${moved} inline script(s) out of index.html, wrote the analysis worker and embed.html`);
