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

export function playVerdict(kind: VerdictClass): void {
  const { muted, volume } = soundSettings();
  if (muted) return;
  try {
    ctx ??= new AudioContext();
    if (ctx.state === 'suspended') void ctx.resume();
  } catch {
    return; // no audio device: the colour still says it
  }
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
