// Builds the dashboard into dist/: one minified ES module bundle (ECharts included, no
// CDN), one style sheet, the icon — all with content-hashed names — plus index.html
// naming them and a gzip copy of each asset for clients that take it.
//
//   npm ci && node build.mjs

import { createHash } from 'node:crypto';
import { copyFile, mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import * as esbuild from 'esbuild';
import { guangxiGeoJson } from './geo.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const dist = path.join(here, 'dist');
const assets = path.join(dist, 'assets');

await rm(dist, { recursive: true, force: true });
await mkdir(assets, { recursive: true });

// The map's city outlines: a separate, content-hashed asset fetched when the map is
// first drawn; the bundle learns its name through a define.
const geo = JSON.stringify(await guangxiGeoJson());
const geoName = `guangxi-${createHash('sha256').update(geo).digest('hex').slice(0, 8).toUpperCase()}.json`;
await writeFile(path.join(assets, geoName), geo);

const result = await esbuild.build({
  entryPoints: [path.join(here, 'src/main.js'), path.join(here, 'src/styles.css')],
  bundle: true,
  minify: true,
  format: 'esm',
  target: ['es2020', 'chrome100', 'firefox100', 'safari15'],
  outdir: assets,
  entryNames: '[name]-[hash]',
  metafile: true,
  legalComments: 'eof',
  logLevel: 'warning',
  define: { 'process.env.NODE_ENV': '"production"', __GUANGXI_GEOJSON__: JSON.stringify(`/assets/${geoName}`) },
});

// Source name (main.js) → hashed output name (main-ABCD1234.js).
const names = {};
for (const [out, meta] of Object.entries(result.metafile.outputs)) {
  if (!meta.entryPoint) continue;
  names[path.basename(meta.entryPoint)] = path.basename(out);
}

async function copyHashed(file) {
  const src = path.join(here, 'src', file);
  const hash = createHash('sha256').update(await readFile(src)).digest('hex').slice(0, 8).toUpperCase();
  const ext = path.extname(file);
  const name = `${path.basename(file, ext)}-${hash}${ext}`;
  await copyFile(src, path.join(assets, name));
  names[file] = name;
}
await copyHashed('favicon.svg');
names['guangxi.json'] = geoName;

let html = await readFile(path.join(here, 'index.html'), 'utf8');
html = html.replace(/\{\{([\w.-]+)\}\}/g, (_, key) => {
  if (!names[key]) throw new Error(`index.html names ${key}, which the build did not produce`);
  return names[key];
});
await writeFile(path.join(dist, 'index.html'), html);

for (const name of Object.values(names)) {
  const file = path.join(assets, name);
  if (/\.(js|css|svg|json)$/.test(name)) await writeFile(`${file}.gz`, gzipSync(await readFile(file), { level: 9 }));
}

const sizes = [];
for (const name of Object.values(names).sort()) {
  const raw = (await stat(path.join(assets, name))).size;
  let gz = '';
  try {
    gz = ` (${((await stat(path.join(assets, `${name}.gz`))).size / 1024).toFixed(1)} KiB gzip)`;
  } catch {
    // not compressed
  }
  sizes.push(`  assets/${name}  ${(raw / 1024).toFixed(1)} KiB${gz}`);
}
console.log(`dashboard built into ${path.relative(process.cwd(), dist) || '.'}:\n${sizes.join('\n')}`);
