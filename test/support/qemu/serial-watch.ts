// Scans the serial console of a booting VM as it streams in: records when markers appear, notices a
// failure marker, and decides when to type input. Pure: the caller feeds text and the time it arrived.

export interface SerialInput {
  /** Typed once, after this appears (inputs are armed one at a time, in order). */
  when: RegExp;
  /** Text for the serial line; with `keyboard`, QEMU key names separated by spaces (see keyboard.ts). */
  send: string;
  /** Pressed on the guest's PS/2 keyboard (its virtual console) instead of typed on the serial line. */
  keyboard?: boolean;
  /** Wait this long after the prompt first (keyboard: another console's agent may still be starting; serial: a user slow to type). */
  delayMs?: number;
}

export interface TimelineEntry {
  label: string;
  /** Milliseconds since qemu was started. */
  ms: number;
}

export interface SerialWatchOptions {
  until: RegExp[];
  failOn: RegExp[];
  /** Recorded in the timeline when seen, never waited for. */
  watch: RegExp[];
  input: SerialInput[];
}

export class SerialWatch {
  readonly timeline: TimelineEntry[] = [];
  private _log = '';
  /** Start of the line still being received: markers are looked for from here on. */
  private _lineStart = 0;
  private readonly _pendingUntil: RegExp[];
  private readonly _pendingWatch: RegExp[];
  private readonly _failOn: RegExp[];
  private readonly _input: SerialInput[];
  private _nextInput = 0;
  /** Where the next input's prompt is looked for: after the previous prompt. */
  private _inputFrom = 0;
  private _failedOn: RegExp | undefined;

  constructor(options: SerialWatchOptions) {
    this._pendingUntil = options.until.map(_stateless);
    this._pendingWatch = options.watch.map(_stateless);
    this._failOn = options.failOn.map(_stateless);
    this._input = options.input.map((i) => ({ ...i, when: _stateless(i.when) }));
  }

  get log(): string {
    return this._log;
  }
  /** Every `until` marker has appeared. */
  get allSeen(): boolean {
    return this._pendingUntil.length === 0;
  }
  get failedOn(): RegExp | undefined {
    return this._failedOn;
  }

  /** Feed newly received text (already without \r); returns the inputs due now, in order. */
  push(text: string, ms: number): SerialInput[] {
    this._log += text;
    const window = this._log.slice(this._lineStart);
    this._take(this._pendingWatch, window, ms);
    this._take(this._pendingUntil, window, ms);
    if (this._failedOn === undefined) {
      this._failedOn = this._failOn.find((re) => re.test(window));
      if (this._failedOn) this.timeline.push({ label: this._failedOn.source, ms });
    }
    const sends = this._dueInput();
    this._lineStart = this._log.lastIndexOf('\n') + 1;
    return sends;
  }

  private _take(pending: RegExp[], window: string, ms: number): void {
    for (let i = 0; i < pending.length; ) {
      const re = pending[i]!;
      if (re.test(window)) {
        this.timeline.push({ label: re.source, ms });
        pending.splice(i, 1);
      } else i++;
    }
  }

  private _dueInput(): SerialInput[] {
    const sends: SerialInput[] = [];
    for (;;) {
      const next = this._input[this._nextInput];
      if (!next) return sends;
      // Text before the line start was searched in an earlier push, with this input already armed.
      const from = Math.max(this._inputFrom, this._lineStart);
      const m = next.when.exec(this._log.slice(from));
      if (!m) return sends;
      this._inputFrom = from + m.index + m[0].length;
      this._nextInput++;
      sends.push(next);
    }
  }
}

/** A copy without the g/y flags, whose lastIndex would make .test() depend on earlier calls. */
function _stateless(re: RegExp): RegExp {
  return new RegExp(re.source, re.flags.replace(/[gy]/g, ''));
}
