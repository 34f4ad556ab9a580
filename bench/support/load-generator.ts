// Main-thread handle on the load-generator worker thread: start it (it builds the bodies), run phases
// one after another, stop it. A worker error rejects the pending phase instead of hanging the bench.
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { LoadWorkerData, PhaseRequest, PhaseResult, ReadyMessage, WorkerMessage } from './load-messages';

export class LoadGenerator {
  private pending: { resolve: (value: WorkerMessage) => void; reject: (error: Error) => void } | null = null;

  private constructor(private readonly worker: Worker) {
    worker.on('message', (message: WorkerMessage) => this.settle(message));
    worker.on('error', (error) => this.fail(error));
    worker.on('exit', (code) => this.fail(new Error(`load generator exited with code ${code}`)));
  }

  /** Starts the worker and resolves once every body is built. */
  static async start(data: LoadWorkerData): Promise<{ generator: LoadGenerator; ready: ReadyMessage }> {
    const worker = new Worker(path.join(__dirname, 'load-generator.worker.js'), { workerData: data });
    const generator = new LoadGenerator(worker);
    const ready = await generator.next();
    if (ready.type !== 'ready') throw new Error(`load generator sent ${ready.type} before ready`);
    return { generator, ready };
  }

  async run(request: Omit<PhaseRequest, 'type'>): Promise<PhaseResult> {
    const answer = this.next();
    this.worker.postMessage({ type: 'run', ...request } satisfies PhaseRequest);
    const message = await answer;
    if (message.type === 'error') throw new Error(`load phase ${request.label} failed: ${message.message}`);
    if (message.type !== 'result') throw new Error(`load generator sent ${message.type} instead of a result`);
    return message.result;
  }

  async stop(): Promise<void> {
    this.worker.removeAllListeners('exit');
    await this.worker.terminate();
  }

  private next(): Promise<WorkerMessage> {
    if (this.pending) throw new Error('the load generator runs one phase at a time');
    return new Promise((resolve, reject) => {
      this.pending = { resolve, reject };
    });
  }

  private settle(message: WorkerMessage): void {
    const pending = this.pending;
    this.pending = null;
    pending?.resolve(message);
  }

  private fail(error: Error): void {
    const pending = this.pending;
    this.pending = null;
    pending?.reject(error);
  }
}
