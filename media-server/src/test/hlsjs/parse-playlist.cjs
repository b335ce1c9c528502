// Test-only: parses HLS playlists with videojs' m3u8-parser (no code shared with ours) and prints one JSON line
// per file: the manifest as that parser understands it. Usage: node parse-playlist.cjs FILE...
'use strict';
const fs = require('fs');
const { Parser } = require('m3u8-parser');

for (const file of process.argv.slice(2)) {
  const parser = new Parser();
  const warnings = [];
  parser.on('warn', (w) => warnings.push(w.message));
  parser.push(fs.readFileSync(file, 'utf8'));
  parser.end();
  const manifest = parser.manifest;
  process.stdout.write(JSON.stringify({ file, warnings, manifest }) + '\n');
}
