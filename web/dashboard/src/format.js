// Names, numbers, comparisons and periods as the dashboard shows them.

export const CITIES = {
  450100: '南宁市',
  450200: '柳州市',
  450300: '桂林市',
  450400: '梧州市',
  450500: '北海市',
  450600: '防城港市',
  450700: '钦州市',
  450800: '贵港市',
  450900: '玉林市',
  451000: '百色市',
  451100: '贺州市',
  451200: '河池市',
  451300: '来宾市',
  451400: '崇左市',
};
export const CITY_CODES = Object.keys(CITIES).sort();

export const ROLE_NAMES = {
  admin: '管理员',
  analyst: '分析员',
  city_bureau: '市科技局',
  bank: '合作银行',
  service: '内部服务',
  expert: '评审专家',
};

export const SERVICE_NAMES = {
  projects: '项目',
  enterprise: '企业',
  talent: '人才',
  transfer: '成果转化',
};

export const SECTION_TITLES = {
  1: '一、制定广西科技强桂三年行动方案',
  2: '二、打好关键核心技术攻坚战',
  3: '三、加强企业培育及政策支持',
  4: '四、推进科技创新平台建设',
  5: '五、强化创新工作智力支撑',
  6: '六、加快促进科技成果转化',
};

export function cityName(code) {
  if (!code) return '全区';
  return CITIES[code] || code;
}

const MISSING = '—';

// Numbers arrive as JSON integers or exact decimal strings ("12.35"): they are grouped
// as text, never through floating point.
export function fmtNumber(v) {
  if (v === null || v === undefined || v === '') return MISSING;
  const s = String(v);
  const neg = s.startsWith('-');
  const [int, frac] = (neg ? s.slice(1) : s).split('.');
  const grouped = int.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return (neg ? '-' : '') + grouped + (frac !== undefined ? '.' + frac : '');
}

function sign(v) {
  const s = String(v);
  if (/^-?0*(\.0*)?$/.test(s)) return 0;
  return s.startsWith('-') ? -1 : 1;
}

function abs(v) {
  const s = String(v);
  return s.startsWith('-') ? s.slice(1) : s;
}

function isZero(v) {
  return v !== null && v !== undefined && sign(v) === 0;
}

function signed(v) {
  const s = sign(v);
  return (s > 0 ? '+' : s < 0 ? '-' : '') + fmtNumber(abs(v));
}

// 同比 as the documents write it: 个百分点 for rates, an absolute difference for the
// contract count (+38项, the report's compare "abs"), percent otherwise; an absolute
// difference when there is no percentage (nothing last year to divide by). Nothing
// against nothing is no comparison at all ("—"), not 持平.
export function comparison(row) {
  const none = { dir: 'none', mark: '', text: MISSING };
  if (row.value === null || row.value === undefined) return none;
  if (row.previous === null || row.previous === undefined) return none;
  if (isZero(row.value) && isZero(row.previous)) return none;
  if (row.compare === 'abs' || (row.change_pct == null && row.change_pp == null)) {
    if (row.change_abs === null || row.change_abs === undefined) return none;
    const s = sign(row.change_abs);
    if (s === 0) return { dir: 'flat', mark: '', text: '持平' };
    return { dir: s > 0 ? 'up' : 'down', mark: '', text: signed(row.change_abs) + row.unit };
  }
  const [v, suffix] = row.change_pp != null ? [row.change_pp, '个百分点'] : [row.change_pct, '%'];
  const s = sign(v);
  if (s === 0) return { dir: 'flat', mark: '', text: '持平' };
  return {
    dir: s > 0 ? 'up' : 'down',
    mark: s > 0 ? '▲' : '▼',
    text: fmtNumber(abs(v)) + suffix,
  };
}

// Yuan (an exact decimal string from the API) in 万元 or 亿元, rounded half-up to two
// places as the report rounds: integer arithmetic on cents, never floating point.
export function fmtMoney(yuan, unit = '万元') {
  if (yuan === null || yuan === undefined || yuan === '') return MISSING;
  const [i, f = ''] = abs(yuan).split('.');
  const cents = BigInt(i || '0') * 100n + BigInt((f + '00').slice(0, 2) || '0');
  const divisor = unit === '亿元' ? 100000000n : 10000n; // cents in 0.01 of the unit
  const hundredths = (cents * 2n + divisor) / (2n * divisor);
  const text = `${hundredths / 100n}.${String(hundredths % 100n).padStart(2, '0')}`;
  return (sign(yuan) < 0 && hundredths > 0n ? '-' : '') + fmtNumber(text) + unit;
}

export const PERIOD_KINDS = [
  ['H1', '上半年'],
  ['H2', '下半年'],
  ['Y', '全年'],
  ['Q1', '一季度'],
  ['Q2', '二季度'],
  ['Q3', '三季度'],
  ['Q4', '四季度'],
  ['custom', '自定义'],
];

// The last half-year that has ended: the natural default for a half-year report.
export function defaultPeriod(today = new Date()) {
  const y = today.getFullYear();
  return today.getMonth() < 6
    ? { year: y - 1, kind: 'H2', from: '', to: '' }
    : { year: y, kind: 'H1', from: '', to: '' };
}

// The period's name as the reporting API takes it (2023-H1, 2023, 2024-Q1), or null
// for a custom range.
export function periodName(p) {
  if (p.kind === 'custom') return null;
  return p.kind === 'Y' ? String(p.year) : `${p.year}-${p.kind}`;
}

export function periodQuery(p) {
  const name = periodName(p);
  return name ? { period: name } : { from: p.from, to: p.to };
}

export function periodKey(p) {
  return periodName(p) || `${p.from}~${p.to}`;
}

const pad = (n) => String(n).padStart(2, '0');

function monthEnd(year, month) {
  return `${year}-${pad(month)}-${pad(new Date(year, month, 0).getDate())}`;
}

// First and last day (inclusive, ISO) of a period.
export function periodRange(p) {
  const y = p.year;
  switch (p.kind) {
    case 'H1':
      return [`${y}-01-01`, `${y}-06-30`];
    case 'H2':
      return [`${y}-07-01`, `${y}-12-31`];
    case 'Y':
      return [`${y}-01-01`, `${y}-12-31`];
    case 'custom':
      return [p.from, p.to];
    default: {
      const q = Number(p.kind.slice(1));
      return [`${y}-${pad(3 * q - 2)}-01`, monthEnd(y, 3 * q)];
    }
  }
}

export function periodLabel(p) {
  if (p.kind === 'custom') return `${p.from || '?'} 至 ${p.to || '?'}`;
  const kind = PERIOD_KINDS.find(([k]) => k === p.kind)[1];
  return `${p.year}年${kind}`;
}

export function periodComplete(p) {
  return p.kind !== 'custom' || (Boolean(p.from) && Boolean(p.to) && p.from <= p.to);
}

export function fmtDateTime(iso) {
  if (!iso) return MISSING;
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return (
    `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ` +
    `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`
  );
}

// A YYYY-MM-DD the user typed: a real calendar day, or null.
export function isoDate(text) {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(String(text || '').trim());
  if (!m) return null;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.getUTCMonth() === Number(m[2]) - 1 && d.getUTCDate() === Number(m[3]) ? m[0] : null;
}

// A period name from the API (2023-H1) as the filter holds it.
export function periodFromName(name) {
  const m = /^(\d{4})-(H1|H2)$/.exec(name || '');
  return m ? { year: Number(m[1]), kind: m[2], from: '', to: '' } : null;
}

// The six half-years ending with ``p`` (for a half-year) or with the half-year ``p``
// ends in: [from, to] names for the trend API.
export function lastSixHalfYears(p) {
  let year = p.year;
  let half = p.kind === 'H1' || (p.kind.startsWith('Q') && Number(p.kind.slice(1)) <= 2) ? 1 : 2;
  if (p.kind === 'custom') {
    const end = p.to || '';
    year = Number(end.slice(0, 4));
    half = Number(end.slice(5, 7)) <= 6 ? 1 : 2;
  }
  const to = `${year}-H${half}`;
  const back = year * 2 + (half - 1) - 5;
  return [`${Math.floor(back / 2)}-H${(back % 2) + 1}`, to];
}
