// Sign in with a user of the server (HTTP Basic) or an API token (Bearer); the server checks
// the credentials by answering the user's own profile.
import { api, ApiError } from '../api.js';
import { h, notice } from '../dom.js';
import { t, language, setLanguage } from '../i18n.js';
import { session, basic } from '../session.js';

async function signIn(authorization, userHint) {
  let user = userHint;
  if (!user) {
    // A token names its user: the server lists the caller's own tokens.
    const tokens = await api('GET', '/ordo/tokens', undefined, { auth: authorization });
    user = tokens.length ? tokens[0].userId : null;
    if (!user) throw new ApiError(401, 'token: no user');
  }
  const profile = await api('GET', `/user/${encodeURIComponent(user)}/profile`, undefined, { auth: authorization });
  session.save({
    user,
    authorization,
    name: [profile.firstName, profile.lastName].filter(Boolean).join(' ') || user,
    groups: profile.ordoGroups || [],
    department: profile.ordoDepartment,
  });
}

export function loginPage(done) {
  const userInput = h('input', { name: 'user', autocomplete: 'username', required: true });
  const passwordInput = h('input', { name: 'password', type: 'password', autocomplete: 'current-password' });
  const tokenInput = h('input', { name: 'token', autocomplete: 'off' });
  const form = h('form.card.login', {
    onsubmit: async (e) => {
      e.preventDefault();
      try {
        if (tokenInput.value.trim()) await signIn('Bearer ' + tokenInput.value.trim(), null);
        else await signIn(basic(userInput.value.trim(), passwordInput.value), userInput.value.trim());
        history.replaceState(null, '', location.pathname.startsWith('/console/') ? location.pathname : '/console/');
        done();
      } catch (err) {
        notice('error', err.message);
      }
    },
  },
  h('h1', {}, t('appName')),
  h('label', {}, t('user'), userInput),
  h('label', {}, t('password'), passwordInput),
  h('details', {}, h('summary', {}, t('orToken')), h('label', {}, t('token'), tokenInput)),
  h('button.primary', { type: 'submit', 'data-test': 'sign-in' }, t('signIn')),
  h('button.link', { type: 'button', 'data-test': 'language', onclick: () => { setLanguage(language() === 'zh' ? 'en' : 'zh'); done(); } }, t('language')));
  // The token field is optional: without it the user name is required.
  tokenInput.addEventListener('input', () => { userInput.required = !tokenInput.value.trim(); });
  return form;
}
