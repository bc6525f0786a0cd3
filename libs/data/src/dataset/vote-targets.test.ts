import { describe, expect, it } from 'vitest';
import { voteTargets } from './vote-targets.js';

// FERPLUS_COLUMNS: neutral, happy, surprise, sad, angry, disgust, fear, contempt, unknown, NF
const row = (counts: Partial<Record<string, number>>): number[] =>
  ['neutral', 'happy', 'surprise', 'sad', 'angry', 'disgust', 'fear', 'contempt', 'unknown', 'NF'].map((c) => counts[c] ?? 0);

describe('voteTargets', () => {
  const classes = ['neutral', 'sad', 'surprise', 'angry'];
  it("renormalises the votes of the set's classes, in the set's class order", () => {
    const votes = Uint8Array.from([...row({ neutral: 6, sad: 2, happy: 1, unknown: 1 }), ...row({ angry: 7, surprise: 1, fear: 2 })]);
    const targets = voteTargets({ images: new Uint8Array(2 * 2304), labels: Uint8Array.from([0, 3]), count: 2, classes, votes });
    expect(Array.from(targets)).toEqual([0.75, 0.25, 0, 0, 0, 0, 0.125, 0.875]);
  });

  it('keeps the one-hot label of an image with no vote for any class, and names a set without votes', () => {
    const votes = Uint8Array.from(row({ happy: 10 }));
    expect(Array.from(voteTargets({ images: new Uint8Array(2304), labels: Uint8Array.from([2]), count: 1, classes, votes }))).toEqual([0, 0, 1, 0]);
    expect(() => voteTargets({ images: new Uint8Array(2304), labels: Uint8Array.from([2]), count: 1, classes }, 'file:///x')).toThrow(
      /file:\/\/\/x has no FER\+ votes/,
    );
    expect(() => voteTargets({ images: new Uint8Array(2304), labels: Uint8Array.from([0]), count: 1, classes: ['calm', 'sad'], votes })).toThrow(
      /class "calm" is not a FER\+ vote column/,
    );
  });
});
