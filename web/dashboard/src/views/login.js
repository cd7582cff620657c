// 登录: the development issuer (POST /dev/token, only when the gateway runs it, as under
// `make run`) or an API key. The gateway then says who that is (GET /gateway/v1/me).

import { h, option, replace } from '../dom.js';
import { CITIES, CITY_CODES, ROLE_NAMES } from '../format.js';
import { busy, card, errorBox } from '../ui.js';

export function loginView({ api, rawApi, onSignedIn, message }) {
  const errors = h('div', { testid: 'login-error', class: 'errors' });
  const show = (err) => replace(errors, errorBox(err));

  async function signIn(session) {
    const who = await rawApi(session).get('/gateway/v1/me');
    onSignedIn({ ...session, who });
  }

  // --- development issuer
  const username = h('input', { testid: 'login-username', name: 'username', required: true, value: '' });
  const role = h(
    'select',
    { testid: 'login-role', name: 'role' },
    ['admin', 'analyst', 'city_bureau'].map((r) => option(r, ROLE_NAMES[r])),
  );
  const city = h(
    'select',
    { testid: 'login-city', name: 'city' },
    CITY_CODES.map((c) => option(c, CITIES[c])),
  );
  const cityField = h('label', { class: 'field', hidden: true }, '所属城市', city);
  role.addEventListener('change', () => {
    cityField.hidden = role.value !== 'city_bureau';
  });
  const devSubmit = h('button', { type: 'submit', testid: 'login-submit', class: 'primary' }, '登录');
  const devForm = h(
    'form',
    { testid: 'login-dev', class: 'form' },
    h('label', { class: 'field' }, '用户名', username),
    h('label', { class: 'field' }, '角色', role),
    cityField,
    devSubmit,
  );
  devForm.addEventListener('submit', (ev) => {
    ev.preventDefault();
    replace(errors);
    const body = { username: username.value.trim(), role: role.value };
    if (role.value === 'city_bureau') body.city = city.value;
    busy(
      devSubmit,
      '登录中…',
      async () => {
        const token = await api.post('/dev/token', body);
        await signIn({ kind: 'bearer', secret: token.access_token, user: body.username });
      },
      show,
    );
  });
  const devCard = card(
    '开发环境登录',
    h('p', { class: 'hint' }, '本地开发签发器（make run 时开启）：任选角色签发令牌。'),
    devForm,
  );
  devCard.hidden = true;
  const devOff = h(
    'p',
    { class: 'hint', testid: 'login-dev-off', hidden: true },
    '网关未开启开发签发器，请使用 API 密钥登录。',
  );
  // The issuer's key set answers only when it is on.
  fetch('/dev/jwks.json', { cache: 'no-store' })
    .then((r) => {
      devCard.hidden = !r.ok;
      devOff.hidden = r.ok;
    })
    .catch(() => {
      devOff.hidden = false;
    });

  // --- API key
  const key = h('input', {
    testid: 'login-api-key',
    name: 'api-key',
    type: 'password',
    autocomplete: 'off',
    required: true,
    placeholder: 'gxk_…',
  });
  const keySubmit = h('button', { type: 'submit', testid: 'login-key-submit' }, '使用密钥登录');
  const keyForm = h(
    'form',
    { testid: 'login-key', class: 'form' },
    h('label', { class: 'field' }, 'API 密钥', key),
    keySubmit,
  );
  keyForm.addEventListener('submit', (ev) => {
    ev.preventDefault();
    replace(errors);
    busy(
      keySubmit,
      '验证中…',
      () => signIn({ kind: 'apikey', secret: key.value.trim(), user: 'API 密钥' }),
      show,
    );
  });

  return h(
    'div',
    { class: 'login', testid: 'login' },
    h('h1', {}, '广西科技厅 业务平台'),
    h('p', { class: 'hint' }, '数据看板 · 请登录'),
    message ? h('p', { class: 'notice', testid: 'login-message' }, message) : null,
    errors,
    h(
      'div',
      { class: 'login-cards' },
      devCard,
      card('API 密钥登录', h('p', { class: 'hint' }, '密钥只保存在本标签页中，关闭即失效。'), keyForm, devOff),
    ),
  );
}
