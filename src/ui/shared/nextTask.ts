/**
 * Resolves in a task of its own, after the current one (and the renders and effects it flushes) ends. Work
 * that copies or hashes a model's weights (tens of megabytes) starts behind it, one piece per task, so that a
 * run's end is not one long main-thread task.
 */
export function nextTask(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}
