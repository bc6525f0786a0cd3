import type { Landmarks68 } from '../landmarks/landmark-detector.js';
import type { MaskSpec } from './mask-style.js';

interface P {
  x: number;
  y: number;
}

const at = (l: Landmarks68, i: number): P => ({ x: l[2 * i]!, y: l[2 * i + 1]! });
const lerp = (a: P, b: P, t: number): P => ({ x: a.x + (b.x - a.x) * t, y: a.y + (b.y - a.y) * t });
const add = (a: P, b: P, k = 1): P => ({ x: a.x + b.x * k, y: a.y + b.y * k });
const f = (n: number) => n.toFixed(2);
const pt = (p: P) => `${f(p.x)},${f(p.y)}`;

/**
 * SVG for one mask in crop pixel coordinates (48×48 frame). The outline follows the jaw
 * (landmarks 1–15) and rises to the nose bridge (27–30), so a tilted or turned face gets a mask
 * turned with it; "up" is taken from the face (chin → bridge), not from the image.
 */
export function maskSvg(l: Landmarks68, spec: MaskSpec, id: string): string {
  const bridge = lerp(at(l, 28), at(l, 29), spec.topOnBridge);
  const chin = at(l, 8);
  const faceHeight = Math.hypot(bridge.x - chin.x, bridge.y - chin.y) || 1;
  const up = { x: (bridge.x - chin.x) / faceHeight, y: (bridge.y - chin.y) / faceHeight };
  const centre = lerp(bridge, chin, 0.5);
  // Jaw points pushed a little outwards (the mask sits on the skin, not inside the jaw line)
  // and the chin dropped so the mask wraps under it.
  const jaw: P[] = [];
  for (let i = 1; i <= 15; i++) {
    const p = at(l, i);
    const out = lerp(centre, p, 1.05);
    const drop = spec.chinDrop * faceHeight * Math.sin((Math.PI * (i - 1)) / 14);
    jaw.push(add(out, up, -drop));
  }
  const left = jaw[0]!;
  const right = jaw[14]!;
  const lift = (a: P, b: P) => add(lerp(a, b, 0.5), up, Math.hypot(a.x - b.x, a.y - b.y) * 0.12);
  const outline = `M${pt(left)} L${jaw.slice(1).map(pt).join(' L')} Q${pt(lift(right, bridge))} ${pt(bridge)} Q${pt(lift(bridge, left))} ${pt(left)} Z`;
  const width = Math.hypot(right.x - left.x, right.y - left.y);
  const stroke = (w: number) => f(Math.max(0.25, width * w));
  const parts: string[] = [];
  const defs: string[] = [];
  let fill = spec.color;
  if (spec.style === 'cloth' && spec.pattern > 0) {
    const angle = (Math.atan2(up.y, up.x) * 180) / Math.PI + 90;
    defs.push(
      spec.pattern === 1
        ? `<pattern id="p${id}" width="3" height="3" patternUnits="userSpaceOnUse" patternTransform="rotate(${f(angle + 35)})"><rect width="3" height="3" fill="${spec.color}"/><rect width="1.1" height="3" fill="#ffffff" fill-opacity="0.35"/></pattern>`
        : `<pattern id="p${id}" width="3.2" height="3.2" patternUnits="userSpaceOnUse" patternTransform="rotate(${f(angle)})"><rect width="3.2" height="3.2" fill="${spec.color}"/><circle cx="1.6" cy="1.6" r="0.7" fill="#ffffff" fill-opacity="0.45"/></pattern>`,
    );
    fill = `url(#p${id})`;
  }
  // Shading: darker towards the jaw so the mask reads as a curved surface, not a flat sticker.
  defs.push(
    `<linearGradient id="g${id}" gradientUnits="userSpaceOnUse" x1="${f(bridge.x)}" y1="${f(bridge.y)}" x2="${f(chin.x)}" y2="${f(chin.y)}"><stop offset="0" stop-color="#fff" stop-opacity="0.10"/><stop offset="0.6" stop-color="#000" stop-opacity="0"/><stop offset="1" stop-color="#000" stop-opacity="0.22"/></linearGradient>`,
  );
  parts.push(`<path d="${outline}" fill="${fill}"/>`, `<path d="${outline}" fill="url(#g${id})"/>`);
  const edgeAt = (t: number): [P, P, P] => {
    // A line across the mask at fraction t from the top edge to the jaw, bowed like the mask.
    const a = lerp(left, jaw[3]!, t);
    const b = lerp(right, jaw[11]!, t);
    const mid = lerp(bridge, jaw[7]!, t * 0.85);
    return [a, add(mid, up, -width * 0.04), b];
  };
  if (spec.style === 'surgical-white' || spec.style === 'surgical-blue') {
    for (const t of [0.3, 0.5, 0.7]) {
      const [a, c, b] = edgeAt(t);
      parts.push(`<path d="M${pt(a)} Q${pt(c)} ${pt(b)}" fill="none" stroke="#000" stroke-opacity="0.28" stroke-width="${stroke(0.018)}"/>`);
    }
    // Nose wire along the top edge, and the ear loops.
    parts.push(
      `<path d="M${pt(lerp(left, bridge, 0.55))} Q${pt(lift(lerp(left, bridge, 0.55), bridge))} ${pt(bridge)} Q${pt(lift(bridge, lerp(right, bridge, 0.55)))} ${pt(lerp(right, bridge, 0.55))}" fill="none" stroke="#000" stroke-opacity="0.3" stroke-width="${stroke(0.02)}"/>`,
    );
    for (const [corner, ear] of [
      [left, at(l, 0)],
      [right, at(l, 16)],
    ] as const) {
      const top = add(ear, up, faceHeight * 0.12);
      parts.push(`<path d="M${pt(corner)} L${pt(top)}" stroke="${spec.color}" stroke-width="${stroke(0.025)}"/>`);
      const low = lerp(corner, jaw[corner === left ? 4 : 10]!, 0.9);
      parts.push(`<path d="M${pt(low)} L${pt(lerp(ear, at(l, corner === left ? 3 : 13), 0.6))}" stroke="${spec.color}" stroke-width="${stroke(0.025)}"/>`);
    }
  } else if (spec.style === 'n95') {
    parts.push(
      `<path d="M${pt(bridge)} Q${pt(add(lerp(bridge, jaw[7]!, 0.5), up, -width * 0.08))} ${pt(jaw[7]!)}" fill="none" stroke="#000" stroke-opacity="0.3" stroke-width="${stroke(0.02)}"/>`,
    );
    const [a, c, b] = edgeAt(0.08);
    parts.push(`<path d="M${pt(a)} Q${pt(c)} ${pt(b)}" fill="none" stroke="#000" stroke-opacity="0.25" stroke-width="${stroke(0.03)}"/>`);
    for (const [corner, ear] of [
      [lerp(left, jaw[3]!, 0.5), at(l, 0)],
      [lerp(right, jaw[11]!, 0.5), at(l, 16)],
    ] as const) {
      parts.push(`<path d="M${pt(corner)} L${pt(add(ear, up, faceHeight * 0.05))}" stroke="#e8e4d8" stroke-width="${stroke(0.03)}"/>`);
    }
  } else {
    parts.push(
      `<path d="M${pt(bridge)} Q${pt(add(lerp(bridge, jaw[7]!, 0.5), up, -width * 0.05))} ${pt(jaw[7]!)}" fill="none" stroke="#000" stroke-opacity="0.35" stroke-width="${stroke(0.02)}"/>`,
    );
    for (const [corner, ear] of [
      [left, at(l, 0)],
      [right, at(l, 16)],
    ] as const) {
      parts.push(`<path d="M${pt(corner)} L${pt(add(ear, up, faceHeight * 0.1))}" stroke="${spec.color}" stroke-width="${stroke(0.03)}"/>`);
    }
  }
  return `<defs>${defs.join('')}</defs>${parts.join('')}`;
}
