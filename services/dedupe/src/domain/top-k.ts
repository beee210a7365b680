/** The `k` items with the highest scores, best first, in O(n log k): a bounded min-heap. */
export function topK<T>(items: Iterable<T>, k: number, scoreOf: (item: T) => number): T[] {
  if (k <= 0) return [];
  const heap: { item: T; score: number }[] = [];
  for (const item of items) {
    const score = scoreOf(item);
    if (heap.length < k) {
      heap.push({ item, score });
      siftUp(heap, heap.length - 1);
    } else if (score > heap[0]!.score) {
      heap[0] = { item, score };
      siftDown(heap, 0);
    }
  }
  return heap.sort((a, b) => b.score - a.score).map((entry) => entry.item);
}

function siftUp(heap: { score: number }[], start: number): void {
  let child = start;
  while (child > 0) {
    const parent = (child - 1) >> 1;
    if (heap[parent]!.score <= heap[child]!.score) return;
    [heap[parent], heap[child]] = [heap[child]!, heap[parent]!];
    child = parent;
  }
}

function siftDown(heap: { score: number }[], start: number): void {
  let parent = start;
  for (;;) {
    const left = parent * 2 + 1;
    const right = left + 1;
    let smallest = parent;
    if (left < heap.length && heap[left]!.score < heap[smallest]!.score) smallest = left;
    if (right < heap.length && heap[right]!.score < heap[smallest]!.score) smallest = right;
    if (smallest === parent) return;
    [heap[parent], heap[smallest]] = [heap[smallest]!, heap[parent]!];
    parent = smallest;
  }
}
