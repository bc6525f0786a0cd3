/**
 * A fixture's teardown: runs every step in order, each one even when an earlier one threw, then
 * throws what failed (all of it, as one AggregateError named after the fixture).
 */
export async function undoAll(what: string, steps: readonly (() => unknown)[]): Promise<void> {
  const failures: unknown[] = [];
  for (const undo of steps) {
    try {
      await undo();
    } catch (error) {
      failures.push(error);
    }
  }
  if (failures.length) throw new AggregateError(failures, `${what} teardown: ${failures.length} step(s) failed`);
}
