// Transport faults (`Scenario.transportFaults`): which request a fault takes, the faults that answer instead
// of the cluster (a redirect, a Retry-After), and those that spoil the answer's body (cut short, dripping,
// huge). The faults that answer with an ONTAP error (`serverErrors`, `configLocked`) are decided in
// routes.ts, after authentication, as a cluster would.

import type { ServerResponse } from "http";

import type { Scenario, TransportFault } from "./scenario";
import type { RequestLogEntry } from "./simCluster";
import type { Timers } from "./timers";

/** The first transport fault that matches the request, counted down (and spent at 0). */
export function takeTransportFault(scenario: Scenario, method: string, path: string): TransportFault | undefined {
  const faults = scenario.transportFaults;
  const index = faults.findIndex(
    (f) => (f.count ?? 1) > 0 && (f.method === undefined || f.method === method) && (f.path === undefined || path.startsWith(f.path)),
  );
  if (index < 0) return undefined;
  const fault = faults[index] as TransportFault;
  fault.count = (fault.count ?? 1) - 1;
  return fault;
}

/** Faults that answer (or never answer) instead of the cluster: true when the request is dealt with. */
export function faultBeforeWork(fault: TransportFault, url: URL, entry: RequestLogEntry, res: ServerResponse, decoyUrl: string): boolean {
  switch (fault.kind) {
    case "redirect": {
      const status = fault.status ?? 302;
      entry.status = status;
      res.writeHead(status, { Location: fault.location ?? `${decoyUrl}${url.pathname}${url.search}`, "Content-Length": 0 });
      res.end();
      return true;
    }
    case "retryAfter": {
      const status = fault.status ?? 503;
      entry.status = status;
      const text = JSON.stringify({ error: { message: "Service temporarily unavailable (simulated front end)", code: String(status) } });
      res.writeHead(status, { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(text), "Retry-After": fault.retryAfter ?? "1" });
      res.end(text);
      return true;
    }
    case "hang":
      return fault.afterWork !== true;
    default:
      return false;
  }
}

/** Sends the answer through a fault of the body: cut short, dripping, or replaced by a huge one. */
export function faultyBody(fault: TransportFault, status: number, headers: Record<string, string | number>, text: string, res: ServerResponse, timers: Timers): void {
  switch (fault.kind) {
    case "truncate":
      res.writeHead(status, headers);
      res.write(text.slice(0, Math.floor(text.length / 2)));
      // Let the half reach the client before the connection goes.
      timers.after(20, () => res.socket?.destroy());
      return;
    case "drip": {
      res.writeHead(status, headers);
      let sent = 0;
      const step = (): void => {
        if (res.destroyed || timers.closed) return;
        res.write(text.slice(sent, sent + 1));
        sent += 1;
        if (sent >= text.length) res.end();
        else timers.after(fault.intervalMs ?? 1000, step);
      };
      step();
      return;
    }
    case "huge": {
      const bytes = fault.bytes ?? 64 * 1024 * 1024;
      res.writeHead(200, { "Content-Type": "application/hal+json", ...(fault.declareLength === false ? {} : { "Content-Length": bytes }) });
      const head = '{"padding":"';
      const chunk = "x".repeat(64 * 1024);
      let written = 0;
      const pump = (): void => {
        while (!res.destroyed && !timers.closed) {
          const left = bytes - written;
          if (left <= 2) {
            res.end('"}'.slice(0, left));
            return;
          }
          const piece = written === 0 ? head : chunk.slice(0, Math.min(chunk.length, left - 2));
          written += piece.length;
          if (!res.write(piece)) {
            res.once("drain", pump);
            return;
          }
        }
      };
      pump();
      return;
    }
    default:
      res.writeHead(status, headers);
      res.end(text);
  }
}
