import { mulberry32 } from '@fermx/contracts';

/**
 * A small labelled FER2013-layout sample drawn in code, for machines without the real data.
 * Faces are cartoons whose brows and mouth follow the class, so a model can learn them; every
 * place that shows them calls them synthetic.
 */
export const SYNTHETIC_EMOTIONS = [
  { code: 0, name: 'angry' },
  { code: 4, name: 'sad' },
  { code: 5, name: 'surprise' },
  { code: 6, name: 'neutral' },
] as const;

const SIZE = 48;

type Painter = (x: number, y: number) => number | undefined;

function drawFace(emotion: number, rand: () => number): Uint8Array {
  const img = new Uint8Array(SIZE * SIZE);
  const cx = 24 + (rand() - 0.5) * 4;
  const cy = 25 + (rand() - 0.5) * 4;
  const rx = 15 + rand() * 3;
  const ry = 19 + rand() * 3;
  const skin = 150 + rand() * 60;
  const bg = 30 + rand() * 60;
  const eyeY = cy - 5;
  const mouthY = cy + 9;
  const browTilt = emotion === 0 ? 0.5 : emotion === 4 ? -0.4 : emotion === 5 ? 0 : 0.05;
  const browLift = emotion === 5 ? -3 : 0;
  const painters: Painter[] = [
    // eyes (bigger when surprised)
    (x, y) => {
      const r = emotion === 5 ? 2.6 : 1.8;
      return Math.hypot(x - (cx - 6), y - eyeY) < r || Math.hypot(x - (cx + 6), y - eyeY) < r ? 20 : undefined;
    },
    // brows: slanted lines above the eyes
    (x, y) => {
      for (const side of [-1, 1]) {
        const bx = cx + side * 6;
        if (Math.abs(x - bx) <= 3.5) {
          const by = eyeY - 4 + browLift + side * browTilt * (x - bx) * -1;
          if (Math.abs(y - by) < 0.9) return 35;
        }
      }
      return undefined;
    },
    // mouth: open ellipse (surprise), frown (sad), tight line (angry), flat (neutral)
    (x, y) => {
      const dx = x - cx;
      if (emotion === 5) return (dx / 3.5) ** 2 + ((y - mouthY) / 4) ** 2 < 1 ? 15 : undefined;
      if (Math.abs(dx) > 6) return undefined;
      const curve = emotion === 4 ? -0.09 * (36 - dx * dx) * 0.4 : 0;
      const thick = emotion === 0 ? 1.3 : 0.8;
      return Math.abs(y - (mouthY + curve)) < thick ? 40 : undefined;
    },
  ];
  for (let y = 0; y < SIZE; y++) {
    for (let x = 0; x < SIZE; x++) {
      const inFace = ((x - cx) / rx) ** 2 + ((y - cy) / ry) ** 2 < 1;
      let v = inFace ? skin - (y - cy) * 0.8 : bg + y * 0.5;
      if (inFace) for (const paint of painters) v = paint(x, y) ?? v;
      v += (rand() - 0.5) * 18;
      img[y * SIZE + x] = Math.max(0, Math.min(255, Math.round(v)));
    }
  }
  return img;
}

/** FER2013 CSV text (`emotion,pixels,Usage`): ~90 % Training, the rest PublicTest, in every class. */
export function syntheticFer2013Csv(rows: number, seed = 2013): string {
  const rand = mulberry32(seed);
  const lines = ['emotion,pixels,Usage'];
  for (let i = 0; i < rows; i++) {
    const emotion = SYNTHETIC_EMOTIONS[i % SYNTHETIC_EMOTIONS.length]!.code;
    const pixels = drawFace(emotion, rand);
    lines.push(`${emotion},${pixels.join(' ')},${Math.floor(i / SYNTHETIC_EMOTIONS.length) % 10 === 9 ? 'PublicTest' : 'Training'}`);
  }
  return `${lines.join('\n')}\n`;
}
