// Waits for a piece of work until a deadline, then carries on without it: what keeps a shutdown bounded.

/**
 * Resolves when `work` settles or at `deadline` (epoch ms), whichever comes first; calls `onLate`
 * when the deadline won. A rejection of `work` is passed on; late work is left to finish or not.
 */
export async function withDeadline(work: Promise<unknown>, deadline: number, onLate: () => void): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'late'>((resolve) => {
    timer = setTimeout(() => resolve('late'), Math.max(0, deadline - Date.now()));
  });
  try {
    if ((await Promise.race([work, late])) === 'late') onLate();
  } finally {
    clearTimeout(timer);
  }
}
