// Open GraphQL WebSocket connections and subscriptions of this API process, read when Prometheus
// scrapes (the WebSocket server keeps the live set anyway; nothing is counted per message).
import { Gauge } from 'prom-client';
import { registry } from './metrics';

export interface SubscriptionSource {
  connections(): number;
  subscriptions(): number;
}

const sources = new Set<SubscriptionSource>();

/** Adds a WebSocket server's figures to the gauges until the returned function is called. */
export function trackSubscriptions(source: SubscriptionSource): () => void {
  sources.add(source);
  return () => sources.delete(source);
}

const sum = (read: (s: SubscriptionSource) => number) => [...sources].reduce((n, s) => n + read(s), 0);

new Gauge({
  name: 'plotmeter_graphql_websockets',
  help: 'Open GraphQL WebSocket connections (acknowledged) of this API process',
  registers: [registry],
  collect() {
    this.set(sum((s) => s.connections()));
  },
});

new Gauge({
  name: 'plotmeter_graphql_subscriptions',
  help: 'Running GraphQL subscriptions of this API process',
  registers: [registry],
  collect() {
    this.set(sum((s) => s.subscriptions()));
  },
});
