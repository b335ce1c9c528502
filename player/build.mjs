// Bundles the pages for the room controller to serve: src/main/web -> target/classes/player
// (the classpath folder `player/` of this module's jar). Third-party code (noVNC, hls.js) comes
// from node_modules, pinned by package-lock.json, and is bundled here; nothing third-party is committed.
import * as esbuild from 'esbuild';
import { cpSync, mkdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = dirname(fileURLToPath(import.meta.url));
const srcDir = join(root, 'src/main/web');
const outDir = process.env.PLAYER_OUT_DIR || join(root, 'target/classes/player');

rmSync(outDir, { recursive: true, force: true });
mkdirSync(outDir, { recursive: true });

// Static files as they are: the HTML pages and the stylesheet.
for (const name of ['index.html', 'room.html', 'app.css', 'favicon.svg']) {
  cpSync(join(srcDir, name), join(outDir, name));
}

await esbuild.build({
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
});
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
console.log(`player: built into ${outDir}`);
