// Calls in flight under one caller's signal. Each call gets a controller of its own (one shared
// signal would carry a listener per call in flight), and all of them are aborted together: by the
// caller's signal, or by `cancel` (a lookup's first failure, a stream closed early).

export class CancelScope {
  readonly #parent: AbortSignal | undefined;
  readonly #open = new Set<AbortController>();
  readonly #onAbort = () => this.cancel(this.#parent!.reason);
  #stopped: { reason: unknown } | undefined;

  constructor(parent: AbortSignal | undefined) {
    this.#parent = parent;
    if (parent?.aborted) this.cancel(parent.reason);
    else parent?.addEventListener('abort', this.#onAbort, { once: true });
  }

  /** The first reason the scope was cancelled with, if it was. */
  get stopped(): { reason: unknown } | undefined {
    return this.#stopped;
  }

  /** A controller for one call, aborted with the others (at once when the scope is cancelled already); `done` forgets it. */
  open(): { signal: AbortSignal; done(): void } {
    const controller = new AbortController();
    if (this.#stopped) controller.abort(this.#stopped.reason);
    else this.#open.add(controller);
    return { signal: controller.signal, done: () => void this.#open.delete(controller) };
  }

  cancel(reason: unknown): void {
    this.#stopped ??= { reason };
    for (const controller of this.#open) controller.abort(reason);
    this.#open.clear();
  }

  /** Stops listening to the caller's signal (the scope's work is over). */
  close(): void {
    this.#parent?.removeEventListener('abort', this.#onAbort);
  }
}
