// The signed-in user's credential, kept for this browser tab only (sessionStorage).

const KEY = 'gxst.dashboard.session';

export function loadSession() {
  try {
    const s = JSON.parse(sessionStorage.getItem(KEY) || 'null');
    return s && s.kind && s.secret ? s : null;
  } catch {
    return null;
  }
}

export function saveSession(session) {
  sessionStorage.setItem(KEY, JSON.stringify(session));
}

export function clearSession() {
  sessionStorage.removeItem(KEY);
}

// The headers a credential travels in: a frontend token as Bearer, an API key as X-API-Key.
export function authHeaders(session) {
  if (!session) return {};
  return session.kind === 'bearer'
    ? { Authorization: `Bearer ${session.secret}` }
    : { 'X-API-Key': session.secret };
}
