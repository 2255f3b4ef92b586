import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '@appgov/testing';

/** A private Prometheus server (Debian's `prometheus` binary) scraping the given targets. */
export interface RunningPrometheus {
  url: string;
  /** Instant query; resolves with the result vector (or scalar/string result as Prometheus sends it). */
  query(expr: string): Promise<PromSample[]>;
  /** Waits until every target has been scraped successfully at least `scrapes` times. */
  waitForScrapes(scrapes?: number): Promise<void>;
  stop(): Promise<void>;
}

/** One sample of an instant vector. */
export interface PromSample {
  metric: Record<string, string>;
  value: [number, string];
}

/** Options of {@link startPrometheus}. */
export interface StartPrometheusOptions {
  /** job name -> `host:port` of a /metrics endpoint. */
  targets: Record<string, string>;
  scrapeIntervalSeconds?: number;
  /** Rule files to load (alert rules are evaluated too, so a broken rule fails the start). */
  ruleFiles?: string[];
  binary?: string;
}

/**
 * Starts Prometheus on a free loopback port with a generated config and a throw-away TSDB: only this
 * run's series exist, so "no series" means this run exported nothing under that name.
 */
export async function startPrometheus(options: StartPrometheusOptions): Promise<RunningPrometheus> {
  const dir = mkdtempSync(join(tmpdir(), 'appgov-prometheus-'));
  const port = await freePort();
  const interval = `${options.scrapeIntervalSeconds ?? 1}s`;
  const config = [
    'global:',
    `  scrape_interval: ${interval}`,
    `  evaluation_interval: ${interval}`,
    ...(options.ruleFiles?.length
      ? ['rule_files:', ...options.ruleFiles.map((f) => `  - ${JSON.stringify(f)}`)]
      : []),
    'scrape_configs:',
    ...Object.entries(options.targets).flatMap(([job, target]) => [
      `  - job_name: ${JSON.stringify(job)}`,
      `    static_configs: [{ targets: [${JSON.stringify(target)}] }]`,
    ]),
    '',
  ].join('\n');
  writeFileSync(join(dir, 'prometheus.yml'), config);
  const child: ChildProcess = spawn(
    options.binary ?? process.env.PROMETHEUS_BIN ?? 'prometheus',
    [
      `--config.file=${join(dir, 'prometheus.yml')}`,
      `--storage.tsdb.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--storage.tsdb.retention.time=1d',
      '--log.level=warn',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const output: string[] = [];
  child.stdout?.on('data', (b: Buffer) => output.push(b.toString()));
  child.stderr?.on('data', (b: Buffer) => output.push(b.toString()));
  const exited = new Promise<number | null>((res) => {
    child.once('exit', (code) => res(code));
    child.once('error', () => res(-1));
  });
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    }
    rmSync(dir, { recursive: true, force: true });
  };

  let gone = false;
  void exited.then(() => {
    gone = true;
  });
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (gone) {
      await stop();
      throw new Error(`prometheus exited at start:\n${output.join('').slice(-4000)}`);
    }
    const ready = await fetch(`${url}/-/ready`).then(
      (r) => r.ok,
      () => false,
    );
    if (ready) break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`prometheus not ready after 60 s:\n${output.join('').slice(-4000)}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }

  const query = async (expr: string): Promise<PromSample[]> => {
    const res = await fetch(`${url}/api/v1/query`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ query: expr }).toString(),
    });
    const body = (await res.json()) as {
      status: string;
      error?: string;
      data?: { resultType: string; result: unknown };
    };
    if (body.status !== 'success') throw new Error(`PromQL error in ${expr}: ${body.error}`);
    const { resultType, result } = body.data ?? { resultType: 'vector', result: [] };
    if (resultType === 'scalar' || resultType === 'string') {
      return [{ metric: {}, value: result as [number, string] }];
    }
    return result as PromSample[];
  };

  return {
    url,
    query,
    async waitForScrapes(scrapes = 2) {
      const jobs = Object.keys(options.targets).length;
      const until = Date.now() + 60_000;
      for (;;) {
        // count_over_time of up==1 per job: every target answered `scrapes` times.
        const ok = await query(`count(count_over_time((up == 1)[5m:${interval}]) >= ${scrapes})`).catch(
          () => [],
        );
        if (Number(ok[0]?.value[1] ?? 0) >= jobs) return;
        if (Date.now() > until) throw new Error(`targets not scraped ${scrapes} times within 60 s`);
        await new Promise((r) => setTimeout(r, 500));
      }
    },
    stop,
  };
}
