/**
 * Repairs "mojibake": UTF-8 text that was decoded with a legacy single-byte encoding and
 * saved again (e.g. `‚úÖ` for `✅` via Mac Roman, `âœ…` via Windows-1252).
 */

const legacyEncodings = ['macintosh', 'windows-1252'] as const;

function reverseMap(encoding: string): Map<string, number> {
  const decoder = new TextDecoder(encoding);
  const map = new Map<string, number>();
  for (let byte = 0x80; byte <= 0xff; byte++) {
    map.set(decoder.decode(new Uint8Array([byte])), byte);
  }
  return map;
}

const maps = new Map(legacyEncodings.map(e => [e, reverseMap(e)]));
const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

function reencode(line: string, map: Map<string, number>): string | undefined {
  const bytes: number[] = [];
  for (const ch of line) {
    const code = ch.codePointAt(0)!;
    if (code < 0x80) bytes.push(code);
    else {
      const b = map.get(ch);
      if (b === undefined) return undefined;
      bytes.push(b);
    }
  }
  try {
    return strictUtf8.decode(new Uint8Array(bytes));
  } catch {
    return undefined;
  }
}

/** Repairs each line that decodes cleanly back to UTF-8; returns the text and the count. */
export function repairMojibake(text: string): {
  text: string;
  repairedLines: number;
} {
  let repairedLines = 0;
  const lines = text.split('\n').map(line => {
    // eslint-disable-next-line no-control-regex
    if (/^[\x00-\x7f]*$/.test(line)) return line;
    for (const map of maps.values()) {
      const fixed = reencode(line, map);
      if (fixed !== undefined && fixed !== line) {
        repairedLines += 1;
        return fixed;
      }
    }
    return line;
  });
  return { text: lines.join('\n'), repairedLines };
}
