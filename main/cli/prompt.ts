import readline from 'node:readline';
import { CommandError, type Io } from './context.js';

type TtyIn = NodeJS.ReadableStream & { isTTY?: boolean; setRawMode?: (on: boolean) => unknown };

export function stdinIsTerminal(io: Io): boolean {
  return (io.stdin as TtyIn).isTTY === true && typeof (io.stdin as TtyIn).setRawMode === 'function';
}

/** Asks for a PIN at the terminal without echoing it (raw mode: no line is shown, nothing stays in scrollback). */
export function promptHidden(io: Io, question: string): Promise<string> {
  const input = io.stdin as TtyIn;
  // Raw mode before the question: whatever is typed once it shows is never echoed.
  input.setRawMode?.(true);
  input.resume();
  io.stderr.write(question);
  return new Promise((resolve, reject) => {
    let typed = '';
    const done = (err: Error | null) => {
      input.setRawMode?.(false);
      input.pause();
      input.off('data', onData);
      io.stderr.write('\n');
      if (err) reject(err);
      else resolve(typed);
    };
    const onData = (chunk: Buffer | string) => {
      for (const ch of chunk.toString()) {
        if (ch === '\r' || ch === '\n') return done(null);
        if (ch === '\u0003' || ch === '\u0004') return done(new CommandError('cancelled'));
        if (ch === '\u007f' || ch === '\b') typed = typed.slice(0, -1);
        else typed += ch;
      }
    };
    input.on('data', onData);
  });
}

/** The first line of stdin (a PIN piped in by a script, never typed on the command line). */
export async function firstLine(io: Io): Promise<string | null> {
  const lines = readline.createInterface({ input: io.stdin, crlfDelay: Infinity });
  for await (const line of lines) {
    lines.close();
    return line.trim();
  }
  return null;
}

/**
 * A new PIN: at a terminal, typed twice (not echoed) and the two must match; from a script,
 * the first line of stdin.
 */
export async function readNewPin(io: Io, whose: string): Promise<string> {
  if (!stdinIsTerminal(io)) {
    const pin = await firstLine(io);
    if (!pin) throw new CommandError(`give ${whose}'s new PIN on stdin (one line), or run the command at a terminal to be asked`);
    return pin;
  }
  const first = await promptHidden(io, `New PIN for ${whose}: `);
  const again = await promptHidden(io, 'The same PIN again: ');
  if (first !== again) throw new CommandError('the two PINs differ: nothing was changed');
  return first;
}
