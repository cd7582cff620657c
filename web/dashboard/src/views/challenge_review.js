// 揭榜挂帅 论证遴选: a review round's progress — each demand × its drawn reviewers, scores
// in, conflicts declared, the weighted result, the recommendation and the decision.
// Shown in the 揭榜挂帅 view to admins and analysts (the roles the progress API allows);
// the department's admin also runs the round here: opens it over submitted demands,
// draws the reviewers, records a reviewer who declined or could not be reached, and
// decides each fully scored demand. The API keeps every rule (weights, caps, deadline,
// conflicts); the page only collects the choices and shows the answer or the problem.

import { h, option, replace } from '../dom.js';
import { cityName } from '../format.js';
import { busy, errorBox, table } from '../ui.js';
import { REVIEW_TEXT as T, REVIEW_WORDS } from '../words.js';

const ROUNDS = '/api/projects/v1/review-rounds';
const DEMANDS = '/api/projects/v1/challenge-demands';
export const REVIEW_ROLES = ['admin', 'analyst'];

// The criteria a new round starts from; the admin may rename and reweigh them.
const DEFAULT_CRITERIA = [
  ['技术先进性', 40],
  ['需求迫切性', 30],
  ['实施可行性', 30],
];

const splitFields = (text) =>
  [...new Set(text.split(/[,，、;；\s]+/).map((s) => s.trim()).filter(Boolean))];

function num(attrs) {
  return h('input', { type: 'number', class: 'narrow', ...attrs });
}

// 发起评审轮次: name, fields, the submitted demands in those fields, the rules, criteria.
function openForm(ctx, onOpened) {
  const name = h('input', { type: 'text', testid: 'round-name', size: 30 });
  const fields = h('input', { type: 'text', testid: 'round-fields', size: 30, placeholder: T.fieldsHint });
  const find = h('button', { type: 'button', testid: 'round-find' }, T.find);
  const demandBox = h('div', { testid: 'round-demands', class: 'checks' });
  const perDemand = num({ testid: 'round-per-demand', min: 1, max: 15, value: '5' });
  const cap = num({ testid: 'round-cap', min: 1, max: 500, value: '3' });
  const threshold = num({ testid: 'round-threshold', min: 0, max: 100, step: '0.01', value: '60' });
  const deadline = h('input', { type: 'date', testid: 'round-deadline' });
  const sameCity = h('input', { type: 'checkbox', testid: 'round-same-city' });
  const sum = h('span', { class: 'hint', testid: 'round-weight-sum' });
  const criteria = h('tbody');
  const result = h('div');
  const go = h('button', { type: 'button', class: 'primary', testid: 'round-open' }, T.open);

  function weightSum() {
    const total = [...criteria.querySelectorAll('input[data-part=weight]')]
      .reduce((s, el) => s + (Number(el.value) || 0), 0);
    sum.textContent = T.weightSum(total);
    sum.classList.toggle('up', total !== 100);
  }
  function addCriterion(label = '', weight = '') {
    const remove = h('button', { type: 'button', class: 'link' }, T.remove);
    const row = h(
      'tr',
      { testid: 'round-criterion' },
      h('td', {}, h('input', { type: 'text', data: { part: 'name' }, value: label, size: 16 })),
      h('td', {}, num({ data: { part: 'weight' }, min: 1, max: 100, value: String(weight), oninput: weightSum })),
      h('td', {}, remove),
    );
    remove.onclick = () => {
      row.remove();
      weightSum();
    };
    criteria.append(row);
    weightSum();
  }
  for (const [label, weight] of DEFAULT_CRITERIA) addCriterion(label, weight);

  find.onclick = () =>
    busy(find, T.finding, async () => {
      replace(result);
      const wanted = new Set(splitFields(fields.value));
      const page = await ctx.api.all(DEMANDS, { status: 'submitted' });
      const matching = page.items.filter((d) => wanted.has(d.field));
      replace(demandBox,
        matching.length
          ? matching.map((d) =>
              h(
                'label',
                { class: 'check' },
                h('input', { type: 'checkbox', checked: true, value: d.id, testid: 'round-demand' }),
                ` ${d.title} · ${d.organisation_name} · ${cityName(d.city)} · ${d.field}`,
              ),
            )
          : h('p', { class: 'hint', testid: 'round-no-demands' }, T.noSubmitted),
      );
    }, (err) => replace(result, errorBox(err, 'round-error')));

  go.onclick = () =>
    busy(go, T.opening, async () => {
      replace(result);
      const body = {
        name: name.value.trim(),
        demand_ids: [...demandBox.querySelectorAll('input:checked')].map((el) => el.value),
        reviewers_per_demand: Number(perDemand.value),
        fields: splitFields(fields.value),
        criteria: [...criteria.querySelectorAll('tr')].map((tr, i) => ({
          key: `c${i + 1}`,
          name: tr.querySelector('input[data-part=name]').value.trim(),
          weight: Number(tr.querySelector('input[data-part=weight]').value),
        })),
        deadline: deadline.value || null,
        exclude_same_city: sameCity.checked,
        max_demands_per_expert: Number(cap.value),
        list_threshold: threshold.value,
      };
      try {
        const round = await ctx.api.post(ROUNDS, body);
        ctx.notify(T.opened(round.name, round.demand_ids.length));
        await onOpened(round.id);
      } catch (err) {
        replace(result, errorBox(err, 'round-error'));
      }
    });

  const form = h(
    'details',
    { testid: 'round-form', class: 'correction-form' },
    h('summary', {}, T.openTitle),
    h('div', { class: 'form' },
      h('label', { class: 'field' }, T.roundName, name),
      h('div', { class: 'field' }, T.fields, h('div', { class: 'custom' }, fields, find)),
      h('div', { class: 'field' }, T.demands, demandBox),
      h('div', { class: 'custom' },
        h('label', { class: 'field' }, T.perDemand, perDemand),
        h('label', { class: 'field' }, T.cap, cap),
        h('label', { class: 'field' }, T.threshold, threshold),
        h('label', { class: 'field' }, T.deadline, deadline),
      ),
      h('label', { class: 'field inline' }, sameCity, T.sameCity),
      h('div', { class: 'field' },
        T.criteria,
        h('table', { class: 'grid compact' }, h('thead', {}, h('tr', {}, h('th', {}, T.criterionName), h('th', {}, T.weight), h('th'))), criteria),
        h('div', { class: 'custom' },
          h('button', { type: 'button', class: 'link', testid: 'round-add-criterion', onclick: () => addCriterion() }, T.addCriterion),
          sum,
        ),
      ),
      go,
      result,
    ),
  );
  return form;
}

export function reviewPanel(ctx) {
  const isAdmin = ctx.who.role === 'admin';
  const root = h('div', { testid: 'review', data: { state: 'idle' } });
  const pick = h('select', { testid: 'review-round' });
  const summary = h('p', { class: 'hint', testid: 'review-summary' });
  const body = h('div', { testid: 'review-progress' });
  const errors = h('div', { class: 'errors' });
  root.append(
    isAdmin ? openForm(ctx, (id) => load(id)) : null,
    h('label', { class: 'field inline' }, T.round, pick),
    summary,
    errors,
    body,
  );

  // The admin's action buttons run one call and then redraw the round; a refusal (a
  // missed deadline, an incomplete demand, a talent service that cannot be reached)
  // is shown above the table with its code.
  function act(button, label, call) {
    return busy(button, label, async () => {
      replace(errors);
      await call();
      await show(pick.value);
    }, (err) => replace(errors, errorBox(err, 'review-error')));
  }

  function drawButton(round) {
    const b = h('button', { type: 'button', class: 'primary', testid: 'review-draw' }, T.draw);
    b.onclick = () =>
      act(b, T.drawing, async () => {
        const assigned = await ctx.api.post(`${ROUNDS}/${round.id}/draw`);
        ctx.notify(T.drawn(assigned.length));
      });
    return b;
  }

  function reviewerLine(round, r) {
    const line = h(
      'div',
      { testid: 'review-reviewer', data: { status: r.status, assignment: r.assignment_id } },
      `${r.expert_name}（${r.expert_organisation}）· ${REVIEW_WORDS[r.status] || r.status}` +
        (r.weighted_score !== null ? ` · ${r.weighted_score}` : ''),
    );
    if (isAdmin && r.status === 'assigned') {
      for (const reason of ['declined', 'unreachable']) {
        const b = h('button', { type: 'button', class: 'link', testid: 'review-replace', data: { reason } }, T.replaceAs(reason));
        b.onclick = () =>
          act(b, T.replacing, () =>
            ctx.api.post(`${ROUNDS}/${round.id}/assignments/${r.assignment_id}/replace`, { reason }),
          );
        line.append(' ', b);
      }
    }
    return line;
  }

  // 张榜 carries the listing terms (reward, deadline, eligibility) the workflow requires;
  // 不张榜 only the reason. Both cite the round and its weighted result in the history.
  function decisionCell(round, d) {
    if (d.decision) return REVIEW_WORDS[d.decision];
    if (!isAdmin || !d.complete) return T.pending;
    const input = (testid, attrs) => h('input', { testid, ...attrs });
    const reward = input('review-decision-reward', { type: 'number', min: 0, step: '0.01', class: 'narrow' });
    const until = input('review-decision-deadline', { type: 'date' });
    const eligibility = input('review-decision-eligibility', { type: 'text', size: 14 });
    const reason = input('review-decision-reason', { type: 'text', size: 14 });
    const buttons = ['listed', 'rejected'].map((decision) => {
      const b = h('button', { type: 'button', testid: 'review-decide', data: { decision } }, T.decideAs(decision));
      b.onclick = () =>
        act(b, T.deciding, async () => {
          const body = { decision, reason: reason.value.trim() };
          if (decision === 'listed') {
            Object.assign(body, {
              reward_amount: reward.value || null,
              deadline: until.value || null,
              eligibility: eligibility.value.trim() || null,
            });
          }
          await ctx.api.post(`${ROUNDS}/${round.id}/demands/${d.demand_id}/decision`, body);
          ctx.notify(T.decided(d.title, decision));
        });
      return b;
    });
    return h(
      'details',
      { testid: 'review-decision-form' },
      h('summary', {}, T.decide),
      h('div', { class: 'form' },
        h('label', { class: 'field' }, T.reward, reward),
        h('label', { class: 'field' }, T.listDeadline, until),
        h('label', { class: 'field' }, T.eligibility, eligibility),
        h('label', { class: 'field' }, T.reason, reason),
        h('div', { class: 'custom' }, ...buttons),
      ),
    );
  }

  // Only the latest request draws: a slow earlier one must not replace a form being filled.
  let seq = 0;
  async function show(roundId) {
    const mine = ++seq;
    root.dataset.state = 'loading';
    try {
      const p = await ctx.api.get(`${ROUNDS}/${roundId}/progress`);
      if (mine !== seq) return;
      summary.textContent = T.summary(p.round);
      replace(body,
        p.round.seed === null
          ? h('div', {}, h('p', { class: 'hint' }, T.notDrawn), isAdmin ? drawButton(p.round) : null)
          : table(
              'review-table',
              [T.demand, T.organisation, T.city, T.reviewers, T.scoresIn, T.conflicts, T.replaced, T.weighted, T.recommendation, T.decision],
              p.demands.map((d) =>
                h(
                  'tr',
                  { testid: 'review-row', data: { demand: d.demand_id, decision: d.decision || '' } },
                  h('td', {}, d.title),
                  h('td', {}, d.organisation_name),
                  h('td', {}, cityName(d.city)),
                  h('td', {}, d.reviewers.map((r) => reviewerLine(p.round, r))),
                  h('td', { class: 'value', testid: 'review-scored' }, `${d.scored}/${p.round.reviewers_per_demand}`),
                  h('td', { class: 'value', testid: 'review-conflicts' }, String(d.conflicts_declared)),
                  h('td', { class: 'value' }, String(d.replaced)),
                  h('td', { class: 'value', testid: 'review-weighted' }, d.weighted_score ?? '—'),
                  h('td', {}, d.recommendation ? REVIEW_WORDS[d.recommendation] : T.pending),
                  h('td', { testid: 'review-decision' }, decisionCell(p.round, d)),
                ),
              ),
            ),
      );
      root.dataset.state = 'ready';
    } catch (err) {
      if (mine !== seq) return;
      replace(errors, errorBox(err));
      root.dataset.state = 'error';
    }
  }

  async function load(selectId) {
    replace(errors);
    try {
      const rounds = await ctx.api.get(ROUNDS);
      if (!rounds.length) {
        pick.hidden = true;
        replace(body, h('p', { class: 'hint', testid: 'review-none' }, T.noRounds));
        root.dataset.state = 'ready';
        return;
      }
      pick.hidden = false;
      const keep = selectId || pick.value;
      replace(pick, rounds.map((r) => option(r.id, r.name, r.id === keep)));
      await show(pick.value);
    } catch (err) {
      replace(errors, errorBox(err));
      root.dataset.state = 'error';
    }
  }
  pick.addEventListener('change', () => {
    replace(errors);
    show(pick.value);
  });
  return { el: root, load: () => load() };
}
