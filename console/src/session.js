// Who is signed in: the credentials (HTTP Basic or an API token) and the user's profile, kept
// in sessionStorage so a reload stays signed in and closing the tab signs out.
const KEY = 'ordo.session';

function load() {
  try {
    return JSON.parse(sessionStorage.getItem(KEY)) || null;
  } catch {
    return null;
  }
}

export const session = {
  state: load(),
  authorization() {
    return this.state ? this.state.authorization : null;
  },
  user() {
    return this.state ? this.state.user : null;
  },
  admin() {
    return !!(this.state && this.state.groups && this.state.groups.includes('admin'));
  },
  save(state) {
    this.state = state;
    sessionStorage.setItem(KEY, JSON.stringify(state));
  },
  clear() {
    this.state = null;
    sessionStorage.removeItem(KEY);
  },
};

export function basic(user, password) {
  return 'Basic ' + btoa(String.fromCharCode(...new TextEncoder().encode(`${user}:${password}`)));
}
