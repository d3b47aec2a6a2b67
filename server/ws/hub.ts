/**
 * Status pushes to connected members and observers. A burst of accepted messages becomes one push
 * per ceremony per tick: the status is serialized once and the same text is sent to every subscriber,
 * so 600 connections cost one JSON.stringify, not 600, and a slow burst never queues stale states.
 */
import type { WebSocket } from 'ws';
import type { CeremonyStatus, ServerFrame } from '../../shared/protocol/messages.js';

/** How long a push waits for more changes to coalesce. */
const PUSH_DELAY_MS = 100;

export class StatusHub {
  private readonly subscribers = new Map<string, Set<WebSocket>>();
  private readonly pending = new Map<string, CeremonyStatus>();

  subscribe(ceremonyId: string, socket: WebSocket): void {
    let set = this.subscribers.get(ceremonyId);
    if (set === undefined) this.subscribers.set(ceremonyId, (set = new Set()));
    set.add(socket);
    socket.once('close', () => set.delete(socket));
  }

  /** Schedules a push of `status` (the latest one wins). */
  publish(ceremonyId: string, status: CeremonyStatus): void {
    const scheduled = this.pending.has(ceremonyId);
    this.pending.set(ceremonyId, status);
    if (scheduled) return;
    setTimeout(() => {
      const latest = this.pending.get(ceremonyId);
      this.pending.delete(ceremonyId);
      if (latest === undefined) return;
      const text = JSON.stringify({ type: 'status', status: latest } satisfies ServerFrame);
      for (const socket of this.subscribers.get(ceremonyId) ?? []) {
        if (socket.readyState === socket.OPEN) socket.send(text);
      }
    }, PUSH_DELAY_MS).unref();
  }
}
