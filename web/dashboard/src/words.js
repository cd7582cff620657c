// The words the department's documents use for what the API names in English: record
// fields, statuses and kinds, the services, the audit's actions. One place, so the 明细
// panel, the audit log and the banners say the same thing.

export const FIELD_LABELS = {
  title: '名称',
  name: '名称',
  lab_name: '实验室名称',
  zone_name: '高新区',
  project_name: '项目名称',
  project_code: '项目编号',
  plan_name: '行动方案',
  program_name: '所属工程',
  topic: '培训主题',
  owner: '责任单位',
  organiser: '主办单位',
  organisation_name: '单位名称',
  lead_organisation_name: '牵头单位',
  host_organisation_name: '依托单位',
  host_organisation: '接收单位',
  operator_name: '运营单位',
  institution_name: '高校院所',
  enterprise_name: '企业名称',
  seller_name: '卖方',
  buyer_name: '买方',
  seller_region: '卖方所在地',
  buyer_region: '买方所在地',
  dispatching_unit: '选派单位',
  university: '培养高校',
  organisation_uscc: '统一社会信用代码',
  lead_organisation_uscc: '统一社会信用代码',
  enterprise_uscc: '统一社会信用代码',
  uscc: '统一社会信用代码',
  registration_no: '登记号',
  contract_no: '合同编号',
  certificate_no: '证书编号',
  code: '代码',
  bank_code: '合作银行',
  city: '所在市',
  county: '县（市、区）',
  village_code: '村（社区）代码',
  field: '领域',
  fields: '专业领域',
  discipline: '学科',
  academy: '学部',
  programme: '人才计划',
  origin: '来源地',
  category: '类别',
  kind: '类型',
  level: '级别',
  type: '合同类型',
  method: '转化方式',
  side: '输出/吸纳',
  status: '状态',
  review_score: '评审得分',
  rows: '数据行',
  criteria: '评分指标',
  weight: '权重',
  demand_ids: '纳入的需求',
  reviewers_per_demand: '每项需求专家数',
  max_demands_per_expert: '每名专家至多评审项数',
  list_threshold: '张榜线',
  plan_status: '编制状态',
  batch: '批次',
  batch_key: '批次',
  batch_label: '批次',
  batch_number: '批次',
  year: '年度',
  quarter: '季度',
  attendees: '参训人数',
  days: '服务天数',
  has_loan: '已获贷款',
  start_year: '起始年度',
  end_year: '结束年度',
  amount: '金额',
  funding_amount: '资助金额',
  face_amount: '券面金额',
  requested_amount: '申请金额',
  gross_output: '总产值',
  revenue: '转化收入',
  contract_amount: '合同金额',
  tech_transaction_amount: '技术交易额',
  submitted_on: '提交日期',
  listed_on: '张榜日期',
  delisted_on: '移出日期',
  approved_on: '立项日期',
  plan_approved_on: '方案批复日期',
  completed_on: '完成日期',
  due_on: '计划完成日期',
  held_on: '举办日期',
  registered_on: '登记日期',
  signed_on: '签订日期',
  agreement_signed_on: '签约日期',
  entered_on: '入库日期',
  awarded_on: '获批日期',
  issued_on: '发放日期',
  disbursed_on: '放款日期',
  established_on: '设立日期',
  closed_on: '撤销日期',
  paid_on: '拨付日期',
  valid_candidate_on: '确认有效候选人日期',
  nominated_on: '推荐日期',
  added_on: '入库日期',
  received_on: '接收日期',
  dispatched_on: '选派日期',
  served_on: '服务日期',
  started_on: '开始日期',
  budget: '预算',
  goal: '攻关目标',
  reward_amount: '榜额',
  deadline: '揭榜截止日期',
  eligibility: '揭榜条件',
  content: '服务内容',
  outcome: '服务成效',
  dispatch_id: '派出记录',
  transferred_on: '转化日期',
};

// Money columns, in yuan from the API; shown in 万元/亿元 as the report does.
export const MONEY_FIELDS = new Set([
  'amount',
  'funding_amount',
  'face_amount',
  'requested_amount',
  'gross_output',
  'revenue',
  'contract_amount',
  'tech_transaction_amount',
  'budget',
  'reward_amount',
]);

// Region codes shown as names.
export const REGION_FIELDS = new Set(['city', 'seller_region', 'buyer_region']);

export const STATUS_WORDS = {
  submitted: '已提交',
  under_review: '论证遴选中',
  listed: '已张榜',
  claimed: '已揭榜',
  contracted: '已立项',
  accepted: '已验收',
  rejected: '未通过',
  terminated: '已终止',
  withdrawn: '已撤回',
  approved: '已批准',
  in_progress: '实施中',
  completed: '已完成',
  cancelled: '已取消',
  planned: '计划中',
  not_started: '未开始',
  drafting: '编制中',
  active: '有效',
  revoked: '已撤销',
  registered: '已登记',
  applied: '已申请',
  issued: '已发放',
  redeemed: '已兑付',
  expired: '已过期',
  paid: '已拨付',
  awarded: '已认定',
  nominated: '已推荐',
  selected: '已入选',
  not_selected: '未入选',
  elected: '已当选',
  received: '已接收',
  suspended: '已暂停',
  retired: '已退出',
};

// Kinds, categories, levels and types, whatever column names them.
export const VALUE_WORDS = {
  major_special: '重大专项',
  key_rd: '重点研发计划',
  platform: '平台建设',
  national: '国家级',
  regional: '自治区级',
  state_key_lab: '全国重点实验室',
  joint_state_key_lab: '省部共建全国重点实验室',
  regional_key_lab: '自治区重点实验室',
  engineering_center: '工程技术研究中心',
  new_rd_institution: '新型研发机构',
  other: '其他',
  new: '首次认定',
  re_recognition: '重新认定',
  team_allowance: '团队津贴',
  research_project: '科研项目经费',
  cae: '中国工程院',
  cas: '中国科学院',
  individual: '个人',
  legal_person: '法人',
  team: '团队',
  ownership_reform: '职务科技成果权属改革',
  achievement_evaluation: '科技成果评价',
  university: '高校',
  institute: '科研院所',
  transfer: '转让',
  licence: '许可',
  equity: '作价投资',
  applied: '应用技术',
  basic: '基础理论',
  soft_science: '软科学',
  outflow: '输出',
  absorbed: '吸纳',
  development_commissioned: '委托开发',
  development_cooperative: '合作开发',
  transfer_patent: '专利权转让',
  transfer_patent_application: '专利申请权转让',
  transfer_know_how: '技术秘密转让',
  licence_patent: '专利实施许可',
  licence_know_how: '技术秘密许可',
  consulting: '技术咨询',
  service: '技术服务',
  service_training: '技术培训',
  service_intermediary: '技术中介',
};

export const SERVICE_WORDS = {
  projects: '项目管理服务',
  enterprise: '企业服务',
  talent: '人才服务',
  transfer: '成果转化服务',
  reporting: '报告服务',
};

// Why a service's figures are missing, as reporting says it (clients/workstream.py),
// in Chinese as the page asks for it (English from an older reporting).
export function reasonWords(reason) {
  const r = String(reason || '');
  if (/超时|时限|timed out|deadline/i.test(r)) return '响应超时';
  if (/无法连接|unreachable|refused|connect/i.test(r)) return '无法连接';
  if (/(答复|answered)\s+5\d\d/i.test(r)) return '服务内部错误';
  if (/(答复|answered)\s+4\d\d/i.test(r)) return '拒绝了请求';
  return '暂不可用';
}

// A problem's field path (body.uscc, query.period, rows.3) in the documents' words.
export function fieldWords(path) {
  // A list index (criteria.2) names the list's item: the label is the list's.
  const parts = String(path || '').split('.').filter((p) => !/^\d+$/.test(p));
  const last = parts[parts.length - 1] || '';
  return FIELD_LABELS[last] || (last === 'file' ? '文件' : last);
}

// 审计日志: what a write did, from its method and the resource its path names.
const RESOURCE_WORDS = [
  ['/api/reporting/v1/reports/published', '报告发布'],
  ['/api/projects/v1/challenge-demands', '揭榜挂帅需求'],
  ['/api/projects/v1/review-rounds', '专家评审轮次'],
  ['/api/projects/v1/my-reviews', '专家评分'],
  ['/api/projects/v1/funded-projects', '立项项目'],
  ['/api/projects/v1/action-plans', '行动方案'],
  ['/api/projects/v1/action-plan-tasks', '行动方案重点任务'],
  ['/api/projects/v1/programs', '行动方案工程'],
  ['/api/projects/v1/special-plans', '重大专项实施方案'],
  ['/api/projects/v1/platforms', '创新平台'],
  ['/api/projects/v1/key-lab-applications', '重点实验室申报'],
  ['/api/projects/v1/imports/challenge-demands', '揭榜挂帅需求'],
  ['/api/projects/v1/imports/funded-projects', '立项项目'],
  ['/api/enterprise/v1/imports/enterprises', '企业名录'],
  ['/api/enterprise/v1/imports/training-sessions', '企业培训'],
  ['/api/enterprise/v1/imports/vouchers', '创新券'],
  ['/api/enterprise/v1/imports/rd-subsidy-applications', '研发经费奖补'],
  ['/api/talent/v1/imports/commissioner-service-logs', '科技特派员服务记录'],
  ['/api/transfer/v1/imports/tech-contracts', '技术合同'],
  ['/api/enterprise/v1/enterprises', '企业名录'],
  ['/api/enterprise/v1/tech-sme', '科技型中小企业'],
  ['/api/enterprise/v1/hte', '高新技术企业'],
  ['/api/enterprise/v1/partner-banks', '合作银行'],
  ['/api/enterprise/v1/vouchers', '创新券'],
  ['/api/enterprise/v1/zones', '高新区'],
  ['/api/enterprise/v1/training-sessions', '企业培训'],
  ['/api/enterprise/v1/rd-subsidy', '研发经费奖补'],
  ['/api/enterprise/', '企业数据'],
  ['/bank/v1/loan-batches', '科创贷放款批次'],
  ['/bank/v1/', '银行数据'],
  ['/api/talent/v1/people', '人才信息'],
  ['/api/talent/v1/commissioner', '科技特派员'],
  ['/api/talent/', '人才数据'],
  ['/api/transfer/v1/tech-contracts', '技术合同'],
  ['/api/transfer/v1/achievements', '科技成果'],
  ['/api/transfer/', '成果转化数据'],
  ['/api/projects/', '项目数据'],
];

const METHOD_WORDS = { POST: '新增', PUT: '修改', PATCH: '修改', DELETE: '删除' };

export function actionWords(method, path) {
  const p = String(path || '');
  const decided = /\/correction-requests\/[^/]+\/(approve|reject)$/.exec(p);
  if (method === 'POST' && decided) return `${decided[1] === 'approve' ? '批准' : '驳回'}更正申请`;
  let verb = METHOD_WORDS[method] || method;
  if (method === 'POST' && /\/transitions$/.test(p)) verb = '变更状态';
  else if (method === 'POST' && /\/withdraw$/.test(p)) verb = '撤回';
  else if (method === 'POST' && /\/restore$/.test(p)) verb = '恢复';
  else if (method === 'POST' && /\/corrections$/.test(p)) verb = '更正';
  else if (method === 'POST' && /\/correction-requests$/.test(p)) verb = '申请更正';

  else if (method === 'POST' && /import/.test(p)) verb = '导入';
  const hit = RESOURCE_WORDS.find(([prefix]) => p.startsWith(prefix));
  return `${verb}${hit ? hit[1] : '数据'}`;
}

// 揭榜挂帅 review rounds (论证遴选): what the projects API names a reviewer's state, a
// recommendation and a decision; the expert's own page and the round's progress use them.
export const REVIEW_WORDS = {
  assigned: '待评分',
  scored: '已评分',
  declined: '已谢绝',
  unreachable: '无法联系',
  conflict: '申明回避',
  list: '建议张榜',
  not_list: '建议不张榜',
  listed: '决定张榜',
  rejected: '决定不张榜',
};

export const REVIEW_TEXT = {
  rounds: '专家评审轮次',
  round: '评审轮次',
  noRounds: '暂无评审轮次。',
  notDrawn: '本轮尚未抽取评审专家。',
  demand: '需求',
  organisation: '发榜单位',
  city: '城市',
  reviewers: '评审专家',
  scoresIn: '已评分',
  conflicts: '申明回避',
  replaced: '替换',
  weighted: '加权得分',
  recommendation: '推荐意见',
  decision: '决定',
  pending: '待定',
  summary: (r) =>
    `每项需求 ${r.reviewers_per_demand} 名专家 · 截止 ${r.deadline} · 张榜线 ${r.list_threshold} 分` +
    (r.exclude_same_city ? ' · 回避同城专家' : '') +
    ` · 每名专家至多 ${r.max_demands_per_expert} 项 · 随机种子 ${r.seed ?? '—'}`,
  myTitle: '我的评审任务',
  myNone: '目前没有分配给您的需求。',
  myIntro: '请对每项评分指标打分（0–100），可附意见；截止日期前可修改。',
  goal: '攻关目标',
  budget: '预算（元）',
  criterion: (c) => `${c.name}（权重 ${c.weight}%）`,
  score: '分数',
  comment: '意见',
  overall: '总体意见',
  submit: '提交评分',
  submitting: '提交中…',
  saved: '评分已提交。',
  conflictReason: '回避理由',
  declare: '申明利益冲突并回避',
  declaring: '提交中…',
  declared: '已申明回避，系统已重新抽取专家替换。',
  deadline: '评审截止',
  status: '状态',
  // The admin's part: opening, drawing, replacing, deciding.
  openTitle: '发起评审轮次',
  roundName: '轮次名称',
  fields: '评审领域（多个领域以顿号或逗号分隔）',
  fieldsHint: '如：新材料、生物医药',
  find: '查找待评审需求',
  finding: '查找中…',
  demands: '纳入本轮的需求（已提交、属于上述领域）',
  noSubmitted: '上述领域没有待评审（已提交）的需求。',
  perDemand: '每项需求专家数',
  cap: '每名专家至多评审（项）',
  threshold: '张榜线（分）',
  sameCity: '回避需求单位所在城市的专家',
  criteria: '评分指标（权重合计须为 100）',
  criterionName: '指标名称',
  weight: '权重（%）',
  remove: '删除',
  addCriterion: '＋ 添加指标',
  weightSum: (n) => `权重合计 ${n}%`,
  open: '发起评审',
  opening: '发起中…',
  opened: (name, n) => `已发起评审轮次「${name}」，共 ${n} 项需求进入论证遴选。`,
  draw: '抽取评审专家',
  drawing: '抽取中…',
  drawn: (n) => `已抽取评审专家 ${n} 人次（随机种子已留存，可复核）。`,
  replaceAs: (reason) => (reason === 'declined' ? '记为谢绝' : '记为无法联系'),
  replacing: '重新抽取中…',
  decide: '作出决定',
  reward: '榜额（元，张榜时填写）',
  listDeadline: '揭榜截止日期（张榜时填写）',
  eligibility: '揭榜条件（张榜时填写）',
  reason: '决定理由',
  decideAs: (d) => (d === 'listed' ? '决定张榜' : '决定不张榜'),
  deciding: '处理中…',
  decided: (title, d) => `「${title}」已${d === 'listed' ? '决定张榜' : '决定不张榜'}。`,
};

// 导入: the services that import, in the order the dataset list shows them, and the
// words for an import's counts (a refused file reports none).
export const IMPORT_SERVICES = ['projects', 'enterprise', 'talent', 'transfer'];
export const IMPORT_COUNT_WORDS = [
  ['rows', '共', '行'],
  ['created', '新增', '条'],
  ['updated', '更新', '条'],
  ['unchanged', '未变', '条'],
];

// 更正与撤回: the records a city bureau may correct or withdraw, found from the figure
// whose 明细 lists them (the API path of the record, the fields a correction offers).
export const CORRECTABLE = [
  {
    codes: ['projects.action_plan_programs'],
    kind: 'program',
    path: '/api/projects/v1/programs',
    fields: ['name'],
    roles: ['admin'], // region-wide: the department's own
  },
  {
    codes: ['projects.challenge_demands_collected', 'projects.challenge_demands_listed'],
    kind: 'challenge_demand',
    path: '/api/projects/v1/challenge-demands',
    fields: ['title', 'organisation_name', 'field', 'goal', 'budget', 'submitted_on', 'city', 'reward_amount', 'deadline'],
  },
  {
    codes: ['projects.major_projects_funded', 'projects.key_rd_projects_funded', 'projects.project_funding', 'projects.platform_funding'],
    kind: 'funded_project',
    path: '/api/projects/v1/funded-projects',
    fields: ['name', 'field', 'lead_organisation_name', 'approved_on', 'funding_amount', 'project_code', 'category', 'city'],
  },
  {
    codes: ['projects.key_lab_applications'],
    kind: 'key_lab_application',
    path: '/api/projects/v1/key-lab-applications',
    fields: ['lab_name', 'organisation_name', 'submitted_on', 'city'],
  },
  {
    codes: ['transfer.contracts_total', 'transfer.contract_value', 'transfer.tech_transaction_value', 'transfer.contracts_outflow', 'transfer.contracts_absorbed'],
    kind: 'tech_contract',
    path: '/api/transfer/v1/tech-contracts',
    idField: 'contract_id',
    fields: ['contract_amount', 'tech_transaction_amount', 'signed_on', 'registered_on', 'seller_name', 'buyer_name', 'seller_region', 'buyer_region', 'city', 'registration_no'],
  },
  {
    codes: ['transfer.achievements_registered'],
    kind: 'achievement',
    path: '/api/transfer/v1/achievements',
    fields: ['title', 'category', 'organisation_name', 'registered_on', 'registration_no', 'city'],
  },
  {
    codes: ['enterprise.training_sessions'],
    kind: 'training_session',
    path: '/api/enterprise/v1/training-sessions',
    fields: ['topic', 'held_on', 'attendees', 'organiser', 'city'],
  },
  {
    codes: ['talent.commissioners_dispatched'],
    kind: 'commissioner_dispatch',
    path: '/api/talent/v1/commissioner-dispatches',
    fields: ['year', 'dispatching_unit', 'county', 'dispatched_on'],
  },
  {
    codes: ['talent.commissioner_service_days', 'talent.commissioner_villages_served'],
    kind: 'commissioner_service_log',
    path: '/api/talent/v1/commissioner-service-logs',
    fields: ['days', 'served_on', 'village_code', 'content', 'outcome'],
  },
];

export const KIND_WORDS = {
  program: '行动方案工程',
  funded_project: '立项项目',
  training_session: '业务辅导班',
  achievement: '科技成果登记',
  key_lab_application: '自治区重点实验室申报',
  commissioner_dispatch: '科技特派员选派',
  challenge_demand: '揭榜挂帅需求',
  tech_contract: '技术合同',
  commissioner_service_log: '科技特派员服务记录',
};

// The services that keep correction requests (GET /api/{service}/v1/correction-requests).
export const CORRECTION_SERVICES = ['projects', 'enterprise', 'talent', 'transfer'];

export const HISTORY_ACTION_WORDS = { correct: '更正', withdraw: '撤回', restore: '恢复' };

export const REQUEST_STATUS_WORDS = { pending: '待审批', approved: '已批准', rejected: '已驳回' };
