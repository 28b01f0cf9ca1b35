/**
 * The tab's memory, read from outside through the Chrome DevTools Protocol: the page's JS heap and every
 * dedicated worker's (the training worker holds the feature caches; its image workers are nested inside it),
 * each heap's used size plus its ArrayBuffer backing stores. `performance.measureUserAgentSpecificMemory`
 * cannot do this here: once a worker ends while being measured (the studio ends its training worker after
 * every run), Chromium never answers that measurement or any later one.
 *
 * Workers are reached with `Target.setAutoAttach` in non-flat mode on a session of our own, so Playwright's
 * own session is untouched; messages to a nested worker are wrapped once per level.
 */
import type { CDPSession, Page } from '@playwright/test';

/** Peak memory seen while sampling, bytes. */
export interface TabMemoryPeak {
  /** Page + workers: JS heaps in use plus ArrayBuffer backing stores, summed at each sample. */
  readonly tabBytes: number;
  /** The page's own JS heap in use. */
  readonly pageHeapBytes: number;
  /** Most workers alive at one sample. */
  readonly workers: number;
  readonly samples: number;
}

interface HeapUsage {
  readonly usedSize: number;
  readonly backingStorageSize?: number;
}

interface Message {
  readonly id?: number;
  readonly method?: string;
  readonly params?: { sessionId?: string; message?: string; targetInfo?: { type: string } };
  readonly result?: unknown;
  readonly error?: { message: string };
}

/** Longest wait for one worker's answer: a worker that is ending never answers. */
const REPLY_TIMEOUT_MS = 2_000;

/** Samples the memory of `page` and its workers. Call `dispose` when done. */
export class TabMemory {
  readonly #cdp: CDPSession;
  /** Worker sessions, each as the chain of session ids from the page down to it. */
  readonly #workers = new Map<string, readonly string[]>();
  readonly #pending = new Map<number, (message: Message) => void>();
  #nextId = 1;

  private constructor(cdp: CDPSession) {
    this.#cdp = cdp;
  }

  /** Starts following the workers of `page` (those alive now and any created later). */
  static async attach(page: Page): Promise<TabMemory> {
    const memory = new TabMemory(await page.context().newCDPSession(page));
    memory.#cdp.on('Target.attachedToTarget', (event) => memory.#onAttached([], event));
    memory.#cdp.on('Target.detachedFromTarget', (event) => memory.#workers.delete(event.sessionId));
    memory.#cdp.on('Target.receivedMessageFromTarget', (event) => memory.#onMessage([event.sessionId], event.message));
    await memory.#cdp.send('Target.setAutoAttach', { autoAttach: true, waitForDebuggerOnStart: false, flatten: false });
    return memory;
  }

  #onAttached(parents: readonly string[], event: { sessionId: string; targetInfo: { type: string } }): void {
    if (event.targetInfo.type !== 'worker') return;
    const chain = [...parents, event.sessionId];
    this.#workers.set(event.sessionId, chain);
    // Workers started by this worker (the training worker's image pool) are followed too.
    void this.#send(chain, 'Target.setAutoAttach', { autoAttach: true, waitForDebuggerOnStart: false, flatten: false });
  }

  /** A message from the worker at `chain`: an answer, or an event (perhaps from a worker below it). */
  #onMessage(chain: readonly string[], text: string): void {
    const message = JSON.parse(text) as Message;
    if (message.id !== undefined) {
      this.#pending.get(message.id)?.(message);
      this.#pending.delete(message.id);
    } else if (message.method === 'Target.attachedToTarget' && message.params?.sessionId && message.params.targetInfo) {
      this.#onAttached(chain, { sessionId: message.params.sessionId, targetInfo: message.params.targetInfo });
    } else if (message.method === 'Target.detachedFromTarget' && message.params?.sessionId) {
      this.#workers.delete(message.params.sessionId);
    } else if (message.method === 'Target.receivedMessageFromTarget' && message.params?.sessionId && message.params.message) {
      this.#onMessage([...chain, message.params.sessionId], message.params.message);
    }
  }

  /** Sends `method` to the worker at the end of `chain`, wrapped once per level; null when it does not answer. */
  #send(chain: readonly string[], method: string, params: object): Promise<Message | null> {
    const id = this.#nextId++;
    let text = JSON.stringify({ id, method, params });
    for (let level = chain.length - 1; level >= 1; level--) {
      text = JSON.stringify({ id: this.#nextId++, method: 'Target.sendMessageToTarget', params: { sessionId: chain[level], message: text } });
    }
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.#pending.delete(id);
        resolve(null);
      }, REPLY_TIMEOUT_MS);
      this.#pending.set(id, (message) => {
        clearTimeout(timer);
        resolve(message);
      });
      this.#cdp.send('Target.sendMessageToTarget', { sessionId: chain[0] as string, message: text }).catch(() => {
        clearTimeout(timer);
        this.#pending.delete(id);
        resolve(null);
      });
    });
  }

  /** One reading: the page's heap, and the sum over the page and every worker that answered. */
  async sample(): Promise<{ tabBytes: number; pageHeapBytes: number; workers: number }> {
    const page = (await this.#cdp.send('Runtime.getHeapUsage')) as HeapUsage;
    const replies = await Promise.all([...this.#workers.values()].map((chain) => this.#send(chain, 'Runtime.getHeapUsage', {})));
    const workers = replies.flatMap((reply) => (reply?.result ? [reply.result as HeapUsage] : []));
    const bytes = (h: HeapUsage): number => h.usedSize + (h.backingStorageSize ?? 0);
    return { tabBytes: [page, ...workers].reduce((n, h) => n + bytes(h), 0), pageHeapBytes: page.usedSize, workers: workers.length };
  }

  /**
   * Runs `work` while sampling every `everyMs`; resolves with its value and the peaks. The page's garbage is
   * collected first, so that what an earlier run left behind does not count.
   */
  async during<T>(work: () => Promise<T>, everyMs = 500): Promise<{ value: T; memory: TabMemoryPeak }> {
    await this.#cdp.send('HeapProfiler.collectGarbage').catch(() => undefined);
    let peak: TabMemoryPeak = { tabBytes: 0, pageHeapBytes: 0, workers: 0, samples: 0 };
    let running = true;
    let wake: () => void = () => undefined;
    const take = async (): Promise<void> => {
      const s = await this.sample().catch(() => null);
      if (!s) return;
      peak = {
        tabBytes: Math.max(peak.tabBytes, s.tabBytes), pageHeapBytes: Math.max(peak.pageHeapBytes, s.pageHeapBytes),
        workers: Math.max(peak.workers, s.workers), samples: peak.samples + 1,
      };
    };
    const loop = (async () => {
      while (running) {
        await take();
        if (running) {
          await new Promise<void>((resolve) => {
            wake = resolve;
            setTimeout(resolve, everyMs);
          });
        }
      }
    })();
    try {
      const value = await work();
      return { value, memory: peak };
    } finally {
      running = false;
      wake();
      await loop;
    }
  }

  async dispose(): Promise<void> {
    await this.#cdp.detach().catch(() => undefined);
  }
}
