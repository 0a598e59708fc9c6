/**
 * Removes this process's running containers when it is killed by a signal. Killing the CLI does
 * not stop a container, and on SIGINT or SIGTERM execa only kills the CLIs, so without this a
 * Ctrl-C leaves every running probe container to finish (or hang) on its own.
 */
import { spawnSync } from 'node:child_process';
import { forceRemoveArgs, type ContainerCli } from './cli.js';

const live = new Map<string, ContainerCli>();
const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
let hooked = false;

/** Call before starting container `name`; `untrack` once it is known to be gone. */
export function track(cli: ContainerCli, name: string): void {
  live.set(name, cli);
  if (!hooked) {
    hooked = true;
    for (const signal of SIGNALS) process.on(signal, onSignal);
    process.on('exit', removeAllNow);
  }
}

export function untrack(name: string): void {
  live.delete(name);
}

/** Blocking on purpose: nothing asynchronous runs once the process is going down. */
export function removeAllNow(): void {
  const byCli = new Map<string, { cli: ContainerCli; names: string[] }>();
  for (const [name, cli] of live) {
    const key = [cli.binary, ...cli.global].join(' ');
    const entry = byCli.get(key) ?? { cli, names: [] };
    entry.names.push(name);
    byCli.set(key, entry);
  }
  live.clear();
  for (const { cli, names } of byCli.values()) {
    spawnSync(cli.binary, forceRemoveArgs(cli, names), { stdio: 'ignore', timeout: 60_000 });
  }
}

/**
 * Cleans up. Where the CLI listens for the signal too (check, baseline create), it ends the run
 * itself (exit 130, nothing written); elsewhere the signal is re-raised to do what it would have
 * done without this listener: exit.
 */
function onSignal(signal: NodeJS.Signals): void {
  removeAllNow();
  for (const s of SIGNALS) process.removeListener(s, onSignal);
  if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
}
