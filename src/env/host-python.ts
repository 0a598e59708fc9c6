/**
 * Finds the interpreter new venvs are built from. `python3` on PATH is often a
 * pyenv or asdf shim, so we ask it for sys.executable instead of trusting the name.
 */
import { execa } from 'execa';
import { InfraError } from '../errors.js';
import { firstLine, memoizeAsync } from '../util/memo.js';

/** The base interpreter that provisioned venvs are created from. */
export interface HostPython {
  /** Absolute path of the real interpreter (shims resolved). */
  executable: string;
  /** "3.11.7". */
  version: string;
}

const probeOnce = memoizeAsync(probe);

/** $TVM_COMPAT_PYTHON, else `python3` from PATH. */
export function hostPython(): Promise<HostPython> {
  return probeOnce(process.env.TVM_COMPAT_PYTHON || 'python3');
}

export async function probe(command: string): Promise<HostPython> {
  const code = 'import platform, sys; print(sys.executable); print(platform.python_version())';
  try {
    const { stdout } = await execa(command, ['-c', code], { timeout: 30_000 });
    const [executable, version] = stdout.trim().split('\n');
    if (!executable || !version) throw new Error(`unexpected output: ${stdout}`);
    return { executable: executable.trim(), version: version.trim() };
  } catch (error) {
    throw new InfraError(`cannot run the host Python "${command}" (set TVM_COMPAT_PYTHON to another): ${firstLine(error)}`, {
      cause: error,
    });
  }
}
