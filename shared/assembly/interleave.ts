/**
 * The consortium's key order: items of each member's list in turn by index (A0, B0, C0, A1, …), members
 * in spec order, so that Aura's round robin spreads a member's slots instead of giving one company
 * consecutive steps. Assembly orders validators and bridge validators this way, and governance derives
 * revision 0 the same way.
 */

/** Interleaves `lists` by index. */
export function interleave<T>(lists: readonly (readonly T[])[]): T[] {
  const out: T[] = [];
  const longest = Math.max(0, ...lists.map((list) => list.length));
  for (let index = 0; index < longest; index++) {
    for (const list of lists) {
      const item = list[index];
      if (item !== undefined) out.push(item);
    }
  }
  return out;
}
