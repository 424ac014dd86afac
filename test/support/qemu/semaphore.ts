// A counting semaphore: at most `limit` holders at once, the rest wait in arrival order.

export class Semaphore {
  private _held = 0;
  private readonly _waiting: (() => void)[] = [];

  constructor(private readonly _limit: number) {}

  async use<T>(work: () => Promise<T>): Promise<T> {
    await this._acquire();
    try {
      return await work();
    } finally {
      this._release();
    }
  }

  private _acquire(): Promise<void> {
    if (this._held < this._limit) {
      this._held++;
      return Promise.resolve();
    }
    // The releasing holder hands its slot over, so _held stays the same.
    return new Promise((resolve) => this._waiting.push(resolve));
  }

  private _release(): void {
    const next = this._waiting.shift();
    if (next) next();
    else this._held--;
  }
}
