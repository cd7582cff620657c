// 我的评审: an expert's own page. It lists only the demands drawn for this expert (the API
// answers nothing else), takes one score per criterion with comments, and lets the
// expert declare a conflict of interest, which voids the assignment and re-draws.

import { h, replace } from '../dom.js';
import { cityName, fmtNumber } from '../format.js';
import { busy, card, errorBox } from '../ui.js';
import { REVIEW_TEXT as T, REVIEW_WORDS } from '../words.js';

const MINE = '/api/projects/v1/my-reviews';

function reviewCard(ctx, review, reload) {
  const errors = h('div', { class: 'errors' });
  const done = h('p', { class: 'notice', testid: 'my-review-done', hidden: true });
  const given = Object.fromEntries(review.scores.map((s) => [s.criterion, s]));
  const inputs = review.criteria.map((c) => ({
    key: c.key,
    score: h('input', {
      type: 'number',
      min: 0,
      max: 100,
      step: '0.5',
      required: true,
      testid: 'my-review-score',
      data: { criterion: c.key },
      value: given[c.key] ? String(Number(given[c.key].score)) : '',
    }),
    comment: h('input', { type: 'text', maxlength: 2000, testid: 'my-review-comment', value: given[c.key]?.comment || '' }),
    label: T.criterion(c),
  }));
  const overall = h('textarea', { rows: 3, maxlength: 5000, testid: 'my-review-overall' }, review.comment || '');
  const submit = h('button', { type: 'submit', class: 'primary', testid: 'my-review-submit' }, T.submit);
  const form = h(
    'form',
    { class: 'form', testid: 'my-review-form' },
    inputs.map((i) =>
      h('div', { class: 'field inline' }, h('span', {}, i.label), i.score, h('span', {}, T.comment), i.comment),
    ),
    h('label', { class: 'field' }, T.overall, overall),
    submit,
  );
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    replace(errors);
    const body = {
      scores: inputs.map((i) => ({ criterion: i.key, score: Number(i.score.value), comment: i.comment.value })),
      comment: overall.value,
    };
    busy(
      submit,
      T.submitting,
      async () => {
        await ctx.api.put(`${MINE}/${review.assignment_id}/scores`, body);
        done.textContent = T.saved;
        done.hidden = false;
        ctx.notify?.(T.saved);
      },
      (err) => replace(errors, errorBox(err)),
    );
  });
  const reason = h('input', { type: 'text', maxlength: 2000, testid: 'my-review-conflict-reason' });
  const declare = h('button', { type: 'button', testid: 'my-review-conflict' }, T.declare);
  declare.addEventListener('click', () => {
    replace(errors);
    busy(
      declare,
      T.declaring,
      async () => {
        await ctx.api.post(`${MINE}/${review.assignment_id}/conflict`, { reason: reason.value.trim() });
        ctx.notify?.(T.declared);
        await reload();
      },
      (err) => replace(errors, errorBox(err)),
    );
  });
  const d = review.demand;
  return h(
    'section',
    { class: 'card', testid: 'my-review', data: { assignment: review.assignment_id, status: review.status } },
    h('h2', {}, d.title),
    h(
      'p',
      { class: 'hint' },
      `${review.round_name} · ${d.organisation_name} · ${cityName(d.city)} · ${d.field} · ` +
        `${T.budget} ${fmtNumber(d.budget)} · ${T.deadline} ${review.deadline} · ` +
        `${T.status}：${REVIEW_WORDS[review.status] || review.status}`,
    ),
    d.goal ? h('p', {}, `${T.goal}：${d.goal}`) : null,
    errors,
    form,
    done,
    h('div', { class: 'field inline' }, h('span', {}, T.conflictReason), reason, declare),
  );
}

export function expertView(ctx) {
  const root = h('div', { testid: 'my-reviews', class: 'view', data: { state: 'idle' } });
  const list = h('div', {});
  const errors = h('div', { class: 'errors' });
  root.append(h('h1', {}, T.myTitle), h('p', { class: 'hint' }, T.myIntro), errors, list);

  async function load() {
    root.dataset.state = 'loading';
    replace(errors);
    try {
      const reviews = await ctx.api.get(MINE);
      replace(list,
        reviews.length
          ? reviews.map((r) => reviewCard(ctx, r, load))
          : card(null, h('p', { class: 'hint', testid: 'my-reviews-none' }, T.myNone)),
      );
      root.dataset.state = 'ready';
      root.dataset.count = String(reviews.length);
    } catch (err) {
      replace(errors, errorBox(err));
      root.dataset.state = 'error';
    }
  }
  return { el: root, load, dispose() {} };
}
