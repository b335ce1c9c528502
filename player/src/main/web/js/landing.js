// The landing page: join a room by address and passcode, the rooms this browser has joined, and for the
// admin every room plus create and delete.
import { api, friendlyMessage, session } from './api.js';

const $ = (id) => document.getElementById(id);
const ROOM_ID = /^[a-z0-9-]{1,64}$/;
const KNOWN_KEY = 'sharespace.knownRooms';

/** Accepts a bare room id or any address that names one (room.html?room=x, …#x, /rooms/x). */
export function roomIdFrom(input) {
  const text = input.trim();
  if (ROOM_ID.test(text)) return text;
  try {
    const u = new URL(text, location.href);
    const q = u.searchParams.get('room');
    if (q && ROOM_ID.test(q)) return q;
    const h = decodeURIComponent(u.hash.slice(1));
    if (ROOM_ID.test(h)) return h;
    const m = u.pathname.match(/\/rooms?\/([a-z0-9-]{1,64})\/?$/);
    if (m) return m[1];
  } catch { /* not a URL */ }
  return null;
}

function known() { try { return JSON.parse(localStorage.getItem(KNOWN_KEY)) || []; } catch { return []; } }
function remember(id, name) {
  const list = known().filter((r) => r.id !== id);
  list.unshift({ id, name: name || id });
  localStorage.setItem(KNOWN_KEY, JSON.stringify(list.slice(0, 20)));
}

function showError(el, text) { el.textContent = text || ''; el.hidden = !text; }

let adminToken = sessionStorage.getItem('sharespace.adminToken') || '';
let adminRooms = null;

function roomUrl(id) { return `room.html?room=${encodeURIComponent(id)}`; }

function renderRooms() {
  const list = $('rooms');
  const rooms = adminRooms || known();
  $('rooms-hint').textContent = adminRooms ? 'Every room on this server.' : rooms.length ? 'Rooms you have joined in this browser.' : 'No rooms yet. Join one with its address and passcode.';
  list.replaceChildren(...rooms.map((r) => {
    const li = document.createElement('li');
    const a = document.createElement('a');
    a.href = roomUrl(r.id);
    a.textContent = r.name || r.id;
    li.append(a);
    const meta = document.createElement('span');
    meta.className = 'quiet';
    const bits = [r.id];
    const count = typeof r.memberCount === 'number' ? r.memberCount : r.members;
    if (typeof count === 'number') bits.push(`${count} member${count === 1 ? '' : 's'}`);
    if (r.live === true || (r.parts && r.parts.streamLive)) bits.push('live');
    meta.textContent = ` ${bits.join(' · ')}`;
    li.append(meta);
    if (adminRooms) {
      const del = document.createElement('button');
      del.textContent = 'Delete';
      del.className = 'danger small';
      del.addEventListener('click', async () => {
        if (!confirm(`Delete room ${r.id}? Everyone in it is disconnected.`)) return;
        try { await api.deleteRoom(adminToken, r.id); await loadAdmin(); } catch (e) { showError($('admin-error'), friendlyMessage(e)); }
      });
      li.append(' ', del);
    }
    return li;
  }));
}

async function loadAdmin() {
  showError($('admin-error'), '');
  try {
    const res = await api.listRooms(adminToken);
    adminRooms = Array.isArray(res) ? res : res.rooms || [];
    sessionStorage.setItem('sharespace.adminToken', adminToken);
    $('create-form').hidden = false;
    $('admin').open = true;
  } catch (e) {
    adminRooms = null;
    $('create-form').hidden = true;
    showError($('admin-error'), e.status === 401 || e.status === 403 ? 'That admin token is not accepted.' : friendlyMessage(e));
  }
  renderRooms();
}

$('join-form').addEventListener('submit', async (e) => {
  e.preventDefault();
  const id = roomIdFrom($('join-room').value);
  if (!id) { showError($('join-error'), 'That is not a room address. A room id has lowercase letters, digits and dashes.'); return; }
  const name = $('join-name').value.trim() || 'Guest';
  $('join-submit').disabled = true;
  showError($('join-error'), '');
  try {
    const res = await api.join(id, $('join-passcode').value, name);
    localStorage.setItem('sharespace.name', name);
    session.set(id, { memberId: res.memberId, token: res.token, name, admin: !!res.admin });
    remember(id, res.room && res.room.name);
    location.href = roomUrl(id);
  } catch (err) {
    showError($('join-error'), friendlyMessage(err));
    $('join-error').dataset.code = err.code || 'server_down';
  } finally {
    $('join-submit').disabled = false;
  }
});

$('admin-form').addEventListener('submit', (e) => { e.preventDefault(); adminToken = $('admin-token').value.trim(); loadAdmin(); });

$('create-form').addEventListener('submit', async (e) => {
  e.preventDefault();
  showError($('admin-error'), '');
  try {
    const body = { id: $('create-id').value.trim() || undefined, name: $('create-name').value.trim() || undefined, passcode: $('create-passcode').value || undefined };
    const res = await api.createRoom(adminToken, body);
    const room = res.room || res;
    // The creator gets the room owner's session (the only member who may take control).
    if (res.owner && res.owner.token) session.set(room.id, { memberId: res.owner.memberId, token: res.owner.token, name: 'Owner', owner: true });
    remember(room.id, room.name);
    $('created').hidden = false;
    $('created-link').href = roomUrl(room.id);
    $('created-link').textContent = new URL(roomUrl(room.id), location.href).toString();
    $('created-passcode').textContent = res.passcode || body.passcode || '';
    $('create-form').reset();
    await loadAdmin();
  } catch (err) {
    showError($('admin-error'), err.code === 'room_gone' ? 'The server has no room API here.' : friendlyMessage(err));
  }
});

const params = new URLSearchParams(location.search);
if (params.get('room')) $('join-room').value = params.get('room');
const lastName = localStorage.getItem('sharespace.name');
if (lastName) $('join-name').value = lastName;
if (adminToken) { $('admin-token').value = adminToken; loadAdmin(); } else renderRooms();
