// Bundles the pages for the room controller to serve: src/main/web -> target/classes/player
// (the classpath folder `player/` of this module's jar). Third-party code (noVNC, hls.js) comes
// from node_modules, pinned by package-lock.json, and is bundled here; nothing third-party is committed.
import * as esbuild from 'esbuild';
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = dirname(fileURLToPath(import.meta.url));
const srcDir = join(root, 'src/main/web');
const outDir = process.env.PLAYER_OUT_DIR || join(root, 'target/classes/player');

rmSync(outDir, { recursive: true, force: true });
mkdirSync(outDir, { recursive: true });

// Static files as they are: the landing page and the stylesheet (room.html below).
for (const name of ['index.html', 'app.css', 'favicon.svg']) {
  cpSync(join(srcDir, name), join(outDir, name));
}

const pages = await esbuild.build({
  entryPoints: { landing: join(srcDir, 'js/landing.js'), room: join(srcDir, 'js/room.js') },
  bundle: true,
  // noVNC 1.7 uses top-level await, so the bundles are ES modules (loaded with type="module").
  format: 'esm',
  splitting: true,
  target: ['es2022'],
  outdir: join(outDir, 'js'),
  chunkNames: 'chunks/[name]-[hash]',
  minify: process.env.PLAYER_MINIFY !== 'false',
  sourcemap: true,
  legalComments: 'linked',
  logLevel: 'warning',
  metafile: true,
});

// room.html: the early feed socket inline (it must not wait for any fetch), and <link rel=modulepreload> for the
// chunks room.js imports statically (fetched alongside room.js instead of after it was parsed).
const boot = await esbuild.build({
  entryPoints: [join(srcDir, 'js/early-feed-boot.js')],
  bundle: true,
  format: 'iife',
  target: ['es2022'],
  minify: true,
  write: false,
  logLevel: 'warning',
});
const roomOut = Object.entries(pages.metafile.outputs).find(([, o]) => o.entryPoint && o.entryPoint.endsWith('js/room.js'));
const preloads = roomOut[1].imports.filter((i) => i.kind === 'import-statement')
  .map((i) => `<link rel="modulepreload" href="js/${i.path.split('/js/').pop()}">`);
let roomHtml = readFileSync(join(srcDir, 'room.html'), 'utf8');
roomHtml = roomHtml.replace(/<!-- early-feed:[^>]*-->/, `<script>${boot.outputFiles[0].text.trim()}</script>`)
  .replace(/<!-- modulepreload:[^>]*-->/, preloads.join('\n  '));
if (roomHtml.includes('<!-- early-feed') || roomHtml.includes('<!-- modulepreload')) throw new Error('room.html: a build marker was not replaced');
writeFileSync(join(outDir, 'room.html'), roomHtml);
// The AudioWorklet and the audio decoder Worker of the WebCodecs path run in their own scopes: one
// self-contained file each, no shared chunks.
await esbuild.build({
  entryPoints: { 'audio-worklet': join(srcDir, 'js/audio-worklet.js'), 'audio-decode-worker': join(srcDir, 'js/audio-decode-worker.js') },
  bundle: true,
  format: 'esm',
  target: ['es2022'],
  outdir: join(outDir, 'js'),
  minify: process.env.PLAYER_MINIFY !== 'false',
  sourcemap: true,
  logLevel: 'warning',
});
// The feed Worker (the feed socket and, with sound on, the audio decoder; js/feed-worker.js): a classic script,
// so a browser without module Workers runs it too.
await esbuild.build({
  entryPoints: { 'feed-worker': join(srcDir, 'js/feed-worker.js') },
  bundle: true,
  format: 'iife',
  target: ['es2022'],
  outdir: join(outDir, 'js'),
  minify: process.env.PLAYER_MINIFY !== 'false',
  sourcemap: true,
  logLevel: 'warning',
});
console.log(`player: built into ${outDir}`);
