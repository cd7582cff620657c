// 揭榜挂帅 论证遴选: a review round's progress — each demand × its drawn reviewers, scores
// in, conflicts declared, the weighted result, the recommendation and the decision.
// Shown in the 揭榜挂帅 view to admins and analysts (the roles the progress API allows).

import { h, option, replace } from '../dom.js';
import { cityName } from '../format.js';
import { errorBox, table } from '../ui.js';
import { REVIEW_TEXT as T, REVIEW_WORDS } from '../words.js';

const ROUNDS = '/api/projects/v1/review-rounds';
export const REVIEW_ROLES = ['admin', 'analyst'];

export function reviewPanel(ctx) {
  const root = h('div', { testid: 'review', data: { state: 'idle' } });
  const pick = h('select', { testid: 'review-round' });
  const summary = h('p', { class: 'hint', testid: 'review-summary' });
  const body = h('div', { testid: 'review-progress' });
  const errors = h('div', { class: 'errors' });
  root.append(h('label', { class: 'field inline' }, T.round, pick), summary, errors, body);

  async function show(roundId) {
    root.dataset.state = 'loading';
    replace(errors);
    try {
      const p = await ctx.api.get(`${ROUNDS}/${roundId}/progress`);
      summary.textContent = T.summary(p.round);
      replace(body,
        p.round.seed === null
          ? h('p', { class: 'hint' }, T.notDrawn)
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
                  h(
                    'td',
                    {},
                    d.reviewers.map((r) =>
                      h(
                        'div',
                        { testid: 'review-reviewer', data: { status: r.status } },
                        `${r.expert_name}（${r.expert_organisation}）· ${REVIEW_WORDS[r.status] || r.status}` +
                          (r.weighted_score !== null ? ` · ${r.weighted_score}` : ''),
                      ),
                    ),
                  ),
                  h('td', { class: 'value', testid: 'review-scored' }, `${d.scored}/${p.round.reviewers_per_demand}`),
                  h('td', { class: 'value', testid: 'review-conflicts' }, String(d.conflicts_declared)),
                  h('td', { class: 'value' }, String(d.replaced)),
                  h('td', { class: 'value', testid: 'review-weighted' }, d.weighted_score ?? '—'),
                  h('td', {}, d.recommendation ? REVIEW_WORDS[d.recommendation] : T.pending),
                  h('td', {}, d.decision ? REVIEW_WORDS[d.decision] : T.pending),
                ),
              ),
            ),
      );
      root.dataset.state = 'ready';
    } catch (err) {
      replace(errors, errorBox(err));
      root.dataset.state = 'error';
    }
  }

  async function load() {
    try {
      const rounds = await ctx.api.get(ROUNDS);
      if (!rounds.length) {
        pick.hidden = true;
        replace(body, h('p', { class: 'hint', testid: 'review-none' }, T.noRounds));
        root.dataset.state = 'ready';
        return;
      }
      const keep = pick.value;
      replace(pick, rounds.map((r) => option(r.id, r.name, r.id === keep)));
      await show(pick.value);
    } catch (err) {
      replace(errors, errorBox(err));
      root.dataset.state = 'error';
    }
  }
  pick.addEventListener('change', () => show(pick.value));
  return { el: root, load };
}
