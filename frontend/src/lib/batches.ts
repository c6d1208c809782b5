// Reassembles sequenced batches into their original order. The Go side
// numbers the batches of one run from 1 without gaps; the bridge may still
// hand them over out of order (dev mode), twice, or after a gap that is
// filled later. push() returns the batches that can be applied now, in
// order; everything else waits.

export interface Sequenced {
  seq: number
}

export class BatchAssembler<B extends Sequenced> {
  private next: number
  private readonly pending = new Map<number, B>()

  constructor(first = 1) {
    this.next = first
  }

  /** The seq of the next batch that can be applied. */
  get expected(): number {
    return this.next
  }

  /** How many batches wait for an earlier one. */
  get waiting(): number {
    return this.pending.size
  }

  /** Lowest seq that waits, or undefined. */
  get lowestWaiting(): number | undefined {
    let low: number | undefined
    for (const k of this.pending.keys()) if (low === undefined || k < low) low = k
    return low
  }

  push(batch: B): B[] {
    if (!Number.isInteger(batch.seq) || batch.seq < this.next || this.pending.has(batch.seq)) {
      return [] // duplicate or already applied
    }
    if (batch.seq !== this.next) {
      this.pending.set(batch.seq, batch)
      return []
    }
    const ready = [batch]
    this.next++
    for (let b = this.pending.get(this.next); b; b = this.pending.get(this.next)) {
      this.pending.delete(this.next)
      ready.push(b)
      this.next++
    }
    return ready
  }

  /**
   * Moves on to after seq (a snapshot covered everything up to it): returns
   * the waiting batches up to seq, in order, and then accepts seq+1.
   */
  skipTo(seq: number): { covered: B[]; ready: B[] } {
    const covered: B[] = []
    for (const [k, b] of [...this.pending.entries()].sort((x, y) => x[0] - y[0])) {
      if (k <= seq) {
        covered.push(b)
        this.pending.delete(k)
      }
    }
    if (seq + 1 > this.next) this.next = seq + 1
    const ready: B[] = []
    for (let b = this.pending.get(this.next); b; b = this.pending.get(this.next)) {
      this.pending.delete(this.next)
      ready.push(b)
      this.next++
    }
    return { covered, ready }
  }

  /**
   * Gives up on missing batches up to the lowest waiting one (used when a
   * gap does not fill in time) and returns what can then be applied.
   */
  skipGap(): B[] {
    const low = this.lowestWaiting
    if (low === undefined) return []
    this.next = low
    const b = this.pending.get(low)!
    this.pending.delete(low)
    return this.push(b)
  }
}

/**
 * Sorts timeline records of one batch by their seq (stable, cheap when
 * already sorted, which is the normal case).
 */
export function sortBySeq<T extends Sequenced>(records: T[]): T[] {
  for (let i = 1; i < records.length; i++) {
    if (records[i - 1].seq > records[i].seq) {
      return [...records].sort((a, b) => a.seq - b.seq)
    }
  }
  return records
}
