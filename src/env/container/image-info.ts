/** What the engine knows about a local image: its id and the labels `compat env build` puts on it. */
import { execa } from 'execa';
import type { ContainerCli } from './cli.js';

/** Labels on images built by `compat env build`. */
export const LABELS = {
  /** sha256 of the recipe, its build args and the base image: a change rebuilds. */
  recipe: 'org.tvm-compat.recipe',
  release: 'org.tvm-compat.release',
  /** The interpreter that has TVM, inside the image. */
  python: 'org.tvm-compat.python',
  /** sha256 of the patch applied on top, on patched images. */
  patch: 'org.tvm-compat.patch',
} as const;

export interface ImageInfo {
  id: string;
  labels: Record<string, string>;
}

/** null when the engine has no such image locally (nothing is pulled: there is no registry). */
export async function inspectImage(cli: ContainerCli, image: string): Promise<ImageInfo | null> {
  const r = await execa(cli.binary, [...cli.global, 'image', 'inspect', image], { reject: false, timeout: 60_000, stdin: 'ignore' });
  if (r.exitCode !== 0) return null;
  try {
    const [first] = JSON.parse(String(r.stdout)) as { Id?: string; Config?: { Labels?: Record<string, string> | null } }[];
    if (!first?.Id) return null;
    return { id: first.Id, labels: first.Config?.Labels ?? {} };
  } catch {
    return null;
  }
}
