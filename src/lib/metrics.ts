import cluster from 'node:cluster';
import client from 'prom-client';

export interface Metrics {
  registry: client.Registry;
  httpDuration: client.Histogram<'method' | 'route' | 'status'>;
}

/** A registry per app instance, so tests that build several apps do not collide. */
export function createMetrics(): Metrics {
  const registry = new client.Registry();
  client.collectDefaultMetrics({ register: registry });
  const httpDuration = new client.Histogram({
    name: 'redress_http_request_duration_seconds',
    help: 'HTTP request duration by route template',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  return { registry, httpDuration };
}

/*
 * Several API processes (WEB_CONCURRENCY): a scrape reaches one of them, so that one asks the
 * primary, which collects every process's registry with prom-client's AggregatorRegistry
 * (counters and histograms summed; gauges that read one shared value say `aggregator: 'first'`).
 */
const METRICS_REQUEST = 'redress:metrics-request';
const METRICS_RESPONSE = 'redress:metrics-response';
const ASK_TIMEOUT_MS = 6_000;

interface MetricsMessage {
  type: string;
  id: number;
  text?: string;
  error?: string;
}

/** In an API process of a cluster: let the primary's aggregator read this registry. */
export function shareMetricsWithPrimary(metrics: Metrics): void {
  if (!cluster.isWorker) return;
  new client.AggregatorRegistry(); // installs prom-client's worker-side listener
  client.AggregatorRegistry.setRegistries([metrics.registry]);
}

/** In the primary: answer API processes that ask for everyone's metrics. */
export function serveClusterMetrics(): void {
  const aggregator = new client.AggregatorRegistry();
  cluster.on('message', (worker, message: MetricsMessage) => {
    if (message?.type !== METRICS_REQUEST) return;
    aggregator.clusterMetrics().then(
      (text) => worker.send({ type: METRICS_RESPONSE, id: message.id, text }),
      (err: unknown) =>
        worker.send({
          type: METRICS_RESPONSE,
          id: message.id,
          error: err instanceof Error ? err.message : String(err),
        }),
    );
  });
}

let nextRequest = 0;

/** What /metrics serves: this process's metrics, or every API process's when in a cluster. */
export function metricsText(metrics: Metrics): Promise<string> {
  if (!cluster.isWorker || !process.send) return metrics.registry.metrics();
  const id = ++nextRequest;
  return new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      process.off('message', onMessage);
      reject(new Error('the primary did not answer with the cluster metrics'));
    }, ASK_TIMEOUT_MS);
    function onMessage(message: MetricsMessage) {
      if (message?.type !== METRICS_RESPONSE || message.id !== id) return;
      clearTimeout(timer);
      process.off('message', onMessage);
      if (message.error !== undefined) reject(new Error(message.error));
      else resolve(message.text ?? '');
    }
    process.on('message', onMessage);
    process.send!({ type: METRICS_REQUEST, id });
  });
}
