import '../images.css';
import { useRef, useState, type KeyboardEvent, type PointerEvent } from 'react';

/** A box on an image, as fractions of its width and height (0 … 1), so any resolution of the same design fits. */
export interface Box {
  x: number;
  y: number;
  w: number;
  h: number;
}

const MIN = 0.01;
const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));
const pct = (v: number) => `${Math.round(v * 1000) / 10}%`;

/** Keeps a box inside the image and at least 1% on each side. */
export function fitBox(b: Box): Box {
  const w = clamp(b.w, MIN, 1);
  const h = clamp(b.h, MIN, 1);
  return { x: clamp(b.x, 0, 1 - w), y: clamp(b.y, 0, 1 - h), w, h };
}

/** Where the box is, in words a person can check against the picture. */
export function boxWords(b: Box): string {
  return `${pct(b.x)} from the left, ${pct(b.y)} from the top, ${pct(b.w)} wide, ${pct(b.h)} tall`;
}

/** Arrow keys move the box, Shift+arrow keys resize it; Ctrl makes the step fine (0.2% instead of 1%). */
export function keyedBox(b: Box, key: string, shift: boolean, fine: boolean): Box | null {
  const step = fine ? 0.002 : 0.01;
  const d: Record<string, [number, number]> = {
    ArrowLeft: [-step, 0],
    ArrowRight: [step, 0],
    ArrowUp: [0, -step],
    ArrowDown: [0, step],
  };
  const m = d[key];
  if (!m) return null;
  const [dx, dy] = m;
  if (shift) return fitBox({ ...b, w: b.w + dx, h: b.h + dy });
  return fitBox({ ...b, x: b.x + dx, y: b.y + dy });
}

/**
 * Draw a box on a picture with the mouse (press, drag, release), or move and size it with the
 * keyboard once it has the focus. The picture keeps its proportions; the box is drawn over it.
 */
export function BoxDrawer({
  src,
  alt,
  box,
  onChange,
  label,
}: {
  src: string;
  alt: string;
  box: Box;
  onChange: (b: Box) => void;
  label: string;
}) {
  const area = useRef<HTMLDivElement>(null);
  const [start, setStart] = useState<{ x: number; y: number } | null>(null);

  const at = (e: PointerEvent) => {
    const r = area.current?.getBoundingClientRect();
    if (!r || r.width === 0 || r.height === 0) return { x: 0, y: 0 };
    return { x: clamp((e.clientX - r.left) / r.width, 0, 1), y: clamp((e.clientY - r.top) / r.height, 0, 1) };
  };
  const down = (e: PointerEvent<HTMLDivElement>) => {
    if (e.button !== 0) return;
    e.preventDefault();
    e.currentTarget.setPointerCapture(e.pointerId);
    const p = at(e);
    setStart(p);
    onChange(fitBox({ x: p.x, y: p.y, w: MIN, h: MIN }));
  };
  const move = (e: PointerEvent<HTMLDivElement>) => {
    if (!start) return;
    const p = at(e);
    onChange(
      fitBox({
        x: Math.min(start.x, p.x),
        y: Math.min(start.y, p.y),
        w: Math.abs(p.x - start.x),
        h: Math.abs(p.y - start.y),
      }),
    );
  };
  const up = (e: PointerEvent<HTMLDivElement>) => {
    if (!start) return;
    move(e);
    setStart(null);
    e.currentTarget.releasePointerCapture(e.pointerId);
  };
  const key = (e: KeyboardEvent<HTMLDivElement>) => {
    const next = keyedBox(box, e.key, e.shiftKey, e.ctrlKey);
    if (!next) return;
    e.preventDefault();
    onChange(next);
  };

  return (
    <div className="box-drawer">
      <div
        ref={area}
        className="box-area"
        onPointerDown={down}
        onPointerMove={move}
        onPointerUp={up}
        onPointerCancel={() => setStart(null)}
      >
        <img src={src} alt={alt} draggable={false} />
        <div
          className="box"
          role="slider"
          tabIndex={0}
          aria-label={label}
          aria-valuetext={boxWords(box)}
          aria-valuenow={Math.round(box.x * 100)}
          aria-valuemin={0}
          aria-valuemax={100}
          onKeyDown={key}
          style={{ left: pct(box.x), top: pct(box.y), width: pct(box.w), height: pct(box.h) }}
          data-testid="signature-box"
        />
      </div>
      <p className="muted small" data-testid="box-words">
        The box: {boxWords(box)}.
      </p>
    </div>
  );
}
