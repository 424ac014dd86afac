// Capability bitmaps of /sys/class/input/inputN/capabilities/*: hex words of BITS_PER_LONG bits,
// most significant word first, separated by spaces, leading zeros dropped ("120013", "3 0 0 fffffffe").
// Words are taken as 64-bit (x86_64, arm64: the kernels this tool builds images for).

export class InputBitmap {
  private constructor(private readonly _bits: bigint) {}

  static parse(text: string, bitsPerWord = 64): InputBitmap {
    const words = text.trim().split(/\s+/).filter((w) => w !== '');
    let bits = 0n;
    for (const word of words) {
      if (!/^[0-9a-fA-F]+$/.test(word)) return new InputBitmap(0n);
      bits = (bits << BigInt(bitsPerWord)) | BigInt(`0x${word}`);
    }
    return new InputBitmap(bits);
  }

  has(bit: number): boolean {
    return ((this._bits >> BigInt(bit)) & 1n) === 1n;
  }
}
