// GET /oauth/v2/authorize: a small install page (pick the person, "Allow"), for the console; the
// form posts to /oauth/v2/authorize/allow, which redirects to the app's redirect URI with a code.
import type { EmulatorRequest, EmulatorResponse } from '../base/emulator';
import { escapeHtml } from '../base/html';
import type { AuthorizeInput } from './drivers';
import type { SlackState } from './state';

export function authorizePage(state: SlackState, req: EmulatorRequest): EmulatorResponse {
  const q = req.query;
  const clientId = q.get('client_id') ?? '';
  if (clientId !== state.app.clientId) return { status: 400, headers: { 'content-type': 'text/html' }, body: '<p>invalid_client_id</p>' };
  const chosen = q.get('team') && q.get('user') ? `${q.get('team')}:${q.get('user')}` : undefined;
  const options = [...state.workspaces.values()].flatMap((ws) =>
    [...ws.users.values()].filter((u) => !u.isBot).map((u) => {
      const value = `${ws.id}:${u.id}`;
      return `<option value="${escapeHtml(value)}"${value === chosen ? ' selected' : ''}>${escapeHtml(`${u.name} in ${ws.name}`)}</option>`;
    }),
  );
  const hidden = ['client_id', 'scope', 'redirect_uri', 'state'].map((k) => `<input type="hidden" name="${k}" value="${escapeHtml(q.get(k) ?? '')}">`).join('');
  const scopes = (q.get('scope') ?? '').split(',').filter(Boolean);
  const body = `<!doctype html><html><head><meta charset="utf-8"><title>Install Signalcast</title></head><body>
<h1>Signalcast is requesting permission to access your Slack workspace</h1>
<ul>${scopes.map((s) => `<li>${escapeHtml(s)}</li>`).join('')}</ul>
<form method="post" action="/oauth/v2/authorize/allow">${hidden}
<label>Install as <select name="person">${options.join('')}</select></label>
<button type="submit">Allow</button></form></body></html>`;
  return { status: 200, headers: { 'content-type': 'text/html; charset=utf-8' }, body };
}

/** The "Allow" form's fields as the authorize driver's input. */
export function allowInput(req: EmulatorRequest): AuthorizeInput {
  const form = req.body instanceof URLSearchParams ? req.body : new URLSearchParams();
  const [team = '', user = ''] = (form.get('person') ?? '').split(':');
  const input: AuthorizeInput = { team, user, redirectUri: form.get('redirect_uri') ?? '', clientId: form.get('client_id') ?? '' };
  const scope = form.get('scope');
  if (scope) input.scopes = scope.split(',').filter(Boolean);
  const stateParam = form.get('state');
  if (stateParam) input.state = stateParam;
  return input;
}
