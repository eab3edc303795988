// The header's unread badge: the sum of the server's unread counts by type.
import { get } from './api.js';

export async function refreshUnread() {
  const badge = document.getElementById('unread');
  if (!badge) return;
  try {
    const counts = await get('/ordo/inbox/count');
    const n = Object.values(counts).reduce((a, b) => a + (typeof b === 'number' ? b : 0), 0);
    badge.textContent = n ? String(n) : '';
  } catch {
    badge.textContent = '';
  }
}
