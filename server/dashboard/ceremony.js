// The live page of one ceremony. It reads the coordinator's public dashboard view over HTTP and
// re-reads it whenever the read-only observer websocket pushes a status. All text goes through
// textContent: nothing from the wire is ever parsed as HTML.
const ceremonyId = decodeURIComponent(location.pathname.split('/').filter(Boolean).pop());
const PHASES = ['OPEN', 'ACCEPT', 'COMMIT', 'REVEAL', 'APPROVE', 'FINALIZED'];
const STEP = { OPEN: 'accepted', ACCEPT: 'accepted', COMMIT: 'committed', REVEAL: 'revealed', APPROVE: 'approved' };
const $ = (id) => document.getElementById(id);
let view = null;
let clockSkewMs = 0;

function el(tag, text, attributes = {}) {
  const node = document.createElement(tag);
  if (text !== undefined && text !== null) node.textContent = String(text);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
  return node;
}

const time = (ms) => new Date(ms).toLocaleTimeString();
// Voting deadlines are days away: they carry their date.
const dateTime = (ms) => new Date(ms).toLocaleString();
const short = (hex) => (hex.length > 20 ? `${hex.slice(0, 10)}…${hex.slice(-8)}` : hex);

function duration(ms) {
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s >= 2 * 86400) return `${Math.floor(s / 86400)} days`;
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  return h > 0 ? `${h} h ${String(m).padStart(2, '0')} min` : `${m}:${String(sec).padStart(2, '0')}`;
}

/** waiting / done / late for a member in the phase that is running (or that the ceremony ended in). */
function memberState(member, status, phases) {
  let phase = status.phase;
  if (phase === 'FINALIZED') return 'done';
  if (phase === 'ABORTED') phase = phases.length > 1 ? phases[phases.length - 2].phase : 'OPEN';
  if (member[STEP[phase]]) return 'done';
  const now = Date.now() + clockSkewMs;
  return status.phase === 'ABORTED' || (status.deadlineMs !== null && now > status.deadlineMs) ? 'late' : 'waiting';
}

function render() {
  const { status, phases, transcript, assembly, artifact } = view;
  document.title = `${status.ceremonyId} · ${status.phase} · Concord`;
  $('title').textContent = `${view.consortium}`;
  $('subtitle').textContent = `ceremony ${status.ceremonyId} · chain ${view.chain.name} (id ${view.chain.chainId}, EVM ${view.chain.evm}, ${view.chain.stepDurationSec} s steps) · spec ${short(status.specHash)}`;
  $('phase').textContent = status.phase;
  $('phase').dataset.phase = status.phase;

  const timeline = $('timeline');
  timeline.replaceChildren();
  const reached = new Map(phases.map((p) => [p.phase, p]));
  const current = status.phase === 'ABORTED' ? phases[phases.length - 2]?.phase : status.phase;
  for (const phase of PHASES) {
    const at = reached.get(phase);
    const index = PHASES.indexOf(phase);
    const state = status.phase === 'ABORTED' && phase === current ? 'aborted' : phase === current && phase !== 'FINALIZED' ? 'current' : index < PHASES.indexOf(current) || (phase === 'FINALIZED' && at) ? 'done' : 'pending';
    const item = el('li', undefined, { 'data-state': state, 'data-phase': phase });
    item.append(el('div', phase, { class: 'name' }));
    item.append(el('div', at ? `from ${time(at.startedMs)}` : '—', { class: 'when' }));
    if (at && at.deadlineMs !== null) item.append(el('div', `deadline ${time(at.deadlineMs)}`, { class: 'when deadline' }));
    if (at && at.deadlineMs !== null && state === 'current') item.append(el('div', '', { class: 'left', 'data-deadline': String(at.deadlineMs) }));
    timeline.append(item);
  }

  const names = new Map(Object.entries(view.names));
  const body = $('members').tBodies[0];
  body.replaceChildren();
  const approvals = new Map(transcript.filter((t) => t.kind === 'Approve').map((t) => [t.member, t.genesisHash]));
  for (const member of status.members) {
    const state = memberState(member, status, phases);
    const row = el('tr', undefined, { 'data-member': member.identity });
    row.append(el('td', member.name));
    row.append(el('td', member.identity, { class: 'address' }));
    row.append(el('td', state, { class: 'state', 'data-state': state }));
    for (const done of [member.accepted, member.committed, member.revealed, member.approved]) row.append(el('td', done ? '✓' : '·', { class: 'tick', 'data-done': String(done) }));
    row.append(el('td', approvals.get(member.identity) ?? '', { class: 'hash' }));
    body.append(row);
  }
  const waiting = status.waitingFor.length;
  $('waiting').textContent = waiting > 0 ? `· waiting for ${waiting} of ${status.members.length}` : '';

  $('abort').hidden = status.abort === null;
  if (status.abort !== null) $('abort').textContent = `Aborted by ${status.abort.by}: ${status.abort.reason}`;
  $('genesis').textContent = assembly?.genesisHash ?? 'not yet assembled';
  fillAddresses('validators', assembly?.validators ?? []);
  fillAddresses('bridge', assembly?.bridgeValidators ?? []);
  $('required').textContent = required(assembly);
  const artifactBox = $('artifact');
  artifactBox.replaceChildren();
  if (artifact.available) {
    artifactBox.append(el('a', 'download artifact.json', { href: `/api/ceremonies/${encodeURIComponent(ceremonyId)}/artifact`, download: `${ceremonyId}-artifact.json` }));
    const ok = artifact.verified === true;
    artifactBox.append(el('span', ok ? '  ✓ verified by the coordinator (check it yourself: concord verify)' : `  ✗ does not verify: ${artifact.failures.join('; ')}`, { class: 'verified', 'data-ok': String(ok) }));
  } else artifactBox.textContent = 'not yet signed';

  $('policy').replaceChildren(...view.policy.map((sentence) => el('li', sentence)));

  renderGovernance(view.governance, names);

  $('head').textContent = status.head;
  const rows = $('transcript').tBodies[0];
  rows.replaceChildren();
  for (const entry of [...transcript].reverse()) {
    const row = el('tr');
    row.append(el('td', entry.seq), el('td', time(entry.acceptedMs)), el('td', entry.kind), el('td', entry.memberName), el('td', entry.hash, { class: 'hash' }));
    rows.append(row);
  }
  tick();
}

function fillAddresses(id, addresses) {
  $(id).replaceChildren(...addresses.map((a) => el('li', a, { class: 'address' })));
}

const required = (set) => (set?.requiredSignatures ? `${set.requiredSignatures} of ${set.bridgeValidators.length} signatures required` : '');

/** One line for a change: what a compliance officer needs to recognise it. */
function describeChange(change, names) {
  const who = (address) => names.get(address) ?? address;
  switch (change.kind) {
    case 'addAuthority': return `add a node for ${who(change.member)}: signer ${change.node.signer}`;
    case 'removeAuthority': return `remove the node signing as ${change.signer}`;
    case 'rotateAuthority': return `rotate signer ${change.oldSigner} → ${change.newSigner}`;
    case 'setBridgeValidators': return `bridge validators: +${change.add.length}, −${change.remove.length}, ${change.requiredSignatures} signatures required`;
    case 'admitMember': return `admit ${change.name} (${change.identity})`;
    case 'removeMember': return `remove member ${who(change.identity)}`;
    case 'setPermissions': return 'change the permission policy';
    case 'recordBridgeDeployment': return `record the deployed bridge: home ${change.home.bridge}, foreign ${change.foreign.bridge}`;
    default: return change.kind;
  }
}

function renderGovernance(governance, names) {
  $('governance').hidden = governance === null;
  if (governance === null) return;
  $('revision').textContent = String(governance.revision);
  for (const label of document.querySelectorAll('#consortium .revision')) label.textContent = String(governance.revision);
  $('consortium-members').replaceChildren(
    ...governance.members.map((member) => {
      const item = el('li', undefined, { 'data-member': member.identity });
      item.append(el('span', member.name), ' ', el('span', member.identity, { class: 'address' }));
      return item;
    }),
  );
  fillAddresses('consortium-validators', governance.validators);
  fillAddresses('consortium-bridge', governance.bridgeValidators);
  $('consortium-required').textContent = required(governance);
  const deployment = governance.bridgeDeployment;
  $('consortium-deployment-none').hidden = deployment !== null;
  $('consortium-deployment').replaceChildren(
    ...(deployment === null
      ? []
      : ['home', 'foreign'].map((chain) => el('li', `${chain}: bridge ${deployment[chain].bridge}, BridgeValidators ${deployment[chain].validators}, deployed at block ${deployment[chain].deployedBlock}`, { class: 'address', 'data-chain': chain }))),
  );
  const rows = $('proposals').tBodies[0];
  rows.replaceChildren();
  for (const proposal of [...governance.proposals].reverse()) {
    const row = el('tr', undefined, { 'data-proposal': proposal.hash });
    row.append(el('td', short(proposal.hash), { class: 'hash' }));
    row.append(el('td', `${describeChange(proposal.change, names)} · from block ${proposal.activationBlock}`));
    row.append(el('td', names.get(proposal.proposer) ?? proposal.proposer));
    const status = proposal.madeRevision === null ? proposal.status : `${proposal.status} → revision ${proposal.madeRevision}`;
    row.append(el('td', status, { class: 'state', 'data-state': proposal.status === 'passed' ? 'done' : proposal.status === 'open' ? 'waiting' : 'late' }));
    row.append(el('td', `${proposal.tally.yes} / ${proposal.tally.no} / ${proposal.tally.threshold}`));
    row.append(el('td', proposal.status === 'open' ? proposal.notVoted.map((address) => names.get(address) ?? address).join(', ') : ''));
    const deadlineMs = proposal.votingDeadline * 1000;
    row.append(el('td', proposal.status === 'open' ? `${dateTime(deadlineMs)} (in ${duration(deadlineMs - (Date.now() + clockSkewMs))})` : dateTime(deadlineMs)));
    rows.append(row);
  }
}

function tick() {
  if (view === null) return;
  const { status } = view;
  const now = Date.now() + clockSkewMs;
  $('countdown').textContent = status.deadlineMs === null ? '' : `deadline in ${duration(status.deadlineMs - now)} (${time(status.deadlineMs)})`;
  for (const left of document.querySelectorAll('#timeline .left')) left.textContent = `in ${duration(Number(left.dataset.deadline) - now)}`;
}

async function refresh() {
  const response = await fetch(`/api/ceremonies/${encodeURIComponent(ceremonyId)}/dashboard`);
  if (!response.ok) {
    $('title').textContent = `Ceremony ${ceremonyId} not found`;
    return;
  }
  const next = await response.json();
  // Refreshes overlap when statuses come quickly: a slower, older answer must not replace a newer one.
  if (view !== null && next.status.seq < view.status.seq) return;
  view = next;
  clockSkewMs = view.nowMs - Date.now();
  render();
}

function connect() {
  const socket = new WebSocket(`${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws`);
  socket.addEventListener('open', () => socket.send(JSON.stringify({ type: 'hello', ceremonyId, role: 'observer' })));
  socket.addEventListener('message', (event) => {
    const frame = JSON.parse(event.data);
    if (frame.type === 'welcome' || frame.type === 'status') {
      $('live').dataset.live = 'true';
      $('live').textContent = 'live';
      void refresh();
    }
  });
  socket.addEventListener('close', () => {
    $('live').dataset.live = 'false';
    $('live').textContent = 'reconnecting…';
    setTimeout(connect, 2000);
  });
}

await refresh();
connect();
setInterval(tick, 1000);
