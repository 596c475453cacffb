import type { VerdictClass } from '../shared/domain.js';

/**
 * A distinct sound per verdict class, synthesized with WebAudio (no files): the clerk is
 * looking at the envelope, not the screen. Accept: one high beep. Problem: a low double buzz.
 * Rescan: three short mid tones.
 */
let ctx: AudioContext | null = null;

export function soundSettings(): { muted: boolean; volume: number } {
  return { muted: localStorage.getItem('intake.muted') === '1', volume: Number(localStorage.getItem('intake.volume') ?? '0.6') };
}

export function saveSoundSettings(s: { muted: boolean; volume: number }): void {
  localStorage.setItem('intake.muted', s.muted ? '1' : '0');
  localStorage.setItem('intake.volume', String(s.volume));
}

function tone(freq: number, start: number, duration: number, type: OscillatorType, volume: number): void {
  if (!ctx) return;
  const osc = ctx.createOscillator();
  const gain = ctx.createGain();
  osc.type = type;
  osc.frequency.value = freq;
  gain.gain.setValueAtTime(volume, ctx.currentTime + start);
  gain.gain.exponentialRampToValueAtTime(0.001, ctx.currentTime + start + duration);
  osc.connect(gain).connect(ctx.destination);
  osc.start(ctx.currentTime + start);
  osc.stop(ctx.currentTime + start + duration + 0.02);
}

function ready(): number | null {
  const { muted, volume } = soundSettings();
  if (muted) return null;
  try {
    ctx ??= new AudioContext();
    if (ctx.state === 'suspended') void ctx.resume();
    return volume;
  } catch {
    return null; // no audio device: the colour still says it
  }
}

/** The station stopped (disk full, database locked…): a siren no one mistakes for a verdict. Mute does not silence it. */
export function playAlarm(): void {
  const volume = Math.max(ready() ?? soundSettings().volume, 0.4);
  try {
    ctx ??= new AudioContext();
  } catch {
    return;
  }
  for (let i = 0; i < 6; i += 1) tone(i % 2 ? 520 : 880, i * 0.25, 0.22, 'sawtooth', volume * 0.7);
}

export function playVerdict(kind: VerdictClass): void {
  const volume = ready();
  if (volume === null) return;
  switch (kind) {
    case 'accept':
      tone(1320, 0, 0.18, 'sine', volume);
      break;
    case 'problem':
      tone(180, 0, 0.22, 'square', volume * 0.6);
      tone(180, 0.3, 0.22, 'square', volume * 0.6);
      break;
    case 'rescan':
      for (let i = 0; i < 3; i += 1) tone(660, i * 0.12, 0.07, 'triangle', volume);
      break;
  }
}

/** A flag for cure: two rising tones, unlike any verdict (the envelope goes to the cure tray). */
export function playFlag(): void {
  const volume = ready();
  if (volume === null) return;
  tone(520, 0, 0.12, 'triangle', volume);
  tone(780, 0.14, 0.12, 'triangle', volume);
  tone(1040, 0.28, 0.2, 'triangle', volume);
}

/** A scan taken but not recorded (locked screen, or a code read only in part): a falling buzz, never silence. */
export function playRefused(): void {
  const volume = Math.max(ready() ?? soundSettings().volume, 0.3);
  try {
    ctx ??= new AudioContext();
  } catch {
    return;
  }
  tone(440, 0, 0.15, 'square', volume * 0.6);
  tone(330, 0.17, 0.15, 'square', volume * 0.6);
  tone(220, 0.34, 0.3, 'square', volume * 0.6);
}
